"""A small history around 2025 Q2 that touches every figure, and the figures recomputed in Python.

`reference()` reads the raw rows and applies the definitions of monitor/figures.py's
docstring with plain Python, independently of the SQL under test.
"""

import datetime as dt
import statistics
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from cases.models import (
    Area,
    Case,
    CaseTransition,
    Contact,
    DirectorAssignment,
    Ideology,
    Intervention,
    InterventionType,
    LifeDomainScore,
    OutflowReason,
    PlanGoal,
    RiskCategory,
)
from ipgar.models import Organisation
from monitor.quarters import Quarter
from pool.models import Director

from .factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    LifeDomainScoreFactory,
    PlanGoalFactory,
    transition,
)

S = Case.Status
Q2 = Quarter(2025, 2)
D = dt.date


def build() -> dict:
    """Thirteen cases, two directors; returns the objects the tests refer to."""
    d1, d2 = _directors()
    cases = [
        *_in_direction(d1, d2),
        *_static_aftercare_and_outflow(d1, d2),
        *_awaiting_a_decision(),
        *_registered_without_transitions(d1),
        _handed_over(d1, d2),
    ]
    return {"d1": d1, "d2": d2, "lone": RiskCategory.objects.get(code="lone-actors"), "cases": cases}


def _directors():
    oov, om = (Organisation.objects.get(code=c) for c in ("oov", "om"))
    d1 = DirectorFactory(organisation=oov, fte=Decimal("1.0"), user__first_name="Anna", user__last_name="Aal")
    d2 = DirectorFactory(
        organisation=om, fte=Decimal("0.5"), capacity_override=2, user__first_name="Bas", user__last_name="Beek"
    )
    return d1, d2


def _case(**kw):
    """A case, and its director's assignment from inclusion (or report) to closure."""
    kw.setdefault("assign", False)
    director = kw.get("director")
    made = CaseFactory(**kw)
    if director is not None:
        DirectorAssignment.objects.create(
            case=made,
            director=director,
            started_on=made.included_on or made.reported_on,
            ended_on=made.closed_on,
            assigned_by=director.user,
        )
    return made


def _in_direction(d1, d2):
    """T-A active with contacts, an intervention, a score and a goal; T-B included in the quarter."""
    a = _case(code="T-A", status=S.ACTIVE, reported_on=D(2025, 1, 10), included_on=D(2025, 3, 5), director=d1)
    transition(a, S.ADVISED, S.ACTIVE, D(2025, 3, 5))
    ContactFactory(case=a, date=D(2025, 6, 20))
    ContactFactory(case=a, date=D(2025, 7, 20))  # after the quarter: ignored at its end
    InterventionFactory(
        case=a,
        type=InterventionType.objects.get(code="persoonsgerichte-gesprekken"),
        partner=Organisation.objects.get(code="oov"),
        started_on=D(2025, 4, 10),
    )
    LifeDomainScoreFactory(case=a, scored_on=D(2025, 4, 1))
    PlanGoalFactory(case=a, created_on=D(2025, 4, 1))

    # Included in the quarter, static only after it; a police intervention for an OM director.
    b = _case(
        code="T-B",
        status=S.STATIC,
        reported_on=D(2025, 2, 1),
        included_on=D(2025, 4, 15),
        director=d2,
        ideology=Ideology.objects.get(code="right-wing"),
    )
    transition(b, S.ADVISED, S.ACTIVE, D(2025, 4, 15))
    transition(b, S.ACTIVE, S.STATIC, D(2025, 9, 1))
    InterventionFactory(
        case=b,
        type=InterventionType.objects.get(code="mentor"),
        partner=Organisation.objects.get(code="politie"),
        started_on=D(2025, 5, 1),
        ended_on=D(2025, 6, 1),
        status=Intervention.Status.COMPLETED,
    )
    LifeDomainScoreFactory(case=b, scored_on=D(2025, 8, 1))  # after the quarter: not complete then
    return [a, b]


