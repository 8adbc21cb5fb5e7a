"""Permission-filtered reads of cases. Pages, the monitor and tasks share these.

Every selector starts from `Case.objects.visible_to(user)`; alerts come from
`CaseQuerySet.with_alerts()` (one SQL definition of the three alerts, docs/monitor.md).
"""

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField, Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from ipgar import roles
from ipgar.compiled import STAND_IN_DAY, CompiledQuery
from ipgar.dates import short_date

from . import permissions
from .models import (
    Case,
    CaseAccessGrant,
    CaseIdentity,
    CaseTransition,
    Contact,
    DirectorAssignment,
    Escalation,
    Intervention,
    LifeDomain,
    LifeDomainScore,
    NetworkLink,
    PlanGoal,
    alert_cutoffs,
    granted_codenames_sql,
    permitted,
)

ALERT_FILTERS = ("any", "no_contact", "no_intervention", "pending_report")


@functools.lru_cache(maxsize=4)
def _with_alerts(today: dt.date, alerts: tuple):  # noqa: ARG001 - alerts: part of the key
    """Every case with its alerts on `today`, built once per day and process (never evaluated
    itself, only cloned): building the alert expressions cost ~2 ms per list request."""
    return Case.objects.with_alerts(today=today).select_related(
        "director__user", "area", "risk_category", "ideology", "report_source"
    )


def _base(user, *, today=None, at=None):
    today = today or timezone.localdate()
    # The permission is a WHERE condition and the alerts are selected: the same statement in
    # either order of building it.
    return _with_alerts(today, alert_cutoffs(today)).all().visible_to(user, at=at)


def case_list(*, user, filters: dict | None = None):
    """Cases the user may see, with alerts, filtered by status, director, ideology, risk category,
    area, alert kind and a search on the code. Used by /cases/ and the monitor."""
    filters = filters or {}
    qs = _base(user)
    if value := filters.get("status"):
        qs = qs.filter(status=value)
    if value := filters.get("director"):
        qs = qs.filter(director=value)
    if value := filters.get("ideology"):
        qs = qs.filter(ideology=value)
    if value := filters.get("risk_category"):
        qs = qs.filter(risk_category=value)
    if value := filters.get("area"):
        qs = qs.filter(area=value)
    if (value := filters.get("alert")) in ALERT_FILTERS:
        qs = qs.filter(alert_count__gt=0) if value == "any" else qs.filter(**{f"alert_{value}": True})
    if value := (filters.get("q") or "").strip():
        qs = qs.search_code(value)
    return qs.order_by("-reported_on", "-id")


def caseload(*, user, today=None, at=None):
    """ "Mijn caseload": the user's own cases and those held as a substitute (`via_substitute`),
    with alerts and `running_interventions` prefetched; `latest_scores_by_case` adds the
    life-domain picture. A constant number of queries whatever the caseload. `today` and `at`
    (default: now) are the day of the alerts and the moment of the grants."""
    substitute = CaseAccessGrant.objects.active(at).filter(
        case=OuterRef("pk"), user=user, kind=CaseAccessGrant.Kind.SUBSTITUTE
    )
    running = Intervention.objects.filter(status=Intervention.Status.RUNNING).select_related("type", "partner")
    # Attempts without contact since the last real contact: counted, but they do not clear the alert.
    attempts = (
        Contact.objects.filter(case=OuterRef("pk"), kind=Contact.Kind.ATTEMPT)
        .filter(date__gt=Coalesce(OuterRef("last_contact_on"), Value(dt.date(1900, 1, 1))))
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _base(user, today=today, at=at)
        .filter(status__in=Case.CASELOAD_STATUSES)
        .annotate(via_substitute=Exists(substitute) & ~Q(director__user=user))
        .filter(Q(director__user=user) | Q(via_substitute=True))
        .annotate(attempts_since_contact=Coalesce(Subquery(attempts, output_field=IntegerField()), 0))
        .prefetch_related(Prefetch("interventions", queryset=running, to_attr="running_interventions"))
        .order_by("via_substitute", "code")
    )


