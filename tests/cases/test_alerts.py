"""Alert thresholds (settings, days), computed in SQL by Case.objects.with_alerts(), under a frozen clock."""

import datetime as dt

import pytest
import time_machine

from cases import services
from cases.models import Area, Case, ReportSource
from tests.cases.factories import CaseFactory, ContactFactory, InterventionFactory, ProgrammeUserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


def _alerts(case):
    return Case.objects.with_alerts().get(pk=case.pk)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0), tick=False):
        yield


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.IPGAR_NO_CONTACT_DAYS = 42
    settings.IPGAR_NO_INTERVENTION_DAYS = 91
    settings.IPGAR_PENDING_REPORT_DAYS = 56


def _active(**kwargs):
    return CaseFactory(active=True, reported_on=dt.date(2025, 1, 1), included_on=dt.date(2025, 3, 1), **kwargs)


@pytest.mark.parametrize(("days", "alert"), [(42, False), (43, True)])
def test_no_contact_after_more_than_the_threshold(days, alert):
    case = _active()
    ContactFactory(case=case, date=TODAY - dt.timedelta(days=days))
    InterventionFactory(case=case)
    assert _alerts(case).alert_no_contact is alert


@pytest.mark.parametrize("flags", [{"status": Case.Status.STATIC}, {"is_detained": True}, {"is_abroad": True}])
def test_no_contact_alert_not_for_static_detained_abroad(flags):
    case = _active(**flags)
    ContactFactory(case=case, date=TODAY - dt.timedelta(days=200))
    assert _alerts(case).alert_no_contact is False


def test_no_contact_counts_from_inclusion_when_there_was_none():
    assert _alerts(_active()).alert_no_contact is True
    fresh = CaseFactory(
        active=True, reported_on=TODAY - dt.timedelta(days=60), included_on=TODAY - dt.timedelta(days=10)
    )
    assert _alerts(fresh).alert_no_contact is False


def test_threshold_comes_from_settings(settings):
    case = _active()
    ContactFactory(case=case, date=TODAY - dt.timedelta(days=30))
    assert _alerts(case).alert_no_contact is False
    settings.IPGAR_NO_CONTACT_DAYS = 20
    assert _alerts(case).alert_no_contact is True


@pytest.mark.parametrize(("days", "alert"), [(91, False), (92, True)])
def test_no_intervention_after_more_than_the_threshold(days, alert):
    case = _active()
    InterventionFactory(
        case=case, completed=True, started_on=TODAY - dt.timedelta(days=200), ended_on=TODAY - dt.timedelta(days=days)
    )
    assert _alerts(case).alert_no_intervention is alert


def test_a_running_intervention_prevents_the_alert():
    case = _active()
    InterventionFactory(case=case, started_on=TODAY - dt.timedelta(days=300))
    assert _alerts(case).alert_no_intervention is False


@pytest.mark.parametrize(("days", "alert"), [(56, False), (57, True)])
def test_report_pending_longer_than_the_threshold(days, alert):
    case = CaseFactory(assessment=True, reported_on=TODAY - dt.timedelta(days=days))
    assert _alerts(case).alert_pending_report is alert
    assert Case.objects.with_alert("pending_report").filter(pk=case.pk).exists() is alert


def test_alert_count_and_any_filter():
    case = _active()
    annotated = _alerts(case)
    assert (annotated.alert_no_contact, annotated.alert_no_intervention, annotated.open_alert_count) == (True, True, 2)
    assert Case.objects.with_alert().filter(pk=case.pk).exists()


def test_codes_run_per_year():
    by = ProgrammeUserFactory()
    kwargs = {"by": by, "report_source": ReportSource.objects.first(), "area": Area.objects.first()}
    first = services.case_register(reported_on=dt.date(2026, 1, 5), **kwargs)
    second = services.case_register(reported_on=dt.date(2026, 2, 5), **kwargs)
    old = services.case_register(reported_on=dt.date(2025, 12, 5), **kwargs)
    assert (first.code, second.code, old.code) == ("R-2026-001", "R-2026-002", "R-2025-001")
