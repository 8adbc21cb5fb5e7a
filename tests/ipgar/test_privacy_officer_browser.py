"""Playwright: the privacy officer sets a legal hold, reviews the access log and exports it."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import LegalHold
from ipgar import demo
from ipgar.models import AccessLogReview
from tests.cases.factories import CaseFactory, DirectorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def scene():
    users = demo.seed()
    director = DirectorFactory(user=users["r-oov-1"])
    closed_on = timezone.localdate() - dt.timedelta(days=5 * 365 - 10)  # falls due within 30 days
    closed = CaseFactory(
        code="R-2020-003",
        closed=True,
        director=director,
        reported_on=closed_on - dt.timedelta(days=400),
        included_on=closed_on - dt.timedelta(days=300),
        closed_on=closed_on,
    )
    active = CaseFactory(code="R-2026-017", active=True, director=director)
    return {"closed": closed, "active": active}


def test_privacy_officer_sets_a_hold_reviews_the_log_and_exports_it(page, live_server, browser_login, axe, scene):
    closed, active = scene["closed"], scene["active"]
    # A director opens a case and asks for the identity: that is what the officer will read.
    browser_login(page, "r-oov-1")
    page.goto(f"{live_server.url}/cases/{active.pk}/")
    page.get_by_role("link", name="Toon de identiteit").click()
    page.wait_for_load_state()
    assert active.identity.bsn in page.content()
    page.context.clear_cookies()

    browser_login(page, "fg")
    _sets_a_hold(page, axe, closed=closed)
    _reviews_the_log(page, axe)
    _reads_one_persons_file_and_the_signals(page, axe, active=active)
    _exports_the_log(page)


def _sets_a_hold(page, axe, *, closed):
    # Retention: the forecast shows the closed case and why; the officer puts it on hold.
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Bewaartermijnen").click()
    page.wait_for_load_state()
    assert "R-2020-003" in page.locator("#forecast-heading + div table").inner_text()
    assert "opgenomen casus: 5 jaar na uitstroom" in page.content()
    axe(page)
    page.get_by_label("Casuscode").fill("R-2020-003")
    page.get_by_label("Reden van de bewaarblokkade").fill("Verzoek van de rechtbank, zaak 2026/123")
    page.get_by_role("button", name="Blokkade instellen").click()
    page.wait_for_load_state()
    assert "Bewaarblokkade op R-2020-003 ingesteld." in page.content()
    assert "niet opgeschoond: bewaarblokkade" in page.content()
    axe(page)
    hold = LegalHold.objects.get(case=closed)
    assert hold.reason == "Verzoek van de rechtbank, zaak 2026/123" and hold.set_by.username == "fg"


def _reviews_the_log(page, axe):
    # The access log reads as sentences; the officer's own reads are not on top.
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Toegangslog").click()
    page.wait_for_load_state()
    rows = page.locator("table.ams-table tbody tr")
    assert "Identiteit van R-2026-017 ingezien" in rows.first.inner_text()
    assert "casusregisseur" in rows.first.inner_text()
    assert "fg" not in [rows.nth(i).locator("td").nth(1).inner_text() for i in range(rows.count())]
    axe(page)
    # Mark the month as reviewed.
    page.get_by_label("Notitie").fill("Maandcontrole november: geen bijzonderheden")
    page.get_by_role("button", name="Markeer als beoordeeld").click()
    page.wait_for_load_state()
    assert "De beoordeling is vastgelegd." in page.content()
    assert "Maandcontrole november: geen bijzonderheden" in page.content()
    assert AccessLogReview.objects.get().kind == "period"
    axe(page)


def _reads_one_persons_file_and_the_signals(page, axe, *, active):
    # One person's file, and the signals page, pass axe too.
    page.get_by_role("link", name="Dossier van één persoon").click()
    page.wait_for_load_state()
    page.get_by_label("Casuscode of BSN").fill(active.identity.bsn)
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert "Identiteit van R-2026-017 ingezien" in page.content()
    assert active.identity.bsn not in page.url
    axe(page)
    page.get_by_role("link", name="Terug naar het toegangslog").click()
    page.get_by_role("link", name="Signalen").click()
    page.wait_for_load_state()
    axe(page)
    page.get_by_role("link", name="Terug naar het toegangslog").click()
    page.wait_for_load_state()


def _exports_the_log(page):
    # Export: Dutch, semicolons, a byte-order mark for Excel, local time.
    with page.expect_download() as info:
        page.get_by_role("link", name="Downloaden als CSV").click()
    content = open(info.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert content.startswith("\ufeff")
    header, *lines = content.removeprefix("\ufeff").splitlines()
    assert header.startswith("tijdstip;gebruikersnaam;rol;organisatie;wat;")
    assert any("Identiteit van R-2026-017 ingezien" in line and ";casusregisseur;" in line for line in lines)
    assert info.value.suggested_filename == "toegangslog.csv"
