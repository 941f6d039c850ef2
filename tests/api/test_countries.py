import pytest

from tests.api.conftest import codes

pytestmark = pytest.mark.django_db


def test_list_rows_have_the_contract_fields(api, world):
    response = api.get("/api/v1/countries/")
    body = response.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 5
    gb = next(row for row in body["results"] if row["iso2"] == "GB")
    assert gb == {
        "iso2": "GB",
        "iso3": "GBX",
        "iso_numeric": world.gb.m49,
        "name": "United Kingdom",
        "region": {"slug": "europe", "name": "Europe"},
        "subregion": {"slug": "northern-europe", "name": "Northern Europe"},
        "un_status": "member",
        "url": "http://testserver/api/v1/countries/GB/",
        "treaty_status": {"crc": "party", "opsc": "party"},
        "finding_status": {"production": "yes", "distribution": "yes", "simple_possession": "yes"},
    }


def test_list_rows_summarise_treaty_status_and_findings_without_drafts(api, world):
    rows = {row["iso2"]: row for row in api.get("/api/v1/countries/").json()["results"]}
    assert rows["CI"]["treaty_status"] == {"crc": "party", "opsc": "signatory"}
    # TR's OPSC participation and its production finding are drafts: never shown.
    assert rows["TR"]["treaty_status"] == {"crc": "party", "opsc": "no_action"}
    assert rows["TR"]["finding_status"] == {
        "production": "not_assessed",
        "distribution": "not_assessed",
        "simple_possession": "no",
    }
    assert rows["FR"]["finding_status"]["distribution"] == "partial"


def test_list_is_ordered_by_name(api, world):
    assert codes(api.get("/api/v1/countries/")) == ["CI", "FR", "VA", "TR", "GB"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("region=europe", {"GB", "FR", "VA"}),
        ("region=western-africa", {"CI"}),  # a sub-region slug is accepted by `region`
        ("region=africa,asia", {"CI", "TR"}),
        ("subregion=western-europe", {"FR", "VA"}),
        ("subregion=western-europe&subregion=northern-europe", {"FR", "VA", "GB"}),
        ("un_status=observer", {"VA"}),
        ("un_status=member&region=europe", {"GB", "FR"}),
    ],
)
def test_region_and_status_filters(api, world, query, expected):
    assert set(codes(api.get(f"/api/v1/countries/?{query}"))) == expected


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("cote", {"CI"}),
        ("CÔTE", {"CI"}),
        ("cote d'ivoire", {"CI"}),  # typed apostrophe finds the typographic one
        ("turkiye", {"TR"}),
        ("Türkiye", {"TR"}),
        ("great britain", {"GB"}),  # the UN spelling
        ("KI", {"GB", "TR"}),  # Kingdom, Türkiye
        ("atlantis", set()),
    ],
)
def test_q_ignores_accents_and_case(api, world, q, expected):
    assert set(codes(api.get("/api/v1/countries/", {"q": q}))) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("party_to=opsc", {"GB", "FR"}),  # TR's participation is a draft
        ("party_to=crc,opsc", {"GB", "FR"}),
        ("party_to=crc", {"GB", "FR", "CI", "TR", "VA"}),
        ("signatory_to=opsc", {"CI"}),
        ("signatory_to=crc", set()),
        ("not_party_to=opsc", {"CI", "TR", "VA"}),
        ("party_to=crc&not_party_to=opsc&region=europe", {"VA"}),
    ],
)
def test_treaty_filters(api, world, query, expected):
    assert set(codes(api.get(f"/api/v1/countries/?{query}"))) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("criminalises=production", {"GB", "FR"}),  # TR's `yes` is a draft
        ("criminalises=production,distribution", {"GB"}),  # FR's distribution is partial
        ("criminalises=production&criminalises=simple_possession", {"GB", "FR"}),
        ("finding=distribution:partial", {"FR"}),
        ("finding=simple_possession:no", {"TR"}),
        ("finding=simple_possession:not_assessed", {"CI", "VA"}),
        ("finding=production:not_assessed", {"CI", "TR", "VA"}),
        ("finding=production:yes&finding=distribution:partial", {"FR"}),
        ("finding=production:yes&finding=distribution:yes", {"GB"}),
        ("finding=production:not_assessed&finding=simple_possession:no", {"TR"}),
        ("criminalises=simple_possession&party_to=opsc&subregion=western-europe", {"FR"}),
    ],
)
def test_finding_filters(api, world, query, expected):
    assert set(codes(api.get(f"/api/v1/countries/?{query}"))) == expected


