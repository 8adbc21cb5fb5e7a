"""Querysets compiled to SQL by the ORM once per process, run with each request's values.

Building a queryset with many annotations and compiling it costs milliseconds of Python on every
request (the case page spent more on it than on its queries, BENCHMARKS.md), although only its
values change. `CompiledQuery` builds the queryset once with stand-in values, keeps the ORM's SQL
and the compiler's row layout, and on each call swaps the stand-ins for the real values and
builds the rows as the ORM would: model instances with their select_related objects and
annotations, tuples for `values_list()`, dicts for `values()`. `count()` answers how many rows the
query gives and `page(start, stop)` reads a slice of them with LIMIT and OFFSET as parameters, so
every page runs the one statement. Not supported: prefetch_related, a related manager's known
objects (`case.transitions` sets `transition.case`: build from the model's manager and filter on
`case_id`), iterator(), anything but a plain SELECT.

The statement is bound on the server (a psycopg cursor as Django's `server_side_binding` option
makes), so psycopg prepares it after a few runs on a connection (`prepare_threshold`) and
PostgreSQL then plans it once: the case page's query with its permission and alert subqueries
took 3-12 ms to plan on every request and under 1 ms to run. The other queries keep Django's
client-side binding. A prepared statement lives as long as the connection (CONN_MAX_AGE).
Setting IPGAR_PREPARED_STATEMENTS=false (an old transaction-pooling PgBouncer) runs them
through Django's usual cursor instead. After five runs PostgreSQL may switch to a generic plan,
one for every value: a query whose best plan depends on its values (an array of ids, a selective
filter) can then grow with the data. Check such a query at the L bench before compiling it (the
Woo detector's reads did: 17.9 → 29.7 ms at L, reverted; BENCHMARKS.md).

Stand-ins are values no real request uses (a negative id, a time in 1901, a list of such ids for
an array parameter); a parameter equal to one (a bool never equals a number) becomes the
request's value. A stand-in day (`STAND_IN_DAY`) stands for a date; a date parameter a number of days from it (a
cutoff the query computed from that day) becomes the same number of days from the real date. A
text stand-in (`stand_in_words`: a search) also stands inside the LIKE pattern a lookup made of it
(`%word%` for icontains, `word%`, `%word`): the pattern becomes the real text's, escaped as Django
escapes it. Each parameter is looked up whole, once, so a real value that looks like a stand-in
is never replaced again.
"""

import datetime as dt
import weakref
from collections.abc import Callable, Hashable

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, Format, ServerBindingCursor, register_tzloader
from django.db.models import QuerySet
from django.db.models.query import ValuesIterable, ValuesListIterable, get_related_populators

STAND_IN_DAY = dt.date(1111, 1, 1)
# Any date parameter before this year is a stand-in day's cutoff, never a real value.
_STAND_IN_ERA_END = 1200
# Characters LIKE treats specially: a text stand-in has none, so its patterns are its own.
_LIKE_SPECIAL = ("%", "_", "\\")


def stand_in_words(count: int) -> dict[str, str]:
    """Stand-ins for `count` search words, named word0, word1, …: text no one searches for."""
    return {f"word{i}": f"ipgarstandinword{i}x" for i in range(count)}


def words(search: str) -> dict[str, str]:
    """The words of `search` by the names `stand_in_words(len(search.split()))` gives them."""
    return {f"word{i}": word for i, word in enumerate(search.split())}


def _lookup_key(value) -> tuple:
    """A parameter as a stand-in is looked up: by value as Python compares it (the ORM may turn an
    id into a Decimal), but a bool never for a number (True == 1), a list as a tuple."""
    return (list, tuple(value)) if type(value) is list else (type(value) is bool, value)


