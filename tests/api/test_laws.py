import pytest

from tests.api.conftest import codes

pytestmark = pytest.mark.django_db


def titles(response):
    return codes(response, key="title")


def test_only_published_laws_are_listed(api, world):
    assert titles(api.get("/api/v1/laws/")) == [
        "Criminal Code",
        "Protection of Children Act 1978",
        "Criminal Justice Act 1988",
    ]


def test_law_row(api, world):
    [row] = api.get("/api/v1/laws/?q=1978").json()["results"]
    # With q, a rank (its scale depends on the database) and a snippet with the match marked.
    assert row.pop("rank") > 0
    assert row.pop("snippet").startswith("Protection of Children Act <mark>1978</mark>")
    assert row == {
        "id": world.pca.pk,
        "url": f"http://testserver/api/v1/laws/{world.pca.pk}/",
        "country": {
            "iso2": "GB",
            "name": "United Kingdom",
            "url": "http://testserver/api/v1/countries/GB/",
        },
        "jurisdiction": None,
        "title": "Protection of Children Act 1978",
        "title_original": None,
        "language": None,
        "kind": "act",
        "citation": "1978 c. 37",
        "year_enacted": 1978,
        "date_adopted": None,
        "date_in_force": None,
        "date_repealed": None,
        "status": "amended",
        "source_url": "https://legislation.example.org/act",
        "verified": True,
        "verification_source": "legislation.gov.uk",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=gb", {"Protection of Children Act 1978", "Criminal Justice Act 1988"}),
        ("country=FR", {"Criminal Code"}),
        ("country=tr", set()),  # its only law is a draft
        ("indicator=simple_possession", {"Criminal Justice Act 1988", "Criminal Code"}),
        # The draft bill bears on distribution; it must not appear.
        ("indicator=distribution", {"Protection of Children Act 1978", "Criminal Code"}),
        (
            "indicator=distribution,simple_possession",
            {"Protection of Children Act 1978", "Criminal Justice Act 1988", "Criminal Code"},
        ),
        ("status=in_force", {"Criminal Code"}),
        (
            "status=amended&country=gb",
            {"Protection of Children Act 1978", "Criminal Justice Act 1988"},
        ),
        ("kind=code", {"Criminal Code"}),
        ("year_min=1980", {"Criminal Justice Act 1988", "Criminal Code"}),
        ("year_max=1980", {"Protection of Children Act 1978"}),
        ("year_min=1985&year_max=1990", {"Criminal Justice Act 1988"}),
        ("q=p%C3%A9nal", {"Criminal Code"}),  # original title
        ("q=1988%20c.%2033", {"Criminal Justice Act 1988"}),  # citation
        ("q=JUSTICE", {"Criminal Justice Act 1988"}),
        ("q=bill", set()),  # the draft's title
    ],
)
def test_law_filters(api, world, query, expected):
    assert set(titles(api.get(f"/api/v1/laws/?{query}"))) == expected


def test_law_detail_has_provisions_with_indicators(api, world):
    body = api.get(f"/api/v1/laws/{world.pca.pk}/").json()
    assert body["verified"] is True
    assert body["verification_source"] == "legislation.gov.uk"
    assert body["source_url"] == "https://legislation.example.org/act"
    [provision] = body["provisions"]
    assert provision["id"] == world.s1.pk
    assert provision["label"] == "s. 1(1)(a)"
    assert provision["indicators"] == ["production", "distribution"]
    assert body["amended_by"] == [
        {
            "id": world.cja.pk,
            "title": "Criminal Justice Act 1988",
            "citation": "1988 c. 33",
            "url": f"http://testserver/api/v1/laws/{world.cja.pk}/",
        }
    ]
    cja = api.get(f"/api/v1/laws/{world.cja.pk}/").json()
    assert [law["id"] for law in cja["amends"]] == [world.pca.pk]


def test_draft_law_detail_is_a_404(api, world):
    response = api.get(f"/api/v1/laws/{world.gb_draft.pk}/")
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("path", ["999999/", "99999999999999999999/", "abc/", "-1/"])
def test_unknown_or_malformed_law_id_is_a_json_404(api, world, path):
    response = api.get(f"/api/v1/laws/{path}")
    assert response.status_code == 404
    assert response.json()["detail"]
