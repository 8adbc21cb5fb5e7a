from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IpgarConfig(AppConfig):
    name = "ipgar"
    verbose_name = _("iPGA-R")

    def ready(self):
        post_migrate.connect(_sync_administrator_permissions, sender=self)


# Administrators manage users, roles and reference data in the admin (DESIGN §5), not
# case content. Model permissions exist only after migrate, hence post_migrate.
ADMINISTRATOR_MODELS = {
    "ipgar": ["user", "organisation"],
    "auth": ["group"],
    "cases": ["riskcategory", "ideology", "lifedomain", "reportsource", "outflowreason", "area", "interventiontype"],
    "meetings": ["meetingbody"],
}


def _sync_administrator_permissions(**kwargs):
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    from . import roles

    group = Group.objects.filter(name=roles.ADMINISTRATOR).first()
    if group is None:
        return
    query = Q(pk__in=[])
    for app_label, models in ADMINISTRATOR_MODELS.items():
        query |= Q(content_type__app_label=app_label, content_type__model__in=models)
    group.permissions.add(*Permission.objects.filter(query).exclude(codename__startswith="delete_"))
