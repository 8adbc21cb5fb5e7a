"""Who may see and do what with a case (DESIGN §5). One place; tested as a matrix.

Grants are made and ended only here. Each grant is a CaseAccessGrant row (reason, who,
from/until) plus guardian object permissions in the direct foreign-key table. Reading
rights are checked against the grant's validity in the database (`visible_to`), so an
expired grant stops working at its end even before `expire_grants` has cleaned up.
"""

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from ipgar import roles

from .models import Case, CaseAccessGrant, CaseUserObjectPermission

logger = logging.getLogger(__name__)

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
    """The intervention partner's separate, explicit field list: a registration in force now."""
    if not roles.is_intervention_partner(user):
        return False
    return CaseAccessGrant.Kind.PARTNER in _active_grant_kinds(user, case)


def can_manage_registrations(user, case: Case) -> bool:
    """Register or end intervention partners on a case: programme team and the case's director."""
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_programme_team(user):
        return True
    return CaseAccessGrant.Kind.DIRECTOR in _active_grant_kinds(user, case)


def can_register_case(user) -> bool:
    return roles.is_programme_team(user)


# --- grant services -------------------------------------------------------------------------


def _is_active(grant: CaseAccessGrant, at: dt.datetime) -> bool:
    return grant.revoked_at is None and grant.valid_from <= at and (grant.valid_until is None or grant.valid_until > at)


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
    """Give `user` access to `case` for a reason, optionally time-bounded (from/until).

    A grant that starts later gets its guardian permissions from `expire_grants` once it
    has started; reading rights never wait for that, they check the grant's period.
    """
    if kind not in CaseAccessGrant.Kind.values:
        raise ValidationError(_("Unknown kind of access."), code="unknown_kind")
    if not (reason or "").strip():
        raise ValidationError(_("Give a reason for this access."), code="reason_required")
    if user is None or not getattr(user, "is_active", False):
        raise ValidationError(_("Access can only be given to an active user."), code="inactive_user")
    now = timezone.now()
    valid_from = valid_from or now
    if valid_until is not None and valid_until <= valid_from:
        raise ValidationError(_("The end of the access lies before its start."), code="ends_before_start")
    grant = CaseAccessGrant.objects.create(
        case=case,
        user=user,
        kind=kind,
        reason=reason.strip()[:300],
        granted_by=by,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if _is_active(grant, now):
        for perm in PERMISSIONS_BY_KIND[kind]:
            assign_perm(perm, user, case)
    getattr(user, "_case_grant_cache", {}).pop(case.pk, None)
    logger.debug("access granted: grant=%s case=%s user=%s kind=%s", grant.pk, case.pk, user.pk, kind)
    return grant


@transaction.atomic
def revoke_case_access(*, grant: CaseAccessGrant, by, at: dt.datetime | None = None) -> CaseAccessGrant:
    """End a grant now; guardian permissions go unless another grant still carries them."""
    grant = CaseAccessGrant.objects.select_for_update().select_related("user", "case").get(pk=grant.pk)
    if grant.revoked_at is None:
        grant.revoked_at = at or timezone.now()
        grant.revoked_by = by
        grant.save(update_fields=["revoked_at", "revoked_by"])
        logger.debug("access revoked: grant=%s case=%s user=%s", grant.pk, grant.case_id, grant.user_id)
    _sync_guardian(user=grant.user, case=grant.case)
    return grant


@transaction.atomic
def revoke_grants(*, user, case: Case, kinds, by) -> int:
    """End every open grant of these kinds for user on case; returns how many."""
    grants = list(CaseAccessGrant.objects.filter(user=user, case=case, kind__in=kinds, revoked_at__isnull=True))
    for grant in grants:
        revoke_case_access(grant=grant, by=by)
    getattr(user, "_case_grant_cache", {}).pop(case.pk, None)
    return len(grants)


def _sync_guardian(*, user, case: Case, at: dt.datetime | None = None) -> None:
    """Make the guardian permissions of (user, case) exactly those of the grants in force."""
    still = set()
    for kind in CaseAccessGrant.objects.active(at).filter(user=user, case=case).values_list("kind", flat=True):
        still.update(PERMISSIONS_BY_KIND[kind])
    every = {perm for perms in PERMISSIONS_BY_KIND.values() for perm in perms}
    for perm in sorted(every - still):
        remove_perm(perm, user, case)
    for perm in sorted(still):
        assign_perm(perm, user, case)
    getattr(user, "_case_grant_cache", {}).pop(case.pk, None)


def expire_grants(*, now: dt.datetime | None = None) -> int:
    """Clean up grants that ended: mark them and remove their guardian permissions.

    Idempotent and safe to run twice at once (row locks, skip what is done). Also gives
    grants that have started since they were made (substitutions) their permissions.
    Returns the number of grants ended.
    """
    now = now or timezone.now()
    ended_ids = list(
        CaseAccessGrant.objects.filter(valid_until__lte=now, revoked_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in ended_ids:
        with transaction.atomic():
            grant = (
                CaseAccessGrant.objects.select_for_update(skip_locked=True)
                .select_related("user", "case")
                .filter(pk=pk, revoked_at__isnull=True)
                .first()
            )
            if grant is None:  # a concurrent run or a revocation got there first
                continue
            # Marked ended at its own end time, so the next run skips it.
            grant.revoked_at = grant.valid_until
            grant.save(update_fields=["revoked_at"])
            _sync_guardian(user=grant.user, case=grant.case, at=now)
        logger.info(
            "grant expired: grant=%s case=%s user=%s kind=%s", grant.pk, grant.case_id, grant.user_id, grant.kind
        )
        count += 1
    started = _activate_started_grants(now=now)
    logger.info("expire_grants: %s grants ended, %s started grants given their permissions", count, started)
    return count


def _activate_started_grants(*, now: dt.datetime) -> int:
    """Grants in force whose guardian permissions are missing (made before their start)."""
    missing = CaseUserObjectPermission.objects.filter(
        user=OuterRef("user_id"), content_object=OuterRef("case_id"), permission__codename=OuterRef("codename")
    )
    handled = 0
    for kind, perms in PERMISSIONS_BY_KIND.items():
        codename = perms[0].split(".", 1)[1]
        pending = (
            CaseAccessGrant.objects.active(now)
            .filter(kind=kind)
            .annotate(codename=Value(codename))
            .filter(~Exists(missing))
            .select_related("user", "case")
        )
        for grant in pending:
            with transaction.atomic():
                _sync_guardian(user=grant.user, case=grant.case, at=now)
            logger.info("grant started: grant=%s case=%s user=%s kind=%s", grant.pk, grant.case_id, grant.user_id, kind)
            handled += 1
    return handled
