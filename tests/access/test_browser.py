"""Playwright: a director, an intervention partner and the privacy officer each see what they should."""

import pytest

from ipgar import demo
from tests.access.factories import register_partner
from tests.cases.factories import CaseFactory, DirectorFactory, InterventionFactory, ProgrammeUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def scene():
    users = demo.seed()
    director = DirectorFactory(user=users["r-oov-1"])
    own = CaseFactory(active=True, director=director, information_picture="Vertrouwelijk beeld")
    other = CaseFactory(active=True)
    InterventionFactory(case=own, goal="Begeleiding naar werk")
    register_partner(
        case=own, person=users["sd-west"], by=ProgrammeUserFactory(), interventions=list(own.interventions.all())
    )
    return {"own": own, "other": other}


def test_director_sees_own_case_and_404_on_another(page, live_server, browser_login, axe, scene):
    own, other = scene["own"], scene["other"]
    browser_login(page, "r-oov-1")
    response = page.goto(f"{live_server.url}/cases/{own.pk}/")
    assert response.status == 200
    assert own.code in page.content()
    axe(page)
    response = page.goto(f"{live_server.url}/cases/{other.pk}/")
    assert response.status == 404
    assert other.code not in page.content()
    response = page.goto(f"{live_server.url}/access/cases/{own.pk}/registrations/")
    assert response.status == 200
    assert "Ouali" in page.content()  # sd-west is registered
    axe(page)


def test_intervention_partner_sees_only_the_need_to_know_view(page, live_server, browser_login, axe, scene):
    own, other = scene["own"], scene["other"]
    browser_login(page, "sd-west")
    page.goto(f"{live_server.url}/access/partner/")
    axe(page)
    page.get_by_role("link", name=own.code).click()
    page.wait_for_load_state()
    html = page.content()
    assert "Begeleiding naar werk" in html and own.identity.first_name in html
    for hidden in (own.identity.last_name, own.identity.bsn, "Vertrouwelijk beeld", "Voorbeeldstraat"):
        assert hidden not in html
    axe(page)
    assert page.goto(f"{live_server.url}/cases/{own.pk}/").status == 404
    assert page.goto(f"{live_server.url}/access/partner/{other.pk}/").status == 404


def test_privacy_officer_filters_the_log_and_finds_the_denial(page, live_server, browser_login, axe, scene):
    other = scene["other"]
    browser_login(page, "r-oov-1")
    assert page.goto(f"{live_server.url}/cases/{other.pk}/").status == 404
    page.context.clear_cookies()
    browser_login(page, "fg")
    page.goto(f"{live_server.url}/audit/access-log/")
    axe(page)
    page.locator("input[name=person]").fill("r-oov-1")
    page.locator("input[name=record]").fill(other.code)
    page.locator("label[for=id_denied_only]").click()  # the design system hides the box itself
    page.locator("form.ipgar-filters button[type=submit]").click()
    page.wait_for_load_state()
    rows = page.locator("table.ams-table tbody tr")
    assert rows.count() == 1
    assert "r-oov-1" in rows.first.inner_text()
    # Denials store only the id asked for; the page names the case by its code.
    assert f"Geweigerd: casus {other.code}" in rows.first.inner_text()
    assert page.locator("input[name=denied_only]").is_checked()
    axe(page)
