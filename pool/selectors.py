"""Reads of the pool. The overview, the CSV, the proposal and the monitor share these.

Every figure is derived in the database (capacity, load, next review), so a list of
directors costs the same few queries whatever its length.
"""

import datetime as dt
import functools
import operator
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Count, Exists, ExpressionWrapper, F, Func, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Floor
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import Case, Intervention
from ipgar.compiled import CompiledQuery

from . import rows
from .models import Absence, CaseloadReview, CaseloadReviewItem, Contact, Director, Instruction, ThreeWayConversation

# The pool memo (docs/domain.md source S4): OOV holds the caseload review with every director once per 3 months and the
# three-way conversation with the line manager once a year.
REVIEW_INTERVAL_MONTHS = 3
THREE_WAY_INTERVAL_MONTHS = 12
# Interventions that still say what a case needs (completed or stopped ones no longer do).
NEEDED_INTERVENTION_STATUSES = (Intervention.Status.PLANNED, Intervention.Status.RUNNING)


class AddMonths(Func):
    """date + n calendar months, in PostgreSQL (31 January + 1 month = 28/29 February)."""

    output_field = models.DateField()

    def __init__(self, expression, months: int, **extra):
        super().__init__(expression, **extra)
        self.months = int(months)

    def as_sql(self, compiler, _connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) + make_interval(months => {self.months}))::date", params


def _count(queryset) -> Subquery:
    return Coalesce(
        Subquery(
            # COUNT(*), not COUNT(id): the (director, status) index alone answers it.
            queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*")).values("n"),
            output_field=models.IntegerField(),
        ),
        0,
    )


def _cases_in(statuses) -> models.Expression:
    """How many of the director's cases have one of `statuses`: one count per status, added. Each
    count is an index lookup on (director, status); one count with `status IN (…)` read every case
    the director ever had and filtered them (at L 7.6 -> 2.3 ms for the pool's 200 directors, which
    the ranking and the overview sorted by caseload or free places count)."""
    counts = [_count(Case.objects.filter(director=OuterRef("pk"), status=status)) for status in statuses]
    return functools.reduce(operator.add, counts)


class _FiguresIterable(ModelIterable):
    """Derives free places and over capacity from the fetched load and maximum.

    In SQL each would repeat the correlated count of the caseload (PostgreSQL evaluates a
    repeated subquery again), which tripled the cost of the pool overview at 20,000 cases.
    """

    def __iter__(self):
        for director in super().__iter__():
            # Advised cases already given to the director take a place too: two
            # pending cases cannot both take the last one.
            director.free_places = director.max_cases - director.active_cases - director.assigned_pending
            director.over_capacity = director.active_cases > director.max_cases
            yield director


