"""The demo's seed meetings read like the seeds (issue 13): seed 000's announcements and its
adoption decision first under item 2, seed 001's item order, seed 002's times and absentees."""

import datetime as dt

import pytest
from django.core.management import call_command

from meetings import exports, selectors
from meetings.models import AgendaItem, Decision, Meeting, MeetingBody, MinuteEntry
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db
K = MeetingBody.Kind


def _items(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"))


def test_the_seed_meetings_read_like_the_seeds():
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    _seed_000()
    _seed_001()
    _seed_002()


def _seed_000():
    m = Meeting.objects.get(body__kind=K.PTO_R, date=dt.date(2020, 3, 9))
    items = _items(m)
    assert items[0].title == "Opening, agenda en mededelingen"
    announcements = MinuteEntry.objects.filter(agenda_item=items[0], kind=MinuteEntry.Kind.ANNOUNCEMENT)
    texts = " ".join(announcements.values_list("text", flat=True))
    for fragment in ("vertrekt bij de NCTV", "20 maart een brainstorm", "23 maart een Benen-Op-Tafel"):
        assert fragment in texts
    assert items[1].kind == AgendaItem.Kind.PREVIOUS_MINUTES
    decisions = list(Decision.objects.filter(agenda_item=items[1]).order_by("number"))
    assert decisions[0].text.startswith(
        "Het verslag van het PTO-R d.d. 10 februari 2020 wordt vastgesteld, met inachtneming van een enkele "
        "tekstuele wijziging."
    )
    numbers = list(Decision.objects.filter(meeting=m).order_by("number").values_list("agenda_item__order", flat=True))
    assert numbers == sorted(numbers, key=lambda order: (order is None, order))  # numbered in agenda order


def _seed_001():
    m = Meeting.objects.get(body__kind=K.TEAM, date=dt.date(2021, 6, 15))
    titles = [item.title for item in _items(m)]
    assert titles == [
        "Kennismaking met projectleiders stadsdelen",
        "Toelichting door Nadia Bennani over aandachtsfunctionarissen",
        "Opening, agenda en mededelingen",
        "Vaststellen verslag iPGA-R Teamoverleg d.d. 18 mei 2021 + actualiseren actielijst",
        "Toelichting op informatiebeeld april 2021",
        "Wat verder ter tafel komt en sluiting",
    ]


def _seed_002():
    m = Meeting.objects.get(body__kind=K.DIRECTORS, date=dt.date(2019, 10, 28))
    assert (m.start_time, m.end_time) == (dt.time(16, 0), dt.time(16, 30))
    pt = UserFactory(username="seed-reader", role="programme_team")
    html = exports.minutes_html(selectors.meeting_view(user=pt, meeting=m))
    assert "16.00–16.30 uur" in html
    absent = html.split("Afwezig:")[1].split("</p>")[0]
    assert "GGD" in absent
