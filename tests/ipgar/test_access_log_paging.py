"""The access log read by keyset and, for a case, as a union of ordered branches (docs/decisions.md D16).

The case filter used to be one OR (label, typed id, the case's id for refusals); at 50 million
rows it sorted every read of the most-read case before taking 50. It is now read as one
ordered branch per condition, merged. These tests hold it to the old condition: the same
rows in the same order, page by page, both ways, and in the CSV.
"""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db.models import Q
from django.test import RequestFactory
from django.urls import reverse

from ipgar import access_log, audit_views, roles
from ipgar.access_log_query import Cursor, LogQuery
from ipgar.models import AccessLogEntry
from tests.cases.factories import CaseFactory
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db
AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def fg(client):
    user = UserFactory(username="fg-paging", role=roles.PRIVACY_OFFICER)
    client.force_login(user)
    return user


def _write(user, *, record_type="cases.case", record_id, label="", outcome="allowed", section=""):
    request = RequestFactory().get("/cases/")
    request.user = user
    return access_log.record(
        request, record_type=record_type, record_id=record_id, label=label, outcome=outcome, section=section
    )


@pytest.fixture
def hot_case():
    """A case read often, refused by id only, named by a typed id, beside other cases' reads; several
    entries share one moment so the order falls back on the id."""
    case = CaseFactory(code="R-2099-042")
    other = CaseFactory(code="R-2099-043")
    reader, nosy = UserFactory(username="lezer", role=roles.DIRECTOR), UserFactory(username="nieuwsgierig")
    start = dt.datetime(2026, 9, 28, 9, 0, tzinfo=AMS)
    for day in range(9):
        # Three writes at one moment: the same `at`, told apart by the id.
        with time_machine.travel(start + dt.timedelta(days=day), tick=False):
            _write(reader, record_id=case.pk, label=case.code, section="identity" if day % 3 else "")
            _write(nosy, record_id=case.pk, outcome="denied")  # a refusal stores only the id
            _write(reader, record_id=other.pk, label=other.code)
        with time_machine.travel(start + dt.timedelta(days=day, hours=2), tick=False):
            # Another record type whose id happens to be the code typed (the "record id" condition).
            _write(reader, record_type="meetings.meeting", record_id=case.code, label="")
            _write(nosy, record_id=other.pk, outcome="denied")
    return case


def _old_condition(term: str, case_ids: list[str]):
    """The filter as it was before the union: one OR, newest first."""
    return list(
        AccessLogEntry.objects.filter(
            Q(record_label__in={term, term.upper()})
            | Q(record_id=term)
            | Q(record_type="cases.case", record_id__in=case_ids)
        )
        .exclude(username="fg-paging")
        .order_by("-at", "-id")
        .values_list("pk", flat=True)
    )


def _walk(client, query: dict) -> tuple[list[list[int]], list[list[int]]]:
    """Every page following "next" from the first, then "previous" back from the last."""
    forward, response = [], client.get(reverse("ipgar:access_log"), query)
    while True:
        page = response.context["page"]
        forward.append([entry.pk for entry in page])
        if not page.has_next:
            break
        response = client.get(reverse("ipgar:access_log"), {**query, "before": page.next_cursor})
    backward = [forward[-1]]
    while page.has_previous:
        response = client.get(reverse("ipgar:access_log"), {**query, "after": page.previous_cursor})
        page = response.context["page"]
        backward.append([entry.pk for entry in page])
    return forward, backward


@pytest.mark.parametrize(
    ("typed", "sizes"),
    [
        # 9 labelled reads, 9 refusals by id, 9 rows whose record id is the code as typed.
        ("R-2099-042", [4] * 6 + [3]),
        # Lower case: the label still matches (codes are stored upper case), the record id does not.
        ("r-2099-042", [4] * 4 + [2]),
    ],
)
def test_case_filter_pages_give_the_old_conditions_rows_in_order_both_ways(
    client, fg, hot_case, monkeypatch, typed, sizes
):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 4)
    expected = _old_condition(typed, [str(hot_case.pk)])
    assert len(expected) == sum(sizes)
    forward, backward = _walk(client, {"record": typed})
    assert [pk for page in forward for pk in page] == expected
    assert [len(page) for page in forward] == sizes
    # Back up to the first page: the same pages, the first one full.
    assert backward == forward[::-1]


