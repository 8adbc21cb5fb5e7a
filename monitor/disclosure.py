"""Statistical disclosure control of the net monitor, as statistical offices do it.

The net monitor goes to partners outside the programme (docs/domain.md source S0). Every count it
publishes is a *cell* with a stable key ("2025Q2.status.static"); the same key in the trend
of a later release is the same cell. Published tables are tied together by linear
relations: a status group sums to the caseload, each breakdown sums to it, outflows by
reason sum to the outflows, pending reports by age sum to the pending count, the caseload
of one quarter is the previous one plus inclusions minus outflows, and so on.

- Primary suppression: a count of 1 to threshold − 1, and a group that is one director's
  caseload (an organisation with one director), are *sensitive* and hidden.
- Secondary suppression: more cells are hidden until no sensitive cell can be narrowed.
- The audit is τ-ARGUS's protection-interval test (Statistics Netherlands): for every
  hidden sensitive cell, two linear programs (HiGHS via scipy) find the smallest and the
  largest value it can take given *everything published* — this release's shown cells and
  relations, and every earlier released net monitor whose quarters overlap (differencing
  across quarters). The feasible range must be at least `threshold` wide. A release whose
  audit fails is not released (services), and the programme team sees the cells concerned.

A hidden cell never says why in a way that tells primary from secondary: a reader learns
only that it is hidden. Statistics (mean, median, percentage) are shown only when the count
they are computed over is itself shown and at least the threshold; the lowest and highest
value of a group are one case's figure and are never shown in the net monitor.
"""

import copy
import itertools
import time
from collections import defaultdict
from dataclasses import dataclass, field

HIDDEN = "protected"  # a count hidden by primary or secondary suppression (indistinguishable)
STAT_HIDDEN = "count_hidden"  # a statistic whose count is hidden
SINGLE_CASE = "single_case"  # a minimum or maximum: one case's figure
REASONS = (HIDDEN, STAT_HIDDEN, SINGLE_CASE)

STATUS = ("active", "static", "aftercare", "caseload")
FLOW = ("reports", "inclusions", "not_included", "outflows")
BREAKDOWNS = ("by_ideology", "by_risk_category", "by_area", "by_organisation")
OVER_LIMIT_BANDS = ("9-12", "13+")  # older than 8 weeks (IPGAR_PENDING_REPORT_DAYS = 56)
MAX_REPAIRS = 400


def hidden(reason: str = HIDDEN) -> dict:
    return {"hidden": reason}


def is_hidden(value) -> bool:
    """A hidden figure: this schema's {"hidden": reason}, or schema 1's {"lt": threshold}."""
    return isinstance(value, dict) and ("hidden" in value or "lt" in value)


def quarter_key(period: dict) -> str:
    return f"{period['year']}Q{period['quarter']}"


def _label_key(label) -> str:
    return "-" if label is None else str(label)


# --- the cells and relations of a release ---------------------------------------------------


def cells(gross: dict) -> dict[str, int]:
    """Every count the net release of these gross figures publishes, by key, with its true value."""
    q = quarter_key(gross["period"])
    out = {}
    for k in STATUS:
        out[f"{q}.status.{k}"] = gross["status"][k]
    for k in FLOW:
        out[f"{q}.flow.{k}"] = gross["flow"][k]
    for row in gross["outflow_by_reason"]:
        out[f"{q}.outflow.{_label_key(row['label'])}"] = row["value"]
    pending = gross["pending"]
    out[f"{q}.pending.count"] = pending["count"]
    out[f"{q}.pending.over"] = pending["over_limit"]
    for band in pending["bands"]:
        out[f"{q}.pending.band.{band['label']}"] = band["value"]
    for key in BREAKDOWNS:
        for row in gross[key]:
            out[f"{q}.{key}.{_label_key(row['label'])}"] = row["value"]
    for k, v in gross["alerts"].items():
        out[f"{q}.alerts.{k}"] = v
    for row in gross["trend"]:
        p = f"{row['year']}Q{row['quarter']}"
        for k in STATUS:
            out[f"{p}.status.{k}"] = row[k]
        for k in FLOW:
            out[f"{p}.flow.{k}"] = row[k]
        out[f"{p}.pending.count"] = row["pending"]
    return out


