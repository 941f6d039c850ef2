"""Absent values are `null`, never `""` (issue 14.6), in every field of every endpoint; the
schema declares such fields nullable; CSV writes them as empty cells. States carry their ISO
numeric code; treaties count every signatory (as the UN pages do) and those signed, not party."""

import csv
import io

import pytest

from crin_legal.api.v1 import router

pytestmark = pytest.mark.django_db

LIST_URLS = [f"/api/v1/{prefix}/" for prefix, _, _ in router.registry]
OTHER_URLS = [
    "/api/v1/",
    "/api/v1/stats/timeline/?treaty=opsc",
    "/api/v1/stats/timeline/?indicator=production",
    "/api/v1/gaps/?treaty=opsc&indicator=simple_possession",
    "/api/v1/laws/?q=code",
    "/api/v1/provisions/?q=code",
    "/api/v1/findings/?status=not_assessed",
    "/api/v1/participations/?as_of=2015-01-01",
]


def empty_strings(value, path="$"):
    """Where `value` holds an empty string (at any depth)."""
    if value == "":
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in empty_strings(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in empty_strings(item, f"{path}[{i}]")]
    return []


def every_response(api):
    """Every list (all pages' first page), every detail its list links to, and the others."""
    for url in LIST_URLS + OTHER_URLS:
        response = api.get(url)
        assert response.status_code == 200, (url, response.content)
        body = response.json()
        yield url, body
        for row in body.get("results", []) if isinstance(body, dict) else []:
            link = row.get("url") if isinstance(row, dict) else None
            if link:
                detail = api.get(link)
                assert detail.status_code == 200, link
                yield link, detail.json()


def test_no_endpoint_answers_an_empty_string(api, world):
    seen = 0
    found = {}
    for url, body in every_response(api):
        seen += 1
        if paths := empty_strings(body):
            found[url] = paths[:5]
    assert seen > 30
    assert found == {}


def test_a_signatorys_consent_type_is_null(api, world):
    rows = api.get("/api/v1/participations/", {"treaty": "opsc", "country": "CI"}).json()
    assert rows["results"][0]["status"] == "signatory"
    assert rows["results"][0]["consent_type"] is None
    detail = api.get("/api/v1/countries/CI/").json()
    opsc = next(p for p in detail["participations"] if p["treaty"] == "opsc")
    assert opsc["consent_type"] is None


def test_a_law_without_an_original_title_has_null(api, world):
    law = next(
        r for r in api.get("/api/v1/laws/").json()["results"] if r["citation"] == "1978 c. 37"
    )
    assert law["title_original"] is None
    assert api.get(law["url"]).json()["title_original"] is None


def test_blank_values_are_empty_cells_in_csv(api, world):
    response = api.get("/api/v1/participations/", {"treaty": "opsc", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    ci = next(r for r in rows if r["country.iso2"] == "CI")
    assert ci["consent_type"] == ""
    assert "None" not in response.content.decode()
    assert "null" not in response.content.decode()


def test_schema_declares_blank_text_fields_nullable(api, world):
    schemas = api.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    assert schemas["Participation"]["properties"]["consent_type"]["nullable"] is True
    assert schemas["LawList"]["properties"]["title_original"]["nullable"] is True
    assert schemas["Finding"]["properties"]["note"]["nullable"] is True
    assert "nullable" not in schemas["LawList"]["properties"]["title"]


def test_states_carry_their_iso_numeric_code(api, world):
    world.gb.m49 = "826"
    world.gb.save()
    row = next(r for r in api.get("/api/v1/countries/").json()["results"] if r["iso2"] == "GB")
    assert row["iso_numeric"] == "826"
    assert api.get("/api/v1/countries/GB/").json()["iso_numeric"] == "826"
    schema = api.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    assert schema["CountrySummary"]["properties"]["iso_numeric"]["pattern"] == "^[0-9]{3}$"


def test_treaties_count_all_signatories_and_those_not_party(api, world):
    # OPSC (published): GB signed and ratified, FR acceded (never signed), CI signed only;
    # TR's participation is a draft.
    opsc = api.get("/api/v1/treaties/opsc/").json()
    assert opsc["party_count"] == 2
    assert opsc["signatory_count"] == 2  # GB and CI signed, as the UN page counts them
    assert opsc["signed_not_party_count"] == 1  # CI
    row = next(r for r in api.get("/api/v1/treaties/").json()["results"] if r["code"] == "opsc")
    assert (row["signatory_count"], row["signed_not_party_count"]) == (2, 1)
    europe = api.get("/api/v1/treaties/", {"region": "europe"}).json()["results"]
    opsc_europe = next(r for r in europe if r["code"] == "opsc")
    assert (opsc_europe["party_count"], opsc_europe["signatory_count"]) == (2, 1)
    assert opsc_europe["signed_not_party_count"] == 0