def test_a_typed_case_id_finds_every_record_with_that_id_as_before(client, fg, hot_case, monkeypatch):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 5)
    typed = str(hot_case.pk)
    _write(UserFactory(username="ander"), record_type="pool.director", record_id=typed, label="")
    expected = _old_condition(typed, [])
    assert len(expected) == 19  # the case's reads and refusals, and the director row
    forward, backward = _walk(client, {"record": typed})
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward[::-1]


def test_the_union_keeps_the_other_filters_on_every_branch(client, fg, hot_case):
    response = client.get(reverse("ipgar:access_log"), {"record": hot_case.code, "denied_only": "on"})
    rows = [(e.username, e.record_id, e.outcome) for e in response.context["page"]]
    assert rows == [("nieuwsgierig", str(hot_case.pk), "denied")] * 9
    response = client.get(reverse("ipgar:access_log"), {"record": hot_case.code, "person": "LEZER"})
    assert {(e.username, e.record_type) for e in response.context["page"]} == {
        ("lezer", "cases.case"),
        ("lezer", "meetings.meeting"),
    }
    assert len(response.context["page"]) == 18


def test_the_csv_walks_the_union_in_the_old_order_across_chunks(hot_case):
    _form, entries = audit_views.access_log_filtered(data={"record": hot_case.code})
    expected = _old_condition(hot_case.code, [str(hot_case.pk)])
    assert [entry.pk for entry in audit_views._in_chunks(entries, size=4)] == expected


def test_unfiltered_pages_walk_the_whole_log_by_keyset(client, fg, hot_case, monkeypatch):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 7)
    expected = list(AccessLogEntry.objects.exclude(user=fg).order_by("-at", "-id").values_list("pk", flat=True))
    forward, backward = _walk(client, {})
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward[::-1]


def test_the_next_link_carries_the_filter_and_the_cursor(client, fg, hot_case, monkeypatch):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 4)
    html = client.get(reverse("ipgar:access_log"), {"record": hot_case.code}).content.decode()
    page_nav = html[html.index('aria-label="Pagina') :]
    assert "record=R-2099-042&amp;before=" in page_nav
    assert "after=" not in page_nav  # the first page has nothing newer


@pytest.mark.parametrize("text", ["", "abc", "12:gisteren", "x:2026-01-01T00:00:00+00:00", "5:2026-01-01T00:00:00"])
def test_a_broken_cursor_is_the_first_page(client, fg, hot_case, text):
    first = [e.pk for e in client.get(reverse("ipgar:access_log")).context["page"]]
    for key in ("before", "after"):
        response = client.get(reverse("ipgar:access_log"), {key: text})
        assert response.status_code == 200
        assert [e.pk for e in response.context["page"]] == first


def test_a_cursor_survives_its_round_trip():
    cursor = Cursor(at=dt.datetime(2026, 3, 29, 1, 59, 59, 999999, tzinfo=dt.UTC), id=123456789)
    assert Cursor.decode(cursor.encode()) == cursor


def test_an_empty_filter_reads_nothing():
    assert LogQuery.none().older(50) == []
    assert not LogQuery.none().page(50).has_other_pages


def test_the_per_person_view_gives_the_old_conditions_rows(client, fg, hot_case):
    response = client.post(reverse("ipgar:access_log_person"), {"q": hot_case.code})
    shown = [entry.pk for entry in response.context["entries"]]
    old = list(
        AccessLogEntry.objects.filter(
            Q(record_type="cases.case", record_id__in=[str(hot_case.pk)]) | Q(record_label__in=[hot_case.code])
        )
        .order_by("-at", "-id")
        .values_list("pk", flat=True)
    )
    # The lookup itself is logged first (a read of the person's file) and shown, newest.
    assert shown == old
    assert len(shown) == 19


