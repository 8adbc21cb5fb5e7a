"""From frozen figures to what a reader sees: sections with a short text, tables and charts.

One structure feeds the page, the PDF and the Excel export, so the three always agree. It
is built on reading (titles in the reader's language); the figures themselves never change.
"""

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.dateparse import parse_date
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from .disclosure import HIDDEN, SINGLE_CASE, STAT_HIDDEN, is_hidden

DAYS_PER_WEEK = 7
# The programme's own reference figures from its start (docs/monitor.md, "Reference figures"),
# shown beside the measured ones: the share of cases expected to have no life-domain problems
# (percent), and the lead time from report to inclusion (weeks).
EXPECTED_WITHOUT_PROBLEMS_PERCENT = (15, 20)
REFERENCE_LEAD_TIME_WEEKS = {"mean": 8, "shortest": 1, "longest": 32}
# Every hidden cell points to one of these notes, each explained once on the page.
NOTE_MARKS = {HIDDEN: "a", STAT_HIDDEN: "b", SINGLE_CASE: "c"}


def reason_of(value) -> str:
    """The note of a hidden figure (schema 1's {"lt": n} was a hidden count)."""
    return value.get("hidden", HIDDEN) if is_hidden(value) else ""


def notes(threshold: int) -> list[tuple[str, str, str]]:
    """(mark, reason, plain-language explanation) of every kind of hidden figure."""
    return [
        (
            NOTE_MARKS[HIDDEN],
            HIDDEN,
            _(
                "Not shown to protect the people concerned: the number is smaller than %(t)s, or it would let "
                "someone work out a number that is. We do not say which, because that too would give it away."
            )
            % {"t": threshold},
        ),
        (
            NOTE_MARKS[STAT_HIDDEN],
            STAT_HIDDEN,
            _(
                "Not shown because the number of cases it is calculated over is not shown, or is smaller than "
                "%(t)s: an average or a percentage of a few cases says something about those persons."
            )
            % {"t": threshold},
        ),
        (
            NOTE_MARKS[SINGLE_CASE],
            SINGLE_CASE,
            _("The lowest and the highest value are the figure of one single case; the net monitor never shows them."),
        ),
    ]


@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list]
    chart: dict | None = None
    key: str = ""


@dataclass
class Section:
    key: str
    title: str
    text: str
    tables: list[Table] = field(default_factory=list)


def show(value) -> str:
    """A cell as text: "not shown (a)" for a hidden figure (never "< 5"), a dash for no value."""
    if is_hidden(value):
        return _("not shown (%(mark)s)") % {"mark": NOTE_MARKS[reason_of(value)]}
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return formats.number_format(value, 1)
    return str(value)


def _label(row: dict, empty: str) -> str:
    english = (get_language() or "nl").startswith("en")
    label = row.get("label_en") if english and row.get("label_en") else row.get("label")
    return label if label is not None else empty


def _chart_value(value):
    """Hidden figures are left out of a chart (a gap), never drawn as 0."""
    return None if is_hidden(value) else value


def _drawable(chart: dict | None) -> dict | None:
    """No empty charts: a chart with nothing but hidden values and zeros is left out."""
    if chart is None:
        return None
    values = [v for d in chart["datasets"] for v in d["data"]]
    return chart if any(v not in (None, 0) for v in values) else None


def _pct(value) -> str:
    return show(value) if is_hidden(value) or value is None else f"{show(value)}%"


def _weeks(days):
    if days is None or is_hidden(days):
        return days
    return round(days / DAYS_PER_WEEK, 1)


def _chart(labels: list, series: list[tuple[str, list]], *, kind: str = "bar") -> dict | None:
    """A chart of one or more (label, values) series over `labels`; hidden values are gaps."""
    return _drawable(
        {
            "type": kind,
            "labels": labels,
            "datasets": [{"label": name, "data": [_chart_value(v) for v in values]} for name, values in series],
        }
    )


