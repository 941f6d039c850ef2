"""Filters of the national layer, and of the country resource (which answers from both layers)."""

import django_filters
from django.db.models import Q
from rest_framework.exceptions import ValidationError

from core.api.filters import (
    AsOfFilter,
    CodeListField,
    CodeListFilter,
    StrictChoiceFilter,
    StrictFilterSet,
    YearFilter,
    invalid,
)
from core.publication import PublicationStatus
from laws import search
from laws.models import (
    NOT_ASSESSED,
    Finding,
    FindingStatus,
    Indicator,
    Law,
    LawKind,
    LawProvision,
    LawStatus,
)
from laws.timeline import holding
from treaties.api.filters import (
    SLUG_PATTERN,
    TREATY_HINT,
    country_filter,
    published_participations,
    region_filter,
    subregion_slugs,
    treaty_codes,
)
from treaties.models import Participation, State, UNStatus

INDICATOR_HINT = "Use indicator slugs listed at /api/v1/indicators/"


def search_or_400(engine, queryset, text: str):
    """Run a search engine function; a query it cannot search is a 400 naming `q`."""
    if not text.strip():
        return queryset
    try:
        return engine(queryset, text)
    except search.SearchQueryError as exc:
        raise ValidationError({"q": [str(exc)]}) from exc


FINDING_STATUS_VALUES = [*FindingStatus.values, NOT_ASSESSED]


def indicator_slugs():
    return Indicator.objects.values_list("slug", flat=True)


def topic_slugs():
    return Indicator.objects.values_list("topic__slug", flat=True)


def published_findings():
    return Finding.objects.filter(publication_status=PublicationStatus.PUBLISHED)


def indicator_filter(**kwargs) -> CodeListFilter:
    return CodeListFilter(
        vocabulary=indicator_slugs, hint=INDICATOR_HINT, pattern=SLUG_PATTERN, **kwargs
    )


class LawFilterSet(StrictFilterSet):
    country = country_filter()
    indicator = indicator_filter(
        method="filter_indicator",
        help_text="Laws with a provision bearing on this indicator (several: any of them).",
    )
    status = StrictChoiceFilter(choices=LawStatus.choices, field_name="status")
    kind = StrictChoiceFilter(choices=LawKind.choices, field_name="kind")
    year_min = YearFilter(
        field_name="year_enacted",
        lookup_expr="gte",
        help_text="Enacted in or after this year. Not greater than `year_max` (a 400 otherwise).",
    )
    year_max = YearFilter(
        field_name="year_enacted",
        lookup_expr="lte",
        help_text="Enacted in or before this year. Not less than `year_min` (a 400 otherwise).",
    )
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Full-text search of titles (English and original), citations and full texts, "
        "and of the laws' provisions (labels, headings, summaries, texts original and English), "
        'in web-search syntax: words (all must match), `"a phrase"`, `OR`, `-word` to exclude; '
        "accents and case ignored, each law stemmed in its own language; a legal term of the "
        "vocabulary (data/search/vocabulary.csv) finds its equivalents in other languages. "
        "Results come best "
        "first with `rank` and a `snippet`; when nothing matches, titles close to the words "
        "(typos) are returned. See docs/SEARCH_AND_TIME.md.",
    )

    constraints = ["`year_min` <= `year_max`"]

    class Meta:
        model = Law
        fields: list[str] = []

    def filter_indicator(self, queryset, name, value):
        laws = LawProvision.objects.filter(indicators__slug__in=value).values("law_id")
        return queryset.filter(pk__in=laws)

    def filter_q(self, queryset, name, value):
        # Declared last, so the other filters have narrowed the queryset already.
        return search_or_400(search.search_laws, queryset, value)

    def check(self, data):
        low, high = data.get("year_min"), data.get("year_max")
        if low is not None and high is not None and low > high:
            return {"year_min": ["Greater than year_max."]}
        return {}


