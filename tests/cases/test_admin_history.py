"""A penetration test's critical finding: the admin's history views bypassed need-to-know.

A staff user holding only the model permissions must not read, through the admin, any case
record outside `Case.objects.visible_to(user)` (404, denial logged); history forms are
read-only (a POST "revert" is refused); every allowed admin read of case data is logged;
the identity is not in the admin at all.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from cases.models import Case, CaseIdentity, Contact, Intervention, LifeDomainScore, PlanGoal
from ipgar.models import AccessLogEntry
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    LifeDomainScoreFactory,
    PlanGoalFactory,
    ProgrammeUserFactory,
)
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db

CASE_MODELS = [Case, Contact, Intervention, LifeDomainScore, PlanGoal]


def _with_model_permissions(user, *models):
    """Staff with the view and change permissions of the given models, nothing else."""
    user.is_staff = True
    user.save()
    for model in models:
        name = model._meta.model_name
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label=model._meta.app_label, codename__in=[f"view_{name}", f"change_{name}"]
            )
        )
    return user


@pytest.fixture
def other_case():
    """A case of another director, with a recognisable identity and one record of each kind."""
    case = CaseFactory(active=True, report_summary="Geheime meldingstekst van een ander")
    identity = case.identity
    identity.first_name, identity.last_name = "Geheime", "Persoonsnaam"
    identity.bsn, identity.address = "111222333", "Verborgenstraat 9"
    identity.save()
    return {
        Case: case,
        Contact: ContactFactory(case=case, note="Geheim contactverslag"),
        Intervention: InterventionFactory(case=case, goal="Geheim interventiedoel"),
        LifeDomainScore: LifeDomainScoreFactory(case=case, note="Geheime toelichting"),
        PlanGoal: PlanGoalFactory(case=case, goal="Geheim plandoel"),
    }


def _urls(model, obj):
    opts = model._meta
    pk = obj.pk
    history_id = model.history.filter(**{opts.pk.attname: pk}).latest("history_date").history_id
    base = f"/admin/{opts.app_label}/{opts.model_name}/{pk}"
    return {
        "history": f"{base}/history/",
        "history_form": f"{base}/history/{history_id}/",
        "change": f"{base}/change/",
    }


def test_the_identity_is_not_in_the_admin(client, other_case):
    assert CaseIdentity not in admin.site._registry
    identity = other_case[Case].identity
    user = _with_model_permissions(UserFactory(), CaseIdentity)
    client.force_login(user)
    history_id = CaseIdentity.history.filter(case_id=identity.pk).latest("history_date").history_id
    for url in (
        "/admin/cases/caseidentity/",
        f"/admin/cases/caseidentity/{identity.pk}/change/",
        f"/admin/cases/caseidentity/{identity.pk}/history/",
        f"/admin/cases/caseidentity/{identity.pk}/history/{history_id}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Persoonsnaam" not in response.content.decode()
        assert "111222333" not in response.content.decode()


def test_a_post_to_the_identity_history_overwrites_nothing(client, other_case):
    identity = other_case[Case].identity
    user = _with_model_permissions(UserFactory(), CaseIdentity)
    client.force_login(user)
    history_id = CaseIdentity.history.filter(case_id=identity.pk).latest("history_date").history_id
    response = client.post(
        f"/admin/cases/caseidentity/{identity.pk}/history/{history_id}/",
        {"case": identity.pk, "first_name": "Overschreven", "last_name": "Overschreven", "bsn": ""},
    )
    assert response.status_code == 404
    identity.refresh_from_db()
    assert identity.last_name == "Persoonsnaam"


@pytest.mark.parametrize("model", CASE_MODELS, ids=lambda m: m._meta.model_name)
def test_admin_views_of_an_invisible_case_answer_404_and_are_logged(client, other_case, model):
    user = _with_model_permissions(UserFactory(username="staff-only"), *CASE_MODELS)
    client.force_login(user)
    obj = other_case[model]
    for view, url in _urls(model, obj).items():
        response = client.get(url)
        assert response.status_code == 404, (view, url, response.status_code)
        body = response.content.decode()
        for secret in ("Geheim", "Persoonsnaam", "111222333"):
            assert secret not in body, (view, secret)
    denials = AccessLogEntry.objects.filter(username="staff-only", outcome=AccessLogEntry.Outcome.DENIED)
    assert denials.count() == 3
    assert set(denials.values_list("record_id", flat=True)) == {str(obj.pk)}
    assert set(denials.values_list("record_type", flat=True)) == {model._meta.label_lower}


@pytest.mark.parametrize("model", CASE_MODELS, ids=lambda m: m._meta.model_name)
def test_the_changelist_lists_only_visible_cases(client, other_case, model):
    director = DirectorFactory()
    own = CaseFactory(active=True, director=director)
    user = _with_model_permissions(director.user, *CASE_MODELS)
    client.force_login(user)
    response = client.get(f"/admin/cases/{model._meta.model_name}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert other_case[Case].code not in body
    if model is Case:
        assert own.code in body


@pytest.mark.parametrize("model", CASE_MODELS, ids=lambda m: m._meta.model_name)
def test_a_history_revert_is_refused_even_on_a_visible_case(client, other_case, model):
    user = _with_model_permissions(ProgrammeUserFactory(), *CASE_MODELS)
    client.force_login(user)
    obj = other_case[model]
    url = _urls(model, obj)["history_form"]
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    before = model.history.filter(**{model._meta.pk.attname: obj.pk}).count()
    response = client.post(url, {"report_summary": "teruggedraaid", "note": "teruggedraaid", "goal": "teruggedraaid"})
    assert response.status_code == 405
    assert model.history.filter(**{model._meta.pk.attname: obj.pk}).count() == before


def test_case_records_cannot_be_changed_through_the_admin(client, other_case):
    user = _with_model_permissions(ProgrammeUserFactory(), *CASE_MODELS)
    client.force_login(user)
    case = other_case[Case]
    response = client.post(f"/admin/cases/case/{case.pk}/change/", {"legal_hold": "on", "is_detained": "on"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert not case.legal_hold
    assert not case.is_detained


def test_admin_reads_of_case_data_are_logged(client, other_case):
    user = _with_model_permissions(ProgrammeUserFactory(username="pt-staff"), *CASE_MODELS)
    client.force_login(user)
    case = other_case[Case]
    contact = other_case[Contact]
    urls = _urls(Contact, contact)
    assert client.get("/admin/cases/contact/").status_code == 200
    for url in urls.values():
        assert client.get(url).status_code == 200
    rows = list(
        AccessLogEntry.objects.filter(username="pt-staff")
        .order_by("id")
        .values_list("record_type", "record_id", "record_label", "action", "outcome", "section")
    )
    assert rows == [
        ("cases.case", "list", "", "list", "allowed", "admin:contact"),
        ("cases.case", str(case.pk), case.code, "view", "allowed", "admin:contact:history"),
        ("cases.case", str(case.pk), case.code, "view", "allowed", "admin:contact:history"),
        ("cases.case", str(case.pk), case.code, "view", "allowed", "admin:contact"),
    ]


def test_admin_reads_read_as_sentences_in_the_access_log(client, other_case):
    from ipgar import access_labels

    user = _with_model_permissions(ProgrammeUserFactory(username="pt-zinnen"), *CASE_MODELS)
    client.force_login(user)
    case = other_case[Case]
    contact = other_case[Contact]
    client.get("/admin/cases/contact/")
    for url in _urls(Contact, contact).values():
        client.get(url)
    stranger = _with_model_permissions(UserFactory(username="geen-toegang"), *CASE_MODELS)
    client.force_login(stranger)
    client.get(f"/admin/cases/contact/{contact.pk}/history/")
    client.get(f"/admin/cases/case/{case.pk}/change/")
    entries = access_labels.annotate(
        AccessLogEntry.objects.filter(username__in=["pt-zinnen", "geen-toegang"]).order_by("id")
    )
    assert [entry.label for entry in entries] == [
        "Lijst van contacten in het beheer ingezien",
        f"Geschiedenis van contact van {case.code} in het beheer ingezien",
        f"Geschiedenis van contact van {case.code} in het beheer ingezien",
        f"Contact van {case.code} in het beheer ingezien",
        f"Geweigerd: geschiedenis van contact {contact.pk} in het beheer",
        f"Geweigerd: casus {case.code} in het beheer",
    ]
