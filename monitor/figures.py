"""The figures of the quarterly monitor (docs/monitor.md), computed by aggregation in PostgreSQL.

Every figure is one aggregate or GROUP BY query, one per section where a section's figures
share their expensive parts; Python only merges grouped rows (per director and label, per
type and partner, per quarter), never loops over cases, except the pending reports, whose
every case is listed anyway. The result is plain data (numbers
and lists of {label, value}) that a snapshot freezes.

Definitions (documented here because the monitor's readers depend on them):

- Status at a past date E: the `to_status` of the case's last CaseTransition at or before
  E (local time). A case whose first transition lies after E had that transition's
  `from_status` at E. A case without any transition (imported or registered directly in a
  state) is placed by its dates: closed when `closed_on <= E`, on the caseload when
  `included_on <= E` (its current status if that is a caseload status, else active),
  advised (pending) when `included_on > E`, otherwise its current status. Cases reported
  after E did not exist at E.
- Caseload: status at E active, static or aftercare. Pending report: reported, assessment
  or advised at E; its age is E − reported_on.
- The director at E is the DirectorAssignment running at E, else the case's director.
- Situation flags at E (detained, abroad), risk category and ideology for completeness: as
  the case's change history (django-simple-history) had them at the end of E; a case
  recorded only later falls back to its first recorded state, one without any history
  rows to its current values. So a past quarter
  regenerated today reads the flags of then.
- Without contact: on the caseload, not static at E, not detained or abroad at E, and the
  last contact on or before E — or the inclusion when there was none or it is later — more
  than IPGAR_NO_CONTACT_DAYS before E. Only a real contact counts: an attempt without contact
  is recorded but leaves the case without contact. The expression is the one of
  `Case.objects.with_alerts()`, which answers the same question for today.
- Without intervention: on the caseload, no intervention running at E, and the latest
  intervention start/end on or before E — or the inclusion — more than
  IPGAR_NO_INTERVENTION_DAYS before E (same rule as `with_alerts()`, by dates).
- Intervention running at E: started on or before E and not ended before E (dates decide,
  not the status field, so a past quarter is reproducible).
- Without life-domain problems (docs/domain.md source S3: 15-20 % of cases): a caseload case with at least
  one ZRM score on or before E whose latest score on every domain scored is 4 or 5. Such a
  case is flagged and needs no plan goal.
- Registration complete: a caseload case with a risk category and an ideology at E, at
  least one life-domain score on or before E, and a plan goal set on or before E unless it
  has no life-domain problems (no-problem cases are not incomplete).
- Lead time per phase (from the case transitions, local dates): report → assessment (the
  first transition to assessment, from the report date), assessment → advice (first to
  advised), advice → inclusion (advised → active), inclusion → outflow (to closed, from the
  inclusion date); and report → inclusion overall (included_on − reported_on). "In the
  quarter": the phase ended in the quarter; "all time": it ended on or before E.
"""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Avg,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as SqlCase
from django.db.models.functions import Coalesce, Greatest

from cases.models import (
    Case,
    CaseTransition,
    DirectorAssignment,
    Intervention,
    InterventionType,
    LifeDomainScore,
    PlanGoal,
)
from cases.models import _contact_until as contact_until  # the case list's rule, one definition
from ipgar.dates import start_of_day
from pool.models import Director

from .models import CaseloadAtEnd
from .quarters import Quarter

S = Case.Status
CASELOAD = list(Case.CASELOAD_STATUSES)
PENDING = list(Case.PENDING_STATUSES)
TREND_QUARTERS = 8
# Age bands of pending reports in weeks: (label, lowest day, highest day or None).
PENDING_BANDS = [("0-4", 0, 28), ("5-8", 29, 56), ("9-12", 57, 84), ("13+", 85, None)]


