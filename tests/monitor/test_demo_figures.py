"""The programme's reference figures (docs/monitor.md, "Reference figures") and the other figures the
monitor makes visible, pinned on the demo data."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from monitor.models import MonitorSnapshot

pytestmark = pytest.mark.django_db

WEEK = 7


def test_the_programmes_reference_figures_on_the_demo_data():
    """One test: seeding the demo takes minutes, and each part reads the same snapshots."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 12, 0), tick=False):
        call_command("seed_demo", verbosity=0)
    _share_of_cases_without_life_domain_problems_is_the_programmes()
    _overall_lead_time_is_eight_weeks_on_average_from_one_to_32()
    _lead_time_per_phase_comes_from_the_transitions()
    _registration_completeness_is_not_zero_and_no_problem_cases_are_complete()
    _every_demo_net_release_passed_its_audit()


def _gross(year=2026, quarter=3):
    return MonitorSnapshot.objects.get(year=year, quarter=quarter, variant="gross", version=1).figures


def _share_of_cases_without_life_domain_problems_is_the_programmes():
    without = _gross()["without_problems"]
    assert without == {"count": 9, "caseload": 50, "share": 18.0}


def _overall_lead_time_is_eight_weeks_on_average_from_one_to_32():
    phases = {row["phase"]: row for row in _gross()["phases"]}
    overall = phases["report_to_inclusion"]["all"]
    assert overall["n"] == 53
    assert overall["min_days"] == 1 * WEEK and overall["max_days"] == 32 * WEEK
    assert 7.5 <= overall["mean_days"] / WEEK <= 8.5


def _lead_time_per_phase_comes_from_the_transitions():
    phases = {row["phase"]: row["all"] for row in _gross()["phases"]}
    # The demo story: assessment the day after the report, IVG-R advice five days before the
    # PTO-R decision, three outflows in 2020.
    assert phases["assessment"]["min_days"] == phases["assessment"]["max_days"] == 1
    assert phases["inclusion"]["median_days"] == 5
    assert phases["outflow"]["n"] == 3
    assert phases["advice"]["n"] >= 53


def _registration_completeness_is_not_zero_and_no_problem_cases_are_complete():
    for quarter in (2, 3):
        rows = [r for r in _gross(quarter=quarter)["directors"] if r["caseload"]]
        assert rows and all(r["complete_share"] > 50 for r in rows), [(r["label"], r["complete_share"]) for r in rows]


def _every_demo_net_release_passed_its_audit():
    nets = MonitorSnapshot.objects.filter(variant="net")
    assert nets.count() == 8
    assert all(n.released and n.audit["passed"] for n in nets), [n.audit for n in nets if not n.audit["passed"]]
