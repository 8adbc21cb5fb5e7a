"""The append-only logs hold against the application's own database role (docs/access.md, "How access is tested").

A runtime role is created for the test, given its privileges by `grant_runtime_role` (as in
production), and then tries every way round the triggers on the real PostgreSQL: each is
refused, and the row is still there.
"""

import datetime as dt
import uuid

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from ipgar import append_only
from tests.db import server_host, server_port
from tests.ipgar.factories import UserFactory

LOGS = ["ipgar_accesslogentry", "ipgar_retentionlogentry", "ipgar_accesslogreview", "ipgar_rolechangelogentry"]

# Committed grants and roles are seen by the second connection: no test transaction around them.
pytestmark = pytest.mark.django_db(transaction=True)

INSERTS = {
    "ipgar_accesslogentry": (
        "INSERT INTO ipgar_accesslogentry (at, username, role, organisation, record_type, record_id, record_label,"
        " section, action, outcome, path) VALUES (now(), 'rt', '', '', 'cases.case', '1', 'R-2099-001', '',"
        " 'view', 'allowed', '/') RETURNING id"
    ),
    "ipgar_accesslogreview": (
        "INSERT INTO ipgar_accesslogreview (kind, signal, note, reviewed_by_id, reviewed_at) "
        "VALUES ('signal', 'denials:x', 'bekeken', (SELECT max(id) FROM ipgar_user), now()) RETURNING id"
    ),
    "ipgar_rolechangelogentry": (
        "INSERT INTO ipgar_rolechangelogentry (at, actor_username, subject_username, subject_role, changes, reason) "
        "VALUES (now(), 'admin', 'x', '', '{}', 'r') RETURNING id"
    ),
    "ipgar_retentionlogentry": (
        "INSERT INTO ipgar_retentionlogentry (at, case_id, case_code, removed, rule) "
        "VALUES (now(), 1, 'R-2099-001', '{}', '') RETURNING id"
    ),
}


@pytest.fixture
def runtime_role(django_db_setup, django_db_blocker):
    """A login role like production's ipgar_app, in the test database; dropped afterwards."""
    name = f"ipgar_rt_{uuid.uuid4().hex[:10]}"
    with django_db_blocker.unblock():
        UserFactory(username="fg-reviewer")  # for the review log's reviewed_by
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE ROLE {name} LOGIN")
        try:  # the role is cluster-wide: it goes even when the set-up fails
            with connection.cursor() as cursor:
                cursor.execute(f"GRANT CONNECT ON DATABASE {connection.settings_dict['NAME']} TO {name}")
            call_command("grant_runtime_role", name, stdout=open("/dev/null", "w"))  # noqa: SIM115
            yield name
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP OWNED BY {name}")
                cursor.execute(f"REVOKE ALL ON DATABASE {connection.settings_dict['NAME']} FROM {name}")
                cursor.execute(f"DROP ROLE {name}")
            connection.close()


def _connect(role):
    settings = connection.settings_dict
    return psycopg.connect(
        host=server_host(),
        port=server_port(),
        dbname=settings["NAME"],
        user=role,
        autocommit=False,
    )


def _refused(conn, statement, *, matches):
    """Run one statement in a savepoint; it must fail with `matches` in the message."""
    with pytest.raises(psycopg.Error) as failure, conn.transaction():
        conn.execute(statement)
    assert matches in str(failure.value), f"{statement}: {failure.value}"


