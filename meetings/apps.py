from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        # Retention empties the meetings' free text about a case (cases.hooks).
        from cases import hooks

        from . import retention

        hooks.on_case_emptied(retention.retention_empty_case)
