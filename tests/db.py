"""Where the test database lives, for tests that open a second connection or start a process.

The embedded PostgreSQL (no DATABASE_URL) is reached through a socket directory that
dj-database-url puts in OPTIONS, not in HOST; a test that read only HOST would talk to
whatever server listens on the default socket, or to none.
"""

from urllib.parse import quote

from django.db import connection


def server_host() -> str | None:
    settings = connection.settings_dict
    return settings["HOST"] or settings["OPTIONS"].get("host") or None


def server_port() -> str | None:
    settings = connection.settings_dict
    return str(settings["PORT"] or settings["OPTIONS"].get("port") or "") or None


def database_url() -> str:
    """A DATABASE_URL for a child process, pointing at the test database on the same server."""
    settings = connection.settings_dict
    host = server_host() or ""
    netloc_host = quote(host, safe="") if host.startswith("/") else host
    port = f":{server_port()}" if server_port() else ""
    user, password = quote(settings["USER"] or ""), quote(settings["PASSWORD"] or "")
    return f"postgres://{user}:{password}@{netloc_host}{port}/{settings['NAME']}"
