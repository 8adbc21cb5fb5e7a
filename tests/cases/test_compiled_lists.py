"""The caseload's query is compiled by the ORM once per process and bound per request
(cases.compiled, issue 17): the bound SQL is the queryset's SQL, and the rows are the
queryset's rows, for directors, substitutes, expired, revoked and future grants, the
programme team, and every sort order."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from cases import compiled, permissions, selectors
from cases.filters import CASELOAD_SORT_FIELDS, CaseloadSort
from cases.models import Case, CaseAccessGrant, Contact
from ipgar.models import User
from ipgar.sorting import sort_ordering
from tests.cases.factories import (
    CaseFactory,
    ContactFactory,
    DirectorFactory,
    InterventionFactory,
    ProgrammeUserFactory,
)

pytestmark = pytest.mark.django_db


def _days_ago(days):
    return timezone.localdate() - dt.timedelta(days=days)


def _ordering(sort: str | None) -> tuple:
    request = RequestFactory().get("/", {"sort": sort} if sort else {})
    return sort_ordering(request, CaseloadSort, Case)


SORTS = [None, *[param for _field, param in CASELOAD_SORT_FIELDS], *[f"-{p}" for _f, p in CASELOAD_SORT_FIELDS]]


@pytest.fixture
def people(db):
    """Two directors; the second holds one of the first's cases as a substitute now, one whose
    grant has ended, one revoked and one that starts tomorrow; the programme team directs too."""
    first, second = DirectorFactory(), DirectorFactory()
    pt = ProgrammeUserFactory()
    cases = [
        CaseFactory(active=True, director=first, code="R-2026-004"),
        CaseFactory(static=True, director=first, code="R-2026-002"),
        CaseFactory(detained=True, director=first, code="R-2026-009"),
        CaseFactory(aftercare=True, director=first, code="R-2026-001"),
        CaseFactory(active=True, director=second, code="R-2026-003"),
        CaseFactory(closed=True, director=first, code="R-2026-005"),
    ]
    ContactFactory(case=cases[0], date=_days_ago(3))
    ContactFactory(case=cases[1], date=_days_ago(90))
    ContactFactory(case=cases[0], date=_days_ago(1), kind=Contact.Kind.ATTEMPT)
    ContactFactory(case=cases[2], date=_days_ago(200))
    ContactFactory(case=cases[2], date=_days_ago(2), kind=Contact.Kind.ATTEMPT)
    InterventionFactory(case=cases[0])
    now = timezone.now()
    substitute = CaseAccessGrant.Kind.SUBSTITUTE
    for case, start, end in (
        (cases[0], None, None),  # in force
        (cases[1], None, None),  # ended below
        (cases[2], None, None),  # revoked below
        (cases[3], now + dt.timedelta(days=1), None),  # starts tomorrow
    ):
        permissions.grant_case_access(
            user=second.user, case=case, kind=substitute, reason="absence", by=pt, valid_from=start, valid_until=end
        )
    # Ended by the clock: the guardian rows stay until the task runs, the grant no longer holds.
    CaseAccessGrant.objects.filter(case=cases[1], kind=substitute).update(
        valid_from=now - dt.timedelta(days=10), valid_until=now - dt.timedelta(minutes=1)
    )
    permissions.revoke_case_access(grant=CaseAccessGrant.objects.get(case=cases[2], kind=substitute), by=pt)
    return [first.user, second.user, pt]


def _by_orm(user, ordering):
    queryset = selectors.caseload(user=user)
    if ordering:
        queryset = queryset.order_by(*ordering)
    return list(queryset.prefetch_related(None).values(*selectors.CASELOAD_ROW_FIELDS))


@pytest.mark.parametrize("sort", SORTS)
def test_the_compiled_caseload_reads_the_querysets_rows(people, sort):
    ordering = _ordering(sort)
    for person in people:
        user = User.objects.get(pk=person.pk)  # fresh: its roles are read as on a request
        expected = _by_orm(user, ordering)
        assert selectors.caseload_values(user=user, ordering=ordering) == expected
    first, second, _pt = people
    assert {row["code"] for row in selectors.caseload_values(user=first, ordering=ordering)} == {
        "R-2026-001",
        "R-2026-002",
        "R-2026-004",
        "R-2026-009",
    }
    substituting = selectors.caseload_values(user=second, ordering=ordering)
    assert {(row["code"], row["via_substitute"]) for row in substituting} == {
        ("R-2026-003", False),
        ("R-2026-004", True),
    }


@pytest.mark.parametrize("sort", [None, "-alerts", "last_contact"])
@pytest.mark.parametrize("programme_team", [False, True])
def test_the_bound_sql_is_the_querysets_sql(people, sort, programme_team):
    """The same statement and parameters as the ORM builds for this user, moment and day."""
    ordering = _ordering(sort)
    user = User.objects.get(pk=people[2 if programme_team else 1].pk)
    now, today = timezone.now(), timezone.localdate() - dt.timedelta(days=3)
    queryset = selectors.caseload(user=user, today=today, at=now)
    if ordering:
        queryset = queryset.order_by(*ordering)
    sql, params = queryset.prefetch_related(None).values(*selectors.CASELOAD_ROW_FIELDS).query.sql_with_params()
    template, stand_ins = selectors._caseload_sql(
        programme_team=programme_team, ordering=ordering, alerts=compiled.shape_of_alerts()
    )
    assert template == sql
    assert compiled.bind(stand_ins, user_id=user.pk, now=now, today=today) == list(params)


def test_a_change_of_alert_period_compiles_anew(people, settings):
    user = User.objects.get(pk=people[0].pk)
    before = {row["code"]: row["alert_no_contact"] for row in selectors.caseload_values(user=user)}
    settings.IPGAR_NO_CONTACT_DAYS = 1
    after = {row["code"]: row["alert_no_contact"] for row in selectors.caseload_values(user=user)}
    assert after == {row["code"]: row["alert_no_contact"] for row in _by_orm(user, ())}
    assert after != before
