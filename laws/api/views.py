"""Public read-only endpoints of the national layer — laws, indicators, findings — and the
country resource, which joins both layers (it lives here because `treaties` never imports
from `laws`)."""

import functools
from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    Window,
)
from django.db.models.functions import Coalesce
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.api.pagination import AsOfPagination, FetchedPage
from core.api.views import PublicListViewSet, PublicReadOnlyViewSet
from core.publication import PublicationStatus
from hotpath.cache import versioned
from hotpath.compiled import CompiledQueries, kept_cursor
from laws.models import (
    NOT_ASSESSED,
    Finding,
    Indicator,
    IndicatorBasis,
    Law,
    LawProvision,
    Source,
)
from laws.timeline import holding, with_period
from treaties.models import (
    Objection,
    Participation,
    ParticipationStatus,
    State,
    status_expression,
)

from .compact import (
    attach_evidence,
    attach_reservations,
    indicators_with_topics,
    with_evidence,
    with_reservations,
)
from .country_detail import country_detail
from .filters import (
    CountryFilterSet,
    FindingFilterSet,
    IndicatorFilterSet,
    LawFilterSet,
    undated_states,
)
from .law_search import search_page
from .serializers import (
    LAW_PAGE_COLUMNS,
    NO_SNIPPET,
    CountryDetailSerializer,
    CountrySummarySerializer,
    FindingSerializer,
    IndicatorSerializer,
    LawDetailSerializer,
    LawListSerializer,
    law_list_item,
)
from .timelimit import SearchTimeLimitMixin, searching
from .vocabulary import indicator_ids, indicators_in_order, treaty_ids

PUBLISHED = PublicationStatus.PUBLISHED


def published_evidence_prefetch():
    """Evidence restricted to provisions of published laws: a draft law never shows."""
    return Prefetch(
        "evidence",
        queryset=LawProvision.objects.filter(law__publication_status=PUBLISHED)
        .select_related("law__jurisdiction", "source")
        .order_by("law__title", "order", "pk"),
        to_attr="published_evidence",
    )


def with_status_summary(states):
    """Each state's status under every treaty and its answer for every indicator, as
    correlated subqueries of the one query that lists the states (no query per row, no extra
    query per page). Annotated as `ts_<treaty pk>` and `fs_<indicator pk>`."""
    status = status_expression()
    annotations = {}
    for pk, _code in treaty_ids():
        participation = Participation.objects.published().filter(state=OuterRef("pk"), treaty_id=pk)
        annotations[f"ts_{pk}"] = Coalesce(
            Subquery(participation.annotate(s=status).values("s")[:1]),
            Value(ParticipationStatus.NO_ACTION.value),
        )
    for pk, _slug in indicator_ids():
        finding = Finding.objects.published().filter(state=OuterRef("pk"), indicator_id=pk)
        annotations[f"fs_{pk}"] = Coalesce(
            Subquery(finding.values("status")[:1]), Value(NOT_ASSESSED)
        )
    return states.annotate(**annotations)


@versioned
def published_law_ids() -> list[int]:
    """Every published law's id in the list's order (LawViewSet.queryset)."""
    return list(LawViewSet.queryset.values_list("pk", flat=True))


def status_union():
    """Every published participation's status (`treaties.models.status_expression`, the one
    definition) and every published finding's status, as rows (state, 0 or 1, treaty or
    indicator, status)."""
    participations = (
        Participation.objects.published()
        .order_by()
        .values_list("state_id", Value(0), "treaty_id", status_expression())
    )
    findings = (
        Finding.objects.published()
        .order_by()
        .values_list("state_id", Value(1), "indicator_id", "status")
    )
    return participations.union(findings, all=True).order_by()


@functools.cache
def status_sql(alias: str) -> tuple[str, tuple]:
    """`status_union()` compiled to SQL once per process and database: generated from the
    ORM's definition, never written by hand (tests/treaties/test_party_status.py)."""
    query = status_union().query
    return query.get_compiler(using=alias).as_sql()


@versioned
def status_maps() -> tuple[dict[int, tuple[dict, dict]], tuple[dict, dict]]:
    """Every state's statuses as the countries list shows them, ({state pk: ({treaty code:
    status}, {indicator slug: finding status})}, the pair for a state with neither), every
    treaty and indicator in order, absent ones no action and not assessed. Per process and data
    version; the dicts are shared by every response until the next edit (read-only)."""
    treaties, indicators = treaty_ids(), indicator_ids()
    no_action, not_assessed = ParticipationStatus.NO_ACTION.value, NOT_ASSESSED

    def maps(treaty_status: dict, finding_status: dict) -> tuple[dict, dict]:
        return (
            {code: treaty_status.get(t, no_action) for t, code in treaties},
            {slug: finding_status.get(i, not_assessed) for i, slug in indicators},
        )

    by_state = {pk: maps(*pair) for pk, pair in all_statuses().items()}
    return by_state, maps({}, {})