class Median(Aggregate):
    """PostgreSQL's exact median of a numeric expression."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """later − earlier for two dates, in whole days (PostgreSQL date subtraction)."""

    template = "(%(expressions)s)"
    arg_joiner = " - "
    output_field = IntegerField()


def _date(value: dt.date) -> Value:
    return Value(value, output_field=DateField())


def _day_after(day: dt.date) -> dt.datetime:
    """Start of the next local day: transitions before it happened on or before `day`."""
    return start_of_day(day + dt.timedelta(days=1))


def status_at(end: dt.date):
    """SQL expression: the status a case had at the end of `end` (see the module docstring)."""
    cutoff = _day_after(end)
    last_before = (
        CaseTransition.objects.filter(case=OuterRef("pk"), at__lt=cutoff).order_by("-at", "-id").values("to_status")
    )
    first_after = (
        CaseTransition.objects.filter(case=OuterRef("pk"), at__gte=cutoff).order_by("at", "id").values("from_status")
    )
    by_dates = SqlCase(
        When(closed_on__lte=end, then=Value(S.CLOSED.value)),
        When(included_on__lte=end, status__in=CASELOAD, then=F("status")),
        When(included_on__lte=end, then=Value(S.ACTIVE.value)),
        When(included_on__gt=end, then=Value(S.ADVISED.value)),
        default=F("status"),
    )
    return Coalesce(Subquery(last_before[:1]), Subquery(first_after[:1]), by_dates, output_field=CharField())


def director_at(end: dt.date, case_ref: str = "pk"):
    """SQL expression: the id of the case's director at `end`."""
    running = (
        DirectorAssignment.objects.filter(case=OuterRef(case_ref), started_on__lte=end)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=end))
        .order_by("-started_on", "-id")
        .values("director_id")
    )
    fallback = F("director_id") if case_ref == "pk" else F("case__director_id")
    return Coalesce(Subquery(running[:1]), fallback, output_field=IntegerField())


def cases_at(end: dt.date):
    """Cases that existed at `end`, annotated with their status and director then."""
    return Case.objects.filter(reported_on__lte=end).annotate(
        status_at_end=status_at(end), director_at_end=director_at(end)
    )


# Situation at E as a small bit set: 1 detained or abroad, 2 risk category, 4 ideology; one
# history lookup per caseload case instead of three. Conditions then test set membership.
EXEMPT_BITS = [1, 3, 5, 7]
RISK_BITS = [2, 3, 6, 7]
IDEOLOGY_BITS = [4, 5, 6, 7]


def _situation_bits():
    return (
        SqlCase(When(Q(is_detained=True) | Q(is_abroad=True), then=Value(1)), default=Value(0))
        + SqlCase(When(risk_category__isnull=False, then=Value(2)), default=Value(0))
        + SqlCase(When(ideology__isnull=False, then=Value(4)), default=Value(0))
    )


def situation_at(end: dt.date):
    """SQL expression: the situation bits of the case at the end of `end`, from its history."""
    rows = Case.history.model.objects.filter(id=OuterRef("pk")).annotate(bits=_situation_bits())
    last_before = rows.filter(history_date__lt=_day_after(end)).order_by("-history_date", "-history_id")
    # Recorded only later (imported, or a test's factory): the first recorded state is the best
    # knowledge of then; without any history, the current values.
    first_after = rows.order_by("history_date", "history_id")
    return Coalesce(
        Subquery(last_before.values("bits")[:1], output_field=IntegerField()),
        Subquery(first_after.values("bits")[:1], output_field=IntegerField()),
        _situation_bits(),
        output_field=IntegerField(),
    )


def caseload_at(end: dt.date):
    """The caseload at `end` with the alert and registration annotations of the monitor."""
    # The newest contact by ORDER BY ... LIMIT 1 rather than MAX(): PostgreSQL then reads one
    # entry of the (case, -date) index per case instead of every contact of the case.
    last_intervention = (
        Intervention.objects.filter(case=OuterRef("pk"), started_on__lte=end)
        .order_by()
        .values("case")
        .annotate(
            last=Max(SqlCase(When(ended_on__lte=end, then=Greatest("started_on", "ended_on")), default=F("started_on")))
        )
        .values("last")
    )
    running = Intervention.objects.filter(case=OuterRef("pk"), started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=end)
    )
    qs = (
        cases_at(end)
        .filter(status_at_end__in=CASELOAD)
        .annotate(
            # The case list's own rule (`with_alerts`) at `end`: the last real contact (an attempt
            # does not count), read from the case's `last_contact_on` unless a later contact
            # came in, or the inclusion when that is later.
            contact_since=Coalesce(Greatest(contact_until(end), "included_on"), "reported_on"),
            has_running=Exists(running),
            # Only a case without a running intervention can be without one: for the others the
            # latest start or end (an aggregate over the case's interventions) is not looked up.
            intervention_since=SqlCase(
                When(
                    has_running=False,
                    then=Coalesce(
                        Greatest(Subquery(last_intervention, output_field=DateField()), "included_on"),
                        "included_on",
                        "reported_on",
                    ),
                ),
                output_field=DateField(),
            ),
            has_score=Exists(LifeDomainScore.objects.filter(case=OuterRef("pk"), scored_on__lte=end)),
            has_problem=Exists(_latest_low_scores(end)),
            has_goal=Exists(PlanGoal.objects.filter(case=OuterRef("pk"), created_on__lte=end)),
            situation=situation_at(end),
        )
    )
    return qs