@dataclass(slots=True)
class CaseloadRow:
    """One case of a caseload as the caseload page and the director's home show it: plain values."""

    pk: int
    code: str
    status: str
    is_detained: bool
    is_abroad: bool
    via_substitute: bool
    last_contact_on: dt.date | None
    attempts_since_contact: int
    alert_no_contact: bool
    alert_no_intervention: bool
    alert_pending_report: bool
    running: list = field(default_factory=list)  # (intervention type, partner code) of running interventions
    latest_scores: list = field(default_factory=list)
    never_scored: list = field(default_factory=list)

    @property
    def open_alert_count(self) -> int:
        return self.alert_no_contact + self.alert_no_intervention + self.alert_pending_report


CASELOAD_ROW_FIELDS = tuple(
    name for name in CaseloadRow.__dataclass_fields__ if name not in ("running", "latest_scores", "never_scored")
)


def _stand_in_user(user_id: int, *, programme_team: bool):
    """A user who is no one, with the roles the caseload's shape depends on (no query for them)."""
    from ipgar.models import User

    user = User(pk=user_id, username="stand-in")
    # What roles.role_names caches on a user for the request.
    user._ipgar_roles = frozenset({roles.PROGRAMME_TEAM} if programme_team else ())
    return user


@functools.lru_cache(maxsize=64)
def _caseload_query(*, programme_team: bool, ordering: tuple) -> CompiledQuery:
    """`caseload` as plain values, compiled once per shape (role, sort order; the alert periods
    are its key) by ipgar.compiled: building and compiling it took ~6 ms of Python per request."""

    def build(*, user_id, today, at):
        user = _stand_in_user(user_id, programme_team=programme_team)
        queryset = caseload(user=user, today=today, at=at)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return queryset.prefetch_related(None).values_list(*CASELOAD_ROW_FIELDS)

    return CompiledQuery(build, key=_alert_settings, user_id=_USER, today=STAND_IN_DAY, at=_AT)


def caseload_values(*, user, ordering=()) -> list[tuple]:
    """The rows of `caseload(user=user)` (sorted by `ordering`, an `order_by`, when given) as
    `values_list(*CASELOAD_ROW_FIELDS)` gives them, from the query compiled once per process."""
    if not getattr(user, "is_authenticated", False):
        return []
    query = _caseload_query(programme_team=roles.is_programme_team(user), ordering=tuple(ordering))
    return query(user_id=user.pk, today=timezone.localdate(), at=timezone.now())


def caseload_rows(*, user, running: bool = True, ordering=()) -> list[CaseloadRow]:
    """`caseload` as plain rows (one query), with each case's running interventions (one more
    query, when asked and there are cases). A model instance per case, per director, user, area
    and per running intervention with its type and partner was most of the caseload's time at
    national scale; the rows carry only what is shown. `ordering`: the caseload sorted
    otherwise (the caseload page's column headers), as an `order_by`."""
    from ipgar.reference import reference_name

    rows = [CaseloadRow(*values) for values in caseload_values(user=user, ordering=ordering)]
    if running and rows:
        by_case = {row.pk: row for row in rows}
        interventions = (
            Intervention.objects.filter(case_id__in=list(by_case), status=Intervention.Status.RUNNING)
            .order_by("case_id", "-started_on", "-id")
            .values_list("case_id", "type__name", "type__name_en", "partner__code")
        )
        for case_id, name, name_en, partner in interventions:
            by_case[case_id].running.append((reference_name(name, name_en), partner))
    return rows


@dataclass(slots=True)
class CaseListRow:
    """One case of the case list as the list shows it: plain values, names in the active language."""

    pk: int
    code: str
    status: str
    is_detained: bool
    is_abroad: bool
    reported_on: dt.date
    last_contact_on: dt.date | None
    alert_no_contact: bool
    alert_no_intervention: bool
    alert_pending_report: bool
    area: str
    risk_category: str  # "" when none
    ideology: str  # "" when none
    director: str  # "" when none

    @property
    def open_alert_count(self) -> int:
        return self.alert_no_contact + self.alert_no_intervention + self.alert_pending_report


