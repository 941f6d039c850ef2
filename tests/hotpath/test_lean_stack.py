"""Anonymous API reads go through a shorter middleware stack (hotpath/handler.py): every
answer, good or bad input, is byte for byte the one of the whole stack (status, every header in
order, body), and requests that may need the rest (cookies, writes, the site) get the whole
stack."""

import pytest
from django.core.handlers.wsgi import WSGIHandler

from hotpath.handler import Handler, _LeanHandler, is_anonymous_api_read, lean_middleware
from tests.hotpath.test_fastpath import call, environ

pytestmark = pytest.mark.django_db

REQUESTS = [
    ("/api/v1/", "", {}),
    ("/api/v1/countries/", "region=europe", {}),
    ("/api/v1/countries/", "region=europe&page=2&page_size=1", {}),
    ("/api/v1/countries/", "region=africa&format=csv", {}),
    ("/api/v1/countries/GB/", "", {}),
    ("/api/v1/countries/zz/", "", {}),
    ("/api/v1/countries", "region=europe", {}),
    ("/api/v1/countries/", "regoin=europe", {}),
    ("/api/v1/countries/", "region=nowhere", {}),
    ("/api/v1/countries/", "page_size=abc", {}),
    ("/api/v1/countries/", "page=999", {}),
    ("/api/v1/countries/", "q=fr%00ance", {}),
    ("/api/v1/countries/", "q=" + "x" * 10_240, {}),
    ("/api/v1/countries/", "format=xml", {}),
    ("/api/v1/laws/", "", {}),
    ("/api/v1/laws/", "q=children", {}),
    ("/api/v1/laws/", "q=-", {}),
    ("/api/v1/treaties/", "region=africa", {}),
    ("/api/v1/findings/", "status=not_assessed", {}),
    ("/api/v1/nothing/", "", {}),
    ("/api/v1/countries/", "region=europe", {"REQUEST_METHOD": "HEAD"}),
    ("/api/v1/countries/", "region=europe", {"HTTP_ACCEPT_LANGUAGE": "fr"}),
    ("/api/v1/countries/", "region=europe", {"HTTP_X_FORWARDED_PROTO": "https"}),
    ("/api/v1/countries/", "region=europe", {"HTTP_ORIGIN": "https://partner.example"}),
    ("/api/v1/countries/", "region=europe", {"HTTP_X_API_KEY": "not-a-key"}),
    ("/api/v1/countries/", "region=europe", {"HTTP_HOST": "evil.example"}),
]


@pytest.fixture
def handlers(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    return WSGIHandler(), _LeanHandler()


def test_the_lean_stack_leaves_out_only_what_anonymous_reads_do_not_use():
    assert lean_middleware() == [
        "django.middleware.security.SecurityMiddleware",
        "corsheaders.middleware.CorsMiddleware",
        "django.middleware.csp.ContentSecurityPolicyMiddleware",
        "django.middleware.locale.LocaleMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "hotpath.middleware.SecurityHeadersMiddleware",
        "hotpath.middleware.RejectNulBytesMiddleware",
        "hotpath.ratelimit.ApiRateLimitMiddleware",
        "hotpath.cache.PublicCacheMiddleware",
    ]


@pytest.mark.parametrize(("path", "query", "headers"), REQUESTS)
def test_uncached_answers_are_byte_identical(world, handlers, settings, path, query, headers):
    settings.PUBLIC_CACHE_ENABLED = False
    full, lean = handlers
    request = (path, query)
    assert call(lean, environ(*request, **headers)) == call(full, environ(*request, **headers))


def test_cached_answers_are_byte_identical(world, handlers):
    full, lean = handlers
    url = ("/api/v1/countries/", "region=europe")
    assert call(full, environ(*url))[0] == "200 OK"  # stored
    hit = call(full, environ(*url))
    assert dict(hit[1])["X-Cache"] == "HIT"
    assert call(lean, environ(*url)) == hit
    etag = dict(hit[1])["ETag"]
    not_modified = call(full, environ(*url, HTTP_IF_NONE_MATCH=etag))
    assert not_modified[0] == "304 Not Modified"
    assert call(lean, environ(*url, HTTP_IF_NONE_MATCH=etag)) == not_modified


@pytest.mark.parametrize(
    ("method", "path", "headers", "lean"),
    [
        ("GET", "/api/v1/countries/", {}, True),
        ("HEAD", "/api/v1/laws/", {}, True),
        ("GET", "/api/v1/countries/", {"HTTP_COOKIE": "sessionid=x"}, False),
        ("POST", "/api/v1/countries/", {}, False),
        ("OPTIONS", "/api/v1/countries/", {}, False),
        ("GET", "/api/v1/docs/", {}, False),
        ("GET", "/countries/", {}, False),
        ("GET", "/admin/", {}, False),
    ],
)
def test_which_requests_take_the_lean_stack(method, path, headers, lean):
    assert is_anonymous_api_read(environ(path, "", method, **headers)) is lean


def test_the_handler_sends_cookies_and_the_site_through_the_whole_stack(world):
    handler = Handler()
    page = call(handler, environ("/countries/", ""))
    assert page[0] == "200 OK"
    headers = dict(page[1])
    assert "Accept-Encoding" in headers.get("Vary", "")  # PublicPageGZipMiddleware: not lean
    assert "Set-Cookie" not in headers  # the site sets no cookie (issue 14.3)
    api = call(handler, environ("/api/v1/countries/", "region=europe"))
    assert api[0] == "200 OK"