def _latest_low_scores(end: dt.date):
    """Scores of 1-3 that were the latest on their domain at `end` (a life-domain problem then)."""
    newer = LifeDomainScore.objects.filter(
        case=OuterRef("case"), domain=OuterRef("domain"), scored_on__lte=end, scored_on__gt=OuterRef("scored_on")
    )
    return LifeDomainScore.objects.filter(case=OuterRef("pk"), scored_on__lte=end, score__lte=3).filter(~Exists(newer))


def no_contact(end: dt.date) -> Q:
    """Condition on caseload_at(end): without contact for too long (module docstring)."""
    return (
        ~Q(situation__in=EXEMPT_BITS)
        & ~Q(status_at_end=S.STATIC)
        & Q(contact_since__lt=end - dt.timedelta(days=settings.IPGAR_NO_CONTACT_DAYS))
    )


def no_intervention(end: dt.date) -> Q:
    """Condition on caseload_at(end): without any intervention for too long."""
    return Q(has_running=False, intervention_since__lt=end - dt.timedelta(days=settings.IPGAR_NO_INTERVENTION_DAYS))


NO_PROBLEMS = Q(has_score=True, has_problem=False)
COMPLETE = (
    Q(situation__in=RISK_BITS)
    & Q(situation__in=IDEOLOGY_BITS)
    & Q(has_score=True)
    & (Q(has_goal=True) | Q(has_problem=False))
)


_QUARTER_COUNTS_SQL = """
WITH q (idx, start_on, end_on, start_at, cutoff) AS (VALUES {quarters}),
t AS (
    SELECT case_id, at, to_status, from_status,
           LEAD(at) OVER (PARTITION BY case_id ORDER BY at, id) AS next_at,
           ROW_NUMBER() OVER (PARTITION BY case_id ORDER BY at, id) AS n
    FROM {transition}
),
st AS (
    SELECT q.idx, t.case_id, CASE WHEN t.at < q.cutoff THEN t.to_status ELSE t.from_status END AS status
    FROM t JOIN q ON (t.at < q.cutoff AND (t.next_at IS NULL OR t.next_at >= q.cutoff))
                  OR (t.n = 1 AND t.at >= q.cutoff)
),
ni AS (
    SELECT DISTINCT q.idx, x.case_id
    FROM {transition} x JOIN q ON x.at >= q.start_at AND x.at < q.cutoff
    WHERE x.to_status = %(not_included)s
)
SELECT q.idx,
       COALESCE(st.status, CASE WHEN c.closed_on <= q.end_on THEN %(closed)s
                                WHEN c.included_on <= q.end_on AND c.status = ANY(%(caseload)s) THEN c.status
                                WHEN c.included_on <= q.end_on THEN %(active)s
                                WHEN c.included_on > q.end_on THEN %(advised)s
                                ELSE c.status END) AS status_at_end,
       COUNT(*) AS n,
       COUNT(*) FILTER (WHERE c.reported_on >= q.start_on) AS reports,
       COUNT(*) FILTER (WHERE c.included_on BETWEEN q.start_on AND q.end_on) AS inclusions,
       COUNT(*) FILTER (WHERE ni.case_id IS NOT NULL) AS not_included,
       COUNT(*) FILTER (WHERE c.closed_on BETWEEN q.start_on AND q.end_on) AS outflows,
       SUM(c.included_on - c.reported_on) FILTER (WHERE c.included_on BETWEEN q.start_on AND q.end_on) AS lead_days
FROM q JOIN {case} c ON c.reported_on <= q.end_on
LEFT JOIN st ON st.idx = q.idx AND st.case_id = c.id
LEFT JOIN ni ON ni.idx = q.idx AND ni.case_id = c.id
GROUP BY 1, 2
"""


