"""The net monitor: gross figures without per-director or per-case rows, small counts hidden.

A count between 1 and threshold − 1 is replaced by {"lt": threshold} (shown as "< 5").
Secondary suppression: in a group whose total is shown, a single hidden cell could be
recovered as total − the others; then the next-smallest non-zero cell is hidden too, or,
when there is none, the total. A hidden total hides every non-zero cell of its group.
Zeros stay visible: a zero on its own discloses no person.
"""

import copy


def hidden(threshold: int) -> dict:
    return {"lt": threshold}


def is_hidden(value) -> bool:
    return isinstance(value, dict) and "lt" in value


def small(value, threshold: int) -> bool:
    return isinstance(value, int) and 0 < value < threshold


def primary(value, threshold: int):
    """One count on its own: hidden when small."""
    return hidden(threshold) if small(value, threshold) else value


def suppress_group(values: list[int], total: int | None, threshold: int) -> tuple[list, object]:
    """Hide small cells of a group and whatever would let them be derived from its total."""
    hide = {i for i, v in enumerate(values) if small(v, threshold)}
    hide_total = small(total, threshold)
    if hide_total:
        hide |= {i for i, v in enumerate(values) if v}
    elif total is not None and len(hide) == 1:
        rest = sorted((v, i) for i, v in enumerate(values) if i not in hide and v)
        if rest:
            hide.add(rest[0][1])
        else:
            hide_total = True
    cells = [hidden(threshold) if i in hide else v for i, v in enumerate(values)]
    return cells, (hidden(threshold) if hide_total else total)


def _labelled(rows: list[dict], total: int, threshold: int) -> tuple[list[dict], object]:
    cells, total = suppress_group([r["value"] for r in rows], total, threshold)
    return [{**r, "value": v} for r, v in zip(rows, cells, strict=True)], total


def _status(row: dict, threshold: int) -> dict:
    (active, static, aftercare), caseload = suppress_group(
        [row["active"], row["static"], row["aftercare"]], row["caseload"], threshold
    )
    return {"active": active, "static": static, "aftercare": aftercare, "caseload": caseload}


def net_figures(gross: dict, *, threshold: int) -> dict:
    """The net variant of a gross figure set (DESIGN §7): aggregate only, small counts hidden."""
    g = copy.deepcopy(gross)
    net = {
        "schema": g["schema"],
        "period": g["period"],
        "settings": {**g["settings"], "threshold": threshold},
        "status": _status(g["status"], threshold),
    }
    outflows, outflow_total = _labelled(g["outflow_by_reason"], g["flow"]["outflows"], threshold)
    net["flow"] = {k: primary(v, threshold) for k, v in g["flow"].items()}
    net["flow"]["outflows"] = outflow_total
    net["outflow_by_reason"] = outflows
    lead = g["lead_time"]
    if small(lead["n"], threshold):
        lead = {k: hidden(threshold) if v is not None else None for k, v in lead.items()}
    net["lead_time"] = lead
    pending = g["pending"]
    count = pending["count"]
    (over, within), count_shown = suppress_group(
        [pending["over_limit"], count - pending["over_limit"]], count, threshold
    )
    bands, _total = _labelled(pending["bands"], count, threshold)
    few = small(count, threshold)
    net["pending"] = {
        "count": count_shown,
        "over_limit": over,
        # The share would give the hidden count back: hide it with its parts.
        "share_over_limit": hidden(threshold) if is_hidden(over) or is_hidden(within) else pending["share_over_limit"],
        "mean_age_days": hidden(threshold) if few else pending["mean_age_days"],
        "max_age_days": hidden(threshold) if few else pending["max_age_days"],
        "bands": bands,
    }
    caseload = g["status"]["caseload"]
    for key in ("by_ideology", "by_risk_category", "by_area", "by_organisation"):
        net[key], _total = _labelled(g[key], caseload, threshold)
    net["alerts"] = {k: primary(v, threshold) for k, v in g["alerts"].items()}
    net["trend"] = [
        {
            "label": row["label"],
            "year": row["year"],
            "quarter": row["quarter"],
            **_status(row, threshold),
            **{k: primary(row[k], threshold) for k in ("reports", "inclusions", "not_included", "outflows", "pending")},
            "lead_time_mean": hidden(threshold) if small(row["inclusions"], threshold) else row["lead_time_mean"],
        }
        for row in g["trend"]
    ]
    return net
