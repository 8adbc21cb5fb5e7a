"""Data-subject access (AVG art. 15): one person's cases as PDF/UA and JSON, logged as export."""

import datetime as dt
import io
import json

import pikepdf
import pytest
from django.urls import reverse
from django.utils import translation

from ipgar import roles
from ipgar.models import AccessLogEntry
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    InterventionFactory,
    ProgrammeUserFactory,
)
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db

BSN = "111222333"


@pytest.fixture
def person_cases():
    """Two cases of one person (years apart), and a stranger's case with the same last name."""
    first = CaseFactory(closed=True, code="R-2020-001")
    second = CaseFactory(active=True, code="R-2025-007")
    for case in (first, second):
        case.identity.first_name, case.identity.last_name = "Amira", "Testdata"
        case.identity.bsn, case.identity.date_of_birth = BSN, dt.date(1999, 4, 3)
        case.identity.save()
    stranger = CaseFactory(active=True, code="R-2025-099")
    stranger.identity.last_name, stranger.identity.date_of_birth = "Testdata", dt.date(1980, 1, 1)
    stranger.identity.save()
    ContactFactory(case=second, note="Huisbezoek afgelegd")
    InterventionFactory(case=second, goal="Terugkeer naar opleiding")
    return first, second, stranger


def _post(client, **data):
    return client.post(reverse("access:subject_access"), data)


def test_search_by_bsn_or_name_and_date_of_birth(client, person_cases):
    first, second, stranger = person_cases
    client.force_login(ProgrammeUserFactory())
    for criteria in ({"bsn": BSN}, {"last_name": "testdata", "date_of_birth": "1999-04-03"}):
        response = _post(client, **criteria)
        assert response.status_code == 200
        assert [c.code for c in response.context["cases"]] == [first.code, second.code]
        assert stranger.code not in response.content.decode()
    assert response.wsgi_request.path == "/access/subject-access/"  # criteria never in the URL


@pytest.mark.parametrize(
    "data", [{}, {"bsn": "12"}, {"last_name": "Testdata"}, {"date_of_birth": "1999-04-03"}, {"bsn": "abcdefghi"}]
)
def test_incomplete_criteria_are_a_form_error(client, data):
    client.force_login(ProgrammeUserFactory())
    response = _post(client, **data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["cases"] is None


def test_json_export_holds_everything_and_is_logged(client, person_cases):
    first, second, stranger = person_cases
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    response = _post(client, bsn=BSN, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert BSN not in response["Content-Disposition"] and "Testdata" not in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [c["code"] for c in data["cases"]] == [first.code, second.code]
    latest = data["cases"][1]
    assert latest["identity"]["bsn"] == BSN
    assert latest["contacts"][0]["note"] == "Huisbezoek afgelegd"
    assert latest["interventions"][0]["goal"] == "Terugkeer naar opleiding"
    assert latest["history"], "the change history is part of the export"
    assert latest["access_given_to"][0]["kind"]
    assert stranger.code not in response.content.decode()
    logged = AccessLogEntry.objects.filter(user=pt, action="export", section="subject_access")
    assert sorted(logged.values_list("record_label", flat=True)) == [first.code, second.code]


def test_pdf_export_is_tagged_pdf_ua(client, person_cases):
    client.force_login(ProgrammeUserFactory())
    response = _post(client, bsn=BSN, format="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = pikepdf.open(io.BytesIO(response.content))
    root = pdf.Root
    assert "/StructTreeRoot" in root
    assert str(root.Lang) == "nl"
    assert bool(root.MarkInfo.Marked)
    with translation.override("nl"):
        title = translation.gettext("Data-subject access export (GDPR art. 15)")
    assert str(pdf.open_metadata().get("dc:title")) == title
    assert b"pdfuaid" in pdf.Root.Metadata.read_bytes()  # declares PDF/UA conformance
    assert AccessLogEntry.objects.filter(action="export", section="subject_access").count() == 2


@pytest.mark.parametrize("role", [r for r in roles.ROLES if r != roles.PROGRAMME_TEAM])
def test_only_the_programme_team_may_export(client, person_cases, role):
    user = UserFactory(role=role)
    client.force_login(user)
    assert client.get(reverse("access:subject_access")).status_code == 404
    response = _post(client, bsn=BSN, format="json")
    assert response.status_code == 404
    assert BSN not in response.content.decode()
    assert AccessLogEntry.objects.filter(user=user, outcome="denied", section="subject_access").count() == 2
