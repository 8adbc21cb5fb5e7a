"""Who may see and do what with a case (docs/access.md). One place; tested as a matrix.

The permission engine is django-guardian with the grant's period as a guard:
- a grant (`CaseAccessGrant`: kind, reason, grantor, from/until) is made and ended only
  here, and writes or removes the guardian object permissions its kind carries
  (`CaseAccessGrant.PERMISSIONS_BY_KIND`) in the direct foreign-key table;
- every question - a list (`Case.objects.visible_to`) or one case (`can_view`, `can_change`,
  `can_view_identity`, `can_view_need_to_know`, and `user.has_perm(perm, case)` through
  `CaseObjectPermissionBackend`) - is answered by one SQL condition, `cases.models.permitted`:
  guardian's row AND a grant of a kind carrying it in force at this moment;
- guardian rows are written when the grant is made (also for a grant that starts later: the
  clock check makes it start on time) and removed when it ends: at once on revocation, and
  at its end time by a task scheduled for that moment (`end_grant`, queued by the hourly
  sweep for grants ending within the hour). The clock check stops it at the exact second
  whether or not the task has run.
"""

import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.backends import ObjectPermissionBackend
from guardian.shortcuts import assign_perm, remove_perm

from ipgar import date_window, roles
from ipgar.dates import start_of_day

from .models import Case, CaseAccessGrant, granted_codenames_sql

logger = logging.getLogger(__name__)

VIEW = "cases.view_case"
CHANGE = "cases.change_case"
VIEW_IDENTITY = "cases.view_identity"
VIEW_NEED_TO_KNOW = "cases.view_need_to_know"
MANAGE_REGISTRATIONS = "cases.manage_registrations"
CODENAMES = ("view_case", "change_case", "view_identity", "view_need_to_know", "manage_registrations")

PERMISSIONS_BY_KIND = {
    kind: tuple(f"cases.{codename}" for codename in codenames)
    for kind, codenames in CaseAccessGrant.PERMISSIONS_BY_KIND.items()
}
# A grant ending within this window gets a task queued for its exact end (kept well under
# the Redis transport's visibility timeout, so queued tasks are not delivered twice).
SCHEDULE_AHEAD = dt.timedelta(hours=1)


# --- predicates --------------------------------------------------------------------------


