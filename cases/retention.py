"""Retention (docs/retention.md): identity and free text go when their term has passed.

Two terms:
- an included case: IPGAR_RETENTION_YEARS after outflow;
- a report that was never included (not included, preventive talk, or never decided):
  IPGAR_REPORT_RETENTION_DAYS after its last step (the last transition, else the report),
  as Signalen does for cancelled reports.

What stays is pseudonymous (code, status, dates, area, categories, counts), so the monitor's
figures still add up. Free text about the case in every app goes too (`pool.retention`,
`meetings.retention`), and so do the simple-history copies of all of it (docs/decisions.md D5).
A case on legal hold is left alone. Each case is one transaction, its log entry included: an
interrupted run leaves every case either untouched or finished, and the next run resumes.
"""

import dataclasses
import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipgar.models import RetentionLogEntry, User
from ipgar.retention import (
    anchor_pattern,
    empty_text,
    mention_pattern,
    person_anchors,
    person_terms,
    remove_mentions,
    retention_log_append,
    surname_alone_is_distinctive,
)

from . import hooks
from .models import (
    Case,
    CaseIdentity,
    CaseTransition,
    Contact,
    DirectorAssignment,
    Escalation,
    Intervention,
    LegalHold,
    LifeDomainScore,
    NetworkLink,
    PartnerRegistration,
    PlanGoal,
)

logger = logging.getLogger(__name__)

IDENTITY_FIELDS = {
    "first_name": "",
    "last_name": "",
    "date_of_birth": None,
    "bsn": "",
    "address": "",
    "postcode": "",
    "city": "",
}

# The case app's own free text: model, lookup of the case, fields.
FREE_TEXT = [
    (Case, "id", ("information_picture", "report_summary")),
    (CaseTransition, "case_id", ("reason",)),
    (DirectorAssignment, "case_id", ("reason",)),
    (Contact, "case_id", ("note",)),
    (Intervention, "case_id", ("goal", "outcome")),
    (PlanGoal, "case_id", ("goal",)),
    (LifeDomainScore, "case_id", ("note",)),
    (Escalation, "case_id", ("question",)),
    (NetworkLink, "case_id", ("note",)),
    (NetworkLink, "other_id", ("note",)),
    (PartnerRegistration, "case_id", ("purpose",)),
    # A lifted hold's reasons may name the person too; who set and lifted it, and when, stay.
    (LegalHold, "case_id", ("reason", "lift_reason")),
]

INCLUDED = "included"
REPORT = "report"
RULES = {
    INCLUDED: gettext_lazy("included case: %(years)s years after outflow"),
    REPORT: gettext_lazy("report never included: %(days)s days after the last step"),
}
# Reports that never became a case: refused, preventive talk, or never decided on.
NEVER_INCLUDED = (Case.Status.NOT_INCLUDED, Case.Status.PREVENTIVE_TALK, *Case.PENDING_STATUSES)


@dataclasses.dataclass(frozen=True)
class Due:
    """One case and when retention empties it, and why."""

    case: Case
    rule: str
    since: dt.date  # outflow, or the report's last step
    due_on: dt.date  # the first day retention empties it

    @property
    def reason(self) -> str:
        return rule_label(self.rule)


def rule_label(rule: str) -> str:
    label = RULES.get(rule)
    if label is None:
        return rule
    return label % {"years": settings.IPGAR_RETENTION_YEARS, "days": settings.IPGAR_REPORT_RETENTION_DAYS}


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _with_last_step(queryset: QuerySet[Case]) -> QuerySet[Case]:
    last = (
        CaseTransition.objects.filter(case=OuterRef("pk"))
        .values("case")
        .annotate(last=Max(TruncDate("at")))
        .values("last")[:1]
    )
    return queryset.annotate(last_step=Coalesce(Subquery(last), "reported_on"))


