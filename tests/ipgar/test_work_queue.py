"""Home is a work queue per role, each item one click from where it is done."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Contact
from ipgar import roles
from meetings import services as meeting_services
from meetings.models import MeetingBody
from tests.access.factories import register_partner
from tests.cases.factories import CaseFactory, ContactFactory, DirectorFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def _pto_r(by, *, days=7, members=()):
    body = MeetingBody.objects.get(kind=MeetingBody.Kind.PTO_R)
    for member in members:
        body.members.add(member)
    return meeting_services.meeting_create(body=body, date=timezone.localdate() + dt.timedelta(days=days), by=by)


def test_programme_team_queue_links_to_where_the_work_is_done(client):
    pt = ProgrammeUserFactory()
    CaseFactory()
    CaseFactory(assessment=True)
    CaseFactory(assessment=True)
    meeting = _pto_r(pt)
    client.force_login(pt)
    html = client.get("/").content.decode()
    assert f'href="{reverse("cases:list")}?status=reported">1 melding te duiden</a>' in html
    assert f'href="{reverse("cases:list")}?status=assessment">2 casussen in duiding, te adviseren</a>' in html
    assert f'href="{reverse("meetings:detail", args=[meeting.pk])}">Conceptagenda van het PTO-R van' in html


def test_director_queue_names_the_cases_needing_action_and_why(client):
    today = timezone.localdate()
    director = DirectorFactory(active_from=today - dt.timedelta(days=80))
    late = CaseFactory(
        active=True,
        director=director,
        reported_on=today - dt.timedelta(days=400),
        included_on=today - dt.timedelta(days=300),
    )
    ContactFactory(case=late, date=dt.date(2026, 3, 3), kind=Contact.Kind.PHONE)
    fine = CaseFactory(active=True, director=director)
    ContactFactory(case=fine, date=today, kind=Contact.Kind.PHONE)
    client.force_login(director.user)
    html = client.get("/").content.decode()
    assert f"{late.code}</a>: geen contact sinds 3 mrt. 2026" in html
    assert f">{fine.code}</a>:" not in html
    assert "Uw caseloadbespreking is gepland op" in html


def test_pto_r_member_sees_what_the_next_pto_r_decides(client):
    pt = ProgrammeUserFactory()
    member = UserFactory(role=roles.PTO_R_MEMBER)
    meeting = _pto_r(pt, members=[member])
    case = CaseFactory(advised=True)
    meeting_services.agenda_item_add(meeting=meeting, title="Inclusie?", case=case, by=pt)
    client.force_login(member)
    html = client.get("/").content.decode()
    assert "Wat het volgende PTO-R besluit" in html
    assert f'<span class="ipgar-code">{case.code}</span>: Inclusie?' in html


def test_intervention_partner_is_told_of_a_registration_about_to_end(client):
    soon = register_partner(valid_until=timezone.now() + dt.timedelta(days=5))
    later = register_partner(person=soon.person, valid_until=timezone.now() + dt.timedelta(days=60))
    client.force_login(soon.person)
    html = client.get("/").content.decode()
    assert "Registraties die binnen 14 dagen aflopen" in html
    assert soon.case.code in html and later.case.code not in html


def test_privacy_officer_home_links_to_the_access_log_signals(client):
    client.force_login(UserFactory(role=roles.PRIVACY_OFFICER))
    html = client.get("/").content.decode()
    assert f'href="{reverse("ipgar:access_log_signals")}">Signalen uit het toegangslogboek</a>' in html
