"""The case list sorts by column, searches (code; name or BSN for the programme team, logged),
filters, exports what it shows to a CSV for Dutch Excel, and answers bad input with a message.
The meetings list filters by body and period."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from ipgar.models import AccessLogEntry
from meetings.models import MeetingBody
from tests.cases.factories import CaseFactory, ContactFactory, DirectorFactory, ProgrammeUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(db):
    director = DirectorFactory()
    cases = [
        CaseFactory(active=True, director=director, code="R-2026-003", reported_on=dt.date(2026, 1, 3)),
        CaseFactory(active=True, director=director, code="R-2026-001", reported_on=dt.date(2026, 1, 1)),
        CaseFactory(active=True, director=director, code="R-2026-002", reported_on=dt.date(2026, 1, 2)),
    ]
    cases[2].identity.last_name = "Zwaluw"
    cases[2].identity.bsn = "111222333"
    cases[2].identity.save()
    return director, cases


def _codes(response):
    return [case.code for case in response.context["page"]]


def test_sorted_by_code_both_ways(client, three):
    client.force_login(ProgrammeUserFactory())
    assert _codes(client.get(reverse("cases:list"), {"sort": "code"})) == ["R-2026-001", "R-2026-002", "R-2026-003"]
    assert _codes(client.get(reverse("cases:list"), {"sort": "-code"})) == ["R-2026-003", "R-2026-002", "R-2026-001"]
    html = client.get(reverse("cases:list"), {"sort": "code"}).content.decode()
    assert 'aria-sort="ascending"><a class="ams-link" href="?sort=-code">Code</a>' in html


def test_director_searches_by_code_only(client, three):
    director, _cases = three
    client.force_login(director.user)
    assert _codes(client.get(reverse("cases:list"), {"q": "2026-002"})) == ["R-2026-002"]
    assert _codes(client.get(reverse("cases:list"), {"q": "Zwaluw"})) == []
    assert not AccessLogEntry.objects.filter(section="identity_lookup").exists()


@pytest.mark.parametrize("query", ["Zwaluw", "111222333"])
def test_programme_team_finds_by_name_or_bsn_and_it_is_logged(client, three, query):
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    assert _codes(client.get(reverse("cases:list"), {"q": query})) == ["R-2026-002"]
    entry = AccessLogEntry.objects.get(user=pt, section="identity_lookup")
    assert (entry.action, entry.record_type) == ("search", "cases.caseidentity")


@pytest.mark.parametrize("params", [{"sort": "identity__bsn"}, {"status": "nonsense"}, {"page": "999"}])
def test_bad_sort_filter_or_page_answers_the_list_with_a_message(client, three, params):
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("cases:list"), params)
    assert response.status_code == 200
    assert len(response.context["page"]) == 3
    text = response.content.decode()
    assert "niet begrepen" in text or "Er is geen pagina 999" in text


def test_the_filtered_list_exports_to_a_csv_for_dutch_excel(client, three):
    three[1][0].identity  # noqa: B018
    CaseFactory(code="=CMD()", status="reported")
    client.force_login(ProgrammeUserFactory())
    response = client.get(reverse("cases:list_csv"), {"status": "active", "sort": "code"})
    content = b"".join(response.streaming_content).decode()
    assert content.startswith("\ufeffcode;status;gemeld op;")
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["R-2026-001", "R-2026-002", "R-2026-003"]
    assert rows[1][1:3] == ["in regie", "1 jan. 2026"]
    everything = b"".join(client.get(reverse("cases:list_csv")).streaming_content).decode()
    assert "'=CMD()" in everything
    assert AccessLogEntry.objects.filter(action="export", record_type="cases.case").count() == 2


@pytest.mark.parametrize("n", [1, 20])
def test_sorted_and_searched_lists_run_exact_query_counts(client, django_assert_num_queries, n):
    director = DirectorFactory()
    for i in range(n):
        CaseFactory(active=True, director=director, code=f"R-2025-{i:03d}")
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    client.get(reverse("cases:list"))  # warm the session
    # The same number at 1 and 20 cases: session, user, roles, the filter's choice lists, count,
    # page, the list's log entry (+ savepoints).
    with django_assert_num_queries(14):
        assert client.get(reverse("cases:list"), {"sort": "-last_contact"}).status_code == 200
    # The same, plus the identity-lookup log entry.
    with django_assert_num_queries(15):
        assert client.get(reverse("cases:list"), {"q": "R-2025", "sort": "code"}).status_code == 200


@pytest.mark.parametrize("sort", ["", "code", "-code", "status", "reported_on", "-area", "director", "-last_contact"])
def test_the_pages_follow_the_lists_order_searched_or_not(client, sort):
    """A page is picked as 25 case ids (filtered, searched, sorted), then read with its joins and
    alerts: page after page, the same cases in the same order as the whole sorted list."""
    from django.http import QueryDict

    from cases import selectors
    from cases.filters import CaseFilter

    directors = [DirectorFactory(), DirectorFactory(), None]
    for i in range(60):
        case = CaseFactory(
            active=i % 4 != 0,
            director=directors[i % 3] if i % 4 else None,
            code=f"R-{2025 + i % 2}-{i:03d}",
            reported_on=dt.date(2025, 1 + i % 12, 1 + i % 5),
        )
        if i % 7 == 0:
            case.identity.last_name = "Zwaluw"
            case.identity.save()
    pt = ProgrammeUserFactory()
    client.force_login(pt)
    for params in ({}, {"q": "R-2025"}, {"q": "Zwaluw"}, {"status": "active"}):
        query = {**params, **({"sort": sort} if sort else {})}
        data = QueryDict(mutable=True)
        data.update(query)
        whole = CaseFilter(data or None, queryset=selectors.case_list(user=pt), user=pt).qs
        expected = list(whole.values_list("code", flat=True))
        shown = []
        for number in range(1, (len(expected) + 24) // 25 + 1):
            shown += _codes(client.get(reverse("cases:list"), {**query, "page": number}))
        assert shown == expected, query
        assert expected


def test_the_alert_filter_picks_the_cases_with_that_alert_in_the_list_and_the_csv(client):
    """The list picks its page from the cases without their alerts; the alert filter adds them."""
    from django.utils import timezone

    today = timezone.localdate()
    director = DirectorFactory()
    quiet = CaseFactory(active=True, director=director, code="R-2026-001")  # included long ago, no contact
    ContactFactory(case=CaseFactory(active=True, director=director, code="R-2026-002"), date=today)
    CaseFactory(code="R-2026-003", reported_on=today - dt.timedelta(days=200))  # a report pending too long
    client.force_login(ProgrammeUserFactory())
    assert _codes(client.get(reverse("cases:list"), {"alert": "no_contact"})) == [quiet.code]
    assert _codes(client.get(reverse("cases:list"), {"alert": "pending_report"})) == ["R-2026-003"]
    assert sorted(_codes(client.get(reverse("cases:list"), {"alert": "any", "sort": "code"}))) == [
        "R-2026-001",
        "R-2026-003",
    ]
    content = b"".join(client.get(reverse("cases:list_csv"), {"alert": "no_contact"}).streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert [row[0] for row in rows[1:]] == ["R-2026-001"]


def test_meetings_list_filters_by_body(client):
    from tests.meetings.factories import meeting

    pt = ProgrammeUserFactory()
    pto_r = meeting(kind=MeetingBody.Kind.PTO_R, date=dt.date(2026, 3, 9), by=pt)
    team = meeting(kind=MeetingBody.Kind.TEAM, date=dt.date(2026, 3, 10), by=pt)
    client.force_login(pt)
    response = client.get(reverse("meetings:list"), {"body": pto_r.body_id})
    shown = response.context["past"] + response.context["upcoming"]
    assert pto_r in shown and team not in shown
    response = client.get(reverse("meetings:list"), {"date_from": "gisteren"})
    assert response.status_code == 200 and "niet begrepen" in response.content.decode()


def test_meetings_list_exports_what_it_shows(client):
    from tests.meetings.factories import meeting

    pt = ProgrammeUserFactory()
    pto_r = meeting(kind=MeetingBody.Kind.PTO_R, date=dt.date(2026, 3, 9), by=pt)
    meeting(kind=MeetingBody.Kind.TEAM, date=dt.date(2026, 3, 10), by=pt)
    client.force_login(pt)
    response = client.get(reverse("meetings:list_csv"), {"body": pto_r.body_id})
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert content.startswith("\ufeff")
    assert rows[0] == ["datum", "overleg", "verslag"]
    assert rows[1:] == [["9 mrt. 2026", pto_r.body.name, "concept"]]
