"""Shared fixtures: role users, the browser (Debian's Chromium) and the axe-core check."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# next to a running loop unless told that this is safe (it is: the loop is Playwright's).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_SOURCE = Path(__file__).resolve().parent.parent / "static" / "vendor" / "axe" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _flush_past_the_append_only_triggers():
    """A transactional test's teardown TRUNCATEs every table; the append-only logs refuse that.

    The test database's superuser switches the TRUNCATE triggers off for the flush only, in
    its transaction, and back on (ENABLE ALWAYS) before it commits. Production roles cannot
    do this (see tests/ipgar/test_append_only.py).
    """
    from django.db import transaction
    from django.db.backends.postgresql.operations import DatabaseOperations

    from ipgar import append_only

    if getattr(DatabaseOperations.execute_sql_flush, "_append_only_aware", False):
        return
    original = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with transaction.atomic(using=self.connection.alias), self.connection.cursor() as cursor:
            tables = append_only.protected_tables(cursor)
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER {append_only.TRUNCATE_TRIGGER}')
            original(self, sql_list)
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE ALWAYS TRIGGER {append_only.TRUNCATE_TRIGGER}')

    execute_sql_flush._append_only_aware = True
    DatabaseOperations.execute_sql_flush = execute_sql_flush


_flush_past_the_append_only_triggers()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Rendered monitor fragments are cached per snapshot id, submission tokens per user id:
    # ids repeat across tests.
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()
    yield


@pytest.fixture(autouse=True)
def _clear_guardian_content_type_cache():
    # django-guardian caches content types; a transactional test's flush gives them new ids.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


# Data migrations that seed reference data (roles, organisations, catalogues, bodies).
REFERENCE_DATA_MIGRATIONS = [
    "ipgar.migrations.0002_roles_and_organisations",
    "cases.migrations.0003_reference_data",
    "meetings.migrations.0002_meeting_bodies",
]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    return bool({"transactional_db", "live_server"} & set(request.fixturenames))


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test's teardown flushes every table, reference data included.

    pytest-django runs transactional tests last; the next one (a worker test without
    serialized_rollback, say) would find no roles or organisations. Put them back, the
    way the migrations made them, whenever they are missing.
    """
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        from django.apps import apps
        from django.contrib.auth.models import Group

        if not Group.objects.exists():
            from importlib import import_module

            from ipgar.apps import _sync_administrator_permissions

            for module in REFERENCE_DATA_MIGRATIONS:
                import_module(module).forwards(apps, None)
            _sync_administrator_permissions()
    yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Dutch users' browsers ask for Dutch; the English switch is tested explicitly.
    return {**browser_context_args, "locale": "nl-NL"}


@pytest.fixture
def axe():
    """Run axe-core on the page; fail on serious or critical violations (WCAG 2.1 AA)."""
    source = AXE_SOURCE.read_text()

    def check(page):
        # evaluate() runs outside the page's CSP, so no inline script is needed.
        page.evaluate(source)
        result = page.evaluate(
            """async () => await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
        )
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        details = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad]
        assert not bad, f"axe-core found on {page.url}:\n" + "\n".join(details)
        return result

    return check


@pytest.fixture
def browser_login(live_server, axe):
    """Log a demo-style user in through the real login page (axe-checked) and return the page."""

    def login(page, username, password="ipgar-demo"):
        page.goto(f"{live_server.url}/accounts/login/")
        axe(page)
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(password)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
        return page

    return login


class _WorkerHandle:
    def __init__(self, app, queue):
        self.app = app
        self.queue = queue


_WORKER_ARGS = ["worker", "--pool", "solo", "--without-gossip", "--without-mingle", "--loglevel", "INFO"]


def _start_worker(*, redis_url: str, queue: str, log: Path):
    """`celery worker` on its own queue, against the test database, logging to `log`."""
    import subprocess
    import sys

    from tests.db import database_url as server_database_url

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ipgar.settings.base",
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": server_database_url(),
        "REDIS_URL": redis_url,
    }
    root = Path(__file__).resolve().parent.parent
    with open(log, "w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "ipgar", *_WORKER_ARGS, "-Q", queue],
            cwd=root,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_for_worker(app, process, log: Path) -> None:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
        if process.poll() is not None:
            pytest.fail(f"celery worker exited: {log.read_text()}")
    pytest.fail(f"celery worker did not answer: {log.read_text()}")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real `celery worker` process on REDIS_URL, using the test database.

    Tests that need it write their data with `transactional_db` so the worker sees it.
    """
    import subprocess
    import uuid

    from celery import Celery

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the real-worker tests run in CI against the machine's Redis")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    process = _start_worker(redis_url=redis_url, queue=queue, log=log)
    app = Celery("ipgar-test-client", broker=redis_url, backend=redis_url)
    app.conf.task_default_queue = queue
    app.conf.task_always_eager = False
    try:
        _wait_for_worker(app, process, log)
        yield _WorkerHandle(app, queue)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