CASE_LIST_VALUES = (
    "pk",
    "code",
    "status",
    "is_detained",
    "is_abroad",
    "reported_on",
    "last_contact_on",
    "alert_no_contact",
    "alert_no_intervention",
    "alert_pending_report",
    "area__name",
    "area__name_en",
    "risk_category__name",
    "risk_category__name_en",
    "ideology__name",
    "ideology__name_en",
    "director_id",
    "director__user__first_name",
    "director__user__last_name",
    "director__user__username",
)


def case_list_values(cases):
    """The case list's queryset (filtered and sorted) read as plain values: a page of model
    instances with five related ones each, rendered through the template, was most of the
    list's time at national scale. Turn a page of them into rows with `case_list_rows`."""
    return cases.values(*CASE_LIST_VALUES)


def case_list_candidates(*, user):
    """What the case list's filters, search and sort pick a page from: the cases the user may
    see, in the list's usual order, without their alerts (the alert filter adds them)."""
    return Case.objects.visible_to(user).order_by("-reported_on", "-id")


def case_list_page(*, user, cases, ids):
    """The page `ids` (a slice of `cases.values("pk")`: filtered, searched, sorted, paged) with
    its alerts, in the order of `cases`, as plain values. The page's 25 ids come from the cases'
    table alone; the joins and alerts are worked out for those 25 only. Read in one statement,
    the joins ran for every case a search found before the sort kept 25 (a year's 2,000 at
    national scale)."""
    return case_list_values(_base(user).filter(pk__in=ids).order_by(*cases.query.order_by))


def case_list_rows(values) -> list[CaseListRow]:
    from ipgar.reference import reference_name

    rows = []
    for v in values:
        director = ""
        if v["director_id"] is not None:
            full = f"{v['director__user__first_name']} {v['director__user__last_name']}".strip()
            director = full or v["director__user__username"]
        rows.append(
            CaseListRow(
                pk=v["pk"],
                code=v["code"],
                status=v["status"],
                is_detained=v["is_detained"],
                is_abroad=v["is_abroad"],
                reported_on=v["reported_on"],
                last_contact_on=v["last_contact_on"],
                alert_no_contact=v["alert_no_contact"],
                alert_no_intervention=v["alert_no_intervention"],
                alert_pending_report=v["alert_pending_report"],
                area=reference_name(v["area__name"], v["area__name_en"]),
                risk_category=reference_name(v["risk_category__name"], v["risk_category__name_en"] or "")
                if v["risk_category__name"] is not None
                else "",
                ideology=reference_name(v["ideology__name"], v["ideology__name_en"] or "")
                if v["ideology__name"] is not None
                else "",
                director=director,
            )
        )
    return rows


@dataclass(frozen=True)
class DomainScore:
    domain: LifeDomain
    score: int


def latest_scores_by_case(case_ids) -> dict[int, list[DomainScore]]:
    """The latest ZRM score per life domain of each case, in domain order (one query).

    Plain values rather than model rows: a caseload of fifty cases has some five hundred
    latest scores, and building a model instance for each was most of the page's time.
    """
    rows = (
        LifeDomainScore.objects.filter(case_id__in=list(case_ids))
        .order_by("case_id", "domain_id", "-scored_on", "-id")
        .distinct("case_id", "domain_id")
        .values_list(
            "case_id", "score", "domain_id", "domain__code", "domain__name", "domain__name_en", "domain__order"
        )
    )
    domains: dict[int, LifeDomain] = {}
    by_case: dict[int, list[DomainScore]] = {}
    for case_id, score, domain_id, code, name, name_en, order in rows:
        if domain_id not in domains:
            domains[domain_id] = LifeDomain(pk=domain_id, code=code, name=name, name_en=name_en, order=order)
        by_case.setdefault(case_id, []).append(DomainScore(domains[domain_id], score))
    for scores in by_case.values():
        scores.sort(key=lambda item: (item.domain.order, item.domain.name))
    return by_case


