"""The OpenAPI schema declares every parameter; the docs page works without the internet."""

import re

import pytest

from crin_legal.api.v1 import router

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api):
    response = api.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def parameters(schema, path):
    return {p["name"]: p for p in schema["paths"][path]["get"].get("parameters", [])}


def test_schema_covers_the_public_v1_urls_only(schema):
    paths = set(schema["paths"])
    assert paths == {
        "/api/v1/",
        "/api/v1/countries/",
        "/api/v1/countries/{iso2}/",
        "/api/v1/treaties/",
        "/api/v1/treaties/{code}/",
        "/api/v1/participations/",
        "/api/v1/laws/",
        "/api/v1/laws/{id}/",
        "/api/v1/indicators/",
        "/api/v1/indicators/{slug}/",
        "/api/v1/findings/",
        "/api/v1/changes/",
        "/api/v1/provisions/",
        "/api/v1/stats/timeline/",
        "/api/v1/gaps/",
    }


@pytest.mark.parametrize(("prefix", "viewset"), [(p, v) for p, v, _ in router.registry])
def test_schema_declares_every_accepted_parameter(schema, prefix, viewset):
    declared = parameters(schema, f"/api/v1/{prefix}/")
    accepted = viewset.filterset_class.parameter_names() | {"page", "page_size", "format", "bom"}
    assert set(declared) == accepted
    assert declared["format"]["schema"]["enum"] == ["csv", "json"]
    for name, parameter in declared.items():
        assert parameter["in"] == "query"
        if name not in ("page", "page_size"):
            assert parameter.get("description"), f"{prefix}: {name} is not described"
    assert declared["page_size"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 500,
        "default": 50,
    }


@pytest.mark.parametrize(
    ("path", "parameter", "enum"),
    [
        ("/api/v1/countries/", "un_status", ["member", "observer", "other"]),
        ("/api/v1/participations/", "status", ["party", "signatory"]),
        (
            "/api/v1/participations/",
            "consent_type",
            ["acceptance", "accession", "approval", "ratification", "succession"],
        ),
        ("/api/v1/laws/", "status", ["amended", "in_force", "repealed"]),
        ("/api/v1/laws/", "kind", ["act", "code", "constitution", "decree", "regulation"]),
        ("/api/v1/findings/", "status", ["no", "not_assessed", "partial", "yes"]),
    ],
)
def test_closed_vocabularies_are_declared_as_enums(schema, path, parameter, enum):
    assert sorted(parameters(schema, path)[parameter]["schema"]["enum"]) == enum


def test_multi_valued_parameters_are_arrays(schema):
    countries = parameters(schema, "/api/v1/countries/")
    for name in ("region", "subregion", "party_to", "criminalises", "finding"):
        assert countries[name]["schema"]["type"] == "array"
        assert countries[name]["explode"] is True
    finding_pattern = countries["finding"]["schema"]["items"]["pattern"]
    assert re.match(finding_pattern, "simple_possession:not_assessed")
    assert not re.match(finding_pattern, "simple_possession:maybe")
    years = parameters(schema, "/api/v1/laws/")["year_min"]["schema"]
    assert (years["type"], years["minimum"], years["maximum"]) == ("integer", 1, 9999)


def test_error_bodies_are_documented(schema):
    responses = schema["paths"]["/api/v1/countries/"]["get"]["responses"]
    assert responses["400"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ValidationError"
    )
    assert "404" in responses


def test_docs_page_loads_with_local_assets(api):
    response = api.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in assets
    assert not [a for a in assets if a.startswith(("http:", "https:", "//"))], assets
    # The start-up script comes from a URL (no inline script under the CSP); it loads our schema.
    script = re.search(r'<script src="(/api/v1/docs/\?script=[^"]*)"', html).group(1)
    assert "/api/v1/schema/" in api.get(script).content.decode()
    for asset in assets:
        if asset.startswith("/static/"):
            asset_response = api.get(asset)
            assert asset_response.status_code == 200, asset


def test_index_lists_every_endpoint_with_absolute_urls(api, db):
    body = api.get("/api/v1/").json()
    assert body == {
        "countries": "http://testserver/api/v1/countries/",
        "treaties": "http://testserver/api/v1/treaties/",
        "participations": "http://testserver/api/v1/participations/",
        "laws": "http://testserver/api/v1/laws/",
        "indicators": "http://testserver/api/v1/indicators/",
        "findings": "http://testserver/api/v1/findings/",
        "provisions": "http://testserver/api/v1/provisions/",
        "changes": "http://testserver/api/v1/changes/",
        "schema": "http://testserver/api/v1/schema/",
        "docs": "http://testserver/api/v1/docs/",
    }
    for url in body.values():
        assert api.get(url).status_code == 200, url


