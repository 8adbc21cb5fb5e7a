"""The monitor stays fast at national scale: its work does not grow with the data (BENCHMARKS.md)."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from monitor import figures, presentation
from monitor.quarters import Quarter

from . import dataset

pytestmark = pytest.mark.django_db

QUARTER = Quarter(2025, 2)


def _queries_of_compute(quarter: Quarter) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as captured:
        result = figures.compute(quarter)
    return len(captured), result


def test_compute_runs_a_fixed_number_of_queries_whatever_the_data():
    empty_count, empty = _queries_of_compute(QUARTER)
    dataset.build()
    full_count, full = _queries_of_compute(QUARTER)
    assert full["status"]["caseload"] > 0 and full["pending"]["count"] > 0  # the data reached the figures
    assert empty["status"]["caseload"] == 0
    # Same queries with data as without; only the two lookups of directors' organisations
    # (for interventions, for the caseload by organisation) are skipped when there is none.
    assert empty_count <= full_count <= empty_count + 2
    # An older quarter (other trend quarters, other cases alive) costs the same.
    assert empty_count <= _queries_of_compute(Quarter(2024, 3))[0] <= empty_count + 2


def test_compute_reuses_the_quarters_own_counts_as_its_last_trend_point():
    dataset.build()
    result = figures.compute(QUARTER)
    last = result["trend"][-1]
    assert (last["year"], last["quarter"]) == QUARTER
    assert last["caseload"] == result["status"]["caseload"]
    assert last["reports"] == result["flow"]["reports"]


def test_table_rows_match_the_cell_formatting_and_escape_every_cell():
    table = presentation.Table(
        key="t",
        caption="c",
        headers=["a", "b", "c"],
        rows=[["<b>x</b>", {"hidden": "protected"}, 2.25], ["y & z", None, True], ["y & z", 7, 2.25]],
    )
    html = render_to_string("monitor/_table.html", {"table": table, "prefix": "p", "empty_text": "-"})
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert html.count('<th scope="row" class="ams-table__header-cell">y &amp; z</th>') == 2
    assert f'<td class="ams-table__cell">{presentation.show({"hidden": "protected"})}</td>' in html
    assert "&lt; 5" not in html
    assert f'<td class="ams-table__cell">{presentation.show(2.25)}</td>' in html
    assert f'<td class="ams-table__cell">{presentation.show(None)}</td>' in html
    assert html.count('<tr class="ams-table__row">') == 4  # the header row and three body rows


def test_an_empty_table_says_so():
    table = presentation.Table(key="t", caption="c", headers=["a", "b"], rows=[])
    html = render_to_string("monitor/_table.html", {"table": table, "prefix": "p", "empty_text": "nothing"})
    assert '<td class="ams-table__cell" colspan="2">nothing</td>' in html