def sensitive(gross: dict, *, threshold: int) -> set[str]:
    """Primary suppression: small counts, and groups that are one director's caseload."""
    values = cells(gross)
    keys = {k for k, v in values.items() if 0 < v < threshold}
    q = quarter_key(gross["period"])
    for row in gross["by_organisation"]:
        if row["label"] is not None and row.get("directors", 0) == 1 and row["value"] > 0:
            keys.add(f"{q}.by_organisation.{_label_key(row['label'])}")
    return keys


def relations(gross: dict) -> list[dict[str, int]]:
    """The linear relations between cells (each sums to zero) that hold on these figures.

    A relation a reader can know in general is added only when the true figures satisfy it
    (data imported without transitions may not), so the true values are always feasible.
    Names starting with "~" are unpublished non-negative quantities (slack).
    """
    values = cells(gross)
    q = quarter_key(gross["period"])
    out = []

    def add(coefficients: dict[str, int]) -> None:
        total = sum(c * values.get(k, 0) for k, c in coefficients.items() if not k.startswith("~"))
        slack = [k for k in coefficients if k.startswith("~")]
        if (not slack and total == 0) or (slack and total >= 0):
            out.append(coefficients)

    quarters = [f"{row['year']}Q{row['quarter']}" for row in gross["trend"]] or [q]
    if q not in quarters:
        quarters.append(q)
    for p in quarters:
        add({f"{p}.status.active": 1, f"{p}.status.static": 1, f"{p}.status.aftercare": 1, f"{p}.status.caseload": -1})
    add({**{f"{q}.outflow.{_label_key(r['label'])}": 1 for r in gross["outflow_by_reason"]}, f"{q}.flow.outflows": -1})
    bands = {f"{q}.pending.band.{b['label']}": 1 for b in gross["pending"]["bands"]}
    add({**bands, f"{q}.pending.count": -1})
    if all(f"{q}.pending.band.{b}" in bands for b in OVER_LIMIT_BANDS):
        add({f"{q}.pending.band.{b}": 1 for b in OVER_LIMIT_BANDS} | {f"{q}.pending.over": -1})
    add({f"{q}.pending.count": 1, f"{q}.pending.over": -1, f"~{q}.pending.within": -1})
    for key in BREAKDOWNS:
        add({**{f"{q}.{key}.{_label_key(r['label'])}": 1 for r in gross[key]}, f"{q}.status.caseload": -1})
    for k in gross["alerts"]:
        add({f"{q}.status.caseload": 1, f"{q}.alerts.{k}": -1, f"~{q}.alerts.{k}.rest": -1})
    for before, after in itertools.pairwise(quarters):
        # The caseload moves only by inclusions and outflows.
        add(
            {
                f"{after}.status.caseload": 1,
                f"{before}.status.caseload": -1,
                f"{after}.flow.inclusions": -1,
                f"{after}.flow.outflows": 1,
            }
        )
        # Pending reports: last quarter's plus new reports, less decisions (and unpublished exits).
        add(
            {
                f"{before}.pending.count": 1,
                f"{after}.flow.reports": 1,
                f"{after}.flow.inclusions": -1,
                f"{after}.flow.not_included": -1,
                f"{after}.pending.count": -1,
                f"~{after}.pending.other_exits": -1,
            }
        )
    return out


# --- publishing -----------------------------------------------------------------------------


def published(net: dict) -> dict[str, object]:
    """Key → published value (a number, or a hidden marker) of a net release of this schema."""
    return dict(net.get("published", {}))


@dataclass
class Release:
    """One net release in the audit: its true cells, relations and what it shows."""

    name: str
    values: dict[str, int]
    relations: list[dict[str, int]]
    shown: set[str]
    sensitive: set[str]
    current: bool = False


