"""Public read-only endpoints of the international layer: treaties and participation."""

import datetime

from django.db.models import Count, Prefetch, Q

from core.api.fields import detail_url
from core.api.serializers import absent_as_null
from core.api.views import PublicListViewSet, PublicReadOnlyViewSet
from core.publication import PublicationStatus
from hotpath.cache import versioned
from treaties.models import (
    Participation,
    ParticipationStatus,
    Region,
    Reservation,
    Treaty,
    TreatyProvision,
    participation_status,
    party_condition,
    signatory_condition,
)

from .filters import ParticipationFilterSet, TreatyFilterSet
from .serializers import (
    ParticipationSerializer,
    TreatyDetailSerializer,
    TreatyListSerializer,
)

PUBLISHED = Q(participations__publication_status=PublicationStatus.PUBLISHED)


def treaties_with_counts(regions: list[str] | None = None):
    """Treaties with their party, signatory and signed-not-party counts; with `regions` (region
    or sub-region slugs), counting only the states of those regions."""
    scope = PUBLISHED
    if regions:
        scope &= Q(participations__state__region__slug__in=regions) | Q(
            participations__state__subregion__slug__in=regions
        )
    return Treaty.objects.annotate(
        party_count=Count(
            "participations", filter=scope & party_condition(prefix="participations__")
        ),
        # All that signed, as the UN Treaty Collection counts its signatories.
        signatory_count=Count(
            "participations", filter=scope & Q(participations__signature_date__isnull=False)
        ),
        signed_not_party_count=Count(
            "participations", filter=scope & signatory_condition(prefix="participations__")
        ),
    ).order_by("order", "code")


@versioned
def participation_facts() -> list[tuple[int, int, int | None, bool, bool, bool]]:
    """Per published participation: (treaty, state's region, sub-region, party, signed, signed
    and not party), as `treaties_with_counts` counts them; once per process and data version."""
    rows = Participation.objects.filter(publication_status=PublicationStatus.PUBLISHED).values_list(
        "treaty_id",
        "state__region_id",
        "state__subregion_id",
        "signature_date",
        "consent_date",
        "withdrawal_date",
    )
    facts = []
    for treaty, region, subregion, signature, consent, withdrawal in rows:
        status = participation_status(signature, consent, withdrawal)
        facts.append(
            (
                treaty,
                region,
                subregion,
                status == ParticipationStatus.PARTY,
                signature is not None,
                status == ParticipationStatus.SIGNATORY,
            )
        )
    return facts


@versioned
def region_ids() -> dict[str, int]:
    return dict(Region.objects.values_list("slug", "pk"))


@versioned
def treaty_rows() -> list[Treaty]:
    return list(Treaty.objects.order_by("order", "code"))


def treaty_counts(regions: list[str] | None) -> dict[int, tuple[int, int, int]]:
    """{treaty id: (party_count, signatory_count, signed_not_party_count)}, as
    `treaties_with_counts(regions)` computes them (tests/api/test_treaties_participations.py
    holds the two equal)."""
    ids = {region_ids()[slug] for slug in regions} if regions else None
    counts: dict[int, list[int]] = {}
    for treaty, region, subregion, party, signed, signed_only in participation_facts():
        if ids is not None and region not in ids and subregion not in ids:
            continue
        entry = counts.setdefault(treaty, [0, 0, 0])
        entry[0] += party
        entry[1] += signed
        entry[2] += signed_only
    return {treaty: tuple(entry) for treaty, entry in counts.items()}


class TreatyViewSet(PublicReadOnlyViewSet):
    """Treaties with their party and signatory counts (published participation only)."""

    queryset = Treaty.objects.none()
    filterset_class = TreatyFilterSet
    list_serializer_class = TreatyListSerializer
    detail_serializer_class = TreatyDetailSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]{1,20}"

    def get_queryset(self):
        if self.action == "list":
            data = self.filterset_class(self.request.query_params).validated_data()
            return treaties_with_counts(data.get("region"))
        return treaties_with_counts()

    def list(self, request, *args, **kwargs):
        """JSON without `updated_since`: the counts from the published participation held per
        data version (`treaty_counts`, no query while nothing changed), each row's JSON built
        here as TreatyListSerializer writes it (tested equal); otherwise the serializer."""
        if request.accepted_renderer.format != "json" or "updated_since" in request.query_params:
            return super().list(request, *args, **kwargs)
        data = self.filterset_class(request.query_params).validated_data()
        counts = treaty_counts(data.get("region"))
        context = self.get_serializer_context()
        rows = []
        for treaty in treaty_rows():
            party, signed, signed_only = counts.get(treaty.pk, (0, 0, 0))
            rows.append(
                {
                    "code": treaty.code,
                    "short_title": treaty.short_title,
                    "title": treaty.title,
                    "untc_reference": absent_as_null(treaty.untc_reference),
                    "adopted": _date(treaty.adopted),
                    "entry_into_force": _date(treaty.entry_into_force),
                    "party_count": party,
                    "signatory_count": signed,
                    "signed_not_party_count": signed_only,
                    "status_as_of": _date(treaty.status_as_of),
                    "url": detail_url(context, "treaty-detail", "code", treaty.code),
                }
            )
        return self.get_paginated_response(self.paginate_queryset(rows))

    def get_object(self):
        queryset = self.get_queryset().prefetch_related(
            Prefetch("provisions", queryset=TreatyProvision.objects.order_by("order", "slug"))
        )
        return self.get_object_or_404(queryset, code=self.kwargs["code"].lower())


def _date(value) -> str | None:
    return value.isoformat() if value else None


def reservations_prefetch():
    return Prefetch("reservations", queryset=Reservation.objects.order_by("order", "pk"))


class ParticipationViewSet(PublicListViewSet):
    """Who signed and who is bound, per treaty, as the UN Treaty Collection records it."""

    queryset = (
        Participation.objects.published()
        .select_related("state", "treaty")
        .prefetch_related(reservations_prefetch())
        .order_by("treaty__order", "treaty__code", "state__name", "state__iso2")
    )
    filterset_class = ParticipationFilterSet
    list_serializer_class = ParticipationSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        as_of = self.request.query_params.get("as_of") if self.request else None
        if as_of:
            # Validated by the filterset, which runs before any row is serialized.
            context["as_of"] = datetime.date.fromisoformat(as_of)
        return context

    # No detail route: a participation is addressed by its country and treaty.