def test_schema_documents_the_error_shape_and_not_assessed(schema):
    description = schema["info"]["description"]
    assert '"errors": {"<parameter>"' in description
    assert "never `no`" in description


def test_data_vocabularies_are_declared_with_their_current_codes(api, world):
    schema = api.get("/api/v1/schema/?format=json").json()
    participations = parameters(schema, "/api/v1/participations/")
    assert participations["treaty"]["schema"]["items"]["enum"] == ["crc", "opsc"]
    assert participations["country"]["schema"]["items"]["enum"] == ["CI", "FR", "GB", "TR", "VA"]
    countries = parameters(schema, "/api/v1/countries/")
    assert countries["subregion"]["schema"]["items"]["enum"] == [
        "northern-europe",
        "western-africa",
        "western-asia",
        "western-europe",
    ]
    assert "simple_possession:not_assessed" in countries["finding"]["schema"]["items"]["enum"]
    laws = parameters(schema, "/api/v1/laws/")
    assert laws["indicator"]["schema"]["items"]["enum"] == [
        "distribution",
        "production",
        "simple_possession",
    ]


def test_withdrawn_reservations_and_reserving_states_are_documented(schema):
    components = schema["components"]["schemas"]
    withdrawn = components["Reservation"]["properties"]["withdrawn_date"]
    assert "withdrew it (UNTC end notes); null while it is in force" in withdrawn["description"]
    reserving = components["Objection"]["properties"]["reserving_state"]
    text = reserving.get("description") or str(reserving)
    assert "an objection naming several states is listed with each" in text


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ({"bogus": "1"}, "bogus", "Unknown query parameter. Allowed: format, lang."),
        ({"format": "xml"}, "format", "Unsupported format. Allowed: json, yaml."),
        ({"lang": "xx"}, "lang", "Unknown language. Allowed: ar, en, es, fr, ru."),
        ({"lang": ""}, "lang", "Empty value: give a value, or leave the parameter out."),
    ],
)
def test_the_schema_refuses_what_it_does_not_understand_naming_it(api, query, parameter, message):
    # A partner's generator asking for ?lang=xx would otherwise get English without a word, and
    # ?format=xml a bare 404; a misspelt parameter would be silently ignored.
    response = api.get("/api/v1/schema/", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Invalid request.", "errors": {parameter: [message]}}


def test_the_schema_in_another_language_describes_its_parameters_in_that_language(api):
    english = api.get("/api/v1/schema/", {"format": "json"}).json()
    french = api.get("/api/v1/schema/", {"format": "json", "lang": "fr"})
    assert french.status_code == 200
    assert french.json()["paths"].keys() == english["paths"].keys()
    page_size = {
        "english": parameters(english, "/api/v1/countries/")["page_size"]["description"],
        "french": parameters(french.json(), "/api/v1/countries/")["page_size"]["description"],
    }
    assert page_size == {
        "english": "Results per page: 1 to 500, default 50.",
        "french": "Résultats par page : de 1 à 500, 50 par défaut.",
    }


@pytest.mark.parametrize(
    ("query", "parameter", "message"),
    [
        ({"bogus": "1"}, "bogus", "Unknown query parameter. Allowed: lang, script."),
        ({"lang": "xx"}, "lang", "Unknown language. Allowed: ar, en, es, fr, ru."),
        ({"script": "1"}, "script", "Takes no value."),
    ],
)
def test_the_docs_page_refuses_what_it_does_not_understand_naming_it(
    api, query, parameter, message
):
    response = api.get("/api/v1/docs/", query)
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid request.", "errors": {parameter: [message]}}


def test_the_docs_page_and_its_script_still_load_in_another_language(api):
    page = api.get("/api/v1/docs/", {"lang": "fr"})
    assert page.status_code == 200
    assert 'src="/api/v1/docs/?lang=fr&amp;script="' in page.content.decode()
    script = api.get("/api/v1/docs/?lang=fr&script=")
    assert script.status_code == 200
    assert script["Content-Type"] == "application/javascript"
    # The page loads the schema in its language, which the schema accepts.
    assert 'url: "/api/v1/schema/?lang\\u003Dfr"' in script.content.decode()
    assert api.get("/api/v1/schema/?lang=fr").status_code == 200
