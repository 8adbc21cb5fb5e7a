from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoolConfig(AppConfig):
    name = "pool"
    verbose_name = _("Director pool")

    def ready(self):
        # What flows back to cases, which never imports the pool (cases.hooks).
        from cases import hooks

        from . import retention, services

        hooks.on_director_assigned(services.substitutes_follow_assignment)
        hooks.on_case_emptied(retention.retention_empty_case)
