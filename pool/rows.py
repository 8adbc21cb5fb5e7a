"""The pool overview read as plain rows, by a query compiled once per process (issue 17).

`selectors.pool_overview` states which directors the overview shows and `director_figures` how
each figure is derived; this module compiles that queryset once per sort order and number of
search words (`ipgar.compiled.CompiledQuery`), with the current and coming absences and the
restricted areas folded into the same query, and reads a page of it as `DirectorRow`s instead of
model instances.
The cases awaiting a director are read as plain values too.
"""

import datetime as dt
import functools
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject

from cases.models import Area, Case
from ipgar.compiled import STAND_IN_DAY, CompiledQuery, stand_in_words, words
from ipgar.reference import reference_name

from . import selectors
from .models import Absence

_KINDS = dict(Absence.Kind.choices)


@dataclass(frozen=True)
class AbsenceRow:
    kind: str
    starts_on: dt.date
    ends_on: dt.date

    def get_kind_display(self) -> str:
        return str(_KINDS.get(self.kind, self.kind))


@dataclass(frozen=True)
class DirectorRow:
    """A director of the overview with the figures `director_figures` derives."""

    id: int
    username: str
    first_name: str
    last_name: str
    organisation_id: int
    organisation_name: str
    seconded_from_name: str | None
    fte: Decimal
    max_cases: int
    active_cases: int
    assigned_pending: int
    in_pool: bool
    next_review_due: dt.date
    review_overdue: bool
    next_three_way_due: dt.date
    three_way_overdue: bool
    current_absences: list  # AbsenceRow, current and coming, by start
    restricted_areas: list  # the restricted areas' names in the active language, in the areas' order

    @property
    def pk(self) -> int:
        return self.id

    @property
    def name(self) -> str:
        """As User.get_full_name, or the username."""
        return f"{self.first_name} {self.last_name}".strip() or self.username

    @property
    def free_places(self) -> int:
        # Advised cases already given to the director take a place too (as selectors._FiguresIterable).
        return self.max_cases - self.active_cases - self.assigned_pending

    @property
    def over_capacity(self) -> bool:
        return self.active_cases > self.max_cases


def _row(*, current_absences, restricted_areas, **values) -> DirectorRow:
    # The arrays' elements are JSON objects (parsed by the JSONField's converter): dates as text.
    return DirectorRow(
        current_absences=[
            AbsenceRow(a["kind"], dt.date.fromisoformat(a["starts_on"]), dt.date.fromisoformat(a["ends_on"]))
            for a in current_absences
        ],
        restricted_areas=[reference_name(a["name"], a["name_en"]) for a in restricted_areas],
        **values,
    )


def _per_fte():
    # Compiled into the SQL (director_figures' maximum): another setting compiles again.
    return settings.IPGAR_CASES_PER_FTE


def _values(directors, *, on):
    """The row's columns, named as DirectorRow's fields; absences and areas as JSON arrays."""
    absences = Absence.objects.filter(director=OuterRef("pk"), ends_on__gte=on).order_by("starts_on", "pk")
    areas = Area.objects.filter(director=OuterRef("pk")).order_by("order", "name", "pk")
    return directors.prefetch_related(None).values(
        "id",
        "organisation_id",
        "fte",
        "max_cases",
        "active_cases",
        "assigned_pending",
        "in_pool",
        "next_review_due",
        "review_overdue",
        "next_three_way_due",
        "three_way_overdue",
        username=F("user__username"),
        first_name=F("user__first_name"),
        last_name=F("user__last_name"),
        organisation_name=F("organisation__name"),
        seconded_from_name=F("seconded_from__name"),
        current_absences=ArraySubquery(
            absences.values(json=JSONObject(kind="kind", starts_on="starts_on", ends_on="ends_on"))
        ),
        restricted_areas=ArraySubquery(areas.values(json=JSONObject(name="name", name_en="name_en"))),
    )


@functools.lru_cache(maxsize=64)
def _overview(ordering: tuple, word_count: int) -> tuple[CompiledQuery, CompiledQuery]:
    """The overview's directors (for the count) and its rows in `ordering` (ipgar.sorting.sort_ordering;
    empty: the usual order), compiled for that many search words."""

    def directors(*, on, **search_words):
        found = selectors.pool_overview(on=on, search=" ".join(search_words.values()))
        return found.order_by(*ordering) if ordering else found

    stand_ins = {"on": STAND_IN_DAY, **stand_in_words(word_count)}
    count = CompiledQuery(lambda **values: directors(**values).order_by().values("pk"), key=_per_fte, **stand_ins)
    rows = CompiledQuery(lambda **values: _values(directors(**values), on=values["on"]), key=_per_fte, **stand_ins)
    return count, rows


class OverviewRows:
    """The overview for a day, search and order, as Paginator pages it: `count()` and a slice of rows."""

    def __init__(self, *, ordering: tuple, search: str, on: dt.date):
        self._values = {"on": on, **words(search)}
        self._count, self._rows = _overview(ordering, len(self._values) - 1)

    def count(self) -> int:
        return self._count.count(**self._values)

    def __getitem__(self, page: slice) -> list[DirectorRow]:
        return [_row(**row) for row in self._rows.page(page.start, page.stop, **self._values)]


@dataclass(frozen=True)
class AwaitingRow:
    pk: int
    code: str
    area: str  # the area's name in the active language


def cases_awaiting_director(*, limit: int) -> list[AwaitingRow]:
    """The first `limit` of `selectors.cases_awaiting_director()`, as plain values for the overview."""
    cases = selectors.cases_awaiting_director().values_list("pk", "code", "area__name", "area__name_en")[:limit]
    return [AwaitingRow(pk, code, reference_name(name, name_en)) for pk, code, name, name_en in cases]


@functools.lru_cache(maxsize=16)
def _ranking(word_count: int) -> CompiledQuery:
    """`selectors.ranking_values` with stand-ins for the case's director and area, the day and the words."""

    def ranking(*, case_director, case_area, on, **search_words):
        stand_in = Case(director_id=case_director, area_id=case_area)
        return selectors.ranking_values(case=stand_in, on=on, search=" ".join(search_words.values()))

    return CompiledQuery(
        ranking,
        key=_per_fte,
        case_director=-7_340_017,
        case_area=-7_340_023,
        on=STAND_IN_DAY,
        **stand_in_words(word_count),
    )


def ranking_values(*, case: Case, on: dt.date, search: str = "") -> list[tuple]:
    """The rows of `selectors.ranking_values` for this case, day and search, by the compiled query."""
    search_words = words(search)
    return _ranking(len(search_words))(
        case_director=case.director_id or 0, case_area=case.area_id, on=on, **search_words
    )


# `director_figures` as DirectorRow columns for the directors whose ids are one array parameter
# (however many ids: one statement).
_BY_PK = CompiledQuery(
    lambda *, ids, on: _values(
        selectors.director_figures(on=on).filter(pk__in=RawSQL("SELECT unnest(%s::integer[])", [ids])), on=on
    ),
    key=_per_fte,
    ids=[-7_340_029],
    on=STAND_IN_DAY,
)


def directors_by_pk(pks: list[int], *, on: dt.date) -> dict[int, DirectorRow]:
    """The directors with these ids and their figures on `on`, by id (the assistant's shown ones)."""
    found = [_row(**row) for row in _BY_PK(ids=list(pks), on=on)]
    return {row.pk: row for row in found}
