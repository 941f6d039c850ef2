"""The laws list with `q` (`/api/v1/laws/?q=...`, JSON): a search seen before under the same
data version runs as one statement kept for its query string, the rows turned into the
response directly.

The first time (and after any edit to public data), the search runs as it always has: the
filters, the query parsed and widened, the candidates read, ranked and cut into snippets by
the ORM (`laws.search`), the serializer. Its plan (`laws.search.run.SearchPlan`) is then compiled
once into one statement for the page asked: the candidates' ids query of the stage that matched
(as typed, or read through the typo vocabulary) as a common table expression, and the page of
those laws ranked, with snippets and the number of candidates (the count); for the typo
fallback on titles, its page with a window count. That statement is kept per query string and
data version (`hotpath.compiled.CompiledQueries`, as the countries list and the country detail
do); a repeat runs it on fresh rows, with no parsing, widening or query building, under the
same time limit. Parsing, vocabulary and validation only change with the data version, so
a kept query string is one that answered 200 before under this version: bad input is never
kept, and answers as it always has. tests/api/test_law_search_kept.py holds the two answers
equal, byte for byte.
"""

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Count, Window
from rest_framework.response import Response

from core.api.pagination import FetchedPage
from hotpath.compiled import CompiledQueries, kept_cursor
from laws.models import Law
from laws.search.engines import engine

from .serializers import LAW_LIST_COLUMNS, law_list_item
from .timelimit import search_time_limit

law_searches = CompiledQueries()


class KeptSearch:
    """One statement for a page of a search: its rows are `LAW_LIST_COLUMNS` and the count
    (no statement: nothing can match)."""

    __slots__ = ("sql", "params", "titles")

    def __init__(self, sql: str, params: tuple, titles: bool):
        self.sql, self.params, self.titles = sql, params, titles


def _compiled(queryset) -> tuple[str, tuple]:
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def kept_search(searched, offset: int, size: int) -> KeptSearch | None:
    """The statement for the page at `offset` of the search that made `searched` (the queryset
    `laws.search.search_laws` returned, through the filters); None when it has no plan (a
    queryset derived from it) or can match nothing."""
    plan = getattr(searched, "search_plan", None)
    current = engine(connections[searched.db])
    if plan is None or current is None:
        return None
    if plan.titles and searched.query.is_empty():
        return KeptSearch("", (), titles=True)  # no title close enough (SQLite's, in Python)
    try:
        if plan.titles:
            page = searched.annotate(_total=Window(Count("pk")))
            sql, params = _compiled(
                page.values_list(*LAW_LIST_COLUMNS, "_total")[offset : offset + size]
            )
        else:
            page = (
                plan.ranked(current.kept_among())
                .annotate(_total=current.kept_total())
                .values_list(*LAW_LIST_COLUMNS, "_total")[offset : offset + size]
            )
            sql, params = current.with_candidates(_compiled(plan.candidates), _compiled(page))
    except EmptyResultSet:  # a filter that matches nothing
        return None
    sql, params = current.kept_statement(sql, tuple(params), searched.db)
    return KeptSearch(sql, params, plan.titles)


def search_page(view, request) -> Response:
    """The JSON answer of the laws list with `q`; the search's statements run under its time
    limit (a 503 when too slow), the first time as from the kept statement."""
    alias = router.db_for_read(Law)
    key = (request.META.get("QUERY_STRING", ""), alias)
    kept = law_searches.lookup(key)  # the data version's stamp: outside the time limit
    with search_time_limit():
        if kept is not None:
            response = _from_kept(view, kept, alias)
            if response is not None:
                return response
        queryset = view.filter_queryset(view.get_queryset())
        page = view.paginate_queryset(queryset)
        response = view.get_paginated_response(view.get_serializer(page, many=True).data)
    number, size = view.paginator.page.number, view.paginator.page.paginator.per_page
    law_searches.keep(key, kept_search(queryset, (number - 1) * size, size))
    return response


def _from_kept(view, kept: KeptSearch, alias: str) -> Response | None:
    connection = connections[alias]
    if kept.titles:
        engine(connection).prepare_similar_titles()
    rows = []
    if kept.sql:
        with kept_cursor(connection) as cursor:  # prepared on PostgreSQL: planned once
            cursor.execute(kept.sql, kept.params or None)
            rows = cursor.fetchall()
    number = view.paginator.get_page_number(view.request, None)
    if not rows and (number != 1 or not kept.titles):
        # No candidate any more, or a page past the end: never under one data version (an
        # edit changes it); the search runs again from the start and answers.
        return None
    page = view.paginate_queryset(
        FetchedPage([row[:-1] for row in rows], rows[0][-1] if rows else 0)
    )
    context = view.get_serializer_context()
    return view.get_paginated_response([law_list_item(context, row) for row in page])
