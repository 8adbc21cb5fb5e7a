"""Measure one scale in this process: `python -m benchmarks.measure --scale S` (see run.py).

Runs with DJANGO_SETTINGS_MODULE=benchmarks.settings against the DATABASE_URL given by
run.py. Prints one JSON line with every measurement for this scale.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

# Always the benchmark settings: importing the ipgar package elsewhere sets a default first.
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_static.models import StaticDevice  # noqa: E402

from benchmarks.generate import TODAY, generate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
# BENCH_PAGES=case_list_sorted,case_detail measures only those pages (and the minimal page, the
# reference) and skips the monitor, the freeze and the throughput stage (unless "throughput" is
# named): a quick before/after run while working on a few pages. Unset: everything.
ONLY_PAGES = {name.strip() for name in os.environ.get("BENCH_PAGES", "").split(",") if name.strip()}


def _verified_client(user) -> Client:
    """A logged-in client whose session passed 2FA, as after a real TOTP check."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _time_pages(pages: dict) -> dict:
    """Median and p95 per page. The pages take turns, one request each per round, so a change
    in the machine's load during the run falls on every page alike and the ratios to the
    minimal page stay fair (the bench shares its cores with other work)."""
    counts = {}
    for name, (client, path) in pages.items():
        for _ in range(3):  # warm caches and connections
            response = client.get(path)
            assert response.status_code == 200, f"{path}: {response.status_code}"
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        # Count now: the next request's reset_queries empties the log the context reads from.
        counts[name] = len(captured)
    samples = {name: [] for name in pages}
    for _ in range(REQUESTS):
        for name, (client, path) in pages.items():
            begin = time.perf_counter()
            response = client.get(path)
            samples[name].append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200
    result = {}
    for name, (_client, path) in pages.items():
        ordered = sorted(samples[name])
        result[name] = {
            "path": path,
            "median_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[max(int(len(ordered) * 0.95) - 1, 0)], 2),
            "queries": counts[name],
        }
    return result


