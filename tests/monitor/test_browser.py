"""A PTO-R member reads the gross monitor with its charts in Chromium (axe-checked)."""

import datetime as dt

import pytest

from ipgar import demo
from monitor import services

from . import dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pto_r_member_reads_the_gross_monitor_with_charts(page, live_server, browser_login, axe):
    demo.seed()
    dataset.build()
    services.snapshot_build(year=2025, quarter=2, today=dt.date(2025, 11, 1))
    browser_login(page, "ptor-politie")
    page.goto(f"{live_server.url}/monitor/")
    axe(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Kwartaalmonitor"
    page.get_by_role("link", name="2025 Q2 bruto (intern)").click()
    page.wait_for_load_state()
    assert "2025 Q2" in page.get_by_role("heading", level=1).inner_text()
    trend = page.locator('canvas[data-chart="chart-trend-trend"]')
    trend.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelectorAll('canvas[data-rendered=\"true\"]').length > 5")
    assert trend.bounding_box()["width"] > 100
    # The chart drew something: the canvas is not blank.
    painted = page.evaluate(
        """() => { const c = document.querySelector('canvas[data-chart="chart-trend-trend"]');
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) return true; } return false; }"""
    )
    assert painted
    assert page.get_by_role("table", name="Trend over de laatste acht kwartalen").is_visible()
    axe(page)
    page.goto(f"{live_server.url}/monitor/2025/q2/net/")
    axe(page)
    assert page.get_by_text("< 5").first.is_visible()