def days_since(date: dt.date | None, *, today: dt.date | None = None) -> int | None:
    return None if date is None else ((today or timezone.localdate()) - date).days


# Stand-ins for the values the case page's queries are compiled with once per process (ipgar.compiled).
_CASE = -7_340_019
_USER = -7_340_023
_AT = dt.datetime(1901, 3, 4, 5, 6, 7, 891, tzinfo=dt.UTC)


def _alert_settings():
    return (settings.IPGAR_NO_CONTACT_DAYS, settings.IPGAR_NO_INTERVENTION_DAYS, settings.IPGAR_PENDING_REPORT_DAYS)


def _case_with_alerts(*, case_id, today):
    # The case page names the director's organisation: joined here rather than read on its own.
    return (
        Case.objects.with_alerts(today=today)
        .select_related("director__user", "area", "risk_category", "ideology", "report_source")
        .select_related("director__organisation")
        .filter(pk=case_id)
    )


def _case_with_grants(*, case_id, today, user_id, at):
    # What the user holds on the case (permissions.granted_codenames, the same condition as
    # visible_to), read with the case; the page's further checks read it from there.
    sql, params = granted_codenames_sql(user_id=user_id, at=at)
    granted_codenames = RawSQL(sql, params, output_field=ArrayField(CharField()))  # noqa: S611 - constants and parameters
    return _case_with_alerts(case_id=case_id, today=today).annotate(granted_codenames=granted_codenames)


# Building this query with its alerts cost ~4 ms of Python per case page; compiled once.
# Sliced as first() would: the same statement as before.
_CASE_FOR_PROGRAMME = CompiledQuery(
    lambda **values: _case_with_alerts(**values)[:1], key=_alert_settings, case_id=_CASE, today=STAND_IN_DAY
)
_CASE_WITH_GRANTS = CompiledQuery(
    lambda **values: _case_with_grants(**values)[:1],
    key=_alert_settings,
    case_id=_CASE,
    today=STAND_IN_DAY,
    user_id=_USER,
    at=_AT,
)


def case_get(*, user, pk) -> Case | None:
    """One case the user may see (with alerts), or None: the view then answers 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    today = timezone.localdate()
    if roles.is_programme_team(user):
        return next(iter(_CASE_FOR_PROGRAMME(case_id=pk, today=today)), None)
    # Everyone else: the case with what the user holds on it, in one query.
    found = _CASE_WITH_GRANTS(case_id=pk, today=today, user_id=user.pk, at=timezone.now())
    if not found:
        return None
    case = found[0]
    granted = permissions.remember(user, case.pk, case.granted_codenames)
    return case if "view_case" in granted else None


def case_identity(*, user, case: Case) -> CaseIdentity | None:
    """The identity, only for who may see it (docs/access.md); None otherwise or when absent."""
    if not permissions.can_view_identity(user, case):
        return None
    return CaseIdentity.objects.filter(case=case).first()


def _network_links(*, case_id, visible):
    # One query for both directions; outgoing links first, as before.
    return NetworkLink.objects.filter(
        Q(case_id=case_id, other__in=visible) | Q(other_id=case_id, case__in=visible)
    ).select_related("case", "other")


_LINKS_FOR_PROGRAMME = CompiledQuery(
    lambda *, case_id: _network_links(case_id=case_id, visible=Case.objects.values("pk")), case_id=_CASE
)
_LINKS_PERMITTED = CompiledQuery(
    lambda *, case_id, user_id, at: _network_links(
        case_id=case_id, visible=Case.objects.filter(permitted(user_id, "view_case", at=at)).values("pk")
    ),
    case_id=_CASE,
    user_id=_USER,
    at=_AT,
)


def case_network_links(*, user, case: Case) -> list[tuple[NetworkLink, Case]]:
    """Links of the case to other cases the user may also see (docs/domain.md): (link, other case).
    The same condition as `Case.objects.visible_to(user)`, compiled once per process."""
    if not getattr(user, "is_authenticated", False):
        return []
    if roles.is_programme_team(user):
        links = _LINKS_FOR_PROGRAMME(case_id=case.pk)
    else:
        links = _LINKS_PERMITTED(case_id=case.pk, user_id=user.pk, at=timezone.now())
    outgoing = [(link, link.other) for link in links if link.case_id == case.pk]
    incoming = [(link, link.case) for link in links if link.case_id != case.pk]
    return outgoing + incoming


@dataclass(slots=True)
class ContactRow:
    date: dt.date
    kind: str
    by: str  # full name, or the username
    note: str


_CONTACT_ROWS = CompiledQuery(
    lambda *, case_id: Contact.objects.filter(case_id=case_id).values_list(
        "date", "kind", "by__first_name", "by__last_name", "by__username", "note"
    ),
    case_id=_CASE,
)


def contact_rows(*, case: Case) -> list[ContactRow]:
    """The case's contacts, newest first, as the detail page shows them: plain values. Some
    fifty contacts per case, each a model instance with its user and rendered cell by cell,
    were the largest part of the case page's time."""
    return [
        ContactRow(date, kind, f"{first} {last}".strip() or username, note)
        for date, kind, first, last, username, note in _CONTACT_ROWS(case_id=case.pk)
    ]


