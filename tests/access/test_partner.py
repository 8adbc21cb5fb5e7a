"""The covenant registration and the intervention partner's need-to-know view (docs/access.md, the partner grant)."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.access import services as access_services
from cases.models import Case, CaseAccessGrant, PartnerRegistration
from ipgar.models import AccessLogEntry, Organisation
from tests.access.factories import InterventionPartnerFactory, register_partner
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    PlanGoalFactory,
    ProgrammeUserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    """A case with everything a partner must not see, and one registration naming one intervention."""
    case = CaseFactory(active=True, information_picture="Geheim informatiebeeld XQZ")
    case.identity.first_name = "Noor"
    case.identity.last_name = "Verborgen-Achternaam"
    case.identity.bsn = "123456782"
    case.identity.date_of_birth = dt.date(2001, 7, 19)
    case.identity.address = "Geheimestraat 99"
    case.identity.postcode = "1055 ZZ"
    case.identity.city = "Geheimstad"
    case.identity.save()
    case.director.user.email = "regisseur@example.amsterdam.nl"
    case.director.user.phone = "06 1234 5678"
    case.director.user.save()
    mine = InterventionFactory(case=case, goal="Mijn doel: naar school")
    other_partner = InterventionFactory(case=case, goal="Doel van een andere partner")
    ContactFactory(case=case, note="Gespreksnotitie vertrouwelijk")
    PlanGoalFactory(case=case, goal="Plandoel vertrouwelijk")
    case.report_summary = "Meldingstekst vertrouwelijk"
    case._change_reason = "Historie-reden vertrouwelijk"
    case.save()
    registration = register_partner(case=case, interventions=[mine])
    return {"case": case, "person": registration.person, "registration": registration, "other": other_partner}


FORBIDDEN = [
    "Verborgen-Achternaam",
    "123456782",
    "19-07-2001",
    "2001-07-19",
    "19 juli 2001",
    "19 jul. 2001",
    "Geheimestraat",
    "1055 ZZ",
    "Geheimstad",
    "Geheim informatiebeeld XQZ",
    "Doel van een andere partner",
    "Gespreksnotitie vertrouwelijk",
    "Plandoel vertrouwelijk",
    "Meldingstekst vertrouwelijk",
    "Historie-reden vertrouwelijk",
]


def test_need_to_know_view_shows_only_its_fields(client, registered):
    case = registered["case"]
    client.force_login(registered["person"])
    response = client.get(reverse("access:partner_detail", kwargs={"case_id": case.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    for shown in [
        case.code,
        "Noor",
        case.area.name,
        "Mijn doel: naar school",
        "regisseur@example.amsterdam.nl",
        "06 1234 5678",
        case.director.user.last_name,
    ]:
        assert shown in html, shown
    for hidden in FORBIDDEN:
        assert hidden not in html, hidden
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(path=response.wsgi_request.path)
    assert (entry.record_id, entry.record_label, entry.section, entry.outcome) == (
        str(case.pk),
        case.code,
        "need_to_know",
        "allowed",
    )


def test_partner_list_shows_registered_cases_only(client, registered):
    unregistered = CaseFactory(active=True)
    client.force_login(registered["person"])
    html = client.get(reverse("access:partner_list")).content.decode()
    assert registered["case"].code in html
    assert unregistered.code not in html
    for hidden in FORBIDDEN:
        assert hidden not in html, hidden


@pytest.mark.parametrize("rows", [1, 15])
def test_partner_list_runs_constant_queries(client, django_assert_num_queries, rows):
    person = InterventionPartnerFactory()
    by = ProgrammeUserFactory()
    for case in CaseFactory.create_batch(rows, active=True):
        register_partner(case=case, person=person, by=by)
    client.force_login(person)
    # session (read, save), user, roles, the list, log entry (organisation, insert), nav, messages
    with django_assert_num_queries(9):
        response = client.get(reverse("access:partner_list"))
    assert len(re.findall(r'href="/access/partner/\d+/"', response.content.decode())) == rows


def test_unregistered_case_is_404_and_the_denial_is_logged(client, registered):
    other = CaseFactory(active=True)
    client.force_login(registered["person"])
    response = client.get(reverse("access:partner_detail", kwargs={"case_id": other.pk}))
    assert response.status_code == 404
    assert AccessLogEntry.objects.filter(
        username=registered["person"].username, record_id=str(other.pk), outcome="denied"
    ).exists()
    # A case that does not exist looks exactly the same.
    assert client.get(reverse("access:partner_detail", kwargs={"case_id": 999_999})).status_code == 404


def test_the_case_director_does_not_get_the_partner_view(client, registered):
    client.force_login(registered["case"].director.user)
    assert client.get(reverse("access:partner_detail", kwargs={"case_id": registered["case"].pk})).status_code == 404
    assert client.get(reverse("access:partner_list")).status_code == 404


def test_ending_the_registration_revokes_access(client, registered):
    case, person = registered["case"], registered["person"]
    client.force_login(case.director.user)
    response = client.post(reverse("access:registration_end", kwargs={"pk": registered["registration"].pk}))
    assert response.status_code == 302
    registration = PartnerRegistration.objects.get(pk=registered["registration"].pk)
    assert registration.revoked_at is not None and registration.revoked_by == case.director.user
    assert not CaseAccessGrant.objects.active().filter(user=person, case=case).exists()
    client.force_login(person)
    assert client.get(reverse("access:partner_detail", kwargs={"case_id": case.pk})).status_code == 404
    # Ending twice changes nothing.
    again = access_services.partner_registration_end(registration=registration, by=ProgrammeUserFactory())
    assert again.revoked_at == registration.revoked_at


def test_registration_expires_at_its_end(client, registered):
    import time_machine

    case = registered["case"]
    registration = register_partner(case=CaseFactory(active=True), valid_until=timezone.now() + dt.timedelta(days=10))
    client.force_login(registration.person)
    url = reverse("access:partner_detail", kwargs={"case_id": registration.case_id})
    assert client.get(url).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=10, seconds=1)):
        client.force_login(registration.person)  # the idle timeout ended the old session
        assert client.get(url).status_code == 404
    assert case.pk != registration.case_id


def test_programme_team_registers_a_partner_through_the_form(client):
    case = CaseFactory(active=True)
    intervention = InterventionFactory(case=case)
    person = InterventionPartnerFactory()
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    url = reverse("access:registration_create", kwargs={"case_id": case.pk})
    assert client.get(url).status_code == 200
    today = timezone.localdate()
    response = client.post(
        url,
        {
            "organisation": Organisation.objects.get(code="stadsdeel-west").pk,
            "person": person.pk,
            "purpose": "Jongerenwerk",
            "interventions": [intervention.pk],
            "valid_from": today.isoformat(),
            "valid_until": (today + dt.timedelta(days=90)).isoformat(),
        },
    )
    assert response.status_code == 302
    registration = PartnerRegistration.objects.get(case=case)
    assert (registration.person, registration.registered_by, list(registration.interventions.all())) == (
        person,
        pt,
        [intervention],
    )
    assert timezone.localtime(registration.valid_until).date() == today + dt.timedelta(days=91)
    assert Case.objects.registered_for_partner(person).filter(pk=case.pk).exists()
    listing = client.get(reverse("access:registration_list", kwargs={"case_id": case.pk}))
    assert "Jongerenwerk" in listing.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": ""}, "purpose"),
        ({"valid_until": "2020-01-01"}, "valid_until"),
        ({"valid_from": "not a date"}, "valid_from"),
        ({"person": "999999"}, "person"),
    ],
)
def test_bad_registration_input_gives_form_errors(client, change, field):
    case = CaseFactory(active=True)
    client.force_login(case.director.user)
    data = {
        "organisation": Organisation.objects.get(code="stadsdeel-west").pk,
        "person": InterventionPartnerFactory().pk,
        "purpose": "Jongerenwerk",
        "valid_from": timezone.localdate().isoformat(),
        **change,
    }
    response = client.post(reverse("access:registration_create", kwargs={"case_id": case.pk}), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not PartnerRegistration.objects.filter(case=case).exists()


def test_service_refuses_people_outside_the_role_foreign_interventions_and_overlaps():
    case = CaseFactory(active=True)
    by = ProgrammeUserFactory()
    with pytest.raises(ValidationError) as error:
        register_partner(case=case, person=DirectorFactory().user, by=by)
    assert "person" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        register_partner(case=case, by=by, interventions=[InterventionFactory()])
    assert "interventions" in error.value.message_dict
    first = register_partner(case=case, by=by)
    with pytest.raises(ValidationError) as error:
        register_partner(case=case, person=first.person, by=by)
    assert "person" in error.value.message_dict
    closed = CaseFactory(closed=True)
    with pytest.raises(ValidationError):
        register_partner(case=closed, by=by)


def test_only_programme_team_and_the_cases_director_may_register_or_end(client, registered):
    case = registered["case"]
    stranger = DirectorFactory().user
    with pytest.raises(PermissionDenied):
        register_partner(case=case, by=stranger)
    with pytest.raises(PermissionDenied):
        access_services.partner_registration_end(registration=registered["registration"], by=stranger)
    client.force_login(stranger)
    for response in [
        client.get(reverse("access:registration_list", kwargs={"case_id": case.pk})),
        client.get(reverse("access:registration_create", kwargs={"case_id": case.pk})),
        client.post(reverse("access:registration_end", kwargs={"pk": registered["registration"].pk})),
    ]:
        assert response.status_code == 404
    assert AccessLogEntry.objects.filter(username=stranger.username, outcome="denied").count() == 3
    assert PartnerRegistration.objects.get(pk=registered["registration"].pk).revoked_at is None


def _close(case):
    from cases.models import OutflowReason
    from cases.services import case_apply_decision
    from meetings.models import Decision
    from tests.cases.factories import DecisionFactory

    case.status = Case.Status.AFTERCARE
    case.save()
    decision = DecisionFactory(case=case, kind=Decision.Kind.CLOSE, outflow_reason=OutflowReason.objects.first())
    return case_apply_decision(decision=decision, by=ProgrammeUserFactory())


def test_outflow_ends_the_partner_registrations_and_the_view(client, registered):
    # A penetration test found that sd-west still read /access/partner/30/ after R-2022-003 was closed.
    case, person = registered["case"], registered["person"]
    client.force_login(person)
    assert client.get(reverse("access:partner_detail", kwargs={"case_id": case.pk})).status_code == 200
    _close(case)
    registration = PartnerRegistration.objects.get(pk=registered["registration"].pk)
    assert registration.revoked_at is not None
    assert not CaseAccessGrant.objects.active().filter(case=case, user=person).exists()
    assert client.get(reverse("access:partner_detail", kwargs={"case_id": case.pk})).status_code == 404
    assert case.code not in client.get(reverse("access:partner_list")).content.decode()


def test_a_registration_left_running_shows_nothing_once_the_case_is_closed(client, registered):
    case, person = registered["case"], registered["person"]
    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    assert PartnerRegistration.objects.active().filter(case=case, person=person).exists()
    assert not Case.objects.registered_for_partner(person).filter(pk=case.pk).exists()
    client.force_login(person)
    assert client.get(reverse("access:partner_detail", kwargs={"case_id": case.pk})).status_code == 404


# --- reporting back, situation flags, no meetings ---------------------------------------------


def test_need_to_know_field_list_is_explicit():
    import dataclasses

    from cases.access.selectors import NeedToKnowCase, NeedToKnowIntervention

    assert [f.name for f in dataclasses.fields(NeedToKnowCase)] == [
        "pk",
        "code",
        "first_name",
        "area",
        "director_name",
        "director_organisation",
        "director_email",
        "director_phone",
        "registered_until",
        "purpose",
        "interventions",
        "is_abroad",
        "is_detained",
    ]
    assert [f.name for f in dataclasses.fields(NeedToKnowIntervention)] == [
        "pk",
        "type",
        "goal",
        "status",
        "started_on",
        "ended_on",
    ]


def test_partner_sees_the_situation_flags(client, registered):
    case = registered["case"]
    case.is_abroad = True
    case.save()
    client.force_login(registered["person"])
    html = client.get(reverse("access:partner_detail", kwargs={"case_id": case.pk})).content.decode()
    assert "buitenland (uitgereisd)" in html


@pytest.mark.parametrize(
    ("what", "note", "kind"),
    [("note", "Gaat goed op school.", "other"), ("contact", "Gesproken in het buurthuis.", "face_to_face")],
)
def test_partner_reports_progress_or_a_contact_on_her_own_intervention(client, registered, what, note, kind):
    from cases.models import Contact

    case, mine = registered["case"], registered["registration"].interventions.get()
    client.force_login(registered["person"])
    url = reverse("access:partner_progress", kwargs={"case_id": case.pk})
    today = timezone.localdate().isoformat()
    response = client.post(url, {"intervention": mine.pk, "what": what, "on": today, "note": note}, follow=True)
    assert response.status_code == 200
    contact = Contact.objects.get(case=case, by=registered["person"])
    assert contact.kind == kind and note in contact.note and str(mine.type) in contact.note
    assert f"uw bericht over {case.code} is doorgegeven aan de casusregisseur" in response.content.decode()


def test_partner_marks_her_intervention_finished(client, registered):
    from cases.models import Intervention

    case, mine = registered["case"], registered["registration"].interventions.get()
    client.force_login(registered["person"])
    url = reverse("access:partner_progress", kwargs={"case_id": case.pk})
    today = timezone.localdate()
    client.post(url, {"intervention": mine.pk, "what": "finished", "on": today.isoformat(), "note": ""})
    mine.refresh_from_db()
    assert (mine.status, mine.ended_on) == (Intervention.Status.COMPLETED, today)


def test_partner_cannot_report_on_another_partners_intervention(client, registered):
    from cases.models import Contact

    case, other = registered["case"], registered["other"]
    client.force_login(registered["person"])
    url = reverse("access:partner_progress", kwargs={"case_id": case.pk})
    today = timezone.localdate().isoformat()
    response = client.post(url, {"intervention": other.pk, "what": "note", "on": today, "note": "x"})
    assert response.status_code == 200  # not one of her choices: a form error
    assert not Contact.objects.filter(case=case, by=registered["person"]).exists()
    with pytest.raises(PermissionDenied):
        from cases.access.services import partner_progress_record

        partner_progress_record(
            user=registered["person"],
            case_id=case.pk,
            intervention_id=other.pk,
            what="note",
            on=timezone.localdate(),
            note="x",
        )


def test_meetings_are_not_in_the_partners_navigation_and_answer_404(client, registered):
    client.force_login(registered["person"])
    html = client.get("/").content.decode()
    assert reverse("meetings:list") not in html
    assert client.get(reverse("meetings:list")).status_code == 404
