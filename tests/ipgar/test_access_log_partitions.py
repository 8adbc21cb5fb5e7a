"""The access log partitioned by month (docs/decisions.md D16): append-only on every partition, months
created ahead and dropped only past retention, writes land in the month's partition."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.utils import timezone

from ipgar import access_log, append_only, roles, tasks
from ipgar.models import AccessLogEntry
from tests.ipgar.factories import UserFactory

pytestmark = pytest.mark.django_db


def _partitions() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'ipgar_accesslogentry'::regclass ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def _month(at: dt.datetime) -> str:
    return f"ipgar_accesslogentry_{at.astimezone(dt.UTC):%Y%m}"


def _write():
    request = RequestFactory().get("/cases/1/")
    request.user = UserFactory(role=roles.DIRECTOR)
    return access_log.record(request, record_type="cases.case", record_id="1", label="R-2026-001")


def test_the_log_is_partitioned_by_month_and_a_write_lands_in_its_month():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'ipgar_accesslogentry'")
        assert cursor.fetchone() == ("p",)
    now = timezone.now()
    parts = _partitions()
    assert "ipgar_accesslogentry_default" in parts
    for months in range(3):  # this month and the next ones
        assert _month(now + dt.timedelta(days=31 * months)) in parts
    entry = _write()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tableoid::regclass::text FROM ipgar_accesslogentry WHERE id = %s", [entry.pk])
        assert cursor.fetchone() == (_month(entry.at),)
    assert AccessLogEntry.objects.get(pk=entry.pk).record_label == "R-2026-001"


def test_every_partition_carries_both_append_only_triggers_firing_always():
    tasks.access_log_partitions()
    parts = _partitions()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relname = ANY(%s) AND t.tgname LIKE 'ipgar_append_only%%'",
            [parts],
        )
        found = {(name, trigger): enabled for name, trigger, enabled in cursor.fetchall()}
    for part in parts:
        for trigger in (append_only.ROW_TRIGGER, append_only.TRUNCATE_TRIGGER):
            assert found.get((part, trigger)) == "A", (part, trigger)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {part} SET username = 'x' WHERE id = {id}",
        "DELETE FROM {part} WHERE id = {id}",
        "TRUNCATE {part}",
        "UPDATE ipgar_accesslogentry SET at = at - interval '1 year' WHERE id = {id}",
        "DELETE FROM ipgar_accesslogentry WHERE id = {id}",
    ],
)
def test_no_partition_can_be_changed_even_by_the_owner(statement):
    entry = _write()
    sql = statement.format(part=_month(entry.at), id=entry.pk)
    if sql.startswith("TRUNCATE"):
        # Before this transaction's own pending FK checks: in a fresh savepoint on an empty month ahead.
        sql = f"TRUNCATE {_month(entry.at + dt.timedelta(days=62))}"
    with pytest.raises(DatabaseError, match="is append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AccessLogEntry.objects.filter(pk=entry.pk, username=entry.username).exists()


def test_months_are_created_ahead_once():
    with connection.cursor() as cursor:
        cursor.execute("SELECT ipgar_access_log_ensure_partitions(6)")
        created = cursor.fetchone()[0]
        cursor.execute("SELECT ipgar_access_log_ensure_partitions(6)")
        assert cursor.fetchone() == (0,)
    assert created in (3, 4)  # three were there from the migration (four across a month's end)
    assert _month(timezone.now() + dt.timedelta(days=6 * 31 - 5)) in _partitions()


def test_retention_drops_whole_months_only_past_five_years_whatever_is_asked():
    now = timezone.now()
    seven_years_ago = (now - dt.timedelta(days=7 * 366)).date()
    with connection.cursor() as cursor:
        cursor.execute("SELECT ipgar_access_log_ensure_partitions(3, %s)", [seven_years_ago])
        cursor.execute("SELECT ipgar_access_log_drop_partitions(1)")  # asks for one year: five is the floor
        dropped = cursor.fetchone()[0]
    parts = [p for p in _partitions() if p != "ipgar_accesslogentry_default"]
    oldest = min(parts)
    cutoff = now.astimezone(dt.UTC).date().replace(day=1)
    cutoff = cutoff.replace(year=cutoff.year - 5)
    assert oldest == f"ipgar_accesslogentry_{cutoff:%Y%m}"
    assert 20 <= dropped <= 26  # about two years of months
    assert _month(now) in parts


def test_the_daily_task_reports_what_it_did():
    assert tasks.access_log_partitions() == {"created": 0, "dropped": 0}


@pytest.mark.django_db(transaction=True)
def test_the_partitioning_migration_is_reversible_and_keeps_the_rows():
    from django.core.management import call_command

    entry = _write()

    def kind():
        with connection.cursor() as cursor:
            cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'ipgar_accesslogentry'")
            return cursor.fetchone()[0]

    call_command("migrate", "ipgar", "0008", verbosity=0)
    try:
        assert kind() == "r"
        assert AccessLogEntry.objects.filter(pk=entry.pk, username=entry.username).exists()
    finally:
        call_command("migrate", "ipgar", verbosity=0)
    assert kind() == "p"
    assert AccessLogEntry.objects.filter(pk=entry.pk, username=entry.username).exists()
    assert _write().pk > entry.pk
