"""Querysets compiled once per process (ipgar.compiled) give what the ORM gives, for every value."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.models import Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.test.utils import CaptureQueriesContext

from cases import selectors
from cases.models import Case, Contact, Intervention
from ipgar.compiled import STAND_IN_DAY, CompiledQuery, stand_in_words, words
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    NetworkLinkFactory,
    ProgrammeUserFactory,
)

pytestmark = pytest.mark.django_db

_CASE = -1_000_003


def _fields(case):
    return (case.pk, case.code, case.director.user.username, case.director.organisation.code, case.area.name)


def test_instances_with_their_related_objects_and_annotations_as_the_orm_builds_them():
    cases = [CaseFactory(active=True) for _ in range(3)]
    compiled = CompiledQuery(
        lambda *, case_id, today: (
            Case.objects.with_alerts(today=today)
            .select_related("director__user", "director__organisation", "area")
            .filter(pk=case_id)
        ),
        case_id=_CASE,
        today=STAND_IN_DAY,
    )
    for case in cases:
        for today in (dt.date(2026, 6, 1), dt.date(2030, 1, 1)):
            (got,) = compiled(case_id=case.pk, today=today)
            orm = (
                Case.objects.with_alerts(today=today)
                .select_related("director__user", "director__organisation", "area")
                .get(pk=case.pk)
            )
            assert _fields(got) == _fields(orm)
            flags = ("alert_no_contact", "alert_no_intervention", "alert_pending_report")
            assert [getattr(got, f) for f in flags] == [getattr(orm, f) for f in flags]


def test_a_cutoff_computed_from_the_stand_in_day_follows_the_real_day(settings):
    """The no-contact alert at the threshold's day and the day after: the cutoff moves with today."""
    settings.IPGAR_NO_CONTACT_DAYS = 42
    case = CaseFactory(active=True, reported_on=dt.date(2025, 1, 1), included_on=dt.date(2025, 3, 1))
    ContactFactory(case=case, date=dt.date(2026, 4, 20))
    compiled = CompiledQuery(
        lambda *, case_id, today: Case.objects.with_alerts(today=today).filter(pk=case_id),
        key=lambda: settings.IPGAR_NO_CONTACT_DAYS,
        case_id=_CASE,
        today=STAND_IN_DAY,
    )
    day = dt.date(2026, 4, 20) + dt.timedelta(days=42)
    assert compiled(case_id=case.pk, today=day)[0].alert_no_contact is False
    assert compiled(case_id=case.pk, today=day + dt.timedelta(days=1))[0].alert_no_contact is True
    # Another threshold compiles again (the key): 10 days.
    settings.IPGAR_NO_CONTACT_DAYS = 10
    assert compiled(case_id=case.pk, today=dt.date(2026, 5, 1))[0].alert_no_contact is True


def test_values_list_rows_are_tuples_with_the_orms_conversions():
    case = CaseFactory(active=True)
    other = CaseFactory(active=True)
    for i in range(3):
        ContactFactory(case=case, date=dt.date(2026, 2, 1) + dt.timedelta(days=i))
    ContactFactory(case=other)
    compiled = CompiledQuery(
        lambda *, case_id: Contact.objects.filter(case_id=case_id).values_list("date", "kind", "by__username"),
        case_id=_CASE,
    )
    expected = list(Contact.objects.filter(case=case).values_list("date", "kind", "by__username"))
    assert compiled(case_id=case.pk) == expected
    assert all(isinstance(row[0], dt.date) for row in expected)


def test_one_query_per_call_and_every_value_must_be_given():
    case = CaseFactory(active=True)
    InterventionFactory(case=case)
    compiled = CompiledQuery(
        lambda *, case_id: Intervention.objects.filter(case_id=case_id).select_related("type"), case_id=_CASE
    )
    compiled(case_id=case.pk)
    expected = [i.type_id for i in case.interventions.all()]
    with CaptureQueriesContext(connection) as queries:
        assert [i.type.pk for i in compiled(case_id=case.pk)] == expected
    assert len(queries) == 1
    with pytest.raises(TypeError):
        compiled()


def test_a_date_from_a_stand_in_day_that_was_not_given_is_refused():
    compiled = CompiledQuery(
        lambda *, case_id: Contact.objects.filter(case_id=case_id, date__lte=STAND_IN_DAY), case_id=_CASE
    )
    with pytest.raises(ValueError, match="stand-in day"):
        compiled(case_id=1)


def test_the_case_page_selectors_answer_as_before_for_director_and_programme_team():
    """case_get and case_network_links, compiled once, against the ORM's own reading."""
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0), tick=False):
        case = CaseFactory(active=True, reported_on=dt.date(2025, 1, 1), included_on=dt.date(2025, 3, 1))
        seen, unseen = CaseFactory(active=True, director=case.director), CaseFactory(active=True)
        NetworkLinkFactory(case=case, other=seen)
        NetworkLinkFactory(case=unseen, other=case)
        director, programme = case.director.user, ProgrammeUserFactory()
        stranger = DirectorFactory().user
        got = selectors.case_get(user=director, pk=case.pk)
        assert got.pk == case.pk
        assert got.alert_no_contact == Case.objects.with_alerts().get(pk=case.pk).alert_no_contact
        assert selectors.case_get(user=stranger, pk=case.pk) is None
        assert selectors.case_get(user=programme, pk=case.pk).pk == case.pk
        assert [o.pk for _, o in selectors.case_network_links(user=director, case=got)] == [seen.pk]
        assert [o.pk for _, o in selectors.case_network_links(user=programme, case=got)] == [seen.pk, unseen.pk]


