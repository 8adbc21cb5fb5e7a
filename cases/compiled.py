"""List queries compiled by the ORM once per process and bound per request (issue 17).

Building a list's queryset (the alerts, the permission, substitute and attempts subqueries)
and compiling it to SQL cost more Python per request than PostgreSQL took to answer it
(BENCHMARKS.md). The selectors build such a query once per shape (sort order, role, alert
periods) for a stand-in user, moment and day, and compile it with the ORM; each request then
swaps its own user, time and day into the parameters. The SQL is the ORM's, so the rule stays
written once: `tests/cases/test_compiled_lists.py` holds the rows equal to the queryset's for
users with and without grants, substitutes and expired grants, sorted every way.
(`cases.models.granted_codenames_sql` does the same for the case page's permission check.)
"""

import datetime as dt

from django.db import connection

from .models import alert_cutoffs

# Values no real request has: a user id below zero, a day and a moment long before the approach.
STAND_IN_USER_ID = -7_340_023
STAND_IN_NOW = dt.datetime(1902, 3, 4, 5, 6, 7, 891, tzinfo=dt.UTC)
STAND_IN_TODAY = dt.date(1234, 5, 6)


def stand_in_user(*, programme_team: bool):
    """A user who is no one, with the roles a list's shape depends on (no query for them)."""
    from ipgar import roles
    from ipgar.models import User

    user = User(pk=STAND_IN_USER_ID, username="stand-in")
    # What roles.role_names caches on a user for the request.
    user._ipgar_roles = frozenset({roles.PROGRAMME_TEAM} if programme_team else ())
    return user


def shape_of_alerts() -> tuple:
    """The alert periods as the stand-in day's cutoffs: part of a compiled query's shape, so a
    change of settings (tests) compiles anew instead of leaving a stand-in unmatched."""
    return alert_cutoffs(STAND_IN_TODAY)


def bind(params, *, user_id: int, now: dt.datetime, today: dt.date) -> list:
    """The compiled parameters with this request's user, time and day (and the day's alert
    cutoffs) in place of the stand-ins. Matched by type and value: a date never stands for a
    moment, a boolean never for an id."""
    values = {(int, STAND_IN_USER_ID): user_id, (dt.datetime, STAND_IN_NOW): now, (dt.date, STAND_IN_TODAY): today}
    for stand_in, real in zip(alert_cutoffs(STAND_IN_TODAY), alert_cutoffs(today), strict=True):
        values[(dt.date, stand_in)] = real
    return [values.get((type(param), param), param) for param in params]


def fetch_dicts(sql: str, params: list) -> list[dict]:
    """The rows of a compiled `values()` query as dicts by column alias (what `values()` gives)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