def all_statuses() -> dict[int, tuple[dict, dict]]:
    """Every state's statuses, {state pk: ({treaty pk: status}, {indicator pk: finding
    status})}, from published participation and findings (absent: no action, not assessed):
    one query (a few thousand rows), run once per process and data version by `status_maps`.
    The stamp changes with any edit, so a page never shows stale statuses. The SQL is compiled
    from the ORM once per process (`status_sql`): compiling the union on every call cost more
    than running it."""
    alias = router.db_for_read(Finding)
    out: dict[int, tuple[dict, dict]] = {}
    with connections[alias].cursor() as cursor:
        cursor.execute(*status_sql(alias))
        for state_id, kind, key, value in cursor.fetchall():
            out.setdefault(state_id, ({}, {}))[kind][key] = value
    return out


def page_query(states, offset: int, limit: int):
    """`states` (a values_list) cut at offset/limit, each row ending with the total count of the
    filtered rows (a window count: one query for the page and the count; no row, no count)."""
    return states.annotate(_total=Window(Count("pk")))[offset : offset + limit]


def split_total(rows: list[tuple]) -> tuple[list[tuple], int]:
    return [row[:-1] for row in rows], (rows[0][-1] if rows else 0)


country_pages = CompiledQueries()


@dataclass
class NotAssessed:
    """The answer for a state and indicator without a published finding (DOMAIN rule 2)."""

    state: State
    indicator: Indicator
    status: str = NOT_ASSESSED
    note: str = ""
    evidence_citation: str = ""
    published_evidence: list = field(default_factory=list)
    checked_list: list = field(default_factory=list)
    verified: bool = False
    verification_source: str = ""
    effective_from: None = None
    effective_to: None = None
    period_from: None = None
    period_to: None = None
    dated: bool = False
    known_from: None = None


class CountryViewSet(PublicReadOnlyViewSet):
    """States (countries), keyed by ISO 3166-1 alpha-2 (case-insensitive in the URL)."""

    queryset = State.objects.select_related("region", "subregion").order_by("name", "iso2")
    filterset_class = CountryFilterSet
    pagination_class = AsOfPagination
    list_serializer_class = CountrySummarySerializer
    detail_serializer_class = CountryDetailSerializer
    lookup_field = "iso2"
    lookup_value_regex = "[A-Za-z]{2}"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list" and not self.lean:
            # Django leaves these unused annotations out of the pagination's count query.
            queryset = with_status_summary(queryset)
        return queryset

    lean = False

    def list(self, request, *args, **kwargs):
        """JSON: one query (the page's states as plain rows with the total count,
        `page_query`), the statuses from memory (`status_maps`, per data version), and
        dicts built here, no serializer per row; the CSV keeps the serializer (it flattens the
        same fields)."""
        if request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        self.lean = True
        size = self.paginator.get_page_size(request)
        number = self.paginator.get_page_number(request, None)
        offset = (number - 1) * size
        # One query: the page and the total (a page beyond the last one has no row to carry
        # the total: the paginator counts, and answers the 404). Its SQL is compiled once per
        # query string and data version (`country_pages`).
        alias = router.db_for_read(State)
        compiled = country_pages.get(
            (request.META.get("QUERY_STRING", ""), alias),
            lambda: page_query(self.country_rows(), offset, size),
        )
        rows, total = [], 0
        if compiled is not None:
            with kept_cursor(connections[alias]) as cursor:
                cursor.execute(*compiled)
                rows, total = split_total(cursor.fetchall())
        statuses, neither = status_maps()
        page = self.paginate_queryset(
            FetchedPage(rows, total) if rows or number == 1 else self.country_rows()
        )
        url = reverse("country-detail", kwargs={"iso2": "ZZ"}, request=request)
        head, tail = url.rsplit("ZZ", 1)
        results = []
        for pk, iso2, iso3, m49, name, r_slug, r_name, s_slug, s_name, un_status in page:
            treaty_status, finding_status = statuses.get(pk, neither)
            results.append(
                {
                    "iso2": iso2,
                    "iso3": iso3,
                    "iso_numeric": m49,
                    "name": name,
                    "region": {"slug": r_slug, "name": r_name},
                    "subregion": None if s_slug is None else {"slug": s_slug, "name": s_name},
                    "un_status": un_status,
                    "url": f"{head}{iso2}{tail}",
                    "treaty_status": treaty_status,
                    "finding_status": finding_status,
                }
            )
        return self.with_undated(self.get_paginated_response(results))

    def with_undated(self, response):
        """With `as_of`: the states whose place in the answer turns on an undated finding (it
        holds now; whether it held on that day is not known), so that none is read as a 'no'."""
        if not self.request.query_params.get("as_of") or response.status_code != 200:
            return response

        changed = undated_states(self.request.query_params, request=self.request)
        response.data["undated"] = {"count": len(changed), "countries": changed}
        return response

    def country_rows(self):
        return self.filter_queryset(self.get_queryset()).values_list(
            "pk",
            "iso2",
            "iso3",
            "m49",
            "name",
            "region__slug",
            "region__name",
            "subregion__slug",
            "subregion__name",
            "un_status",
        )

    def retrieve(self, request, *args, **kwargs):
        """JSON: four queries compiled once per state and data version, the response built
        from their rows (laws/api/country_detail.py, held equal to the serializer's by tests);
        any other format through `get_object` and the serializer."""
        if request.accepted_renderer.format != "json":
            return super().retrieve(request, *args, **kwargs)
        data = country_detail(self.kwargs["iso2"].upper(), self.get_serializer_context())
        if data is None:
            raise NotFound(f"No {State._meta.verbose_name} matches the given key.")
        return Response(data)

    def get_object(self):
        state = self.get_object_or_404(self.get_queryset(), iso2=self.kwargs["iso2"].upper())
        # Four queries whatever the number of laws: state, participations (reservations as
        # JSON), objections, findings (evidence as JSON); indicators are memoised (compact.py).
        participations = list(
            with_reservations(Participation.objects.published())
            .filter(state=state)
            .select_related("treaty")
            .order_by("treaty__order", "treaty__code")
        )
        attach_reservations(participations)
        objections: dict[int, list[Objection]] = {}
        for objection in (
            Objection.objects.filter(objecting_state=state)
            .select_related("reserving_state")
            .order_by("treaty_id", "order", "pk")
        ):
            objections.setdefault(objection.treaty_id, []).append(objection)
        for participation in participations:
            participation.objections_made = objections.get(participation.treaty_id, [])
        findings = {
            finding.indicator_id: finding
            for finding in with_evidence(Finding.objects.published()).filter(state=state)
        }
        attach_evidence(findings.values())
        state.published_participations = participations
        state.all_findings = []
        for indicator in indicators_with_topics():
            finding = findings.get(indicator.pk)
            if finding is None:
                finding = NotAssessed(state=state, indicator=indicator)
            else:
                finding.indicator = indicator  # already loaded, with its topic
            state.all_findings.append(finding)
        return state


