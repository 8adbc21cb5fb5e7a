"""The access log at national scale: `python -m benchmarks.access_log` (run by make bench).

Builds (once; BENCH_FRESH=1 rebuilds) a database `ipgar_bench_log` whose access log holds
BENCH_LOG_ROWS rows (default 50,000,000; e.g. BENCH_LOG_ROWS=1000000 for a quick run),
written with COPY: five years up to TODAY, 14 roles with a realistic skew (a few roles and
people do most reading, case reads follow a Zipf-like curve over 20,000 cases, office hours,
use growing over the years, about 1% refusals). Then measures, through the full
middleware stack as the privacy officer (2FA-verified session), against the minimal page:

- the log page without filters and filtered on person, case and period;
- the per-person view (all reads of one data subject's case);
- a month's CSV, streamed: time, rows and the process's peak memory growth;
- writing one row (`ipgar.access_log.record`) on the full log and on an empty one.

Prints one JSON line; run.py puts it into results.json and BENCHMARKS.md.
"""

import json
import os
import random
import statistics
import sys
import time

os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"

import django

django.setup()

import datetime as dt  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from benchmarks.measure import _verified_client  # noqa: E402
from ipgar import access_log, roles  # noqa: E402
from ipgar.models import AccessLogEntry, User  # noqa: E402

TODAY = dt.date(2026, 11, 1)
YEARS = 5
CASES = 20_000
PEOPLE = 2_000
ROWS = int(os.environ.get("BENCH_LOG_ROWS", "50000000"))
CHUNK = 200_000
# 14 roles as the log records them, with their share of the reads.
ROLE_WEIGHTS = {
    "case_director": 46,
    "programme_team": 18,
    "intervention_partner": 9,
    "pto_r_member": 6,
    "partner": 4,
    "privacy_officer": 3,
    "administrator": 2,
    "police_liaison": 3,
    "probation_officer": 2,
    "ggd_officer": 2,
    "wpi_officer": 2,
    "om_officer": 1,
    "district_attention_officer": 1,
    "amstelland_director": 1,
}
SECTIONS = ["", "identity", "contacts", "plan", "information_picture", "history", "caseload", "registrations"]
ACTIONS = ["view"] * 80 + ["list"] * 12 + ["search"] * 3 + ["export"] * 2 + ["download"] * 2 + ["print"]


def _month_starts() -> list[dt.date]:
    first = TODAY.replace(year=TODAY.year - YEARS)
    months, month = [], first
    while month < TODAY:
        months.append(month)
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _people(rng: random.Random) -> list[tuple[int | None, str, str, str]]:
    """(user id, username, role, organisation) of PEOPLE log writers; real users for a few."""
    roles_ = list(ROLE_WEIGHTS)
    weights = list(ROLE_WEIGHTS.values())
    people = []
    for index in range(PEOPLE):
        role = rng.choices(roles_, weights)[0]
        people.append((None, f"bench-{role[:12]}-{index:04d}", role, f"Organisatie {index % 23}"))
    return people


COLUMNS = (
    "at, username, role, organisation, record_type, record_id, record_label, section, action, outcome, "
    "client_address, path"
)


