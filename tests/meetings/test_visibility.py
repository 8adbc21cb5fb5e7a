"""Who reads which meeting, closed part and case item (DESIGN §5-6), and the PTO-R case summary."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import CaseAccessGrant
from cases.permissions import grant_case_access
from ipgar.models import AccessLogEntry
from meetings.models import Invitation, MeetingBody
from tests.ipgar.factories import UserFactory

from .factories import (
    CaseFactory,
    ContactFactory,
    DirectorUserFactory,
    EscalationFactory,
    InterventionFactory,
    PartnerUserFactory,
    ProgrammeUserFactory,
    PtoRMemberFactory,
    meeting,
)

pytestmark = pytest.mark.django_db
K = MeetingBody.Kind


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.fixture
def pt():
    return ProgrammeUserFactory()


def _detail(m):
    return reverse("meetings:detail", args=[m.pk])


@pytest.mark.parametrize(
    ("factory", "kind", "expected"),
    [
        (PtoRMemberFactory, K.PTO_R, 200),
        (PtoRMemberFactory, K.DIRECTORS, 404),
        (PartnerUserFactory, K.DIRECTORS, 200),
        (PartnerUserFactory, K.STEERING_GROUP, 200),
        (PartnerUserFactory, K.PTO_R, 404),
        (DirectorUserFactory, K.TEAM, 200),
        (DirectorUserFactory, K.ITAT_R, 200),
        (DirectorUserFactory, K.IVG_R, 200),
        (DirectorUserFactory, K.PTO_R, 404),
    ],
)
def test_body_members_read_their_bodys_meetings_by_role(client, pt, factory, kind, expected):
    user = factory()
    MeetingBody.objects.get(kind=kind).members.add(user)
    m = meeting(kind=kind, by=pt)
    Invitation.objects.filter(meeting=m, user=user).delete()  # membership alone must decide here
    assert _get(client, user, _detail(m)).status_code == expected


def test_not_a_member_is_404_and_logged(client, pt):
    m = meeting(by=pt)
    outsider = PtoRMemberFactory()
    response = _get(client, outsider, _detail(m))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        user=outsider, outcome="denied", record_type="meetings.meeting", record_id=str(m.pk)
    ).exists()
    for role in ("privacy_officer", "administrator", "intervention_partner"):
        assert _get(client, UserFactory(role=role), _detail(m)).status_code == 404


def test_invited_guest_reads_the_meeting(client, pt):
    # A guest of a role that may attend the body's kind (a director presenting at the PTO-R);
    # an intervention partner is never a reading guest (issue 19, tests/meetings/test_pentest.py).
    m = meeting(kind=K.PTO_R, by=pt)
    guest = DirectorUserFactory()
    Invitation.objects.create(meeting=m, user=guest, attendance=Invitation.Attendance.GUEST)
    assert _get(client, guest, _detail(m)).status_code == 200
    listing = _get(client, guest, reverse("meetings:list")).content.decode()
    assert _detail(m) in listing


def test_programme_team_reads_every_meeting_and_sees_secretary_tools(client, pt):
    m = meeting(kind=K.DIRECTORS, by=pt)
    other_pt = ProgrammeUserFactory()
    body = _get(client, other_pt, _detail(m)).content.decode()
    assert reverse("meetings:decision_add", args=[m.pk]) in body


def test_closed_part_only_for_the_admitted(client, pt):
    m = meeting(kind=K.DIRECTORS, by=pt)
    from meetings import services

    item = services.agenda_item_add(meeting=m, title="Plan van aanpak doorontwikkeling", is_closed_part=True, by=pt)
    services.entry_add(agenda_item=item, kind="note", text="Het veranderingsproces is urgent.", by=pt)
    admitted, not_admitted = PartnerUserFactory(), PartnerUserFactory()
    Invitation.objects.create(meeting=m, user=admitted, admitted_to_closed_part=True)
    Invitation.objects.create(meeting=m, user=not_admitted)
    seen = _get(client, admitted, _detail(m)).content.decode()
    assert "Plan van aanpak doorontwikkeling" in seen and "urgent" in seen
    hidden = _get(client, not_admitted, _detail(m)).content.decode()
    assert "Plan van aanpak doorontwikkeling" not in hidden and "urgent" not in hidden
    assert "besloten deel" in hidden.lower()
    # The exports follow the same rule.
    client.force_login(not_admitted)
    docx = client.get(reverse("meetings:minutes_docx", args=[m.pk]))
    assert docx.status_code == 200 and b"urgent" not in docx.content


def test_case_items_only_for_who_may_see_the_case(client, pt):
    case = CaseFactory(active=True)
    m = meeting(by=pt)
    from meetings import services

    item = services.agenda_item_add(meeting=m, title="", case=case, description="Statisch verklaren?", by=pt)
    services.entry_add(agenda_item=item, kind="note", text="Geen zicht op interventies.", by=pt)
    director = case.director.user
    Invitation.objects.create(meeting=m, user=director, attendance=Invitation.Attendance.GUEST)
    assert case.code in _get(client, director, _detail(m)).content.decode()
    member = PtoRMemberFactory()
    Invitation.objects.create(meeting=m, user=member)
    page = _get(client, member, _detail(m)).content.decode()
    # A PTO-R member reads the case code (and decisions, issue 15), never the minutes' remarks.
    assert f"Casus {case.code}" in page and "Geen zicht" not in page
    assert reverse("meetings:case_summary", args=[m.pk, case.pk]) in page


def test_pto_r_case_summary(client, pt):
    case = CaseFactory(active=True)
    InterventionFactory(case=case)
    InterventionFactory(case=case, completed=True)
    ContactFactory(case=case, date=dt.date(2026, 2, 1))
    EscalationFactory(case=case, body="pto_r", question="Mag de casus statisch?")
    m = meeting(by=pt)
    from meetings import services

    services.agenda_item_add(meeting=m, title="", case=case, by=pt)
    member = PtoRMemberFactory()
    Invitation.objects.create(meeting=m, user=member)
    url = reverse("meetings:case_summary", args=[m.pk, case.pk])
    response = _get(client, member, url)
    body = response.content.decode()
    assert response.status_code == 200
    assert case.code in body and "Mag de casus statisch?" in body and "1 feb. 2026" in body
    assert response.context["summary"].running_interventions == 1
    assert case.identity.last_name not in body and case.identity.bsn not in body
    assert AccessLogEntry.objects.filter(user=member, record_type="cases.case", record_id=str(case.pk)).exists()
    # Not invited, not on the agenda, not a PTO-R member: 404.
    assert _get(client, PtoRMemberFactory(), url).status_code == 404
    other = CaseFactory(active=True)
    assert _get(client, member, reverse("meetings:case_summary", args=[m.pk, other.pk])).status_code == 404
    guest = UserFactory(role="intervention_partner")
    Invitation.objects.create(meeting=m, user=guest)
    assert _get(client, guest, url).status_code == 404


def test_a_director_with_an_explicit_grant_sees_the_case_item(client, pt):
    case = CaseFactory(active=True)
    m = meeting(kind=K.ITAT_R, by=pt)
    from meetings import services

    services.agenda_item_add(meeting=m, title="", case=case, by=pt)
    director = DirectorUserFactory()
    MeetingBody.objects.get(kind=K.ITAT_R).members.add(director)
    assert case.code not in _get(client, director, _detail(m)).content.decode()
    grant_case_access(user=director, case=case, kind=CaseAccessGrant.Kind.EXPLICIT, reason="ITAT-R", by=pt)
    assert case.code in _get(client, director, _detail(m)).content.decode()


def test_secretary_pages_are_404_for_readers(client, pt):
    m = meeting(by=pt)
    member = PtoRMemberFactory()
    Invitation.objects.create(meeting=m, user=member)
    client.force_login(member)
    for name in ("item_add", "decision_add", "action_add", "woo", "woo_pdf", "adopt", "attendance"):
        assert client.get(reverse(f"meetings:{name}", args=[m.pk])).status_code == 404, name
    assert client.post(reverse("meetings:circulate", args=[m.pk])).status_code == 404
    assert client.get(reverse("meetings:create")).status_code == 404
    assert client.get(reverse("meetings:bodies")).status_code == 404