def test_log_rows_are_escaped_and_refusals_stand_out(client, fg):
    user = UserFactory(username="<script>x</script>", role=roles.DIRECTOR)
    _write(user, record_id="7", label="R-<b>-1")
    _write(user, record_id="8", outcome="denied")
    html = client.get(reverse("ipgar:access_log")).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert "R-&lt;b&gt;-1" in html
    assert '<td class="ams-table__cell"><strong>Geweigerd: casus 8</strong></td>' in html


# --- the per-person view, 100 entries a page by keyset ---------------------------------------------


def _person_rows(case) -> list[int]:
    """The reads of the case's file as the old OR condition found them, newest first."""
    return list(
        AccessLogEntry.objects.filter(Q(record_type="cases.case", record_id=str(case.pk)) | Q(record_label=case.code))
        .order_by("-at", "-id")
        .values_list("pk", flat=True)
    )


def _walk_person(send, first: dict) -> tuple[list[list[int]], list[list[int]], list[int]]:
    """Every page following "next" from the first, then as many "previous" steps back; and the
    rows as they stood when the first page was read (each page logs its lookup, newer than all)."""
    response = send(first)
    expected = None
    forward = []
    while True:
        page = response.context["page"]
        if expected is None:
            expected = _person_rows(response.context["cases"][0])
        forward.append([entry.pk for entry in page])
        if not page.has_next:
            break
        response = send({**first, "before": page.next_cursor})
    backward = [forward[-1]]
    for _step in forward[1:]:
        response = send({**first, "after": page.previous_cursor})
        page = response.context["page"]
        backward.append([entry.pk for entry in page])
    return forward, backward, expected


def test_the_per_person_view_pages_by_case_code_every_entry_once_in_order(client, fg, hot_case, monkeypatch):
    monkeypatch.setattr(audit_views, "PERSON_PAGE_SIZE", 4)
    forward, backward, expected = _walk_person(
        lambda query: client.get(reverse("ipgar:access_log_person"), query), {"case": hot_case.code}
    )
    # 9 reads (by id and label), 9 refusals by id, and the first page's own lookup.
    assert len(expected) == 19
    assert [pk for page in forward for pk in page] == expected
    assert [len(page) for page in forward] == [4, 4, 4, 4, 3]
    assert backward == forward[::-1]


def test_the_per_person_view_pages_a_bsn_search_by_post_without_the_bsn_in_an_address(
    client, fg, hot_case, monkeypatch
):
    monkeypatch.setattr(audit_views, "PERSON_PAGE_SIZE", 4)
    bsn = hot_case.identity.bsn
    pages_html = []

    def send(data):
        response = client.post(reverse("ipgar:access_log_person"), data)
        pages_html.append(response.content.decode())
        return response

    forward, backward, expected = _walk_person(send, {"q": bsn})
    assert [pk for page in forward for pk in page] == expected
    assert len(expected) == 19
    assert backward == forward[::-1]
    first = pages_html[0]
    page_nav = first[first.index('aria-label="Pagina') :]
    # The next page is a POST form carrying the search; no link, no BSN in any href.
    assert f'<input type="hidden" name="q" value="{bsn}">' in page_nav
    assert 'name="before"' in page_nav
    assert 'name="after"' not in page_nav  # the first page has nothing newer
    assert all(f'href="?q={bsn}' not in html and f"={bsn}&" not in html for html in pages_html)