def _candidates(*, until: dt.date, case_id: int | None = None) -> tuple[QuerySet[Case], QuerySet[Case]]:
    """Cases not yet emptied whose term ends before `until` (included, reports)."""
    open_cases = Case.objects.filter(anonymised_at__isnull=True)
    if case_id is not None:
        open_cases = open_cases.filter(pk=case_id)
    included = open_cases.filter(
        status=Case.Status.CLOSED,
        closed_on__lt=_years_before(until, settings.IPGAR_RETENTION_YEARS),
    )
    reports = (
        _with_last_step(open_cases.filter(status__in=NEVER_INCLUDED, included_on__isnull=True))
        .filter(last_step__lt=until - dt.timedelta(days=settings.IPGAR_REPORT_RETENTION_DAYS))
        .order_by("last_step", "pk")
    )
    return included.order_by("closed_on", "pk"), reports


def retention_schedule(*, today: dt.date | None = None, horizon_days: int = 0, case_id: int | None = None) -> list[Due]:
    """What retention empties from today until `horizon_days` ahead, holds included (see `Due`)."""
    today = today or timezone.localdate()
    included, reports = _candidates(until=today + dt.timedelta(days=horizon_days), case_id=case_id)
    due = [
        Due(case, INCLUDED, case.closed_on, _years_after(case.closed_on, settings.IPGAR_RETENTION_YEARS))
        for case in included
    ]
    due += [
        Due(case, REPORT, case.last_step, case.last_step + dt.timedelta(days=settings.IPGAR_REPORT_RETENTION_DAYS))
        for case in reports
    ]
    # The term ends on due_on - 1: the case is emptied from the day after.
    due = [dataclasses.replace(d, due_on=d.due_on + dt.timedelta(days=1)) for d in due]
    return sorted(due, key=lambda d: (d.due_on, d.case.code))


def retention_due(*, today: dt.date | None = None, case_id: int | None = None) -> list[Due]:
    """Cases due today, not on legal hold."""
    return [d for d in retention_schedule(today=today, case_id=case_id) if not d.case.legal_hold]


@transaction.atomic
def retention_apply_case(*, case_id: int, now: dt.datetime | None = None) -> RetentionLogEntry | None:
    """Remove identity and free text of one case everywhere, history included; None when not due."""
    now = now or timezone.now()
    locked = Case.objects.select_for_update(skip_locked=True).filter(pk=case_id, anonymised_at__isnull=True).first()
    if locked is None or locked.legal_hold:
        return None
    due = next(iter(retention_due(today=timezone.localdate(now), case_id=case_id)), None)
    if due is None:
        return None
    case = due.case
    removed: dict[str, int] = {}

    identity = CaseIdentity.objects.filter(case_id=case.pk)
    history = CaseIdentity.history.model.objects.filter(case_id=case.pk)
    # Read before emptying: every version of the identity, to find mentions elsewhere (below).
    pattern, anchors = _mention_pattern(case)
    values = identity.values(*IDENTITY_FIELDS).first() or {}
    removed["identity"] = sum(1 for value in values.values() if value not in ("", None))
    # The row stays (pages expect one) but holds nothing; its history goes entirely.
    identity.update(**IDENTITY_FIELDS)
    removed["identity_history"] = history.count()
    history.delete()

    for model, lookup, fields in FREE_TEXT:
        for key, count in empty_text(model, Q(**{lookup: case.pk}), fields).items():
            removed[key] = removed.get(key, 0) + count
    # Each app empties its own free text about the case (only an app writes its models): the
    # apps above cases register how in their AppConfig.ready() (cases.hooks).
    removed.update(hooks.empty_case(case=case))
    # Then the person's name, BSN, date of birth and address wherever free text names them,
    # in every app's rows and history rows (caseload-review summaries, general minutes,
    # staff notes ...): one UPDATE per free-text column, logged per column, never the value.
    if pattern:
        removed.update(remove_mentions(pattern, anchors=anchors, exclude=(CaseIdentity, CaseIdentity.history.model)))

    Case.objects.filter(pk=case.pk).update(anonymised_at=now)
    entry = retention_log_append(
        case_id=case.pk,
        case_code=case.code,
        closed_on=case.closed_on,
        rule=due.rule,
        due_on=due.due_on,
        removed=removed,
    )
    # Pseudonymous code and counts only: the application log holds no personal data.
    logger.info(
        "retention applied: case=%s rule=%s closed_on=%s removed=%s", case.code, due.rule, case.closed_on, removed
    )
    return entry


