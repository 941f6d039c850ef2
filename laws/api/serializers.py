"""Serializers of the national layer, and of the country resource that joins both layers.

Fields are listed explicitly: a new model field is published only when someone adds it here.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.api.fields import DetailLinkField, detail_url
from core.api.serializers import NullableCharField, PublicModelSerializer, absent_as_null
from laws import search
from laws.api.sources import (
    SCOPE_SCHEMA,
    SOURCE_SCHEMA,
    DatedSourceField,
    SourceField,
    finding_scope,
    finding_sources,
    source_dict,
    verification_sentence,
)
from laws.api.vocabulary import indicator_ids, treaty_ids
from laws.columns import LAW_FIELD_NAMES, LAW_FIELDS
from laws.models import (
    NOT_ASSESSED,
    FindingStatus,
    Indicator,
    IndicatorBasis,
    Law,
    LawProvision,
    Topic,
)
from treaties.api.serializers import (
    CountryListSerializer,
    CountryParticipationSerializer,
    CountryRefSerializer,
)

FINDING_STATUSES = [*FindingStatus.values, NOT_ASSESSED]


class TopicSerializer(PublicModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name", "description"]


class IndicatorBasisSerializer(PublicModelSerializer):
    """A treaty provision that requires, recommends or defines what the indicator asks."""

    treaty = serializers.CharField(source="provision.treaty.code")
    provision = serializers.CharField(source="provision.slug")
    label = serializers.CharField(source="provision.label")
    treaty_url = serializers.SerializerMethodField()

    class Meta:
        model = IndicatorBasis
        fields = ["treaty", "provision", "label", "kind", "note", "treaty_url"]

    def get_treaty_url(self, obj) -> str:
        return reverse(
            "treaty-detail",
            kwargs={"code": obj.provision.treaty.code},
            request=self.context.get("request"),
        )


class IndicatorSerializer(PublicModelSerializer):
    url = DetailLinkField(view_name="indicator-detail", lookup_field="slug")
    topic = TopicSerializer()
    treaty_basis = IndicatorBasisSerializer(source="bases", many=True)

    class Meta:
        model = Indicator
        fields = ["slug", "name", "topic", "question", "description", "treaty_basis", "url"]


SNIPPET_HELP = (
    "With `q`: an extract around the matched words, HTML-escaped, the matches wrapped in "
    "`<mark>…</mark>` (the only markup); null without `q`, and when the match was by title "
    "similarity (no extract)."
)
RANK_HELP = (
    "With `q`: relevance, higher is better (comparable within one response only); results "
    "come best first. Null without `q`."
)


class SnippetField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", SNIPPET_HELP)
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        if not hasattr(obj, "snippet"):
            return None
        return absent_as_null(search.snippet_html(obj.snippet))


extend_schema_field({"type": "string", "nullable": True, "description": SNIPPET_HELP})(SnippetField)


class RankField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", RANK_HELP)
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        rank = getattr(obj, "rank", None)
        return None if rank is None else round(float(rank), 6)


extend_schema_field({"type": "number", "nullable": True, "description": RANK_HELP})(RankField)


class JurisdictionRefSerializer(serializers.Serializer):
    """A part of a state with law of its own (England and Wales, Scotland, ...)."""

    code = serializers.CharField(help_text="ISO 3166-2 code where one exists (GB-SCT).")
    name = serializers.CharField()


class LawRefSerializer(PublicModelSerializer):
    url = DetailLinkField(view_name="law-detail")

    class Meta:
        model = Law
        fields = ["id", "title", "citation", "url"]


class LawListSerializer(PublicModelSerializer):
    url = DetailLinkField(view_name="law-detail")
    country = CountryRefSerializer(source="state")
    rank = RankField()
    snippet = SnippetField()
    jurisdiction = JurisdictionRefSerializer(
        allow_null=True,
        help_text="The part of the state the law binds (e.g. Scotland); null: the whole state.",
    )

    class Meta:
        model = Law
        # The law's own columns are defined once, with the dataset's laws.csv (laws/columns.py).
        fields = ["id", "url", "country", "jurisdiction", *LAW_FIELD_NAMES, "rank", "snippet"]
        extra_kwargs = {name: {"help_text": description} for name, description in LAW_FIELDS}

    def to_representation(self, instance):
        """What DRF's field-by-field walk gives for a law of a list (tested equal, field for
        field, on every kind of value), built directly: the walk was two thirds of a search
        page's Python. A subclass (the detail) or a `.json`-style format suffix takes DRF's."""
        if type(self) is not LawListSerializer or self.context.get("format"):
            return super().to_representation(instance)
        law, state, jurisdiction = instance, instance.state, instance.jurisdiction
        row = (
            law.pk,
            law.state_id,
            None if state is None else state.iso2,
            None if state is None else state.name,
            law.jurisdiction_id,
            None if jurisdiction is None else jurisdiction.code,
            None if jurisdiction is None else jurisdiction.name,
            *(getattr(law, name) for name in LAW_FIELD_NAMES),
            getattr(law, "rank", None),
            law.snippet if hasattr(law, "snippet") else NO_SNIPPET,
        )
        return law_list_item(self.context, row)


# A law's values for `law_list_item`, in this order; the laws list's kept searches read them as
# one row each (laws/api/law_search.py).
LAW_LIST_COLUMNS = (
    "id",
    "state_id",
    "state__iso2",
    "state__name",
    "jurisdiction_id",
    "jurisdiction__code",
    "jurisdiction__name",
    *LAW_FIELD_NAMES,
    "rank",
    "snippet",
)
# A law of an unfiltered page (no search: no rank, no snippet), as the laws list reads it.
LAW_PAGE_COLUMNS = LAW_LIST_COLUMNS[:-2]
# The snippet of a law listed without `q` (null, where a search's empty snippet is null too).
NO_SNIPPET = object()


def law_list_item(context: dict, row: tuple) -> dict:
    """A law of a list, as `LawListSerializer` gives it, from its values (`LAW_LIST_COLUMNS`)."""
    (
        pk,
        state_id,
        iso2,
        state_name,
        jurisdiction_id,
        jurisdiction_code,
        jurisdiction_name,
        title,
        title_original,
        language,
        kind,
        citation,
        year_enacted,
        date_adopted,
        date_in_force,
        date_repealed,
        status,
        source_url,
        verified,
        verification_source,
        rank,
        snippet,
    ) = row
    return {
        "id": pk,
        "url": detail_url(context, "law-detail", "pk", pk),
        "country": {
            "iso2": iso2,
            "name": state_name,
            "url": detail_url(context, "country-detail", "iso2", iso2),
        }
        if state_id is not None
        else None,
        "jurisdiction": {"code": jurisdiction_code, "name": jurisdiction_name}
        if jurisdiction_id is not None
        else None,
        "title": _text(title),
        "title_original": absent_as_null(title_original),
        "language": absent_as_null(language),
        "kind": kind,
        "citation": _text(citation),
        "year_enacted": None if year_enacted is None else int(year_enacted),
        "date_adopted": _date(date_adopted),
        "date_in_force": _date(date_in_force),
        "date_repealed": _date(date_repealed),
        "status": status,
        "source_url": absent_as_null(source_url),
        "verified": bool(verified),
        "verification_source": absent_as_null(verification_source),
        "rank": None if rank is None else round(float(rank), 6),
        "snippet": None if snippet is NO_SNIPPET else absent_as_null(search.snippet_html(snippet)),
    }


def _text(value) -> str | None:
    return None if value is None else str(value)


def _date(value) -> str | None:
    # A date, or its ISO text (SQLite's, read by a cursor without Django's converters).
    if not value:
        return None
    return value if isinstance(value, str) else value.isoformat()


class LawProvisionSerializer(PublicModelSerializer):
    indicators = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    max_penalty_years = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=False, allow_null=True
    )

    text = NullableCharField(
        help_text="The provision's text, verbatim as `source` gives it, in `text_language`; "
        "an omission in the quote is marked […]."
    )
    source = SourceField(help_text="Where the text was read.")
    text_en = NullableCharField(
        help_text="An English text, only where a source gives one (`text_en_source`)."
    )
    text_en_source = SourceField()
    in_force_from_source = DatedSourceField("in_force_from")
    in_force_to_source = DatedSourceField("in_force_to")
    verification_source = serializers.SerializerMethodField()

    class Meta:
        model = LawProvision
        fields = [
            "id",
            "label",
            "heading",
            "summary",
            "text",
            "text_language",
            "text_version",
            "source",
            "text_en",
            "text_en_source",
            "in_force_from",
            "in_force_from_source",
            "earlier_wording_unread",
            "in_force_to",
            "in_force_to_source",
            "max_penalty_years",
            "indicators",
            "verified",
            "verification_source",
        ]

    def get_verification_source(self, obj) -> str | None:
        return absent_as_null(
            verification_sentence([obj.source]) if obj.source else obj.verification_source
        )


class LawDetailSerializer(LawListSerializer):
    provisions = LawProvisionSerializer(many=True)
    amends = serializers.SerializerMethodField(help_text="Published laws this law amends.")
    amended_by = serializers.SerializerMethodField(help_text="Published laws amending this one.")

    date_adopted_source = DatedSourceField("date_adopted")
    date_in_force_source = DatedSourceField("date_in_force")
    date_repealed_source = DatedSourceField("date_repealed")

    class Meta(LawListSerializer.Meta):
        fields = [
            name for name in LawListSerializer.Meta.fields if name not in ("rank", "snippet")
        ] + [
            "date_adopted_source",
            "date_in_force_source",
            "date_repealed_source",
            "full_text",
            "provisions",
            "amends",
            "amended_by",
        ]

    @extend_schema_field(LawRefSerializer(many=True))
    def get_amends(self, obj):
        return LawRefSerializer(obj.published_amends, many=True, context=self.context).data

    @extend_schema_field(LawRefSerializer(many=True))
    def get_amended_by(self, obj):
        return LawRefSerializer(obj.published_amended_by, many=True, context=self.context).data


class EvidenceSerializer(PublicModelSerializer):
    """A provision of a published law cited in support of a finding.

    `provision_url` is the law's API URL with a `#provision-<id>` fragment naming the provision
    in the law's `provisions`; `source_url` is the law's official source."""

    law_id = serializers.IntegerField(source="law.id")
    law_title = serializers.CharField(source="law.title")
    law_citation = serializers.CharField(source="law.citation")
    law_url = serializers.SerializerMethodField()
    provision_id = serializers.IntegerField(source="id")
    provision_label = serializers.CharField(source="label")
    provision_heading = NullableCharField(source="heading")
    provision_url = serializers.SerializerMethodField()
    source_url = NullableCharField(source="law.source_url")
    jurisdiction = JurisdictionRefSerializer(
        source="law.jurisdiction",
        allow_null=True,
        help_text="The part of the state the law binds; null: the whole state.",
    )
    source = SourceField(help_text="Where the provision's text was read.")

    class Meta:
        model = LawProvision
        fields = [
            "law_id",
            "law_title",
            "law_citation",
            "law_url",
            "provision_id",
            "provision_label",
            "provision_heading",
            "provision_url",
            "source_url",
            "jurisdiction",
            "source",
        ]

    def get_law_url(self, obj) -> str:
        return detail_url(self.context, "law-detail", "pk", obj.law_id)

    def get_provision_url(self, obj) -> str:
        return f"{self.get_law_url(obj)}#provision-{obj.pk}"


class _FindingFields(serializers.Serializer):
    """Works on a Finding and on a `NotAssessed` placeholder alike."""

    indicator = serializers.CharField(source="indicator.slug")
    topic = serializers.CharField(source="indicator.topic.slug")
    status = serializers.ChoiceField(
        choices=FINDING_STATUSES,
        help_text="`not_assessed`: no published finding for this state and indicator — never "
        "to be read as `no`.",
    )
    note = NullableCharField(help_text="Explanation; for `no`, what was reviewed.")
    evidence = EvidenceSerializer(source="published_evidence", many=True)
    evidence_citation = NullableCharField(help_text="Pinpoint citation as a lawyer writes it.")
    scope = serializers.SerializerMethodField(
        help_text="Which part of the state the evidence covers (null for `not_assessed`). A "
        "state-level `yes` covers the whole state; with part of it the answer is `partial`."
    )
    sources = serializers.SerializerMethodField(
        help_text="The pages the answer rests on, with their grade and the date read: the "
        "evidence's texts, and for a `no` the pages read and found lacking."
    )
    verified = serializers.SerializerMethodField(
        help_text="True when the answer rests on sources that are named (`sources`)."
    )
    verification_source = serializers.SerializerMethodField(
        help_text='`sources` as one sentence in English: "Verified against ...".'
    )
    effective_from = serializers.DateField(allow_null=True, help_text="As set by an editor.")
    effective_to = serializers.DateField(allow_null=True, help_text="As set by an editor.")
    period_from = serializers.DateField(
        allow_null=True,
        help_text="Since when the finding holds: `effective_from`, else the earliest start of "
        "the cited provisions when every one has a known start; null when unknown.",
    )
    period_to = serializers.DateField(
        allow_null=True,
        help_text="Until when it holds (inclusive): `effective_to`, else the latest end of the "
        "cited provisions when every one has ended; null: still holds or unknown.",
    )
    dated = serializers.BooleanField(
        help_text="False: we know it holds now, not since when; `as_of` queries do not count "
        "it at past dates before `known_from`."
    )
    known_from = serializers.DateField(
        allow_null=True,
        help_text="Since when it is known to hold: `period_from` when dated; for an undated "
        "finding citing a wording that replaced an earlier one not read "
        "(`earlier_wording_unread`), the day the wordings read began (it holds since at least "
        "then); null when not known. `as_of` queries count it from this day on.",
    )

    @extend_schema_field(SCOPE_SCHEMA | {"nullable": True})
    def get_scope(self, obj):
        return finding_scope(obj)

    @extend_schema_field({"type": "array", "items": SOURCE_SCHEMA})
    def get_sources(self, obj):
        return [source_dict(s) for s in finding_sources(obj)]

    def get_verified(self, obj) -> bool:
        return bool(finding_sources(obj)) or bool(getattr(obj, "verified", False))

    def get_verification_source(self, obj) -> str | None:
        sources = finding_sources(obj)
        return absent_as_null(
            verification_sentence(sources) if sources else obj.verification_source
        )


class FindingSerializer(_FindingFields):
    """A row of /findings/."""

    country = CountryRefSerializer(source="state")


class CountryFindingSerializer(_FindingFields):
    """A finding in the country detail (one per indicator)."""


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": ["party", "signatory", "no_action"]},
        "description": "Status under every treaty, by treaty code (published participation).",
        "example": {"crc": "party", "opac": "party", "opsc": "signatory", "opic": "no_action"},
    }
)
class TreatyStatusField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, state):
        return {code: getattr(state, f"ts_{pk}") for pk, code in treaty_ids()}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": FINDING_STATUSES},
        "description": "The answer for every indicator, by indicator slug (published findings); "
        "`not_assessed` where there is none — never to be read as `no`. Details and evidence "
        "are in the country detail.",
        "example": {"production": "yes", "simple_possession": "not_assessed"},
    }
)
class FindingStatusField(serializers.Field):
    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, state):
        return {slug: getattr(state, f"fs_{pk}") for pk, slug in indicator_ids()}


class CountrySummarySerializer(CountryListSerializer):
    """A row of /countries/: the state, its status under each treaty and its answer for each
    indicator (Q1 of the benchmark in one request)."""

    treaty_status = TreatyStatusField()
    finding_status = FindingStatusField()

    class Meta(CountryListSerializer.Meta):
        fields = CountryListSerializer.Meta.fields + ["treaty_status", "finding_status"]


class CountryDetailSerializer(CountryListSerializer):
    participations = CountryParticipationSerializer(
        source="published_participations",
        many=True,
        help_text="Per treaty the state acted on (published records).",
    )
    findings = CountryFindingSerializer(
        source="all_findings",
        many=True,
        help_text="One per indicator of every topic, `not_assessed` included.",
    )

    class Meta(CountryListSerializer.Meta):
        fields = CountryListSerializer.Meta.fields + ["participations", "findings"]
