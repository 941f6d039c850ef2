"""Bad input is a 400 naming the parameter; unknown objects a JSON 404; nothing is ever a 500."""

from urllib.parse import quote

import pytest

from crin_legal.api.v1 import router

pytestmark = pytest.mark.django_db

LIST_URLS = [f"/api/v1/{prefix}/" for prefix, _, _ in router.registry]


def errors(response, status=400):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"] == "Invalid request."
    return body["errors"]


@pytest.mark.parametrize("url", LIST_URLS)
def test_unknown_parameter_is_rejected_on_every_endpoint(api, world, url):
    # A misspelt filter must not return the whole table.
    assert "regoin" in errors(api.get(url, {"regoin": "europe"}))


def test_parameters_on_a_detail_route_are_rejected(api, world):
    assert "region" in errors(api.get("/api/v1/countries/GB/", {"region": "europe"}))


@pytest.mark.parametrize(
    ("url", "parameter", "value"),
    [
        ("/api/v1/countries/", "region", "atlantis"),
        ("/api/v1/countries/", "subregion", "europe"),  # a region, not a sub-region
        ("/api/v1/countries/", "un_status", "MEMBER"),
        ("/api/v1/countries/", "party_to", "crc,nope"),
        ("/api/v1/countries/", "signatory_to", "opac"),
        ("/api/v1/countries/", "not_party_to", "x"),
        ("/api/v1/countries/", "criminalises", "possession"),
        ("/api/v1/countries/", "finding", "production"),
        ("/api/v1/countries/", "finding", "production:maybe"),
        ("/api/v1/countries/", "finding", "nope:yes"),
        ("/api/v1/participations/", "treaty", "nope"),
        ("/api/v1/participations/", "status", "no_action"),
        ("/api/v1/participations/", "consent_type", "signature"),
        ("/api/v1/participations/", "country", "ZZ"),
        ("/api/v1/participations/", "country", "GBR"),
        ("/api/v1/participations/", "region", "mars"),
        ("/api/v1/laws/", "country", "zz"),
        ("/api/v1/laws/", "indicator", "nope"),
        ("/api/v1/laws/", "status", "draft"),
        ("/api/v1/laws/", "kind", "statute"),
        ("/api/v1/indicators/", "topic", "nope"),
        ("/api/v1/findings/", "indicator", "nope"),
        ("/api/v1/findings/", "status", "maybe"),
        ("/api/v1/findings/", "country", "XX"),
        ("/api/v1/findings/", "region", "nowhere"),
    ],
)
def test_value_outside_vocabulary_is_an_error_not_an_empty_list(api, world, url, parameter, value):
    messages = errors(api.get(url, {parameter: value}))
    assert list(messages) == [parameter]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/laws/", "year_min"),
        ("/api/v1/laws/", "year_max"),
        ("/api/v1/participations/", "consent_year_min"),
        ("/api/v1/participations/", "consent_year_max"),
    ],
)
@pytest.mark.parametrize("value", ["abc", "20x0", "1e3", "-5", "0", "10000", str(2**64), "١٩٩٠"])
def test_malformed_year_is_rejected(api, world, url, parameter, value):
    assert parameter in errors(api.get(url, {parameter: value}))


def test_min_above_max_is_rejected(api, world):
    assert "year_min" in errors(api.get("/api/v1/laws/?year_min=2000&year_max=1990"))
    assert "consent_year_min" in errors(
        api.get("/api/v1/participations/?consent_year_min=2000&consent_year_max=1990")
    )


@pytest.mark.parametrize("url", LIST_URLS)
def test_nul_byte_and_oversized_values_are_rejected(api, world, url):
    assert "page" in errors(api.get(url, {"page": "1\x00"}))
    assert "page_size" in errors(api.get(url, {"page_size": "9" * 10_000}))


def test_nul_byte_in_search_is_rejected(api, world):
    assert "q" in errors(api.get("/api/v1/countries/", {"q": "fr\x00ance"}))
    assert "q" in errors(api.get("/api/v1/laws/", {"q": "x" * 10_240}))


def test_repeated_single_valued_parameter_with_conflicting_values(api, world):
    messages = errors(api.get("/api/v1/participations/?status=party&status=signatory"))
    assert list(messages) == ["status"]
    # The same value twice is harmless.
    assert api.get("/api/v1/participations/?status=party&status=party").status_code == 200
    assert "page_size" in errors(api.get("/api/v1/laws/?page_size=1&page_size=2"))
    # Multi-valued filters may repeat.
    assert api.get("/api/v1/participations/?country=gb&country=fr").status_code == 200


