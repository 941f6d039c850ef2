"""`GET /api/v1/changes/`: what entered, changed in or left the public view, for partner sites.

One row per record (its latest public change), for the three kinds of published record —
laws (with their provisions), findings (with their evidence) and participations (with their
declarations) — oldest change first, so that a partner can page through and keep the last
`changed_at` for its next `since`:

- `created`: published at or after `since` (also a record published again after a withdrawal);
- `updated`: published before `since`, and what the public sees of it changed since;
- `withdrawn`: it left the public view at or after `since` (withdrawn): remove it. (A change
  reviewed in a revision keeps the record public: `updated` once the revision is published.)

A record that was never published never appears, whatever its edits (core.publication).
"""

import datetime

from django.db.models import CharField, F, Value
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.api.filters import (
    StrictChoiceFilter,
    StrictFilterSet,
    UpdatedSinceFilter,
)
from core.api.views import PublicListViewSet
from core.publication import PublicationStatus
from laws.models import Finding, Law
from treaties.models import Participation

KINDS = ("law", "finding", "participation")
SINCE_HELP = (
    "ISO 8601 date or date-time (`2026-03-01T12:00:00Z`; without an offset it is UTC; write "
    "`+` as `%2B`): changes at or after this moment. Without it, every published or withdrawn "
    "record. Keep the last `changed_at` you saw and pass it next time. `updated_since` means "
    "the same here: give one of them (both with different moments is a 400)."
)


class ChangeFilterSet(StrictFilterSet):
    since = UpdatedSinceFilter(method="noop", help_text=SINCE_HELP)
    type = StrictChoiceFilter(
        choices=[(kind, kind) for kind in KINDS],
        method="noop",
        help_text="Only changes of this kind of record.",
    )

    constraints = ["`since` and `updated_since`: one of them, or both the same moment"]

    class Meta:
        model = Law  # unused: the view builds its own query from the validated values
        fields: list[str] = []

    def noop(self, queryset, name, value):
        return queryset

    def check(self, data):
        since, updated = data.get("since"), data.get("updated_since")
        if since is not None and updated is not None and since != updated:
            return {"updated_since": ["Same as `since`: give one of them."]}
        return {}


class ChangeSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=KINDS, help_text="The kind of record.")
    id = serializers.IntegerField(help_text="The record's id (stable).")
    action = serializers.ChoiceField(
        choices=["created", "updated", "withdrawn"],
        help_text="`created` and `updated`: fetch it (upsert); `withdrawn`: remove it.",
    )
    changed_at = serializers.DateTimeField(help_text="When the public view of it changed.")
    published_at = serializers.DateTimeField(
        allow_null=True, help_text="Public since (null once withdrawn is still the last date)."
    )
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2 code of its state.")
    indicator = serializers.CharField(allow_null=True, help_text="Findings: indicator slug.")
    treaty = serializers.CharField(allow_null=True, help_text="Participations: treaty code.")
    url = serializers.CharField(
        allow_null=True, help_text="Where to fetch it now (null when withdrawn)."
    )


def _rows(model, kind: str, *, since, indicator, treaty):
    # No ORDER BY in a part of a UNION: the combined query orders.
    qs = model._base_manager.filter(published_at__isnull=False).order_by()
    if since is not None:
        qs = qs.filter(last_public_change__gte=since)
    text = CharField()
    return qs.annotate(
        c_changed=F("last_public_change"),
        c_kind=Value(kind, output_field=text),
        c_id=F("pk"),
        c_status=F("publication_status"),
        c_published=F("published_at"),
        c_country=F("state__iso2"),
        c_indicator=indicator if indicator is not None else Value(None, output_field=text),
        c_treaty=treaty if treaty is not None else Value(None, output_field=text),
    ).values(
        "c_changed",
        "c_kind",
        "c_id",
        "c_status",
        "c_published",
        "c_country",
        "c_indicator",
        "c_treaty",
    )


def change_rows(since: datetime.datetime | None, kinds=KINDS, *, newest_first: bool = False):
    """The change list as one UNION query (paginated by the database), oldest first."""
    parts = {
        "law": lambda: _rows(Law, "law", since=since, indicator=None, treaty=None),
        "finding": lambda: _rows(
            Finding, "finding", since=since, indicator=F("indicator__slug"), treaty=None
        ),
        "participation": lambda: _rows(
            Participation,
            "participation",
            since=since,
            indicator=None,
            treaty=F("treaty__code"),
        ),
    }
    queries = [parts[kind]() for kind in kinds]
    combined = queries[0].union(*queries[1:], all=True) if len(queries) > 1 else queries[0]
    if newest_first:
        return combined.order_by("-c_changed", "-c_kind", "-c_id")
    return combined.order_by("c_changed", "c_kind", "c_id")


def describe(row: dict, since, request) -> dict:
    public = row["c_status"] == PublicationStatus.PUBLISHED
    if not public:
        action = "withdrawn"
    elif since is None or row["c_published"] >= since:
        action = "created"
    else:
        action = "updated"
    kind = row["c_kind"]
    url = None
    if public and kind == "law":
        url = reverse("v1:law-detail", kwargs={"pk": row["c_id"]}, request=request)
    elif public and kind == "finding":
        url = (
            reverse("v1:finding-list", request=request)
            + f"?country={row['c_country']}&indicator={row['c_indicator']}"
        )
    elif public:
        url = (
            reverse("v1:participation-list", request=request)
            + f"?country={row['c_country']}&treaty={row['c_treaty']}"
        )
    return {
        "type": kind,
        "id": row["c_id"],
        "action": action,
        "changed_at": row["c_changed"],
        "published_at": row["c_published"],
        "country": row["c_country"],
        "indicator": row["c_indicator"],
        "treaty": row["c_treaty"],
        "url": url,
    }


@extend_schema_view(
    list=extend_schema(
        summary="Changes since a moment (sync for partner sites)",
        description=__doc__,
    )
)
class ChangeViewSet(PublicListViewSet):
    """Created, updated and withdrawn published records, oldest change first."""

    queryset = Law.objects.none()
    filterset_class = ChangeFilterSet
    list_serializer_class = ChangeSerializer

    def list(self, request, *args, **kwargs):
        filterset = self.filterset_class(request.query_params, queryset=self.queryset)
        data = filterset.validated_data()
        since = data.get("since") or data.get("updated_since")
        kinds = (data["type"],) if data.get("type") else KINDS
        page = self.paginate_queryset(change_rows(since, kinds))
        rows = [describe(row, since, request) for row in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)
