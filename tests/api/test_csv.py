"""`?format=csv` on every list endpoint: the same filtered rows as the JSON, the whole table
unless a page is asked for."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import StateFactory
from treaties.models import State

pytestmark = pytest.mark.django_db


def rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def test_countries_csv_has_the_filtered_rows_with_flat_columns(api, world):
    response = api.get("/api/v1/countries/", {"party_to": "opsc", "format": "csv"})
    table = rows(response)
    assert [row["iso2"] for row in table] == ["FR", "GB"]
    assert table[0]["region.slug"] == "europe"
    assert table[1]["subregion.slug"] == "northern-europe"
    assert table[1]["url"].endswith("/api/v1/countries/GB/")  # a link, not its CSV rendering
    assert response["Content-Disposition"] == 'attachment; filename="countries.csv"'


def test_findings_csv_names_the_evidence_and_keeps_not_assessed_apart(api, world):
    table = rows(api.get("/api/v1/findings/", {"indicator": "simple_possession", "format": "csv"}))
    by_state = {row["country.iso2"]: row for row in table}
    assert by_state["GB"]["status"] == "yes"
    assert by_state["GB"]["evidence"]  # citation and provision label, not an empty cell
    assert by_state["TR"]["status"] == "no"
    assert "CI" not in by_state  # no finding: not assessed, never a "no" row

    unassessed = rows(
        api.get(
            "/api/v1/findings/",
            {"indicator": "simple_possession", "status": "not_assessed", "format": "csv"},
        )
    )
    assert {row["country.iso2"] for row in unassessed} == {"CI", "VA"}
    assert {row["status"] for row in unassessed} == {"not_assessed"}


def test_a_csv_download_is_the_whole_table_unless_a_page_is_asked_for(api, world):
    for index in range(60):
        StateFactory(name=f"Extra state {index:02d}")
    whole = rows(api.get("/api/v1/countries/", {"format": "csv"}))
    assert len(whole) == State.objects.count() > 50  # more than one JSON page
    page = rows(api.get("/api/v1/countries/", {"format": "csv", "page_size": 10, "page": 2}))
    assert len(page) == 10


def test_csv_runs_a_constant_number_of_queries(api, world):
    with CaptureQueriesContext(connection) as small:
        rows(api.get("/api/v1/laws/", {"format": "csv"}))
    from tests.factories import LawFactory

    LawFactory.create_batch(40)
    with CaptureQueriesContext(connection) as large:
        assert len(rows(api.get("/api/v1/laws/", {"format": "csv"}))) > 40
    assert len(large.captured_queries) == len(small.captured_queries)


def test_errors_stay_json_when_csv_was_asked(api, world):
    response = api.get("/api/v1/countries/", {"party_to": "nope", "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "party_to" in response.json()["errors"]


def test_detail_routes_and_unknown_formats_are_refused(api, world):
    assert api.get("/api/v1/countries/gb/", {"format": "csv"}).status_code == 400
    response = api.get("/api/v1/laws/", {"format": "xml"})
    assert response.status_code == 400
    assert "format" in response.json()["errors"]


def test_the_api_csv_is_plain_utf8_unless_a_bom_is_asked_for(api, db):
    """Issue 13.7: the API's CSV stays plain; `bom=1` adds the UTF-8 byte-order mark Excel
    needs; `bom` is declared in the schema and refused (400 naming it) without format=csv."""
    StateFactory(name="Côte d’Ivoire")
    plain = api.get("/api/v1/countries/", {"format": "csv"})
    assert plain.content.startswith(b"iso2,")
    marked = api.get("/api/v1/countries/", {"format": "csv", "bom": "1"})
    assert marked.content.startswith(b"\xef\xbb\xbfiso2,")
    assert marked.content[3:] == plain.content
    refused = api.get("/api/v1/countries/", {"bom": "1"})
    assert refused.status_code == 400 and "bom" in refused.json()["errors"]
    assert api.get("/api/v1/countries/", {"format": "csv", "bom": "yes"}).status_code == 400
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    listed = schema["paths"]["/api/v1/laws/"]["get"]["parameters"]
    bom = next(p for p in listed if p["name"] == "bom")
    assert "byte-order mark" in bom["description"]
    detail = schema["paths"]["/api/v1/laws/{id}/"]["get"].get("parameters", [])
    assert "bom" not in {p["name"] for p in detail}


def test_findings_csv_keeps_where_each_answer_was_read(api, db):
    """Issue 11.1: in the CSV as in the JSON, each evidence row and each finding names its source
    with URL, grade and date read; a provision's text and dates come with their sources."""
    import datetime

    from tests.factories import SourceFactory
    from tests.site.world import make_world

    world = make_world()
    page = SourceFactory(url="https://www.legislation.gov.uk/ukpga/1978/37/section/1")
    world.gb_s160.source = page
    world.gb_s160.text = "It is an offence for a person to have any indecent photograph"
    world.gb_s160.in_force_from = datetime.date(1988, 9, 29)
    world.gb_s160.in_force_from_source = page
    world.gb_s160.save()
    table = rows(api.get("/api/v1/findings/", {"indicator": "simple_possession", "format": "csv"}))
    gb = next(row for row in table if row["country.iso2"] == "GB")
    read = f"{page.url} (official, read 2026-12-06)"
    assert gb["evidence"] == f"Protection of Children Act 1978 c. 37, s. 160 [{read}]"
    assert gb["sources"] == read
    provisions = rows(api.get("/api/v1/provisions/", {"country": "GB", "format": "csv"}))
    s160 = next(row for row in provisions if row["label"] == "s. 160")
    assert s160["text"].startswith("It is an offence")
    assert (s160["source.url"], s160["source.grade"], s160["source.read_on"]) == (
        page.url,
        "official",
        "2026-12-06",
    )
    assert s160["in_force_from"] == "1988-09-29"
    assert s160["in_force_from_source.url"] == page.url
