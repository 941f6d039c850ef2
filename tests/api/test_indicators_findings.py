import pytest

from tests.api.conftest import codes

pytestmark = pytest.mark.django_db


def test_indicators_with_topic_and_treaty_basis(api, world):
    results = api.get("/api/v1/indicators/").json()["results"]
    assert [row["slug"] for row in results] == ["production", "distribution", "simple_possession"]
    production = results[0]
    assert production["topic"]["slug"] == "csam"
    assert production["question"] == "Produce?"
    assert production["treaty_basis"] == [
        {
            "treaty": "opsc",
            "provision": "opsc-art-3-1-c",
            "label": "3(1)(c)",
            "kind": "requires",
            "note": None,
            "treaty_url": "http://testserver/api/v1/treaties/opsc/",
        }
    ]
    assert production["url"] == "http://testserver/api/v1/indicators/production/"


def test_indicator_detail_and_topic_filter(api, world):
    assert api.get("/api/v1/indicators/production/").json()["slug"] == "production"
    assert len(codes(api.get("/api/v1/indicators/?topic=csam"), key="slug")) == 3
    assert api.get("/api/v1/indicators/nope/").status_code == 404


def pairs(response):
    return [
        (row["country"]["iso2"], row["indicator"], row["status"]) for row in codes_rows(response)
    ]


def codes_rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_findings_list_published_only_in_order(api, world):
    assert pairs(api.get("/api/v1/findings/")) == [
        ("FR", "production", "yes"),
        ("FR", "distribution", "partial"),
        ("FR", "simple_possession", "yes"),
        ("TR", "simple_possession", "no"),  # TR production `yes` is a draft
        ("GB", "production", "yes"),
        ("GB", "distribution", "yes"),
        ("GB", "simple_possession", "yes"),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=no", [("TR", "simple_possession", "no")]),
        ("status=partial", [("FR", "distribution", "partial")]),
        ("indicator=production", [("FR", "production", "yes"), ("GB", "production", "yes")]),
        ("indicator=production&country=gb", [("GB", "production", "yes")]),
        ("region=asia", [("TR", "simple_possession", "no")]),
        (
            "region=northern-europe&status=yes&indicator=simple_possession",
            [("GB", "simple_possession", "yes")],
        ),
    ],
)
def test_findings_filters(api, world, query, expected):
    assert pairs(api.get(f"/api/v1/findings/?{query}")) == expected


def test_not_assessed_lists_the_pairs_without_published_finding(api, world):
    response = api.get("/api/v1/findings/?status=not_assessed")
    body = response.json()
    # 5 states x 3 indicators - 7 published findings.
    assert body["count"] == 8
    assert pairs(response) == [
        ("CI", "production", "not_assessed"),
        ("CI", "distribution", "not_assessed"),
        ("CI", "simple_possession", "not_assessed"),
        ("VA", "production", "not_assessed"),
        ("VA", "distribution", "not_assessed"),
        ("VA", "simple_possession", "not_assessed"),
        ("TR", "production", "not_assessed"),  # only a draft exists
        ("TR", "distribution", "not_assessed"),
    ]
    row = body["results"][0]
    assert row["evidence"] == [] and row["note"] is None and row["verified"] is False


def test_not_assessed_pagination_and_count(api, world):
    first = api.get("/api/v1/findings/?status=not_assessed&page_size=3").json()
    assert first["count"] == 8
    assert "page=2" in first["next"]
    last = api.get("/api/v1/findings/?status=not_assessed&page_size=3&page=3").json()
    assert [r["country"]["iso2"] + ":" + r["indicator"] for r in last["results"]] == [
        "TR:production",
        "TR:distribution",
    ]
    assert last["next"] is None
    assert api.get("/api/v1/findings/?status=not_assessed&page_size=3&page=4").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=tr", [("TR", "production"), ("TR", "distribution")]),
        ("indicator=simple_possession", [("CI", "simple_possession"), ("VA", "simple_possession")]),
        ("region=western-europe&indicator=production", [("VA", "production")]),
        ("country=gb", []),
    ],
)
def test_not_assessed_with_filters(api, world, query, expected):
    response = api.get(f"/api/v1/findings/?status=not_assessed&{query}")
    assert [(a, b) for a, b, _ in pairs(response)] == expected
    assert response.json()["count"] == len(expected)


def test_a_state_without_finding_is_never_listed_as_no(api, world):
    no = pairs(api.get("/api/v1/findings/?status=no"))
    assert [iso2 for iso2, _, _ in no] == ["TR"]


def test_finding_evidence_excludes_provisions_of_unpublished_laws(api, world):
    [row] = codes_rows(api.get("/api/v1/findings/?country=gb&indicator=distribution"))
    assert [e["provision_label"] for e in row["evidence"]] == ["s. 1(1)(a)"]