class LawViewSet(SearchTimeLimitMixin, PublicReadOnlyViewSet):
    """Published national laws; the detail has their provisions and what each bears on."""

    queryset = (
        Law.objects.published()
        .select_related("state", "jurisdiction")
        .order_by("state__name", "year_enacted", "title", "pk")
    )
    filterset_class = LawFilterSet
    list_serializer_class = LawListSerializer
    detail_serializer_class = LawDetailSerializer
    lookup_value_regex = "[0-9]{1,18}"

    def list(self, request, *args, **kwargs):
        """With `q` (JSON): a search seen before under this data version runs as one statement
        kept for its query string (`law_search.search_page`).

        Unfiltered (only `page`, `page_size`, `format=json`): pages cut from the ordered ids
        of every published law, sorted once per process and data version
        (`published_law_ids`), then one primary-key query for the page's rows. A deep page
        then costs what page 1 costs, instead of a sort of every law down to its offset; any
        edit changes the stamp, so the order is never stale."""
        json = request.accepted_renderer.format == "json"
        if json and not self.format_kwarg and searching(request):
            # A search seen before under this data version: one kept statement (law_search.py).
            return search_page(self, request)
        if set(request.query_params) - {"page", "page_size", "format"} or not json:
            return super().list(request, *args, **kwargs)
        ids = published_law_ids()
        page = self.paginate_queryset(ids)
        # The page's values, not model instances (a law and its state each): each row becomes
        # its item as a search's rows do (`law_list_item`, held equal to DRF's walk by tests).
        chosen = self.get_queryset().order_by().filter(pk__in=page)
        values = {row[0]: row for row in chosen.values_list(*LAW_PAGE_COLUMNS)}
        context = self.get_serializer_context()
        return self.get_paginated_response(
            [law_list_item(context, (*values[pk], None, NO_SNIPPET)) for pk in page if pk in values]
        )

    def get_object(self):
        published_laws = Law.objects.published().order_by("title", "pk")
        sources = [f"{name}_source" for name in ("date_adopted", "date_in_force", "date_repealed")]
        queryset = (
            self.get_queryset()
            .select_related(*sources)
            .prefetch_related(
                Prefetch(
                    "provisions",
                    queryset=LawProvision.objects.order_by("order", "pk")
                    .select_related(
                        "source", "text_en_source", "in_force_from_source", "in_force_to_source"
                    )
                    .prefetch_related(
                        Prefetch("indicators", queryset=Indicator.objects.order_by("order", "slug"))
                    ),
                ),
                Prefetch("amends", queryset=published_laws, to_attr="published_amends"),
                Prefetch("amended_by", queryset=published_laws, to_attr="published_amended_by"),
            )
        )
        return self.get_object_or_404(queryset, pk=int(self.kwargs["pk"]))