def granted_codenames(user, case: Case) -> frozenset[str]:
    """The guardian permissions `user` holds on `case` under a grant in force now (one query,
    remembered on the user object for the request; `case_get` answers it with the case)."""
    if not getattr(user, "is_authenticated", False) or case.pk is None:
        return frozenset()
    cache = getattr(user, "_case_perm_cache", None)
    if cache is None or case.pk not in cache:
        sql, params = granted_codenames_sql(user_id=user.pk, at=timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT {sql} FROM "cases_case" WHERE "cases_case"."id" = %s', [*params, case.pk])  # noqa: S608 - the ORM's own SQL
            row = cursor.fetchone()
            remember(user, case.pk, row[0] if row else ())
    return user._case_perm_cache[case.pk]


def remember(user, case_id: int, codenames) -> frozenset[str]:
    """Keep the codenames read for `case_id` for the rest of the request."""
    cache = getattr(user, "_case_perm_cache", None)
    if cache is None:
        cache = user._case_perm_cache = {}
    cache[case_id] = frozenset(codenames or ())
    return cache[case_id]


def _forget(user, case_id) -> None:
    getattr(user, "_case_perm_cache", {}).pop(case_id, None)


def can_view(user, case: Case) -> bool:
    """May read the full case file (not necessarily the identity)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return roles.is_programme_team(user) or "view_case" in granted_codenames(user, case)


def can_change(user, case: Case) -> bool:
    """May record contacts, interventions, scores, plan and information picture."""
    if not getattr(user, "is_authenticated", False):
        return False
    return roles.is_programme_team(user) or "change_case" in granted_codenames(user, case)


def can_view_identity(user, case: Case) -> bool:
    """Identity and information picture: programme team, own director and substitute."""
    if not getattr(user, "is_authenticated", False):
        return False
    return roles.is_programme_team(user) or "view_identity" in granted_codenames(user, case)


def can_view_need_to_know(user, case: Case) -> bool:
    """The intervention partner's separate, explicit field list: a registration in force now."""
    if not roles.is_intervention_partner(user):
        return False
    return "view_need_to_know" in granted_codenames(user, case)


def can_manage_registrations(user, case: Case) -> bool:
    """Register or end intervention partners on a case: programme team and the case's director."""
    if not getattr(user, "is_authenticated", False):
        return False
    if roles.is_programme_team(user):
        return True
    return "manage_registrations" in granted_codenames(user, case)


class CaseObjectPermissionBackend(ObjectPermissionBackend):
    """guardian's backend, with the grant's period as a guard for cases: `user.has_perm(
    "cases.change_case", case)` answers exactly what `can_change` answers for a non-programme
    user. Other objects: guardian unchanged."""

    def has_perm(self, user_obj, perm, obj=None):
        if isinstance(obj, Case):
            app_label, _dot, codename = perm.rpartition(".")
            if app_label not in ("", "cases") or not getattr(user_obj, "is_active", False):
                return False
            return codename in granted_codenames(user_obj, obj)
        return super().has_perm(user_obj, perm, obj)

    def get_all_permissions(self, user_obj, obj=None):
        if isinstance(obj, Case):
            return {f"cases.{codename}" for codename in granted_codenames(user_obj, obj)}
        return super().get_all_permissions(user_obj, obj)


def can_register_case(user) -> bool:
    return roles.is_programme_team(user)


# --- grant services -------------------------------------------------------------------------


def _not_ended(at: dt.datetime):
    """Grants not revoked and not past their end at `at`: in force, or starting later."""
    return CaseAccessGrant.objects.filter(revoked_at__isnull=True).exclude(valid_until__lte=at)


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

    The guardian permissions of the kind are written now, also for a grant that starts
    later: `permitted` checks the period, so the grant starts at its exact time.
    """
    if kind not in CaseAccessGrant.Kind.values:
        raise ValidationError(_("Unknown kind of access."), code="unknown_kind")
    if not (reason or "").strip():
        raise ValidationError(_("Give a reason for this access."), code="reason_required")
    if user is None or not getattr(user, "is_active", False):
        raise ValidationError(_("Access can only be given to an active user."), code="inactive_user")
    now = timezone.now()
    valid_from = valid_from or now
    # A grant ends at the start of the day after its last day: one day past the window's end.
    date_window.check_dates(valid_from=valid_from, valid_until=valid_until, late_margin_days=1)
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
    if valid_until is None or valid_until > now:
        for perm in PERMISSIONS_BY_KIND[kind]:
            assign_perm(perm, user, case)
        _schedule_end(grant, now=now)
    _forget(user, case.pk)
    logger.debug("access granted: grant=%s case=%s user=%s kind=%s", grant.pk, case.pk, user.pk, kind)
    return grant


def _schedule_end(grant: CaseAccessGrant, *, now: dt.datetime) -> None:
    """Queue the task that ends `grant` at its end time, when that lies within SCHEDULE_AHEAD
    (later ends are queued by the hourly sweep as they come near)."""
    if grant.valid_until is None or grant.valid_until - now > SCHEDULE_AHEAD:
        return
    from . import tasks

    pk, eta = grant.pk, grant.valid_until
    transaction.on_commit(lambda: tasks.end_grant.apply_async(args=[pk], eta=eta))


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
    _forget(user, case.pk)
    return len(grants)


def _sync_guardian(*, user, case: Case, at: dt.datetime | None = None) -> None:
    """Remove the guardian permissions of (user, case) that no grant not yet ended carries."""
    at = at or timezone.now()
    still = set()
    for kind in _not_ended(at).filter(user=user, case=case).values_list("kind", flat=True):
        still.update(PERMISSIONS_BY_KIND[kind])
    every = {perm for perms in PERMISSIONS_BY_KIND.values() for perm in perms}
    for perm in sorted(every - still):
        remove_perm(perm, user, case)
    _forget(user, case.pk)


def end_grant(*, pk: int, now: dt.datetime | None = None) -> bool:
    """End one grant whose end time has come: mark it ended at that time and remove the guardian
    permissions no other grant carries. Idempotent; a no-op before the end or when done."""
    now = now or timezone.now()
    with transaction.atomic():
        grant = (
            CaseAccessGrant.objects.select_for_update(skip_locked=True)
            .select_related("user", "case")
            .filter(pk=pk, revoked_at__isnull=True, valid_until__lte=now)
            .first()
        )
        if grant is None:  # not due, already ended, or a concurrent run holds it
            return False
        # Marked ended at its own end time, so the next run skips it.
        grant.revoked_at = grant.valid_until
        grant.save(update_fields=["revoked_at"])
        _sync_guardian(user=grant.user, case=grant.case, at=now)
    logger.info("grant expired: grant=%s case=%s user=%s kind=%s", grant.pk, grant.case_id, grant.user_id, grant.kind)
    return True


def expire_grants(*, now: dt.datetime | None = None) -> int:
    """The hourly sweep: end grants past their end (a missed boundary task), and queue the
    boundary task of every grant ending within the next hour. Idempotent and safe to run twice
    at once (row locks, skip what is done). Returns the number of grants ended."""
    now = now or timezone.now()
    due = CaseAccessGrant.objects.filter(revoked_at__isnull=True, valid_until__lte=now)
    count = 0
    for pk in due.order_by("pk").values_list("pk", flat=True):
        # One unreadable row (a date from before the date window) must not stop
        # the sweep for every other case: it is ended in SQL, without loading it, and reported.
        try:
            count += end_grant(pk=pk, now=now)
        except (DataError, OverflowError, ValueError):
            logger.exception("expire_grants: grant %s could not be read; ended without its guardian sync", pk)
            count += CaseAccessGrant.objects.filter(pk=pk, revoked_at__isnull=True).update(revoked_at=now)
    coming = CaseAccessGrant.objects.filter(
        revoked_at__isnull=True, valid_until__gt=now, valid_until__lte=now + SCHEDULE_AHEAD
    )
    for grant in coming.only("pk", "valid_until"):
        try:
            _schedule_end(grant, now=now)
        except Exception:  # a broker hiccup for one grant: the next hourly run ends it anyway
            logger.exception("expire_grants: could not schedule the end of grant %s", grant.pk)
    logger.info("expire_grants: %s grants ended", count)
    return count


# --- explicit grants and grants made by another record ------------------------------------------


def explicit_grant_give(*, case: Case, user, reason: str, until: dt.date, by) -> CaseAccessGrant:
    """The programme team gives someone read access to one case file, for a reason, until the
    end of a given day (required, within five years). Intervention partners are registered
    instead (the covenant form); the programme team reads every case already."""
    if not can_manage_grants(by):
        raise PermissionDenied
    today = timezone.localdate()
    errors = {}
    if until is None:
        errors["until"] = _("Give the last day of the access.")
    elif not today <= until <= date_window.latest(today):
        errors["until"] = _("The last day lies between today and five years from now.")
    if user is None or not user.is_active or not roles.role_names(user):
        errors["user"] = _("Access can only be given to an active user with a role.")
    elif roles.is_intervention_partner(user) or roles.is_programme_team(user):
        errors["user"] = _("Intervention partners are registered on a case; the programme team reads every case.")
    if not (reason or "").strip():
        errors["reason"] = _("Give a reason for this access.")
    if errors:
        raise ValidationError(errors)
    return grant_case_access(
        user=user,
        case=case,
        kind=CaseAccessGrant.Kind.EXPLICIT,
        reason=reason,
        by=by,
        valid_until=start_of_day(until + dt.timedelta(days=1)),
    )


def explicit_grant_end(*, grant: CaseAccessGrant, by) -> CaseAccessGrant:
    """The programme team ends an explicit grant now; ending twice changes nothing."""
    if not can_manage_grants(by) or grant.kind != CaseAccessGrant.Kind.EXPLICIT:
        raise PermissionDenied
    return revoke_case_access(grant=grant, by=by)


def can_manage_grants(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and roles.is_programme_team(user)


def can_explain_access(user) -> bool:
    """Who may see, per case, who can read it and why: the programme team and the privacy officer."""
    if not getattr(user, "is_authenticated", False):
        return False
    return roles.is_programme_team(user) or roles.is_privacy_officer(user)


@transaction.atomic
def grant_for_source(*, user, case: Case, kind: str, reason: str, by, source: str) -> CaseAccessGrant:
    """A grant another record makes (a meeting's invitation): one open grant per (user, case,
    source), so calling again changes nothing. Ended with `end_source_grants`."""
    existing = CaseAccessGrant.objects.filter(user=user, case=case, source=source, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    grant = grant_case_access(user=user, case=case, kind=kind, reason=reason, by=by)
    grant.source = source
    grant.save(update_fields=["source"])
    return grant


@transaction.atomic
def end_source_grants(*, source: str, by) -> int:
    """End every open grant a record made (the minutes' adoption ends the meeting's grants)."""
    grants = list(CaseAccessGrant.objects.filter(source=source, revoked_at__isnull=True))
    for grant in grants:
        revoke_case_access(grant=grant, by=by)
    return len(grants)
