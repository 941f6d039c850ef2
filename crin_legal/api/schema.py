"""OpenAPI details shared by every public endpoint: the error bodies."""

from django.db import DatabaseError
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ValidationErrorSerializer = inline_serializer(
    name="ValidationError",
    fields={
        "detail": serializers.CharField(default="Invalid request."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Messages keyed by the name of the query parameter at fault.",
        ),
    },
)

DetailErrorSerializer = inline_serializer(
    name="DetailError", fields={"detail": serializers.CharField()}
)


class PublicAutoSchema(AutoSchema):
    """Declares the 400 (bad query parameters), 404, 401 (bad API key), 429 (rate limit) and
    503 (database unavailable) bodies on every operation."""

    def _get_format_parameters(self):
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            parameter["description"] = (
                "`csv` downloads the whole filtered list as CSV (nested values in dotted columns); "
                "with `page` or `page_size`, one page of it. Default: JSON."
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        responses.setdefault("400", self._get_response_for_code(ValidationErrorSerializer, "400"))
        responses.setdefault("404", self._get_response_for_code(DetailErrorSerializer, "404"))
        # Rate limits, partner keys, an unavailable database (access.ratelimit, crin_legal.health).
        for code in ("401", "429", "503"):
            responses.setdefault(code, self._get_response_for_code(DetailErrorSerializer, code))
        return responses


def _vocabularies() -> dict[str, list[str]]:
    from laws.models import NOT_ASSESSED, FindingStatus, Indicator, Topic
    from treaties.models import Region, State, Treaty

    treaties = sorted(Treaty.objects.values_list("code", flat=True))
    indicators = sorted(Indicator.objects.values_list("slug", flat=True))
    regions = sorted(Region.objects.values_list("slug", flat=True))
    statuses = [*FindingStatus.values, NOT_ASSESSED]
    return {
        "treaty": treaties,
        "party_to": treaties,
        "signatory_to": treaties,
        "not_party_to": treaties,
        "indicator": indicators,
        "criminalises": indicators,
        "finding": [f"{slug}:{status}" for slug in indicators for status in statuses],
        "topic": sorted(Topic.objects.values_list("slug", flat=True)),
        "region": regions,
        "subregion": sorted(
            Region.objects.filter(parent__isnull=False).values_list("slug", flat=True)
        ),
        "country": sorted(State.objects.values_list("iso2", flat=True)),
    }


def add_data_enums(result, generator, request, public):
    """Declare the current codes of the vocabularies kept as data (treaties, indicators,
    topics, regions, countries) as enums, so that clients and schema-driven fuzzers see the
    values the API accepts. They change only when editors add reference data."""
    try:
        vocabularies = _vocabularies()
    except DatabaseError:  # e.g. generating the schema offline, before `migrate`
        return result
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                values = vocabularies.get(parameter["name"])
                if parameter["in"] != "query" or not values:
                    continue
                schema = parameter["schema"]
                target = schema["items"] if schema.get("type") == "array" else schema
                target["enum"] = values
    return result
