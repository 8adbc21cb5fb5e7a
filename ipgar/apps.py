from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class IpgarConfig(AppConfig):
    name = "ipgar"
    verbose_name = _("iPGA-R")

    def ready(self):
        from django.contrib.auth.models import Group

        # Every app's post_migrate, not only ipgar's: ipgar's comes before the permissions of
        # cases, pool and meetings exist, so a fresh install left the administrator without
        # them. The last app's signal leaves the role complete.
        post_migrate.connect(_sync_administrator_permissions, dispatch_uid="ipgar_sync_administrator_permissions")
        # Groups are the roles (ipgar.roles); the admin calls them so, by their names for people.
        Group._meta.verbose_name = _("role")
        Group._meta.verbose_name_plural = _("roles")
        Group.__str__ = _group_label


def _group_label(group) -> str:
    from django.utils.text import capfirst

    from . import roles

    return str(capfirst(roles.role_label(group.name)))


# Administrators manage users, organisations and the reference lists in the admin, and read the
# roles (docs/access.md); not case content, and not the roles' rights: only a superuser edits a role.
# Reference lists are deleted only when unused (the admins refuse otherwise); users never are.
ADMINISTRATOR_PERMISSIONS = {
    "ipgar": {
        "user": ("view", "add", "change"),
        "organisation": ("view", "add", "change", "delete"),
        "rolechangelogentry": ("view",),
    },
    "auth": {"group": ("view",)},
    "cases": dict.fromkeys(
        ("riskcategory", "ideology", "lifedomain", "reportsource", "outflowreason", "area", "interventiontype"),
        ("view", "add", "change", "delete"),
    ),
    "meetings": {"meetingbody": ("view", "add", "change")},
}


def _sync_administrator_permissions(**kwargs):
    """Give the administrators group exactly its role: missing rights added, any other taken away."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    from . import roles

    group = Group.objects.filter(name=roles.ADMINISTRATOR).first()
    if group is None:
        return
    query = Q(pk__in=[])
    for app_label, models in ADMINISTRATOR_PERMISSIONS.items():
        for model, actions in models.items():
            query |= Q(content_type__app_label=app_label, codename__in=[f"{action}_{model}" for action in actions]) & Q(
                content_type__model=model
            )
    group.permissions.set(Permission.objects.filter(query))
