"""Filters of the international layer, and the vocabularies they are checked against."""

import unicodedata

from django.db.models import Q

from core.api.filters import (
    AsOfFilter,
    CodeListFilter,
    StrictChoiceFilter,
    StrictFilterSet,
    YearFilter,
)
from core.publication import PublicationStatus
from treaties.models import ConsentType, Participation, Region, State, Treaty

COUNTRY_HINT = "Use ISO 3166-1 alpha-2 codes listed at /api/v1/countries/"
TREATY_HINT = "Use treaty codes listed at /api/v1/treaties/"
ISO2_PATTERN = r"^[A-Za-z]{2}$"
SLUG_PATTERN = r"^[a-z0-9_-]+$"


def treaty_codes():
    return Treaty.objects.values_list("code", flat=True)


def region_slugs():
    return Region.objects.values_list("slug", flat=True)


def top_region_slugs():
    return Region.objects.filter(parent__isnull=True).values_list("slug", flat=True)


def subregion_slugs():
    return Region.objects.filter(parent__isnull=False).values_list("slug", flat=True)


def country_codes():
    return State.objects.values_list("iso2", flat=True)


def fold(text: str) -> str:
    """Unaccented, case-folded, with typographic apostrophes made plain: 'Côte d’Ivoire' →
    "cote d'ivoire", 'Türkiye' → 'turkiye'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    return " ".join(stripped.casefold().split())


def states_matching(query: str) -> list[int]:
    """Ids of the states whose name (or UN spelling) contains `query`, ignoring accents and case.

    Done in Python over the ~200 states so that it means the same on SQLite and PostgreSQL
    without an extension or an extra column; one query whatever the result.
    """
    needle = fold(query)
    return [
        pk
        for pk, *names in State.objects.values_list("pk", "name", "untc_name", "official_name")
        if any(needle in fold(name) for name in names if name)
    ]


def country_filter(field_name: str = "state__iso2", **kwargs) -> CodeListFilter:
    return CodeListFilter(
        field_name=field_name,
        vocabulary=country_codes,
        normalise=str.upper,
        hint=COUNTRY_HINT,
        pattern=ISO2_PATTERN,
        help_text="ISO 3166-1 alpha-2 code(s), case-insensitive; repeat the parameter or "
        "separate with commas: any of them.",
        **kwargs,
    )


def region_filter(prefix: str = "state__", **kwargs) -> CodeListFilter:
    def in_regions(queryset, name, value):
        return queryset.filter(
            Q(**{f"{prefix}region__slug__in": value}) | Q(**{f"{prefix}subregion__slug__in": value})
        )

    return CodeListFilter(
        vocabulary=region_slugs,
        method=in_regions,
        pattern=SLUG_PATTERN,
        help_text="UN M49 region or sub-region slug(s) (`europe`, `western-europe`); several: "
        "any of them.",
        **kwargs,
    )


def treaty_filter(**kwargs) -> CodeListFilter:
    kwargs.setdefault(
        "help_text", "Treaty code(s) (`crc`, `opac`, `opsc`, `opic`); several: any of them."
    )
    return CodeListFilter(vocabulary=treaty_codes, hint=TREATY_HINT, pattern=SLUG_PATTERN, **kwargs)


def published_participations():
    return Participation.objects.filter(publication_status=PublicationStatus.PUBLISHED)


class TreatyFilterSet(StrictFilterSet):
    """The four treaties fit on one page; `region` scopes their counts, not the list."""

    region = CodeListFilter(
        vocabulary=region_slugs,
        method="count_in_regions",
        pattern=SLUG_PATTERN,
        help_text="UN M49 region or sub-region slug(s): `party_count`, `signatory_count` and "
        "`signed_not_party_count` count only the states of these regions (every treaty is "
        "still listed).",
    )

    class Meta:
        model = Treaty
        fields: list[str] = []

    def filter_updated_since(self, queryset, value):
        # A treaty's counts change with its published participation.
        changed = Participation.objects.filter(last_public_change__gte=value).values("treaty_id")
        return queryset.filter(Q(updated_at__gte=value) | Q(pk__in=changed))

    def count_in_regions(self, queryset, name, value):
        return queryset  # the view scopes the counts (treaties_with_counts)


class ParticipationFilterSet(StrictFilterSet):
    treaty = treaty_filter(field_name="treaty__code")
    status = StrictChoiceFilter(
        choices=[("party", "Party"), ("signatory", "Signatory (signed, not party)")],
        method="filter_status",
        help_text="`party`: consent to be bound deposited and not withdrawn; `signatory`: "
        "signed, not (yet) a party.",
    )
    consent_type = StrictChoiceFilter(choices=ConsentType.choices, field_name="consent_type")
    country = country_filter()
    region = region_filter()
    consent_year_min = YearFilter(
        field_name="consent_date",
        lookup_expr="gte",
        on_date=True,
        help_text="Consent to be bound deposited in or after this year. Not greater than "
        "`consent_year_max` (a 400 otherwise).",
    )
    consent_year_max = YearFilter(
        field_name="consent_date",
        lookup_expr="lte",
        on_date=True,
        help_text="Consent to be bound deposited in or before this year. Not less than "
        "`consent_year_min` (a 400 otherwise).",
    )
    as_of = AsOfFilter(
        method="filter_as_of",
        help_text="YYYY-MM-DD: only states that had signed or consented by that day, with "
        "`status` (and the `status` filter) as of that day; dates stay as recorded.",
    )

    constraints = ["`consent_year_min` <= `consent_year_max`"]

    class Meta:
        model = Participation
        fields: list[str] = []

    def filter_as_of(self, queryset, name, value):
        return queryset.filter(Q(signature_date__lte=value) | Q(consent_date__lte=value))

    def filter_status(self, queryset, name, value):
        as_of = self.form.cleaned_data.get("as_of")
        if value == "party":
            return queryset.parties(as_of=as_of)
        return queryset.signatories(as_of=as_of)

    def check(self, data):
        low, high = data.get("consent_year_min"), data.get("consent_year_max")
        if low is not None and high is not None and low > high:
            return {"consent_year_min": ["Greater than consent_year_max."]}
        return {}
