"""Append-only tables: a database trigger that refuses UPDATE, DELETE and TRUNCATE, always.

The access log and the retention log (and any other log that must not change) carry two
triggers calling `ipgar_append_only()`, a plpgsql function that raises and reads nothing:
no session variable (pgtrigger's `pgtrigger.ignore` switched its trigger off), no setting.
The triggers are ENABLE ALWAYS, so `session_replication_role = replica` does not skip them.

What a trigger cannot stop is the table's owner (or a superuser) disabling or dropping it.
That is closed by roles: the application runs as a role that does not own the tables and
holds only INSERT and SELECT on these logs (`manage.py grant_runtime_role`, README
"Database roles"); migrations run as the owner.

A new append-only table: in its migration,

    migrations.RunSQL(append_only.install_sql("app_table"), append_only.uninstall_sql("app_table"))

(after `ipgar.0004_append_only_logs`, which creates the function). `grant_runtime_role`
finds every table with the trigger and leaves the runtime role only INSERT and SELECT there.
"""

ROW_TRIGGER = "ipgar_append_only"
TRUNCATE_TRIGGER = "ipgar_append_only_truncate"

FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION ipgar_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ipgar: % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""
DROP_FUNCTION_SQL = "DROP FUNCTION IF EXISTS ipgar_append_only();"


def install_sql(table: str, *, truncate_only: bool = False) -> str:
    """Triggers that refuse UPDATE, DELETE (per row) and TRUNCATE on `table`, also in replica mode.

    `truncate_only` is for a partition of a partitioned table: PostgreSQL clones the row
    trigger from the parent, but a TRUNCATE trigger is per table.
    """
    statements = []
    if not truncate_only:
        statements += [
            f'CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION ipgar_append_only();",
            f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER {ROW_TRIGGER};',
        ]
    statements += [
        f'CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION ipgar_append_only();",
        f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER {TRUNCATE_TRIGGER};',
    ]
    return "\n".join(statements)


def uninstall_sql(table: str) -> str:
    return (
        f'DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON "{table}";\nDROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON "{table}";'
    )


def protected_tables(cursor) -> list[str]:
    """Every table (partitions included) that carries the append-only TRUNCATE trigger."""
    cursor.execute(
        "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE t.tgname = %s AND n.nspname = current_schema() ORDER BY 1",
        [TRUNCATE_TRIGGER],
    )
    return [row[0] for row in cursor.fetchall()]


# SECURITY DEFINER functions (owned by the owner) the runtime role may call: the access
# log's partition upkeep (ipgar.0005), which creates next months and drops only months the
# retention period has passed.
RUNTIME_FUNCTIONS: list[str] = ["ipgar_access_log_ensure_partitions", "ipgar_access_log_drop_partitions"]