def _breakdown(key: str, caption: str, rows: list[dict], *, empty: str, kind: str = "bar") -> Table:
    labels = [_label(r, empty) for r in rows]
    return Table(
        key=key,
        caption=caption,
        headers=[caption, _("Number of cases")],
        rows=[[label, r["value"]] for label, r in zip(labels, rows, strict=True)],
        chart=_chart(labels, [(_("Number of cases"), [r["value"] for r in rows])], kind=kind),
    )


def _num(value) -> str:
    return show(value)


def sections(figures: dict, *, variant: str) -> list[Section]:
    """The monitor's sections in reading order; gross-only sections only for the gross variant."""
    gross = variant == "gross"
    out = [
        _status_section(figures),
        _flow_section(figures),
        _lead_time_section(figures),
        _pending_section(figures, gross=gross),
        _caseload_breakdown_section(figures),
        _alerts_section(figures),
    ]
    if gross and "phases" in figures:
        out.append(_phases_section(figures))
    if gross:
        out.append(_directors_section(figures))
        out.append(_interventions_section(figures))
        out.append(_completeness_section(figures))
    out.append(_trend_section(figures))
    return out


def _status_section(figures: dict) -> Section:
    st = figures["status"]
    end = parse_date(figures["period"]["end"])
    statuses = [("active", _("active direction")), ("static", _("static")), ("aftercare", _("aftercare"))]
    return Section(
        "status",
        _("Cases at the end of the quarter"),
        _(
            "On %(date)s, %(total)s cases were in the approach: %(active)s in active direction, "
            "%(static)s static and %(aftercare)s in aftercare."
        )
        % {
            "date": formats.date_format(end, "j F Y"),
            "total": _num(st["caseload"]),
            "active": _num(st["active"]),
            "static": _num(st["static"]),
            "aftercare": _num(st["aftercare"]),
        },
        [
            Table(
                key="status",
                caption=_("Cases by status at the end of the quarter"),
                headers=[_("Status"), _("Number of cases")],
                rows=[[name, st[k]] for k, name in statuses] + [[_("total"), st["caseload"]]],
                chart=_chart(
                    [name for _k, name in statuses], [(_("Number of cases"), [st[k] for k, _name in statuses])]
                ),
            )
        ],
    )


def _flow_section(figures: dict) -> Section:
    flow = figures["flow"]
    return Section(
        "flow",
        _("Reports, inclusions and outflow in the quarter"),
        _(
            "In the quarter there were %(reports)s new reports and %(inclusions)s inclusions; "
            "%(not_included)s reports were not included and %(outflows)s cases flowed out."
        )
        % {k: _num(v) for k, v in flow.items()},
        [
            Table(
                key="flow",
                caption=_("Flow in the quarter"),
                headers=[_("Figure"), _("Number")],
                rows=[
                    [_("reports"), flow["reports"]],
                    [_("inclusions"), flow["inclusions"]],
                    [_("not included"), flow["not_included"]],
                    [_("outflows"), flow["outflows"]],
                ],
            ),
            _breakdown(
                "outflow_by_reason",
                _("Outflow by reason"),
                figures["outflow_by_reason"],
                empty=_("no reason recorded"),
            ),
        ],
    )


def _lead_time_text(lead: dict) -> str:
    """The lead time in words; the net monitor hides the extremes (one case each), so they are left out."""
    if lead["n"] == 0:
        return _("No case was included in the quarter.")
    if is_hidden(lead["mean_days"]):
        return _("The lead time of the inclusions of this quarter is not shown: see the notes on hidden figures.")
    values = {
        "n": _num(lead["n"]),
        "mean": show(_weeks(lead["mean_days"])),
        "median": show(_weeks(lead["median_days"])),
    }
    if is_hidden(lead["max_days"]):
        return (
            _(
                "For the %(n)s inclusions of the quarter the lead time from report to inclusion was %(mean)s "
                "weeks on average (median %(median)s weeks)."
            )
            % values
        )
    return _(
        "For the %(n)s inclusions of the quarter the lead time from report to inclusion was %(mean)s "
        "weeks on average (median %(median)s weeks, from %(min)s to %(max)s weeks)."
    ) % {**values, "min": show(_weeks(lead["min_days"])), "max": show(_weeks(lead["max_days"]))}


