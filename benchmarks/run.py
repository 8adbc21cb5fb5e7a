"""`make bench`: build S and L datasets in their own databases, measure, write the results.

Writes benchmarks/results.json and BENCHMARKS.md. Each scale is measured in its own
process (Django settings are per process). The databases are kept; set BENCH_FRESH=1 to
rebuild them (generation at L takes minutes).
"""

import json
import os
import platform
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SCALES = {"S": 2_000, "L": 20_000}
TARGETS = {
    "page_ratio": 4.0,
    "growth_l_over_s": 1.5,
    "monitor_seconds_l": 2.0,
    "monitor_freeze_seconds_l": 2.0,
    "director_list_ms_l": 50.0,
    "throughput_ratio": 0.3,
}


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    sys.path.insert(0, str(ROOT))
    from ipgar.embedded_postgres import database_url

    return database_url()


def _database_url_for(base: str, name: str) -> str:
    """The URL of database `name` on the server of `base`, created when missing."""
    import psycopg

    parts = urlsplit(base)
    # psycopg reads the URL itself, including a socket directory given as ?host=… (embedded).
    maintenance = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and os.environ.get("BENCH_FRESH"):
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, Python {platform.python_version()}, {platform.system()}"


def _partial(results: dict) -> int:
    """BENCH_PAGES or BENCH_SCALES: print the ratios of what was measured; the files stay as they are."""
    for scale, result in results.items():
        minimal = result["pages"]["minimal"]
        for name, page in result["pages"].items():
            print(
                f"[{scale}] {name}: median {page['median_ms']} ms ({page['median_ms'] / minimal['median_ms']:.2f}x),"
                f" p95 {page['p95_ms']} ms ({page['p95_ms'] / minimal['p95_ms']:.2f}x), {page['queries']} queries"
            )
        print(f"[{scale}] director's caseload selector: {result['director_list_ms']} ms")
        if "throughput" in result:
            caseload, minimal_load = result["throughput"]["caseload"], result["throughput"]["minimal"]
            print(
                f"[{scale}] throughput caseload/minimal: {caseload['rps'] / minimal_load['rps']:.3f}",
                caseload,
                minimal_load,
            )
    if {"S", "L"} <= set(results):
        for name, page in results["L"]["pages"].items():
            print(f"L/S {name}: {page['median_ms'] / results['S']['pages'][name]['median_ms']:.2f}")
    return 0


def main() -> int:
    base = _server_url()
    results = {}
    # BENCH_SCALES=L measures one scale only (the datasets are kept between runs).
    scales = {name.strip() for name in os.environ.get("BENCH_SCALES", "S,L").split(",") if name.strip()}
    for scale, cases in SCALES.items():
        if scale not in scales:
            continue
        print(f"[{scale}] measuring …", flush=True)
        output = _measure(base, scale, cases)
        sys.stderr.write(output.stderr[-4000:])
        if output.returncode != 0:
            print(output.stdout[-4000:])
            return output.returncode
        results[scale] = json.loads(output.stdout.strip().splitlines()[-1])
    if os.environ.get("BENCH_PAGES") or scales != set(SCALES):
        return _partial(results)
    summary = _summary(results)
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(summary, indent=2) + "\n")
    _write_markdown(summary)
    # The access log at scale: its own databases, merged into both files.
    from benchmarks import access_log_run

    print("[access log] generating (first run) and measuring …", flush=True)
    access_log_run.merge(access_log_run.measure())
    print(json.dumps({k: v for k, v in summary.items() if k != "raw"}, indent=2))
    return 0


def _measure(base: str, scale: str, cases: int) -> subprocess.CompletedProcess:
    """`benchmarks.measure` for one scale, in its own process and on its own database."""
    # BENCH_DATABASE_PREFIX keeps the datasets of engineers sharing one server apart.
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "ipgar_bench")
    url = _database_url_for(base, f"{prefix}_{scale.lower()}")
    command = [sys.executable, "-m", "benchmarks.measure", "--scale", scale, "--cases", str(cases)]
    if scale == "L":
        command.append("--throughput")
    return subprocess.run(  # noqa: S603
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"},
        capture_output=True,
        text=True,
    )


