"""Who may see and do what with a case (DESIGN §5). One place; tested as a matrix.

Grants are made and ended only here. Each grant is a CaseAccessGrant row (reason, who,
from/until) plus guardian object permissions in the direct foreign-key table. Reading
rights are checked against the grant's validity in the database (`visible_to`), so an
expired grant stops working at its end even before `expire_grants` has cleaned up.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from ipgar import roles

from .models import Case, CaseAccessGrant

VIEW = "cases.view_case"
CHANGE = "cases.change_case"
VIEW_IDENTITY = "cases.view_identity"
VIEW_NEED_TO_KNOW = "cases.view_need_to_know"

PERMISSIONS_BY_KIND = {
    CaseAccessGrant.Kind.DIRECTOR: (VIEW, CHANGE, VIEW_IDENTITY),
    CaseAccessGrant.Kind.SUBSTITUTE: (VIEW, CHANGE, VIEW_IDENTITY),
    CaseAccessGrant.Kind.EXPLICIT: (VIEW,),
    CaseAccessGrant.Kind.PARTNER: (VIEW_NEED_TO_KNOW,),
}


# --- predicates --------------------------------------------------------------------------


def _active_grant_kinds(user, case) -> set[str]:
    cache = getattr(user, "_case_grant_cache", None)
    if cache is None:
        cache = user._case_grant_cache = {}
    if case.pk not in cache:
        cache[case.pk] = set(
            CaseAccessGrant.objects.active().filter(user=user, case=case).values_list("kind", flat=True)
        )
    return cache[case.pk]


def can_view(user, case: Case) -> bool:
    """May read the full case file (not necessarily the identity)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_programme_team(user):
        return True
    return bool(_active_grant_kinds(user, case) & set(CaseAccessGrant.FULL_ACCESS_KINDS))


def can_change(user, case: Case) -> bool:
    """May record contacts, interventions, scores, plan and information picture."""
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_programme_team(user):
        return True
    kinds = _active_grant_kinds(user, case)
    return bool(kinds & {CaseAccessGrant.Kind.DIRECTOR, CaseAccessGrant.Kind.SUBSTITUTE})


def can_view_identity(user, case: Case) -> bool:
    """Identity and information picture: programme team, own director and substitute."""
    return can_change(user, case)


def can_view_need_to_know(user, case: Case) -> bool:
    """The intervention partner's separate, explicit field list."""
    if not getattr(user, "is_authenticated", False):
        return False
    return CaseAccessGrant.Kind.PARTNER in _active_grant_kinds(user, case)


def can_register_case(user) -> bool:
    return roles.is_programme_team(user)


# --- grant services -------------------------------------------------------------------------


@transaction.atomic
def grant_case_access(
    *,
    user,
    case: Case,
    kind: str,
    reason: str,
    by,
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> CaseAccessGrant:
    """Give `user` access to `case` for a reason, optionally time-bounded."""
    grant = CaseAccessGrant.objects.create(
        case=case,
        user=user,
        kind=kind,
        reason=reason,
        granted_by=by,
        valid_from=valid_from or timezone.now(),
        valid_until=valid_until,
    )
    for perm in PERMISSIONS_BY_KIND[kind]:
        assign_perm(perm, user, case)
    getattr(user, "_case_grant_cache", {}).pop(case.pk, None)
    return grant


@transaction.atomic
def revoke_case_access(*, grant: CaseAccessGrant, by, at: dt.datetime | None = None) -> CaseAccessGrant:
    """End a grant now; guardian permissions go unless another grant still carries them."""
    if grant.revoked_at is None:
        grant.revoked_at = at or timezone.now()
        grant.revoked_by = by
        grant.save(update_fields=["revoked_at", "revoked_by"])
    _sync_guardian(user=grant.user, case=grant.case)
    return grant


def revoke_grants(*, user, case: Case, kinds, by) -> int:
    """End every open grant of these kinds for user on case; returns how many."""
    grants = list(CaseAccessGrant.objects.filter(user=user, case=case, kind__in=kinds, revoked_at__isnull=True))
    for grant in grants:
        revoke_case_access(grant=grant, by=by)
    return len(grants)


def _sync_guardian(*, user, case: Case, at: dt.datetime | None = None) -> None:
    still = set()
    for kind in CaseAccessGrant.objects.active(at).filter(user=user, case=case).values_list("kind", flat=True):
        still.update(PERMISSIONS_BY_KIND[kind])
    for perms in PERMISSIONS_BY_KIND.values():
        for perm in perms:
            if perm not in still:
                remove_perm(perm, user, case)
    getattr(user, "_case_grant_cache", {}).pop(case.pk, None)


def expire_grants(*, now: dt.datetime | None = None) -> int:
    """Remove guardian permissions of grants that ended; idempotent. Returns grants handled."""
    now = now or timezone.now()
    ended = (
        CaseAccessGrant.objects.filter(valid_until__lte=now, revoked_at__isnull=True)
        .select_related("user", "case")
        .order_by("pk")
    )
    count = 0
    for grant in ended:
        with transaction.atomic():
            # Mark it ended at its own end time, so the next run skips it.
            grant.revoked_at = grant.valid_until
            grant.save(update_fields=["revoked_at"])
            _sync_guardian(user=grant.user, case=grant.case, at=now)
        count += 1
    return count
