"""The caseload's query is compiled by the ORM once per process and sort order and bound per
request (ipgar.compiled, issue 17): the rows are the queryset's rows, for directors,
substitutes, expired, revoked and future grants, the programme team, every sort order, and a
change of the alert periods."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from cases import permissions, selectors
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
    return list(queryset.prefetch_related(None).values_list(*selectors.CASELOAD_ROW_FIELDS))


def _codes(rows, *columns):
    names = selectors.CASELOAD_ROW_FIELDS
    return {tuple(row[names.index(column)] for column in columns) for row in rows}


@pytest.mark.parametrize("sort", SORTS)
def test_the_compiled_caseload_reads_the_querysets_rows(people, sort):
    ordering = _ordering(sort)
    for person in people:
        user = User.objects.get(pk=person.pk)  # fresh: its roles are read as on a request
        expected = _by_orm(user, ordering)
        assert selectors.caseload_values(user=user, ordering=ordering) == expected
    first, second, _pt = people
    assert _codes(selectors.caseload_values(user=first, ordering=ordering), "code") == {
        ("R-2026-001",),
        ("R-2026-002",),
        ("R-2026-004",),
        ("R-2026-009",),
    }
    substituting = selectors.caseload_values(user=second, ordering=ordering)
    assert _codes(substituting, "code", "via_substitute") == {("R-2026-003", False), ("R-2026-004", True)}


def test_a_change_of_alert_period_compiles_anew(people, settings):
    user = User.objects.get(pk=people[0].pk)
    before = _codes(selectors.caseload_values(user=user), "code", "alert_no_contact")
    settings.IPGAR_NO_CONTACT_DAYS = 1
    after = _codes(selectors.caseload_values(user=user), "code", "alert_no_contact")
    assert after == _codes(_by_orm(user, ()), "code", "alert_no_contact")
    assert after != before
