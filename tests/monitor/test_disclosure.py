"""Disclosure control of the net monitor (docs/monitor.md): primary and secondary suppression, and the
τ-ARGUS protection-interval audit by linear programming over everything published."""

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import disclosure, services
from monitor.disclosure import HIDDEN, SINGLE_CASE, STAT_HIDDEN, is_hidden
from monitor.models import MonitorSnapshot

from . import dataset, synthetic
from .factories import ProgrammeUserFactory

T = 5
Q = 9  # the quarter index of the release under test (2026 Q2); its predecessor is Q - 1


def _release(cases, q, previous=()):
    gross = synthetic.gross(cases, q)
    hide, result, release = disclosure.protect(gross, threshold=T, previous=list(previous), name=f"q{q}")
    net = disclosure.net_figures(gross, threshold=T, hide=hide)
    return gross, net, result, release


case_strategy = st.builds(
    lambda reported, wait, stay, decided, status, ideology, area, organisation, reason, lead, silent: (
        synthetic.SynthCase(
            reported=reported,
            included=None if wait is None else reported + wait,
            closed=None if wait is None or stay is None else reported + wait + stay,
            not_included=None if wait is not None or decided is None else reported + decided,
            status=status,
            ideology=ideology,
            area=area,
            organisation=organisation,
            reason=reason,
            lead_days=lead,
            no_contact=silent,
        )
    ),
    reported=st.integers(0, Q),
    wait=st.one_of(st.none(), st.integers(0, 2)),
    stay=st.one_of(st.none(), st.integers(0, 4)),
    decided=st.one_of(st.none(), st.integers(0, 2)),
    status=st.sampled_from(["active", "active", "active", "static", "aftercare"]),
    ideology=st.sampled_from(["jihadist", "right-wing", "other"]),
    area=st.sampled_from(["west", "noord", "amstelveen"]),
    organisation=st.sampled_from(list(synthetic.ORGANISATIONS)),
    reason=st.sampled_from(["moved", "risk-reduced"]),
    lead=st.integers(7, 224),
    silent=st.booleans(),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(case_strategy, min_size=0, max_size=60))
def test_no_hidden_cell_of_a_release_or_its_predecessor_can_be_narrowed(cases):
    _g1, net1, first, release1 = _release(cases, Q - 1)
    assert first.passed, first.failures
    gross, net, second, release2 = _release(cases, Q, previous=[release1])
    assert second.passed, second.failures
    # The audit again, from scratch, over both releases as published: every hidden
    # sensitive cell keeps a feasible range at least the threshold wide.
    again = disclosure.audit([release1, release2], threshold=T)
    assert again.passed and again.checked == len(
        {(k, release.values[k]) for release in (release1, release2) for k in release.sensitive - release.shown}
    )
    for key, value in release2.values.items():
        if 0 < value < T:
            assert key not in release2.shown, key
    for figures, source in ((net1, _g1), (net, gross)):
        _no_statistic_of_a_small_group(figures, source)


def _no_statistic_of_a_small_group(net, gross):
    lead, n = net["lead_time"], gross["lead_time"]["n"]
    if not is_hidden(lead["mean_days"]) and lead["mean_days"] is not None:
        assert n >= T and not is_hidden(net["flow"]["inclusions"])
    assert lead["min_days"] is None or lead["min_days"] == {"hidden": SINGLE_CASE}
    assert lead["max_days"] is None or lead["max_days"] == {"hidden": SINGLE_CASE}
    pending = net["pending"]
    if pending["share_over_limit"] is not None and not is_hidden(pending["share_over_limit"]):
        assert gross["pending"]["count"] >= T and not is_hidden(pending["over_limit"])
    if pending["mean_age_days"] is not None and not is_hidden(pending["mean_age_days"]):
        assert gross["pending"]["count"] >= T
    for row in net["trend"]:
        if row["lead_time_mean"] is not None and not is_hidden(row["lead_time_mean"]):
            assert row["inclusions"] >= T
    assert "lt" not in repr(net)  # never "< 5"


