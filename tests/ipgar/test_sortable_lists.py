"""The caseload, the pool overview and the meetings list sort by their column headers, with
the case list's mechanism (ipgar.sorting): constant queries, aria-sort on the sorted header, an
unknown column answered by the list with a message (docs/DEVELOPING.md, "Pages")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.cases.factories import CaseFactory, ContactFactory, DirectorFactory, ProgrammeUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


# --- the director's caseload -----------------------------------------------------------------


def _days_ago(days):
    return timezone.localdate() - dt.timedelta(days=days)


@pytest.fixture
def caseload(db):
    director = DirectorFactory()
    ContactFactory(case=CaseFactory(active=True, director=director, code="R-2026-003"), date=_days_ago(7))
    CaseFactory(static=True, director=director, code="R-2026-001")
    ContactFactory(case=CaseFactory(active=True, director=director, code="R-2026-002"), date=_days_ago(100))
    return director


def _caseload_codes(response):
    return [case.code for case in response.context["cases"]]


def test_caseload_sorts_by_code_status_last_contact_and_alerts(client, caseload):
    client.force_login(caseload.user)
    url = reverse("cases:caseload")
    assert _caseload_codes(client.get(url)) == ["R-2026-001", "R-2026-002", "R-2026-003"]
    assert _caseload_codes(client.get(url, {"sort": "-code"})) == ["R-2026-003", "R-2026-002", "R-2026-001"]
    # Active before static; equal status by code.
    assert _caseload_codes(client.get(url, {"sort": "status"})) == ["R-2026-002", "R-2026-003", "R-2026-001"]
    # No contact yet comes last either way.
    assert _caseload_codes(client.get(url, {"sort": "last_contact"})) == ["R-2026-002", "R-2026-003", "R-2026-001"]
    assert _caseload_codes(client.get(url, {"sort": "-last_contact"})) == ["R-2026-003", "R-2026-002", "R-2026-001"]
    # R-2026-002's last contact is past the alert period; equal counts by code.
    assert _caseload_codes(client.get(url, {"sort": "-alerts"})) == ["R-2026-002", "R-2026-001", "R-2026-003"]
    assert _caseload_codes(client.get(url, {"sort": "alerts"})) == ["R-2026-001", "R-2026-003", "R-2026-002"]


def test_caseload_sorted_header_says_so_in_dutch(client, caseload):
    client.force_login(caseload.user)
    html = client.get(reverse("cases:caseload"), {"sort": "-last_contact"}).content.decode()
    assert 'aria-sort="descending"><a class="ams-link" href="?sort=last_contact">Laatste contact</a></th>' in html
    assert 'aria-sort="none"><a class="ams-link" href="?sort=code">Code</a></th>' in html
    assert 'aria-sort="none"><a class="ams-link" href="?sort=alerts">Open signalen</a></th>' in html


def test_caseload_unknown_sort_column_answers_the_list_with_a_message(client, caseload):
    client.force_login(caseload.user)
    response = client.get(reverse("cases:caseload"), {"sort": "identity__bsn"})
    assert response.status_code == 200
    assert _caseload_codes(response) == ["R-2026-001", "R-2026-002", "R-2026-003"]
    assert "De sorteervolgorde is niet begrepen" in response.content.decode()


@pytest.mark.parametrize("n", [1, 20])
def test_sorted_caseload_runs_the_same_queries_at_1_and_20_cases(client, django_assert_num_queries, n):
    director = DirectorFactory()
    for i in range(n):
        ContactFactory(case=CaseFactory(active=True, director=director, code=f"R-2025-{i:03d}"))
    client.force_login(director.user)
    client.get(reverse("cases:caseload"))  # warm the session
    # Session, user, roles, the rows, running interventions, scores, life domains, the log entry
    # (+ savepoints): the same at 1 and 20 cases, sorted or not.
    for sort in ("-alerts", "last_contact", "status"):
        with django_assert_num_queries(12):
            assert client.get(reverse("cases:caseload"), {"sort": sort}).status_code == 200


# --- the pool overview -------------------------------------------------------------------------


@pytest.fixture
def pool(db):
    from tests.pool.factories import caseload, organisation

    bakker = DirectorFactory(user__last_name="Bakker", organisation=organisation("oov"), fte=Decimal("1.0"))
    aalders = DirectorFactory(user__last_name="Aalders", organisation=organisation("om"), fte=Decimal("0.5"))
    claassen = DirectorFactory(user__last_name="Claassen", organisation=organisation("politie"), capacity_override=2)
    caseload(bakker, 3)  # 3 / 12, 9 free
    caseload(aalders, 1)  # 1 / 6, 5 free
    caseload(claassen, 2)  # 2 / 2, none free


def _names(response):
    return [director.last_name for director in response.context["directors"]]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("director", ["Aalders", "Bakker", "Claassen"]),
        ("-director", ["Claassen", "Bakker", "Aalders"]),
        ("organisation", ["Bakker", "Aalders", "Claassen"]),  # OOV, Openbaar Ministerie, Politie
        ("caseload", ["Aalders", "Claassen", "Bakker"]),
        ("capacity", ["Claassen", "Aalders", "Bakker"]),
        ("-free_places", ["Bakker", "Aalders", "Claassen"]),
        ("free_places", ["Claassen", "Aalders", "Bakker"]),
    ],
)
def test_pool_overview_sorts_by_director_organisation_caseload_capacity_and_free_places(client, pool, sort, expected):
    client.force_login(ProgrammeUserFactory())
    assert _names(client.get(reverse("pool:overview"), {"sort": sort})) == expected


def test_pool_overview_sorted_headers_say_so_in_dutch(client, pool):
    client.force_login(ProgrammeUserFactory())
    html = client.get(reverse("pool:overview"), {"sort": "organisation"}).content.decode()
    assert 'aria-sort="ascending"><a class="ams-link" href="?sort=-organisation">Organisatie</a></th>' in html
    assert 'aria-sort="none"><a class="ams-link" href="?sort=director">Regisseur</a></th>' in html
    html = client.get(reverse("pool:overview"), {"sort": "-free_places"}).content.decode()
    assert 'aria-sort="descending">Casussen / maximum<br>' in html
    assert '<a class="ams-link" href="?sort=free_places">vrije plaatsen</a>' in html
    assert '<a class="ams-link" href="?sort=caseload">casussen</a>' in html


def test_pool_overview_unknown_sort_column_answers_the_list_with_a_message(client, pool):
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("pool:overview"), {"sort": "user__password"})
    assert response.status_code == 200
    assert len(response.context["directors"]) == 3
    assert "De sorteervolgorde is niet begrepen" in response.content.decode()


@pytest.mark.parametrize("n", [1, 12])
def test_sorted_pool_overview_runs_the_same_queries_at_1_and_12_directors(client, django_assert_num_queries, n):
    from tests.pool.factories import caseload

    for i in range(n):
        caseload(DirectorFactory(fte=Decimal("0.5")), 1 + i % 3)
    client.force_login(ProgrammeUserFactory())
    client.get(reverse("pool:overview"))  # warm the session
    # Session, user, groups, count, directors (with absences and areas), awaiting cases, access log
    # (+ savepoints), as unsorted.
    for sort in ("-free_places", "organisation", "caseload"):
        with django_assert_num_queries(11):
            response = client.get(reverse("pool:overview"), {"sort": sort})
        assert response.status_code == 200
        assert len(response.context["directors"]) == n


# --- the meetings list -------------------------------------------------------------------------


@pytest.fixture
def meetings(db):
    from meetings.models import MeetingBody
    from tests.meetings.factories import meeting

    pt = ProgrammeUserFactory()
    pto_r = meeting(kind=MeetingBody.Kind.PTO_R, date=dt.date(2026, 3, 9), by=pt)
    itat = meeting(kind=MeetingBody.Kind.ITAT_R, date=dt.date(2026, 3, 10), by=pt)
    later_pto_r = meeting(kind=MeetingBody.Kind.PTO_R, date=dt.date(2026, 4, 6), by=pt)
    return pt, {pto_r.pk: "pto_r 9-3", itat.pk: "itat 10-3", later_pto_r.pk: "pto_r 6-4"}


def _meetings(response, names):
    return [names[m.pk] for m in response.context["past"]]


def test_meetings_list_sorts_by_date_and_body(client, meetings):
    pt, names = meetings
    client.force_login(pt)
    url = reverse("meetings:list")
    assert _meetings(client.get(url), names) == ["pto_r 6-4", "itat 10-3", "pto_r 9-3"]
    assert _meetings(client.get(url, {"sort": "date"}), names) == ["pto_r 9-3", "itat 10-3", "pto_r 6-4"]
    assert _meetings(client.get(url, {"sort": "-date"}), names) == ["pto_r 6-4", "itat 10-3", "pto_r 9-3"]
    # By body name (ITAT-R before PTO-R), the newest first within a body.
    assert _meetings(client.get(url, {"sort": "body"}), names) == ["itat 10-3", "pto_r 6-4", "pto_r 9-3"]
    assert _meetings(client.get(url, {"sort": "-body"}), names) == ["pto_r 6-4", "pto_r 9-3", "itat 10-3"]


def test_meetings_list_sorted_header_keeps_the_filter_and_says_so_in_dutch(client, meetings):
    pt, _names = meetings
    client.force_login(pt)
    html = client.get(reverse("meetings:list"), {"date_from": "2026-01-01", "sort": "date"}).content.decode()
    assert (
        'aria-sort="ascending"><a class="ams-link" href="?date_from=2026-01-01&amp;sort=-date">Datum</a></th>' in html
    )
    assert 'aria-sort="none"><a class="ams-link" href="?date_from=2026-01-01&amp;sort=body">Overleg</a></th>' in html


def test_meetings_list_unknown_sort_column_answers_the_list_with_a_message(client, meetings):
    pt, names = meetings
    client.force_login(pt)
    response = client.get(reverse("meetings:list"), {"sort": "minutes__body"})
    assert response.status_code == 200
    assert _meetings(response, names) == ["pto_r 6-4", "itat 10-3", "pto_r 9-3"]
    assert "niet begrepen" in response.content.decode()


@pytest.mark.parametrize("n", [1, 15])
def test_sorted_meetings_list_runs_the_same_queries_at_1_and_15_meetings(client, django_assert_num_queries, n):
    from tests.meetings.factories import meeting

    pt = ProgrammeUserFactory()
    for i in range(n):
        meeting(date=dt.date(2026, 1, 5) + dt.timedelta(weeks=4 * i), by=pt)
    client.force_login(pt)
    client.get(reverse("meetings:list"))  # warm the session
    # (+1 since the list is paged: the count)
    for sort in ("date", "-body"):
        with django_assert_num_queries(9):
            response = client.get(reverse("meetings:list"), {"sort": sort})
        assert len(response.context["past"]) + len(response.context["upcoming"]) == n
