"""Running a search, the same on every engine: parse and widen the query, read the ids of at
most `MAX_CANDIDATES` matches (one query, which also tells whether anything matched and how
many), then rank and cut snippets for those only; when nothing matched, the typo fallbacks
(vocabulary terms within a typo, then similar titles).

The queryset a search returns carries its `SearchPlan`: what a caller needs to run the same
search again as SQL of its own (the laws list keeps it per query string and data version,
laws/api/law_search.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet, Value

from laws.search.engines import engine
from laws.search.engines.base import LAWS, MAX_CANDIDATES, PROVISIONS, Target
from laws.search.query import parse
from laws.search.vocabulary import widen


def _candidate_ids(queryset: QuerySet, condition) -> QuerySet:
    return queryset.filter(condition).order_by().values_list("pk", flat=True)[:MAX_CANDIDATES]


def _candidates(queryset: QuerySet, condition) -> list[int]:
    return list(_candidate_ids(queryset, condition))


@dataclass(frozen=True)
class SearchPlan:
    """How a search's answer was found, for running it again without parsing, widening or
    building it: `candidates`, the ids query of the stage that matched (None: the typo fallback
    on titles, `queryset` then holds the whole answer), and `ranked(among)`, the filtered
    queryset restricted by `among` (a filter keeping the candidates), ranked and with snippets,
    best first."""

    candidates: QuerySet | None
    ranked: Callable[[object], QuerySet] | None
    titles: bool = False


def _search(queryset: QuerySet, text: str, target: Target) -> QuerySet:
    current = engine()
    parsed = parse(text)
    widened = widen(parsed)
    condition, rank, snippet = current.expressions(widened, target)
    ordering = list(queryset.query.order_by or ())
    # Rank at most MAX_CANDIDATES matches: a very common word must not rank the whole table.
    # Their ids are read first, in one query that also tells whether anything matched (the typo
    # fallback) and how many (the count): the full-text match runs once, not once per query.
    candidates = _candidates(queryset, condition)
    searched = widened
    if not candidates:
        # Typos: a word within a typo of a vocabulary term is read as that term; failing
        # that, records whose title (a provision: heading, or its law's title) is close.
        typo = widen(parsed, typo=True)
        if typo != widened:
            condition, rank, snippet = current.expressions(typo, target)
            candidates = _candidates(queryset, condition)
            searched = typo
        if not candidates:
            words = " ".join(parsed.positive_words)
            similar = current.similar_titles(queryset, words, ordering, target)
            return _counted(similar, None, SearchPlan(candidates=None, ranked=None, titles=True))
    if searched != parsed:
        # The words typed first, their equivalents of the vocabulary (other languages, other
        # forms) after: a row matching the query as typed ranks 1 + its rank for it; the rank
        # for the widened query, mapped into [0, 0.5), orders the rest and breaks ties.
        rank = current.rank(parsed, target, matched=1.0) + rank * Value(0.5) / (rank + Value(1.0))

    def ranked(among) -> QuerySet:
        ranks = queryset.filter(among).annotate(rank=rank, snippet=snippet)
        return ranks.order_by("-rank", *ordering)

    plan = SearchPlan(candidates=_candidate_ids(queryset, condition), ranked=ranked)
    return _counted(ranked(current.among(candidates)), len(candidates), plan)


class _CountedQuerySet(QuerySet):
    """A queryset whose count is already known (the paginator asks it first), and the plan of
    the search that made it; any derived queryset counts again, and has no plan (it is not
    the search's answer any more)."""

    known_count: int | None = None
    search_plan: SearchPlan | None = None

    def count(self):
        if self.known_count is not None:
            return self.known_count
        return super().count()

    def _clone(self):
        clone = super()._clone()
        clone.known_count = None
        clone.search_plan = None
        return clone


_counted_classes: dict[type, type] = {}


def _counted(queryset: QuerySet, count: int | None, plan: SearchPlan) -> QuerySet:
    base = type(queryset)
    if base not in _counted_classes:
        _counted_classes[base] = type(f"Counted{base.__name__}", (_CountedQuerySet, base), {})
    counted = queryset._clone()
    counted.__class__ = _counted_classes[base]
    counted.known_count = count
    counted.search_plan = plan
    return counted


def search_laws(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` (of Law) restricted to laws matching `text`, best first, annotated with
    `rank` (higher is better; comparable within one result only) and `snippet` (raw: pass it
    through `snippet_html`). Titles, original titles, citations and full texts are searched;
    when nothing matches, titles close to the query (typos) are returned, with an empty snippet.
    """
    return _search(queryset, text, LAWS)


def search_provisions(queryset: QuerySet, text: str) -> QuerySet:
    """`queryset` (of LawProvision) restricted to provisions whose label, heading, summary or
    text matches, best first, annotated with `rank` and `snippet` like `search_laws`."""
    return _search(queryset, text, PROVISIONS)