@dataclass
class AuditResult:
    passed: bool
    threshold: int
    failures: list[dict] = field(default_factory=list)
    checked: int = 0
    programs: int = 0
    seconds: float = 0.0
    releases: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "passed": self.passed,
            "threshold": self.threshold,
            "failures": self.failures,
            "checked": self.checked,
            "programs": self.programs,
            "seconds": round(self.seconds, 3),
            "releases": self.releases,
        }


class _System:
    """The variables and relations of a set of releases. One variable per (key, true value):
    the same count in two releases is one unknown; a count that changed between versions
    (data corrected) is two."""

    def __init__(self, releases: list[Release]):
        self.index: dict[tuple[str, int], int] = {}
        self.names: list[str] = []
        self.truth: list[int] = []
        self.fixed: dict[int, int] = {}
        self.rows: list[dict[int, int]] = []
        self.releases = releases
        for release in releases:
            for key, value in release.values.items():
                var = self._var(key, value)
                if key in release.shown:
                    self.fixed[var] = value
            for relation in release.relations:
                row = {}
                for key, coefficient in relation.items():
                    if key.startswith("~"):
                        var = self._var(f"{release.name}:{key}", None)
                    else:
                        var = self._var(key, release.values.get(key, 0))
                    row[var] = row.get(var, 0) + coefficient
                self.rows.append(row)

    def _var(self, key: str, value) -> int:
        token = (key, value)
        if token not in self.index:
            self.index[token] = len(self.names)
            self.names.append(key)
            self.truth.append(value if value is not None else 0)
        return self.index[token]

    def var_of(self, key: str, value: int) -> int:
        return self.index[(key, value)]