@pytest.mark.parametrize("value", ["0", "-1", "501", "abc", str(2**64), "1.5", " ", "1,2"])
def test_bad_page_size(api, world, value):
    assert list(errors(api.get("/api/v1/countries/", {"page_size": value}))) == ["page_size"]


def test_page_size_bounds_are_honoured(api, world):
    assert len(api.get("/api/v1/countries/?page_size=1").json()["results"]) == 1
    assert len(api.get("/api/v1/countries/?page_size=500").json()["results"]) == 5


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.0", "last", str(2**64)])
def test_bad_page(api, world, value):
    assert list(errors(api.get("/api/v1/countries/", {"page": value}))) == ["page"]


@pytest.mark.parametrize("value", ["2", "999999999"])
def test_page_beyond_the_end_is_a_json_404(api, world, value):
    response = api.get("/api/v1/countries/", {"page": value})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "does not exist" in response.json()["detail"]


def test_format(api, world):
    assert api.get("/api/v1/countries/?format=json").status_code == 200
    assert "format" in errors(api.get("/api/v1/countries/?format=xml"))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing/",
        "/api/v1/countries/ZZ/",
        "/api/v1/countries/GBR/",
        "/api/v1/treaties/nope/",
        "/api/v1/laws/0/",
        "/api/v1/indicators/nope/",
        "/api/v1/findings/1/",
    ],
)
def test_unknown_objects_and_paths_are_json_404(api, world, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_writes_are_refused_with_json(api, world):
    response = api.post("/api/v1/countries/", {"iso2": "XX"}, format="json")
    assert response.status_code == 405
    assert response.json()["detail"]


HOSTILE = [
    "",
    " ",
    ",",
    ",,,",
    ":",
    "a:b:c",
    "production:",
    ":yes",
    "\x00",
    "x" * 10_240,
    "-1",
    "0",
    str(2**64),
    str(-(2**63)),
    "1e308",
    "NaN",
    "1.5",
    "2024-13-45",
    "' OR 1=1 --",
    '"; DROP TABLE treaties_state; --',
    "%",
    "_",
    "%00",
    "\\",
    "../..",
    "null",
    "[]",
    "{}",
    "\u202e\ufeff",
    "Ω≈ç√",
    "\U0001f600",
    "<script>alert(1)</script>",
    "gb,fr," * 100,
]


def all_parameters(viewset):
    filterset = viewset.filterset_class
    return sorted(filterset.parameter_names() | {"page", "page_size", "format"})


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        (f"/api/v1/{prefix}/", parameter)
        for prefix, viewset, _ in router.registry
        for parameter in all_parameters(viewset)
    ],
)
def test_no_query_string_gives_a_500(api, world, url, parameter):
    for value in HOSTILE:
        response = api.get(url, {parameter: value})
        assert response.status_code in (200, 400, 404), (parameter, value, response.status_code)
        body = response.json()
        if response.status_code == 400:
            assert parameter in body["errors"], (parameter, value, body)
        elif response.status_code == 404:
            assert body["detail"]
        else:
            assert "results" in body


@pytest.mark.parametrize("prefix", ["countries", "treaties", "laws", "indicators"])
def test_no_detail_path_gives_a_500(api, world, prefix):
    for value in HOSTILE:
        if not value or "/" in value or value.strip(".") == "":
            continue
        response = api.get(f"/api/v1/{prefix}/{quote(value, safe='')}/")
        assert response.status_code == 404, (value, response.status_code)
        assert response.json()["detail"]


def test_missing_trailing_slash_redirects_keeping_the_query(api, world):
    response = api.get("/api/v1/countries?region=europe")
    assert response.status_code == 301
    assert response["Location"] == "/api/v1/countries/?region=europe"
    assert api.get("/api/v1/countries/gb").status_code == 301
    assert api.get("/api/v1/nothing").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["%00=1", "=1", "x" * 5000 + "=1", "&&&", "page_size", "a[]=1", "%ff%fe=1", "q=%ff"],
)
def test_odd_query_strings(api, world, query):
    response = api.get(f"/api/v1/countries/?{query}")
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["errors"]


def test_too_many_parameters_is_a_json_400(api, world):
    query = "&".join(f"country=gb{n}" for n in range(2000))
    response = api.get(f"/api/v1/countries/?{query}")
    assert response.status_code == 400
    assert response.json()["errors"]
