"""Playwright: a director opens a case with a no-contact alert, records a contact and an
intervention, and sees the alert disappear (axe-checked on every page)."""

import datetime as dt

import pytest
from django.utils import timezone

from ipgar import demo
from pool.models import Director
from tests.cases.factories import CaseFactory, ContactFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_director_records_a_contact_and_an_intervention_and_the_alert_goes(page, live_server, browser_login, axe):
    users = demo.seed()
    director = Director.objects.create(
        user=users["r-oov-1"], organisation=users["r-oov-1"].organisation, fte=1, active_from=dt.date(2019, 1, 1)
    )
    today = timezone.localdate()
    case = CaseFactory(
        active=True,
        director=director,
        reported_on=today - dt.timedelta(days=300),
        included_on=today - dt.timedelta(days=250),
    )
    ContactFactory(case=case, date=today - dt.timedelta(days=120))

    browser_login(page, "r-oov-1")
    page.goto(f"{live_server.url}/cases/caseload/")
    axe(page)
    row = page.get_by_role("row", name=case.code)
    assert "Geen contact" in row.inner_text()
    page.get_by_role("link", name=case.code).click()
    page.wait_for_load_state()
    axe(page)
    alerts = page.locator("#case-alerts")
    assert "Geen contact" in alerts.inner_text()
    assert "Geen interventie" in alerts.inner_text()

    page.get_by_role("link", name="Contact vastleggen").click()
    page.wait_for_load_state()
    axe(page)
    page.get_by_label("Soort").select_option("face_to_face")
    page.get_by_label("Korte notitie").fill("Huisbezoek afgelegd.")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    axe(page)
    assert "Geen contact" not in page.locator("#case-alerts").inner_text()
    assert "Geen interventie" in page.locator("#case-alerts").inner_text()

    page.get_by_role("link", name="Interventie toevoegen").click()
    page.wait_for_load_state()
    axe(page)
    page.get_by_label("Interventie", exact=True).select_option(label="Mentor / maatje")
    page.get_by_label("Uitvoerende partner").select_option(
        label="OOV (Openbare Orde en Veiligheid, gemeente Amsterdam)"
    )
    page.get_by_label("Doel").fill("Vertrouwen opbouwen.")
    page.get_by_label("Start").fill(today.isoformat())
    page.get_by_label("Status").select_option("running")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    axe(page)
    assert "geen" in page.locator("#case-alerts").inner_text().lower()
    assert "Mentor / maatje" in page.get_by_role("region", name="Interventies").inner_text()
