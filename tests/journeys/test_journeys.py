"""A Playwright journey per role: from the home page, with no typed URL, each role does
its main task; axe-core is clean and no English is left on every Dutch page on the way."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Contact, PartnerRegistration
from ipgar import demo
from meetings import services as meeting_services
from meetings.models import Decision, MeetingBody
from tests.access.factories import register_partner
from tests.cases.factories import CaseFactory, ContactFactory, DirectorFactory, InterventionFactory

from .dutch import assert_dutch

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TODAY = timezone.localdate


@pytest.fixture
def users():
    return demo.seed()


@pytest.fixture
def check(axe):
    def visit(page):
        page.wait_for_load_state()
        axe(page)
        assert_dutch(page)
        return page

    return visit


def _follow(page, name, check, *, exact=False):
    page.get_by_role("link", name=name, exact=exact).first.click()
    return check(page)


def test_programme_team_registers_a_report_and_starts_the_assessment(page, browser_login, check, users):
    browser_login(page, "pt")
    check(page)
    _follow(page, "Casussen", check, exact=True)
    _follow(page, "Melding registreren", check)
    # The skip link shows only when it has focus; required fields are not red before a submit.
    skip = page.locator(".ams-skip-link")
    assert skip.bounding_box()["height"] <= 1
    page.keyboard.press("Tab")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.bounding_box()["height"] > 10
    border = "element => getComputedStyle(element).borderTopColor"
    assert page.locator("[name=report_summary]").evaluate(border) == page.locator("[name=first_name]").evaluate(border)
    page.locator("[name=reported_on]").fill(TODAY().isoformat())
    page.locator("[name=report_source]").select_option(index=1)
    page.locator("[name=area]").select_option(index=1)
    page.locator("[name=report_summary]").fill("Zorgwekkende uitingen op school (fictief).")
    page.locator("[name=last_name]").fill("Voorbeeld")
    page.get_by_role("button", name="Registreren").click()
    check(page)
    code = f"R-{TODAY().year}-001"
    assert f"Melding {code} geregistreerd. Volgende stap: duiding." in page.locator(".ipgar-messages").inner_text()
    _follow(page, "Status wijzigen", check, exact=True)
    page.locator("[name=to]").select_option("assessment")
    page.locator("[name=reason]").fill("Duiding gestart")
    page.get_by_role("button", name="Opslaan").click()
    check(page)
    assert "Volgende stap: IVG-R-advies of een preventief gesprek." in page.locator(".ipgar-messages").inner_text()


def test_director_records_a_contact_on_the_case_that_needs_it(page, browser_login, check, users):
    director = DirectorFactory(user=users["r-oov-1"], organisation=users["r-oov-1"].organisation)
    case = CaseFactory(
        active=True,
        director=director,
        reported_on=TODAY() - dt.timedelta(days=300),
        included_on=TODAY() - dt.timedelta(days=250),
    )
    ContactFactory(case=case, date=TODAY() - dt.timedelta(days=120), kind=Contact.Kind.PHONE)
    browser_login(page, "r-oov-1")
    check(page)
    _follow(page, case.code, check)
    _follow(page, "Contact vastleggen", check)
    page.locator("[name=kind]").select_option("face_to_face")
    page.locator("[name=note]").fill("Huisbezoek afgelegd.")
    page.get_by_role("button", name="Opslaan").click()
    check(page)
    assert f"Contact vastgelegd voor {case.code}." in page.locator(".ipgar-messages").inner_text()
    assert "Geen contact" not in page.locator("#case-alerts").inner_text()


def _pto_r_meeting(users, *, days):
    from tests.cases.factories import ProgrammeUserFactory

    pt = ProgrammeUserFactory()
    body = MeetingBody.objects.get(kind=MeetingBody.Kind.PTO_R)
    body.members.add(users["ptor-politie"])
    return pt, meeting_services.meeting_create(body=body, date=TODAY() + dt.timedelta(days=days), by=pt)


def test_pto_r_member_reads_the_next_agenda_and_an_earlier_decision(page, browser_login, check, users):
    pt, earlier = _pto_r_meeting(users, days=-14)
    decided = CaseFactory(active=True)
    item = meeting_services.agenda_item_add(meeting=earlier, title="", case=decided, by=pt)
    meeting_services.decision_create(meeting=earlier, agenda_item=item, text="De regie loopt door.", by=pt)
    _pt, coming = _pto_r_meeting(users, days=7)
    meeting_services.agenda_item_add(meeting=coming, title="Inclusie?", case=CaseFactory(advised=True), by=pt)
    browser_login(page, "ptor-politie")
    check(page)
    assert "Inclusie?" in page.locator("#home-next-pto-r").locator("..").inner_text()
    _follow(page, "Overleggen", check, exact=True)
    from django.utils import translation

    from ipgar.dates import short_date

    with translation.override("nl"):
        when = short_date(earlier.date)
    page.get_by_role("link", name=when, exact=True).click()
    check(page)
    text = page.locator("main").inner_text()
    assert f"Casus {decided.code}" in text and "BESLUIT 1: De regie loopt door." in text


def test_intervention_partner_reports_back_on_her_intervention(page, browser_login, check, users):
    case = CaseFactory(active=True)
    mine = InterventionFactory(case=case, goal="Begeleiding naar werk")
    register_partner(case=case, person=users["sd-west"], interventions=[mine])
    browser_login(page, "sd-west")
    check(page)
    _follow(page, "Mijn casussen", check, exact=True)
    _follow(page, case.code, check)
    page.get_by_label("Een contact met de persoon").check()
    page.locator("[name=note]").fill("Gesproken in het buurthuis.")
    page.get_by_role("button", name="Bericht versturen").click()
    check(page)
    assert f"uw bericht over {case.code} is doorgegeven" in page.locator(".ipgar-messages").inner_text()
    assert PartnerRegistration.objects.filter(case=case).exists()


def test_privacy_officer_follows_the_refusals_to_the_log(page, browser_login, check, users, client):
    from ipgar import access_log
    from ipgar.models import AccessLogEntry

    other = CaseFactory(active=True)
    client.force_login(users["r-oov-2"])
    client.get(f"/cases/{other.pk}/")  # refused: another director's case
    assert AccessLogEntry.objects.filter(outcome=access_log.Outcome.DENIED).exists()
    browser_login(page, "fg")
    check(page)
    _follow(page, "geweigerd verzoek", check)
    assert "r-oov-2" in page.locator("main").inner_text()


def test_directors_meeting_partner_opens_the_next_meeting(page, browser_login, check, users):
    from tests.cases.factories import ProgrammeUserFactory

    body = MeetingBody.objects.get(kind=MeetingBody.Kind.DIRECTORS)
    body.members.add(users["do-partner"])
    meeting = meeting_services.meeting_create(
        body=body, date=TODAY() + dt.timedelta(days=10), by=ProgrammeUserFactory()
    )
    browser_login(page, "do-partner")
    check(page)
    _follow(page, body.name, check)
    assert str(meeting.date.year) in page.locator("h1").inner_text() or body.name in page.locator("main").inner_text()


def test_administrator_opens_the_users_in_the_admin(page, browser_login, check, users):
    browser_login(page, "admin")
    check(page)
    _follow(page, "Beheer", check, exact=True)
    _follow(page, "Gebruikers", check, exact=True)
    assert (
        "anouk" in page.locator("#result_list").inner_text().lower()
        or "admin" in page.locator("#result_list").inner_text()
    )


def test_the_detector_finds_english():
    from .dutch import untranslated

    assert untranslated("Melding registreren · Register a report · (June) · ---------") == [
        "Register a report",
        "---------",
        "(June)",
    ]
    assert Decision  # the journeys record decisions through the real service