def _quarter_groups(quarters: list[Quarter]) -> list[tuple]:
    """(quarter index, status at its end, counts) for every quarter at once: status_at's rule
    (the last transition before the end, else the first one's from-status, else by the dates)
    taken set-based, from one pass over the transitions with each one's successor, instead of
    two subqueries per case and quarter (20,000 cases x eight quarters at L). The trend of
    `tests/monitor/test_figures.py` holds it to the reference computation."""
    values = ", ".join(
        f"(%(i{i})s::int, %(s{i})s::date, %(e{i})s::date, %(sa{i})s::timestamptz, %(c{i})s::timestamptz)"
        for i in range(len(quarters))
    )
    params = {"not_included": S.NOT_INCLUDED.value, "closed": S.CLOSED.value, "caseload": CASELOAD}
    params |= {"active": S.ACTIVE.value, "advised": S.ADVISED.value}
    for i, quarter in enumerate(quarters):
        params |= {f"i{i}": i, f"s{i}": quarter.start, f"e{i}": quarter.end}
        params |= {f"sa{i}": start_of_day(quarter.start), f"c{i}": _day_after(quarter.end)}
    tables = {"transition": CaseTransition._meta.db_table, "case": Case._meta.db_table}
    sql = _QUARTER_COUNTS_SQL.format(quarters=values, **tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def trend_counts(quarters: list[Quarter]) -> dict[Quarter, dict]:
    """The headline counts of each quarter, from ONE grouped query for all of them."""
    groups: dict[int, list] = {i: [] for i in range(len(quarters))}
    for idx, status, *counts in _quarter_groups(quarters):  # one row per quarter and status
        groups[idx].append((status, *counts))
    return {quarter: _counts_row(groups[i]) for i, quarter in enumerate(quarters)}


def quarter_counts(quarter: Quarter) -> dict:
    """The headline counts of one quarter (also each trend point)."""
    return trend_counts([quarter])[quarter]


def _counts_row(groups: list[tuple]) -> dict:
    row = dict.fromkeys(("active", "static", "aftercare", "pending", "reports", "inclusions", "not_included"), 0)
    row["outflows"] = 0
    lead_days = 0
    for status, n, reports, inclusions, not_included, outflows, days in groups:
        if status in CASELOAD:
            row[status] += n
        elif status in PENDING:
            row["pending"] += n
        row["reports"] += reports
        row["inclusions"] += inclusions
        row["not_included"] += not_included
        row["outflows"] += outflows
        lead_days += days or 0
    row["caseload"] = row["active"] + row["static"] + row["aftercare"]
    # Exact division as PostgreSQL's AVG() of integers does, then the same rounding.
    mean = Decimal(lead_days) / Decimal(row["inclusions"]) if row["inclusions"] else None
    row["lead_time_mean"] = _round(mean)
    return row


def _round(value, digits: int = 1):
    return None if value is None else round(float(value), digits)


def _share(part: int, whole: int):
    return _round(100 * part / whole) if whole else None


def _grouped(qs, name: str, name_en: str | None = None) -> list[dict]:
    """[{label, label_en, value}] counted per value of `name`, largest first."""
    fields = [name] + ([name_en] if name_en else [])
    rows = qs.order_by().values(*fields).annotate(value=Count("pk")).order_by("-value", name)
    return [{"label": r[name], "label_en": r[name_en] if name_en else r[name], "value": r["value"]} for r in rows]


def _lead_time(quarter: Quarter) -> dict:
    lead = DaysBetween(F("included_on"), F("reported_on"))
    row = Case.objects.filter(included_on__range=(quarter.start, quarter.end)).aggregate(
        n=Count("pk"),
        mean_days=Avg(lead, output_field=FloatField()),
        median_days=Median(lead),
        min_days=Min(lead),
        max_days=Max(lead),
    )
    row["mean_days"] = _round(row["mean_days"])
    row["median_days"] = _round(row["median_days"])
    return row


def _pending(end: dt.date) -> dict:
    """Pending reports at `end`: every case's age is listed, so the figures are taken from that
    one list (the status at `end` is a subquery per case: a second query repeated it)."""
    limit = settings.IPGAR_PENDING_REPORT_DAYS
    qs = cases_at(end).filter(status_at_end__in=PENDING).annotate(age=DaysBetween(_date(end), F("reported_on")))
    rows = list(qs.order_by("-age", "code").values_list("code", "age"))
    ages = [age for _code, age in rows]
    over_limit = sum(1 for age in ages if age > limit)
    # As PostgreSQL's AVG() of integers: the exact quotient, then rounded once.
    mean = Decimal(sum(ages)) / Decimal(len(ages)) if ages else None
    return {
        "count": len(ages),
        "over_limit": over_limit,
        "share_over_limit": _share(over_limit, len(ages)),
        "mean_age_days": _round(mean),
        "max_age_days": max(ages, default=None),
        "bands": [
            {"label": label, "value": sum(1 for age in ages if age >= low and (high is None or age <= high))}
            for label, low, high in PENDING_BANDS
        ],
        "cases": [{"label": code, "value": age} for code, age in rows],
    }


COUNTS = (
    "caseload",
    "no_contact_count",
    "no_intervention_count",
    "with_risk",
    "with_ideology",
    "with_score",
    "with_goal",
    "no_problem_count",
    "complete_count",
)
LABELS = {
    "by_ideology": ("ideology_name", "ideology_name_en"),
    "by_risk_category": ("risk_category_name", "risk_category_name_en"),
    "by_area": ("area_name", "area_name_en"),
}
# The columns of CaseloadAtEnd, as caseload_at computes them ("pk" is the case id).
PER_CASE = ("pk", "director_at_end", "status_at_end", "situation", "contact_since", "intervention_since")
PER_CASE_FLAGS = ("has_running", "has_score", "has_problem", "has_goal")
PER_CASE_LABELS = {name: F(name.replace("_name", "__name", 1)) for pair in LABELS.values() for name in pair}


def _caseload_rows(end: dt.date, caseload) -> list[dict]:
    """The caseload's counts grouped by director at `end` and the three labels, in one statement.

    Grouping caseload_at itself inlined its subqueries (status, history, contacts, scores) into
    every filtered count, so each case paid for them up to five times. Here they are computed
    once per case in a MATERIALIZED common table expression named as CaseloadAtEnd's table, and
    the same conditions are counted over its columns.
    """
    inner = caseload.order_by().values(*PER_CASE, *PER_CASE_FLAGS, **PER_CASE_LABELS)
    inner_sql, inner_params = inner.query.sql_with_params()
    fields = ["director_at_end", *(f for pair in LABELS.values() for f in pair)]
    outer = (
        CaseloadAtEnd.objects.order_by()
        .values(*fields)
        .annotate(
            caseload=Count("pk"),
            no_contact_count=Count("pk", filter=no_contact(end)),
            no_intervention_count=Count("pk", filter=no_intervention(end)),
            with_risk=Count("pk", filter=Q(situation__in=RISK_BITS)),
            with_ideology=Count("pk", filter=Q(situation__in=IDEOLOGY_BITS)),
            with_score=Count("pk", filter=Q(has_score=True)),
            with_goal=Count("pk", filter=Q(has_goal=True)),
            no_problem_count=Count("pk", filter=NO_PROBLEMS),
            complete_count=Count("pk", filter=COMPLETE),
        )
    )
    outer_sql, outer_params = outer.query.sql_with_params()
    table = CaseloadAtEnd._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'WITH "{table}" AS MATERIALIZED ({inner_sql}) {outer_sql}', [*inner_params, *outer_params])
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _caseload_groups(end: dt.date, caseload) -> tuple[dict, dict]:
    """The caseload's counts per director at `end` and its breakdowns, from ONE grouped query
    (`_caseload_rows`); the grouped rows (at most one per case, usually far fewer) are summed here.
    """
    rows = _caseload_rows(end, caseload)
    per_director: dict = {}
    breakdowns: dict = {key: {} for key in LABELS}
    for row in rows:
        director = per_director.setdefault(
            row["director_at_end"], {"director_at_end": row["director_at_end"], **dict.fromkeys(COUNTS, 0)}
        )
        for name in COUNTS:
            director[name] += row[name]
        for key, (name, name_en) in LABELS.items():
            label = (row[name], row[name_en])
            breakdowns[key][label] = breakdowns[key].get(label, 0) + row["caseload"]
    out = {}
    for key, counts in breakdowns.items():
        ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0] is None, kv[0][0] or ""))
        out[key] = [{"label": label, "label_en": label_en, "value": n} for (label, label_en), n in ordered]
    organisation_of = dict(
        Director.objects.filter(pk__in=[pk for pk in per_director if pk is not None]).values_list(
            "pk", "organisation__name"
        )
    )
    organisations: dict = {}
    for pk, director in per_director.items():
        name = organisation_of.get(pk)
        group = organisations.setdefault(name, {"value": 0, "directors": 0})
        group["value"] += director["caseload"]
        group["directors"] += 1 if pk is not None and director["caseload"] else 0
    out["by_organisation"] = [
        {"label": name, "label_en": name, "value": g["value"], "directors": g["directors"]}
        for name, g in sorted(organisations.items(), key=lambda kv: (-kv[1]["value"], kv[0] is None, kv[0] or ""))
    ]
    return per_director, out