class IndicatorFilterSet(StrictFilterSet):
    topic = CodeListFilter(
        field_name="topic__slug",
        vocabulary=topic_slugs,
        pattern=SLUG_PATTERN,
        help_text="Topic slug(s); several: any of them.",
    )

    class Meta:
        model = Indicator
        fields: list[str] = []

    def filter_updated_since(self, queryset, value):
        return queryset.filter(updated_at__gte=value)


class FindingFilterSet(StrictFilterSet):
    indicator = indicator_filter(
        field_name="indicator__slug", help_text="Indicator slug(s); several: any of them."
    )
    status = StrictChoiceFilter(
        choices=[(value, value) for value in FINDING_STATUS_VALUES],
        method="filter_status",
        help_text="`yes`, `partial`, `no`, or `not_assessed`: the (state, indicator) pairs with "
        "no published finding, listed with empty evidence.",
    )
    country = country_filter()
    region = region_filter()
    as_of = AsOfFilter(
        method="filter_as_of",
        help_text="YYYY-MM-DD: only findings holding on that day (dated, within their effective "
        "period: `period_from`/`period_to`); with `status=not_assessed`, the pairs with no "
        "finding holding on that day.",
    )

    class Meta:
        model = Finding
        fields: list[str] = []

    def filter_as_of(self, queryset, name, value):
        return holding(queryset, value, undated_hold=getattr(self, "undated_hold", False))

    def check(self, data):
        if data.get("updated_since") is not None and data.get("status") == NOT_ASSESSED:
            return {
                "updated_since": [
                    "Cannot be combined with status=not_assessed (unassessed pairs have no "
                    "change time; withdrawn findings are listed by /api/v1/changes/)."
                ]
            }
        return {}

    def filter_status(self, queryset, name, value):
        if value == NOT_ASSESSED:
            # The view lists the unassessed pairs instead; no stored finding is one.
            return queryset.none()
        return queryset.filter(status=value)


class FindingConditionField(CodeListField):
    """`<indicator>:<status>` pairs; the indicator must exist, the status be one of four."""

    def __init__(self, **kwargs):
        kwargs["vocabulary"] = indicator_slugs
        super().__init__(**kwargs)

    def validate(self, value):
        if not value:
            return
        known = set(self.vocabulary())
        problems = []
        for condition in value:
            indicator, sep, status = condition.partition(":")
            if not sep:
                problems.append(f"{condition[:60]!r} is not <indicator>:<status>")
            elif indicator not in known:
                problems.append(f"unknown indicator {indicator[:60]!r} ({INDICATOR_HINT})")
            elif status not in FINDING_STATUS_VALUES:
                problems.append(
                    f"unknown status {status[:30]!r} (one of {', '.join(FINDING_STATUS_VALUES)})"
                )
        if problems:
            raise invalid("; ".join(problems) + ".")


class FindingConditionFilter(CodeListFilter):
    field_class = FindingConditionField