def test_the_per_person_view_shows_at_most_100_entries(client, fg):
    case = CaseFactory(code="R-2099-100")
    reader = UserFactory(username="lezer", role=roles.DIRECTOR)
    start = dt.datetime(2026, 9, 1, 9, 0, tzinfo=AMS)
    for minute in range(105):
        with time_machine.travel(start + dt.timedelta(minutes=minute), tick=False):
            _write(reader, record_id=case.pk, label=case.code)
    response = client.get(reverse("ipgar:access_log_person"), {"case": case.code})
    page = response.context["page"]
    assert len(page) == 100
    assert page.has_next
    html = response.content.decode()
    assert html.count('<tr class="ams-table__row">') == 101  # the header row and 100 entries
    assert "case=R-2099-100&amp;before=" in html
    second = client.get(reverse("ipgar:access_log_person"), {"case": case.code, "before": page.next_cursor})
    # 105 reads and the first page's lookup: 6 left.
    assert len(second.context["page"]) == 6
    assert not second.context["page"].has_next


def test_the_per_person_view_pages_run_a_constant_number_of_queries(
    client, fg, hot_case, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(audit_views, "PERSON_PAGE_SIZE", 4)
    # Every page lies in the two months next to its cursor: one read each.
    with time_machine.travel(dt.datetime(2026, 10, 8, 12, 0, tzinfo=AMS), tick=False):
        client.force_login(fg)
        first = client.get(reverse("ipgar:access_log_person"), {"case": hot_case.code}).context["page"]
        middle = client.get(
            reverse("ipgar:access_log_person"), {"case": hot_case.code, "before": first.next_cursor}
        ).context["page"]
        # session, user, roles, case, organisation + lookup insert, page (one UNION), case codes of
        # refusals, session save (update between two savepoints)
        for query in ({}, {"before": first.next_cursor}, {"after": middle.next_cursor}):
            with django_assert_num_queries(11):
                client.get(reverse("ipgar:access_log_person"), {"case": hot_case.code, **query})


def test_the_per_person_view_escapes_its_rows(client, fg):
    case = CaseFactory(code="R-2099-007")
    _write(UserFactory(username="<script>x</script>", role=roles.DIRECTOR), record_id=case.pk, label=case.code)
    html = client.get(reverse("ipgar:access_log_person"), {"case": case.code}).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html


@pytest.fixture
def half_year(fg):
    """Ten reads 20 days apart, from April to October: the recent window holds a few of them."""
    reader = UserFactory(username="lezer", role=roles.DIRECTOR)
    start = dt.datetime(2026, 4, 1, 9, 0, tzinfo=AMS)
    for n in range(10):
        with time_machine.travel(start + dt.timedelta(days=20 * n), tick=False):
            _write(reader, record_id=str(n), label=f"R-2099-{n:03}")


def test_pages_across_the_recent_window_give_every_entry_once_in_order(client, fg, half_year, monkeypatch):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 3)
    expected = list(AccessLogEntry.objects.exclude(user=fg).order_by("-at", "-id").values_list("pk", flat=True))
    assert len(expected) == 10
    with time_machine.travel(dt.datetime(2026, 10, 20, 12, 0, tzinfo=AMS), tick=False):
        client.force_login(fg)
        forward, backward = _walk(client, {})
    assert [pk for page in forward for pk in page] == expected
    assert backward == forward[::-1]


@time_machine.travel(dt.datetime(2026, 10, 20, 12, 0, tzinfo=AMS), tick=False)
def test_a_page_found_in_the_recent_months_is_one_read_and_otherwise_two(fg, half_year):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    query = LogQuery([AccessLogEntry.objects.all()])
    with CaptureQueriesContext(connection) as reads:
        # Since 2026-08-19 12:00: the reads of 2026-09-08 and 2026-09-28 only.
        assert len(query.older(2)) == 2
    assert len(reads) == 1
    assert '"at" >= ' in reads[0]["sql"]
    with CaptureQueriesContext(connection) as reads:
        rows = query.older(3)
    assert [row.record_id for row in rows] == ["9", "8", "7"]
    assert len(reads) == 2
    assert '"at" >= ' not in reads[1]["sql"]