def _generate(rows: int) -> float:
    """COPY `rows` log rows into the (empty) partitioned table; returns seconds taken.

    The rows are made by PostgreSQL (`COPY (SELECT …) TO STDOUT` on one connection) and
    streamed in blocks into `COPY ipgar_accesslogentry FROM STDIN` on another: no ORM, no
    per-row Python, so 50 million rows take minutes, not hours. Skew: people and cases
    drawn as power(random(), k) over ranked lists (a few very often, most rarely), roles
    weighted per person, office hours, use growing linearly over the five years.
    """
    import psycopg

    started = time.monotonic()
    months = _month_starts()
    month_weights = [1 + 2 * index / (len(months) - 1) for index in range(len(months))]
    total_weight = sum(month_weights)
    _load_people(first_month=months[0])
    params = _connection_params()
    # Loading into a table with nine indexes runs at ~10,000 rows/s here; without them and
    # building the indexes afterwards (sorted, per partition) is several times faster.
    index_sql = _secondary_indexes()
    with connection.cursor() as cursor:
        for statement in index_sql:
            cursor.execute(f"DROP INDEX IF EXISTS {statement.split()[2]}")
    written = 0
    with psycopg.connect(**params) as source, psycopg.connect(**params, autocommit=True) as target:
        for index, month in enumerate(months):
            count = round(rows * month_weights[index] / total_weight) if index < len(months) - 1 else rows - written
            with (
                source.cursor().copy(f"COPY ({_month_query(month, count)}) TO STDOUT") as out,
                target.cursor().copy(f"COPY ipgar_accesslogentry ({COLUMNS}) FROM STDIN") as into,
            ):
                for block in out:
                    into.write(block)
            written += count
            print(
                f"  {month:%Y-%m}: {written:,} rows ({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True
            )
        _build_indexes(target, index_sql, started=started)
    return round(time.monotonic() - started, 1)


def _load_people(*, first_month: dt.date) -> None:
    """The partitions from `first_month` on, and the people table the generator draws from."""
    rng = random.Random(17)  # deterministic people and roles
    with connection.cursor() as cursor:
        cursor.execute("SELECT ipgar_access_log_ensure_partitions(3, %s)", [first_month])
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_people "
            "(idx integer PRIMARY KEY, username text, role text, organisation text)"
        )
        cursor.execute("TRUNCATE bench_people")
        cursor.executemany(
            "INSERT INTO bench_people VALUES (%s, %s, %s, %s)",
            [(index, *person[1:]) for index, person in enumerate(_people(rng))],
        )
    connection.connection.commit() if not connection.get_autocommit() else None


def _connection_params() -> dict:
    """psycopg's connection arguments for Django's database (the generator opens two more)."""
    settings = connection.settings_dict
    params = {"dbname": settings["NAME"], "user": settings["USER"], "host": settings["HOST"] or None}
    if settings["PORT"]:
        params["port"] = settings["PORT"]
    if settings["PASSWORD"]:
        params["password"] = settings["PASSWORD"]
    return params


def _month_query(month: dt.date, count: int) -> str:
    """The SELECT that makes `count` rows of `month`, for COPY … TO STDOUT."""
    sections = "ARRAY[" + ", ".join(f"'{name}'" for name in SECTIONS) + "]"
    actions = "ARRAY[" + ", ".join(f"'{name}'" for name in ACTIONS) + "]"
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    days = (next_month - month).days
    return f"""
                SELECT timestamptz '{month} 00:00:00+01'
                       + floor(random() * {days}) * interval '1 day'
                       + (7 + 12 * (random() + random()) / 2) * interval '1 hour',
                       p.username, p.role, p.organisation, 'cases.case', r.c::text,
                       CASE WHEN r.denied THEN ''
                            ELSE 'R-' || (2016 + r.c % 11) || '-' || lpad((r.c % 1000)::text, 3, '0') END,
                       ({sections})[1 + floor(random() * {len(SECTIONS)})::int],
                       ({actions})[1 + floor(random() * {len(ACTIONS)})::int],
                       CASE WHEN r.denied THEN 'denied' ELSE 'allowed' END,
                       ('10.' || (r.c % 250) || '.' || (g % 250) || '.' || (r.p % 250))::inet,
                       '/cases/' || r.c || '/'
                FROM generate_series(1, {count}) AS g
                CROSS JOIN LATERAL (
                    SELECT floor({PEOPLE} * power(random(), 3))::int AS p,
                           1 + floor({CASES} * power(random(), 4))::int AS c,
                           random() < 0.01 AS denied
                    WHERE g > 0
                ) AS r
                JOIN bench_people p ON p.idx = r.p
            """


def _build_indexes(target, index_sql: list[str], *, started: float) -> None:
    target.execute("SET maintenance_work_mem = '512MB'")
    for statement in index_sql:
        target.execute(statement)
        elapsed = time.monotonic() - started
        print(f"  {statement.split()[2]} built ({elapsed:.0f} s)", file=sys.stderr, flush=True)
    target.execute("VACUUM (ANALYZE) ipgar_accesslogentry")


