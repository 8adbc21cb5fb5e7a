"""The pool overview read as plain rows, by a query compiled once per process (issue 17).

`selectors.pool_overview` states which directors the overview shows and `director_figures` how
each figure is derived; this module compiles that queryset once per sort order and number of
search words (`pool.compiled`), with the current and coming absences and the restricted areas
folded into the same query, and reads a page of it as `DirectorRow`s instead of model instances.
The cases awaiting a director are read as plain values too.
"""

import datetime as dt
import functools
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef
from django.db.models.expressions import RawSQL
from django.db.models.functions import JSONObject

from cases.models import Area, Case
from ipgar.reference import reference_name

from . import compiled, selectors
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
    # Django's connection leaves jsonb as text (its JSONField parses it): each element is JSON.
    absences = map(json.loads, current_absences)
    areas = map(json.loads, restricted_areas)
    return DirectorRow(
        current_absences=[
            AbsenceRow(a["kind"], dt.date.fromisoformat(a["starts_on"]), dt.date.fromisoformat(a["ends_on"]))
            for a in absences
        ],
        restricted_areas=[reference_name(a["name"], a["name_en"]) for a in areas],
        **values,
    )


def _values(directors):
    """The row's columns, named as DirectorRow's fields; absences and areas as JSON arrays."""
    absences = Absence.objects.filter(director=OuterRef("pk"), ends_on__gte=compiled.DAY).order_by("starts_on", "pk")
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
def _overview_sql(ordering: tuple, words: int, _per_fte: int) -> tuple:
    """The overview's count and rows in `ordering` (ipgar.sorting.sort_ordering; empty: the usual
    order) for that many search words, with stand-ins. `_per_fte` (settings.IPGAR_CASES_PER_FTE,
    compiled into the SQL) is part of the key."""
    directors = selectors.pool_overview(on=compiled.DAY, search=" ".join(map(compiled.word, range(words))))
    if ordering:
        directors = directors.order_by(*ordering)
    count_sql, count_params = directors.order_by().values("pk").query.sql_with_params()
    rows_sql, rows_params = _values(directors).query.sql_with_params()
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) AS pool"  # noqa: S608 - the ORM's SQL; values are parameters
    return count_sql, count_params, rows_sql, rows_params


class OverviewRows:
    """The overview for a day, search and order, as Paginator pages it: `count()` and a slice of rows."""

    def __init__(self, *, ordering: tuple, search: str, on: dt.date):
        words = search.split()
        self._count_sql, count_params, self._rows_sql, rows_params = _overview_sql(
            ordering, len(words), settings.IPGAR_CASES_PER_FTE
        )
        self._count_params = compiled.bind(count_params, [(compiled.DAY, on)], words)
        self._rows_params = compiled.bind(rows_params, [(compiled.DAY, on)], words)

    def count(self) -> int:
        return compiled.fetch(self._count_sql, self._count_params, lambda count: count)[0]

    def __getitem__(self, page: slice) -> list[DirectorRow]:
        sql = f"{self._rows_sql} LIMIT %s OFFSET %s"
        return compiled.fetch(sql, [*self._rows_params, page.stop - page.start, page.start], _row)


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
def _ranking_sql(words: int, _per_fte: int) -> tuple[str, list]:
    """`selectors.ranking_values` with stand-ins for the case's director and area, the day and the words."""
    stand_in = Case(director_id=compiled.CASE_DIRECTOR, area_id=compiled.CASE_AREA)
    search = " ".join(map(compiled.word, range(words)))
    return selectors.ranking_values(case=stand_in, on=compiled.DAY, search=search).query.sql_with_params()


def ranking_values(*, case: Case, on: dt.date, search: str = "") -> list[tuple]:
    """The rows of `selectors.ranking_values` for this case, day and search, by the compiled query."""
    words = search.split()
    sql, params = _ranking_sql(len(words), settings.IPGAR_CASES_PER_FTE)
    values = [(compiled.DAY, on), (compiled.CASE_DIRECTOR, case.director_id or 0), (compiled.CASE_AREA, case.area_id)]
    return compiled.fetch_tuples(sql, compiled.bind(params, values, words))


@functools.lru_cache(maxsize=4)
def _by_pk_sql(_per_fte: int) -> tuple[str, list]:
    """`director_figures` as DirectorRow columns for the directors whose ids are a stand-in array."""
    ids = RawSQL("SELECT unnest(%s::integer[])", [compiled.IDS])  # one parameter, however many ids
    return _values(selectors.director_figures(on=compiled.DAY).filter(pk__in=ids)).query.sql_with_params()


def directors_by_pk(pks: list[int], *, on: dt.date) -> dict[int, DirectorRow]:
    """The directors with these ids and their figures on `on`, by id (the assistant's shown ones)."""
    sql, params = _by_pk_sql(settings.IPGAR_CASES_PER_FTE)
    found = compiled.fetch(sql, compiled.bind(params, [(compiled.DAY, on), (compiled.IDS, list(pks))]), _row)
    return {row.pk: row for row in found}
