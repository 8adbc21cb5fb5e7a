"""Retention (issue 4): cases closed longer than IPGAR_RETENTION_YEARS lose identity and free text.

What stays is pseudonymous (code, status, dates, area, categories, counts), so the monitor's
figures still add up. History rows are emptied too: simple-history keeps copies of every
version (FIELD-NOTES 8), and those copies hold the same personal data.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ipgar.models import RetentionLogEntry

from .models import (
    Case,
    CaseIdentity,
    Contact,
    Escalation,
    Intervention,
    LifeDomainScore,
    NetworkLink,
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

# model, case lookup, free-text fields emptied (with their history rows when the model has history)
FREE_TEXT = [
    (Case, "pk", ("information_picture", "report_summary")),
    (Contact, "case_id", ("note",)),
    (Intervention, "case_id", ("goal", "outcome")),
    (PlanGoal, "case_id", ("goal",)),
    (LifeDomainScore, "case_id", ("note",)),
    (Escalation, "case_id", ("question",)),
    (NetworkLink, "case_id", ("note",)),
]


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def retention_due(*, today: dt.date | None = None) -> QuerySet[Case]:
    """Closed cases past the retention period, not on legal hold, not yet anonymised."""
    today = today or timezone.localdate()
    cutoff = _years_before(today, settings.IPGAR_RETENTION_YEARS)
    return Case.objects.filter(
        status=Case.Status.CLOSED,
        closed_on__lt=cutoff,
        legal_hold=False,
        anonymised_at__isnull=True,
    ).order_by("closed_on", "pk")


def _not_empty(field: str) -> Q:
    return ~Q(**{field: ""}) & Q(**{f"{field}__isnull": False})


def _empty(queryset: QuerySet, fields: tuple[str, ...]) -> int:
    """Empty these fields where they hold something; returns the number of values removed."""
    removed = 0
    for field in fields:
        removed += queryset.filter(_not_empty(field)).update(**{field: ""})
    return removed


def _case_filter(model, lookup: str, case_id: int) -> dict:
    return {"id" if lookup == "pk" else lookup: case_id}


@transaction.atomic
def retention_apply_case(*, case_id: int, now: dt.datetime | None = None) -> RetentionLogEntry | None:
    """Remove identity and free text of one case, history included; None when not (or no longer) due."""
    now = now or timezone.now()
    case = retention_due(today=timezone.localdate(now)).select_for_update(skip_locked=True).filter(pk=case_id).first()
    if case is None:
        return None
    removed: dict[str, int] = {}

    identity = CaseIdentity.objects.filter(case_id=case.pk)
    history = CaseIdentity.history.model.objects.filter(case_id=case.pk)
    values = identity.values(*IDENTITY_FIELDS).first() or {}
    removed["identity"] = sum(1 for value in values.values() if value not in ("", None))
    # The row stays (pages expect one) but holds nothing; its history goes entirely.
    identity.update(**IDENTITY_FIELDS)
    removed["identity_history"] = history.count()
    history.delete()

    for model, lookup, fields in FREE_TEXT:
        label = model._meta.model_name
        removed[label] = _empty(model.objects.filter(**_case_filter(model, lookup, case.pk)), fields)
        history_model = getattr(getattr(model, "history", None), "model", None)
        if history_model is not None:
            removed[f"{label}_history"] = _empty(
                history_model.objects.filter(**_case_filter(model, lookup, case.pk)), fields
            )

    Case.objects.filter(pk=case.pk).update(anonymised_at=now)
    entry = RetentionLogEntry.objects.create(
        case_id=case.pk, case_code=case.code, closed_on=case.closed_on, removed=removed
    )
    # Pseudonymous code and counts only: the application log holds no personal data.
    logger.info("retention applied: case=%s closed_on=%s removed=%s", case.code, case.closed_on, removed)
    return entry


def retention_apply(*, now: dt.datetime | None = None) -> list[RetentionLogEntry]:
    """Apply retention to every due case, each in its own transaction; a rerun finds nothing to do."""
    now = now or timezone.now()
    entries = []
    for case_id in retention_due(today=timezone.localdate(now)).values_list("pk", flat=True):
        entry = retention_apply_case(case_id=case_id, now=now)
        if entry is not None:
            entries.append(entry)
    logger.info("retention: %s cases anonymised", len(entries))
    return entries
