"""drf-spectacular post-processing hooks of the public schema (settings.SPECTACULAR_SETTINGS)."""

from django.db import DatabaseError


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
