"""Production mode starts and serves: run by `make check` (and so by CI).

Under production settings (DJANGO_DEBUG=false, the manifest static storage) it runs
`collectstatic` into a temporary directory, starts gunicorn on a free loopback port, then
asserts, with real HTTP requests:
- /accounts/login/ through the trusted proxy (X-Forwarded-Proto: https) answers 200 and
  names its static files by hashed name, and each of those files is served (200);
- the same page without the proxy's header is redirected to HTTPS (the SSL redirect is on,
  and a client's own X-Forwarded-Proto is not believed);
- the container's health probe (ipgar.healthcheck) gets 200 over plain HTTP.

Needs DATABASE_URL, or falls back to the embedded PostgreSQL (IPGAR_EMBEDDED_POSTGRES).
"""

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "ipgar.example.nl"
HASHED = re.compile(r"""(?:href|src)="(/static/[^"]+\.[0-9a-f]{12}\.(?:css|js|svg|woff2))\"""")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _environment(static_root: str) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="ipgar.settings.base",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="smoke-" + secrets.token_hex(32),
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_STATIC_ROOT=static_root,
        DJANGO_LOG_LEVEL="WARNING",
        IPGAR_TRUSTED_PROXIES="127.0.0.1",
        FORWARDED_ALLOW_IPS="127.0.0.1",
    )
    if not env.get("DATABASE_URL"):
        env["IPGAR_EMBEDDED_POSTGRES"] = "true"
    return env


def _check_pages(port: int) -> None:
    status, _, body = _get(port, "/accounts/login/", {"X-Forwarded-Proto": "https"})
    assert status == 200, f"/accounts/login/ through the proxy answered {status}:\n{body[:2000]}"
    assets = sorted(set(HASHED.findall(body)))
    assert any(asset.endswith(".css") for asset in assets), f"no hashed stylesheet on the login page:\n{body[:2000]}"
    for asset in assets:
        asset_status, headers, _ = _get(port, asset, {"X-Forwarded-Proto": "https"})
        assert asset_status == 200, f"{asset} answered {asset_status}"
        assert "immutable" in headers.get("Cache-Control", ""), f"{asset} is not served as immutable"
    status, headers, _ = _get(port, "/accounts/login/")
    assert status == 301 and headers.get("Location", "").startswith("https://"), f"plain HTTP answered {status}"
    probe = subprocess.run(
        [sys.executable, "-m", "ipgar.healthcheck"],
        cwd=ROOT,
        env={**os.environ, "IPGAR_HEALTHCHECK_PORT": str(port), "DJANGO_ALLOWED_HOSTS": HOST},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert probe.returncode == 0, f"the health probe failed: {probe.stderr}"
    print(f"production smoke: login page 200 with {len(assets)} hashed static files, HTTP redirected, health 200")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="ipgar-static-") as static_root:
        env = _environment(static_root)
        collect = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if collect.returncode != 0:
            print("collectstatic failed under production settings:\n" + collect.stdout + collect.stderr)
            return 1
        port = _free_port()
        gunicorn = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "ipgar.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            for _ in range(120):
                try:
                    _get(port, "/healthz")
                    break
                except OSError:
                    if gunicorn.poll() is not None:
                        break
                    time.sleep(0.5)
            _check_pages(port)
        except (AssertionError, OSError) as error:
            gunicorn.terminate()
            output = gunicorn.communicate(timeout=30)[0]
            print(f"production smoke failed: {error}\n--- gunicorn ---\n{output[-4000:]}")
            return 1
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
