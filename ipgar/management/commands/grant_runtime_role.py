"""Give the application's runtime database role what it needs, and not the logs' keys.

Run as the owner of the tables (the role migrations run as), after every `migrate`:

    manage.py grant_runtime_role ipgar_app

The runtime role may read and write the application's tables, but on every append-only
table (ipgar.append_only) it holds only SELECT and INSERT: no UPDATE, DELETE or TRUNCATE,
and, not being the owner, it cannot disable or drop the triggers either. Idempotent.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from ipgar import append_only


class Command(BaseCommand):
    help = "Grant the runtime database role its privileges: INSERT and SELECT only on the append-only logs."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the database role the web application, worker and beat log in as")

    def handle(self, *args, role, **options):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"No database role {role!r}: create it first (see README, Database roles).")
            if row[0]:
                raise CommandError(f"{role!r} is a superuser: a superuser can switch off any trigger.")
            cursor.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
                "AND pg_has_role(%s, c.relowner, 'USAGE')",
                [role],
            )
            if cursor.fetchone()[0]:
                raise CommandError(
                    f"{role!r} owns (or is a member of the owner of) tables: it could drop the triggers."
                )
            name = sql.Identifier(role)
            cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name))
            cursor.execute(
                sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name)
            )
            cursor.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name))
            cursor.execute(
                sql.SQL("REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA public FROM {}").format(name)
            )
            # The migration record is the owner's business.
            cursor.execute(sql.SQL("REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {}").format(name))
            logs = append_only.protected_tables(cursor)
            for table in logs:
                cursor.execute(sql.SQL("REVOKE ALL ON {} FROM {}").format(sql.Identifier(table), name))
                cursor.execute(sql.SQL("GRANT SELECT, INSERT ON {} TO {}").format(sql.Identifier(table), name))
            for function in append_only.RUNTIME_FUNCTIONS:
                cursor.execute(
                    "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                    "WHERE n.nspname = current_schema() AND p.proname = %s",
                    [function],
                )
                for (signature,) in cursor.fetchall():
                    cursor.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(sql.SQL(signature), name))
        self.stdout.write(
            f"{role}: read/write on the application's tables; SELECT and INSERT only on {', '.join(logs)}."
        )