class CompiledQuery:
    """`build(**stand_ins)` compiled once per database connection (and `key()`); call with the values."""

    def __init__(self, build: Callable[..., QuerySet], *, key: Callable[[], Hashable] = lambda: None, **stand_ins):
        for name, stand_in in stand_ins.items():
            if type(stand_in) is str and any(c in stand_in for c in _LIKE_SPECIAL):
                raise ValueError(f"the text stand-in {name} has a character LIKE escapes")
        self._build = build
        self._key = key
        self._stand_ins = stand_ins
        # One compiler per connection object: its converters belong to that connection.
        self._compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def _compile(self, connection):
        key = self._key()
        compiled = self._compiled.get(connection)
        if compiled is None or compiled[0] != key:
            queryset = self._build(**self._stand_ins)
            compiler = queryset.query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            # The converters too: working them out per call cost as much as building the rows.
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            if compiler.has_composite_fields(fields):
                raise NotImplementedError("composite primary keys")
            converters = compiler.get_converters(fields)
            compiled = (key, compiler, sql, list(params), _row_kind(queryset), converters)
            self._compiled[connection] = compiled
        return compiled[1:]

    def _substitutes(self, values, connection) -> dict:
        """Stand-in (as `_lookup_key`) -> the value; for a text, its LIKE patterns too."""
        substitutes = {}
        for name, stand_in in self._stand_ins.items():
            value = values[name]
            substitutes[_lookup_key(stand_in)] = value
            if type(stand_in) is str:
                like = connection.ops.prep_for_like_query(value)
                for pattern in ("%{}%", "{}%", "%{}"):
                    substitutes[_lookup_key(pattern.format(stand_in))] = pattern.format(like)
        return substitutes

    def _params(self, template_params, values, connection):
        substitutes = self._substitutes(values, connection)
        day = values.get(next((n for n, v in self._stand_ins.items() if v == STAND_IN_DAY), None))
        params = []
        for param in template_params:
            if type(param) is dt.date and param.year < _STAND_IN_ERA_END:
                if day is None:
                    raise ValueError(f"{param} was computed from a stand-in day that was not given")
                params.append(day + (param - STAND_IN_DAY))
                continue
            try:
                params.append(substitutes.get(_lookup_key(param), param))
            except TypeError:  # unhashable (a dict for a JSON value): no stand-in
                params.append(param)
        return params

    def __call__(self, *, using: str = "default", **values) -> list:
        """The rows for these values (every stand-in named at construction must be given)."""
        return self._rows(using, values)

    def page(self, start: int, stop: int, *, using: str = "default", **values) -> list:
        """The rows `queryset[start:stop]` gives, with LIMIT and OFFSET as parameters (the query
        itself must not be sliced): one statement for every page."""
        if stop < start or start < 0:
            raise ValueError(f"no page from {start} to {stop}")
        return self._rows(using, values, limits=(stop - start, start))

    def count(self, *, using: str = "default", **values) -> int:
        """How many rows the query gives for these values, as `queryset.count()`."""
        connection = connections[using]
        _compiler, sql, template_params, _kind, _converters = self._compile(connection)
        sql = f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608 - the ORM's SQL; values are parameters
        return self._fetch(connection, sql, self._bound(template_params, values, connection))[0][0]

    def _bound(self, template_params, values, connection) -> list:
        missing = set(self._stand_ins) - set(values)
        if missing:
            raise TypeError(f"values missing: {sorted(missing)}")
        return self._params(template_params, values, connection)

    def _rows(self, using, values, limits=None) -> list:
        connection = connections[using]
        compiler, sql, template_params, kind, converters = self._compile(connection)
        params = self._bound(template_params, values, connection)
        if limits is not None:
            if compiler.query.is_sliced:
                raise ValueError("a page of a sliced query")
            sql, params = f"{sql} LIMIT %s OFFSET %s", [*params, *limits]
        rows = self._fetch(connection, sql, params)
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        if converters:  # as compiler.results_iter() does
            rows = map(tuple, compiler.apply_converters(rows, converters))
        if kind is ValuesListIterable:
            return list(rows)
        if kind is not None:  # values(): the keys
            return [dict(zip(kind, row, strict=True)) for row in rows]
        return _instances(compiler, rows, using)

    @staticmethod
    def _fetch(connection, sql, params) -> list:
        prepared = getattr(settings, "IPGAR_PREPARED_STATEMENTS", True)
        with _server_binding_cursor(connection) if prepared else connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def _row_kind(queryset):
    """How rows are built: as tuples (values_list), dicts (values) or model instances (None)."""
    if issubclass(queryset._iterable_class, ValuesListIterable):
        return ValuesListIterable
    if issubclass(queryset._iterable_class, ValuesIterable):
        # The keys of a row, as ValuesIterable names them.
        query = queryset.query
        return (
            list(query.selected)
            if query.selected
            else [*query.extra_select, *query.values_select, *query.annotation_select]
        )
    return None


class _PreparingCursor(ServerBindingCursor):
    """Prepares every statement it runs (psycopg keeps them per connection, the newest 100)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):  # noqa: ARG002 - always prepared
        return super().execute(query, params, prepare=True, binary=binary)


def _server_binding_cursor(connection):
    """Django's cursor wrapper (queries logged and counted as any other) around a psycopg cursor
    that binds on the server, made as Django's backend makes its own (postgresql/base.py)."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        if raw.prepare_threshold is None:
            # Django turns psycopg's preparing off (None) unless OPTIONS name a threshold; only
            # server-binding cursors prepare, and this module's are the only ones.
            raw.prepare_threshold = 5
        cursor = _PreparingCursor(raw)
        tzloader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
        if connection.timezone != tzloader.timezone:
            register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)


def _instances(compiler, rows, using) -> list:
    """Model instances from the rows, as Django's ModelIterable builds them."""
    select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
    model_cls = klass_info["model"]
    select_fields = klass_info["select_fields"]
    start, end = select_fields[0], select_fields[-1] + 1
    init_list = [f[0].target.attname for f in select[start:end]]
    related_populators = get_related_populators(klass_info, select, using)
    objects = []
    for row in rows:
        obj = model_cls.from_db(using, init_list, row[start:end])
        for populator in related_populators:
            populator.populate(row, obj)
        for attr_name, col_pos in (annotation_col_map or {}).items():
            setattr(obj, attr_name, row[col_pos])
        objects.append(obj)
    return objects
