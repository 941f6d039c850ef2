"""Every search runs under `time_limit()`: the engine's way of cancelling a query (PostgreSQL
`statement_timeout`, local to each query and carried in the same round trip; an SQLite progress
handler). Too slow is a `SearchTimeout`, not a 500."""

from __future__ import annotations

from contextlib import contextmanager, nullcontext

from django.db import OperationalError

from laws.search.engines import engine
from laws.search.query import SearchTimeout

# Seconds a search may take before it is cancelled.
TIMEOUT = 5.0


@contextmanager
def time_limit(seconds: float | None = None):
    """Run the block with its queries cancelled after `seconds` (TIMEOUT by default)."""
    seconds = TIMEOUT if seconds is None else seconds
    current = engine()
    try:
        with current.limit(seconds) if current is not None else nullcontext():
            yield
    except OperationalError as exc:
        if current is not None and current.is_timeout(exc):
            raise SearchTimeout(f"The search took longer than {seconds:g} s.") from exc
        raise