class IndicatorViewSet(PublicReadOnlyViewSet):
    """Topics' indicators, each with the treaty provisions behind it."""

    queryset = indicators_in_order().prefetch_related(
        Prefetch(
            "bases",
            queryset=IndicatorBasis.objects.select_related("provision__treaty").order_by(
                "provision__treaty__order", "provision__order", "provision__slug"
            ),
        )
    )
    filterset_class = IndicatorFilterSet
    list_serializer_class = IndicatorSerializer
    detail_serializer_class = IndicatorSerializer
    lookup_field = "slug"
    lookup_value_regex = "[A-Za-z0-9_-]{1,60}"

    def get_object(self):
        return self.get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"].lower())


class FindingViewSet(PublicListViewSet):
    """Published findings. With `status=not_assessed`, the (state, indicator) pairs that have
    no published finding, each rendered as a row with that status and empty evidence.

    No detail route: a finding is addressed by its country and indicator (country detail)."""

    queryset = (
        with_period(Finding.objects.published())
        .select_related("state", "indicator__topic")
        .prefetch_related(
            published_evidence_prefetch(),
            Prefetch(
                "checked_sources", queryset=Source.objects.order_by("url"), to_attr="checked_list"
            ),
        )
        .order_by(
            "state__name",
            "state__iso2",
            "indicator__topic__order",
            "indicator__order",
            "indicator__slug",
        )
    )
    filterset_class = FindingFilterSet
    pagination_class = AsOfPagination
    list_serializer_class = FindingSerializer

    def list(self, request, *args, **kwargs):
        filterset = self.filterset_class(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        data = filterset.validated_data()
        if data.get("status") != NOT_ASSESSED:
            response = super().list(request, *args, **kwargs)
            if data.get("as_of") and isinstance(response.data, dict):
                # The findings that hold now but have no known start: not counted at `as_of`.
                again = self.filterset_class(
                    request.query_params, queryset=self.get_queryset(), request=request
                )
                again.undated_hold = True
                left_out = again.qs.filter(dated=False)
                response.data["undated"] = {
                    "count": left_out.count(),
                    "countries": sorted(set(left_out.values_list("state__iso2", flat=True))),
                }
            return response
        pairs = self.not_assessed_pairs(data)
        page = self.paginate_queryset(pairs)
        serializer = self.get_serializer(page, many=True)
        response = self.get_paginated_response(serializer.data)
        if data.get("as_of"):
            still = {
                (pair.state.pk, pair.indicator.pk)
                for pair in self.not_assessed_pairs(data, undated_hold=True)
            }
            taken_in = [p for p in pairs if (p.state.pk, p.indicator.pk) not in still]
            response.data["undated"] = {
                "count": len(taken_in),
                "countries": sorted({pair.state.iso2 for pair in taken_in}),
            }
        return response

    def not_assessed_pairs(self, data, *, undated_hold=False) -> "list[NotAssessed]":
        """Every (state, indicator) pair of the filtered states and indicators without a
        published finding, in the order of the findings list.

        Built in Python from three queries (states, indicators, assessed pairs): the
        cross product is at most a few hundred states by a few dozen indicators, so the
        count and every page are exact at a constant number of queries.
        """
        states = State.objects.order_by("name", "iso2")
        if data.get("country"):
            states = states.filter(iso2__in=data["country"])
        if data.get("region"):
            states = states.filter(
                Q(region__slug__in=data["region"]) | Q(subregion__slug__in=data["region"])
            )
        indicators = indicators_in_order()
        if data.get("indicator"):
            indicators = indicators.filter(slug__in=data["indicator"])
        assessed = set(
            holding(Finding.objects.published(), data.get("as_of"), undated_hold=undated_hold)
            .filter(state__in=states.values("pk"), indicator__in=indicators.values("pk"))
            .values_list("state_id", "indicator_id")
        )
        return [
            NotAssessed(state=state, indicator=indicator)
            for state in states
            for indicator in indicators
            if (state.pk, indicator.pk) not in assessed
        ]
