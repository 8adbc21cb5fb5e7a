from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from . import roles

# (url name, label, roles that see it). Each app owns the view behind its entry.
NAVIGATION = [
    ("home", _("Home"), set(roles.ROLES)),
    ("cases:caseload", _("My caseload"), {roles.DIRECTOR}),
    ("cases:list", _("Cases"), {roles.PROGRAMME_TEAM}),
    ("access:partner_list", _("My cases"), {roles.INTERVENTION_PARTNER}),
    ("pool:mine", _("My capacity"), {roles.DIRECTOR}),
    ("pool:overview", _("Director pool"), {roles.PROGRAMME_TEAM}),
    ("pool:directory", _("Directory"), {roles.PROGRAMME_TEAM, roles.DIRECTOR}),
    ("access:subject_access", _("Subject access (GDPR)"), {roles.PROGRAMME_TEAM}),
    ("meetings:list", _("Meetings"), {roles.PROGRAMME_TEAM, roles.DIRECTOR, roles.PTO_R_MEMBER, roles.PARTNER}),
    ("monitor:index", _("Monitor"), {roles.PROGRAMME_TEAM, roles.DIRECTOR, roles.PTO_R_MEMBER, roles.PARTNER}),
    ("ipgar:access_log", _("Access log"), {roles.PRIVACY_OFFICER}),
    ("ipgar:retention", _("Retention"), {roles.PRIVACY_OFFICER}),
    ("access:readers_lookup", _("Who can read a case"), {roles.PROGRAMME_TEAM, roles.PRIVACY_OFFICER}),
    ("ipgar:role_change_log", _("Role changes"), {roles.PRIVACY_OFFICER}),
    ("admin:index", _("Administration"), {roles.ADMINISTRATOR}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    mine = roles.role_names(user)
    items = []
    for name, label, allowed in NAVIGATION:
        if not (mine & allowed):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            # An app that has not (yet) published this page; tests/ipgar/test_navigation
            # asserts that every entry resolves once all apps are in.
            continue
        items.append({"url": url, "label": label, "current": request.path == url})
    return {
        "nav_items": items,
        "user_role": roles.primary_role(user),
        "user_role_label": roles.ROLES.get(roles.primary_role(user), ""),
    }
