"""Playwright: the pool overview, caseload and meetings list sort by clicking a header, axe-clean."""

from decimal import Decimal

import pytest

from tests.pool.factories import DirectorFactory, ProgrammeUserFactory, caseload, organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_headers_sort_the_pool_overview_caseload_and_meetings_list(page, live_server, browser_login, axe):
    pt = ProgrammeUserFactory(username="pt-sort")
    director = DirectorFactory(user__username="dir-sort", user__last_name="Bakker", organisation=organisation("oov"))
    DirectorFactory(user__last_name="Aalders", organisation=organisation("om"), fte=Decimal("0.5"))
    caseload(director, 2)

    browser_login(page, pt.username)
    page.goto(f"{live_server.url}/pool/")
    page.get_by_role("link", name="Regisseur", exact=True).click()
    page.wait_for_load_state()
    axe(page)
    assert page.get_by_role("columnheader", name="Regisseur").get_attribute("aria-sort") == "ascending"
    assert page.locator("tbody th").first.inner_text().endswith("Aalders")
    page.get_by_role("link", name="vrije plaatsen").click()
    page.wait_for_load_state()
    axe(page)
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="Datum", exact=True).first.click()
    page.wait_for_load_state()
    axe(page)
    assert page.url.endswith("?sort=date")

    page.context.clear_cookies()
    browser_login(page, "dir-sort")
    page.goto(f"{live_server.url}/cases/caseload/")
    page.get_by_role("link", name="Code", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Code", exact=True).click()
    page.wait_for_load_state()
    axe(page)
    assert page.get_by_role("columnheader", name="Code").get_attribute("aria-sort") == "descending"