def _time_page(client: Client, path: str) -> dict:
    """Median and p95 of one page on its own (the access-log stage uses it)."""
    return _time_pages({"page": (client, path)})["page"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentiles(latencies_ms: list[float]) -> dict:
    ordered = sorted(latencies_ms) or [0.0]

    def at(share):
        return round(ordered[min(int(len(ordered) * share), len(ordered) - 1)], 1)

    return {"p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)}


_WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "WRK {\\"requests\\": %d, \\"errors\\": %d, \\"seconds\\": %.3f, "
    .. "\\"p50_ms\\": %.1f, \\"p95_ms\\": %.1f, \\"p99_ms\\": %.1f}\\n",
    summary.requests, e.connect + e.read + e.write + e.timeout + e.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def _wrk(port: int, path: str, cookie: str, *, clients: int, seconds: float) -> dict:
    """wrk (C, event loop): the load generator takes little of the machine's two cores."""
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(_WRK_SCRIPT)
        script.flush()
        output = subprocess.run(  # noqa: S603
            [
                shutil.which("wrk"),
                "-t2",
                f"-c{clients}",
                f"-d{int(seconds)}s",
                "--timeout",
                "30s",
                "-H",
                f"Cookie: sessionid={cookie}",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}{path}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    figures = json.loads(output.split("WRK ", 1)[1].splitlines()[0])
    elapsed = figures.pop("seconds")
    # Every non-2xx/3xx answer and every socket error counts as an error.
    return {"rps": round((figures["requests"] - figures["errors"]) / elapsed, 1), "tool": "wrk", **figures}


def _load(port: int, path: str, cookie: str, *, clients: int = 16, seconds: float = 30.0) -> dict:
    if shutil.which("wrk"):
        return _wrk(port, path, cookie, clients=clients, seconds=seconds)
    import http.client

    deadline = time.monotonic() + seconds
    counts = [0] * clients
    errors = [0] * clients
    latencies: list[list[float]] = [[] for _ in range(clients)]

    def worker(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            begin = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    counts[index] += 1
                else:
                    errors[index] += 1
            except Exception:  # noqa: BLE001 - any failure counts as an error
                errors[index] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            latencies[index].append((time.perf_counter() - begin) * 1000)
        conn.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - begin
    return {
        "rps": round(sum(counts) / elapsed, 1),
        "tool": "python threads",
        "requests": sum(counts),
        "errors": sum(errors),
        **_percentiles([value for values in latencies for value in values]),
    }


def _throughput(paths: dict, cookie: str) -> dict:
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "benchmarks.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        import http.client

        for path in paths.values():
            # wrk counts a redirect (to the login page) as a success: the session must answer 200 first.
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
            status = conn.getresponse().status
            conn.close()
            assert status == 200, f"{path}: {status} under gunicorn"
        _load(port, paths["minimal"], cookie, seconds=3)  # warm-up
        return {name: _load(port, path, cookie) for name, path in paths.items()}
    finally:
        server.terminate()
        server.wait(timeout=20)


def monitor_freeze(*, year: int, quarter: int, by) -> dict:
    """Freezing one quarter's monitor as the programme team does: gross figures,
    net suppression and the disclosure audit (linear programs over the release and every
    earlier released net monitor), both snapshots written. The previous quarter is frozen
    first, untimed, so the audit also checks differencing against a predecessor."""
    from monitor import services as monitor_services
    from monitor.models import MonitorSnapshot

    before = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    if not MonitorSnapshot.objects.filter(year=before[0], quarter=before[1]).exists():
        monitor_services.snapshot_build(year=before[0], quarter=before[1], by=by, today=TODAY)
    begin = time.perf_counter()
    _gross, net = monitor_services.snapshot_generate(year=year, quarter=quarter, by=by, reason="benchmark", today=TODAY)
    seconds = round(time.perf_counter() - begin, 3)
    audit = net.audit
    return {
        "seconds": seconds,
        "audit_seconds": audit["seconds"],
        "audit_passed": audit["passed"],
        "cells_checked": audit["checked"],
        "linear_programs": audit["programs"],
        "releases": len(audit["releases"]),
    }


def _role_user(role: str, username: str):
    """A user holding `role`: the generated data has none for some roles (partner, privacy officer, administrator)."""
    from django.contrib.auth.models import Group

    from ipgar.models import Organisation, User

    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": "Bench", "last_name": role, "organisation": Organisation.objects.first()},
    )
    if created:
        user.groups.add(Group.objects.get(name=role))
    return user


def bench_pages(*, programme, director, own_case, meeting) -> dict:
    """name -> (client, path): every main page, each read by the role that works on it."""
    from cases.models import Case, PartnerRegistration
    from ipgar import roles
    from ipgar.models import User

    pt_client = _verified_client(programme)
    director_client = _verified_client(director.user)
    advised = Case.objects.filter(status=Case.Status.ADVISED).order_by("pk").first()
    # A PTO-R member invited to the PTO-R meeting measured, an intervention partner with the most registrations.
    member = (
        User.objects.filter(groups__name=roles.PTO_R_MEMBER, invitations__meeting__body__kind="pto_r")
        .order_by("pk")
        .first()
    ) or _role_user(roles.PTO_R_MEMBER, "bench-ptor")
    partner_person = (
        User.objects.filter(pk__in=PartnerRegistration.objects.values("person")).order_by("pk").first()
        or User.objects.filter(groups__name=roles.INTERVENTION_PARTNER).order_by("pk").first()
    )
    homes = {
        "home_programme_team": pt_client,
        "home_director": director_client,
        "home_pto_r_member": _verified_client(member),
        "home_partner": _verified_client(_role_user(roles.PARTNER, "bench-partner")),
        "home_intervention_partner": _verified_client(partner_person),
        "home_privacy_officer": _verified_client(_role_user(roles.PRIVACY_OFFICER, "bench-fg")),
        "home_administrator": _verified_client(_role_user(roles.ADMINISTRATOR, "bench-admin")),
    }
    # A code fragment that matches a year of reports: the search scans, sorts and pages like the list.
    year = own_case.reported_on.year
    return {
        "minimal": (pt_client, "/bench/minimal/"),
        "case_list": (pt_client, "/cases/?status=active"),
        "case_list_sorted": (pt_client, "/cases/?status=active&sort=-last_contact"),
        # Sorted, searched (code, and a name: the identity lookup) and exported lists.
        "case_list_search_code": (pt_client, f"/cases/?q=R-{year}&sort=code"),
        "case_list_search_name": (pt_client, "/cases/?q=Jansen"),
        "meetings_filtered": (pt_client, "/meetings/?date_from=2025-01-01"),
        "caseload": (director_client, "/cases/caseload/"),
        "case_detail": (director_client, f"/cases/{own_case.pk}/"),
        "pool_overview": (pt_client, "/pool/"),
        # Sorted by a column header: the most alerts, the most free places, meetings by body.
        "caseload_sorted": (director_client, "/cases/caseload/?sort=-alerts"),
        "pool_overview_sorted": (pt_client, "/pool/?sort=-free_places"),
        "meetings_sorted": (pt_client, "/meetings/?date_from=2025-01-01&sort=body"),
        "assignment_assistant": (pt_client, f"/pool/assign/{advised.pk}/"),
        "meeting_page": (pt_client, f"/meetings/{meeting.pk}/"),
        "woo_preview": (pt_client, f"/meetings/{meeting.pk}/woo/"),
        **{name: (client, "/") for name, client in homes.items()},
    }


def _prepare_data(*, scale: str, cases: int) -> dict | None:
    """Migrate and generate the data once (what `generate` reports, or None when it was there)."""
    from ipgar.models import User

    call_command("migrate", verbosity=0)
    generated = None
    if not User.objects.filter(username="bench-pt").exists():
        print(f"[{scale}] generating {cases} cases …", file=sys.stderr, flush=True)
        generated = generate(cases=cases)
    # As autovacuum would in production: visibility map and statistics after the bulk load.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return generated


def _time_monitor(result: dict, *, programme) -> tuple[int, int]:
    """The monitor of the last full quarter (gross figures in SQL, net derived), computed and timed."""
    from monitor import figures as monitor_figures
    from monitor.quarters import Quarter

    year, quarter = (TODAY.year, (TODAY.month - 1) // 3) if TODAY.month > 3 else (TODAY.year - 1, 4)
    if ONLY_PAGES:
        return year, quarter
    begin = time.perf_counter()
    monitor_figures.compute(Quarter(year, quarter))
    result["monitor_seconds"] = round(time.perf_counter() - begin, 3)
    result["monitor_freeze"] = monitor_freeze(year=year, quarter=quarter, by=programme)
    return year, quarter


def _time_director_list(result: dict, *, director) -> None:
    """A director's permission-filtered case list, as the caseload page reads it."""
    from cases import selectors as case_selectors

    timings = []
    for _ in range(REQUESTS):
        begin = time.perf_counter()
        rows = case_selectors.caseload_rows(user=director.user)  # what the caseload page calls
        timings.append((time.perf_counter() - begin) * 1000)
    result["director_list_ms"] = round(statistics.median(timings), 2)
    result["director_list_rows"] = len(rows)


def _only_asked(pages: dict) -> dict:
    """The pages BENCH_PAGES names, and the minimal page; all of them when it is unset."""
    if not ONLY_PAGES:
        return pages
    unknown = ONLY_PAGES - set(pages) - {"throughput"}
    assert not unknown, f"BENCH_PAGES: no such page {sorted(unknown)}; pages: {sorted(pages)}"
    return {name: page for name, page in pages.items() if name == "minimal" or name in ONLY_PAGES}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--throughput", action="store_true")
    args = parser.parse_args()

    from cases.models import Case
    from ipgar.models import User
    from meetings.models import Meeting
    from pool.models import Director

    generated = _prepare_data(scale=args.scale, cases=args.cases)
    result = {"scale": args.scale, "cases": Case.objects.count(), "generated": generated}

    programme = User.objects.get(username="bench-pt")
    director = (
        Director.objects.annotate(n=Count("cases", filter=Q(cases__status=Case.Status.ACTIVE)))
        .order_by("-n", "pk")
        .select_related("user")
        .first()
    )
    own_case = Case.objects.filter(director=director, status=Case.Status.ACTIVE).order_by("pk").first()
    meeting = Meeting.objects.filter(body__kind="pto_r").order_by("-date", "pk").first()

    year, quarter = _time_monitor(result, programme=programme)
    _time_director_list(result, director=director)

    pages = bench_pages(programme=programme, director=director, own_case=own_case, meeting=meeting)
    pages["monitor_page"] = (pages["minimal"][0], f"/monitor/{year}/q{quarter}/gross/")
    cookie = pages["caseload"][0].cookies["sessionid"].value
    result["pages"] = _time_pages(_only_asked(pages))

    if args.throughput and (not ONLY_PAGES or "throughput" in ONLY_PAGES):
        result["throughput"] = _throughput({"minimal": "/bench/minimal/", "caseload": "/cases/caseload/"}, cookie)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
