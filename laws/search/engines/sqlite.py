"""The SQLite engine: FTS5 tables (`laws_law_search`, `laws_lawprovision_search`) holding the
published rows only, kept by triggers, with the `porter unicode61 remove_diacritics 2`
tokenizer (accents ignored, English stemming for every language); `bm25` rank and FTS5
`snippet`; typo tolerance computed in Python (the trigram measure of pg_trgm) over a bounded
number of titles; the time limit a progress handler with a deadline."""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, Q, QuerySet, TextField, Value, When

from laws.search.engines.base import Engine, TableSQL, Target
from laws.search.query import MARK_END, MARK_START, SNIPPET_WORDS, ParsedQuery
from laws.search.similarity import TITLE_SIMILARITY, word_similarity
from treaties.api.filters import fold

# Titles read in Python for typo tolerance (PostgreSQL uses its trigram index).
MAX_FUZZY_TITLES = 5000

# Only published rows are indexed (a law, and the provisions of a published law): bm25's
# statistics (how many documents, how common a word) are the public's, so saving a draft never
# changes a public rank (issue 12.5). The tables keep their own copy of the text (not
# external content): a row is deleted by rowid whether or not it was indexed.
PUBLISHED = "'published'"
# The FTS5 tables: for each, its columns and the SQL of each column's value over the row
# (`l` a law, `p` a provision). A law's last column is the text of its provisions, so law
# search finds the laws whose provisions match (issue 11.2).
_PROVISION_WORDS = (
    "coalesce(p.label, '') || ' ' || coalesce(p.heading, '') || ' ' || "
    "coalesce(p.summary, '') || ' ' || coalesce(p.text, '') || ' ' || coalesce(p.text_en, '')"
)
SQLITE_FTS = {
    "laws_law": (
        "laws_law_search",
        {
            "title": "l.title",
            "title_original": "l.title_original",
            "citation": "l.citation",
            "full_text": "l.full_text",
            "provisions": (
                f"(SELECT group_concat({_PROVISION_WORDS}, ' ') FROM laws_lawprovision p "
                "WHERE p.law_id = l.id)"
            ),
        },
    ),
    "laws_lawprovision": (
        "laws_lawprovision_search",
        {
            "label": "p.label",
            "heading": "p.heading",
            "summary": "p.summary",
            "text": "p.text",
            "text_en": "p.text_en",
            # Its law's titles and citation: `Strafgesetzbuch` finds § 184b (issue 13.6).
            "law": "l.title || ' ' || coalesce(l.title_original, '') || ' ' || l.citation",
        },
    ),
}
# The external-content tables of the first version (migration 0007), dropped by install.
SQLITE_LEGACY = ("laws_law_fts", "laws_lawprovision_fts")
SQLITE_TOKENIZE = "tokenize='porter unicode61 remove_diacritics 2'"


def _sqlite_index_laws(where: str) -> str:
    fts, columns = SQLITE_FTS["laws_law"]
    return (
        f"INSERT INTO {fts}(rowid, {', '.join(columns)}) "
        f"SELECT l.id, {', '.join(columns.values())} FROM laws_law l "
        f"WHERE l.publication_status = {PUBLISHED} AND {where}"
    )


def _sqlite_index_provisions(where: str) -> str:
    fts, columns = SQLITE_FTS["laws_lawprovision"]
    return (
        f"INSERT INTO {fts}(rowid, {', '.join(columns)}) "
        f"SELECT p.id, {', '.join(columns.values())} FROM laws_lawprovision p "
        f"JOIN laws_law l ON l.id = p.law_id WHERE l.publication_status = {PUBLISHED} "
        f"AND {where}"
    )