def director_figures(*, on: dt.date | None = None) -> models.QuerySet:
    """Every director with derived figures: load, capacity, over capacity, next review and three-way."""
    on = on or timezone.localdate()
    last_review = CaseloadReview.objects.filter(director=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    last_three_way = (
        ThreeWayConversation.objects.filter(director=OuterRef("pk")).order_by("-held_on").values("held_on")[:1]
    )
    open_instructions = Instruction.objects.filter(review__director=OuterRef("pk"), done_on__isnull=True)
    figures = (
        Director.objects.select_related("user", "organisation", "seconded_from")
        .annotate(
            active_cases=_cases_in(Case.CASELOAD_STATUSES),
            assigned_pending=_cases_in(Case.PENDING_STATUSES),
            # The same rule as Director.capacity, in SQL: the override, else cases-per-FTE × FTE.
            max_cases=models.Case(
                When(capacity_override__isnull=False, then=F("capacity_override")),
                default=Cast(Floor(F("fte") * settings.IPGAR_CASES_PER_FTE), models.IntegerField()),
                output_field=models.IntegerField(),
            ),
            last_review_on=Subquery(last_review, output_field=models.DateField()),
            last_three_way_on=Subquery(last_three_way, output_field=models.DateField()),
            open_instructions=_count(open_instructions),
        )
        .annotate(
            next_review_due=AddMonths(Coalesce("last_review_on", "active_from"), REVIEW_INTERVAL_MONTHS),
            next_three_way_due=AddMonths(Coalesce("last_three_way_on", "active_from"), THREE_WAY_INTERVAL_MONTHS),
        )
        .annotate(
            review_overdue=ExpressionWrapper(Q(next_review_due__lt=on), output_field=models.BooleanField()),
            three_way_overdue=ExpressionWrapper(Q(next_three_way_due__lt=on), output_field=models.BooleanField()),
            in_pool=ExpressionWrapper(Director.in_pool_on(on), output_field=models.BooleanField()),
        )
        .prefetch_related(
            Prefetch(
                "absences",
                queryset=Absence.objects.filter(ends_on__gte=on).order_by("starts_on"),
                to_attr="current_and_coming_absences",
            ),
            "restricted_to_areas",
        )
        .order_by("user__username")
    )
    figures._iterable_class = _FiguresIterable
    return figures


def pool_overview(*, on: dt.date | None = None, search: str = "") -> models.QuerySet:
    """The pool now: directors in the pool, and former ones who still hold cases, optionally those
    whose name or organisation matches `search`. `places_free` sorts by free places (computed in SQL
    only when sorted by: it repeats the caseload counts)."""
    return director_search(
        director_figures(on=on)
        .filter(Q(in_pool=True) | Q(active_cases__gt=0))
        .alias(places_free=F("max_cases") - F("active_cases") - F("assigned_pending")),
        search=search,
    )


def pool_overview_csv_rows(*, on: dt.date | None = None) -> models.QuerySet:
    """Every director of the overview as plain values, for the CSV (no page: the file has them all)."""
    columns = ("user__username", "user__first_name", "user__last_name", "organisation__name", "fte")
    return pool_overview(on=on).values(*columns, "max_cases", "active_cases")


def _search_condition(search: str) -> Q:
    """Name, username or organisation contains every word of `search`."""
    condition = Q()
    for word in search.split():
        condition &= (
            Q(user__first_name__icontains=word)
            | Q(user__last_name__icontains=word)
            | Q(user__username__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__code__icontains=word)
        )
    return condition


def director_search(directors: models.QuerySet, *, search: str = "") -> models.QuerySet:
    """Directors whose name, username or organisation contains every word of `search`."""
    return directors.filter(_search_condition(search)) if search.split() else directors


def reviews_due(*, on: dt.date | None = None, within_days: int = 0) -> models.QuerySet:
    """Directors in the pool whose caseload review falls due by `on` + within_days (daily alert)."""
    on = on or timezone.localdate()
    return director_figures(on=on).filter(in_pool=True, next_review_due__lte=on + dt.timedelta(days=within_days))


def director_get(*, pk: int, on: dt.date | None = None) -> Director | None:
    return director_figures(on=on).filter(pk=pk).first()


def director_caseload(*, director: Director) -> models.QuerySet:
    """The cases on a director's caseload (Case.CASELOAD_STATUSES: active, static, aftercare), and the advised
    cases already given to the director before the PTO-R includes them."""
    return (
        Case.objects.filter(director=director, status__in=[*Case.CASELOAD_STATUSES, *Case.PENDING_STATUSES])
        .select_related("area")
        .order_by("code")
    )


def director_reviews(*, director: Director) -> models.QuerySet:
    return (
        CaseloadReview.objects.filter(director=director)
        .select_related("held_by")
        .prefetch_related(
            Prefetch("items", queryset=CaseloadReviewItem.objects.select_related("case")),
            Prefetch("instructions", queryset=Instruction.objects.select_related("case", "done_by")),
        )
    )


def open_instructions(*, director: Director) -> models.QuerySet:
    return (
        Instruction.objects.filter(review__director=director, done_on__isnull=True)
        .select_related("case", "review")
        .order_by("due_on", "id")
    )


def cases_awaiting_director() -> models.QuerySet:
    """Advised or active cases without a director: the programme team assigns them."""
    return (
        Case.objects.filter(status__in=Case.ASSIGNABLE_STATUSES, director__isnull=True)
        .select_related("area")
        .order_by("reported_on", "code")
    )


# The assistant's case and its needs are compiled once per process and run with the case's id
# (ipgar.compiled): the page spent more on building these two small queries than on running them.
_STAND_IN_CASE = -7_340_041
_ASSIGNABLE_CASE = CompiledQuery(
    lambda *, case_id: Case.objects.filter(pk=case_id, status__in=Case.ASSIGNABLE_STATUSES).select_related(
        "area", "director__user"
    ),
    case_id=_STAND_IN_CASE,
)


def assignable_case_get(*, pk: int) -> Case | None:
    """A case the programme team may (re)assign: advised or active."""
    if not 0 < pk < 2**63:  # no such id (an address may carry any number): as the ORM, no case
        return None
    found = _ASSIGNABLE_CASE(case_id=pk)
    return found[0] if found else None


def contact_search(*, query: str = "") -> models.QuerySet:
    """The directory, filtered by a free-text query on name, organisation, role and remarks."""
    contacts = Contact.objects.select_related("organisation")
    for word in query.split():
        roles = [value for value, label in Contact.Role.choices if word.lower() in str(label).lower()]
        contacts = contacts.filter(
            Q(name__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__code__icontains=word)
            | Q(remarks__icontains=word)
            | Q(email__icontains=word)
            | Q(role__in=roles)
        )
    return contacts


# --- the proposal: who should direct this case ------------------------------------------------


_NEEDS = CompiledQuery(
    lambda *, case_id: (
        Intervention.objects.filter(case_id=case_id, status__in=NEEDED_INTERVENTION_STATUSES)
        .values("partner")
        .annotate(n=Count("pk"))
        .values_list("partner", "n")
    ),
    case_id=_STAND_IN_CASE,
)


def case_needs(*, case: Case, extra_partner_ids=()) -> Counter:
    """Partner organisation id → how many needed interventions it carries (planned/running + stated needs)."""
    needs = Counter(dict(_NEEDS(case_id=case.pk)))
    for partner_id in extra_partner_ids:
        needs[int(partner_id)] += 1
    return needs


@dataclass
class Proposal:
    director: "rows.DirectorRow"  # plain values; the service gets the Director itself (AssignForm.chosen)
    eligible: bool
    cards: int  # needed interventions carried by the director's organisation
    needs_total: int
    free: int
    absence: Absence | None
    explanation: str
    rank: int | None = None

    @property
    def would_exceed_capacity(self) -> bool:
        return self.free <= 0


def _ranking_key(*, eligible: bool, free: int, cards: int, username: str):
    # The ranking rule (docs/domain.md source S0 debate, the memo, docs/domain.md source S4), in this order:
    # 1. restrictions are not weighed but obeyed: an ineligible director is not ranked;
    # 2. room first: a director with a free place comes before anyone at or over capacity
    #    (memo: "naast inhoud ook naar ruimte in de caseload gekeken", 12 cases per FTE);
    # 3. best cards among those: more of the case's needed interventions carried by the
    #    director's own organisation ranks higher (police in docs/domain.md source S0: best cards matter at
    #    the start of a case, which is when it is assigned);
    # 4. then more free places; 5. then the name, so the order is stable.
    return (not eligible, free <= 0, -cards, -free, username)


def _explain(*, director, case: Case, cards: int, needs_total: int, free: int, absence, eligible: bool):
    name = director.name
    if not eligible:
        areas = ", ".join(sorted(director.restricted_areas))
        return _("%(name)s only takes cases in %(areas)s; this case is in %(area)s, so not proposed.") % {
            "name": name,
            "areas": areas,
            "area": case.area,
        }
    organisation = director.organisation_name
    if needs_total == 0:
        cards_part = _("no intervention needs are known yet, so free capacity decides")
    elif cards:
        cards_part = _("%(organisation)s carries %(cards)s of the %(total)s interventions this case needs") % {
            "organisation": organisation,
            "cards": cards,
            "total": needs_total,
        }
    else:
        cards_part = _("none of the %(total)s interventions this case needs come from %(organisation)s") % {
            "organisation": organisation,
            "total": needs_total,
        }
    if free > 0:
        room_part = _("%(free)s of %(capacity)s places free") % {"free": free, "capacity": director.max_cases}
    else:
        room_part = _(
            "no place free (%(active)s cases, maximum %(capacity)s), so assigning needs a confirmation with a reason"
        ) % {"active": director.active_cases + director.assigned_pending, "capacity": director.max_cases}
    if director.assigned_pending:
        room_part += " " + ngettext(
            "(counting %(n)s advised case already given to them)",
            "(counting %(n)s advised cases already given to them)",
            director.assigned_pending,
        ) % {"n": director.assigned_pending}
    absence_part = ""
    if absence is not None:
        absence_part = _(" (absent until %(date)s)") % {"date": date_format(absence.ends_on, "j F Y")}
    return _("%(name)s: %(cards)s; %(room)s%(absence)s.") % {
        "name": name,
        "cards": cards_part,
        "room": room_part,
        "absence": absence_part,
    }


@dataclass(frozen=True)
class Ranked:
    """A director's place in the ranking for one case: what the rule needs, no more."""

    pk: int
    rank: int | None  # None: not eligible (a restriction), so not ranked
    eligible: bool
    matches: bool  # name or organisation matches the search


def ranking_values(*, case: Case, on: dt.date, search: str = "") -> models.QuerySet:
    """What the ranking rule needs of every director in the pool but the case's own, as plain values:
    (pk, organisation, maximum, active, pending, username, eligible, matches the search)."""
    areas = Director.restricted_to_areas.through.objects.filter(director_id=OuterRef("pk"))
    return (
        director_figures(on=on)
        .prefetch_related(None)
        .order_by()
        .filter(in_pool=True)
        .exclude(pk=case.director_id or 0)
        .annotate(
            eligible=ExpressionWrapper(
                ~Exists(areas) | Exists(areas.filter(area_id=case.area_id)), output_field=models.BooleanField()
            ),
            matches=ExpressionWrapper(_search_condition(search), output_field=models.BooleanField())
            if search.split()
            else Value(True),
        )
        .values_list(
            "pk",
            "organisation_id",
            "max_cases",
            "active_cases",
            "assigned_pending",
            "user__username",
            "eligible",
            "matches",
        )
    )


def director_ranking(*, case: Case, needs: Counter, on: dt.date, search: str = "") -> list[Ranked]:
    """Every director in the pool (but the case's own) in the order of the ranking rule.

    One query of plain values (`ranking_values`, compiled once per process: pool.rows): the rule
    needs only each director's organisation, free places, eligibility and username, so the pool is
    ranked without building a director, an explanation or a form option per director; those are
    made only for the directors a page shows.
    """
    keyed = []
    for pk, organisation_id, max_cases, active, pending, username, eligible, matches in rows.ranking_values(
        case=case, on=on, search=search
    ):
        # Advised cases already given to the director take a place too (as _FiguresIterable).
        free = max_cases - active - pending
        key = _ranking_key(eligible=eligible, free=free, cards=needs.get(organisation_id, 0), username=username)
        keyed.append((key, pk, eligible, matches))
    keyed.sort()
    ranks = iter(range(1, len(keyed) + 1))
    return [
        Ranked(pk=pk, rank=next(ranks) if eligible else None, eligible=eligible, matches=matches)
        for _key, pk, eligible, matches in keyed
    ]


def _proposals(*, case: Case, needs: Counter, on: dt.date, ranked: list[Ranked]) -> list[Proposal]:
    """The proposals, each with its explanation, for the directors in `ranked`, in that order."""
    needs_total = sum(needs.values())
    directors = rows.directors_by_pk([r.pk for r in ranked], on=on) if ranked else {}
    proposals = []
    for place in ranked:
        director = directors.get(place.pk)
        if director is None:  # left the pool between the two reads
            continue
        cards = needs.get(director.organisation_id, 0)
        absence = next((a for a in director.current_absences if a.starts_on <= on <= a.ends_on), None)
        proposals.append(
            Proposal(
                director=director,
                eligible=place.eligible,
                cards=cards,
                needs_total=needs_total,
                free=director.free_places,
                absence=absence,
                explanation=_explain(
                    director=director,
                    case=case,
                    cards=cards,
                    needs_total=needs_total,
                    free=director.free_places,
                    absence=absence,
                    eligible=place.eligible,
                ),
                rank=place.rank,
            )
        )
    return proposals


def director_proposals(
    *, case: Case, extra_partner_ids=(), on: dt.date | None = None, limit: int | None = None
) -> list[Proposal]:
    """Directors in the pool ranked for this case, each with a one-sentence explanation: every one
    (eligible first, then those a restriction rules out), or only the best `limit` eligible ones."""
    on = on or timezone.localdate()
    needs = case_needs(case=case, extra_partner_ids=extra_partner_ids)
    ranked = director_ranking(case=case, needs=needs, on=on)
    if limit is not None:
        ranked = [r for r in ranked if r.eligible][:limit]
    return _proposals(case=case, needs=needs, on=on, ranked=ranked)


# How many directors the assistant proposes, and how many of the others a page lists.
PROPOSED = 10
OTHERS_PER_PAGE = 25


@dataclass
class Assistant:
    """What the assignment assistant shows for a case: the best PROPOSED directors, the first
    PROPOSED of those a restriction rules out (folded away), and, when asked, a page of every
    director matching a search, in the ranking's order."""

    proposed: list[Proposal]
    restricted: list[Proposal]
    restricted_count: int
    pool_count: int
    others: Page | None
    chosen: Proposal | None  # the director posted, wherever in the ranking (the form checks it)

    def choices(self) -> list[Proposal]:
        """The eligible directors the page offers in the form, ranked, each once."""
        offered = {p.director.pk: p for p in [*self.proposed, *(self.others or []), self.chosen] if p and p.eligible}
        return sorted(offered.values(), key=lambda p: p.rank)


def assistant(
    *,
    case: Case,
    extra_partner_ids=(),
    on: dt.date | None = None,
    browse: bool = False,
    search: str = "",
    page: str | None = None,
    chosen_pk: int | None = None,
) -> Assistant:
    """The assignment assistant at a constant cost: the pool is ranked as plain values, and
    directors are built and explained only for what is shown (issue 17)."""
    on = on or timezone.localdate()
    needs = case_needs(case=case, extra_partner_ids=extra_partner_ids)
    ranked = director_ranking(case=case, needs=needs, on=on, search=search)
    proposed = [r for r in ranked if r.eligible][:PROPOSED]
    restricted = [r for r in ranked if not r.eligible]
    others = Paginator([r for r in ranked if r.matches], OTHERS_PER_PAGE).get_page(page) if browse or search else None
    chosen = [r for r in ranked if r.pk == chosen_pk][:1]
    shown = {r.pk: r for r in [*proposed, *restricted[:PROPOSED], *(others or []), *chosen]}
    built = {p.director.pk: p for p in _proposals(case=case, needs=needs, on=on, ranked=list(shown.values()))}
    if others is not None:
        others.object_list = [built[r.pk] for r in others.object_list if r.pk in built]
    return Assistant(
        proposed=[built[r.pk] for r in proposed if r.pk in built],
        restricted=[built[r.pk] for r in restricted[:PROPOSED] if r.pk in built],
        restricted_count=len(restricted),
        pool_count=len(ranked) if not search else len([r for r in ranked if r.matches]),
        others=others,
        chosen=built.get(chosen_pk),
    )
