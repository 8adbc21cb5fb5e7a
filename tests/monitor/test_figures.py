"""Every figure of docs/monitor.md from the SQL snapshot equals the same figure computed in Python."""

import datetime as dt

import pytest

from monitor import services
from monitor.models import MonitorSnapshot
from tests.db import server_host, server_port

from . import dataset
from .factories import CaseFactory, ContactFactory, ProgrammeUserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2025, 11, 1)


def _as_dict(rows):
    return {r["label"]: r["value"] for r in rows}


@pytest.fixture
def built():
    data = dataset.build()
    services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory(), today=TODAY)
    return data


def test_every_figure_matches_an_independent_computation(built):
    gross = MonitorSnapshot.objects.get(variant="gross").figures
    expected = dataset.reference(dataset.Q2)

    assert gross["status"] == expected["status"]
    assert gross["flow"] == expected["flow"]
    assert _as_dict(gross["outflow_by_reason"]) == expected["outflow_by_reason"]
    assert gross["lead_time"] == expected["lead_time"]
    pending = gross["pending"]
    assert {k: pending[k] for k in ("count", "over_limit", "share_over_limit")} == {
        k: expected["pending"][k] for k in ("count", "over_limit", "share_over_limit")
    }
    assert _as_dict(pending["cases"]) == expected["pending"]["cases"]
    assert sum(b["value"] for b in pending["bands"]) == pending["count"]
    for key in ("by_ideology", "by_risk_category", "by_area", "by_organisation"):
        assert _as_dict(gross[key]) == expected[key], key
    assert gross["alerts"] == expected["alerts"]
    directors = {r["director_id"]: r for r in gross["directors"]}
    assert set(directors) == set(expected["directors"])
    for pk, row in expected["directors"].items():
        assert {k: directors[pk][k] for k in row} == row
    interventions = gross["interventions"]
    for key in ("started_by_type", "started_by_partner", "running_by_type", "running_by_partner"):
        assert _as_dict(interventions[key]) == expected[key], key
    assert sorted(t["label"] for t in interventions["unused_types"]) == expected["unused_types"]
    own = interventions["own_organisation"]
    assert {"own": own["own"], "total": own["total"]} == expected["own_organisation"]
    assert [{k: row[k] for k in expected["trend"][0]} for row in gross["trend"]] == expected["trend"]


def test_the_figures_taken_from_one_query_per_section_in_full(built):
    """The pending reports' statistics (from the one list of ages) and the interventions'
    breakdowns and totals (from one grouped query), in full and in order."""
    from monitor.figures import PENDING_BANDS

    gross = MonitorSnapshot.objects.get(variant="gross").figures
    expected = dataset.reference(dataset.Q2)
    ages = list(expected["pending"]["cases"].values())
    assert len(ages) == 3
    pending = gross["pending"]
    assert pending["mean_age_days"] == round(sum(ages) / len(ages), 1)
    assert pending["max_age_days"] == max(ages)
    assert [b["value"] for b in pending["bands"]] == [
        sum(1 for age in ages if age >= low and (high is None or age <= high)) for _label, low, high in PENDING_BANDS
    ]
    assert [row["value"] for row in pending["cases"]] == sorted(ages, reverse=True)
    interventions = gross["interventions"]
    assert interventions["started"] == sum(expected["started_by_type"].values()) > 0
    assert interventions["running"] == sum(expected["running_by_type"].values()) > 0
    for key in ("started_by_type", "started_by_partner", "running_by_type", "running_by_partner"):
        rows = interventions[key]
        assert rows == sorted(rows, key=lambda r: (-r["value"], r["label"])), key
        assert all(r["value"] > 0 for r in rows), key
    assert all(r["label_en"] == r["label"] for r in interventions["started_by_partner"])


def test_the_dataset_exercises_the_figures(built):
    """Guard against a reference that agrees only because everything is zero."""
    gross = MonitorSnapshot.objects.get(variant="gross").figures
    d2 = built["d2"]
    assert gross["status"] == {"active": 4, "static": 1, "aftercare": 1, "caseload": 6}
    assert gross["flow"] == {"reports": 4, "inclusions": 2, "not_included": 1, "outflows": 2}
    assert gross["lead_time"]["n"] == 2 and gross["lead_time"]["min_days"] == 48
    assert gross["pending"]["count"] == 3 and gross["pending"]["over_limit"] == 1
    assert gross["alerts"] == {"no_contact": 1, "no_intervention": 3}
    over = [r for r in gross["directors"] if r["over_capacity"]]
    assert [r["director_id"] for r in over] == [d2.pk]
    assert gross["interventions"]["own_organisation"] == {"own": 1, "total": 3, "share": 33.3}
    assert [row["caseload"] for row in gross["trend"]][-1] == 6
    assert len({row["reports"] for row in gross["trend"]}) > 1


def test_a_frozen_snapshot_does_not_change_when_cases_change(built):
    snapshot = MonitorSnapshot.objects.get(variant="gross")
    before = snapshot.figures
    a = built["cases"][0]
    a.ideology = None
    a.save()
    ContactFactory(case=built["cases"][1], date=dt.date(2025, 6, 29))
    snapshot.refresh_from_db()
    assert snapshot.figures == before
    # A new computation does see the change: the snapshot, not the SQL, is frozen.
    again = services.snapshot_generate(
        year=2025, quarter=2, by=ProgrammeUserFactory(), reason="contact added", today=TODAY
    )[0]
    assert again.version == 2
    assert again.figures["alerts"]["no_contact"] == before["alerts"]["no_contact"] - 1