def _sqlite_objects() -> dict[str, str]:
    """Name → CREATE statement of every FTS table and trigger."""
    law_fts, law_columns = SQLITE_FTS["laws_law"]
    provision_fts, provision_columns = SQLITE_FTS["laws_lawprovision"]
    drop_provisions_of = (
        f"DELETE FROM {provision_fts} WHERE rowid IN "
        "(SELECT id FROM laws_lawprovision WHERE law_id = {law}.id);"
    )

    def reindex_law(law: str) -> str:
        return f"DELETE FROM {law_fts} WHERE rowid = {law}; {_sqlite_index_laws(f'l.id = {law}')};"

    return {
        law_fts: f"CREATE VIRTUAL TABLE {law_fts} USING fts5("
        f"{', '.join(law_columns)}, {SQLITE_TOKENIZE})",
        provision_fts: f"CREATE VIRTUAL TABLE {provision_fts} USING fts5("
        f"{', '.join(provision_columns)}, {SQLITE_TOKENIZE})",
        # A law: indexed while published; its provisions follow its publication state.
        f"{law_fts}_ai": f"CREATE TRIGGER {law_fts}_ai AFTER INSERT ON laws_law BEGIN "
        f"{_sqlite_index_laws('l.id = new.id')}; END",
        f"{law_fts}_au": f"CREATE TRIGGER {law_fts}_au AFTER UPDATE ON laws_law BEGIN "
        f"DELETE FROM {law_fts} WHERE rowid = old.id; "
        f"{_sqlite_index_laws('l.id = new.id')}; "
        f"{drop_provisions_of.format(law='new')} "
        f"{_sqlite_index_provisions('p.law_id = new.id')}; END",
        f"{law_fts}_ad": f"CREATE TRIGGER {law_fts}_ad AFTER DELETE ON laws_law BEGIN "
        f"DELETE FROM {law_fts} WHERE rowid = old.id; "
        f"{drop_provisions_of.format(law='old')} END",
        # A provision: indexed while its law is published; its law is indexed again.
        f"{provision_fts}_ai": f"CREATE TRIGGER {provision_fts}_ai AFTER INSERT ON "
        f"laws_lawprovision BEGIN {_sqlite_index_provisions('p.id = new.id')}; "
        f"{reindex_law('new.law_id')} END",
        f"{provision_fts}_au": f"CREATE TRIGGER {provision_fts}_au AFTER UPDATE ON "
        f"laws_lawprovision BEGIN DELETE FROM {provision_fts} WHERE rowid = old.id; "
        f"{_sqlite_index_provisions('p.id = new.id')}; "
        f"{reindex_law('old.law_id')} {reindex_law('new.law_id')} END",
        f"{provision_fts}_ad": f"CREATE TRIGGER {provision_fts}_ad AFTER DELETE ON "
        f"laws_lawprovision BEGIN DELETE FROM {provision_fts} WHERE rowid = old.id; "
        f"{reindex_law('old.law_id')} END",
    }


def _sqlite_rebuild(cursor) -> None:
    """Index every published row again, from nothing."""
    for fts, _ in SQLITE_FTS.values():
        cursor.execute(f"DELETE FROM {fts}")
    cursor.execute(_sqlite_index_laws("1"))
    cursor.execute(_sqlite_index_provisions("1"))


def sqlite_install(cursor) -> None:
    """Create the FTS5 tables and triggers that are missing or differ from `_sqlite_objects`
    (a table whose columns changed is made again), and rebuild the index when anything was
    (re)created. Idempotent. Runs after every migrate: SQLite drops a table's triggers when
    Django rebuilds the table for a schema change (another app's migration), which would leave
    the index stale."""
    for legacy in SQLITE_LEGACY:
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {legacy}_{suffix}")
        cursor.execute(f"DROP TABLE IF EXISTS {legacy}")
    cursor.execute("SELECT name, type, sql FROM sqlite_master")
    existing = {name: (kind, sql) for name, kind, sql in cursor.fetchall()}
    changed = False
    for name, statement in _sqlite_objects().items():
        kind, sql = existing.get(name, (None, None))
        if sql == statement:
            continue
        if kind is not None:
            cursor.execute(f"DROP {'TRIGGER' if kind == 'trigger' else 'TABLE'} {name}")
        cursor.execute(statement)
        changed = True
    if changed:
        _sqlite_rebuild(cursor)


