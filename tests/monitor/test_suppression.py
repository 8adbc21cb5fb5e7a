"""Small-count suppression of the net monitor, including counts derivable by subtraction."""

import datetime as dt
import itertools

import pytest

from monitor import services
from monitor.models import MonitorSnapshot
from monitor.suppression import is_hidden, suppress_group

from . import dataset
from .factories import ProgrammeUserFactory

T = 5


def _recoverable(cells, total, true_values):
    """Every hidden cell whose value follows from the total and the shown cells."""
    if is_hidden(total):
        return []
    hidden = [i for i, c in enumerate(cells) if is_hidden(c)]
    return hidden if len(hidden) == 1 else []


def test_small_cells_are_hidden_and_large_ones_shown():
    cells, total = suppress_group([12, 3, 0, 9], 24, T)
    assert cells[1] == {"lt": T} and cells[0] == 12 and cells[2] == 0
    assert total == 24


def test_a_single_small_cell_cannot_be_derived_from_the_total():
    # Without secondary suppression: 20 - 12 - 5 = 3 would give the hidden cell back.
    cells, total = suppress_group([12, 3, 5], 20, T)
    assert cells == [12, {"lt": T}, {"lt": T}]  # the next-smallest (5) is hidden too
    assert total == 20


def test_when_only_zeros_remain_the_total_is_hidden():
    cells, total = suppress_group([0, 3, 0], 3, T)
    assert is_hidden(cells[1]) and is_hidden(total)
    cells, total = suppress_group([7, 0], 7, T)  # nothing small: nothing hidden
    assert cells == [7, 0] and total == 7


def test_a_small_total_hides_its_group():
    cells, total = suppress_group([2, 1, 0], 3, T)
    assert all(is_hidden(c) for c in cells[:2]) and cells[2] == 0 and is_hidden(total)


@pytest.mark.parametrize("values", list(itertools.product([0, 1, 4, 5, 9], repeat=3)))
def test_no_group_ever_discloses_a_small_count(values):
    total = sum(values)
    cells, shown_total = suppress_group(list(values), total, T)
    for i, (value, cell) in enumerate(zip(values, cells, strict=True)):
        if 0 < value < T:
            assert is_hidden(cell), (values, cells)
        assert i not in _recoverable(cells, shown_total, values), (values, cells, shown_total)
    if not is_hidden(shown_total):
        hidden_sum = shown_total - sum(c for c in cells if not is_hidden(c))
        # What can be derived is only the sum of two or more hidden cells.
        assert sum(1 for c in cells if is_hidden(c)) != 1 or hidden_sum == 0


@pytest.mark.django_db
def test_net_snapshot_hides_small_counts_and_drops_director_and_case_rows():
    dataset.build()
    services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory(), today=dt.date(2025, 11, 1))
    gross = MonitorSnapshot.objects.get(variant="gross").figures
    net = MonitorSnapshot.objects.get(variant="net").figures
    assert "directors" not in net and "interventions" not in net and "cases" not in net["pending"]
    # Gross: 4 active, 1 static, 1 aftercare of 6. Static and aftercare are small; with the
    # total shown, each alone would follow from 6 - 4 - the other, so both stay hidden.
    assert gross["status"] == {"active": 4, "static": 1, "aftercare": 1, "caseload": 6}
    assert net["status"] == {"active": {"lt": 5}, "static": {"lt": 5}, "aftercare": {"lt": 5}, "caseload": 6}
    assert net["flow"]["inclusions"] == {"lt": 5}
    assert is_hidden(net["lead_time"]["mean_days"])  # two inclusions: no statistics of two people
    assert is_hidden(net["pending"]["share_over_limit"])  # 1 of 3 would give the count back
    assert net["settings"]["threshold"] == 5
    for row in net["trend"]:
        for key in ("reports", "inclusions", "outflows", "pending"):
            assert not (isinstance(row[key], int) and 0 < row[key] < 5)


@pytest.mark.django_db
def test_threshold_is_configurable(settings):
    settings.IPGAR_NET_MONITOR_THRESHOLD = 2
    dataset.build()
    services.snapshot_build(year=2025, quarter=2, by=ProgrammeUserFactory(), today=dt.date(2025, 11, 1))
    net = MonitorSnapshot.objects.get(variant="net").figures
    assert net["flow"]["inclusions"] == 2
    assert net["status"]["active"] == 4