def _directors(end: dt.date, per_director: dict) -> list[dict]:
    """Caseload, capacity, alerts and registration completeness per director at `end`."""
    directors = (
        Director.objects.filter(Director.in_pool_on(end) | Q(pk__in=[pk for pk in per_director if pk is not None]))
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    rows = []
    for director in directors:  # the pool (about eight), not cases
        counts = per_director.get(director.pk, {})
        load = counts.get("caseload", 0)
        rows.append(
            {
                "director_id": director.pk,
                "label": director.user.get_full_name() or director.user.username,
                "organisation": director.organisation.name,
                "fte": float(director.fte),
                "caseload": load,
                "capacity": director.capacity,
                "over_capacity": load > director.capacity,
                "no_contact": counts.get("no_contact_count", 0),
                "no_intervention": counts.get("no_intervention_count", 0),
                "with_risk_category": counts.get("with_risk", 0),
                "with_ideology": counts.get("with_ideology", 0),
                "with_score": counts.get("with_score", 0),
                "with_goal": counts.get("with_goal", 0),
                "no_problems": counts.get("no_problem_count", 0),
                "complete": counts.get("complete_count", 0),
                "complete_share": _share(counts.get("complete_count", 0), load),
            }
        )
    if None in per_director:  # caseload cases without any director at that date
        counts = per_director[None]
        rows.append(
            {
                "director_id": None,
                "label": None,
                "organisation": None,
                "fte": None,
                "caseload": counts["caseload"],
                "capacity": None,
                "over_capacity": False,
                "no_contact": counts["no_contact_count"],
                "no_intervention": counts["no_intervention_count"],
                "with_risk_category": counts["with_risk"],
                "with_ideology": counts["with_ideology"],
                "with_score": counts["with_score"],
                "with_goal": counts["with_goal"],
                "no_problems": counts["no_problem_count"],
                "complete": counts["complete_count"],
                "complete_share": _share(counts["complete_count"], counts["caseload"]),
            }
        )
    return rows


_OWN_ORGANISATION_SQL = """
SELECT COUNT(*) FILTER (WHERE i.partner_id = d.organisation_id), COUNT(*)
FROM {intervention} i
JOIN {case} c ON c.id = i.case_id
LEFT JOIN (
    SELECT DISTINCT ON (case_id) case_id, director_id
    FROM {assignment}
    WHERE started_on <= %(end)s AND (ended_on IS NULL OR ended_on > %(end)s)
    ORDER BY case_id, started_on DESC, id DESC
) a ON a.case_id = i.case_id
JOIN {director} d ON d.id = COALESCE(a.director_id, c.director_id)
WHERE i.started_on <= %(end)s AND (i.ended_on IS NULL OR i.ended_on >= %(start)s)
"""


def _own_organisation(quarter: Quarter) -> dict:
    """Interventions that ran during the quarter, on cases with a director at quarter end:
    "own" when the executing partner is that director's own organisation (docs/domain.md source S3).

    The director at the end is `director_at`'s rule (the assignment running then, latest start
    first, else the case's director), taken for every case at once from one pass over the
    assignments: as a subquery per intervention it cost a second at L.
    """
    sql = _OWN_ORGANISATION_SQL.format(
        intervention=Intervention._meta.db_table,
        case=Case._meta.db_table,
        assignment=DirectorAssignment._meta.db_table,
        director=Director._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": quarter.start, "end": quarter.end})
        own, total = cursor.fetchone()
    return {"own": own, "total": total, "share": _share(own, total)}


def _ordered(counts: dict, *, with_en: bool) -> list[dict]:
    """[{label, label_en, value}] largest first, then by label (empty last), as _grouped orders."""
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0] is None, kv[0][0] or "", kv[0][1] or ""))
    return [
        {"label": label, "label_en": label_en if with_en else label, "value": n}
        for (label, label_en), n in ordered
        if n
    ]


