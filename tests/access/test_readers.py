"""Need-to-know that can be explained (docs/access.md, "Grants"): per case, who can read it and why; explicit
grants given and ended by the programme team; a director invited to a meeting reads the cases
on its agenda until the minutes are adopted."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import permissions
from cases.models import Case, CaseAccessGrant
from ipgar.dates import short_datetime, start_of_day
from ipgar.models import AccessLogEntry, User
from meetings import services as meeting_services
from meetings.models import MeetingBody
from pool import services as pool_services
from tests.access.factories import InterventionPartnerFactory, register_partner
from tests.cases.factories import CaseFactory, DirectorFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user):
    return User.objects.get(pk=user.pk)


def readers_url(case):
    return reverse("access:case_readers", kwargs={"case_id": case.pk})


@pytest.fixture
def pt():
    return ProgrammeUserFactory(first_name="Femke", last_name="de Vries")


def test_programme_team_and_privacy_officer_see_every_grant_with_kind_reason_grantor_and_period(client, pt):
    director = DirectorFactory(user__first_name="Sanne", user__last_name="Bakker")
    case = CaseFactory(active=True, director=director)
    substitute = DirectorFactory(user__first_name="Youssef", user__last_name="El Amrani")
    start = timezone.localdate() + dt.timedelta(days=3)
    pool_services.absence_register(
        director=director,
        kind="leave",
        starts_on=start,
        ends_on=start + dt.timedelta(days=9),
        substitute=substitute,
        by=pt,
    )
    partner = InterventionPartnerFactory(first_name="Naima", last_name="Ouali")
    register_partner(case=case, person=partner, by=pt, purpose="Jongerenwerk West")
    guest = DirectorFactory(user__first_name="Lotte", user__last_name="Visser").user
    permissions.explicit_grant_give(case=case, user=guest, reason="ITAT-R bespreking", until=start, by=pt)
    for reader in (pt, UserFactory(role="privacy_officer")):
        client.force_login(reader)
        body = client.get(readers_url(case)).content.decode()
        for text in (
            "Sanne Bakker", "casusregisseur",  # the director's grant and its kind
            "Youssef El Amrani", "vervanger bij afwezigheid",  # the substitution, starting later
            "wordt later van kracht",
            "Lotte Visser", "ITAT-R bespreking", "expliciete toegang",
            "Naima Ouali", "Jongerenwerk West",  # the registration and its partner grant
            "Femke de Vries",  # who gave them
            short_datetime(start_of_day(start + dt.timedelta(days=1))),  # the explicit grant's end
        ):  # fmt: skip
            assert text in body, text
    assert AccessLogEntry.objects.filter(section="readers", record_id=str(case.pk), outcome="allowed").count() == 2


@pytest.mark.parametrize("role", ["director", "pto_r_member", "partner", "intervention_partner", "administrator", None])
def test_every_other_role_gets_404_and_the_denial_is_logged(client, role):
    case = CaseFactory(active=True)
    user = UserFactory(role=role) if role else UserFactory()
    client.force_login(user)
    assert client.get(readers_url(case)).status_code == 404
    assert client.get(reverse("access:readers_lookup")).status_code == 404
    assert AccessLogEntry.objects.filter(user=user, outcome="denied", section="readers").count() == 2


def _grants(n, case, by):
    for _ in range(n):
        permissions.grant_case_access(
            user=DirectorFactory().user, case=case, kind=CaseAccessGrant.Kind.EXPLICIT, reason="r", by=by
        )
        register_partner(case=case, by=by, valid_from=timezone.now())


@pytest.mark.parametrize("n", [1, 8])
def test_the_readers_page_runs_a_constant_number_of_queries(client, pt, n, django_assert_num_queries):
    case = CaseFactory(active=True)
    _grants(n, case, pt)
    client.force_login(pt)
    # session, user, roles, case, organisation + access-log insert, grants, registrations, their
    # interventions, the programme team, the sliding session's save (3): the same at 1 and at 8.
    with django_assert_num_queries(13):
        response = client.get(readers_url(case))
    assert response.status_code == 200
    # two header rows; grants: the director, n explicit, n partner; n registrations
    assert response.content.decode().count("ams-table__row") == 2 + (1 + 2 * n) + n


def test_lookup_by_code_leads_to_the_case(client, pt):
    case = CaseFactory(active=True)
    client.force_login(pt)
    response = client.get(reverse("access:readers_lookup"), {"code": case.code.lower()})
    assert response.status_code == 302 and response["Location"] == readers_url(case)
    response = client.get(reverse("access:readers_lookup"), {"code": "R-1900-999"})
    assert response.status_code == 200 and "Geen casus heeft deze code" in response.content.decode()


# --- explicit grants ---------------------------------------------------------------------------


def _give(client, case, **data):
    return client.post(reverse("access:explicit_grant_create", kwargs={"case_id": case.pk}), data)


def test_programme_team_gives_and_ends_an_explicit_grant(client, pt):
    case, guest = CaseFactory(active=True), DirectorFactory().user
    client.force_login(pt)
    until = timezone.localdate() + dt.timedelta(days=14)
    response = _give(client, case, user=guest.pk, reason="Bespreking ITAT-R", until=until.isoformat())
    assert response.status_code == 302 and response["Location"] == readers_url(case)
    grant = CaseAccessGrant.objects.get(case=case, user=guest)
    assert (grant.kind, grant.reason, grant.granted_by) == ("explicit", "Bespreking ITAT-R", pt)
    assert timezone.localtime(grant.valid_until) == timezone.make_aware(
        dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min)
    )
    assert permissions.can_view(fresh(guest), case) and not permissions.can_view_identity(fresh(guest), case)
    response = client.post(reverse("access:explicit_grant_end", kwargs={"pk": grant.pk}))
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == pt and grant.revoked_at is not None
    assert not Case.objects.visible_to(fresh(guest)).filter(pk=case.pk).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": ""}, "reason", "Dit veld is verplicht."),
        ({"until": ""}, "until", "Dit veld is verplicht."),
        ({"until": "9999-12-31"}, "until", "Geef een datum tussen 01-01-1900 en"),
        ({"until": "1899-12-31"}, "until", "Geef een datum tussen 01-01-1900 en"),
        ({"until": "2020-01-01"}, "until", "De laatste dag ligt tussen vandaag en vijf jaar vanaf nu."),
    ],
)
def test_explicit_grant_needs_a_reason_and_a_sensible_end_date(client, pt, data, field, message):
    case, guest = CaseFactory(active=True), DirectorFactory().user
    client.force_login(pt)
    full = {
        "user": guest.pk,
        "reason": "Bespreking",
        "until": (timezone.localdate() + dt.timedelta(days=5)).isoformat(),
    }
    response = _give(client, case, **{**full, **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not CaseAccessGrant.objects.filter(case=case, user=guest).exists()


def test_privacy_officer_and_director_cannot_give_or_end_grants(client, pt):
    case = CaseFactory(active=True)
    grant = permissions.explicit_grant_give(
        case=case, user=DirectorFactory().user, reason="r", until=timezone.localdate(), by=pt
    )
    for user in (UserFactory(role="privacy_officer"), case.director.user):
        client.force_login(user)
        until = timezone.localdate().isoformat()
        assert _give(client, case, user=user.pk, reason="r", until=until).status_code == 404
        assert client.post(reverse("access:explicit_grant_end", kwargs={"pk": grant.pk})).status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


# --- a director invited to a meeting ---------------------------------------------------------


def test_invited_director_reads_agenda_cases_until_the_minutes_are_adopted(pt):
    invited, not_invited = DirectorFactory().user, DirectorFactory().user
    open_case, closed_case, other = CaseFactory(active=True), CaseFactory(active=True), CaseFactory(active=True)
    body = MeetingBody.objects.get(kind=MeetingBody.Kind.ITAT_R)
    meeting = meeting_services.meeting_create(body=body, date=dt.date(2026, 3, 9), by=pt)
    later = meeting_services.meeting_create(body=body, date=dt.date(2026, 4, 6), by=pt)
    meeting_services.agenda_item_add(meeting=meeting, title="", by=pt, case=open_case)
    assert not Case.objects.visible_to(fresh(invited)).filter(pk=open_case.pk).exists()
    meeting_services.invitation_save(meeting=meeting, by=pt, user=invited)
    # Items added after the invitation count too; a closed-part item only when admitted to it.
    meeting_services.agenda_item_add(meeting=meeting, title="", by=pt, case=closed_case, is_closed_part=True)
    assert set(Case.objects.visible_to(fresh(invited)).filter(pk__in=[open_case.pk, closed_case.pk, other.pk])) == {
        open_case
    }
    assert permissions.can_view(fresh(invited), open_case)
    assert not permissions.can_change(fresh(invited), open_case)
    assert not permissions.can_view_identity(fresh(invited), open_case)
    assert not Case.objects.visible_to(fresh(not_invited)).filter(pk=open_case.pk).exists()
    meeting_services.invitation_save(meeting=meeting, by=pt, user=invited, admitted_to_closed_part=True)
    assert permissions.can_view(fresh(invited), closed_case)
    grant = CaseAccessGrant.objects.get(user=invited, case=open_case)
    assert (grant.kind, grant.source) == ("meeting", f"meeting:{meeting.pk}")
    meeting_services.minutes_circulate(minutes=meeting.minutes, by=pt)
    assert permissions.can_view(fresh(invited), open_case)
    meeting_services.minutes_adopt(minutes=meeting.minutes, at_meeting=later, by=pt)
    assert not Case.objects.visible_to(fresh(invited)).filter(pk__in=[open_case.pk, closed_case.pk]).exists()
    assert not permissions.can_view(fresh(invited), open_case)


def test_an_invited_non_director_gets_no_case_grant(pt):
    case = CaseFactory(active=True)
    member = UserFactory(role="pto_r_member")
    meeting = meeting_services.meeting_create(
        body=MeetingBody.objects.get(kind=MeetingBody.Kind.PTO_R), date=dt.date(2026, 3, 9), by=pt
    )
    meeting_services.invitation_save(meeting=meeting, by=pt, user=member)
    meeting_services.agenda_item_add(meeting=meeting, title="", by=pt, case=case)
    assert not CaseAccessGrant.objects.filter(user=member).exists()
    assert not permissions.can_view(fresh(member), case)
