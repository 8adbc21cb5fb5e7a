"""The demo's seed meetings read like the seeds (issue 13): seed 000's announcements and its
adoption decision first under item 2, seed 001's item order, seed 002's times and absentees;
the demo's Woo releases (seeds 000 and 002) are valid DiWoo and hold no personal data."""

import datetime as dt
import io
import re

import pypdf
import pytest
from django.core.management import call_command

import meetings.demo
from cases.models import Case
from ipgar.models import User
from meetings import diwoo, exports, selectors
from meetings.models import (
    AgendaItem,
    Decision,
    Meeting,
    MeetingBody,
    MinuteEntry,
    WooMark,
    WooPublication,
    WooRelease,
)
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db
K = MeetingBody.Kind


def _items(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"))


def test_the_seed_meetings_read_like_the_seeds_and_their_woo_releases_are_valid_and_clean():
    # One seeding for all checks: the demo builds its Woo releases (Deduce loads once).
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    _seed_000()
    _seed_001()
    _seed_002()
    _woo_releases()


def _pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def _woo_releases():
    releases = list(WooRelease.objects.select_related("meeting__body", "approved_by", "prepared_by"))
    assert sorted((r.meeting.body.kind, r.meeting.date, r.version) for r in releases) == [
        (K.DIRECTORS, dt.date(2019, 10, 28), 1),
        (K.PTO_R, dt.date(2020, 3, 9), 1),
    ]
    assert {(r.prepared_by.username, r.approved_by.username) for r in releases} == {("pt", "pt-woo")}
    # The personal data the seed plants: every name of a person who is not a public official
    # (users, and the names written in the texts), the identities and codes of every case.
    people = [str(u) for u in User.objects.filter(is_public_official=False) if u.first_name and u.last_name]
    assert {"Femke de Vries", "Merel Schouten", "Sophie Koster", "Erik Postma", "Linda Groen"} <= set(people)
    people += ["Mohamed Bouzid", "Bouzid"]
    cases = list(Case.objects.select_related("identity"))
    assert cases
    identities = [f"{c.identity.first_name} {c.identity.last_name}" for c in cases if c.identity.last_name]
    assert len(identities) == len(cases)
    codes = [c.code for c in cases]
    texts = {}
    for release in releases:
        text, xml = _pdf_text(bytes(release.pdf)), bytes(release.xml).decode()
        texts[release.meeting.body.kind] = text
        for secret in [*people, *identities, *codes, "1 april een andere functie"]:
            assert secret not in text, (str(release), secret)
            assert secret not in xml, (str(release), secret)
        assert not re.search(r"\b[A-Z]{1,3}-\d{4}-\d{2,6}\b", text + xml)  # no case code of any shape
        assert "5.1.2.e" in text
    # Seed 002: the closed part published in part, the public official named.
    assert "status: statisch" in texts[K.DIRECTORS] and "Willem Haverkamp" in texts[K.DIRECTORS]
    assert "4.1.4" in texts[K.PTO_R]  # seed 000's case item withheld as seen
    # A second run of the demo's meetings step changes nothing (a release is immutable).
    counts = (Meeting.objects.count(), WooMark.objects.count(), WooPublication.objects.count(), len(releases))
    meetings.demo.seed()
    assert (Meeting.objects.count(), WooMark.objects.count(), WooPublication.objects.count()) == counts[:3]
    assert WooRelease.objects.count() == counts[3]
    for release in releases:
        assert diwoo.validate(bytes(release.xml)) == [], str(release)


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
    present = html.split("Aanwezig:")[1].split("</p>")[0]
    assert "GGD" not in present  # seed 002: "Verhinderd: GGD"
