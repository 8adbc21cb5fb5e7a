"""The access-log stage of `make bench`: its own databases, then the results.

`python -m benchmarks.access_log_run` runs it alone (BENCH_LOG_ROWS sets the size of a new
log; the database `ipgar_bench_log` is kept between runs unless BENCH_FRESH=1; as in run.py,
BENCH_DATABASE_PREFIX names it `<prefix>_log`, so a small development log can sit beside the
50 M one),
and merges the figures into benchmarks/results.json and the section of BENCHMARKS.md
between the access-log markers. run.py calls `measure()` after the page benchmark.
"""

import json
import os
import subprocess
import sys

from benchmarks.run import ROOT, _database_url_for, _server_url

WRITE_TARGET = 1.2
PAGE_TARGET = 4.0
START, END = "<!-- access-log:start -->", "<!-- access-log:end -->"


def _run(url: str, *args: str) -> dict:
    output = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "benchmarks.access_log", *args],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"},
        capture_output=True,
        text=True,
    )
    sys.stderr.write(output.stderr[-3000:])
    if output.returncode != 0:
        raise SystemExit(output.stdout[-3000:] + output.stderr[-3000:])
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure() -> dict:
    base = _server_url()
    # The empty database is always made again.
    fresh = os.environ.get("BENCH_FRESH")
    os.environ["BENCH_FRESH"] = "1"
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "ipgar_bench")
    empty_url = _database_url_for(base, f"{prefix}_log_empty")
    if fresh is None:
        del os.environ["BENCH_FRESH"]
    full_url = _database_url_for(base, f"{prefix}_log")
    empty = _run(empty_url, "--empty")
    full = _run(full_url)
    statement = _statement_cost(empty_url, full_url)
    minimal = full["pages"]["minimal"]["median_ms"]
    summary = {
        "rows": full["rows"],
        "generated": full["generated"],
        "page_ratio_median": {
            name: round(page["median_ms"] / minimal, 2) for name, page in full["pages"].items() if name != "minimal"
        },
        "page_ratio_p95": {
            name: round(page["p95_ms"] / full["pages"]["minimal"]["p95_ms"], 2)
            for name, page in full["pages"].items()
            if name != "minimal"
        },
        "pages": full["pages"],
        "csv_month": full["csv_month"],
        "write_full_us": full["write_full"],
        "write_empty_us": empty["write_empty"],
        "write_ratio_median": round(full["write_full"]["median_us"] / empty["write_empty"]["median_us"], 2),
        "insert_statement_us": statement,
        "insert_ratio_median": round(statement["full"]["median_us"] / statement["empty"]["median_us"], 2),
        "explain_person": full["explain_person"],
        "explain_period": full["explain_period"],
        "explain_case_hottest": full.get("explain_case_hottest", ""),
        "explain_subject_hottest": full.get("explain_subject_hottest", ""),
    }
    return summary


INSERT = (
    "INSERT INTO ipgar_accesslogentry (at, user_id, username, role, organisation, record_type, record_id,"
    " record_label, section, action, outcome, client_address, path) VALUES (now(), NULL, %s, 'case_director',"
    " 'OOV', 'cases.case', %s, 'R-2026-001', '', 'view', 'allowed', '10.0.0.1', '/cases/1/') RETURNING id"
)


def _statement_cost(empty_url: str, full_url: str, *, count: int = 3000) -> dict:
    """The access log's INSERT (as record() sends it, committed) on both databases, alternating
    so both see the same machine load: median and mean microseconds."""
    import statistics
    import time

    import psycopg

    samples = {"empty": [], "full": []}
    with (
        psycopg.connect(empty_url.replace("postgres://", "postgresql://", 1), autocommit=True) as empty,
        psycopg.connect(full_url.replace("postgres://", "postgresql://", 1), autocommit=True) as full,
    ):
        for n in range(count):
            for name, conn in (("empty", empty), ("full", full)) if n % 2 else (("full", full), ("empty", empty)):
                begin = time.perf_counter()
                conn.execute(INSERT, [f"bench-writer-{n % 50}", str(n % 20000 + 1)]).fetchone()
                samples[name].append((time.perf_counter() - begin) * 1e6)
    return {
        name: {"median_us": round(statistics.median(values), 1), "mean_us": round(statistics.fmean(values), 1)}
        for name, values in samples.items()
    }