@dataclass
class CaseFile:
    """Everything the detail page shows, read in a fixed number of queries."""

    case: Case
    transitions: list = field(default_factory=list)
    assignments: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    interventions: list = field(default_factory=list)
    scores: list = field(default_factory=list)
    latest_scores: list = field(default_factory=list)
    plan_goals: list = field(default_factory=list)
    escalations: list = field(default_factory=list)
    links: list = field(default_factory=list)


def _of_case(model, *related, order_by=()):
    """The rows of `model` for one case with their related objects, compiled once per process."""

    def build(*, case_id):
        queryset = model.objects.filter(case_id=case_id).select_related(*related)
        return queryset.order_by(*order_by) if order_by else queryset

    return CompiledQuery(build, case_id=_CASE)


# The parts of the case file, each compiled once: building them cost more Python than reading them.
_SCORES = _of_case(LifeDomainScore, "domain", "by", order_by=("domain__order", "-scored_on"))
# The decision names its meeting, and the meeting its body: read with it, not once per decision.
_TRANSITIONS = _of_case(CaseTransition, "by", "decision__meeting__body")
_ASSIGNMENTS = _of_case(DirectorAssignment, "director__user", "assigned_by")
_INTERVENTIONS = _of_case(Intervention, "type", "partner")
_PLAN_GOALS = _of_case(PlanGoal, "domain")
_ESCALATIONS = _of_case(Escalation, "requested_by")


def case_file(*, user, case: Case) -> CaseFile:
    """The parts of a case the detail page lists (the case itself came from case_get)."""
    scores = _SCORES(case_id=case.pk)
    latest = {}
    for score in scores:
        latest.setdefault(score.domain_id, score)
    return CaseFile(
        case=case,
        transitions=_TRANSITIONS(case_id=case.pk),
        assignments=_ASSIGNMENTS(case_id=case.pk),
        contacts=contact_rows(case=case),
        interventions=_INTERVENTIONS(case_id=case.pk),
        scores=scores,
        latest_scores=list(latest.values()),
        plan_goals=_PLAN_GOALS(case_id=case.pk),
        escalations=_ESCALATIONS(case_id=case.pk),
        links=case_network_links(user=user, case=case),
    )


def intervention_get(*, case: Case, pk) -> Intervention | None:
    """One intervention of `case`, or None; the caller has checked that the reader may change the case."""
    return case.interventions.filter(pk=pk).select_related("type", "partner").first() if str(pk).isdigit() else None


def plan_goal_get(*, case: Case, pk) -> PlanGoal | None:
    return case.plan_goals.filter(pk=pk).first() if str(pk).isdigit() else None


# --- history ---------------------------------------------------------------------------------