def _static_aftercare_and_outflow(d1, d2):
    """T-C static in the quarter and closed after it, T-D into aftercare, T-E and T-F flow out."""
    c = _case(
        code="T-C",
        status=S.CLOSED,
        reported_on=D(2024, 4, 1),
        included_on=D(2024, 6, 1),
        director=d1,
        closed_on=D(2025, 10, 1),
        outflow_reason=OutflowReason.objects.get(code="moved"),
        risk_category=RiskCategory.objects.get(code="recruiters"),
    )
    transition(c, S.ADVISED, S.ACTIVE, D(2024, 6, 1))
    transition(c, S.ACTIVE, S.STATIC, D(2025, 5, 1))
    transition(c, S.STATIC, S.CLOSED, D(2025, 10, 1))
    ContactFactory(case=c, date=D(2025, 1, 1))  # static: exempt from the contact alert

    d = _case(code="T-D", status=S.AFTERCARE, reported_on=D(2023, 11, 1), included_on=D(2024, 1, 10), director=d2)
    transition(d, S.ADVISED, S.ACTIVE, D(2024, 1, 10))
    transition(d, S.ACTIVE, S.AFTERCARE, D(2025, 4, 20))
    InterventionFactory(
        case=d,
        type=InterventionType.objects.get(code="exit-begeleiding"),
        partner=Organisation.objects.get(code="om"),
        started_on=D(2024, 2, 1),
        ended_on=D(2024, 5, 1),
        status=Intervention.Status.COMPLETED,
    )
    ContactFactory(case=d, date=D(2025, 6, 1))

    risk_reduced = OutflowReason.objects.get(code="risk-reduced")
    e = _case(
        code="T-E",
        status=S.CLOSED,
        reported_on=D(2024, 1, 5),
        included_on=D(2024, 3, 1),
        director=d1,
        closed_on=D(2025, 5, 15),
        outflow_reason=risk_reduced,
    )
    transition(e, S.ADVISED, S.ACTIVE, D(2024, 3, 1))
    transition(e, S.ACTIVE, S.CLOSED, D(2025, 5, 15))

    f = _case(
        code="T-F",
        status=S.CLOSED,
        reported_on=D(2024, 2, 5),
        included_on=D(2024, 4, 1),
        director=d1,
        closed_on=D(2025, 6, 10),
        outflow_reason=risk_reduced,
    )
    transition(f, S.ACTIVE, S.AFTERCARE, D(2025, 1, 10))
    transition(f, S.AFTERCARE, S.CLOSED, D(2025, 6, 10))
    return [c, d, e, f]


def _awaiting_a_decision():
    """T-G in assessment, T-H reported, T-I not included in the quarter."""
    g = _case(code="T-G", status=S.ASSESSMENT, reported_on=D(2025, 3, 1))
    transition(g, S.REPORTED, S.ASSESSMENT, D(2025, 3, 5))
    h = _case(code="T-H", status=S.REPORTED, reported_on=D(2025, 6, 1))
    i = _case(code="T-I", status=S.NOT_INCLUDED, reported_on=D(2025, 5, 1))
    transition(i, S.ADVISED, S.NOT_INCLUDED, D(2025, 6, 15))
    return [g, h, i]


def _registered_without_transitions(d1):
    """Registered directly in a state (no transitions): placed by their dates. T-K is reported
    and T-L included after the quarter."""
    j = _case(
        code="T-J",
        status=S.ACTIVE,
        reported_on=D(2025, 4, 2),
        included_on=D(2025, 5, 20),
        director=d1,
        is_detained=True,
        area=Area.objects.get(code="amstelveen"),
    )
    InterventionFactory(
        case=j,
        type=InterventionType.objects.get(code="persoonsgerichte-gesprekken"),
        partner=Organisation.objects.get(code="rn"),
        started_on=D(2025, 6, 1),
    )
    k = _case(code="T-K", status=S.REPORTED, reported_on=D(2025, 7, 5))
    l_ = _case(code="T-L", status=S.ACTIVE, reported_on=D(2025, 5, 10), included_on=D(2025, 8, 1), director=d1)
    return [j, k, l_]


