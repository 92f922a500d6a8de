"""Reads whose SQL Django builds once per process.

Building a queryset's SQL is most of what a small read costs here: reading an application with
its client and branch took 1.6 ms, of which Django spent 0.9 ms writing the SQL and the database
0.1-0.2 ms answering it. A step page makes a few such reads on every request, always of the same
shape with other values. `PreparedRead` builds its queryset twice with probe values, compiles
both, and keeps the SQL when the two differ in nothing but those values; each call then runs
that SQL with its own values through Django's own model iterable, so instances, select_related,
annotations and field converters come out exactly as the queryset's would.

A shape that cannot be kept safely is built on every call, as a plain queryset: a value of another
kind than int, str, date or aware datetime (None, a naive datetime, a list), SQL that changes
with the values, or a value that does not reach the SQL as it was given or as the backend adapts
its kind (an encrypted field's, a date compared with a datetime column).
"""

from __future__ import annotations

import copy
import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
)
from django.db.models.sql.compiler import SQLCompiler

M = TypeVar("M", bound=Model)

# Probe values: two of each kind, so that what varies is known to be a value. Dates and
# datetimes reach the database adapted by its backend (`_ADAPTERS`); a str must reach it as it
# is: the probe holds what a lookup would escape, case or strip (LIKE's % _ \, capitals,
# spaces), so a lookup that changes its value in Python (`iexact` on SQLite) is not kept.
_UTC = datetime.UTC
_PROBES: dict[type, Callable[[int, int], Any]] = {
    # within every integer field's range (Django answers an out-of-range lookup without SQL);
    # a probe equal to a constant of the query is harmless: constants are equal in both SQLs
    int: lambda index, n: 17_001 + 2 * n + index,
    str: lambda index, n: f" \x00Probe%_\\{index}-{n} ",
    datetime.datetime: lambda index, n: datetime.datetime(1901 + index, 2, 3, 4, 5, n, tzinfo=_UTC),
    datetime.date: lambda index, n: datetime.date(1901 + index, 2, 3 + n),
}
_ADAPTERS: dict[type, Callable[[Any], Callable[[Any], Any]]] = {
    int: lambda ops: _same,
    str: lambda ops: _same,
    datetime.datetime: lambda ops: ops.adapt_datetimefield_value,
    datetime.date: lambda ops: ops.adapt_datefield_value,
}
_ITERABLES = (ModelIterable, ValuesIterable, ValuesListIterable, FlatValuesListIterable)


def _same(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class _Compiled:
    """One shape's SQL: the compiler that wrote it (its select list and converters), the SQL,
    the constant parameters, and where each value goes."""

    queryset: QuerySet = field(repr=False)  # built with probes: never to be evaluated
    compiler: SQLCompiler = field(repr=False)
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, Callable[[Any], Any]], ...]


class PreparedRead(Generic[M]):
    """`build(**values)` returns the queryset for these values; calling the read returns its
    rows as a list. `build` must depend on the values only through filters (no branching)."""

    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self.build = build
        self._compiled: dict[tuple, _Compiled | None] = {}
        self._lock = threading.Lock()

    def __call__(self, *, using: str = "default", **values: Any) -> list[M]:
        kinds = sorted((name, type(value), _keepable(value)) for name, value in values.items())
        key = (using, connections[using].vendor, *kinds)
        if key not in self._compiled:
            compiled = self._compile(using, values)
            with self._lock:
                self._compiled[key] = compiled
        compiled = self._compiled[key]
        if compiled is None:
            return list(self.build(**values).using(using))
        params = list(compiled.params)
        for position, name, adapt in compiled.slots:
            params[position] = adapt(values[name])
        return list(_bound(compiled, using, params))

    def _compile(self, using: str, values: dict[str, Any]) -> _Compiled | None:
        if not values or not all(map(_keepable, values.values())):
            return None
        probes = [
            {name: _PROBES[type(value)](index, n) for n, (name, value) in enumerate(values.items())}
            for index in (0, 1)
        ]
        built = [self.build(**probe).using(using) for probe in probes]
        if any(not _plain(qs) for qs in built):
            return None
        compilers = [qs.query.get_compiler(using=using) for qs in built]
        try:
            (sql_a, params_a), (sql_b, params_b) = (c.as_sql() for c in compilers)
        except (EmptyResultSet, FullResultSet):  # Django answers these without SQL
            return None
        except (ValidationError, ValueError, TypeError):  # a field that will not take a probe
            return None
        ops = connections[using].ops
        adapters = {name: _ADAPTERS[type(value)](ops) for name, value in values.items()}
        slots = _slots((sql_a, params_a), (sql_b, params_b), probes, adapters)
        if slots is None:
            return None
        return _Compiled(built[0], compilers[0], sql_a, tuple(params_a), slots)


def _keepable(value: Any) -> bool:
    """A value whose way into the SQL is known: an int, a str, a date, an aware datetime (a
    naive one Django would first make aware, with a warning)."""
    if type(value) is datetime.datetime:
        return value.tzinfo is not None and value.utcoffset() is not None
    return type(value) in _PROBES


def _plain(queryset: QuerySet) -> bool:
    """Instances or values and nothing done after the rows are read (no prefetching, no
    related objects known from where the queryset came from): what the kept SQL gives alone."""
    return (
        queryset._iterable_class in _ITERABLES
        and not queryset._known_related_objects
        and not queryset._prefetch_related_lookups
    )


def _slots(
    first: tuple[str, Any],
    second: tuple[str, Any],
    probes: list[dict[str, Any]],
    adapters: dict[str, Callable[[Any], Any]],
) -> tuple[tuple[int, str, Callable[[Any], Any]], ...] | None:
    """Where each value goes in the parameters, and how the backend adapts it; None when the
    two SQLs differ in anything but the values as adapted (then the shape is not kept)."""
    (sql_a, params_a), (sql_b, params_b) = first, second
    if sql_a != sql_b or len(params_a) != len(params_b):
        return None
    expected = {
        (adapters[name](probes[0][name]), adapters[name](probes[1][name])): name
        for name in probes[0]
    }
    slots = []
    for position, (a, b) in enumerate(zip(params_a, params_b, strict=True)):
        if type(a) is type(b) and a == b:
            continue
        name = next(
            (n for (x, y), n in expected.items() if _same_value(x, a) and _same_value(y, b)), None
        )
        if name is None:
            return None
        adapt = adapters[name]
        if type(a) is not type(probes[0][name]) and type(probes[0][name]) is int:
            adapt = type(a)  # an int the backend types for its column (psycopg's Int2, Int4)
        slots.append((position, name, adapt))
    if {name for _position, name, _adapt in slots} != set(probes[0]):
        return None
    return tuple(slots)


def _same_value(expected: Any, got: Any) -> bool:
    if type(expected) is int and isinstance(got, int) and not isinstance(got, bool):
        return expected == got  # an int, or one typed for its column (psycopg's Int2)
    return type(expected) is type(got) and expected == got


def _bound(compiled: _Compiled, using: str, params: list[Any]) -> QuerySet:
    """A queryset of the kept shape whose compiler answers with the kept SQL and these values
    (on this thread's connection)."""
    compiler = copy.copy(compiled.compiler)
    compiler.connection = connections[using]
    compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)  # type: ignore[method-assign]
    query = copy.copy(compiled.queryset.query)
    query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
    queryset = QuerySet(model=compiled.queryset.model, query=query, using=using)
    queryset._iterable_class = compiled.queryset._iterable_class
    queryset._fields = compiled.queryset._fields
    return queryset
