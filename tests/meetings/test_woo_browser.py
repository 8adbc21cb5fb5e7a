"""The secretary prepares a Woo release, judges the detector's flag, and the Woo coordinator
approves it beside the full text; then it downloads (issue 13). Axe-clean on every page."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from ipgar import demo
from meetings import services
from meetings.models import MeetingBody, Minutes, WooRelease
from meetings.redaction import _deduce
from tests.ipgar.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _adopted_minutes_with_a_flag(pt):
    """Adopted minutes with an unknown name (the detector's flag), a phone number and a public
    official; a Woo coordinator to approve."""
    coordinator = UserFactory(username="woo-coordinator", role="programme_team")
    coordinator.user_permissions.add(Permission.objects.get(codename="approve_woo_release"))
    UserFactory(first_name="Pieter", last_name="Rossumstein", is_public_official=True)
    body = MeetingBody.objects.get(kind=MeetingBody.Kind.DIRECTORS)
    m = services.meeting_create(body=body, date=dt.date(2020, 3, 9), by=pt)
    item = services.agenda_item_add(meeting=m, title="Evaluatie aanpak", by=pt)
    services.entry_add(
        agenda_item=item,
        kind="note",
        text="Bertus Kwakernaak belde op 06-12345678; Pieter Rossumstein licht toe.",
        by=pt,
    )
    later = services.meeting_create(body=body, date=dt.date(2020, 4, 6), by=pt)
    services.minutes_circulate(minutes=m.minutes, by=pt)
    services.minutes_adopt(minutes=Minutes.objects.get(meeting=m), at_meeting=later, by=pt)
    return m, coordinator


def _secretary_judges_the_flag_and_prepares(page, live_server, axe, m) -> str:
    """The secretary's part, logged in: refused while the flag is open, then withholds it and
    prepares. Returns the review page's address."""
    page.goto(f"{live_server.url}/meetings/{m.pk}/woo/")
    axe(page)
    content = page.content()
    assert "Bertus Kwakernaak" in content  # shown to the secretary as a flag to judge
    preview = page.locator(".woo-preview").inner_text()
    assert "Kwakernaak" not in preview and "12345678" not in preview and "Pieter Rossumstein" in preview
    # A release is refused while the flag is open.
    page.get_by_role("button", name="Voorbereiden voor openbaarmaking").click()
    page.wait_for_load_state()
    assert "gemarkeerd" in page.content()
    assert not WooRelease.objects.exists()
    # Judge the flag: withhold it on 5.1.2.e.
    page.get_by_label("grond", exact=False).first.select_option("5.1.2.e")
    page.get_by_role("button", name="“Bertus Kwakernaak” lakken").click()
    page.wait_for_load_state()
    assert "Geen openstaande markeringen." in page.content()
    axe(page)
    page.get_by_role("button", name="Voorbereiden voor openbaarmaking").click()
    page.wait_for_load_state()
    return page.get_by_role("link", name="Beoordelen (Woo-coördinator)").get_attribute("href")


def test_secretary_prepares_and_flags_the_coordinator_approves_and_it_downloads(page, live_server, browser_login, axe):
    _deduce()  # load the detector's lookup structures before the first page (10-20 s, once a process)
    pt = demo.seed()["pt"]
    m, coordinator = _adopted_minutes_with_a_flag(pt)

    browser_login(page, "pt")
    review_url = _secretary_judges_the_flag_and_prepares(page, live_server, axe, m)
    # The secretary cannot approve her own preparation.
    page.goto(f"{live_server.url}{review_url}")
    assert page.get_by_role("button", name="Goedkeuren en openbaar maken").count() == 0
    page.context.clear_cookies()

    browser_login(page, "woo-coordinator")
    page.goto(f"{live_server.url}{review_url}")
    axe(page)
    assert "Bertus Kwakernaak" in page.locator("#full-heading + .woo-preview").inner_text()
    assert "Kwakernaak" not in page.locator("#redacted-heading + .woo-preview").inner_text()
    page.get_by_role("button", name="Goedkeuren en openbaar maken").click()
    page.wait_for_load_state()
    axe(page)
    release = WooRelease.objects.get(meeting=m)
    assert release.approved_by == coordinator and release.prepared_by == pt and release.version == 1
    page.goto(f"{live_server.url}/meetings/{m.pk}/woo/")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == "woo-verslag-20200309-v1.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read() == bytes(release.pdf)