def test_the_statement_is_prepared_once_on_the_connection_and_counted_as_any_query():
    case = CaseFactory(active=True)
    compiled = CompiledQuery(lambda *, case_id: Case.objects.filter(pk=case_id).only("code"), case_id=_CASE)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            assert [c.code for c in compiled(case_id=case.pk)] == [case.code]
    assert len(queries) == 3
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['SELECT "cases_case"."id", "cases_case"."code" FROM "cases_case" WHERE "cases_case"."id" = $1%'],
        )
        assert cursor.fetchone()[0] >= 1


def test_without_prepared_statements_the_rows_are_the_same(settings):
    """IPGAR_PREPARED_STATEMENTS=false (an old transaction-pooling PgBouncer): Django's usual cursor."""
    settings.IPGAR_PREPARED_STATEMENTS = False
    case = CaseFactory(active=True)
    compiled = CompiledQuery(lambda *, case_id: Case.objects.filter(pk=case_id).only("code"), case_id=-1_000_007)

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared()
    with CaptureQueriesContext(connection) as queries:
        assert [c.code for c in compiled(case_id=case.pk)] == [case.code]
    assert f'"cases_case"."id" = {case.pk}' in queries.captured_queries[0]["sql"]  # bound by the client
    assert prepared() == before


# --- rows as values() dicts, pages and counts, search words, arrays (what the pool's overview needs)

_NAMES = ["50%-lid", "50x-lid", "a_b", "axb", "x\\y", "xy", "Lid Een", "lid twee", "ander"]


@pytest.fixture
def organisations():
    from tests.ipgar.factories import OrganisationFactory

    return [OrganisationFactory(name=name, code=f"org-{i}") for i, name in enumerate(_NAMES)]


def _named(**conditions):
    from ipgar.models import Organisation

    return Organisation.objects.filter(code__startswith="org-", **conditions).order_by("name", "pk")


def test_values_rows_are_dicts_as_the_orm_builds_them(organisations):
    compiled = CompiledQuery(
        lambda *, first: _named(pk__gte=first).values("pk", "name", upper=Upper("code")),
        first=-1_000_011,
    )
    first = organisations[2].pk
    expected = list(_named(pk__gte=first).values("pk", "name", upper=Upper("code")))
    assert compiled(first=first) == expected
    assert list(expected[0]) == ["pk", "name", "upper"]


def test_a_page_and_the_count_are_the_querysets_slice_and_count(organisations):
    compiled = CompiledQuery(lambda *, first: _named(pk__gte=first).values_list("pk", "name"), first=-1_000_011)
    first = organisations[1].pk
    queryset = _named(pk__gte=first).values_list("pk", "name")
    assert compiled.count(first=first) == queryset.count() == len(organisations) - 1
    for start, stop in ((0, 3), (2, 5), (6, 20), (30, 40), (0, 0)):
        expected = list(queryset[start:stop])
        with CaptureQueriesContext(connection) as queries:
            assert compiled.page(start, stop, first=first) == expected, (start, stop)
        assert len(queries) == 1
    with pytest.raises(ValueError, match="sliced"):
        CompiledQuery(lambda *, first: _named(pk__gte=first)[:2], first=-1_000_011).page(0, 1, first=first)


@pytest.mark.parametrize("lookup", ["icontains", "istartswith", "iendswith", "iexact", "contains"])
def test_search_words_inside_like_patterns_are_escaped_as_the_orm_escapes_them(organisations, lookup):
    def search(*, word0, word1):
        return _named(**{f"name__{lookup}": word0}).filter(name__icontains=word1).values_list("name", flat=False)

    compiled = CompiledQuery(search, **stand_in_words(2))
    for word0 in ["lid", "50%", "a_b", "x\\y", "%", "_", "\\", "LID", "lid-", "50"]:
        for word1 in ["", "i", "_", "%"]:
            expected = list(search(word0=word0, word1=word1))
            assert compiled(word0=word0, word1=word1) == expected, (word0, word1)


def test_a_word_spelled_like_a_stand_in_is_a_word_like_any_other(organisations):
    compiled = CompiledQuery(
        lambda **search: _named(name__icontains=search["word0"], code__icontains=search["word1"]).values_list("name"),
        **stand_in_words(2),
    )
    # The first word is the second's stand-in: it stays that text (no organisation has it).
    assert compiled(**words(f"{stand_in_words(2)['word1']} org")) == []
    assert compiled(**words("lid org")) == [("50%-lid",), ("50x-lid",), ("Lid Een",), ("lid twee",)]
    with pytest.raises(ValueError, match="LIKE"):
        CompiledQuery(lambda *, word: _named(name__icontains=word), word="stand_in")


def test_a_list_stands_for_an_array_parameter_of_any_length(organisations):
    compiled = CompiledQuery(
        lambda *, ids: _named(pk__in=RawSQL("SELECT unnest(%s::integer[])", [ids])).values_list("pk", flat=False),
        ids=[-1_000_013],
    )
    for chosen in ([], organisations[:1], organisations[2:7], organisations):
        assert compiled(ids=[o.pk for o in chosen]) == [(o.pk,) for o in _named(pk__in=[o.pk for o in chosen])]


def test_a_number_stand_in_never_replaces_a_boolean_parameter():
    """True == 1 in Python: an int stand-in 1 must not replace the parameter True."""
    case = CaseFactory(active=True)
    compiled = CompiledQuery(
        lambda *, case_id: Case.objects.filter(pk=case_id).annotate(flag=Value(True)).values_list("pk", "flag"),
        case_id=1,
    )
    assert compiled(case_id=case.pk) == [(case.pk, True)]
