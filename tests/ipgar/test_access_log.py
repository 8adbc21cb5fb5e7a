"""The access log: the privacy officer reads, filters and exports it; nobody can change it (docs/decisions.md D3)."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from ipgar import access_log, roles
from ipgar.models import AccessLogEntry
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def _entry(user, *, label="R-2099-001", record_id="1", outcome="allowed", at=None):
    request = RequestFactory().get("/cases/1/")
    request.user = user
    entry = access_log.record(request, record_type="cases.case", record_id=record_id, label=label, outcome=outcome)
    return entry


@pytest.fixture
def fg(client):
    user = UserFactory(username="fg-test", role=roles.PRIVACY_OFFICER)
    client.force_login(user)
    return user


def test_log_entries_cannot_be_updated_or_deleted_by_the_orm():
    entry = _entry(UserFactory(role=roles.DIRECTOR))
    entry.outcome = "denied"
    with pytest.raises(ProgrammingError, match="is append-only"), transaction.atomic():
        entry.save()
    with pytest.raises(ProgrammingError, match="is append-only"), transaction.atomic():
        AccessLogEntry.objects.filter(pk=entry.pk).update(username="someone-else")
    with pytest.raises(ProgrammingError, match="is append-only"), transaction.atomic():
        entry.delete()
    with pytest.raises(ProgrammingError, match="is append-only"), transaction.atomic():
        AccessLogEntry.objects.all().delete()
    entry.refresh_from_db()
    assert (entry.outcome, entry.username) == ("allowed", entry.user.username)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ipgar_accesslogentry SET username = 'x' WHERE id = %s",
        "UPDATE ipgar_accesslogentry SET at = now() - interval '1 year' WHERE id = %s",
        "DELETE FROM ipgar_accesslogentry WHERE id = %s",
    ],
)
def test_log_entries_cannot_be_changed_with_raw_sql(sql):
    entry = _entry(UserFactory(role=roles.DIRECTOR))
    with (
        pytest.raises(ProgrammingError, match="is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert AccessLogEntry.objects.filter(pk=entry.pk, username=entry.username).exists()


@pytest.mark.parametrize("role", [r for r in roles.ROLES if r != roles.PRIVACY_OFFICER])
def test_only_the_privacy_officer_reads_the_log(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    for name in ("ipgar:access_log", "ipgar:access_log_csv"):
        assert client.get(reverse(name)).status_code == 404
    assert AccessLogEntry.objects.filter(user=user, outcome="denied", record_type="ipgar.accesslogentry").count() == 2


def test_reading_the_log_is_logged(client, fg):
    response = client.get(reverse("ipgar:access_log"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert AccessLogEntry.objects.filter(user=fg, action="list", section="access_log").count() == 1
    client.get(reverse("ipgar:access_log_csv"))
    assert AccessLogEntry.objects.filter(user=fg, action="export", section="access_log").count() == 1


def test_filters_person_case_period_and_denied_only(client, fg):
    sanne, youssef = UserFactory(username="sanne-t", role=roles.DIRECTOR), UserFactory(username="youssef-t")
    _entry(sanne, label="R-2099-101", record_id="101")
    _entry(youssef, label="R-2099-102", record_id="102")
    _entry(youssef, label="", record_id="101", outcome="denied")

    def rows(**query):
        response = client.get(reverse("ipgar:access_log"), query)
        assert response.status_code == 200
        return [(e.username, e.record_id, e.outcome) for e in response.context["page"]]

    assert rows(person="SANNE-T") == [("sanne-t", "101", "allowed")]
    assert sorted(rows(record="101")) == [("sanne-t", "101", "allowed"), ("youssef-t", "101", "denied")]
    assert rows(denied_only="on") == [("youssef-t", "101", "denied")]
    today = timezone.localdate()
    assert len(rows(person="youssef-t", date_from=today.isoformat(), date_until=today.isoformat())) == 2
    assert rows(person="youssef-t", date_until=(today - dt.timedelta(days=1)).isoformat()) == []


def test_case_code_also_finds_denials_that_only_know_the_id(client, fg):
    from tests.cases.factories import CaseFactory

    case = CaseFactory()
    _entry(UserFactory(username="nieuwsgierig"), label="", record_id=str(case.pk), outcome="denied")
    response = client.get(reverse("ipgar:access_log"), {"record": case.code})
    assert [e.username for e in response.context["page"]] == ["nieuwsgierig"]


def test_bad_filter_input_is_a_form_error_not_a_500(client, fg):
    response = client.get(reverse("ipgar:access_log"), {"date_from": "2026-05-01", "date_until": "2026-04-01"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert list(response.context["page"]) == []
    assert client.get(reverse("ipgar:access_log"), {"date_from": "gisteren"}).status_code == 200
    assert client.get(reverse("ipgar:access_log"), {"page": "abc"}).status_code == 200


def test_csv_export_follows_the_filter_and_defuses_formulas(client, fg):
    _entry(UserFactory(username="=HYPERLINK(1)"), outcome="denied")
    _entry(UserFactory(username="gewoon"))
    response = client.get(reverse("ipgar:access_log_csv"), {"denied_only": "on"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content).decode()
    assert content.startswith("\ufeff")  # Dutch Excel reads UTF-8 with a byte-order mark
    table = list(csv.reader(io.StringIO(content.removeprefix("\ufeff")), delimiter=";"))
    assert table[0][:3] == ["tijdstip", "gebruikersnaam", "rol"]
    assert [row[1] for row in table[1:]] == ["'=HYPERLINK(1)"]


@pytest.mark.parametrize("rows", [1, 60])
@pytest.mark.parametrize(("outcome", "queries"), [("allowed", 10), ("denied", 11)])
def test_log_page_runs_constant_queries(client, fg, django_assert_num_queries, rows, outcome, queries):
    user = UserFactory(role=roles.DIRECTOR)
    for n in range(rows):
        _entry(user, record_id=str(n), label="" if outcome == "denied" else "R-2099-001", outcome=outcome)
    # session, user, roles, the page (by keyset: no count), organisation + insert of the log's own
    # entry, the latest period reviews, session save (savepoint, update, release under the test's
    # transaction); refusals store only the case id: their codes in one more query. The page is read
    # in the last two months first; with less than a page there, once more without that bound.
    with django_assert_num_queries(queries + (rows <= 50)):
        response = client.get(reverse("ipgar:access_log"))
    assert len(response.context["page"]) == min(rows, 50)
    assert response.context["page"].has_next is (rows > 50)


LONG_ID = "1" * 61


@pytest.mark.parametrize(
    "path",
    [
        f"/cases/{LONG_ID}/",
        f"/cases/{LONG_ID}/identity/",
        f"/pool/directors/{LONG_ID}/",
        f"/access/partner/{LONG_ID}/",
        f"/access/cases/{LONG_ID}/registrations/",
    ],
)
def test_an_id_longer_than_the_log_column_is_refused_and_logged(client, path):
    # A penetration test found that a 61-digit id made access_log.denied fail, so the refusal answered 500.
    user = UserFactory(username="r-long-id", role=roles.DIRECTOR)
    client.force_login(user)
    assert client.get(path).status_code == 404
    entry = AccessLogEntry.objects.get(username="r-long-id", outcome="denied")
    assert entry.record_id == "1" * 60