HISTORY_SKIP = {"id", "case", "version", "created_at", "updated_at", "anonymised_at", "legal_hold", "last_contact_on"}


@dataclass
class HistoryChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    subject: str
    action: str
    reason: str
    changes: list[HistoryChange]


def _display(field_obj, value, lookups) -> str:
    if value is None or value == "":
        return "—"
    if field_obj.is_relation:
        return lookups.get(field_obj.related_model, {}).get(value, str(value))
    if field_obj.choices:
        return str(dict(field_obj.flatchoices).get(value, value))
    if isinstance(value, bool):
        from django.utils.translation import gettext

        return gettext("yes") if value else gettext("no")
    if isinstance(value, dt.date):
        return short_date(value)
    return str(value)


def _history_sources(case: Case, *, identity_allowed: bool, identity: bool) -> list:
    """(subject, model, history records, hidden fields) of everything a case's history shows."""
    from django.utils.translation import gettext as _

    sources = [
        (_("Case"), Case, case.history.filter(id=case.pk), {"information_picture"} if not identity_allowed else set()),
        (_("Contact"), Contact, Contact.history.filter(case_id=case.pk), set()),
        (_("Intervention"), Intervention, Intervention.history.filter(case_id=case.pk), set()),
        (_("Life-domain score"), LifeDomainScore, LifeDomainScore.history.filter(case_id=case.pk), set()),
        (_("Plan goal"), PlanGoal, PlanGoal.history.filter(case_id=case.pk), set()),
    ]
    if identity_allowed and identity:
        sources.append((_("Identity"), CaseIdentity, CaseIdentity.history.filter(case_id=case.pk), set()))
    return sources


def _record_changes(fields, record, previous, lookups) -> list[HistoryChange]:
    """What one history record changed against the previous record of the same object."""
    changes = []
    for f in fields:
        new = getattr(record, f.attname)
        old = getattr(previous, f.attname) if previous is not None else None
        if (previous is None and new in (None, "", False)) or (previous is not None and old == new):
            continue
        changes.append(
            HistoryChange(
                label=str(f.verbose_name),
                old=_display(f, old, lookups) if previous else "—",
                new=_display(f, new, lookups),
            )
        )
    return changes


def case_history(*, user, case: Case, identity: bool = False) -> list[HistoryEntry]:
    """Readable diffs of the case's simple-history records, newest first: field label, old → new,
    who, when. Identity and information picture only for who may see them (docs/access.md), the
    identity's changes only when asked for (`identity`, the page's "show" link).
    The caller has checked that the user may see the case (docs/decisions.md D5)."""
    from django.utils.translation import gettext as _

    identity_allowed = permissions.can_view_identity(user, case)
    rows_by_source = []
    wanted: dict = {}
    for subject, model, records, hidden in _history_sources(case, identity_allowed=identity_allowed, identity=identity):
        fields = [
            f
            for f in model._meta.concrete_fields
            if f.name not in HISTORY_SKIP and f.name not in hidden and f.attname not in HISTORY_SKIP
        ]
        records = list(records.select_related("history_user").order_by("history_date", "history_id"))
        rows_by_source.append((subject, model, fields, records))
        for f in fields:
            if f.is_relation:
                wanted.setdefault(f.related_model, set()).update(getattr(r, f.attname) for r in records)
    # Related objects named once per model, not once per record.
    lookups = {
        related: {obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=ids - {None})}
        for related, ids in wanted.items()
    }
    actions = {"+": _("created"), "~": _("changed"), "-": _("deleted")}
    entries = []
    for subject, model, fields, records in rows_by_source:
        previous_by_object = {}
        for record in records:
            key = getattr(record, model._meta.pk.attname)
            changes = _record_changes(fields, record, previous_by_object.get(key), lookups)
            previous_by_object[key] = record
            if not changes and record.history_type == "~":
                continue
            who = record.history_user.get_full_name() or record.history_user.username if record.history_user else "—"
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=who,
                    subject=subject,
                    action=actions.get(record.history_type, record.history_type),
                    reason=record.history_change_reason or "",
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
