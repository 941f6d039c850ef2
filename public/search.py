"""Site search: one box over countries, laws and law provisions, with facets.

Countries: accent-insensitive substring match on names; laws and provisions: the full-text
engine of the API (`laws.search`: per-language stemming, accents ignored, web-search syntax,
ranked, highlighted snippets). Everything goes through `search(query)`. A fixed number of
queries, whatever the number of hits.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from laws import search as engine
from laws.models import NOT_ASSESSED, Finding, Law, LawKind, LawProvision
from treaties.models import Participation, Region, Treaty

from . import data
from .names import sort_key, state_name

PAGE_SIZE = 20
TYPES = {
    "country": gettext_lazy("Countries"),
    "law": gettext_lazy("Laws"),
    "provision": gettext_lazy("Provisions"),
}
FACET_PARAMS = (
    "type",
    "region",
    "indicator",
    "status",
    "treaty",
    "treaty_status",
    "kind",
    "decade",
)


@dataclass
class SearchQuery:
    q: str = ""
    type: str = ""
    region: Region | None = None
    indicator: object = None
    status: str = ""
    treaty: Treaty | None = None
    treaty_status: str = ""
    kind: str = ""
    decade: int | None = None
    page: str = "1"

    # The query parameters `from_params` reads (public.parameters.accepts: any other is said).
    PARAMETERS = ("q", "page", "type", "region", "indicator", "status", "treaty")
    PARAMETERS += ("treaty_status", "kind", "decade")

    @classmethod
    def from_params(cls, params) -> "SearchQuery":
        query = cls(q=params.get("q", "").strip()[:200], page=params.get("page", "1"))
        value = params.get("type", "").strip()
        if value and value not in TYPES:
            raise data.BadQuery("type", _("Unknown type: “%(value)s”.") % {"value": value})
        query.type = value
        if params.get("region"):
            query.region = data.get_region(params["region"])
        if params.get("indicator"):
            query.indicator = data.get_indicator(params["indicator"])
        value = params.get("status", "").strip()
        if value:
            if value not in data.FINDING_STATUSES:
                raise data.BadQuery("status", _("Unknown status: “%(value)s”.") % {"value": value})
            if query.indicator is None:
                raise data.BadQuery("status", _("A status needs an indicator."))
        query.status = value
        if params.get("treaty"):
            query.treaty = data.get_treaty(params["treaty"])
        value = params.get("treaty_status", "").strip()
        if value:
            if value not in data.TREATY_STATUSES:
                raise data.BadQuery(
                    "treaty_status", _("Unknown treaty status: “%(value)s”.") % {"value": value}
                )
            if query.treaty is None:
                raise data.BadQuery("treaty_status", _("A treaty status needs a treaty."))
        query.treaty_status = value
        value = params.get("kind", "").strip()
        if value and value not in LawKind.values:
            raise data.BadQuery("kind", _("Unknown kind of law: “%(value)s”.") % {"value": value})
        query.kind = value
        value = params.get("decade", "").strip()
        if value:
            if not value.isdigit() or int(value) % 10 or not 1800 <= int(value) <= 2100:
                raise data.BadQuery("decade", _("A decade is a year ending in 0, e.g. 1990."))
            query.decade = int(value)
        return query

    def params(self, **overrides) -> dict:
        values = {
            "q": self.q,
            "type": self.type,
            "region": self.region.slug if self.region else "",
            "indicator": self.indicator.slug if self.indicator else "",
            "status": self.status,
            "treaty": self.treaty.code if self.treaty else "",
            "treaty_status": self.treaty_status,
            "kind": self.kind,
            "decade": str(self.decade) if self.decade else "",
        }
        values.update(overrides)
        return {k: v for k, v in values.items() if v}

    def url(self, **overrides) -> str:
        return "?" + urlencode(self.params(**overrides))

    @property
    def active_filters(self) -> list[tuple[str, str, str]]:
        """[(parameter, shown value, url without it)]"""
        out = []
        for name in FACET_PARAMS:
            value = self.params().get(name)
            if value:
                removed = {name: ""}
                if name == "indicator":
                    removed["status"] = ""
                if name == "treaty":
                    removed["treaty_status"] = ""
                out.append((name, value, self.url(**removed)))
        return out


@dataclass
class Hit:
    type: str
    title: str
    url: str
    state: object
    detail: str = ""
    snippet: str = ""
    kind: str = ""
    year: int | None = None
    indicators: set = field(default_factory=set)
    sort: tuple = ()
    # With a query: the hit's place in the engine's order for its type (best first).
    position: int = 0


@dataclass
class SearchResult:
    hits: list
    page: object
    count: int
    facets: dict


def _words(q: str) -> list[str]:
    return [w for w in q.split() if w][:8]


def _db_match(words: list[str], fields: list[str]) -> Q:
    if not words:
        return Q()
    return reduce(
        and_, (reduce(or_, (Q(**{f"{name}__icontains": w}) for name in fields)) for w in words)
    )


TYPE_ORDER = {"country": 0, "law": 1, "provision": 2}


def _engine(function, queryset, q: str):
    """Laws or provisions matching `q` through the full-text engine (laws.search); a query it
    cannot search finds none of them. Called within `engine.time_limit()`."""
    if not q.strip():
        return list(queryset)
    try:
        return list(function(queryset, q))
    except engine.SearchQueryError:
        return []


def search(query: SearchQuery) -> SearchResult:
    """`_search` under the engine's time limit: too slow, and laws and provisions find none."""
    try:
        with engine.time_limit():
            return _search(query)
    except engine.SearchTimeout:
        return _search(query, full_text=False)