def sqlite_uninstall(cursor) -> None:
    for fts, _ in SQLITE_FTS.values():
        for suffix in ("ai", "ad", "au"):
            cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        cursor.execute(f"DROP TABLE IF EXISTS {fts}")


# bm25 column weights, in each FTS table's column order.
WEIGHTS = {
    "laws_law": (10.0, 10.0, 5.0, 1.0, 2.0),
    "laws_lawprovision": (5.0, 10.0, 3.0, 1.0, 1.0, 0.5),
}


class SQLiteEngine(Engine):
    vendor = "sqlite"

    def expressions(self, parsed: ParsedQuery, target: Target) -> tuple:
        match = parsed.fts5()
        fts = SQLITE_FTS[target.table][0]
        condition = TableSQL(
            f"{{t}}.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [match], BooleanField()
        )
        rank = self.rank(parsed, target)
        snippet = TableSQL(
            f"(SELECT snippet({fts}, -1, %s, %s, ' … ', {SNIPPET_WORDS}) FROM {fts} "
            f"WHERE {fts} MATCH %s AND {fts}.rowid = {{t}}.id)",
            [MARK_START, MARK_END, match],
            TextField(),
        )
        return condition, rank, snippet

    def rank(self, parsed: ParsedQuery, target: Target, matched: float = 0.0):
        fts = SQLITE_FTS[target.table][0]
        weights = ", ".join(str(w) for w in WEIGHTS[target.table])
        return TableSQL(
            f"coalesce((SELECT {float(matched)!r} - bm25({fts}, {weights}) FROM {fts} "
            f"WHERE {fts} MATCH %s AND {fts}.rowid = {{t}}.id), 0.0)",
            [parsed.fts5()],
            FloatField(),
        )

    def among(self, ids: list[int]):
        return Q(pk__in=ids)

    def similar_titles(
        self, queryset: QuerySet, words: str, ordering: list, target: Target
    ) -> QuerySet:
        empty_snippet = Value("", output_field=TextField())
        scored: dict[int, float] = {}
        rows = queryset.order_by("pk").values_list("pk", *target.titles)
        needle = fold(words)
        for pk, *titles in rows[:MAX_FUZZY_TITLES]:
            titles = [t for t in titles if t]
            if any(needle in fold(t) for t in titles):
                # Scripts written without spaces (Japanese, Chinese): FTS5 sees a whole run of
                # characters as one word, so a part of it is found here.
                score = 1.0
            else:
                score = max((word_similarity(words, t) for t in titles), default=0.0)
            if score >= TITLE_SIMILARITY:
                scored[pk] = round(score, 6)
        if not scored:
            return queryset.none().annotate(rank=Value(0.0), snippet=empty_snippet)
        rank = Case(
            *(When(pk=pk, then=Value(score)) for pk, score in scored.items()),
            output_field=FloatField(),
        )
        return (
            queryset.filter(pk__in=list(scored))
            .annotate(rank=rank, snippet=empty_snippet)
            .order_by("-rank", *ordering)
        )

    @contextmanager
    def limit(self, seconds: float):
        # The first query of a thread (a live server's) may come before any connection. No
        # transaction: one would take the write lock (transaction_mode IMMEDIATE), and the
        # progress handler needs none.
        connection.ensure_connection()
        raw = connection.connection
        deadline = time.monotonic() + seconds
        raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 1000)
        try:
            yield
        finally:
            raw.set_progress_handler(None, 0)

    def is_timeout(self, exc: Exception) -> bool:
        return "interrupted" in str(exc)

    def install(self, cursor) -> None:
        sqlite_install(cursor)

    def uninstall(self, cursor) -> None:
        sqlite_uninstall(cursor)
