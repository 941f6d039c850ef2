"""The schema and the validation agree (issue 14.5): the methods a route serves, empty values,
the rules between parameters, and a query string with too many parameters."""

import logging

import pytest

from crin_legal.api.v1 import router

pytestmark = pytest.mark.django_db

LIST_URLS = [f"/api/v1/{prefix}/" for prefix, _, _ in router.registry]
ROUTES = ["/api/v1/", *LIST_URLS, "/api/v1/countries/GB/", "/api/v1/treaties/opsc/"]


@pytest.mark.parametrize("method", ["TRACE", "POST", "PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("url", ROUTES)
def test_a_method_the_route_does_not_serve_is_a_405_whatever_the_query(api, world, url, method):
    # Before: the unknown parameter was checked first, a 400 the schema does not declare.
    response = api.generic(method, url + "?no_such_parameter=1")
    assert response.status_code == 405, response.content
    assert response.json() == {"detail": f'Method "{method}" not allowed.'}


@pytest.mark.parametrize("url", LIST_URLS)
def test_an_empty_updated_since_is_a_400_naming_it(api, world, url):
    response = api.get(url + "?updated_since=")
    assert response.status_code == 400, response.content
    assert response.json()["errors"] == {
        "updated_since": ["Empty value: give a value, or leave the parameter out."]
    }


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/laws/", "year_min"),
        ("/api/v1/laws/", "country"),
        ("/api/v1/laws/", "q"),
        ("/api/v1/laws/", "page"),
        ("/api/v1/laws/", "page_size"),
        ("/api/v1/participations/", "consent_type"),
        ("/api/v1/findings/", "as_of"),
        ("/api/v1/changes/", "since"),
        ("/api/v1/countries/", "un_status"),
    ],
)
def test_any_empty_value_is_a_400(api, world, url, parameter):
    response = api.get(f"{url}?{parameter}=")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


@pytest.fixture
def schema(api, world):
    return api.get("/api/v1/schema/?format=json").json()


def query_parameters(schema, path):
    return {
        p["name"]: p
        for p in schema["paths"][path]["get"].get("parameters", [])
        if p["in"] == "query"
    }


def test_the_schema_says_string_parameters_need_a_value(schema):
    for path in schema["paths"]:
        for parameter in query_parameters(schema, path).values():
            value = parameter["schema"]
            value = value.get("items", value) if value.get("type") == "array" else value
            if value.get("type") == "string" and "enum" not in value:
                assert value.get("minLength") == 1, (path, parameter["name"])


@pytest.mark.parametrize(
    ("path", "rule", "low", "high"),
    [
        ("/api/v1/laws/", "`year_min` <= `year_max`", "year_min", "year_max"),
        (
            "/api/v1/participations/",
            "`consent_year_min` <= `consent_year_max`",
            "consent_year_min",
            "consent_year_max",
        ),
    ],
)
def test_the_schema_states_the_rules_between_parameters_that_the_api_enforces(
    api, schema, path, rule, low, high
):
    operation = schema["paths"][path]["get"]
    assert rule in operation["x-constraints"]
    assert rule in operation["description"]
    assert f"Not greater than `{high}`" in query_parameters(schema, path)[low]["description"]
    assert f"Not less than `{low}`" in query_parameters(schema, path)[high]["description"]
    # And the API enforces what the schema says.
    response = api.get(path, {low: 2010, high: 2000})
    assert response.status_code == 400
    assert low in response.json()["errors"]


def test_the_schema_states_since_and_updated_since_are_one_moment(api, schema):
    operation = schema["paths"]["/api/v1/changes/"]["get"]
    assert any("`since` and `updated_since`" in rule for rule in operation["x-constraints"])
    response = api.get("/api/v1/changes/", {"since": "2026-01-01", "updated_since": "2026-02-01"})
    assert response.status_code == 400


def test_the_schema_states_the_page_bounds(api, schema):
    operation = schema["paths"]["/api/v1/laws/"]["get"]
    assert "`page` <= the last page (a 404 otherwise)" in operation["x-constraints"]
    page_size = query_parameters(schema, "/api/v1/laws/")["page_size"]["schema"]
    assert (page_size["minimum"], page_size["maximum"]) == (1, 500)
    assert api.get("/api/v1/laws/", {"page": 999}).status_code == 404
    assert api.get("/api/v1/laws/", {"page_size": 501}).status_code == 400


TOO_MANY = "&".join(f"p{i}=1" for i in range(1200))


@pytest.mark.parametrize("path", ["/api/v1/laws/", "/laws/", "/countries/"])
def test_too_many_parameters_is_one_log_line_and_no_traceback(client, world, caplog, path):
    with caplog.at_level(logging.INFO):
        response = client.get(f"{path}?{TOO_MANY}")
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["errors"] == {"non_field_errors": ["The query string is too large."]}
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.getMessage() for r in warnings] == [f"Bad Request: {path}"]
    assert all(r.exc_info is None for r in warnings)