def _interventions_by_type_and_partner(quarter: Quarter) -> dict:
    """Started in and running at the end of the quarter, by type and by partner: ONE grouped
    query (type x partner, a few hundred rows) summed here, instead of a scan per breakdown."""
    start, end = quarter.start, quarter.end
    started = Q(started_on__range=(start, end))
    running = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=end))
    rows = (
        Intervention.objects.filter(started | running)
        .order_by()
        .values("type__name", "type__name_en", "partner__name")
        .annotate(started=Count("pk", filter=started), running=Count("pk", filter=running))
    )
    sums: dict = {key: {} for key in ("started_by_type", "started_by_partner", "running_by_type", "running_by_partner")}
    for row in rows:
        kind = (row["type__name"], row["type__name_en"])
        partner = (row["partner__name"], None)
        for scope in ("started", "running"):
            for key, label in ((f"{scope}_by_type", kind), (f"{scope}_by_partner", partner)):
                sums[key][label] = sums[key].get(label, 0) + row[scope]
    out = {key: _ordered(counts, with_en=key.endswith("type")) for key, counts in sums.items()}
    out["started"] = sum(row["value"] for row in out["started_by_type"])
    out["running"] = sum(row["value"] for row in out["running_by_type"])
    return out


def _interventions(quarter: Quarter) -> dict:
    end = quarter.end
    window_start = quarter.back(3).start
    used = Intervention.objects.filter(type=OuterRef("pk"), started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=window_start)
    )
    unused = (
        InterventionType.objects.filter(archived=False)
        .annotate(used=Exists(used))
        .filter(used=False)
        .order_by("order", "name")
        .values("name", "name_en")
    )
    return {
        **_interventions_by_type_and_partner(quarter),
        "unused_types": [{"label": r["name"], "label_en": r["name_en"] or r["name"]} for r in unused],
        "own_organisation": _own_organisation(quarter),
    }


