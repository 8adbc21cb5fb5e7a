"""The administrator manages every reference list (docs/domain.md, "What a case holds"): add,
rename in Dutch and English, order, archive and restore; an entry in use is never deleted, and
saying so is not a 500."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import translation

from cases.models import Area, Ideology, InterventionType, LifeDomain, OutflowReason, ReportSource, RiskCategory
from ipgar import roles
from ipgar.models import Organisation
from tests.cases.factories import (
    CaseFactory,
    DirectorFactory,
    InterventionFactory,
    LifeDomainScoreFactory,
)
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(client):
    user = UserFactory(username="beheerder", role=roles.ADMINISTRATOR, is_staff=True)
    client.force_login(user)
    return user


def _in_use(model):
    """An entry of `model` that a case record refers to, and the code of that case."""
    if model is LifeDomain:
        score = LifeDomainScoreFactory()
        return score.domain, score.case.code
    if model is InterventionType:
        intervention = InterventionFactory()
        return intervention.type, intervention.case.code
    if model is OutflowReason:
        case = CaseFactory(closed=True)
        return case.outflow_reason, case.code
    if model is Organisation:
        intervention = InterventionFactory()
        return intervention.partner, intervention.case.code
    case = CaseFactory()
    field = {RiskCategory: "risk_category", Ideology: "ideology", ReportSource: "report_source", Area: "area"}[model]
    return getattr(case, field), case.code


MODELS = [RiskCategory, Ideology, LifeDomain, ReportSource, OutflowReason, Area, InterventionType, Organisation]


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_deleting_an_entry_in_use_is_refused_with_a_message(client, administrator, model):
    entry, case_code = _in_use(model)
    url = _url(model, "delete", entry.pk)
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "is in gebruik" in body
    assert "archiveer" in body
    assert case_code not in body  # counts, never the records themselves
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200
    entry.refresh_from_db()
    assert not entry.archived


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_bulk_delete_refuses_when_one_entry_is_in_use(client, administrator, model):
    entry, _code = _in_use(model)
    unused = model.objects.create(code="ongebruikt", name="Ongebruikt")
    response = client.post(
        _url(model, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [entry.pk, unused.pk], "post": "yes"},
    )
    assert response.status_code == 200
    assert "is in gebruik" in response.content.decode()
    assert model.objects.filter(pk__in=[entry.pk, unused.pk]).count() == 2


def test_an_area_a_director_is_restricted_to_is_in_use(client, administrator):
    area = Area.objects.create(code="aalsmeer-test", name="Aalsmeer (test)", region=Area.Region.AMSTELLAND)
    DirectorFactory(areas=[area])
    assert client.post(_url(Area, "delete", area.pk), {"post": "yes"}).status_code == 200
    assert Area.objects.filter(pk=area.pk).exists()


def test_an_unused_entry_can_be_deleted(client, administrator):
    unused = Ideology.objects.create(code="ongebruikt", name="Ongebruikt")
    response = client.post(_url(Ideology, "delete", unused.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Ideology.objects.filter(pk=unused.pk).exists()


def test_add_rename_in_both_languages_and_order(client, administrator):
    response = client.post(
        _url(RiskCategory, "add"),
        {"name": "Eenlingen online", "name_en": "Online lone actors", "code": "online", "order": "7"},
    )
    assert response.status_code == 302
    entry = RiskCategory.objects.get(code="online")
    assert (entry.name, entry.name_en, entry.order) == ("Eenlingen online", "Online lone actors", 7)
    response = client.post(
        _url(RiskCategory, "change", entry.pk),
        {"name": "Online eenlingen", "name_en": "Lone actors online", "code": "online", "order": "1"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.name, entry.name_en, entry.order) == ("Online eenlingen", "Lone actors online", 1)
    with translation.override("en"):
        assert str(entry) == "Lone actors online"
    assert str(entry) == "Online eenlingen"


def test_order_is_edited_in_the_list(client, administrator):
    first = Ideology.objects.order_by("order", "name").first()
    rows = list(Ideology.objects.order_by("order", "name"))
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(len(rows)),
        "_save": "Opslaan",
    }
    for index, row in enumerate(rows):
        data[f"form-{index}-id"] = str(row.pk)
        data[f"form-{index}-order"] = str(row.order)
    data["form-0-order"] = "99"
    response = client.post(_url(Ideology, "changelist"), data)
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.order == 99
    assert list(Ideology.objects.all())[-1] == first


def test_archive_and_restore(client, administrator):
    entry, _code = _in_use(ReportSource)
    changelist = _url(ReportSource, "changelist")
    client.post(changelist, {"action": "archive", ACTION_CHECKBOX_NAME: [entry.pk]})
    entry.refresh_from_db()
    assert entry.archived
    assert entry not in ReportSource.objects.in_use()
    client.post(changelist, {"action": "restore", ACTION_CHECKBOX_NAME: [entry.pk]})
    entry.refresh_from_db()
    assert not entry.archived
