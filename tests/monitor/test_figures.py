"""Every figure of DESIGN §7 from the SQL snapshot equals the same figure computed in Python."""

import datetime as dt

import pytest

from monitor import services
from monitor.models import MonitorSnapshot

from . import dataset
from .factories import ContactFactory, ProgrammeUserFactory

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
    again = services.snapshot_generate(year=2025, quarter=2, by=ProgrammeUserFactory(), today=TODAY)[0]
    assert again.version == 2
    assert again.figures["alerts"]["no_contact"] == before["alerts"]["no_contact"] - 1


def test_regenerate_makes_a_new_version_and_keeps_the_old(built):
    services.snapshot_generate(year=2025, quarter=2, by=ProgrammeUserFactory(), today=TODAY)
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
