"""The search engines, one per database vendor, behind one interface (`base.Engine`):
`sqlite.SQLiteEngine` (FTS5) and `postgresql.PostgreSQLEngine` (tsvector, pg_trgm)."""

from __future__ import annotations

from django.db import connection as default_connection

from laws.search.engines.base import Engine
from laws.search.engines.postgresql import PostgreSQLEngine
from laws.search.engines.sqlite import SQLiteEngine

ENGINES: dict[str, Engine] = {e.vendor: e for e in (SQLiteEngine(), PostgreSQLEngine())}


def engine(connection=None) -> Engine | None:
    """The engine of a connection (the default one unless given); None for a vendor without
    full-text search here."""
    return ENGINES.get((connection or default_connection).vendor)