def _lead_time_section(figures: dict) -> Section:
    lead = figures["lead_time"]
    return Section(
        "lead_time",
        _("Lead time from report to inclusion"),
        _lead_time_text(lead),
        [
            Table(
                key="lead_time",
                caption=_("Lead time of the inclusions in the quarter"),
                headers=[_("Measure"), _("Days"), _("Weeks")],
                rows=[
                    [_("mean"), lead["mean_days"], _weeks(lead["mean_days"])],
                    [_("median"), lead["median_days"], _weeks(lead["median_days"])],
                    [_("shortest"), lead["min_days"], _weeks(lead["min_days"])],
                    [_("longest"), lead["max_days"], _weeks(lead["max_days"])],
                    [_("number of inclusions"), lead["n"], None],
                ],
            )
        ],
    )


def _pending_tables(pending: dict, *, weeks_limit: int, gross: bool) -> list[Table]:
    bands = pending["bands"]
    tables = [
        Table(
            key="pending_bands",
            caption=_("Pending reports by age at the end of the quarter"),
            headers=[_("Age in weeks"), _("Number of reports")],
            rows=[[b["label"], b["value"]] for b in bands] + [[_("total"), pending["count"]]],
            chart=_chart([b["label"] for b in bands], [(_("Number of reports"), [b["value"] for b in bands])]),
        ),
        Table(
            key="pending",
            caption=_("Pending reports"),
            headers=[_("Figure"), _("Value")],
            rows=[
                [_("pending reports"), pending["count"]],
                [_("pending longer than %(weeks)s weeks") % {"weeks": weeks_limit}, pending["over_limit"]],
                [
                    _("share pending longer than %(weeks)s weeks (%%)") % {"weeks": weeks_limit},
                    pending["share_over_limit"],
                ],
                [_("mean age (days)"), pending["mean_age_days"]],
                [_("highest age (days)"), pending["max_age_days"]],
            ],
        ),
    ]
    if gross:
        tables.append(
            Table(
                key="pending_cases",
                caption=_("Pending reports per case"),
                headers=[_("Case"), _("Age (days)"), _("Age (weeks)")],
                rows=[[c["label"], c["value"], _weeks(c["value"])] for c in pending["cases"]],
            )
        )
    return tables


def _pending_section(figures: dict, *, gross: bool) -> Section:
    pending = figures["pending"]
    weeks_limit = figures["settings"]["pending_days"] // DAYS_PER_WEEK
    return Section(
        "pending",
        _("Reports still pending"),
        _(
            "At the end of the quarter %(count)s reports were awaiting a decision; %(over)s of them "
            "(%(share)s) for longer than %(weeks)s weeks."
        )
        % {
            "count": _num(pending["count"]),
            "over": _num(pending["over_limit"]),
            "share": _pct(pending["share_over_limit"]),
            "weeks": weeks_limit,
        },
        _pending_tables(pending, weeks_limit=weeks_limit, gross=gross),
    )


def _caseload_breakdown_section(figures: dict) -> Section:
    not_recorded = _("not recorded")
    breakdowns = [
        ("by_ideology", _("Ideology"), not_recorded),
        ("by_risk_category", _("Risk category"), not_recorded),
        ("by_area", _("Area"), not_recorded),
        ("by_organisation", _("Director's organisation"), _("no director")),
    ]
    return Section(
        "breakdown",
        _("Caseload by ideology, risk category, area and organisation"),
        _(
            "The %(total)s cases in the approach at the end of the quarter, broken down four ways. The "
            "organisation is that of the case's director."
        )
        % {"total": _num(figures["status"]["caseload"])},
        [_breakdown(key, caption, figures[key], empty=empty) for key, caption, empty in breakdowns],
    )