def _components(system: _System) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Union-find of the free variables over the relations; rows grouped per component."""
    parent = {}

    def find(x):
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in system.rows:
        free = [v for v in row if v not in system.fixed]
        for v in free:
            find(v)
        for a, b in itertools.pairwise(free):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
    rows_of = defaultdict(list)
    for i, row in enumerate(system.rows):
        free = [v for v in row if v not in system.fixed]
        if free:
            rows_of[find(free[0])].append(i)
    return {v: find(v) for v in parent}, rows_of


def _range(system: _System, var: int, rows: list[int]) -> tuple[float, float]:
    """Smallest and largest feasible value of `var` under the rows (fixed cells substituted)."""
    from scipy.optimize import linprog

    free = sorted({v for i in rows for v in system.rows[i] if v not in system.fixed} | {var})
    column = {v: j for j, v in enumerate(free)}
    a_eq, b_eq = [], []
    for i in rows:
        row = [0.0] * len(free)
        rhs = 0.0
        for v, coefficient in system.rows[i].items():
            if v in system.fixed:
                rhs -= coefficient * system.fixed[v]
            else:
                row[column[v]] += coefficient
        a_eq.append(row)
        b_eq.append(rhs)
    objective = [0.0] * len(free)
    result = []
    for sign in (1.0, -1.0):
        objective[column[var]] = sign
        solved = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=(0, None), method="highs")
        if solved.status == 3:  # unbounded
            result.append(float("inf") if sign < 0 else 0.0)
        elif solved.status == 0:
            result.append(sign * solved.fun)
        else:  # infeasible cannot happen on true data; treat as fully disclosed
            result.append(float(system.truth[var]))
    return result[0], result[1]


def audit(releases: list[Release], *, threshold: int) -> AuditResult:
    """The protection-interval test over all releases: every hidden sensitive cell of every
    release (the current one and its predecessors) must have a feasible range ≥ threshold."""
    began = time.perf_counter()
    system = _System(releases)
    component, rows_of = _components(system)
    result = AuditResult(passed=True, threshold=threshold, releases=[r.name for r in releases])
    seen = set()
    for release in releases:
        for key in sorted(release.sensitive - release.shown):
            var = system.var_of(key, release.values[key])
            if var in seen:
                continue
            seen.add(var)
            result.checked += 1
            if var in system.fixed:  # shown by another release
                low = high = float(system.fixed[var])
            else:
                rows = rows_of.get(component.get(var, var), [])
                low, high = _range(system, var, rows) if rows else (0.0, float("inf"))
                result.programs += 2
            if high - low < threshold - 1e-6:
                result.passed = False
                result.failures.append(
                    {
                        "key": key,
                        "release": release.name,
                        "low": round(low, 2),
                        "high": None if high == float("inf") else round(high, 2),
                    }
                )
    result.seconds = time.perf_counter() - began
    return result


def _fixed_by_other_releases(system: _System, release: Release) -> set:
    """Variables shown by the other releases (earlier versions, the other variant)."""
    return {
        system.var_of(key, other.values[key])
        for other in system.releases
        if other is not release
        for key in other.shown
    }


def _rows_with(system: _System) -> dict:
    rows_with = defaultdict(list)
    for i, row in enumerate(system.rows):
        for v in row:
            rows_with[v].append(i)
    return rows_with


def _candidates(system: _System, release: Release, start: int) -> list[str]:
    """Shown cells of the current release that take part in the failing cell's relations,
    through relations of hidden cells; smallest non-zero first, zeros last."""
    others_fixed = _fixed_by_other_releases(system, release)
    rows_with = _rows_with(system)
    own = {system.var_of(k, v): k for k, v in release.values.items()}
    if start in system.fixed:  # the failing cell itself is shown by this release
        return [own[start]] if start in own and start not in others_fixed else []
    frontier, visited, found = [start], {start}, set()
    while frontier:
        var = frontier.pop()
        for v in (v for i in rows_with[var] for v in system.rows[i] if v not in visited):
            visited.add(v)
            if v not in system.fixed:
                frontier.append(v)
            elif v in own and v not in others_fixed:
                found.add(own[v])
    return sorted(found, key=lambda k: (release.values[k] == 0, release.values[k], k))


def protect(
    gross: dict, *, threshold: int, previous: list[Release], name: str
) -> tuple[set[str], AuditResult, Release]:
    """Primary suppression, then secondary suppression driven by the audit until it passes.

    Returns the keys hidden, the final audit and the release as audited. When no more cell
    can be hidden (a predecessor already published what would protect it), the audit fails.
    """
    values = cells(gross)
    primary = sensitive(gross, threshold=threshold)
    hide = set(primary)
    release = Release(
        name=name,
        values=values,
        relations=relations(gross),
        shown=set(values) - hide,
        sensitive=primary,
        current=True,
    )
    releases = [*previous, release]
    for _round in range(MAX_REPAIRS):
        result = audit(releases, threshold=threshold)
        if result.passed:
            break
        system = _System(releases)
        added = False
        for failure in result.failures:  # one more hidden cell per failing cell, then audit again
            owner = next(r for r in releases if r.name == failure["release"])
            start = system.var_of(failure["key"], owner.values[failure["key"]])
            for candidate in _candidates(system, release, start):
                if candidate not in hide:
                    hide.add(candidate)
                    release.shown.discard(candidate)
                    added = True
                    break
        if not added:
            break
    return hide, result, release


# --- the net figures ------------------------------------------------------------------------


def _cell(value, key: str, hide: set[str]):
    return hidden() if key in hide else value


def _statistic(value, count_shown: bool, count, threshold: int):
    if value is None:
        return None
    if not count_shown or count < threshold:
        return hidden(STAT_HIDDEN)
    return value


def _single_case(value):
    """A minimum or maximum is the figure of one case: never in the net monitor."""
    return hidden(SINGLE_CASE) if value is not None else None


def _net_lead_time(lead: dict, *, n, inclusions_shown: bool, threshold: int) -> dict:
    return {
        "n": n,
        "mean_days": _statistic(lead["mean_days"], inclusions_shown, lead["n"], threshold),
        "median_days": _statistic(lead["median_days"], inclusions_shown, lead["n"], threshold),
        "min_days": _single_case(lead["min_days"]),
        "max_days": _single_case(lead["max_days"]),
    }


def _net_pending(pending: dict, *, q: str, hide: set[str], threshold: int) -> dict:
    count_shown = f"{q}.pending.count" not in hide
    over_shown = f"{q}.pending.over" not in hide
    return {
        "count": _cell(pending["count"], f"{q}.pending.count", hide),
        "over_limit": _cell(pending["over_limit"], f"{q}.pending.over", hide),
        "share_over_limit": _statistic(
            pending["share_over_limit"], count_shown and over_shown, pending["count"], threshold
        ),
        "mean_age_days": _statistic(pending["mean_age_days"], count_shown, pending["count"], threshold),
        "max_age_days": _single_case(pending["max_age_days"]),
        "bands": [{**b, "value": _cell(b["value"], f"{q}.pending.band.{b['label']}", hide)} for b in pending["bands"]],
    }


def _net_breakdown(rows: list[dict], *, key: str, q: str, hide: set[str]) -> list[dict]:
    """Label and count only: a breakdown row of the gross monitor may carry more."""
    return [
        {
            "label": r["label"],
            "label_en": r.get("label_en"),
            "value": _cell(r["value"], f"{q}.{key}.{_label_key(r['label'])}", hide),
        }
        for r in rows
    ]


def _net_trend_point(row: dict, *, hide: set[str], threshold: int) -> dict:
    """One quarter of the trend, hidden by that quarter's own cell keys."""
    p = f"{row['year']}Q{row['quarter']}"
    point = {"label": row["label"], "year": row["year"], "quarter": row["quarter"]}
    for k in STATUS:
        point[k] = _cell(row[k], f"{p}.status.{k}", hide)
    for k in FLOW:
        point[k] = _cell(row[k], f"{p}.flow.{k}", hide)
    point["pending"] = _cell(row["pending"], f"{p}.pending.count", hide)
    point["lead_time_mean"] = _statistic(
        row["lead_time_mean"], f"{p}.flow.inclusions" not in hide, row["inclusions"], threshold
    )
    return point