class CountryFilterSet(StrictFilterSet):
    region = region_filter(prefix="")
    subregion = CodeListFilter(
        field_name="subregion__slug",
        vocabulary=subregion_slugs,
        pattern=SLUG_PATTERN,
        help_text="UN M49 sub-region slug(s) (`western-europe`); several: any of them.",
    )
    un_status = StrictChoiceFilter(choices=UNStatus.choices, field_name="un_status")
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Part of the name, ignoring accents and case (`cote` finds Côte d'Ivoire); "
        "when no name contains it, names close to it (a typo: `Frnace`).",
    )
    as_of = AsOfFilter(
        help_text="YYYY-MM-DD: `party_to`, `signatory_to`, `not_party_to`, `criminalises` and "
        "`finding` answer as of that day (UNTC dates; a finding holds within its effective "
        "period, and undated findings count as not known at a past date).",
    )
    party_to = CodeListFilter(
        vocabulary=treaty_codes,
        hint=TREATY_HINT,
        pattern=SLUG_PATTERN,
        method="filter_party_to",
        help_text="Treaty code(s): party to all of them.",
    )
    signatory_to = CodeListFilter(
        vocabulary=treaty_codes,
        hint=TREATY_HINT,
        pattern=SLUG_PATTERN,
        method="filter_signatory_to",
        help_text="Treaty code(s): signed but not party, for all of them.",
    )
    not_party_to = CodeListFilter(
        vocabulary=treaty_codes,
        hint=TREATY_HINT,
        pattern=SLUG_PATTERN,
        method="filter_not_party_to",
        help_text="Treaty code(s): party to none of them (signatories and states that took no "
        "action).",
    )
    criminalises = indicator_filter(
        method="filter_criminalises",
        help_text="Indicator slug(s): a published `yes` finding for every one of them.",
    )
    finding = FindingConditionFilter(
        method="filter_finding",
        pattern=r"^[a-z0-9_-]+:(yes|partial|no|not_assessed)$",
        help_text="`<indicator>:<yes|partial|no|not_assessed>`, repeatable: all must hold. "
        "`not_assessed` means no published finding for that state and indicator.",
    )

    class Meta:
        model = State
        fields: list[str] = []

    def filter_updated_since(self, queryset, value):
        # A country's resource shows its published participation, laws and findings: it
        # changed when any of them entered, changed in or left the public view.
        since = Q(last_public_change__gte=value)
        return queryset.filter(
            Q(updated_at__gte=value)
            | Q(pk__in=Finding.objects.filter(since).values("state_id"))
            | Q(pk__in=Law.objects.filter(since).values("state_id"))
            | Q(pk__in=Participation.objects.filter(since).values("state_id"))
        )

    def filter_q(self, queryset, name, value):
        if not value.strip():
            return queryset
        return queryset.filter(pk__in=search.match_states(value))

    # True in the second pass of an `as_of` answer: undated findings count as holding, so the
    # view can say which states the answer left out as undated (`undated_states`).
    undated_hold = False

    @property
    def as_of_date(self):
        return self.form.cleaned_data.get("as_of")

    def filter_party_to(self, queryset, name, value):
        for code in value:
            parties = published_participations().for_treaty(code).parties(as_of=self.as_of_date)
            queryset = queryset.filter(pk__in=parties.values("state_id"))
        return queryset

    def filter_signatory_to(self, queryset, name, value):
        for code in value:
            signatories = published_participations().for_treaty(code)
            signatories = signatories.signatories(as_of=self.as_of_date)
            queryset = queryset.filter(pk__in=signatories.values("state_id"))
        return queryset

    def filter_not_party_to(self, queryset, name, value):
        parties = (
            published_participations().filter(treaty__code__in=value).parties(as_of=self.as_of_date)
        )
        return queryset.exclude(pk__in=parties.values("state_id"))

    def filter_criminalises(self, queryset, name, value):
        for slug in value:
            yes = published_findings().filter(indicator__slug=slug, status=FindingStatus.YES)
            yes = holding(yes, self.as_of_date, undated_hold=self.undated_hold)
            queryset = queryset.filter(pk__in=yes.values("state_id"))
        return queryset

    def filter_finding(self, queryset, name, value):
        for condition in value:
            slug, _, status = condition.partition(":")
            findings = holding(
                published_findings().filter(indicator__slug=slug),
                self.as_of_date,
                undated_hold=self.undated_hold,
            )
            if status == NOT_ASSESSED:
                queryset = queryset.exclude(pk__in=findings.values("state_id"))
            else:
                queryset = queryset.filter(pk__in=findings.filter(status=status).values("state_id"))
        return queryset


def undated_states(params, request=None) -> list[str]:
    """For an `as_of` answer of `CountryFilterSet`: the ISO codes of the states whose place in
    the answer turns on an undated finding (it holds now; whether it held on that day is not
    known), so that none is read as a 'no'. The API (`undated`) and the site's query builder."""

    def answer(undated_hold: bool) -> set[str]:
        filterset = CountryFilterSet(params, queryset=State.objects.all(), request=request)
        filterset.undated_hold = undated_hold
        return set(filterset.qs.values_list("iso2", flat=True))

    return sorted(answer(False) ^ answer(True))
