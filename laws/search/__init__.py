"""The search engine: full-text search over laws and law provisions, typo-tolerant matching of
titles and country names, and a legal-term vocabulary across languages. One Python interface,
two database engines. What is searched, and why, is in docs/SEARCH_AND_TIME.md.

| module | what |
| --- | --- |
| `query` | the query language (web-search syntax), parsed once for both engines; snippets |
| `vocabulary` | the legal-term vocabulary (data/search/vocabulary.csv) and `widen` |
| `similarity` | trigrams as pg_trgm computes them; country names |
| `run` | a search, the same on every engine: candidates, count, typo fallbacks |
| `timelimit` | `time_limit()`: too slow is a `SearchTimeout` |
| `engines.base` | `Engine`, the interface each engine provides; the tables searched |
| `engines.sqlite` | FTS5 tables of published rows, bm25, snippets, Python trigrams |
| `engines.postgresql` | tsvector columns per law language, ts_rank, ts_headline, pg_trgm |

Everything callers use is importable from here (`from laws import search`)."""

from laws.search.engines import engine
from laws.search.engines.base import MAX_CANDIDATES
from laws.search.engines.sqlite import sqlite_install, sqlite_uninstall
from laws.search.query import (
    MARK_END,
    MARK_START,
    MAX_TERMS,
    ParsedQuery,
    SearchQueryError,
    SearchTimeout,
    Term,
    parse,
    snippet_html,
)
from laws.search.run import search_laws, search_provisions
from laws.search.similarity import match_states, similarity, word_similarity
from laws.search.timelimit import time_limit
from laws.search.vocabulary import widen

__all__ = [
    "MARK_END",
    "MARK_START",
    "MAX_CANDIDATES",
    "MAX_TERMS",
    "ParsedQuery",
    "SearchQueryError",
    "SearchTimeout",
    "Term",
    "install",
    "match_states",
    "parse",
    "search_laws",
    "search_provisions",
    "similarity",
    "snippet_html",
    "sqlite_install",
    "sqlite_uninstall",
    "time_limit",
    "uninstall",
    "widen",
    "word_similarity",
]


def install(schema_editor) -> None:
    """Create or bring up to date the search's database objects (the search migrations)."""
    current = engine(schema_editor.connection)
    if current is not None:
        with schema_editor.connection.cursor() as cursor:
            current.install(cursor)


def uninstall(schema_editor) -> None:
    current = engine(schema_editor.connection)
    if current is not None:
        with schema_editor.connection.cursor() as cursor:
            current.uninstall(cursor)