def net_figures(gross: dict, *, threshold: int, hide: set[str]) -> dict:
    """The net variant (docs/monitor.md): aggregate only, no director or case rows, `hide` hidden."""
    g = copy.deepcopy(gross)
    q = quarter_key(g["period"])
    flow = {k: _cell(g["flow"][k], f"{q}.flow.{k}", hide) for k in FLOW}
    net = {
        "schema": 2,
        "period": g["period"],
        "settings": {**g["settings"], "threshold": threshold},
        "status": {k: _cell(g["status"][k], f"{q}.status.{k}", hide) for k in STATUS},
        "flow": flow,
        "outflow_by_reason": [
            {**r, "value": _cell(r["value"], f"{q}.outflow.{_label_key(r['label'])}", hide)}
            for r in g["outflow_by_reason"]
        ],
        "lead_time": _net_lead_time(
            g["lead_time"],
            n=flow["inclusions"],
            inclusions_shown=f"{q}.flow.inclusions" not in hide,
            threshold=threshold,
        ),
        "pending": _net_pending(g["pending"], q=q, hide=hide, threshold=threshold),
        "alerts": {k: _cell(v, f"{q}.alerts.{k}", hide) for k, v in g["alerts"].items()},
    }
    for key in BREAKDOWNS:
        net[key] = _net_breakdown(g[key], key=key, q=q, hide=hide)
    net["trend"] = [_net_trend_point(row, hide=hide, threshold=threshold) for row in g["trend"]]
    net["published"] = {k: (hidden() if k in hide else v) for k, v in cells(g).items()}
    return net


def release_of(*, gross: dict, net: dict, name: str, threshold: int) -> Release:
    """An earlier net release as the audit sees it: its true cells (from the gross snapshot of
    the same version) and what it showed."""
    values = cells(gross)
    shown = {k for k, v in net.get("published", {}).items() if not is_hidden(v)}
    return Release(
        name=name,
        values=values,
        relations=relations(gross),
        shown=shown & set(values),
        sensitive=sensitive(gross, threshold=threshold),
    )
