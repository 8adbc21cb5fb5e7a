"""Who may read which monitor (docs/access.md): the one place that answers it."""

from ipgar import roles

from .models import MonitorSnapshot

GROSS_ROLES = {roles.PROGRAMME_TEAM, roles.PTO_R_MEMBER}
# Directors read the net monitor plus their own caseload row of the gross one.
NET_ROLES = GROSS_ROLES | {roles.PARTNER, roles.DIRECTOR}


def variants_for(user) -> list[str]:
    """The variants the user may read; empty for intervention partners, the privacy officer, others."""
    mine = roles.role_names(user)
    variants = []
    if mine & GROSS_ROLES:
        variants.append(MonitorSnapshot.Variant.GROSS)
    if mine & NET_ROLES:
        variants.append(MonitorSnapshot.Variant.NET)
    return variants


def can_read(user, variant: str) -> bool:
    return variant in variants_for(user)


def can_generate(user) -> bool:
    return roles.is_programme_team(user)


def own_director(user):
    """The user's pool.Director when they are a director (for their own caseload figures)."""
    if not roles.is_director(user):
        return None
    from pool.models import Director

    return Director.objects.filter(user=user).first()