def test_an_attempt_without_contact_leaves_the_case_without_contact_as_on_the_case_list(built):
    """docs/monitor.md: "without contact" is the case list's alert for a past date, and there an
    attempt without contact is recorded but does not clear the alert (issue 15)."""
    from cases.models import Contact
    from monitor import figures
    from monitor.quarters import Quarter

    end = Quarter(2025, 2).end
    silent = figures.caseload_at(end).filter(figures.no_contact(end)).get()
    ContactFactory(case_id=silent.pk, date=dt.date(2025, 6, 29), kind=Contact.Kind.ATTEMPT)
    again = services.snapshot_generate(year=2025, quarter=2, by=ProgrammeUserFactory(), reason="attempt", today=TODAY)
    assert again[0].figures["alerts"]["no_contact"] == 1
    assert sum(row["no_contact"] for row in again[0].figures["directors"]) == 1


def test_without_contact_agrees_with_the_case_list_alert_today(db):
    """The same case, the same day: the monitor's rule and `with_alerts()` give the same answer,
    with only an attempt since the inclusion, after a real contact, and with the last contact
    before a recent inclusion."""
    from django.utils import timezone

    from cases.models import Case, Contact
    from monitor import figures

    today = timezone.localdate()
    case = CaseFactory(active=True)  # included 64 days ago, more than IPGAR_NO_CONTACT_DAYS
    ContactFactory(case=case, date=today - dt.timedelta(days=5), kind=Contact.Kind.ATTEMPT)

    def both():
        listed = Case.objects.with_alerts(today=today).get(pk=case.pk).alert_no_contact
        counted = figures.caseload_at(today).filter(figures.no_contact(today)).filter(pk=case.pk).exists()
        return listed, counted

    assert both() == (True, True)
    ContactFactory(case=case, date=today - dt.timedelta(days=6))
    assert both() == (False, False)
    # Included 20 days ago after a contact during the assessment: counted from the inclusion.
    case = CaseFactory(
        active=True, reported_on=today - dt.timedelta(days=120), included_on=today - dt.timedelta(days=20)
    )
    ContactFactory(case=case, date=today - dt.timedelta(days=100))
    assert both() == (False, False)


def test_regenerate_makes_a_new_version_and_keeps_the_old(built):
    services.snapshot_generate(year=2025, quarter=2, by=ProgrammeUserFactory(), reason="again", today=TODAY)
    versions = list(MonitorSnapshot.objects.filter(year=2025, quarter=2).values_list("variant", "version"))
    assert sorted(versions) == [("gross", 1), ("gross", 2), ("net", 1), ("net", 2)]


def test_build_is_idempotent(built):
    again = services.snapshot_build(year=2025, quarter=2, today=TODAY)
    assert MonitorSnapshot.objects.count() == 2
    assert {s.version for s in again} == {1}


def test_only_ended_quarters(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.snapshot_generate(year=2025, quarter=4, by=ProgrammeUserFactory(), today=TODAY)
    with pytest.raises(ValidationError):
        services.snapshot_generate(year=2025, quarter=5, by=ProgrammeUserFactory(), today=TODAY)


def test_a_regenerated_past_quarter_reads_the_situation_flags_of_then(built):
    from cases.models import Case
    from monitor import figures
    from monitor.quarters import Quarter

    end = Quarter(2025, 2).end
    silent = figures.caseload_at(end).filter(figures.no_contact(end)).get()
    case = Case.objects.get(pk=silent.pk)
    case.is_detained = True  # detained today, long after the quarter: the history row is dated now
    case.save()
    later = services.snapshot_generate(year=2025, quarter=2, by=ProgrammeUserFactory(), reason="detained", today=TODAY)
    assert later[0].figures["alerts"]["no_contact"] == 1  # not detained at the end of Q2
    # Had the flag been set during the quarter, the quarter would not count the case.
    latest = Case.history.filter(id=case.pk).order_by("-history_date").first()
    Case.history.filter(history_id=latest.history_id).update(history_date=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    again = services.snapshot_generate(year=2025, quarter=2, by=ProgrammeUserFactory(), reason="dated", today=TODAY)
    assert again[0].figures["alerts"]["no_contact"] == 0


def test_generation_refuses_bad_input_with_a_clear_message_and_writes_nothing(built):
    from django.core.exceptions import ValidationError
    from django.db import connection

    user = ProgrammeUserFactory()
    with pytest.raises(ValidationError) as not_ended:
        services.snapshot_generate(year=2025, quarter=4, by=user, today=TODAY)
    assert not_ended.value.code == "not_ended" and "2025 Q4" in not_ended.value.messages[0]
    with pytest.raises(ValidationError) as before:
        services.snapshot_generate(year=2016, quarter=1, by=user, today=TODAY)
    assert before.value.code == "before_data"
    # A second generation while another connection holds the quarter's lock (Q1: this test's
    # own transaction holds Q2's since the fixture built it).
    import psycopg

    settings_dict = connection.settings_dict
    other = psycopg.connect(
        dbname=settings_dict["NAME"],
        user=settings_dict["USER"],
        host=server_host(),
        port=server_port(),
        password=settings_dict["PASSWORD"] or None,
        autocommit=False,
    )
    try:
        other.execute("SELECT pg_advisory_xact_lock(%s, %s)", [services.LOCK_KEY, 2025 * 10 + 1])
        with pytest.raises(ValidationError) as busy:
            services.snapshot_generate(year=2025, quarter=1, by=user, today=TODAY)
        assert busy.value.code == "busy"
    finally:
        other.rollback()
        other.close()
    assert MonitorSnapshot.objects.count() == 2  # only the first pair
