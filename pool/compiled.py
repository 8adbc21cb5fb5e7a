"""Queries the ORM compiles once per process and each request binds to its own values (issue 17).

Building the pool's querysets (a dozen annotations, each copied on every clone) and compiling
them cost more CPU than PostgreSQL took to run them (BENCHMARKS.md). As
`cases.models.granted_codenames_sql` does for the permission check, the query is built once with
stand-in values; its SQL and parameters are kept, and a request swaps the stand-ins for its own
values. The SQL is the ORM's own, so the rules stay written once, in the selectors.
"""

import datetime as dt
from collections.abc import Callable, Sequence

from django.db import connection

# Values no request passes: a day before the application existed, ids that cannot exist.
DAY = dt.date(1901, 2, 3)
CASE_DIRECTOR = -7_340_017
CASE_AREA = -7_340_023
IDS = [-7_340_029]


def word(index: int) -> str:
    """The stand-in of the index-th search word (no character that LIKE escapes)."""
    return f"ipgarstandinword{index}x"


def bind(params: Sequence, values: Sequence[tuple], words: Sequence[str] = ()) -> list:
    """`params` with each stand-in replaced: of the same type and equal to a stand-in of `values`
    ((stand-in, value) pairs) → its value; the LIKE pattern of `word(i)` (icontains: `%word%`) →
    the pattern of the i-th word, escaped as Django escapes it."""
    patterns = {f"%{word(i)}%": f"%{connection.ops.prep_for_like_query(text)}%" for i, text in enumerate(words)}
    bound = []
    for param in params:
        for stand_in, value in values:
            if type(param) is type(stand_in) and param == stand_in:
                param = value
                break
        else:
            if type(param) is str:
                param = patterns.get(param, param)
        bound.append(param)
    return bound


def fetch(sql: str, params: Sequence, make: Callable) -> list:
    """Run `sql` and build each row with `make(**row)` (columns by name)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [make(**dict(zip(names, row, strict=True))) for row in cursor.fetchall()]


def fetch_tuples(sql: str, params: Sequence) -> list[tuple]:
    """Run a compiled values_list() query: its rows, columns in the order the query names them."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
