"""`/provisions/`: search over the sections and articles of published laws (engine:
`laws.search`)."""

import django_filters
from django import forms
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.api.filters import StrictFilterSet
from core.api.serializers import NullableCharField, PublicModelSerializer
from core.api.views import PublicListViewSet
from laws import search
from laws.models import Indicator, LawProvision
from treaties.api.filters import country_filter
from treaties.api.serializers import CountryRefSerializer

from .filters import indicator_filter, search_or_400
from .serializers import LawRefSerializer, RankField, SnippetField
from .sources import DatedSourceField, SourceField
from .timelimit import SearchTimeLimitMixin


class LawIdFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=2**63 - 1, **kwargs)
        schema = {"type": "integer", "minimum": 1}
        if kwargs.get("help_text"):
            schema["description"] = str(kwargs["help_text"])
        extend_schema_field(schema)(self)


class ProvisionFilterSet(StrictFilterSet):
    country = country_filter(field_name="law__state__iso2")
    indicator = indicator_filter(
        method="filter_indicator",
        help_text="Provisions bearing on this indicator (several: any of them).",
    )
    law = LawIdFilter(field_name="law_id", help_text="A law's id (`/api/v1/laws/<id>/`).")
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Full-text search of labels, headings, summaries and statute texts (original and "
        "English), in "
        'web-search syntax (words, `"a phrase"`, `OR`, `-word`); accents and case ignored, '
        "stemmed in the law's language; a provision's law's titles are searched too; a legal term "
        "of the vocabulary (data/search/vocabulary.csv) finds its equivalents in other "
        "languages. Results come best first with `rank` and `snippet`.",
    )

    class Meta:
        model = LawProvision
        fields: list[str] = []

    def filter_indicator(self, queryset, name, value):
        bearing = LawProvision.objects.filter(indicators__slug__in=value).values("pk")
        return queryset.filter(pk__in=bearing)

    def filter_updated_since(self, queryset, value):
        # A provision follows its law: any change to it touches the law's last_public_change.
        return queryset.filter(law__last_public_change__gte=value)

    def filter_q(self, queryset, name, value):
        # Declared last, so the other filters have narrowed the queryset already.
        return search_or_400(search.search_provisions, queryset, value)


class ProvisionSerializer(PublicModelSerializer):
    """A section or article of a published law."""

    url = serializers.SerializerMethodField(help_text="The law's URL, #provision-<id>.")
    law = LawRefSerializer()
    country = CountryRefSerializer(source="law.state")
    indicators = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    # Where the text and the dates were read, as in the law's detail (issue 11.1).
    text = NullableCharField(
        help_text="The provision's text, verbatim as `source` gives it, in `text_language`."
    )
    source = SourceField(help_text="Where the text was read.")
    text_en = NullableCharField(help_text="An English text, only where a source gives one.")
    text_en_source = SourceField()
    in_force_from_source = DatedSourceField("in_force_from")
    in_force_to_source = DatedSourceField("in_force_to")
    rank = RankField()
    snippet = SnippetField()

    class Meta:
        model = LawProvision
        fields = [
            "id",
            "url",
            "law",
            "country",
            "label",
            "heading",
            "summary",
            "text",
            "text_language",
            "source",
            "text_en",
            "text_en_source",
            "in_force_from",
            "in_force_from_source",
            "earlier_wording_unread",
            "in_force_to",
            "in_force_to_source",
            "indicators",
            "rank",
            "snippet",
        ]

    def get_url(self, obj) -> str:
        law_url = reverse("law-detail", kwargs={"pk": obj.law_id}, request=self.context["request"])
        return f"{law_url}#provision-{obj.pk}"


class ProvisionViewSet(SearchTimeLimitMixin, PublicListViewSet):
    """Provisions of published laws; with `q`, a full-text search of them, best first."""

    queryset = (
        LawProvision.objects.filter(law__publication_status="published")
        .select_related(
            "law__state", "source", "text_en_source", "in_force_from_source", "in_force_to_source"
        )
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "slug"))
        )
        .order_by("law__state__name", "law__title", "order", "pk")
    )
    filterset_class = ProvisionFilterSet
    list_serializer_class = ProvisionSerializer