def _alerts_section(figures: dict) -> Section:
    alerts, limits = figures["alerts"], figures["settings"]
    return Section(
        "alerts",
        _("Cases without contact or intervention"),
        _(
            "%(no_contact)s cases had no contact for more than %(contact_days)s days (static, detained and "
            "abroad cases not counted); %(no_intervention)s cases had no intervention for more than "
            "%(intervention_days)s days."
        )
        % {
            "no_contact": _num(alerts["no_contact"]),
            "no_intervention": _num(alerts["no_intervention"]),
            "contact_days": limits["no_contact_days"],
            "intervention_days": limits["no_intervention_days"],
        },
        [
            Table(
                key="alerts",
                caption=_("Cases with an alert at the end of the quarter"),
                headers=[_("Alert"), _("Number of cases")],
                rows=[
                    [
                        _("no contact for more than %(days)s days") % {"days": limits["no_contact_days"]},
                        alerts["no_contact"],
                    ],
                    [
                        _("no intervention for more than %(days)s days") % {"days": limits["no_intervention_days"]},
                        alerts["no_intervention"],
                    ],
                ],
            )
        ],
    )


def director_rows(rows: list[dict]) -> list[list]:
    no_director = _("no director")
    return [
        [
            _label(r, no_director),
            r["organisation"],
            r["fte"],
            r["caseload"],
            r["capacity"],
            r["over_capacity"],
            r["no_contact"],
            r["no_intervention"],
        ]
        for r in rows
    ]


def director_headers() -> list[str]:
    return [
        _("Director"),
        _("Organisation"),
        _("FTE"),
        _("Caseload"),
        _("Capacity"),
        _("Over capacity"),
        _("No contact"),
        _("No intervention"),
    ]


def _directors_section(figures: dict) -> Section:
    rows = [r for r in figures["directors"] if r["director_id"] is not None]
    over = [r for r in rows if r["over_capacity"]]
    labels = [_label(r, "") for r in rows]
    text = ngettext(
        "%(n)s director was over capacity (%(per_fte)s cases per FTE unless agreed otherwise).",
        "%(n)s directors were over capacity (%(per_fte)s cases per FTE unless agreed otherwise).",
        len(over),
    ) % {"n": len(over), "per_fte": figures["settings"]["cases_per_fte"]}
    return Section(
        "directors",
        _("Caseload per director"),
        text,
        [
            Table(
                key="directors",
                caption=_("Caseload per director against capacity"),
                headers=director_headers(),
                rows=director_rows(figures["directors"]),
                chart=_chart(
                    labels,
                    [(_("Caseload"), [r["caseload"] for r in rows]), (_("Capacity"), [r["capacity"] for r in rows])],
                ),
            )
        ],
    )


def _interventions_section(figures: dict) -> Section:
    iv = figures["interventions"]
    own = iv["own_organisation"]
    unknown = _("unknown")
    return Section(
        "interventions",
        _("Interventions"),
        _(
            "%(started)s interventions started in the quarter and %(running)s were running at its end. "
            "%(own)s of the %(total)s interventions of the quarter (%(share)s%%) came from the director's own "
            "organisation. %(unused)s catalogue entries were not used in the last four quarters."
        )
        % {
            "started": iv["started"],
            "running": iv["running"],
            "own": own["own"],
            "total": own["total"],
            "share": show(own["share"]),
            "unused": len(iv["unused_types"]),
        },
        [
            _breakdown("started_by_type", _("Started by intervention"), iv["started_by_type"], empty=unknown),
            _breakdown(
                "started_by_partner", _("Started by executing partner"), iv["started_by_partner"], empty=unknown
            ),
            _breakdown("running_by_type", _("Running by intervention"), iv["running_by_type"], empty=unknown),
            _breakdown(
                "running_by_partner", _("Running by executing partner"), iv["running_by_partner"], empty=unknown
            ),
            Table(
                key="own_organisation",
                caption=_("Interventions from the director's own organisation"),
                headers=[_("Figure"), _("Value")],
                rows=[
                    [_("from the director's own organisation"), own["own"]],
                    [_("all interventions in the quarter"), own["total"]],
                    [_("share (%)"), own["share"]],
                ],
            ),
            Table(
                key="unused_types",
                caption=_("Catalogue entries unused in the last four quarters"),
                headers=[_("Intervention")],
                rows=[[_label(t, unknown)] for t in iv["unused_types"]],
            ),
        ],
    )


