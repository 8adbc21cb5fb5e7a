"""The role-change log for the privacy officer: who changed whose role or rights, why."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from . import access_log, roles
from .models import RoleChangeLogEntry

FLAGS = {
    "is_superuser": gettext_lazy("superuser"),
    "is_staff": gettext_lazy("access to the administration"),
    "is_active": gettext_lazy("account active"),
}


def describe(changes: dict) -> list[str]:
    """{"roles_added": ["director"], "is_staff": [false, true]} -> readable lines, roles by their Dutch names."""
    lines = []
    labels = {
        "roles_added": _("Roles granted: %(items)s"),
        "roles_removed": _("Roles taken away: %(items)s"),
        "permissions_added": _("Rights granted: %(items)s"),
        "permissions_removed": _("Rights taken away: %(items)s"),
    }
    for key, label in labels.items():
        if changes.get(key):
            names = [roles.role_label(name) if key.startswith("roles") else name for name in changes[key]]
            lines.append(label % {"items": ", ".join(names)})
    for flag, name in FLAGS.items():
        if flag in changes:
            before, after = (_("yes") if value else _("no") for value in changes[flag])
            lines.append(_("%(flag)s: %(before)s → %(after)s") % {"flag": str(name), "before": before, "after": after})
    if "name" in changes:
        lines.append(_("Renamed: %(before)s → %(after)s") % {"before": changes["name"][0], "after": changes["name"][1]})
    return lines


@require_GET
def role_change_log(request):
    if not roles.is_privacy_officer(request.user):
        access_log.denied(request, record_type="ipgar.rolechangelogentry", record_id="*", section="role_changes")
        raise Http404
    page = Paginator(RoleChangeLogEntry.objects.order_by("-at", "-id"), 50).get_page(request.GET.get("page"))
    access_log.record(
        request,
        record_type="ipgar.rolechangelogentry",
        record_id="*",
        action=access_log.Action.LIST,
        section="role_changes",
    )
    for entry in page:
        entry.lines = describe(entry.changes)
        entry.subject_text = entry.subject_username or roles.role_label(entry.subject_role)
    return render(request, "ipgar/role_change_log.html", {"page": page, "query": ""})
