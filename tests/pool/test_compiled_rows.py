"""The pool overview's compiled query (pool.rows, ipgar.compiled) answers what the ORM's queryset does.

The SQL is compiled once per process with stand-ins for the day and the search words; these tests
hold its rows and count equal to `selectors.pool_overview` built afresh, for several days, sort
orders and searches with the characters LIKE treats specially.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import RequestFactory

from ipgar.compiled import stand_in_words
from ipgar.sorting import sort_ordering
from pool import rows, selectors
from pool.models import Absence, Director
from pool.views import OverviewSort

from .factories import DirectorFactory, ProgrammeUserFactory, area, caseload, organisation

pytestmark = pytest.mark.django_db

DAYS = [dt.date(2020, 6, 1), dt.date(2020, 7, 1), dt.date(2026, 3, 1)]
SORTS = [(), ("-free_places",), ("organisation", "-caseload"), ("capacity",), ("-director",)]
SEARCHES = ["", "lid", "50%", "a_b", "x\\y", "lid 2", "LID-0"]


@pytest.fixture
def pool():
    programme = ProgrammeUserFactory()
    named = ["lid-01", "lid-02", "50%-lid", "50x-lid", "a_b", "axb", "x\\y", "xy"]
    directors = []
    for i, username in enumerate(named):
        director = DirectorFactory(
            user__username=username,
            user__last_name=f"Lid {i}",
            fte=Decimal("0.5") if i % 2 else Decimal("1.0"),
            capacity_override=3 if i == 3 else None,
            organisation=organisation(["oov", "ggd", "om"][i % 3]),
            seconded_from=organisation("wpi") if i == 2 else None,
            former=i in (4, 5),
            areas=[area("centrum")] if i == 1 else [],
        )
        caseload(director, i % 4 if i != 5 else 0)
        directors.append(director)
    for days, kind in ((-5, "illness"), (10, "leave"), (-400, "other")):
        start = dt.date(2026, 3, 1) + dt.timedelta(days=days)
        Absence.objects.create(
            director=directors[0],
            kind=kind,
            starts_on=start,
            ends_on=start + dt.timedelta(days=7),
            registered_by=programme,
        )
    return directors


def _ordering(sort):
    request = RequestFactory().get("/pool/", {"sort": ",".join(sort)} if sort else {})
    return sort_ordering(request, OverviewSort, Director)


def _orm(on, search, sort):
    directors = selectors.pool_overview(on=on, search=search)
    if sort:
        directors = OverviewSort({"sort": ",".join(sort)}, queryset=directors).qs
    return list(directors)


@pytest.mark.parametrize("on", DAYS)
def test_compiled_overview_rows_equal_the_orm_queryset(pool, on):
    for sort in SORTS:
        for search in SEARCHES:
            overview = rows.OverviewRows(ordering=_ordering(sort), search=search, on=on)
            expected = _orm(on, search, sort)
            got = overview[0:100]
            assert overview.count() == len(expected), (sort, search)
            assert [r.pk for r in got] == [d.pk for d in expected], (sort, search)
            for row, director in zip(got, expected, strict=True):
                assert (row.active_cases, row.max_cases, row.assigned_pending, row.free_places) == (
                    director.active_cases,
                    director.max_cases,
                    director.assigned_pending,
                    director.free_places,
                )
                assert (row.in_pool, row.over_capacity, row.next_review_due, row.review_overdue) == (
                    director.in_pool,
                    director.over_capacity,
                    director.next_review_due,
                    director.review_overdue,
                )
                assert (row.next_three_way_due, row.three_way_overdue) == (
                    director.next_three_way_due,
                    director.three_way_overdue,
                )
                assert row.name == (director.user.get_full_name() or director.user.username)
                assert row.organisation_name == director.organisation.name
                assert row.seconded_from_name == (director.seconded_from.name if director.seconded_from else None)
                assert row.restricted_areas == [str(a) for a in director.restricted_to_areas.all()]
                assert [(a.kind, a.starts_on, a.ends_on) for a in row.current_absences] == [
                    (a.kind, a.starts_on, a.ends_on) for a in director.current_and_coming_absences
                ]


def test_a_search_finds_the_special_characters_literally(pool):
    def found(search):
        overview = rows.OverviewRows(ordering=(), search=search, on=dt.date(2020, 6, 1))
        return [r.username for r in overview[0:100]]

    assert found("50%") == ["50%-lid"]
    assert found("a_b") == ["a_b"]
    assert found("x\\y") == ["x\\y"]
    # A word that looks like a stand-in is a word like any other: no director is called that.
    assert found(f"{stand_in_words(2)['word1']} lid") == []


def test_a_page_is_a_slice_of_the_ordered_rows(pool):
    overview = rows.OverviewRows(ordering=_ordering(("-free_places",)), search="", on=DAYS[0])
    every = [r.pk for r in overview[0:100]]
    assert [r.pk for r in overview[2:5]] == every[2:5]


def test_compiled_ranking_values_equal_the_orm_queryset(pool):
    from .factories import CaseFactory

    cases = [
        CaseFactory(advised=True, area=area("centrum")),
        CaseFactory(advised=True, area=area("west")),
        CaseFactory(active=True, director=pool[0], area=area("west")),
    ]
    for case in cases:
        for on in DAYS:
            for search in SEARCHES:
                expected = sorted(selectors.ranking_values(case=case, on=on, search=search))
                assert sorted(rows.ranking_values(case=case, on=on, search=search)) == expected, (case, on, search)


def test_compiled_directors_by_pk_equal_the_orm_figures(pool):
    on = dt.date(2026, 3, 1)
    chosen = [pool[0].pk, pool[1].pk, pool[4].pk]
    got = rows.directors_by_pk(chosen, on=on)
    assert sorted(got) == sorted(chosen)
    for director in selectors.director_figures(on=on).filter(pk__in=chosen):
        row = got[director.pk]
        assert (row.free_places, row.max_cases, row.in_pool) == (
            director.free_places,
            director.max_cases,
            director.in_pool,
        )
        assert row.restricted_areas == [str(a) for a in director.restricted_to_areas.all()]
        assert [(a.kind, a.starts_on) for a in row.current_absences] == [
            (a.kind, a.starts_on) for a in director.current_and_coming_absences
        ]
    assert rows.directors_by_pk([], on=on) == {}
