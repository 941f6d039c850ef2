"""SQL compiled once per process and data version (the countries list's page query, the country
detail's four queries, the laws list's searches)."""

import contextlib
import enum
import functools
import threading
from collections.abc import Callable

from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from .cache import current_version


class CompiledQueries:
    """SQL compiled once per process, data version and query string: a list whose filters
    (validation, vocabulary lookups, the ORM's query building and compilation) cost more Python
    than the query costs PostgreSQL. Only a query string that built without error is kept, and
    only for the data version it was built under (a code or region that is gone afterwards
    fails again); the rows are always read from the database. Bounded; oldest out first."""

    MAX_ENTRIES = 256

    def __init__(self):
        self.entries: dict[tuple, tuple[str, object]] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple, build: Callable[[], QuerySet]) -> tuple[str, tuple] | None:
        """The SQL and parameters for `key`, compiled from `build()` the first time under this
        data version; None when the query can match nothing (no SQL to run)."""
        hit = self.lookup(key)
        if hit is not None:
            return hit
        queryset = build()
        try:
            sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing
            return None
        compiled = sql, plain(params)
        self.keep(key, compiled)
        return compiled

    def lookup(self, key: tuple):
        """What was kept for `key` under the current data version, else None."""
        version = current_version()
        hit = self.entries.get(key)
        if version is not None and hit is not None and hit[0] == version.token:
            return hit[1]
        return None

    def keep(self, key: tuple, value) -> None:
        """Keep `value` (SQL and what reads it) for `key` under the current data version."""
        version = current_version()
        if version is None or value is None:
            return
        with self.lock:  # threads of a worker share it: one writer at a time
            self.entries.pop(key, None)
            while len(self.entries) >= self.MAX_ENTRIES:
                self.entries.pop(next(iter(self.entries)), None)
            self.entries[key] = (version.token, value)

    def clear(self) -> None:
        self.entries.clear()


def plain(params) -> tuple:
    """The parameters with choices (`PublicationStatus.PUBLISHED`, a `str` subclass) as their
    plain values: the same SQL values, but psycopg finds a plain `str`'s dumper at once, where for
    a subclass it walks the class's MRO on every execution (1.7 % of a country detail's
    instructions, callgrind, 2026-12-07; docs/PERFORMANCE.md)."""
    return tuple(p.value if isinstance(p, enum.Enum) else p for p in params)


def kept_cursor(connection):
    """A cursor for the statements kept per data version (`CompiledQueries`). On PostgreSQL it
    binds parameters on the server and has psycopg prepare each statement, once per connection
    (the connection's `prepare_threshold`, settings.py): a kept statement is then planned once,
    not at every request. The country detail's findings query spent twice as long being planned
    as being run (0.6 against 1.8 ms of PostgreSQL's CPU, bench/README). Elsewhere, the
    connection's usual cursor. One statement per call: the extended protocol runs no string of
    several."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = _preparing_cursor()(connection.connection)
    return connection._prepare_cursor(raw)  # Django's wrapper: errors, query log, wrappers


def run_kept(connection, statements: list[tuple[str, tuple] | None]) -> list[list[tuple]]:
    """The rows of each kept statement (None: a query that matches nothing, no rows), each run
    through `kept_cursor`. On PostgreSQL with psycopg 3 they go in one pipeline: one round trip
    for all of them, where each in turn waited for the one before."""
    cursors = [kept_cursor(connection) if sql is not None else None for sql in statements]
    running = [(cursor, sql) for cursor, sql in zip(cursors, statements, strict=True) if cursor]
    together = contextlib.nullcontext()
    if running and connection.vendor == "postgresql":
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        if is_psycopg3:
            together = running[0][0].cursor.connection.pipeline()
    try:
        with connection.wrap_database_errors, together:
            for cursor, sql in running:
                cursor.execute(*sql)
        return [cursor.fetchall() if cursor is not None else [] for cursor in cursors]
    finally:
        for cursor, _sql in running:
            cursor.close()


@functools.cache
def _preparing_cursor():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        """Django's server-binding cursor, preparing what it runs."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

    return PreparingCursor
