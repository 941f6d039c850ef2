"""Serializers of the international layer. Fields are listed explicitly: a new model field is
published only when someone adds it here."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.fields import DetailLinkField
from core.api.serializers import NullableChoiceField, PublicModelSerializer
from treaties.models import (
    ConsentType,
    Objection,
    Participation,
    ParticipationStatus,
    Region,
    Reservation,
    State,
    Treaty,
    TreatyProvision,
)


class RegionSerializer(PublicModelSerializer):
    """A UN M49 region or sub-region. `slug` is the value the `region`/`subregion` filters take."""

    class Meta:
        model = Region
        fields = ["slug", "name"]


class CountryRefSerializer(PublicModelSerializer):
    """A state as referred to from other records."""

    url = DetailLinkField(view_name="country-detail", lookup_field="iso2")

    class Meta:
        model = State
        fields = ["iso2", "name", "url"]


class CountryListSerializer(PublicModelSerializer):
    url = DetailLinkField(view_name="country-detail", lookup_field="iso2")
    iso_numeric = serializers.RegexField(
        r"^[0-9]{3}$",
        source="m49",
        read_only=True,
        help_text="ISO 3166-1 numeric code (the same as the UN M49 code), three digits.",
    )
    region = RegionSerializer()
    subregion = RegionSerializer()

    class Meta:
        model = State
        fields = ["iso2", "iso3", "iso_numeric", "name", "region", "subregion", "un_status", "url"]


class ReservationSerializer(PublicModelSerializer):
    """A declaration or reservation: those in force as the UNTC page gives them, then those its
    end notes say were withdrawn (with the text the note quotes and the date of withdrawal)."""

    class Meta:
        model = Reservation
        fields = ["kind", "heading", "text", "date", "withdrawn_date"]
        extra_kwargs = {
            "withdrawn_date": {
                "help_text": "The day the state withdrew it (UNTC end notes); null while it is "
                "in force. A partial withdrawal leaves it in force."
            },
        }


class ObjectionSerializer(PublicModelSerializer):
    """An objection the state made to another state's reservation or declaration."""

    reserving_state = CountryRefSerializer(
        allow_null=True,
        help_text="The state whose reservation or declaration is objected to: one record per "
        "objecting state, reserving state and date (an objection naming several states is "
        "listed with each); null where the text names none.",
    )

    class Meta:
        model = Objection
        fields = ["reserving_state", "heading", "text", "date"]


STATUS_CHOICES = [ParticipationStatus.PARTY.value, ParticipationStatus.SIGNATORY.value]


class _ParticipationFields(PublicModelSerializer):
    treaty = serializers.SlugRelatedField(slug_field="code", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="party (consent to be bound deposited, not withdrawn) or signatory (signed "
        "only). `no_action` only for a withdrawn participation without signature."
    )
    consent_type = NullableChoiceField(
        choices=ConsentType.choices, help_text="null when not a party (signed only)."
    )
    reservations = ReservationSerializer(many=True)

    @extend_schema_field(
        {"type": "string", "enum": [*STATUS_CHOICES, ParticipationStatus.NO_ACTION.value]}
    )
    def get_status(self, obj: Participation) -> str:
        return obj.status(self.context.get("as_of"))


class ParticipationSerializer(_ParticipationFields):
    """A row of /participations/."""

    country = CountryRefSerializer(source="state")

    class Meta:
        model = Participation
        fields = [
            "treaty",
            "country",
            "status",
            "signature_date",
            "consent_date",
            "consent_type",
            "withdrawal_date",
            "reservations",
            "source_url",
            "as_of",
        ]


class CountryParticipationSerializer(_ParticipationFields):
    """A treaty the state acted on, in the country detail. `objections` are those this state
    made to other states' reservations under that treaty (attached by the view)."""

    objections = serializers.SerializerMethodField()

    class Meta:
        model = Participation
        fields = [
            "treaty",
            "status",
            "signature_date",
            "consent_date",
            "consent_type",
            "withdrawal_date",
            "reservations",
            "objections",
            "source_url",
            "as_of",
        ]

    @extend_schema_field(ObjectionSerializer(many=True))
    def get_objections(self, obj: Participation):
        made = getattr(obj, "objections_made", [])
        # One list serializer for every participation of the response: building a
        # ModelSerializer's fields is most of its cost.
        objections = getattr(self, "_objections", None)
        if objections is None:
            objections = self._objections = ObjectionSerializer(many=True, context=self.context)
        return objections.to_representation(made)


class TreatyListSerializer(PublicModelSerializer):
    url = DetailLinkField(view_name="treaty-detail", lookup_field="code")
    party_count = serializers.IntegerField(
        help_text="States bound (published participation, consent deposited, not withdrawn)."
    )
    signatory_count = serializers.IntegerField(
        help_text="States that signed (published participation), whether or not they are "
        "party since: the UN Treaty Collection's count of signatories."
    )
    signed_not_party_count = serializers.IntegerField(
        help_text="States that signed and are not party now (no consent to be bound deposited, "
        "or withdrawn since): status `signatory`."
    )

    class Meta:
        model = Treaty
        fields = [
            "code",
            "short_title",
            "title",
            "untc_reference",
            "adopted",
            "entry_into_force",
            "party_count",
            "signatory_count",
            "signed_not_party_count",
            "status_as_of",
            "url",
        ]


class TreatyProvisionNodeSerializer(PublicModelSerializer):
    children = serializers.SerializerMethodField()

    class Meta:
        model = TreatyProvision
        fields = ["slug", "label", "heading", "text", "children"]

    @extend_schema_field(
        {"type": "array", "items": {"$ref": "#/components/schemas/TreatyProvisionNode"}}
    )
    def get_children(self, obj):
        return TreatyProvisionNodeSerializer(obj.tree_children, many=True).data


class TreatyDetailSerializer(TreatyListSerializer):
    provisions = serializers.SerializerMethodField(
        help_text="The provisions as a tree: articles, their paragraphs, sub-paragraphs."
    )

    class Meta(TreatyListSerializer.Meta):
        fields = TreatyListSerializer.Meta.fields + [
            "adoption_place",
            "official_text",
            "official_text_url",
            "untc_url",
            "status_source",
            "provisions",
        ]

    @extend_schema_field(TreatyProvisionNodeSerializer(many=True))
    def get_provisions(self, obj: Treaty):
        nodes = list(obj.provisions.all())
        by_parent: dict = {}
        for node in nodes:
            by_parent.setdefault(node.parent_id, []).append(node)
        ids = {node.pk for node in nodes}
        for node in nodes:
            node.tree_children = by_parent.get(node.pk, [])
        # Roots: no parent, or a parent outside this treaty (defensive).
        roots = [node for node in nodes if node.parent_id is None or node.parent_id not in ids]
        return TreatyProvisionNodeSerializer(roots, many=True).data