def _search(query: SearchQuery, full_text: bool = True) -> SearchResult:
    words = _words(query.q)
    keys = [sort_key(w) for w in words]
    all_states = list(data.states())
    findings = defaultdict(dict)
    for state_id, indicator_id, status in Finding.objects.published().values_list(
        "state_id", "indicator_id", "status"
    ):
        findings[state_id][indicator_id] = status
    treaty_status = defaultdict(dict)
    for p in Participation.objects.published().only(
        "state_id", "treaty_id", "signature_date", "consent_date", "withdrawal_date"
    ):
        treaty_status[p.state_id][p.treaty_id] = p.status()

    hits: list[Hit] = []
    for state in all_states:
        haystack = " ".join(
            sort_key(x) for x in (state_name(state), state.name, state.iso2, state.iso3)
        )
        if all(k in haystack for k in keys):
            name = state_name(state)
            hits.append(
                Hit(
                    type="country",
                    title=name,
                    url=reverse("public:country", args=[state.iso2.lower()]),
                    state=state,
                    detail=_(state.subregion.name),
                    indicators=set(findings[state.pk]),
                    sort=(0, sort_key(name)),
                    position=-1,
                )
            )
    law_indicators = defaultdict(set)
    for law_id, indicator_id in LawProvision.indicators.through.objects.filter(
        lawprovision__law__publication_status="published"
    ).values_list("lawprovision__law_id", "indicator_id"):
        law_indicators[law_id].add(indicator_id)
    # The API's orders (LawViewSet, ProvisionViewSet), so that ties in rank come in the same
    # order on the site as in the API.
    laws = (
        Law.objects.published()
        .select_related("state")
        .order_by("state__name", "year_enacted", "title", "pk")
    )
    found_laws = _engine(engine.search_laws, laws, query.q) if full_text else []
    for position, law in enumerate(found_laws):
        hits.append(
            Hit(
                type="law",
                title=law.title,
                url=reverse("public:law", args=[law.pk]),
                state=law.state,
                detail=f"{state_name(law.state)} · {law.citation}",
                kind=law.kind,
                year=law.year_enacted,
                indicators=law_indicators[law.pk],
                sort=(1, sort_key(state_name(law.state)), law.year_enacted or 0),
                position=position,
            )
        )
    provisions = (
        _engine(
            engine.search_provisions,
            LawProvision.objects.filter(law__publication_status="published")
            .select_related("law__state")
            .prefetch_related("indicators")
            .order_by("law__state__name", "law__title", "order", "pk"),
            query.q,
        )
        if full_text
        else []
    )
    for position, p in enumerate(provisions):
        hits.append(
            Hit(
                type="provision",
                title=f"{p.law.citation}, {p.label}",
                url=reverse("public:law", args=[p.law_id]) + f"#provision-{p.pk}",
                state=p.law.state,
                detail=" · ".join(x for x in (state_name(p.law.state), p.heading) if x),
                snippet=(
                    mark_safe(engine.snippet_html(p.snippet))  # escaped but for <mark>
                    if getattr(p, "snippet", "")
                    else (p.summary or p.text)[:240]
                ),
                kind=p.law.kind,
                year=p.law.year_enacted,
                indicators={i.pk for i in p.indicators.all()},
                sort=(2, sort_key(state_name(p.law.state)), p.law_id, p.order),
                position=position,
            )
        )

    def finding_of(hit, indicator):
        return findings[hit.state.pk].get(indicator.pk, NOT_ASSESSED)

    def treaty_of(hit, treaty):
        return treaty_status[hit.state.pk].get(treaty.pk, "no_action")

    predicates = {
        "type": (lambda h: h.type == query.type) if query.type else None,
        "region": (
            (lambda h: query.region.pk in (h.state.region_id, h.state.subregion_id))
            if query.region
            else None
        ),
        "indicator": (
            (
                lambda h: (
                    finding_of(h, query.indicator) == query.status
                    if query.status
                    else (query.indicator.pk in h.indicators)
                )
            )
            if query.indicator
            else None
        ),
        "treaty": (
            (lambda h: treaty_of(h, query.treaty) == query.treaty_status)
            if query.treaty and query.treaty_status
            else None
        ),
        "kind": (lambda h: h.kind == query.kind) if query.kind else None,
        "decade": (
            (lambda h: h.year is not None and h.year // 10 * 10 == query.decade)
            if query.decade
            else None
        ),
    }

    def matching(excluding: str | None = None) -> list[Hit]:
        active = [fn for name, fn in predicates.items() if fn and name != excluding]
        return [h for h in hits if all(fn(h) for fn in active)]

    results = matching()
    if query.q.strip():
        # Relevance order, as in the API: laws and provisions each in the engine's rank order
        # (the API's), the two lists taken in turn (ranks of laws and of provisions are not on
        # one scale: the best law, the best provision, the second law, ...); countries matched
        # by name first.
        results.sort(key=lambda h: (h.position, TYPE_ORDER[h.type]))
    else:
        results.sort(key=lambda h: h.sort)
    facets = _facets(query, matching, finding_of, treaty_of)
    page = Paginator(results, PAGE_SIZE).get_page(query.page)
    return SearchResult(hits=results, page=page, count=len(results), facets=facets)


def _facets(query, matching, finding_of, treaty_of) -> dict:
    regions = list(Region.objects.filter(parent__isnull=True))
    indicators = list(data.indicators())
    treaties = list(Treaty.objects.all())
    base = matching("type")
    type_counts = Counter(h.type for h in base)
    base = matching("region")
    region_counts = Counter(h.state.region_id for h in base)
    base = matching("indicator")
    indicator_counts = Counter(i for h in base for i in h.indicators)
    status_counts = (
        Counter(finding_of(h, query.indicator) for h in base) if query.indicator else Counter()
    )
    base = matching("treaty")
    treaty_counts = {t.pk: Counter(treaty_of(h, t) for h in base) for t in treaties}
    base = matching("kind")
    kind_counts = Counter(h.kind for h in base if h.kind)
    base = matching("decade")
    decade_counts = Counter(h.year // 10 * 10 for h in base if h.year)
    finding_labels, treaty_labels = data.finding_labels(), data.treaty_labels()
    return {
        "type": [
            (k, label, type_counts[k], query.url(type=k, page="")) for k, label in TYPES.items()
        ],
        "region": [
            (r.slug, _(r.name), region_counts[r.pk], query.url(region=r.slug)) for r in regions
        ],
        "indicator": [
            (i.slug, _(i.name), indicator_counts[i.pk], query.url(indicator=i.slug, status=""))
            for i in indicators
        ],
        "status": [
            (s, finding_labels[s], status_counts[s], query.url(status=s))
            for s in data.FINDING_STATUSES
        ]
        if query.indicator
        else [],
        "treaty": [
            (
                t,
                [
                    (
                        s,
                        treaty_labels[s],
                        treaty_counts[t.pk][s],
                        query.url(treaty=t.code, treaty_status=s),
                    )
                    for s in data.TREATY_STATUSES
                ],
            )
            for t in treaties
        ],
        "kind": [(k, label, kind_counts[k], query.url(kind=k)) for k, label in LawKind.choices],
        "decade": [
            (d, f"{d}–{d + 9}", decade_counts[d], query.url(decade=str(d)))
            for d in sorted(decade_counts)
        ],
    }
