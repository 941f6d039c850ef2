"""SQL compiled once per process and data version (the countries list's page query)."""

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
        self.entries: dict[tuple, tuple[str, tuple[str, tuple]]] = {}
        self.lock = threading.Lock()

    def get(self, key: tuple, build: Callable[[], QuerySet]) -> tuple[str, tuple] | None:
        """The SQL and parameters for `key`, compiled from `build()` the first time under this
        data version; None when the query can match nothing (no SQL to run)."""
        version = current_version()
        hit = self.entries.get(key)
        if version is not None and hit is not None and hit[0] == version.token:
            return hit[1]
        queryset = build()
        try:
            compiled = queryset.query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing
            return None
        if version is not None:
            with self.lock:  # threads of a worker share it: one writer at a time
                while len(self.entries) >= self.MAX_ENTRIES:
                    self.entries.pop(next(iter(self.entries)), None)
                self.entries[key] = (version.token, compiled)
        return compiled

    def clear(self) -> None:
        self.entries.clear()