def _handed_over(d1, d2):
    """T-M without ideology or risk category, handed over in the quarter: from d1 to d2 on 1 May."""
    m = _case(
        code="T-M",
        status=S.ACTIVE,
        reported_on=D(2024, 9, 1),
        included_on=D(2024, 10, 1),
        director=d2,
        ideology=None,
        risk_category=None,
        area=Area.objects.get(code="amstelveen"),
    )
    transition(m, S.ADVISED, S.ACTIVE, D(2024, 10, 1))
    ContactFactory(case=m, date=D(2025, 6, 25))
    LifeDomainScoreFactory(case=m, scored_on=D(2025, 1, 1))
    PlanGoalFactory(case=m, created_on=D(2025, 1, 1))
    DirectorAssignment.objects.filter(case=m).update(started_on=D(2025, 5, 1))
    DirectorAssignment.objects.create(
        case=m, director=d1, started_on=D(2024, 10, 1), ended_on=D(2025, 5, 1), assigned_by=d1.user
    )
    return m


# --- the same figures in plain Python ----------------------------------------------------


def _cutoff(day):
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _status_at(c, ts, end):
    mine = sorted((t for t in ts if t["case_id"] == c["id"]), key=lambda t: (t["at"], t["id"]))
    before = [t for t in mine if t["at"] < _cutoff(end)]
    if before:
        return before[-1]["to_status"]
    if mine:
        return mine[0]["from_status"]
    if c["closed_on"] and c["closed_on"] <= end:
        return S.CLOSED
    if c["included_on"] and c["included_on"] <= end:
        return c["status"] if c["status"] in (S.ACTIVE, S.STATIC, S.AFTERCARE) else S.ACTIVE
    if c["included_on"] and c["included_on"] > end:
        return S.ADVISED
    return c["status"]


def _director_at(c, assignments, end):
    running = [
        a
        for a in assignments
        if a["case_id"] == c["id"] and a["started_on"] <= end and (a["ended_on"] is None or a["ended_on"] > end)
    ]
    if running:
        return max(running, key=lambda a: (a["started_on"], a["id"]))["director_id"]
    return c["director_id"]


def _counts(rows):
    out = {}
    for label in rows:
        out[label] = out.get(label, 0) + 1
    return out


def quarter_reference(q: Quarter, cases, ts) -> dict:
    start, end = q.start, q.end
    existing = [c for c in cases if c["reported_on"] <= end]
    status = {c["id"]: _status_at(c, ts, end) for c in existing}
    included = [c for c in cases if c["included_on"] and start <= c["included_on"] <= end]
    leads = [(c["included_on"] - c["reported_on"]).days for c in included]
    not_incl = {
        t["case_id"]
        for t in ts
        if t["to_status"] == S.NOT_INCLUDED and _cutoff(start - dt.timedelta(days=1)) <= t["at"] < _cutoff(end)
    }
    row = {
        "active": sum(1 for s in status.values() if s == S.ACTIVE),
        "static": sum(1 for s in status.values() if s == S.STATIC),
        "aftercare": sum(1 for s in status.values() if s == S.AFTERCARE),
        "pending": sum(1 for s in status.values() if s in (S.REPORTED, S.ASSESSMENT, S.ADVISED)),
        "reports": sum(1 for c in cases if start <= c["reported_on"] <= end),
        "inclusions": len(included),
        "not_included": len([c for c in existing if c["id"] in not_incl]),
        "outflows": sum(1 for c in cases if c["closed_on"] and start <= c["closed_on"] <= end),
        "lead_time_mean": round(statistics.mean(leads), 1) if leads else None,
    }
    row["caseload"] = row["active"] + row["static"] + row["aftercare"]
    return row


def _raw() -> dict:
    """Every row the figures are made of, read once, with the names of the reference lists."""
    return {
        "cases": list(Case.objects.values()),
        "ts": list(CaseTransition.objects.values()),
        "assignments": list(DirectorAssignment.objects.values()),
        "contacts": list(Contact.objects.values()),
        "interventions": list(Intervention.objects.values()),
        "scores": list(LifeDomainScore.objects.values()),
        "goals": list(PlanGoal.objects.values()),
        "names": {
            "ideology": dict(Ideology.objects.values_list("id", "name")),
            "risk": dict(RiskCategory.objects.values_list("id", "name")),
            "area": dict(Area.objects.values_list("id", "name")),
            "reason": dict(OutflowReason.objects.values_list("id", "name")),
            "org": dict(Organisation.objects.values_list("id", "name")),
            "type": dict(InterventionType.objects.values_list("id", "name")),
        },
        "directors": {d.pk: d for d in Director.objects.select_related("user", "organisation")},
    }