def compute(quarter: Quarter) -> dict:
    """All gross figures of `quarter` as plain data (the net variant is derived from them)."""
    with transaction.atomic(), connection.cursor() as cursor:
        # These queries are costed high (a subquery per case) but run in well under a second;
        # PostgreSQL's JIT compilation then costs more than it saves. Local to this transaction.
        cursor.execute("SET LOCAL jit = off")
        return _compute(quarter)


PHASES = ["assessment", "advice", "inclusion", "outflow", "report_to_inclusion"]

_PHASE_SQL = """
WITH steps AS (
    SELECT t.case_id,
           MIN(t.at) FILTER (WHERE t.to_status = 'assessment') AS assessed_at,
           MIN(t.at) FILTER (WHERE t.to_status = 'advised') AS advised_at,
           MIN(t.at) FILTER (WHERE t.from_status = 'advised' AND t.to_status = 'active') AS included_at,
           MIN(t.at) FILTER (WHERE t.to_status = 'closed') AS closed_at
    FROM cases_casetransition t
    WHERE t.at < %(cutoff)s
    GROUP BY t.case_id
), local AS (
    SELECT c.reported_on, c.included_on,
           (s.assessed_at AT TIME ZONE %(tz)s)::date AS assessed_on,
           (s.advised_at AT TIME ZONE %(tz)s)::date AS advised_on,
           (s.included_at AT TIME ZONE %(tz)s)::date AS included_step_on,
           (s.closed_at AT TIME ZONE %(tz)s)::date AS closed_step_on
    FROM steps s JOIN cases_case c ON c.id = s.case_id
), spans AS (
    SELECT 'assessment' AS phase, assessed_on AS ended_on, assessed_on - reported_on AS days FROM local
    UNION ALL SELECT 'advice', advised_on, advised_on - assessed_on FROM local
    UNION ALL SELECT 'inclusion', included_step_on, included_step_on - advised_on FROM local
    UNION ALL SELECT 'outflow', closed_step_on, closed_step_on - included_on FROM local
)
SELECT phase, (ended_on >= %(start)s) AS in_quarter, COUNT(*), AVG(days)::float,
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY days), MIN(days), MAX(days)
FROM spans WHERE ended_on IS NOT NULL AND days IS NOT NULL AND days >= 0 AND ended_on <= %(end)s
GROUP BY GROUPING SETS ((phase), (phase, (ended_on >= %(start)s)))
"""


