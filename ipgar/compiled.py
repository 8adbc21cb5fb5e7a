"""Querysets compiled to SQL by the ORM once per process, run with each request's values.

Building a queryset with many annotations and compiling it costs milliseconds of Python on every
request (the case page spent more on it than on its queries, BENCHMARKS.md), although only its
values change. `CompiledQuery` builds the queryset once with stand-in values, keeps the ORM's SQL
and the compiler's row layout, and on each call swaps the stand-ins for the real values and
builds the rows as the ORM would: model instances with their select_related objects and
annotations, or tuples for `values_list()`. Not supported: prefetch_related, a related
manager's known objects (`case.transitions` sets `transition.case`: build from the model's
manager and filter on `case_id`), iterator(), anything but a plain SELECT.

The statement is bound on the server (a psycopg cursor as Django's `server_side_binding` option
makes), so psycopg prepares it after a few runs on a connection (`prepare_threshold`) and
PostgreSQL then plans it once: the case page's query with its permission and alert subqueries
took 3-12 ms to plan on every request and under 1 ms to run. The other queries keep Django's
client-side binding. A prepared statement lives as long as the connection (CONN_MAX_AGE).
Setting IPGAR_PREPARED_STATEMENTS=false (an old transaction-pooling PgBouncer) runs them
through Django's usual cursor instead.

Stand-ins are values no real request uses (a negative id, a time in 1901). A stand-in day
(`STAND_IN_DAY`) stands for a date; a date parameter a number of days from it (a cutoff the
query computed from that day) becomes the same number of days from the real date.
"""

import datetime as dt
import weakref
from collections.abc import Callable, Hashable

from django.conf import settings
from django.db import connections
from django.db.backends.postgresql.base import TIMESTAMPTZ_OID, Format, ServerBindingCursor, register_tzloader
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable, get_related_populators

STAND_IN_DAY = dt.date(1111, 1, 1)
# Any date parameter before this year is a stand-in day's cutoff, never a real value.
_STAND_IN_ERA_END = 1200


class CompiledQuery:
    """`build(**stand_ins)` compiled once per database connection (and `key()`); call with the values."""

    def __init__(self, build: Callable[..., QuerySet], *, key: Callable[[], Hashable] = lambda: None, **stand_ins):
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
            tuples = issubclass(queryset._iterable_class, ValuesListIterable)
            # The converters too: working them out per call cost as much as building the rows.
            fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
            if compiler.has_composite_fields(fields):
                raise NotImplementedError("composite primary keys")
            converters = compiler.get_converters(fields)
            compiled = (key, compiler, sql, list(params), tuples, converters)
            self._compiled[connection] = compiled
        return compiled[1:]

    def _params(self, template_params, values):
        by_stand_in = {self._stand_ins[name]: value for name, value in values.items()}
        day = values.get(next((n for n, v in self._stand_ins.items() if v == STAND_IN_DAY), None))
        params = []
        for param in template_params:
            if type(param) is dt.date and param.year < _STAND_IN_ERA_END:
                if day is None:
                    raise ValueError(f"{param} was computed from a stand-in day that was not given")
                params.append(day + (param - STAND_IN_DAY))
            elif isinstance(param, Hashable) and param in by_stand_in:
                params.append(by_stand_in[param])
            else:
                params.append(param)
        return params

    def __call__(self, *, using: str = "default", **values) -> list:
        """The rows for these values (every stand-in named at construction must be given)."""
        missing = set(self._stand_ins) - set(values)
        if missing:
            raise TypeError(f"values missing: {sorted(missing)}")
        connection = connections[using]
        compiler, sql, template_params, tuples, converters = self._compile(connection)
        prepared = getattr(settings, "IPGAR_PREPARED_STATEMENTS", True)
        with _server_binding_cursor(connection) if prepared else connection.cursor() as cursor:
            cursor.execute(sql, self._params(template_params, values))
            rows = cursor.fetchall()
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        if converters:  # as compiler.results_iter() does
            rows = map(tuple, compiler.apply_converters(rows, converters))
        return list(rows) if tuples else _instances(compiler, rows, using)


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
