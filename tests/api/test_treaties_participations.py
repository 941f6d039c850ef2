import pytest

pytestmark = pytest.mark.django_db


def test_treaty_list_counts_published_parties_and_signatories(api, world):
    rows = {row["code"]: row for row in api.get("/api/v1/treaties/").json()["results"]}
    assert list(rows) == ["crc", "opsc"]
    # Every state signed the CRC, then became party: five signatories as the UN counts them,
    # none signed and not party.
    counts = ("party_count", "signatory_count", "signed_not_party_count")
    assert tuple(rows["crc"][c] for c in counts) == (5, 5, 0)
    # GB and FR are parties (FR acceded without signing), GB and CI signed, CI only signed;
    # TR's draft participation does not count.
    assert tuple(rows["opsc"][c] for c in counts) == (2, 2, 1)
    assert rows["opsc"]["status_as_of"] == "2026-02-03"
    assert rows["opsc"]["url"] == "http://testserver/api/v1/treaties/opsc/"


@pytest.mark.parametrize("code", ["opsc", "OPSC"])
def test_treaty_detail_has_provision_tree(api, world, code):
    body = api.get(f"/api/v1/treaties/{code}/").json()
    assert body["code"] == "opsc"
    assert body["status_source"] == "UNTC IV-11-c"
    assert body["party_count"] == 2
    tree = body["provisions"]
    assert [node["slug"] for node in tree] == ["opsc-art-2", "opsc-art-3"]
    art3 = tree[1]
    assert [c["slug"] for c in art3["children"]] == ["opsc-art-3-1"]
    assert [c["slug"] for c in art3["children"][0]["children"]] == ["opsc-art-3-1-c"]
    assert art3["children"][0]["children"][0]["children"] == []


def test_unknown_treaty_is_a_json_404(api, world):
    response = api.get("/api/v1/treaties/nope/")
    assert response.status_code == 404
    assert response.json()["detail"]


def rows(response):
    return {(row["treaty"], row["country"]["iso2"]) for row in codes_rows(response)}


def codes_rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_participation_rows(api, world):
    results = codes_rows(api.get("/api/v1/participations/?treaty=opsc&country=gb"))
    assert results == [
        {
            "treaty": "opsc",
            "country": {
                "iso2": "GB",
                "name": "United Kingdom",
                "url": "http://testserver/api/v1/countries/GB/",
            },
            "status": "party",
            "signature_date": "2000-09-07",
            "consent_date": "2009-02-20",
            "consent_type": "ratification",
            "withdrawal_date": None,
            "reservations": [
                {
                    "kind": "declaration",
                    "heading": "Declaration made upon ratification:",
                    "text": "The United Kingdom declares that ...",
                    "date": "2009-02-20",
                    "withdrawn_date": None,
                }
            ],
            "source_url": None,  # absent: null, never "" (issue 14.6)
            "as_of": None,
        }
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("treaty=opsc", {("opsc", "GB"), ("opsc", "FR"), ("opsc", "CI")}),
        ("treaty=opsc&status=party", {("opsc", "GB"), ("opsc", "FR")}),
        ("status=signatory", {("opsc", "CI")}),
        ("consent_type=accession", {("opsc", "FR")}),
        ("country=gb,FR&treaty=opsc", {("opsc", "GB"), ("opsc", "FR")}),
        ("country=gb&country=fr&treaty=crc", {("crc", "GB"), ("crc", "FR")}),
        ("region=western-europe", {("crc", "FR"), ("crc", "VA"), ("opsc", "FR")}),
        ("region=africa", {("crc", "CI"), ("opsc", "CI")}),
        ("consent_year_min=2003&consent_year_max=2003", {("opsc", "FR")}),
        ("consent_year_min=2004", {("opsc", "GB")}),
        ("consent_year_max=1990", {("crc", "FR"), ("crc", "VA")}),
        ("treaty=crc,opsc&country=tr", {("crc", "TR")}),  # TR's opsc row is a draft
    ],
)
def test_participation_filters(api, world, query, expected):
    assert rows(api.get(f"/api/v1/participations/?{query}")) == expected


def test_participations_ordered_by_treaty_then_state_name(api, world):
    results = codes_rows(api.get("/api/v1/participations/"))
    assert [(r["treaty"], r["country"]["iso2"]) for r in results] == [
        ("crc", "CI"),
        ("crc", "FR"),
        ("crc", "VA"),
        ("crc", "TR"),
        ("crc", "GB"),
        ("opsc", "CI"),
        ("opsc", "FR"),
        ("opsc", "GB"),
    ]


def test_participations_have_no_detail_route(api, world):
    assert api.get("/api/v1/participations/1/").status_code == 404


def test_country_codes_in_participation_filter_are_checked(api, world):
    response = api.get("/api/v1/participations/?country=gb,zz")
    assert response.status_code == 400
    assert "country" in response.json()["errors"]
    assert "'ZZ'" in response.json()["errors"]["country"][0]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "region=europe",
        "region=western-europe,africa",
        "region=europe,northern-europe",  # a state in both is counted once
        "region=asia",
        "page_size=1&page=2",
    ],
)
def test_the_treaty_list_is_what_the_serializer_writes(api, world, query):
    """The list's rows are built from counts held per data version; with `updated_since` the
    serializer over `treaties_with_counts` answers: the same rows."""
    fast = api.get(f"/api/v1/treaties/?{query}").json()
    # Every treaty changed after 2000: the same rows, through the serializer.
    slow = api.get(f"/api/v1/treaties/?{query}&updated_since=2000-01-01").json()
    assert fast["count"] == slow["count"]
    assert fast["results"] == slow["results"]


def test_the_treaty_counts_follow_a_publication_at_once(api, world):
    def opsc():
        rows = api.get("/api/v1/treaties/", {"region": "africa"}).json()["results"]
        row = next(r for r in rows if r["code"] == "opsc")
        return row["party_count"], row["signatory_count"], row["signed_not_party_count"]

    assert opsc() == (0, 1, 1)  # CI signed
    participation = world.ci.participations.get(treaty__code="opsc")
    participation.consent_date = participation.signature_date
    participation.consent_type = "ratification"
    participation.save()
    assert opsc() == (1, 1, 0)