def _no_contact(c, *, raw, status, end) -> bool:
    if c["is_detained"] or c["is_abroad"] or status[c["id"]] == S.STATIC:
        return False
    dates = [
        x["date"]
        for x in raw["contacts"]
        if x["case_id"] == c["id"] and x["date"] <= end and x["kind"] != Contact.Kind.ATTEMPT
    ]
    # The last real contact or the inclusion, whichever is later (the case list's rule).
    since = max([*dates, *([c["included_on"]] if c["included_on"] else [])], default=c["reported_on"])
    return since < end - dt.timedelta(days=settings.IPGAR_NO_CONTACT_DAYS)


def _no_intervention(c, *, raw, end) -> bool:
    mine = [x for x in raw["interventions"] if x["case_id"] == c["id"] and x["started_on"] and x["started_on"] <= end]
    if any(x["ended_on"] is None or x["ended_on"] >= end for x in mine):
        return False
    last = max(
        (
            max(x["started_on"], x["ended_on"]) if x["ended_on"] and x["ended_on"] <= end else x["started_on"]
            for x in mine
        ),
        default=None,
    )
    since = max(last, c["included_on"]) if last and c["included_on"] else (last or c["included_on"] or c["reported_on"])
    return since < end - dt.timedelta(days=settings.IPGAR_NO_INTERVENTION_DAYS)


def _has(rows, field, c, end) -> bool:
    return any(r["case_id"] == c["id"] and r[field] <= end for r in rows)


def _complete(c, *, raw, end) -> bool:
    return bool(
        c["risk_category_id"]
        and c["ideology_id"]
        and _has(raw["scores"], "scored_on", c, end)
        and _has(raw["goals"], "created_on", c, end)
    )


def _per_director(raw, *, caseload, director_of, status, end) -> dict:
    """Caseload, alerts and completeness of each director in the pool at `end` or holding cases."""
    out = {}
    for pk, director in raw["directors"].items():
        mine = [c for c in caseload if director_of[c["id"]] == pk]
        in_pool = director.active_from <= end and (director.active_until is None or director.active_until >= end)
        if not mine and not in_pool:
            continue
        out[pk] = {
            "caseload": len(mine),
            "capacity": director.capacity,
            "over_capacity": len(mine) > director.capacity,
            "no_contact": sum(_no_contact(c, raw=raw, status=status, end=end) for c in mine),
            "no_intervention": sum(_no_intervention(c, raw=raw, end=end) for c in mine),
            "with_risk_category": sum(1 for c in mine if c["risk_category_id"]),
            "with_ideology": sum(1 for c in mine if c["ideology_id"]),
            "with_score": sum(1 for c in mine if _has(raw["scores"], "scored_on", c, end)),
            "with_goal": sum(1 for c in mine if _has(raw["goals"], "created_on", c, end)),
            "complete": sum(_complete(c, raw=raw, end=end) for c in mine),
        }
    return out


def _own_organisation(raw, *, start, end) -> dict:
    """Interventions of the quarter whose partner is the organisation of the case's director at `end`."""
    case_by_id = {c["id"]: c for c in raw["cases"]}
    own = total = 0
    for x in raw["interventions"]:
        if not (x["started_on"] and x["started_on"] <= end and (x["ended_on"] is None or x["ended_on"] >= start)):
            continue
        director = _director_at(case_by_id[x["case_id"]], raw["assignments"], end)
        if director is None:
            continue
        total += 1
        own += x["partner_id"] == raw["directors"][director].organisation_id
    return {"own": own, "total": total}


