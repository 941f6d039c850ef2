"""Public read-only endpoints of the international layer: treaties and participation."""

import datetime

from django.db.models import Count, Prefetch, Q

from core.api.views import PublicListViewSet, PublicReadOnlyViewSet
from core.publication import PublicationStatus
from treaties.models import Participation, Reservation, Treaty, TreatyProvision

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
            "participations",
            filter=scope
            & Q(participations__consent_date__isnull=False)
            & Q(participations__withdrawal_date__isnull=True),
        ),
        # All that signed, as the UN Treaty Collection counts its signatories.
        signatory_count=Count(
            "participations", filter=scope & Q(participations__signature_date__isnull=False)
        ),
        signed_not_party_count=Count(
            "participations",
            filter=scope
            & Q(participations__signature_date__isnull=False)
            & Q(participations__consent_date__isnull=True),
        ),
    ).order_by("order", "code")


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

    def get_object(self):
        queryset = self.get_queryset().prefetch_related(
            Prefetch("provisions", queryset=TreatyProvision.objects.order_by("order", "slug"))
        )
        return self.get_object_or_404(queryset, code=self.kwargs["code"].lower())


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
