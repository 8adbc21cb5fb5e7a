"""Who may see and do what in the pool (docs/access.md). Pages a role has no business on answer 404."""

from ipgar import roles


def can_manage_pool(user) -> bool:
    """Keep the pool, assign, hand over, register absences, hold reviews: the programme team."""
    return roles.is_programme_team(user)


def can_view_pool(user) -> bool:
    """The whole pool's caseload (page and CSV): the programme team only, not a director."""
    return roles.is_programme_team(user)


def can_view_own_figures(user) -> bool:
    """A director's own capacity, absences, reviews and open instructions."""
    return roles.is_director(user) and hasattr(user, "director")


def can_search_directory(user) -> bool:
    """Attention officers and district project leaders: directors and the programme team (docs/domain.md source S1)."""
    return roles.is_programme_team(user) or roles.is_director(user)