def _interventions(q: Quarter, raw) -> dict:
    """Started and running by type and partner, unused catalogue entries, the director's own organisation."""
    start, end = q.start, q.end
    names, interventions = raw["names"], raw["interventions"]
    started = [x for x in interventions if x["started_on"] and start <= x["started_on"] <= end]
    running = [
        x
        for x in interventions
        if x["started_on"] and x["started_on"] <= end and (x["ended_on"] is None or x["ended_on"] >= end)
    ]
    window = q.back(3).start
    used_types = {
        x["type_id"]
        for x in interventions
        if x["started_on"] and x["started_on"] <= end and (x["ended_on"] is None or x["ended_on"] >= window)
    }
    return {
        "started_by_type": _counts(names["type"][x["type_id"]] for x in started),
        "started_by_partner": _counts(names["org"][x["partner_id"]] for x in started),
        "running_by_type": _counts(names["type"][x["type_id"]] for x in running),
        "running_by_partner": _counts(names["org"][x["partner_id"]] for x in running),
        "unused_types": sorted(name for pk, name in names["type"].items() if pk not in used_types),
        "own_organisation": _own_organisation(raw, start=start, end=end),
    }


def _pending_and_lead_time(q: Quarter, cases, status) -> dict:
    start, end = q.start, q.end
    pending = [c for c in cases if c["reported_on"] <= end and status[c["id"]] in (S.REPORTED, S.ASSESSMENT, S.ADVISED)]
    ages = {c["code"]: (end - c["reported_on"]).days for c in pending}
    over = sum(1 for a in ages.values() if a > settings.IPGAR_PENDING_REPORT_DAYS)
    included = [c for c in cases if c["included_on"] and start <= c["included_on"] <= end]
    leads = [(c["included_on"] - c["reported_on"]).days for c in included]
    return {
        "lead_time": {
            "n": len(leads),
            "mean_days": round(statistics.mean(leads), 1) if leads else None,
            "median_days": round(float(statistics.median(leads)), 1) if leads else None,
            "min_days": min(leads, default=None),
            "max_days": max(leads, default=None),
        },
        "pending": {
            "count": len(pending),
            "over_limit": over,
            "cases": ages,
            "share_over_limit": round(100 * over / len(pending), 1) if pending else None,
        },
    }


def reference(q: Quarter) -> dict:
    """Every figure of docs/monitor.md's definitions for `q`, from the raw rows."""
    start, end = q.start, q.end
    raw = _raw()
    cases, ts, names, directors = raw["cases"], raw["ts"], raw["names"], raw["directors"]
    existing = [c for c in cases if c["reported_on"] <= end]
    status = {c["id"]: _status_at(c, ts, end) for c in existing}
    director_of = {c["id"]: _director_at(c, raw["assignments"], end) for c in existing}
    caseload = [c for c in existing if status[c["id"]] in (S.ACTIVE, S.STATIC, S.AFTERCARE)]
    row = quarter_reference(q, cases, ts)
    return {
        "status": {k: v for k, v in row.items() if k in ("active", "static", "aftercare", "caseload")},
        "flow": {k: v for k, v in row.items() if k in ("reports", "inclusions", "not_included", "outflows")},
        "outflow_by_reason": _counts(
            names["reason"][c["outflow_reason_id"]] for c in cases if c["closed_on"] and start <= c["closed_on"] <= end
        ),
        **_pending_and_lead_time(q, cases, status),
        "by_ideology": _counts(names["ideology"].get(c["ideology_id"]) for c in caseload),
        "by_risk_category": _counts(names["risk"].get(c["risk_category_id"]) for c in caseload),
        "by_area": _counts(names["area"][c["area_id"]] for c in caseload),
        "by_organisation": _counts(directors[director_of[c["id"]]].organisation.name for c in caseload),
        "alerts": {
            "no_contact": sum(_no_contact(c, raw=raw, status=status, end=end) for c in caseload),
            "no_intervention": sum(_no_intervention(c, raw=raw, end=end) for c in caseload),
        },
        "directors": _per_director(raw, caseload=caseload, director_of=director_of, status=status, end=end),
        **_interventions(q, raw),
        "trend": [{"label": p.label, **quarter_reference(p, cases, ts)} for p in q.last(8)],
    }
