"""A PTO-R member and a directors'-meeting partner read the monitor in Chromium (axe-checked)."""

import datetime as dt

import pytest

from ipgar import demo
from monitor import services

from . import dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAINTED = """(id) => { const c = document.querySelector(`canvas[data-chart="${id}"]`);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) return true; } return false; }"""


def _charts_drawn(page):
    page.wait_for_function(
        "document.querySelectorAll('canvas[data-rendered=\"true\"]').length"
        " === document.querySelectorAll('canvas[data-chart]').length"
    )


def test_pto_r_member_and_partner_read_both_versions(page, live_server, browser_login, axe):
    demo.seed()
    dataset.build()
    services.snapshot_build(year=2025, quarter=2, today=dt.date(2025, 11, 1))
    browser_login(page, "ptor-politie")
    page.goto(f"{live_server.url}/monitor/")
    axe(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Kwartaalmonitor"
    _gross_charts_have_titles_and_folded_tables(page, axe)
    _net_explains_hidden_cells_once(page, live_server, axe)
    page.context.clear_cookies()
    browser_login(page, "do-partner")
    _partner_reads_the_net_monitor_only(page, live_server, axe)


def _gross_charts_have_titles_and_folded_tables(page, axe):
    """Gross: every chart has a visible title and its own table folded away under it."""
    page.get_by_role("link", name="2025 Q2 bruto (intern)").click()
    page.wait_for_load_state()
    assert "2025 Q2" in page.get_by_role("heading", level=1).inner_text()
    _charts_drawn(page)
    axe(page)
    canvases = page.locator("canvas[data-chart]")
    assert canvases.count() >= 6
    for i in range(canvases.count()):
        figure = canvases.nth(i).locator("xpath=..")
        assert figure.locator("figcaption").inner_text().strip()
        assert figure.locator("xpath=following-sibling::details[1]//table").count() == 1
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 7000, height  # was 12,500 px
    stocks = page.get_by_role("table", name="Standen aan het eind van elk kwartaal")
    assert not stocks.is_visible()  # folded
    page.get_by_text("Tabel: Standen aan het eind van elk kwartaal").click()
    assert stocks.is_visible()
    assert page.evaluate(PAINTED, "chart-trend-trend")
    assert page.get_by_role("heading", name="Doorlooptijd per fase").is_visible()
    axe(page)


def _net_explains_hidden_cells_once(page, live_server, axe):
    """Net, as the PTO-R member: hidden cells say so, explained once, never "< 5"."""
    page.goto(f"{live_server.url}/monitor/2025/q2/net/")
    _charts_drawn(page)
    axe(page)
    assert page.get_by_role("heading", name="Waarom sommige cijfers niet getoond worden").is_visible()
    assert page.locator("#note-a").count() == 1
    assert "< 5" not in page.content() and "&lt; 5" not in page.content()


def _partner_reads_the_net_monitor_only(page, live_server, axe):
    """The directors' meeting partner: the net monitor only, and no empty chart in it."""
    page.goto(f"{live_server.url}/monitor/")
    axe(page)
    assert page.get_by_role("link", name="2025 Q2 bruto (intern)").count() == 0
    page.get_by_role("link", name="2025 Q2 netto (partners)").click()
    page.wait_for_load_state()
    _charts_drawn(page)
    axe(page)
    # Every chart drawn has something on it (hidden values are gaps).
    for chart in page.locator("canvas[data-chart]").all():
        chart.scroll_into_view_if_needed()
        assert page.evaluate(PAINTED, chart.get_attribute("data-chart"))
    folded = page.get_by_text("Tabel: Casussen naar status aan het eind van het kwartaal")
    if folded.count():
        folded.first.click()
    table = page.get_by_role("table", name="Casussen naar status aan het eind van het kwartaal")
    assert "niet getoond (a)" in table.inner_text()
    assert page.evaluate("document.documentElement.scrollHeight") < 7000
    response = page.goto(f"{live_server.url}/monitor/2025/q2/gross/")
    assert response.status == 404
