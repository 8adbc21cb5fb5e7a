"""PTO-R members read the decisions and case codes of their meetings, items in agenda order, and
case summaries as they stood at the meeting (issue 15, DESIGN §5)."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from cases import services as case_services
from cases.models import Case
from meetings import services
from meetings.models import Decision

from .factories import CaseFactory, ContactFactory, ProgrammeUserFactory, PtoRMemberFactory, meeting

pytestmark = pytest.mark.django_db


def _member_of(m):
    member = PtoRMemberFactory()
    m.body.members.add(member)
    return member


def test_a_member_reads_the_decisions_and_codes_items_numbered_in_order(client):
    pt = ProgrammeUserFactory()
    m = meeting(by=pt)
    first, second = CaseFactory(advised=True), CaseFactory(active=True)
    one = services.agenda_item_add(meeting=m, title="", case=first, by=pt)
    services.agenda_item_add(meeting=m, title="Rondvraag extra", by=pt)
    two = services.agenda_item_add(meeting=m, title="", case=second, by=pt)
    services.entry_add(agenda_item=one, kind="note", text="Vertrouwelijke bespreking.", by=pt)
    services.decision_create(meeting=m, agenda_item=one, text="Niet opnemen.", by=pt, kind=Decision.Kind.NOT_INCLUDED)
    services.decision_create(meeting=m, agenda_item=two, text="Statisch verklaren.", by=pt, kind=Decision.Kind.STATIC)
    client.force_login(_member_of(m))
    html = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "BESLUIT 1:</strong> Niet opnemen." in html and "BESLUIT 2:</strong> Statisch verklaren." in html
    assert f"Casus {first.code}" in html and f"Casus {second.code}" in html
    assert "Vertrouwelijke bespreking." not in html
    numbers = [int(n) for n in re.findall(r'<h3 class="ams-heading ams-heading--3" id="item-\d+">(\d+)\.', html)]
    assert numbers == list(range(1, len(numbers) + 1))


def test_a_case_summary_shows_the_case_as_it_was_at_the_meeting(client):
    pt = ProgrammeUserFactory()
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=dt.UTC)):
        case = CaseFactory(assessment=True, reported_on=dt.date(2026, 2, 1))
        case_services.case_advise(case=case, by=pt, reason="IVG-R positief")
        m = meeting(by=pt, date=dt.date(2026, 3, 9))
        services.agenda_item_add(meeting=m, title="", case=case, by=pt)
    ContactFactory(case=case, date=dt.date(2026, 3, 5))
    ContactFactory(case=case, date=dt.date(2026, 4, 20))  # after the meeting
    with time_machine.travel(dt.datetime(2026, 4, 21, 12, tzinfo=dt.UTC)):
        later = Case.objects.get(pk=case.pk)
        later.status = Case.Status.NOT_INCLUDED  # what happened after the meeting
        later.save()
    member = _member_of(m)
    client.force_login(member)
    summary = client.get(reverse("meetings:case_summary", args=[m.pk, case.pk])).context["summary"]
    assert summary.status == "geadviseerd door IVG-R"
    assert summary.last_contact == dt.date(2026, 3, 5)