def _head(plan: str, lines: int = 30) -> str:
    rows = plan.splitlines()
    return "\n".join(
        rows[:lines] + ([f"… ({len(rows) - lines} more lines in results.json)"] if len(rows) > lines else [])
    )


def _explain_blocks(summary: dict) -> list[str]:
    blocks = [
        ("EXPLAIN (ANALYZE, BUFFERS) of the person filter:", "explain_person"),
        ("and of a week's period:", "explain_period"),
        (
            "and of the first page of the most-read case (one ordered scan per condition, merged):",
            "explain_case_hottest",
        ),
        ("and of its per-person view (a page of 100, read as 101):", "explain_subject_hottest"),
    ]
    lines = []
    for title, key in blocks:
        if summary.get(key):
            lines += [title, "", "```", _head(summary[key]), "```", ""]
    return lines


def markdown(summary: dict) -> str:
    lines = [
        START,
        "## The access log at scale",
        "",
        f"`benchmarks/access_log.py`: {summary['rows']:,} rows generated with COPY (five years, 14 roles, Zipf-like"
        " skew over people and 20,000 cases, office hours, growing use, ~1% refusals"
        + (f"; generated in {summary['generated']['seconds']} s" if summary.get("generated") else "; reused")
        + "), the table partitioned by month (ipgar.0009). Pages as the privacy officer through the full"
        " middleware stack, against the minimal page of the same run.",
        "",
        "| page | median (ms) | p95 (ms) | ratio median | ratio p95 | queries | target ≤ 4× |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, page in summary["pages"].items():
        ratio = summary["page_ratio_median"].get(name, 1.0)
        ratio95 = summary["page_ratio_p95"].get(name, 1.0)
        met = "reference" if name == "minimal" else ("met" if max(ratio, ratio95) <= PAGE_TARGET else "MISSED")
        lines.append(
            f"| {name} | {page['median_ms']} | {page['p95_ms']} | {ratio} | {ratio95} | {page['queries']} | {met} |"
        )
    csv = summary["csv_month"]
    write_met = "met" if summary["write_ratio_median"] <= WRITE_TARGET else "MISSED"
    lines += [
        "",
        f"- A month's CSV (`{csv['path']}`): {csv['rows']:,} rows, {csv['megabytes']} MB streamed in"
        f" {csv['seconds']} s ({csv['rows_per_second']:,} rows/s); the measuring process's resident memory"
        f" {csv['rss_before_mb']} MB before, at most {csv['rss_peak_mb']} MB while streaming (keyset chunks of"
        " 2,000 rows, nothing held).",
        f"- Writing one row (`access_log.record`): median {summary['write_full_us']['median_us']} µs on the full log,"
        f" {summary['write_empty_us']['median_us']} µs on an empty one: ratio **{summary['write_ratio_median']}**"
        f" (target ≤ {WRITE_TARGET}: {write_met}; the two runs one after the other, under this machine's load).",
        f"- The INSERT alone, alternating between the full and the empty log so both see the same load: median"
        f" {summary['insert_statement_us']['full']['median_us']} µs full,"
        f" {summary['insert_statement_us']['empty']['median_us']} µs empty:"
        f" ratio **{summary['insert_ratio_median']}**.",
        "",
    ]
    lines += _explain_blocks(summary)
    notes = ROOT / "benchmarks" / "ACCESS_LOG_NOTES.md"
    if notes.exists():
        lines += [notes.read_text().strip(), ""]
    lines.append(END)
    return "\n".join(lines)


def merge(summary: dict) -> None:
    results_path = ROOT / "benchmarks" / "results.json"
    results = json.loads(results_path.read_text()) if results_path.exists() else {}
    results["access_log"] = summary
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    bench_md = ROOT / "BENCHMARKS.md"
    text = bench_md.read_text() if bench_md.exists() else "# Benchmarks\n"
    section = markdown(summary)
    if START in text and END in text:
        text = text[: text.index(START)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip() + "\n\n" + section + "\n"
    bench_md.write_text(text)


def main() -> int:
    summary = measure()
    merge(summary)
    print(json.dumps({k: v for k, v in summary.items() if not k.startswith("explain")}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