@pytest.mark.parametrize("table", LOGS)
def test_the_runtime_role_cannot_change_a_log_in_any_way(runtime_role, table):
    with _connect(runtime_role) as conn:
        # The runtime role writes and reads the log as the application does.
        # TRUNCATE first: PostgreSQL refuses it anyway once this transaction has inserted a row.
        _refused(conn, f"TRUNCATE {table} CASCADE", matches="permission denied")
        row_id = conn.execute(INSERTS[table]).fetchone()[0]
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [row_id]).fetchone() == (1,)
        attempts = [
            (f"UPDATE {table} SET id = id WHERE id = {row_id}", "permission denied"),
            (f"DELETE FROM {table} WHERE id = {row_id}", "permission denied"),
            (
                f"SET LOCAL pgtrigger.ignore = '{table}:pgtrigger_protect'; DELETE FROM {table} WHERE id = {row_id}",
                "permission denied",
            ),
            (f"ALTER TABLE {table} DISABLE TRIGGER {append_only.ROW_TRIGGER}", "must be owner"),
            (f"ALTER TABLE {table} DISABLE TRIGGER ALL", "must be owner"),
            (f"DROP TRIGGER {append_only.ROW_TRIGGER} ON {table}", "must be owner"),
            (f"DROP TRIGGER {append_only.TRUNCATE_TRIGGER} ON {table}", "must be owner"),
            ("SET session_replication_role = replica", "permission denied"),
            ("SET LOCAL session_replication_role = replica", "permission denied"),
            (f"ALTER TABLE {table} OWNER TO CURRENT_USER", "must be owner"),
            (f"DROP TABLE {table}", "must be owner"),
            (
                "CREATE OR REPLACE FUNCTION ipgar_append_only() RETURNS trigger LANGUAGE sql AS 'SELECT NULL'",
                "permission denied",
            ),
            (f"CREATE TABLE {table}_copy (id bigint)", "permission denied"),
        ]
        for statement, matches in attempts:
            _refused(conn, statement, matches=matches)
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [row_id]).fetchone() == (1,)
        conn.rollback()


@pytest.mark.parametrize("table", LOGS)
def test_the_trigger_refuses_even_the_owner_and_consults_nothing(django_db_setup, django_db_blocker, table):
    # The test database's superuser (also the tables' owner) stands in for a role the
    # privileges do not stop: the trigger itself ignores pgtrigger.ignore and replica mode.
    with django_db_blocker.unblock():
        UserFactory(username="fg-reviewer")
        settings = connection.settings_dict
        conn = psycopg.connect(host=server_host(), port=server_port(), dbname=settings["NAME"], user=settings["USER"])
    with conn:
        # TRUNCATE first: PostgreSQL refuses it anyway once this transaction has inserted a row.
        for statement in (
            f"TRUNCATE {table} CASCADE",
            f"SET LOCAL session_replication_role = replica; TRUNCATE {table} CASCADE",
        ):
            _refused(conn, statement, matches="is append-only")
        row_id = conn.execute(INSERTS[table]).fetchone()[0]
        attempts = [
            f"UPDATE {table} SET id = id WHERE id = {row_id}",
            f"DELETE FROM {table} WHERE id = {row_id}",
            f"SET LOCAL pgtrigger.ignore = '{table}:pgtrigger_protect'; DELETE FROM {table} WHERE id = {row_id}",
            f"SET LOCAL session_replication_role = replica; DELETE FROM {table} WHERE id = {row_id}",
            f"SET LOCAL session_replication_role = replica; UPDATE {table} SET id = id WHERE id = {row_id}",
        ]
        for statement in attempts:
            _refused(conn, statement, matches="is append-only")
        assert conn.execute(f"SELECT count(*) FROM {table} WHERE id = %s", [row_id]).fetchone() == (1,)
        conn.rollback()


def test_the_runtime_role_cannot_touch_a_partition_of_the_access_log(runtime_role):
    from django.utils import timezone

    part = f"ipgar_accesslogentry_{timezone.now().astimezone(dt.UTC):%Y%m}"
    with _connect(runtime_role) as conn:
        attempts = [
            (f"TRUNCATE {part}", "permission denied"),
            (f"UPDATE {part} SET username = 'x'", "permission denied"),
            (f"DELETE FROM {part}", "permission denied"),
            (f"ALTER TABLE {part} DISABLE TRIGGER {append_only.TRUNCATE_TRIGGER}", "must be owner"),
            (f"ALTER TABLE ipgar_accesslogentry DETACH PARTITION {part}", "must be owner"),
            (f"DROP TABLE {part}", "must be owner"),
        ]
        for statement, matches in attempts:
            _refused(conn, statement, matches=matches)
        # The upkeep functions are the runtime role's to call; they drop nothing younger than five years.
        assert conn.execute("SELECT ipgar_access_log_drop_partitions(0)").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM pg_class WHERE relname = %s", [part]).fetchone() == (1,)
        conn.rollback()


def test_grant_runtime_role_refuses_a_superuser(django_db_setup, django_db_blocker):
    from django.core.management.base import CommandError

    with django_db_blocker.unblock(), pytest.raises(CommandError, match="superuser"):
        call_command("grant_runtime_role", connection.settings_dict["USER"])