def _completeness_section(figures: dict) -> Section:
    rows = [r for r in figures["directors"] if r["caseload"]]
    text = _(
        "Counted over what was recorded on the last day of the quarter. A case counts as completely registered "
        "when it has a risk category, an ideology, at least one life-domain score and, when it has a problem on a "
        "life domain (a latest score of 1 to 3), at least one goal in the plan of approach. A case whose latest "
        "scores are all 4 or 5 has no life-domain problems: it is counted apart and needs no plan goal."
    )
    without = figures.get("without_problems")
    if without:
        text = (
            _(
                "%(count)s of the %(caseload)s cases in the approach (%(share)s) had no problems on any life "
                "domain (the programme expects %(low)s-%(high)s%%). "
            )
            % {
                "count": without["count"],
                "caseload": without["caseload"],
                "share": _pct(without["share"]),
                "low": EXPECTED_WITHOUT_PROBLEMS_PERCENT[0],
                "high": EXPECTED_WITHOUT_PROBLEMS_PERCENT[1],
            }
            + text
        )
    return Section(
        "completeness",
        _("Registration completeness per director"),
        text,
        [
            Table(
                key="completeness",
                caption=_("Registration completeness per director"),
                headers=[
                    _("Director"),
                    _("Cases"),
                    _("With risk category"),
                    _("With ideology"),
                    _("With life-domain score"),
                    _("With plan goal"),
                    _("Without life-domain problems"),
                    _("Complete"),
                    _("Complete (%)"),
                ],
                rows=[
                    [
                        _label(r, _("no director")),
                        r["caseload"],
                        r["with_risk_category"],
                        r["with_ideology"],
                        r["with_score"],
                        r["with_goal"],
                        r.get("no_problems"),
                        r["complete"],
                        r["complete_share"],
                    ]
                    for r in rows
                ],
            )
        ],
    )


def _phase_names() -> dict[str, str]:
    return {
        "assessment": _("report → assessment"),
        "advice": _("assessment → advice (IVG-R)"),
        "inclusion": _("advice → inclusion (PTO-R)"),
        "outflow": _("inclusion → outflow"),
        "report_to_inclusion": _("report → inclusion (overall)"),
    }


def _phase_row(names: dict[str, str], row: dict) -> list:
    q, a = row["quarter"], row["all"]
    return [
        names.get(row["phase"], row["phase"]),
        q["n"],
        _weeks(q["mean_days"]),
        _weeks(q["median_days"]),
        a["n"],
        _weeks(a["mean_days"]),
        _weeks(a["median_days"]),
        _weeks(a["min_days"]),
        _weeks(a["max_days"]),
    ]


def _phases_text(overall: dict | None) -> str:
    text = _("Lead times in weeks, from the dates of the status transitions of each case.")
    if not (overall and overall["n"]):
        return text
    return (
        _(
            "Since the start, %(n)s cases were included %(mean)s weeks after their report on average "
            "(median %(median)s, from %(min)s to %(max)s weeks; the programme's own figures at its start: on "
            "average %(ref_mean)s weeks, %(ref_shortest)s to %(ref_longest)s). "
        )
        % {
            "ref_mean": REFERENCE_LEAD_TIME_WEEKS["mean"],
            "ref_shortest": REFERENCE_LEAD_TIME_WEEKS["shortest"],
            "ref_longest": REFERENCE_LEAD_TIME_WEEKS["longest"],
            "n": overall["n"],
            "mean": show(_weeks(overall["mean_days"])),
            "median": show(_weeks(overall["median_days"])),
            "min": show(_weeks(overall["min_days"])),
            "max": show(_weeks(overall["max_days"])),
        }
        + text
    )