def test_differencing_across_quarters_is_caught_and_repaired():
    """38 -> 40 with outflow 0 means 2 inclusions: hiding the inclusions alone is not enough."""
    stay = [
        synthetic.SynthCase(0, 0, None, None, "active", "other", "west", "OOV", "moved", 30, False) for _ in range(38)
    ]
    new = [synthetic.SynthCase(Q - 1, Q, None, None, "active", "other", "west", "OOV", "moved", 30, False)] * 2
    cases = stay + new
    _g, _n, _r, release1 = _release(cases, Q - 1)
    gross = synthetic.gross(cases, Q)
    naive = disclosure.Release(
        name="naive",
        values=disclosure.cells(gross),
        relations=disclosure.relations(gross),
        shown=set(disclosure.cells(gross)) - disclosure.sensitive(gross, threshold=T),
        sensitive=disclosure.sensitive(gross, threshold=T),
    )
    leak = disclosure.audit([release1, naive], threshold=T)
    assert not leak.passed
    assert {"key": "2026Q2.flow.inclusions", "release": "naive", "low": 2.0, "high": 2.0} in leak.failures
    _gross, net, result, _second = _release(cases, Q, previous=[release1])
    assert result.passed
    assert net["flow"]["inclusions"] == {"hidden": HIDDEN}
    # Something else that would give it back is hidden as well: the caseload or the outflows.
    assert is_hidden(net["status"]["caseload"]) or is_hidden(net["flow"]["outflows"])


def test_an_organisation_with_one_director_is_not_shown():
    cases = [
        synthetic.SynthCase(0, 0, None, None, "active", "other", "west", org, "moved", 30, False)
        for org in ["OOV"] * 20 + ["OM"] * 7 + ["RN"] * 7
    ]
    _gross, net, result, _one = _release(cases, Q)
    assert result.passed
    organisations = {r["label"]: r["value"] for r in net["by_organisation"]}
    assert organisations["OM"] == organisations["RN"] == {"hidden": HIDDEN}
    assert organisations["OOV"] == 20


def test_a_previous_release_that_showed_too_much_holds_the_new_one_back():
    cases = [
        synthetic.SynthCase(0, 0, None, None, "active", "other", "west", "OOV", "moved", 30, False) for _ in range(10)
    ] + [synthetic.SynthCase(0, 0, None, None, "static", "other", "west", "OOV", "moved", 30, False)] * 2
    gross_before = synthetic.gross(cases, Q - 1)
    leaky = disclosure.Release(  # an old release that showed the static count of 2
        name="old",
        values=disclosure.cells(gross_before),
        relations=disclosure.relations(gross_before),
        shown=set(disclosure.cells(gross_before)),
        sensitive=set(),
    )
    _gross, _net, result, _new = _release(cases, Q, previous=[leaky])
    # The new release repeats that quarter in its trend and hides it, but it is out already.
    assert not result.passed
    assert {"key": "2026Q1.status.static", "release": "q9", "low": 2.0, "high": 2.0} in result.failures


@pytest.mark.django_db
def test_net_snapshot_is_audited_at_freeze_and_says_nothing_false():
    dataset.build()
    services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory(), today=dt.date(2025, 11, 1))
    gross = MonitorSnapshot.objects.get(variant="gross").figures
    snapshot = MonitorSnapshot.objects.get(variant="net")
    net = snapshot.figures
    assert "directors" not in net and "interventions" not in net and "cases" not in net["pending"]
    # Gross: 4 active, 1 static, 1 aftercare of 6: static and aftercare are hidden, and
    # enough besides that neither follows from the rest.
    assert gross["status"] == {"active": 4, "static": 1, "aftercare": 1, "caseload": 6}
    assert net["status"]["static"] == net["status"]["aftercare"] == {"hidden": HIDDEN}
    assert net["lead_time"]["mean_days"] == {"hidden": STAT_HIDDEN}  # two inclusions
    assert net["lead_time"]["max_days"] == {"hidden": SINGLE_CASE}
    assert net["pending"]["max_age_days"] == {"hidden": SINGLE_CASE}
    assert net["pending"]["share_over_limit"] == {"hidden": STAT_HIDDEN}
    assert snapshot.released is True and snapshot.audit["passed"] is True
    assert snapshot.audit["checked"] >= 5 and snapshot.audit["programs"] >= 2 * 5
    _no_statistic_of_a_small_group(net, gross)


@pytest.mark.django_db
def test_threshold_is_configurable(settings):
    settings.IPGAR_NET_MONITOR_THRESHOLD = 2
    dataset.build()
    services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory(), today=dt.date(2025, 11, 1))
    net = MonitorSnapshot.objects.get(variant="net").figures
    assert net["settings"]["threshold"] == 2
    assert net["status"]["active"] == 4
