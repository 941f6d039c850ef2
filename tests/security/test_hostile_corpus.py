"""The committed hostile corpus (hostile_corpus.json) against every API endpoint and every public
page, enumerated from the URL configuration so that a new endpoint or page is covered without
editing this file: never a 5xx; under /api/, every 4xx is JSON."""

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver

from crin_legal.api.v1 import router
from public import urls as public_urls

CORPUS = json.loads((Path(__file__).parent / "hostile_corpus.json").read_text())
PAGINATION = {"page", "page_size"}
# Every query parameter the public site's views read (public/views.py, search.py, data.py),
# and a few they do not.
PAGE_PARAMETERS = [
    "q",
    "page",
    "type",
    "region",
    "subregion",
    "un_status",
    "indicator",
    "indicators",
    "treaty",
    "treaty_status",
    "status",
    "kind",
    "decade",
    "country",
    "countries",
    "consent_type",
    "format",
    "layer",
    "sort",
    "lang",
    "next",
]
SAMPLE_ARGUMENTS = {"iso2": "GB", "code": "opsc", "slug": "csam", "pk": None}


def api_endpoints():
    """(url, parameters) for every list and a detail URL template of every viewset."""
    endpoints = [("/api/v1/", set()), ("/api/v1/schema/", set()), ("/api/v1/docs/", set())]
    for prefix, viewset, _basename in router.registry:
        parameters = set(PAGINATION)
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is not None:
            parameters |= filterset.parameter_names()
        endpoints.append((f"/api/v1/{prefix}/", parameters))
        if hasattr(viewset, "retrieve"):
            endpoints.append((f"/api/v1/{prefix}/{{key}}/", set()))
    return endpoints


def public_pages():
    """(template, argument names) for every pattern of public/urls.py, in English and French."""
    pages = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                names = re.findall(r"<(?:\w+:)?(\w+)>", route)
                template = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
                pages.append(("/" + template, names))

    walk(public_urls.urlpatterns)
    # In French, the pages whose path takes an argument (the same views: paths only).
    return pages + [("/fr" + template, names) for template, names in pages if names]


ENDPOINTS = api_endpoints()
PAGES = public_pages()


def check(response, url, *, api):
    assert response.status_code < 500, (url, response.status_code, response.content[:300])
    if api and 400 <= response.status_code < 500:
        assert response["Content-Type"].startswith("application/json"), (url, response)
        json.loads(response.content)


def get(client, url, query="", **headers):
    return client.get(url, QUERY_STRING=query, headers=headers)


@pytest.fixture
def quiet_client(client, caplog):
    caplog.set_level("CRITICAL", logger="django.request")
    caplog.set_level("CRITICAL", logger="django.security")
    return client


# One test per endpoint and per page, so that the suite's workers share them; a new endpoint or
# page is a new test without editing this file.
@pytest.mark.django_db
@pytest.mark.parametrize(("url", "parameters"), ENDPOINTS, ids=[url for url, _ in ENDPOINTS])
def test_api_endpoints_survive_the_corpus(quiet_client, world, url, parameters):
    client = quiet_client
    sent = 0
    if "{key}" in url:
        for segment in CORPUS["path_segments"]:
            target = url.replace("{key}", segment)
            check(get(client, target), target, api=True)
            sent += 1
        url = url.replace("{key}", "GB")
    names = sorted(parameters) or ["q"]
    for index, value in enumerate(CORPUS["values"]):
        encoded = quote(value, safe="", errors="surrogatepass")
        # Every value in every parameter at once, then in each parameter alone (every other
        # value: the suite's time is bounded).
        alone = names if index % 2 == 0 else []
        for query in [
            "&".join(f"{n}={encoded}" for n in names),
            *(f"{n}={encoded}" for n in alone),
        ]:
            check(get(client, url, query), f"{url}?{query[:80]}", api=True)
            sent += 1
    for query in CORPUS["query_strings"]:
        check(get(client, url, query), f"{url}?{query[:80]}", api=True)
        sent += 1
    for headers in CORPUS["headers"]:
        check(get(client, url, **headers), f"{url} {headers}", api=True)
        sent += 1
    values, strings, headers = (len(CORPUS[k]) for k in ("values", "query_strings", "headers"))
    assert sent >= values + strings + headers


def test_the_corpus_reaches_every_endpoint_and_page():
    endpoints = [url for url, _parameters in ENDPOINTS]
    assert {"/api/v1/countries/", "/api/v1/countries/{key}/", "/api/v1/laws/"} <= set(endpoints)
    pages = [template for template, _names in PAGES]
    assert {"/", "/countries/{iso2}/", "/compare/", "/fr/countries/{iso2}/"} <= set(pages)


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "names"), PAGES, ids=[template for template, _ in PAGES])
def test_public_pages_survive_the_corpus(quiet_client, world, template, names):
    client = quiet_client
    samples = {**SAMPLE_ARGUMENTS, "pk": str(world.pca.pk)}
    url = template.format(**samples)
    for name in names:
        for segment in CORPUS["path_segments"]:
            target = template.format(**{**samples, name: segment})
            check(get(client, target), target, api=False)
    if template.startswith("/fr/"):  # the same views: paths only, in French
        return
    for index, value in enumerate(CORPUS["values"]):
        encoded = quote(value, safe="", errors="surrogatepass")
        alone = PAGE_PARAMETERS if index % 8 == 0 else []
        queries = ["&".join(f"{n}={encoded}" for n in PAGE_PARAMETERS)]
        queries += [f"{n}={encoded}" for n in alone]
        for query in queries:
            check(get(client, url, query), f"{url}?{query[:80]}", api=False)
    for query in CORPUS["query_strings"]:
        check(get(client, url, query), f"{url}?{query[:80]}", api=False)
    for headers in CORPUS["headers"]:
        check(get(client, url, **headers), f"{url} {headers}", api=False)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_to_the_api_are_refused_in_json(quiet_client, world, method):
    for url, _parameters in ENDPOINTS:
        url = url.replace("{key}", "GB")
        response = getattr(quiet_client, method)(
            url, data="<x>" * 1000, content_type="application/xml"
        )
        assert response.status_code in (403, 404, 405, 415), (method, url, response.status_code)
        check(response, url, api=True)