MENTION_FIELDS = ("first_name", "last_name", "date_of_birth", "bsn", "address", "postcode")


def _mention_pattern(case: Case) -> tuple[str, str]:
    """The pattern of everything that identifies the case's person, over every identity version.

    The surname alone is used only when it is distinctive (`ipgar.retention.surname_alone_is_
    distinctive`): here, no subject of a case not yet emptied and no user carries it too.
    """
    versions = {
        tuple(row)
        for qs in (
            CaseIdentity.objects.filter(case_id=case.pk),
            CaseIdentity.history.model.objects.filter(case_id=case.pk),
        )
        for row in qs.values_list(*MENTION_FIELDS)
    }
    terms, anchors = [], []
    for values in versions:
        identity = dict(zip(MENTION_FIELDS, values, strict=True))
        last = (identity["last_name"] or "").strip()
        others = bool(last) and (
            CaseIdentity.objects.filter(last_name__iexact=last, case__anonymised_at__isnull=True)
            .exclude(case_id=case.pk)
            .exists()
            or User.objects.filter(last_name__iexact=last).exists()
        )
        alone = bool(last) and surname_alone_is_distinctive(last, carried_by_others=others)
        terms += person_terms(identity, surname_alone=alone)
        anchors += person_anchors(identity)
    return (mention_pattern(terms), anchor_pattern(anchors)) if terms else ("", "")


def retention_apply(*, now: dt.datetime | None = None) -> list[RetentionLogEntry]:
    """Apply retention to every due case, each in its own transaction; a rerun finds nothing to do."""
    now = now or timezone.now()
    entries = []
    for due in retention_due(today=timezone.localdate(now)):
        entry = retention_apply_case(case_id=due.case.pk, now=now)
        if entry is not None:
            entries.append(entry)
    logger.info("retention: %s cases anonymised", len(entries))
    return entries


# --- legal hold -------------------------------------------------------------------------------


@transaction.atomic
def legal_hold_set(*, case: Case, by, reason: str) -> LegalHold:
    """Put a case on hold: retention leaves it alone until the hold is lifted."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the hold.")}, code="reason_required")
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if locked.anonymised_at is not None:
        raise ValidationError(
            _("Case %(code)s was already emptied by retention; there is nothing left to hold."),
            params={"code": case.code},
            code="already_anonymised",
        )
    if LegalHold.objects.filter(case=locked, lifted_at__isnull=True).exists():
        raise ValidationError(_("Case %(code)s is already on hold."), params={"code": case.code}, code="already_held")
    hold = LegalHold.objects.create(case=locked, reason=reason, set_by=by)
    Case.objects.filter(pk=case.pk).update(legal_hold=True)
    logger.info("legal hold set: case=%s by=%s", case.code, by.get_username())
    return hold


@transaction.atomic
def legal_hold_lift(*, hold: LegalHold, by, reason: str) -> LegalHold:
    """Lift a hold; retention takes the case again from its next run when its term has passed."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for lifting the hold.")}, code="reason_required")
    hold = LegalHold.objects.select_for_update().select_related("case").get(pk=hold.pk)
    if hold.lifted_at is not None:
        raise ValidationError(_("This hold was already lifted."), code="already_lifted")
    hold.lifted_at = timezone.now()
    hold.lifted_by = by
    hold.lift_reason = reason
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    Case.objects.filter(pk=hold.case_id).update(legal_hold=False)
    logger.info("legal hold lifted: case=%s by=%s", hold.case.code, by.get_username())
    return hold
