"""What every search engine provides (`Engine`), the tables searched (`Target`), and the SQL
expression the engines write over a queryset's own table (`TableSQL`).

An engine answers for one database vendor: how a parsed query becomes a match condition, a
rank and a snippet; how the candidate ids are re-selected; the typo fallback on titles; the
time limit; and the database objects it needs (install/uninstall). `laws.search.run` holds
what is the same for every engine (candidates, counting, the order of fallbacks)."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass

from django.db.models import BooleanField, Expression, F, IntegerField, QuerySet

from laws.search.query import ParsedQuery

# At most this many matches are ranked, so a very common word stays fast.
MAX_CANDIDATES = 1000
# The name of the candidates' ids in a search run again as one statement (`with_candidates`).
CANDIDATES = "crin_candidates"


@dataclass(frozen=True)
class Target:
    """A table searched: its name, and the fields a typo is compared with (Django lookups)."""

    table: str
    titles: tuple[str, ...]


LAWS = Target(table="laws_law", titles=("title", "title_original"))
PROVISIONS = Target(
    table="laws_lawprovision", titles=("heading", "law__title", "law__title_original")
)


class TableSQL(Expression):
    """SQL over the columns of the queryset's own table: `{t}` stands for the table's alias in
    the query that compiles it (Django renames tables inside subqueries)."""

    def __init__(self, sql: str, params, output_field):
        super().__init__(output_field=output_field)
        self.sql, self.params = sql, list(params)
        self.pk = F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        pk_sql, _ = compiler.compile(self.pk)
        return self.sql.format(t=pk_sql.rsplit(".", 1)[0]), list(self.params)


class Engine:
    """The interface of a search engine (one per database vendor)."""

    vendor: str

    def expressions(self, parsed: ParsedQuery, target: Target) -> tuple:
        """(condition, rank, snippet): expressions over the target's table; rank higher is
        better; the snippet raw, with MARK_START/MARK_END around matches."""
        raise NotImplementedError

    def rank(self, parsed: ParsedQuery, target: Target, matched: float = 0.0):
        """How well a row matches `parsed` (higher is better), plus `matched` when it matches
        at all; 0 when it does not."""
        raise NotImplementedError

    def among(self, ids: list[int]):
        """A filter keeping the rows whose id is in `ids` (the candidates)."""
        raise NotImplementedError

    def with_candidates(self, candidates: tuple[str, tuple], page: tuple[str, tuple]):
        """One statement (SQL, params): the candidates' ids query as `crin_candidates`, then a
        page query filtered by `kept_among()` (and counting with `kept_total()`)."""
        (candidates_sql, candidates_params), (sql, params) = candidates, page
        return (
            f"WITH {CANDIDATES}(id) AS ({candidates_sql}) {sql}",
            (*candidates_params, *params),
        )

    def kept_statement(self, sql: str, params: tuple, using: str) -> tuple[str, tuple]:
        """A kept statement as it is stored and run again (`laws.api.law_search`): as is here."""
        return sql, params

    def kept_among(self):
        """`among` for `with_candidates`: the rows whose id is one of `crin_candidates`."""
        return TableSQL(f"{{t}}.id IN (SELECT id FROM {CANDIDATES})", [], BooleanField())

    def kept_total(self):
        """How many candidates there are, as a column of the page query (`with_candidates`)."""
        return TableSQL(f"(SELECT count(*) FROM {CANDIDATES})", [], IntegerField())

    def prepare_similar_titles(self) -> None:
        """What the typo fallback on titles needs set before its query runs (nothing here)."""

    def similar_titles(
        self, queryset: QuerySet, words: str, ordering: list, target: Target
    ) -> QuerySet:
        """The typo fallback: rows whose titles are close to `words`, annotated with `rank`
        (the similarity) and an empty `snippet`, best first."""
        raise NotImplementedError

    def limit(self, seconds: float) -> AbstractContextManager:
        """A block whose queries are cancelled after `seconds` (an OperationalError)."""
        raise NotImplementedError

    def is_timeout(self, exc: Exception) -> bool:
        raise NotImplementedError

    def install(self, cursor) -> None:
        """Create (or bring up to date) the engine's database objects. Idempotent."""
        raise NotImplementedError

    def uninstall(self, cursor) -> None:
        raise NotImplementedError