def _phases_section(figures: dict) -> Section:
    """Lead time per phase from the case transitions (docs/domain.md S3), in the quarter and all time."""
    names = _phase_names()
    rows = [_phase_row(names, row) for row in figures["phases"]]
    overall = {row["phase"]: row["all"] for row in figures["phases"]}.get("report_to_inclusion")
    return Section(
        "phases",
        _("Lead time per phase"),
        _phases_text(overall),
        [
            Table(
                key="phases",
                caption=_("Lead time per phase (weeks)"),
                headers=[
                    _("Phase"),
                    _("Ended in the quarter"),
                    _("Mean (quarter)"),
                    _("Median (quarter)"),
                    _("Ended since the start"),
                    _("Mean (since the start)"),
                    _("Median (since the start)"),
                    _("Shortest (since the start)"),
                    _("Longest (since the start)"),
                ],
                rows=rows,
                chart=_chart(
                    [r[0] for r in rows],
                    [
                        (_("mean in the quarter (weeks)"), [r[2] for r in rows]),
                        (_("mean since the start (weeks)"), [r[5] for r in rows]),
                    ],
                ),
            )
        ],
    )


def _trend_table(key, caption, trend, measures, kind="line") -> Table:
    labels = [row["label"] for row in trend]
    return Table(
        key=key,
        caption=caption,
        headers=[_("Quarter")] + [name for _key, name in measures],
        rows=[[row["label"]] + [row.get(k) for k, _name in measures] for row in trend],
        chart=_chart(labels, [(name, [row.get(k) for row in trend]) for k, name in measures], kind=kind),
    )


def _trend_section(figures: dict) -> Section:
    """Stocks (counted at each quarter's end) and flows (during each quarter) on their own axes."""
    trend = figures["trend"]
    weeks = [{"label": row["label"], "weeks": _weeks(row["lead_time_mean"])} for row in trend]
    return Section(
        "trend",
        _("Trend over eight quarters"),
        _(
            "The main figures of the last eight quarters. Stocks are counted on each quarter's last day, flows "
            "over the quarter; each has its own chart and scale."
        ),
        [
            _trend_table(
                "trend",
                _("Stocks at the end of each quarter"),
                trend,
                [
                    ("caseload", _("caseload")),
                    ("active", _("active direction")),
                    ("static", _("static")),
                    ("aftercare", _("aftercare")),
                    ("pending", _("pending reports")),
                ],
            ),
            _trend_table(
                "trend_flows",
                _("Flows in each quarter"),
                trend,
                [
                    ("reports", _("reports")),
                    ("inclusions", _("inclusions")),
                    ("not_included", _("not included")),
                    ("outflows", _("outflows")),
                ],
                kind="bar",
            ),
            _trend_table("trend_lead_time", _("Mean lead time per quarter (weeks)"), weeks, [("weeks", _("Weeks"))]),
        ],
    )


def own_table(row: dict) -> Table:
    """A director's own caseload figures (their row of the gross monitor)."""
    return Table(
        key="own",
        caption=_("Your caseload at the end of the quarter"),
        headers=[_("Figure"), _("Value")],
        rows=[
            [_("Caseload"), row["caseload"]],
            [_("Capacity"), row["capacity"]],
            [_("Over capacity"), row["over_capacity"]],
            [_("No contact"), row["no_contact"]],
            [_("No intervention"), row["no_intervention"]],
            [_("Complete (%)"), row["complete_share"]],
        ],
    )


def cell_label(key: str) -> str:
    """A readable name for a cell key of the disclosure audit ("2025Q2.status.static")."""
    quarter, _dot, rest = key.partition(".")
    names = {
        "status": _("cases by status"),
        "flow": _("flow"),
        "outflow": _("outflow by reason"),
        "pending": _("pending reports"),
        "by_ideology": _("ideology"),
        "by_risk_category": _("risk category"),
        "by_area": _("area"),
        "by_organisation": _("director's organisation"),
        "alerts": _("alerts"),
    }
    group, _dot, item = rest.partition(".")
    return f"{quarter.replace('Q', ' Q')} · {names.get(group, group)} · {item}"


def audit_failures(audit: dict) -> list[dict]:
    return [{**f, "label": cell_label(f["key"])} for f in audit.get("failures", [])]
