"""Roles are Django groups (docs/access.md). One place for their names and for asking them."""

from django.utils.translation import gettext_lazy as _

PROGRAMME_TEAM = "programme_team"
DIRECTOR = "director"
PTO_R_MEMBER = "pto_r_member"
PARTNER = "partner"
INTERVENTION_PARTNER = "intervention_partner"
PRIVACY_OFFICER = "privacy_officer"
ADMINISTRATOR = "administrator"

ROLES = {
    PROGRAMME_TEAM: _("programme team"),
    DIRECTOR: _("case director"),
    PTO_R_MEMBER: _("PTO-R member"),
    PARTNER: _("partner"),
    INTERVENTION_PARTNER: _("intervention partner"),
    PRIVACY_OFFICER: _("privacy officer"),
    ADMINISTRATOR: _("administrator"),
}

# Roles only a superuser may grant: whoever holds them reads every case, reviews the access
# log or hands out rights. The administrator grants the others.
SUPERUSER_ONLY = frozenset({PROGRAMME_TEAM, ADMINISTRATOR, PRIVACY_OFFICER})


def role_label(name: str) -> str:
    """A role's name for people (Dutch in a Dutch request); other group names as they are."""
    return str(ROLES.get(name, name))


def role_names(user) -> frozenset[str]:
    """The user's roles, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ipgar_roles", None)
    if cached is None:
        cached = frozenset(name for name in user.groups.values_list("name", flat=True) if name in ROLES)
        user._ipgar_roles = cached
    return cached


def has_role(user, role: str) -> bool:
    return role in role_names(user)


def is_programme_team(user) -> bool:
    return has_role(user, PROGRAMME_TEAM)


def is_director(user) -> bool:
    return has_role(user, DIRECTOR)


def is_pto_r_member(user) -> bool:
    return has_role(user, PTO_R_MEMBER)


def is_partner(user) -> bool:
    return has_role(user, PARTNER)


def is_intervention_partner(user) -> bool:
    return has_role(user, INTERVENTION_PARTNER)


def is_privacy_officer(user) -> bool:
    return has_role(user, PRIVACY_OFFICER)


def is_administrator(user) -> bool:
    return has_role(user, ADMINISTRATOR)


def primary_role(user) -> str:
    """The role that decides the home page and is written to the access log."""
    names = role_names(user)
    for role in ROLES:
        if role in names:
            return role
    return ""