def _stats(n, mean, median, low, high) -> dict:
    return {"n": n or 0, "mean_days": _round(mean), "median_days": _round(median), "min_days": low, "max_days": high}


def _phases(quarter: Quarter) -> list[dict]:
    """Lead time per phase, in the quarter and all time up to its end, in one query (see above)."""
    start, end = quarter.start, quarter.end
    with connection.cursor() as cursor:
        cursor.execute(_PHASE_SQL, {"cutoff": _day_after(end), "tz": settings.TIME_ZONE, "start": start, "end": end})
        rows = cursor.fetchall()
    found = {}
    for phase, in_quarter, *stats in rows:
        scope = "all" if in_quarter is None else ("quarter" if in_quarter else None)
        if scope:
            found[(phase, scope)] = _stats(*stats)
    # Report to inclusion by the case's own dates, as the lead time has always been (docs/domain.md).
    lead = DaysBetween(F("included_on"), F("reported_on"))
    overall = Case.objects.filter(included_on__lte=end).aggregate(
        n=Count("pk"),
        mean=Avg(lead, output_field=FloatField()),
        median=Median(lead),
        low=Min(lead),
        high=Max(lead),
        qn=Count("pk", filter=Q(included_on__gte=start)),
        qmean=Avg(lead, filter=Q(included_on__gte=start), output_field=FloatField()),
        qmedian=Median(lead, filter=Q(included_on__gte=start)),
        qlow=Min(lead, filter=Q(included_on__gte=start)),
        qhigh=Max(lead, filter=Q(included_on__gte=start)),
    )
    found[("report_to_inclusion", "all")] = _stats(
        overall["n"], overall["mean"], overall["median"], overall["low"], overall["high"]
    )
    found[("report_to_inclusion", "quarter")] = _stats(
        overall["qn"], overall["qmean"], overall["qmedian"], overall["qlow"], overall["qhigh"]
    )
    empty = _stats(0, None, None, None, None)
    return [
        {"phase": phase, "quarter": found.get((phase, "quarter"), empty), "all": found.get((phase, "all"), empty)}
        for phase in PHASES
    ]


def _compute(quarter: Quarter) -> dict:
    start, end = quarter.start, quarter.end
    trend = trend_counts(quarter.last(TREND_QUARTERS))  # oldest first, this quarter last
    counts = trend[quarter]
    caseload = caseload_at(end)
    per_director, breakdowns = _caseload_groups(end, caseload)
    # Every caseload case is in exactly one director group, so the totals are their sums.
    alerts = {
        "no_contact": sum(row["no_contact_count"] for row in per_director.values()),
        "no_intervention": sum(row["no_intervention_count"] for row in per_director.values()),
    }
    caseload_total = sum(row["caseload"] for row in per_director.values())
    no_problems = sum(row["no_problem_count"] for row in per_director.values())
    return {
        "schema": 2,
        "period": {
            "year": quarter.year,
            "quarter": quarter.quarter,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
        "settings": {
            "no_contact_days": settings.IPGAR_NO_CONTACT_DAYS,
            "no_intervention_days": settings.IPGAR_NO_INTERVENTION_DAYS,
            "pending_days": settings.IPGAR_PENDING_REPORT_DAYS,
            "cases_per_fte": settings.IPGAR_CASES_PER_FTE,
        },
        "status": {k: counts[k] for k in ("active", "static", "aftercare", "caseload")},
        "flow": {k: counts[k] for k in ("reports", "inclusions", "not_included", "outflows")},
        "outflow_by_reason": _grouped(
            Case.objects.filter(closed_on__range=(start, end)), "outflow_reason__name", "outflow_reason__name_en"
        ),
        "lead_time": _lead_time(quarter),
        "pending": _pending(end),
        **breakdowns,
        "alerts": alerts,
        "without_problems": {
            "count": no_problems,
            "caseload": caseload_total,
            "share": _share(no_problems, caseload_total),
        },
        "phases": _phases(quarter),
        "directors": _directors(end, per_director),
        "interventions": _interventions(quarter),
        "trend": [{"label": q.label, "year": q.year, "quarter": q.quarter, **trend[q]} for q in trend],
    }
