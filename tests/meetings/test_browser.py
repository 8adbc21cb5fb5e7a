"""The secretary takes minutes with a decision and an action and adopts them at the next meeting."""

import datetime as dt

import pytest
from django.utils import timezone

from ipgar import demo
from meetings import services
from meetings.models import ActionItem, MeetingBody, Minutes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_secretary_takes_minutes_and_adopts_them_at_the_next_meeting(page, live_server, browser_login, axe):
    users = demo.seed()
    pt = users["pt"]
    body = MeetingBody.objects.get(kind=MeetingBody.Kind.PTO_R)
    body.members.add(pt, users["ptor-politie"])
    today = timezone.localdate()
    first = services.meeting_create(body=body, date=today - dt.timedelta(weeks=4), by=pt)
    second = services.meeting_create(body=body, date=today, by=pt)

    browser_login(page, "pt")
    page.goto(f"{live_server.url}/meetings/")
    axe(page)
    page.goto(f"{live_server.url}/meetings/{first.pk}/")
    axe(page)

    page.get_by_role("link", name="Besluit vastleggen", exact=True).click()
    axe(page)
    page.locator("[name=text]").fill("Het programmateam stelt een A4 op over de regisseurspool.")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert "BESLUIT 1:" in page.content()
    axe(page)

    page.get_by_role("link", name="Nieuwe actie", exact=True).click()
    axe(page)
    page.locator("[name=subject]").fill("A4 regisseurspool")
    page.locator("[name=description]").fill("Opstellen en per mail delen met de PTO-R leden.")
    page.locator("[name=owner]").select_option(str(pt.pk))
    page.locator("[name=deadline_text]").fill("z.s.m.")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert "A4 regisseurspool" in page.content()

    page.get_by_role("button", name="Conceptverslag rondsturen").click()
    page.wait_for_load_state()
    assert Minutes.objects.get(meeting=first).status == Minutes.Status.CIRCULATED
    axe(page)

    page.goto(f"{live_server.url}/meetings/{second.pk}/")
    axe(page)
    assert "A4 regisseurspool" in page.content()  # the open action carried over
    page.locator("[name=minutes]").select_option(str(first.minutes.pk))
    page.locator("[name=changes]").fill("een enkele tekstuele wijziging")
    page.get_by_role("button", name="Verslag vaststellen").click()
    page.wait_for_load_state()
    assert "vastgesteld, met inachtneming van de volgende tekstuele wijzigingen" in page.content()
    axe(page)

    minutes = Minutes.objects.get(meeting=first)
    assert minutes.status == Minutes.Status.ADOPTED and minutes.adopted_at_meeting == second
    page.goto(f"{live_server.url}/meetings/{first.pk}/")
    assert page.get_by_role("link", name="Besluit vastleggen", exact=True).count() == 0
    assert page.get_by_role("link", name="Correctie vastleggen").count() == 1
    axe(page)
    page.goto(f"{live_server.url}/meetings/{first.pk}/woo/")
    axe(page)
    assert ActionItem.objects.get().owner == pt
