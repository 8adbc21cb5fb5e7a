"""Random caseloads as gross figure sets, in plain Python, for the disclosure property tests.

A case is (reported, included, closed, not_included) quarter indexes plus its status while on
the caseload and its labels; `gross(cases, q)` counts them the way monitor/figures.py does,
so the relations the net release publishes hold exactly as they do on real data.
"""

import datetime as dt
from dataclasses import dataclass

BANDS = ["0-4", "5-8", "9-12", "13+"]
ORGANISATIONS = {"OOV": 3, "OM": 1, "RN": 1}  # label -> directors
BASE_YEAR = 2024


@dataclass(frozen=True)
class SynthCase:
    reported: int
    included: int | None
    closed: int | None
    not_included: int | None
    status: str  # while on the caseload: active, static or aftercare
    ideology: str
    area: str
    organisation: str
    reason: str
    lead_days: int
    no_contact: bool


def period(q: int) -> dict:
    year, quarter = BASE_YEAR + q // 4, q % 4 + 1
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    return {"year": year, "quarter": quarter, "start": start.isoformat(), "end": start.isoformat()}


def _on_caseload(c: SynthCase, q: int) -> bool:
    return c.included is not None and c.included <= q and (c.closed is None or c.closed > q)


def _pending(c: SynthCase, q: int) -> bool:
    return c.reported <= q and (c.included is None or c.included > q) and (c.not_included is None or c.not_included > q)


def _grouped(rows: list[str]) -> list[dict]:
    counts = {}
    for label in rows:
        counts[label] = counts.get(label, 0) + 1
    return [{"label": k, "label_en": k, "value": v} for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def counts(cases: list[SynthCase], q: int) -> dict:
    load = [c for c in cases if _on_caseload(c, q)]
    row = {k: sum(1 for c in load if c.status == k) for k in ("active", "static", "aftercare")}
    row["caseload"] = len(load)
    row["reports"] = sum(1 for c in cases if c.reported == q)
    included = [c for c in cases if c.included == q]
    row["inclusions"] = len(included)
    row["not_included"] = sum(1 for c in cases if c.not_included == q)
    row["outflows"] = sum(1 for c in cases if c.closed == q)
    row["pending"] = sum(1 for c in cases if _pending(c, q))
    row["lead_time_mean"] = round(sum(c.lead_days for c in included) / len(included), 1) if included else None
    return row


def gross(cases: list[SynthCase], q: int) -> dict:
    load = [c for c in cases if _on_caseload(c, q)]
    now = counts(cases, q)
    pending = [c for c in cases if _pending(c, q)]
    ages = [min(q - c.reported, 2) for c in pending]  # 0: this quarter, 1: last, 2: older
    band_of = {0: "0-4", 1: "9-12", 2: "13+"}
    bands = dict.fromkeys(BANDS, 0)
    for age in ages:
        bands[band_of[age]] += 1
    over = bands["9-12"] + bands["13+"]
    included = [c for c in cases if c.included == q]
    leads = sorted(c.lead_days for c in included)
    organisations = {}
    for c in load:
        organisations[c.organisation] = organisations.get(c.organisation, 0) + 1
    return {
        "schema": 2,
        "period": period(q),
        "settings": {"no_contact_days": 42, "no_intervention_days": 91, "pending_days": 56, "cases_per_fte": 12},
        "status": {k: now[k] for k in ("active", "static", "aftercare", "caseload")},
        "flow": {k: now[k] for k in ("reports", "inclusions", "not_included", "outflows")},
        "outflow_by_reason": _grouped([c.reason for c in cases if c.closed == q]),
        "lead_time": {
            "n": len(leads),
            "mean_days": round(sum(leads) / len(leads), 1) if leads else None,
            "median_days": float(leads[len(leads) // 2]) if leads else None,
            "min_days": leads[0] if leads else None,
            "max_days": leads[-1] if leads else None,
        },
        "pending": {
            "count": len(pending),
            "over_limit": over,
            "share_over_limit": round(100 * over / len(pending), 1) if pending else None,
            "mean_age_days": round(sum(a * 91 for a in ages) / len(ages), 1) if ages else None,
            "max_age_days": max(ages) * 91 if ages else None,
            "bands": [{"label": b, "value": bands[b]} for b in BANDS],
            "cases": [],
        },
        "by_ideology": _grouped([c.ideology for c in load]),
        "by_risk_category": [],
        "by_area": _grouped([c.area for c in load]),
        "by_organisation": [
            {"label": k, "label_en": k, "value": v, "directors": ORGANISATIONS[k]}
            for k, v in sorted(organisations.items(), key=lambda kv: (-kv[1], kv[0]))
        ],
        "alerts": {"no_contact": sum(1 for c in load if c.no_contact)},
        "trend": [
            {
                "label": f"{period(p)['year']} Q{period(p)['quarter']}",
                "year": period(p)["year"],
                "quarter": period(p)["quarter"],
                **counts(cases, p),
            }
            for p in range(q - 7, q + 1)
        ],
    }
