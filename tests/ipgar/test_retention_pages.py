"""The privacy officer's legal holds, retention forecast and retention log (docs/retention.md)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import retention
from cases.models import Case, LegalHold
from ipgar import roles
from ipgar.models import AccessLogEntry
from tests.access.test_retention_complete import NAME, _closed, _person_file
from tests.cases.factories import CaseFactory, ProgrammeUserFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fg(client):
    user = UserFactory(username="fg-hold", first_name="Robert", last_name="de Graaf", role=roles.PRIVACY_OFFICER)
    client.force_login(user)
    return user


def _set(client, code, reason="Lopende klacht bij de Autoriteit Persoonsgegevens"):
    return client.post(reverse("ipgar:retention"), {"case_code": code, "reason": reason})


def test_privacy_officer_sets_a_hold_that_shows_on_the_case_stops_retention_and_is_logged(client, fg, settings):
    settings.IPGAR_RETENTION_YEARS = 5
    case = _closed(6)
    response = _set(client, case.code.lower())
    assert response.status_code == 302
    hold = LegalHold.objects.get(case=case)
    assert (hold.set_by, hold.reason, hold.lifted_at) == (fg, "Lopende klacht bij de Autoriteit Persoonsgegevens", None)
    assert Case.objects.get(pk=case.pk).legal_hold is True
    assert AccessLogEntry.objects.filter(
        user=fg, record_type="cases.case", record_id=str(case.pk), section="legal_hold_set"
    ).exists()

    # Visible on the case page for who reads the case.
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Bewaarblokkade" in html and "Lopende klacht bij de Autoriteit Persoonsgegevens" in html

    # Retention leaves it alone, and the forecast says why.
    assert retention.retention_apply() == []
    client.force_login(fg)
    html = client.get(reverse("ipgar:retention")).content.decode()
    assert case.code in html and "niet opgeschoond: bewaarblokkade" in html


def test_a_hold_needs_a_reason_and_a_known_case(client, fg):
    case = _closed(6)
    response = _set(client, case.code, reason="  ")
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.content.decode()
    response = _set(client, "R-1999-999")
    assert "Geen casus heeft code R-1999-999." in response.content.decode()
    assert not LegalHold.objects.exists()


def test_lifting_needs_a_reason_and_retention_takes_the_case_again(client, fg, settings):
    settings.IPGAR_RETENTION_YEARS = 5
    case = _closed(6)
    _person_file(NAME, case=case)
    _set(client, case.code)
    hold = LegalHold.objects.get(case=case)
    response = client.post(reverse("ipgar:legal_hold_lift"), {"hold": hold.pk, "reason": ""})
    assert response.status_code == 200 and "Dit veld is verplicht." in response.content.decode()
    response = client.post(reverse("ipgar:legal_hold_lift"), {"hold": hold.pk, "reason": "Klacht afgehandeld"})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.lifted_by, hold.lift_reason, hold.lifted_at is not None) == (fg, "Klacht afgehandeld", True)
    assert Case.objects.get(pk=case.pk).legal_hold is False
    assert AccessLogEntry.objects.filter(user=fg, record_id=str(case.pk), section="legal_hold_lift").exists()
    assert [e.case_code for e in retention.retention_apply()] == [case.code]
    # A second hold is possible (history kept), but not on an emptied case.
    response = _set(client, case.code)
    assert "is al opgeschoond" in response.content.decode()
    # The lifted hold stays on record (who, when); its reasons went with the case's free text.
    hold.refresh_from_db()
    assert (hold.reason, hold.lift_reason, hold.set_by, hold.lifted_by) == ("", "", fg, fg)
    html = client.get(reverse("ipgar:retention")).content.decode()
    assert 'id="past-heading"' in html and case.code in html


def test_forecast_lists_what_goes_in_the_next_30_days_and_why(client, fg, settings):
    settings.IPGAR_RETENTION_YEARS = 5
    settings.IPGAR_REPORT_RETENTION_DAYS = 365
    today = timezone.localdate()
    soon = CaseFactory(
        closed=True,
        reported_on=dt.date(2019, 1, 7),
        included_on=dt.date(2019, 3, 4),
        closed_on=today.replace(year=today.year - 5) + dt.timedelta(days=10),
    )
    later = CaseFactory(
        closed=True,
        reported_on=dt.date(2019, 1, 7),
        included_on=dt.date(2019, 3, 4),
        closed_on=today.replace(year=today.year - 5) + dt.timedelta(days=40),
    )
    report = CaseFactory(not_included=True, reported_on=today - dt.timedelta(days=360))
    response = client.get(reverse("ipgar:retention"))
    forecast = response.context["forecast"]
    assert [(d.case.code, d.rule) for d in forecast] == [(report.code, "report"), (soon.code, "included")]
    assert forecast[1].due_on == soon.closed_on.replace(year=soon.closed_on.year + 5) + dt.timedelta(days=1)
    html = response.content.decode()
    assert "opgenomen casus: 5 jaar na uitstroom" in html
    assert "melding nooit opgenomen: 365 dagen na de laatste stap" in html
    assert later.code not in html
    assert AccessLogEntry.objects.filter(user=fg, record_type="cases.legalhold", action="list").count() == 1


@pytest.mark.parametrize("cases", [1, 4])
def test_retention_log_is_readable_with_constant_queries(client, fg, settings, cases, django_assert_num_queries):
    settings.IPGAR_RETENTION_YEARS = 5
    for n in range(cases):
        _person_file(f"Persoon {n}", case=_closed(6 + n))
    retention.retention_apply()
    # session, user, roles, count, organisation + insert of the log's own row, page, session save,
    # and the savepoints around the insert: the same at 1 and at 4 entries.
    with django_assert_num_queries(10):
        response = client.get(reverse("ipgar:retention_log"))
    html = response.content.decode()
    assert html.count("opgenomen casus: 5 jaar na uitstroom") == cases
    assert "verslagregel, eerdere versies: 2" in html


@pytest.mark.parametrize("name", ["ipgar:retention", "ipgar:retention_log"])
def test_other_roles_get_404_and_the_refusal_is_logged(client, name):
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse("ipgar:legal_hold_lift"), {}).status_code == 404
    assert AccessLogEntry.objects.filter(user=pt, outcome="denied", section="retention").count() == 2


@pytest.mark.parametrize("cases", [1, 5])
def test_retention_page_runs_a_constant_number_of_queries(client, fg, settings, cases, django_assert_num_queries):
    settings.IPGAR_RETENTION_YEARS = 5
    pt = ProgrammeUserFactory()
    for n in range(cases):
        case = _closed(6 + n)
        retention.legal_hold_set(case=case, by=pt, reason=f"Reden {n}")
        CaseFactory(not_included=True, reported_on=timezone.localdate() - dt.timedelta(days=370 + n))
    # session, user, roles, included due, reports due, holds (with users), organisation + log insert
    # (savepoint pair), session save: the same at 1 and at 5 holds and forecast rows.
    with django_assert_num_queries(11):
        response = client.get(reverse("ipgar:retention"))
    assert len(response.context["forecast"]) == 2 * cases
    assert len(response.context["open_holds"]) == cases


def test_retention_log_names_the_column_and_row_count_of_mentions_never_the_value(client, fg, settings):
    from tests.access.test_retention_complete import LAST, _plant_mentions

    settings.IPGAR_RETENTION_YEARS = 5
    _plant_mentions(_closed(6))
    retention.retention_apply()
    html = client.get(reverse("ipgar:retention_log")).content.decode()
    assert "naam, BSN, geboortedatum of adres in caseloadbespreking (samenvatting): 1 rijen" in html
    assert LAST not in html
