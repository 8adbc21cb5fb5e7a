"""Case pages: access (404 + log), bad input as form errors, optimistic locking, history, query counts."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Case, Contact, InterventionType
from ipgar.models import AccessLogEntry
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    LifeDomainScoreFactory,
    ProgrammeUserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def case():
    return CaseFactory(active=True)


@pytest.fixture
def director_client(client, case):
    client.force_login(case.director.user)
    return client


def _url(name, case, **kwargs):
    return reverse(f"cases:{name}", kwargs={"pk": case.pk, **kwargs})


# --- access ----------------------------------------------------------------------------------


def test_director_gets_404_on_another_directors_case_and_the_denial_is_logged(client):
    mine, theirs = CaseFactory(active=True), CaseFactory(active=True)
    client.force_login(mine.director.user)
    for name in ("detail", "history", "edit", "contact_new", "identity"):
        assert client.get(_url(name, theirs)).status_code == 404
    denied = AccessLogEntry.objects.filter(record_id=str(theirs.pk), outcome="denied")
    assert denied.count() == 5
    assert client.get(_url("detail", mine)).status_code == 200


def test_detail_writes_one_row_and_shows_the_identity_only_on_request(director_client, case):
    response = director_client.get(_url("detail", case))
    assert response.status_code == 200
    html = response.content.decode()
    assert case.identity.last_name not in html and case.identity.bsn not in html
    assert "?identity=show" in html
    rows = AccessLogEntry.objects.filter(record_id=str(case.pk), outcome="allowed")
    assert list(rows.values_list("section", flat=True)) == [""]

    response = director_client.get(_url("detail", case), {"identity": "show"})
    html = response.content.decode()
    assert case.identity.last_name in html and case.identity.bsn in html
    # One click, one row: the identity read stands for the page read.
    assert list(rows.order_by("id").values_list("section", flat=True)) == ["", "identity"]


def test_programme_team_sees_all_cases_in_the_list_and_a_director_only_theirs(client):
    mine, theirs = CaseFactory(active=True), CaseFactory(active=True)
    client.force_login(ProgrammeUserFactory())
    content = client.get(reverse("cases:list")).content.decode()
    assert mine.code in content and theirs.code in content
    client.force_login(mine.director.user)
    content = client.get(reverse("cases:list")).content.decode()
    assert mine.code in content and theirs.code not in content


def test_list_filters_and_code_search(client):
    jihadist = CaseFactory(active=True)
    other = CaseFactory(assessment=True, ideology=None)
    client.force_login(ProgrammeUserFactory())
    content = client.get(reverse("cases:list"), {"q": jihadist.code[-3:], "status": "active"}).content.decode()
    assert jihadist.code in content and other.code not in content
    page = client.get(reverse("cases:list"), {"director": jihadist.director.pk}).context["page"]
    assert [c.code for c in page] == [jihadist.code]
    page = client.get(reverse("cases:list"), {"ideology": jihadist.ideology.pk, "status": "assessment"}).context["page"]
    assert list(page) == []


def test_pto_r_transitions_are_not_buttons(client):
    case = CaseFactory(advised=True)
    client.force_login(ProgrammeUserFactory())
    content = client.get(_url("detail", case)).content.decode()
    assert "PTO-R" in content
    response = client.get(_url("status", case))
    # The status page offers no PTO-R-only target.
    assert 'value="active"' not in response.content.decode()
    assert client.post(_url("status", case), {"to": "active", "reason": "x"}).status_code == 200
    case.refresh_from_db()
    assert case.status == Case.Status.ADVISED


def test_programme_team_registers_a_report_and_moves_it_to_assessment(client):
    client.force_login(ProgrammeUserFactory())
    response = client.post(
        reverse("cases:new"),
        {
            "reported_on": "2026-01-05",
            "report_source": 1,
            "area": 1,
            "report_summary": "Melding",
            "first_name": "Jan",
            "last_name": "Voorbeeld",
            "bsn": "111222333",
        },
    )
    case = Case.objects.get(code="R-2026-001")
    assert response.status_code == 302
    assert case.identity.last_name == "Voorbeeld"
    client.post(_url("status", case), {"to": "assessment", "reason": "Duiding"})
    case.refresh_from_db()
    assert case.status == Case.Status.ASSESSMENT


def test_a_director_cannot_register(director_client):
    assert director_client.get(reverse("cases:new")).status_code == 404


# --- bad input: form errors, status 200 --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [
        ("contact_new", {"date": "2099-01-01", "kind": "phone"}, "date"),
        ("score_new", {"domain": 1, "score": 6, "scored_on": "2026-01-01"}, "score"),
        ("score_new", {"domain": 1, "score": 0, "scored_on": "2026-01-01"}, "score"),
        ("score_new", {"domain": 1, "score": 3, "scored_on": "2099-01-01"}, "scored_on"),
        ("identity", {"bsn": "123456789"}, "bsn"),
        ("identity", {"date_of_birth": "2099-01-01"}, "date_of_birth"),
    ],
)
def test_bad_input_is_a_form_error(director_client, case, name, data, field):
    response = director_client.post(_url(name, case), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_intervention_end_before_start_and_archived_type_are_form_errors(director_client, case):
    archived = InterventionType.objects.get(code="mentor")
    archived.archived = True
    archived.save()
    base = {"partner": archived.default_partner.pk, "goal": "Doel", "status": "completed"}
    response = director_client.post(
        _url("intervention_new", case),
        {
            **base,
            "type": InterventionType.objects.get(code="schulden").pk,
            "started_on": "2026-03-01",
            "ended_on": "2026-02-01",
        },
    )
    assert response.status_code == 200 and "ended_on" in response.context["form"].errors
    response = director_client.post(
        _url("intervention_new", case),
        {**base, "type": archived.pk, "started_on": "2026-01-01", "ended_on": "2026-02-01"},
    )
    assert response.status_code == 200 and "type" in response.context["form"].errors
    assert not case.interventions.exists()


def test_an_old_intervention_keeps_its_archived_type_when_edited(director_client, case):
    intervention = InterventionFactory(case=case)
    intervention.type.archived = True
    intervention.type.save()
    response = director_client.post(
        _url("intervention_edit", case, intervention_pk=intervention.pk),
        {
            "type": intervention.type.pk,
            "partner": intervention.partner.pk,
            "goal": intervention.goal,
            "started_on": intervention.started_on.isoformat(),
            "ended_on": TODAY().isoformat(),
            "status": "completed",
            "outcome": "Klaar",
        },
    )
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == "completed"


def test_bsn_eleven_test():
    assert services.bsn_is_valid("111222333")
    assert not services.bsn_is_valid("111222334")
    assert not services.bsn_is_valid("12345678")


# --- optimistic locking ----------------------------------------------------------------------


def test_two_forms_from_the_same_version_second_is_refused_and_both_are_shown(client, case):
    other_user = ProgrammeUserFactory()
    form = {
        "version": case.version,
        "reported_on": case.reported_on.isoformat(),
        "report_source": case.report_source_id,
        "area": case.area_id,
        "report_summary": "Versie van de regisseur",
    }
    client.force_login(case.director.user)
    assert client.post(_url("edit", case), form).status_code == 302
    client.force_login(other_user)
    response = client.post(_url("edit", case), {**form, "report_summary": "Versie van het programmateam"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Versie van de regisseur" in content and "Versie van het programmateam" in content
    case.refresh_from_db()
    assert case.report_summary == "Versie van de regisseur"
    # The refused form now carries the stored version, so a deliberate resubmit goes through.
    assert response.context["form"].data["version"] == case.version


def test_information_picture_conflict_keeps_both(director_client, case):
    version = case.version
    services.information_picture_update(case=case, by=case.director.user, version=version, text="Eerste beeld")
    response = director_client.post(_url("information_picture", case), {"version": version, "text": "Tweede beeld"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Eerste beeld" in content and "Tweede beeld" in content
    case.refresh_from_db()
    assert case.information_picture == "Eerste beeld"


# --- history ---------------------------------------------------------------------------------


def test_history_shows_readable_diffs_with_who_and_identity_only_for_who_may(client, case):
    director = case.director.user
    services.case_update(case=case, by=director, version=case.version, is_detained=True, reason="Aangehouden")
    services.identity_update(case=case, by=director, city="Diemen")
    client.force_login(director)
    content = client.get(_url("history", case)).content.decode()
    assert "Aangehouden" in content and director.get_full_name() in content
    # The identity's changes on request (one click), like the case page's identity.
    assert "Diemen" not in content and 'href="?identity=show"' in content
    assert "Diemen" in client.get(_url("history", case), {"identity": "show"}).content.decode()
    # An explicit (view-only) grant sees the case history but not the identity's.
    from cases import permissions

    viewer = DirectorFactory().user
    permissions.grant_case_access(user=viewer, case=case, kind="explicit", reason="agenda", by=director)
    client.force_login(viewer)
    response = client.get(_url("history", case), {"identity": "show"})
    assert response.status_code == 200
    assert "Aangehouden" in response.content.decode() and "Diemen" not in response.content.decode()
    assert 'href="?identity=show"' not in response.content.decode()


def test_history_writes_one_log_row_per_view(client, case):
    """One row per view: "history of R-..." or, when asked for, "identity history of R-...".

    docs/access.md, "What is logged".
    """
    director = case.director.user
    services.identity_update(case=case, by=director, city="Diemen")
    client.force_login(director)
    rows = AccessLogEntry.objects.filter(record_id=str(case.pk), outcome="allowed").order_by("id")
    assert client.get(_url("history", case)).status_code == 200
    assert list(rows.values_list("section", flat=True)) == ["history"]
    assert client.get(_url("history", case), {"identity": "show"}).status_code == 200
    assert list(rows.values_list("section", flat=True)) == ["history", "identity_history"]
    # Who may not see the identity asks for it in vain: still one row, the plain history.
    from cases import permissions

    viewer = DirectorFactory().user
    permissions.grant_case_access(user=viewer, case=case, kind="explicit", reason="agenda", by=director)
    client.force_login(viewer)
    assert client.get(_url("history", case), {"identity": "show"}).status_code == 200
    assert list(rows.filter(user=viewer).values_list("section", flat=True)) == ["history"]


# --- query counts ----------------------------------------------------------------------------


def _load(director, n):
    for case in CaseFactory.create_batch(n, active=True, director=director):
        ContactFactory(case=case)
        InterventionFactory(case=case)
        LifeDomainScoreFactory(case=case)


@pytest.mark.parametrize("url_name", ["cases:list", "cases:caseload"])
def test_list_and_caseload_run_the_same_number_of_queries_at_1_and_30_cases(client, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (1, 30):
        director = DirectorFactory()
        _load(director, n)
        client.force_login(director.user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url_name))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_caseload_shows_substitute_cases_marked(client):
    from cases import permissions

    director = DirectorFactory()
    own = CaseFactory(active=True, director=director)
    held = CaseFactory(active=True)
    permissions.grant_case_access(
        user=director.user, case=held, kind="substitute", reason="vervanging", by=held.director.user
    )
    client.force_login(director.user)
    cases = {c.code: c for c in client.get(reverse("cases:caseload")).context["cases"]}
    assert set(cases) == {own.code, held.code}
    assert cases[held.code].via_substitute and not cases[own.code].via_substitute


def test_recording_a_contact_clears_the_no_contact_alert(director_client, case):
    ContactFactory(case=case, date=TODAY() - dt.timedelta(days=100))
    assert Case.objects.with_alerts().get(pk=case.pk).alert_no_contact
    response = director_client.post(_url("contact_new", case), {"date": TODAY().isoformat(), "kind": "phone"})
    assert response.status_code == 302
    assert Contact.objects.filter(case=case).count() == 2
    assert not Case.objects.with_alerts().get(pk=case.pk).alert_no_contact


def test_caseload_shows_the_latest_score_per_life_domain_in_domain_order(client):
    from cases.models import LifeDomain

    director = DirectorFactory()
    case = CaseFactory(active=True, director=director)
    housing = LifeDomain.objects.get(code="housing")
    LifeDomainScoreFactory(case=case, score=2, scored_on=TODAY() - dt.timedelta(days=60))
    LifeDomainScoreFactory(case=case, score=4, scored_on=TODAY() - dt.timedelta(days=5))  # income, newer
    LifeDomainScoreFactory(case=case, domain=housing, score=1)
    client.force_login(director.user)
    html = client.get(reverse("cases:caseload")).content.decode()
    assert '<li>Financiën: <span>4</span></li><li>Huisvesting: <span class="ipgar-score--acute">1</span></li>' in html
