"""Retention: identity and free text of cases closed past the period go, history rows included."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.utils import timezone

from cases import retention, tasks
from cases.models import Case, CaseIdentity, Contact, Intervention, PlanGoal
from ipgar.models import RetentionLogEntry
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    InterventionFactory,
    PlanGoalFactory,
)

pytestmark = pytest.mark.django_db


def _closed_case(*, years_ago: float, **kwargs) -> Case:
    closed_on = timezone.localdate() - dt.timedelta(days=int(365.25 * years_ago))
    case = CaseFactory(
        closed=True,
        reported_on=closed_on - dt.timedelta(days=400),
        included_on=closed_on - dt.timedelta(days=300),
        closed_on=closed_on,
        information_picture="Informatiebeeld met namen",
        report_summary="Melding over Jan Geheim",
        **kwargs,
    )
    # Several versions, so the history holds copies of the free text and identity.
    case.identity.last_name = "Geheim"
    case.identity.save()
    case.identity.last_name = "Geheim-Nieuw"
    case.identity.save()
    case.information_picture = "Tweede versie informatiebeeld"
    case.save()
    ContactFactory(case=case, note="Notitie over de familie")
    InterventionFactory(case=case, goal="Doel met details", outcome="Uitkomst met details")
    PlanGoalFactory(case=case, goal="Plandoel met details")
    return case


def _history_texts(case: Case) -> list[str]:
    values = []
    values += [
        v for row in Case.history.filter(id=case.pk).values_list("information_picture", "report_summary") for v in row
    ]
    values += list(Contact.history.filter(case_id=case.pk).values_list("note", flat=True))
    values += [v for row in Intervention.history.filter(case_id=case.pk).values_list("goal", "outcome") for v in row]
    values += list(PlanGoal.history.filter(case_id=case.pk).values_list("goal", flat=True))
    return [v for v in values if v]


def test_retention_removes_identity_and_free_text_with_history_and_logs_it(settings, caplog):
    settings.IPGAR_RETENTION_YEARS = 5
    old = _closed_case(years_ago=6)
    assert _history_texts(old)
    with caplog.at_level("INFO", logger="cases.retention"):
        assert tasks.apply_retention.delay().get() == [old.code]
    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert (old.information_picture, old.report_summary) == ("", "")
    identity = CaseIdentity.objects.get(case=old)
    assert (identity.last_name, identity.first_name, identity.bsn, identity.date_of_birth, identity.address) == (
        "",
        "",
        "",
        None,
        "",
    )
    assert not CaseIdentity.history.filter(case_id=old.pk).exists()
    assert _history_texts(old) == []
    assert set(Contact.objects.filter(case=old).values_list("note", flat=True)) == {""}
    assert set(Intervention.objects.filter(case=old).values_list("goal", "outcome")) == {("", "")}
    # Pseudonymous figures stay for the monitor.
    assert (old.code, old.status, old.area_id is not None, old.closed_on is not None) == (
        old.code,
        Case.Status.CLOSED,
        True,
        True,
    )
    assert Intervention.objects.filter(case=old).count() == 1
    entry = RetentionLogEntry.objects.get(case_id=old.pk)
    assert entry.case_code == old.code
    assert entry.removed["identity"] >= 5 and entry.removed["case"] == 2 and entry.removed["contact"] == 1
    assert entry.removed["identity_history"] >= 3
    assert f"retention applied: case={old.code}" in caplog.text
    assert "Geheim" not in caplog.text


def test_retention_is_idempotent():
    _closed_case(years_ago=7)
    assert len(retention.retention_apply()) == 1
    assert retention.retention_apply() == []
    assert RetentionLogEntry.objects.count() == 1


def test_recent_open_and_held_cases_are_kept(settings):
    settings.IPGAR_RETENTION_YEARS = 5
    recent = _closed_case(years_ago=4)
    held = _closed_case(years_ago=9, legal_hold=True)
    running = CaseFactory(active=True, reported_on=timezone.localdate() - dt.timedelta(days=4000))
    assert retention.retention_apply() == []
    for case in (recent, held, running):
        case.refresh_from_db()
        assert case.anonymised_at is None
    assert CaseIdentity.objects.get(case=held).last_name == "Geheim-Nieuw"
    assert _history_texts(held)


def test_the_period_is_configurable(settings):
    case = _closed_case(years_ago=3)
    settings.IPGAR_RETENTION_YEARS = 5
    assert retention.retention_apply() == []
    settings.IPGAR_RETENTION_YEARS = 2
    assert [e.case_code for e in retention.retention_apply()] == [case.code]


def test_retention_log_is_append_only():
    _closed_case(years_ago=8)
    entry = retention.retention_apply()[0]
    with (
        pytest.raises(ProgrammingError, match="is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM ipgar_retentionlogentry WHERE id = %s", [entry.pk])
    assert RetentionLogEntry.objects.filter(pk=entry.pk).exists()
