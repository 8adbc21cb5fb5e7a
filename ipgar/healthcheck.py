"""The container's health probe: `python -m ipgar.healthcheck` (docker-compose.yml).

Asks gunicorn for /healthz the way the proxy would reach it: plain HTTP, with a Host the
application accepts (the first of DJANGO_ALLOWED_HOSTS; "localhost" would be refused with
400 as soon as the operator lists the real host names). Redirects are not followed: a 301
means the SSL redirect caught the probe, and that is a failure. Imports no Django, so it
stays cheap every ten seconds.
"""

import http.client
import os
import sys


def probe_host(allowed_hosts: str) -> str:
    for host in allowed_hosts.split(","):
        host = host.strip()
        if host and host != "*":
            return host.lstrip(".")  # ".example.nl" allows every subdomain and the domain itself
    return "localhost"


def check(port: int, host: str, timeout: float = 5.0) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", "/healthz", headers={"Host": host})
        return connection.getresponse().status
    finally:
        connection.close()


def main() -> int:
    port = int(os.environ.get("IPGAR_HEALTHCHECK_PORT", "8000"))
    try:
        status = check(port, probe_host(os.environ.get("DJANGO_ALLOWED_HOSTS", "")))
    except OSError as error:
        print(f"healthcheck: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"healthcheck: /healthz answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