def _summary(results: dict) -> dict:
    """Ratios to the minimal page at L, growth from S to L, queries, monitor, throughput."""
    large, small = results["L"], results["S"]
    minimal = large["pages"]["minimal"]["median_ms"]
    minimal_p95 = large["pages"]["minimal"]["p95_ms"]
    ratios = {name: round(page["median_ms"] / minimal, 2) for name, page in large["pages"].items() if name != "minimal"}
    ratios_p95 = {
        name: round(page["p95_ms"] / minimal_p95, 2) for name, page in large["pages"].items() if name != "minimal"
    }
    # Cost growth: a page whose time grows with the data is a defect, even under its bound.
    growth = {
        name: round(page["median_ms"] / small["pages"][name]["median_ms"], 2)
        for name, page in large["pages"].items()
        if name in small["pages"]
    }
    throughput = large["throughput"]
    return {
        "page_ratio_median": ratios,
        "page_ratio_p95": ratios_p95,
        "growth_l_over_s": growth,
        "queries_s": {name: page["queries"] for name, page in small["pages"].items()},
        "queries_l": {name: page["queries"] for name, page in large["pages"].items()},
        "monitor_seconds_l": large["monitor_seconds"],
        "monitor_freeze_l": large["monitor_freeze"],
        "director_list_ms_l": large["director_list_ms"],
        "throughput_ratio": round(throughput["caseload"]["rps"] / throughput["minimal"]["rps"], 3),
        "errors": throughput["caseload"]["errors"] + throughput["minimal"]["errors"],
        "machine": _machine(),
        "raw": results,
    }


def _write_markdown(summary: dict) -> None:
    large, small = summary["raw"]["L"], summary["raw"]["S"]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `make bench` on {summary['machine']}.",
        f"S = {small['cases']} cases, L = {large['cases']} cases (data: `benchmarks/generate.py`;"
        f" generated at L: {json.dumps(large['generated'] or 'reused')}).",
        "Server time is measured in-process through the full middleware stack (Django test client,"
        f" production settings, 2FA-verified session), median and p95 over {os.environ.get('BENCH_REQUESTS', '30')}"
        " requests after warm-up, the pages taking turns request by request.",
        "",
        "| page | median L (ms) | p95 L (ms) | ratio to minimal (L, median) | ratio (L, p95) | median S (ms)"
        " | L/S | queries S | queries L | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, page in large["pages"].items():
        ratio = summary["page_ratio_median"].get(name, 1.0)
        ratio_p95 = summary["page_ratio_p95"].get(name, 1.0)
        met = max(ratio, ratio_p95) <= TARGETS["page_ratio"]
        target = "reference" if name == "minimal" else ("met" if met else "MISSED")
        growth = summary["growth_l_over_s"].get(name, 1.0)
        if growth > TARGETS["growth_l_over_s"]:
            target += ", grows with the data"
        same = "" if small["pages"][name]["queries"] == page["queries"] else " (differs!)"
        lines.append(
            f"| {name} | {page['median_ms']} | {page['p95_ms']} | {ratio} | {ratio_p95}"
            f" | {small['pages'][name]['median_ms']} | {growth} | {small['pages'][name]['queries']}"
            f" | {page['queries']}{same} | {target} |"
        )
    throughput = large["throughput"]
    caseload, minimal_load = throughput["caseload"], throughput["minimal"]
    lines += [
        "",
        f"- Monitor snapshot (gross, one quarter) at L: **{summary['monitor_seconds_l']} s**"
        f" (target ≤ {TARGETS['monitor_seconds_l']} s).",
        f"- Monitor freeze at L (gross and net snapshots written, disclosure audit included): "
        f"**{summary['monitor_freeze_l']['seconds']} s** (target ≤ {TARGETS['monitor_freeze_seconds_l']} s); the"
        f" audit took {summary['monitor_freeze_l']['audit_seconds']} s for"
        f" {summary['monitor_freeze_l']['cells_checked']} hidden cells,"
        f" {summary['monitor_freeze_l']['linear_programs']} linear programs over"
        f" {summary['monitor_freeze_l']['releases']} net releases, passed:"
        f" {summary['monitor_freeze_l']['audit_passed']}.",
        f"- A director's permission-filtered caseload at L: **{summary['director_list_ms_l']} ms**"
        f" for {large['director_list_rows']} rows (target ≤ {TARGETS['director_list_ms_l']} ms).",
        f"- Throughput under gunicorn (2 workers), 16 clients, 30 s ({caseload.get('tool', 'python threads')}):"
        f" caseload {caseload['rps']} req/s (p50 {caseload.get('p50_ms')} ms, p95 {caseload.get('p95_ms')} ms,"
        f" p99 {caseload.get('p99_ms')} ms), minimal {minimal_load['rps']} req/s (p50 {minimal_load.get('p50_ms')} ms,"
        f" p95 {minimal_load.get('p95_ms')} ms, p99 {minimal_load.get('p99_ms')} ms),"
        f" ratio **{summary['throughput_ratio']}** (target ≥ {TARGETS['throughput_ratio']}),"
        f" errors {summary['errors']}.",
        "",
    ]
    notes = ROOT / "benchmarks" / "NOTES.md"
    if notes.exists():
        lines += [notes.read_text().strip(), ""]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