def test_not_assessed_is_never_reported_as_no(api, world):
    assert "CI" not in codes(api.get("/api/v1/countries/?finding=simple_possession:no"))
    assert "TR" not in codes(api.get("/api/v1/countries/?finding=simple_possession:not_assessed"))


@pytest.mark.parametrize("iso2", ["GB", "gb", "Gb"])
def test_detail_is_case_insensitive(api, world, iso2):
    response = api.get(f"/api/v1/countries/{iso2}/")
    assert response.status_code == 200
    assert response.json()["iso2"] == "GB"


def test_detail_participations_with_reservations_and_objections(api, world):
    gb = api.get("/api/v1/countries/gb/").json()
    assert [p["treaty"] for p in gb["participations"]] == ["crc", "opsc"]
    opsc = gb["participations"][1]
    assert opsc["status"] == "party"
    assert opsc["signature_date"] == "2000-09-07"
    assert opsc["consent_date"] == "2009-02-20"
    assert opsc["consent_type"] == "ratification"
    assert opsc["reservations"] == [
        {
            "kind": "declaration",
            "heading": "Declaration made upon ratification:",
            "text": "The United Kingdom declares that ...",
            "date": "2009-02-20",
            "withdrawn_date": None,
        }
    ]
    assert opsc["objections"] == []  # made *by* GB: none

    fr = api.get("/api/v1/countries/FR/").json()
    fr_opsc = next(p for p in fr["participations"] if p["treaty"] == "opsc")
    assert fr_opsc["consent_type"] == "accession"
    assert fr_opsc["signature_date"] is None
    [objection] = fr_opsc["objections"]
    assert objection["reserving_state"]["iso2"] == "GB"
    assert objection["text"].startswith("France objects")

    ci = api.get("/api/v1/countries/CI/").json()
    ci_opsc = next(p for p in ci["participations"] if p["treaty"] == "opsc")
    assert (ci_opsc["status"], ci_opsc["consent_date"], ci_opsc["consent_type"]) == (
        "signatory",
        None,
        None,  # no consent, no kind of consent: null, never "" (issue 14.6)
    )


def test_detail_hides_draft_participation(api, world):
    tr = api.get("/api/v1/countries/TR/").json()
    assert [p["treaty"] for p in tr["participations"]] == ["crc"]


def test_detail_has_one_finding_per_indicator_not_assessed_included(api, world):
    tr = api.get("/api/v1/countries/TR/").json()
    by_indicator = {f["indicator"]: f for f in tr["findings"]}
    assert list(by_indicator) == ["production", "distribution", "simple_possession"]
    # The draft `yes` for production is invisible: production is not assessed, not `yes`.
    assert by_indicator["production"]["status"] == "not_assessed"
    assert by_indicator["production"]["evidence"] == []
    assert by_indicator["simple_possession"]["status"] == "no"
    assert by_indicator["simple_possession"]["note"].startswith("Art. 226(3) reviewed")

    ci = api.get("/api/v1/countries/CI/").json()
    assert {f["status"] for f in ci["findings"]} == {"not_assessed"}
    assert len(ci["findings"]) == 3


def test_detail_evidence_cites_published_provisions_only(api, world):
    gb = api.get("/api/v1/countries/GB/").json()
    findings = {f["indicator"]: f for f in gb["findings"]}
    production = findings["production"]
    assert production["status"] == "yes"
    assert production["evidence_citation"] == "PCA s. 1"
    [evidence] = production["evidence"]
    law_id = world.pca.pk
    assert evidence == {
        "law_id": law_id,
        "law_title": "Protection of Children Act 1978",
        "law_citation": "1978 c. 37",
        "law_url": f"http://testserver/api/v1/laws/{law_id}/",
        "provision_id": world.s1.pk,
        "provision_label": "s. 1(1)(a)",
        "provision_heading": "Indecent images of children",
        "provision_url": f"http://testserver/api/v1/laws/{law_id}/#provision-{world.s1.pk}",
        "source_url": "https://legislation.example.org/act",
        "jurisdiction": None,  # the law binds the whole state
        "source": None,  # no page recorded for this (synthetic) provision's text
    }
    # The draft bill's clause is evidence in the database but never in the API.
    labels = [e["provision_label"] for e in findings["distribution"]["evidence"]]
    assert labels == ["s. 1(1)(a)"]


def test_unknown_country_is_a_json_404(api, world):
    response = api.get("/api/v1/countries/ZZ/")
    assert response.status_code == 404
    assert "detail" in response.json()