def _secondary_indexes() -> list[str]:
    """CREATE INDEX statements of the log's indexes as migrated (all but the primary key), for
    the whole partitioned table: later migrations change them, so they are read, not listed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s"
            " AND indexname <> %s ORDER BY indexname",
            ["ipgar_accesslogentry", "ipgar_accesslogentry_pkey"],
        )
        # The parent's definition reads ON ONLY; without ONLY it is built on every month.
        return [row[0].replace(" ON ONLY ", " ON ", 1) for row in cursor.fetchall()]


def _cumulative(weights):
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _write_cost(user, *, count: int = 2000) -> dict:
    """Median and mean microseconds of one `access_log.record` (autocommit, as in a request)."""
    request = RequestFactory().get("/cases/1/")
    request.user = user
    samples = []
    for n in range(count):
        begin = time.perf_counter()
        access_log.record(request, record_type="cases.case", record_id=str(n % 500 + 1), label="R-2026-001")
        samples.append((time.perf_counter() - begin) * 1e6)
    return {"median_us": round(statistics.median(samples), 1), "mean_us": round(statistics.fmean(samples), 1)}


REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))


def _time_pages(client, pages: dict[str, str]) -> dict:
    """Median and p95 of each page over REQUESTS requests after warm-up, and its query count. The
    pages take turns request by request (as in measure.py), so a busy spell of the machine falls on
    all of them alike and the ratios to the minimal page stay fair."""
    from django.test.utils import CaptureQueriesContext

    samples, results = {name: [] for name in pages}, {}
    for name, path in pages.items():
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        results[name] = {"path": path, "queries": len(captured)}
    for _ in range(REQUESTS):
        for name, path in pages.items():
            begin = time.perf_counter()
            response = client.get(path)
            samples[name].append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200
    for name, values in samples.items():
        values.sort()
        results[name]["median_ms"] = round(statistics.median(values), 2)
        results[name]["p95_ms"] = round(values[max(int(len(values) * 0.95) - 1, 0)], 2)
    return results


def _rss_mb() -> float:
    for line in open("/proc/self/status"):  # noqa: SIM115
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _csv_month(client, month: dt.date) -> dict:
    """Stream a month's CSV; the resident memory is sampled while it streams (bounded: it must not
    grow with the rows)."""
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    path = f"/audit/access-log.csv?date_from={month}&date_until={next_month - dt.timedelta(days=1)}"
    before = _rss_mb()
    peak = before
    begin = time.perf_counter()
    response = client.get(path)
    assert response.status_code == 200
    rows = size = 0
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
        size += len(chunk)
        if rows % 20000 < 2:
            peak = max(peak, _rss_mb())
    seconds = time.perf_counter() - begin
    peak = max(peak, _rss_mb())
    return {
        "path": path,
        "rows": rows - 1,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(seconds, 1),
        "rows_per_second": round((rows - 1) / seconds),
        "rss_before_mb": round(before, 1),
        "rss_peak_mb": round(peak, 1),
    }


def _explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> int:
    call_command("migrate", verbosity=0)
    existing = AccessLogEntry.objects.exists()
    generated = None
    if not existing:
        generated = {"rows": ROWS, "seconds": _generate(ROWS)}
    fg, _ = User.objects.get_or_create(username="bench-fg", defaults={"first_name": "Privacy"})
    _add_role(fg)
    client = _verified_client(fg)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ipgar_accesslogentry")
        rows = cursor.fetchone()[0]
        month = f"{TODAY - dt.timedelta(days=20):%Y%m}"
        cursor.execute(f"SELECT username FROM ipgar_accesslogentry_{month} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
        heavy_user = cursor.fetchone()[0]
    case_code = "R-2017-001"  # case 1: the most read one
    with connection.cursor() as cursor:
        # A case read as often as the median case (half the cases are read more).
        cursor.execute(
            f"SELECT record_label FROM ipgar_accesslogentry_{month} WHERE record_label <> '' "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 OFFSET (SELECT count(DISTINCT record_label) / 2 "
            f"FROM ipgar_accesslogentry_{month}) LIMIT 1"
        )
        typical_code = cursor.fetchone()[0]
        cursor.execute(
            f"SELECT record_id FROM ipgar_accesslogentry_{month} WHERE record_label = %s LIMIT 1", [typical_code]
        )
        typical_id = int(cursor.fetchone()[0])
    # The per-person view finds a data subject's case by its code: the two cases must exist.
    _case(1, case_code)
    _case(typical_id, typical_code)
    week_until = TODAY - dt.timedelta(days=10)
    week_from = week_until - dt.timedelta(days=6)
    pages = {
        "minimal": "/bench/minimal/",
        "access_log": "/audit/access-log/",
        "access_log_person": f"/audit/access-log/?person={heavy_user}",
        "access_log_case_typical": f"/audit/access-log/?record={typical_code}",
        "access_log_case_hottest": f"/audit/access-log/?record={case_code}",
        "access_log_period": f"/audit/access-log/?date_from={week_from}&date_until={week_until}",
        "access_log_subject_typical": f"/audit/access-log/person/?case={typical_code}",
        "access_log_subject_hottest": f"/audit/access-log/person/?case={case_code}",
        "access_log_all_filters": (
            f"/audit/access-log/?person={heavy_user}&record={case_code}&date_from={week_from - dt.timedelta(days=365)}"
            f"&date_until={week_until}"
        ),
    }
    results = {"rows": rows, "generated": generated, "pages": _time_pages(client, pages)}
    results["csv_month"] = _csv_month(client, (TODAY - dt.timedelta(days=20)).replace(day=1))
    results["write_full"] = _write_cost(fg)
    results.update(_explains(heavy_user, week_from, week_until, case_code))
    print(json.dumps(results))
    return 0


def _explains(heavy_user: str, week_from, week_until, case_code: str) -> dict:
    """EXPLAIN (ANALYZE, BUFFERS) of the person filter, a week, and the first page of the most-read
    case and of its per-person view as the views send them (one ordered scan per condition, merged)."""
    from ipgar.access_log_query import LogQuery
    from ipgar.audit_views import access_log_filtered

    _form, hottest = access_log_filtered(data={"record": case_code})
    log = AccessLogEntry.objects.all()
    subject = LogQuery([log.filter(record_type="cases.case", record_id="1"), log.filter(record_label=case_code)])
    return {
        "explain_person": _explain(
            "SELECT * FROM ipgar_accesslogentry WHERE upper(username) = upper(%s) ORDER BY at DESC, id DESC LIMIT 50",
            [heavy_user],
        ),
        "explain_period": _explain(
            "SELECT * FROM ipgar_accesslogentry WHERE at >= %s AND at < %s ORDER BY at DESC, id DESC LIMIT 50",
            [week_from, week_until],
        ),
        "explain_case_hottest": _explain(*hottest.queryset(51).query.sql_with_params()),
        "explain_subject_hottest": _explain(*subject.queryset(101).query.sql_with_params()),
    }


def _case(pk: int, code: str) -> None:
    from cases.models import Case
    from tests.cases.factories import CaseFactory

    if not Case.objects.filter(pk=pk).exists():
        # Its own director: the factories' sequences start again in every run, and a second
        # run (another typical case) would give an existing director's user to a new director.
        CaseFactory(id=pk, code=code, active=True, director__user__username=f"bench-director-{pk}")


def _add_role(user) -> None:
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=roles.PRIVACY_OFFICER))


def empty_write_cost() -> int:
    """In an empty, migrated database: the write cost the full log is compared with."""
    call_command("migrate", verbosity=0)
    user, _ = User.objects.get_or_create(username="bench-writer")
    print(json.dumps({"write_empty": _write_cost(user)}))
    connections.close_all()
    return 0


if __name__ == "__main__":
    sys.exit(empty_write_cost() if "--empty" in sys.argv else main())
