"""The WSGI fast path (hotpath/fastpath.py): a cache hit answered before Django is byte for
byte what Django sends for it (status, every header in order, body), rate limits still apply,
a publication shows at once, 304s work, and anything unusual goes to Django, counted once."""

import io
import itertools
import uuid

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from core.publication import PublicationStatus
from hotpath.fastpath import FastPath
from tests.factories import (
    IndicatorFactory,
    LawFactory,
    ParticipationFactory,
    RegionFactory,
    StateFactory,
    TreatyFactory,
)

pytestmark = pytest.mark.django_db

_addresses = itertools.count(1)


def address() -> str:
    """A fresh client address: its rate-limit counter starts at zero."""
    n = next(_addresses)
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def environ(path, query="", method="GET", remote=None, **headers):
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "REMOTE_ADDR": remote or address(),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        **headers,
    }


class Recorder:
    """Django, noting whether it was called (i.e. whether the fast path fell through)."""

    def __init__(self):
        self._django = None
        self.calls = 0

    @property
    def django(self):
        # Built at the first request, after the test's settings (middleware read them once).
        if self._django is None:
            self._django = WSGIHandler()
        return self._django

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.django(environ, start_response)


def call(app, env):
    out = {}

    def start_response(status, headers, exc_info=None):
        out["status"], out["headers"] = status, list(headers)

    # As Django's test client does: the test's transaction must outlive the request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = app(env, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return out["status"], out["headers"], body


@pytest.fixture
def stack(settings):
    """The production set-up: the stamp, the responses and the counters in one Redis."""
    prefix = f"test-{uuid.uuid4().hex}"
    location = "redis://127.0.0.1:6379/11"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        },
        "ratelimit": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": prefix + "-rl",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        },
    }
    settings.PUBLIC_CACHE_SHARED = True
    settings.API_RATE_ANON = 1000
    from django.core.cache import cache

    try:
        cache.set("ping", 1)
        reachable = cache.get("ping") == 1
    except Exception:  # noqa: BLE001
        reachable = False
    if not reachable:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    recorder = Recorder()
    yield FastPath(recorder), recorder
    cache.delete_pattern("*")


@pytest.fixture
def data(db):
    europe = RegionFactory(slug="europe", name="Europe")
    opsc = TreatyFactory(code="opsc")
    IndicatorFactory(slug="simple_possession")
    gb = StateFactory(iso2="GB", name="United Kingdom", region=europe)
    ParticipationFactory(state=gb, treaty=opsc)
    LawFactory(state=gb, title="Children Act")
    return {"gb": gb}


URLS = [
    ("/api/v1/countries/", "region=europe"),
    ("/api/v1/countries/gb/", ""),
    ("/api/v1/laws/", ""),
    ("/api/v1/", ""),
]


def django_and_fast(stack, path, query="", **headers):
    """The same request answered by Django alone (warm: a cache hit) and by the fast path."""
    fast, recorder = stack
    warm = {**headers, "REQUEST_METHOD": "GET"}  # a HEAD is answered from a stored GET
    call(recorder.django, environ(path, query, **warm))  # stored (MISS) if not yet
    through_django = call(recorder.django, environ(path, query, **headers))
    calls = recorder.calls
    through_fast = call(fast, environ(path, query, **headers))
    return through_django, through_fast, recorder.calls == calls


@pytest.mark.parametrize(("path", "query"), URLS)
def test_a_hit_is_byte_identical_to_django(stack, data, path, query):
    django, fast, answered_here = django_and_fast(stack, path, query)
    assert answered_here
    assert django[0] == "200 OK"
    assert dict(django[1])["X-Cache"] == "HIT"
    assert fast == django


@pytest.mark.parametrize(
    "headers",
    [
        {"REQUEST_METHOD": "HEAD"},
        {"HTTP_ACCEPT_LANGUAGE": "fr-FR,fr;q=0.9,en;q=0.5"},
        {"HTTP_ACCEPT_LANGUAGE": "xx"},
        {"HTTP_ORIGIN": "https://partner.example.org"},
        {"HTTP_ORIGIN": "https://partner.example.org", "REQUEST_METHOD": "HEAD"},
        {"HTTP_ORIGIN": "http://[::1"},  # django-cors-headers cannot parse it: no grant
        {"HTTP_ORIGIN": ""},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ACCEPT": "application/json"},
        {"HTTP_X_FORWARDED_PROTO": "https"},
    ],
    ids=[
        "head",
        "french",
        "unknown-language",
        "origin",
        "origin-head",
        "unparsable-origin",
        "empty-origin",
        "null-origin",
        "accept",
        "https",
    ],
)
def test_variants_are_byte_identical(stack, data, settings, headers):
    settings.SECURE_HSTS_SECONDS = 31536000
    method = headers.pop("REQUEST_METHOD", "GET")
    django, fast, answered_here = django_and_fast(
        stack, "/api/v1/countries/", "region=europe", REQUEST_METHOD=method, **headers
    )
    assert answered_here
    assert fast == django
    if "HTTP_X_FORWARDED_PROTO" in headers:
        assert dict(fast[1])["Strict-Transport-Security"].startswith("max-age=31536000")


def test_cors_grants_are_byte_identical_in_any_order_on_one_worker(stack, data):
    """The finished headers a worker keeps per response differ with and without an origin."""
    for origin in ("https://a.example", None, "https://b.example", None):
        headers = {"HTTP_ORIGIN": origin} if origin else {}
        django, fast, answered_here = django_and_fast(
            stack, "/api/v1/countries/", "region=europe", **headers
        )
        assert answered_here
        assert fast == django
        assert ("access-control-allow-origin", "*") in fast[1] if origin else True
        assert dict(fast[1])["Vary"] == "Accept-Language, origin"


def test_a_304_and_a_429_carry_the_same_cors_headers_as_django(stack, data, settings):
    fast, recorder = stack
    origin = {"HTTP_ORIGIN": "https://partner.example.org"}
    first = call(recorder.django, environ("/api/v1/countries/", "region=europe"))
    etag = {"HTTP_IF_NONE_MATCH": dict(first[1])["ETag"], **origin}
    django, fast_answer, answered_here = django_and_fast(
        stack, "/api/v1/countries/", "region=europe", **etag
    )
    assert answered_here and django[0] == "304 Not Modified" and fast_answer == django
    settings.API_RATE_ANON = 0
    remote = address()
    refused = call(fast, environ("/api/v1/countries/", "region=europe", remote=remote, **origin))
    django = call(
        recorder.django, environ("/api/v1/countries/", "region=europe", remote=remote, **origin)
    )
    assert refused[0] == "429 Too Many Requests" and refused == django
    assert ("access-control-allow-origin", "*") in refused[1]


def test_plain_http_is_redirected_by_django_when_production_requires_https(stack, data, settings):
    settings.SECURE_SSL_REDIRECT = True
    django, fast, answered_here = django_and_fast(stack, "/api/v1/countries/", "region=europe")
    assert not answered_here
    assert fast[0].startswith("301") and fast == django


@pytest.mark.parametrize("conditional", ["etag", "date"])
def test_304_is_byte_identical(stack, data, conditional):
    fast, recorder = stack
    first = call(recorder.django, environ("/api/v1/countries/", "region=europe"))
    validators = dict(first[1])
    header = (
        {"HTTP_IF_NONE_MATCH": validators["ETag"]}
        if conditional == "etag"
        else {"HTTP_IF_MODIFIED_SINCE": validators["Last-Modified"]}
    )
    django, fast_answer, answered_here = django_and_fast(
        stack, "/api/v1/countries/", "region=europe", **header
    )
    assert answered_here
    assert django[0] == "304 Not Modified"
    assert fast_answer == django


def test_rate_limits_apply_to_hits_and_the_429_is_byte_identical(stack, data, settings, rate_clock):
    settings.API_RATE_ANON = 2
    assert rate_clock == 1_800_000_010.0  # ten seconds into the window: 50 seconds left
    fast, recorder = stack
    url = ("/api/v1/countries/", "region=europe")
    call(recorder.django, environ(*url))  # stored
    mine, theirs = address(), address()
    for _ in range(2):
        assert call(fast, environ(*url, remote=mine))[0] == "200 OK"
        assert call(recorder.django, environ(*url, remote=theirs))[0] == "200 OK"
    calls = recorder.calls
    refused = call(fast, environ(*url, remote=mine))
    assert recorder.calls == calls  # answered before Django
    assert refused[0] == "429 Too Many Requests"
    assert dict(refused[1])["Retry-After"] == "50"
    assert refused == call(recorder.django, environ(*url, remote=theirs))


def test_counted_once_when_falling_through(stack, data, rate_clock):
    fast, recorder = stack
    remote = address()
    miss = call(fast, environ("/api/v1/countries/", "region=europe", remote=remote))
    assert dict(miss[1])["X-Cache"] == "MISS"
    assert dict(miss[1])["X-RateLimit-Remaining"] == "999"
    hit = call(fast, environ("/api/v1/countries/", "region=europe", remote=remote))
    assert dict(hit[1])["X-Cache"] == "HIT"
    assert dict(hit[1])["X-RateLimit-Remaining"] == "998"
    missing = call(fast, environ("/api/v1/nothing-here/", remote=remote))
    assert missing[0].startswith("404")
    assert dict(missing[1])["X-RateLimit-Remaining"] == "997"


def test_a_publication_shows_at_once(data, stack, django_capture_on_commit_callbacks):
    # `data` first: created before Redis is the cache, so that the edit below is what
    # schedules the stamp's publication (one per transaction).
    fast, recorder = stack
    url = ("/api/v1/countries/", "region=europe")
    call(fast, environ(*url))
    calls = recorder.calls
    before = call(fast, environ(*url))
    assert recorder.calls == calls and b'"opsc":"party"' in before[2]
    with django_capture_on_commit_callbacks(execute=True):
        participation = data["gb"].participations.get()
        participation.publication_status = PublicationStatus.DRAFT
        participation.save()
    after = call(fast, environ(*url))
    assert recorder.calls == calls + 1
    assert dict(after[1])["X-Cache"] == "MISS"
    assert b'"opsc":"no_action"' in after[2]


@pytest.mark.parametrize(
    ("path", "query", "headers"),
    [
        ("/api/v1/countries/", "region=europe", {"HTTP_COOKIE": "sessionid=abc"}),
        ("/api/v1/countries/", "region=europe", {"HTTP_X_API_KEY": "nope"}),
        ("/api/v1/countries/", "region=europe", {"HTTP_AUTHORIZATION": "Api-Key nope"}),
        ("/api/v1/countries/", "region=europe", {"REQUEST_METHOD": "POST"}),
        ("/api/v1/countries/", "region=europe", {"HTTP_HOST": "evil.example"}),
        ("/api/v1/countries/", "region=%00", {}),
        ("/countries/", "", {}),
    ],
    ids=["cookie", "api-key", "authorization", "post", "bad-host", "nul", "site"],
)
def test_anything_unusual_goes_to_django(stack, data, path, query, headers):
    fast, recorder = stack
    method = headers.pop("REQUEST_METHOD", "GET")
    call(recorder.django, environ(path, query))
    calls = recorder.calls
    fast_answer = call(fast, environ(path, query, method, remote="10.250.0.1", **headers))
    assert recorder.calls == calls + 1
    django = call(recorder.django, environ(path, query, method, remote="10.250.0.2", **headers))
    assert fast_answer[0] == django[0]


def test_without_the_shared_cache_everything_goes_to_django(data):
    recorder = Recorder()
    fast = FastPath(recorder)
    for _ in range(2):
        assert call(fast, environ("/api/v1/countries/", "region=europe"))[0] == "200 OK"
    assert recorder.calls == 2


def test_a_worker_serves_another_workers_fresh_copy_after_a_publication(
    data, stack, django_capture_on_commit_callbacks
):
    """A worker keeps the responses it served; after a publication, the copy another worker
    stored for the new data is what it serves next (one read), never its own outdated one."""
    fast, recorder = stack
    url = ("/api/v1/countries/", "region=europe")
    call(fast, environ(*url))
    kept = call(fast, environ(*url))
    assert dict(kept[1])["X-Cache"] == "HIT" and b'"opsc":"party"' in kept[2]
    with django_capture_on_commit_callbacks(execute=True):
        participation = data["gb"].participations.get()
        participation.publication_status = PublicationStatus.DRAFT
        participation.save()
    other_worker = call(recorder.django, environ(*url))  # renders and stores the new data
    assert dict(other_worker[1])["X-Cache"] == "MISS"
    calls = recorder.calls
    after = call(fast, environ(*url))
    assert recorder.calls == calls
    assert dict(after[1])["X-Cache"] == "HIT"
    assert b'"opsc":"no_action"' in after[2] and after[2] == other_worker[2]
    assert dict(after[1])["ETag"] == dict(other_worker[1])["ETag"]


def test_the_kept_responses_are_bounded(monkeypatch):
    from hotpath.fastpath import _Local

    kept = _Local()
    monkeypatch.setattr(_Local, "MAX_ENTRIES", 3)
    monkeypatch.setattr(_Local, "MAX_BYTES", 80)
    for n in range(6):
        kept.put(f"k{n}", ("token", 200, [], b"x" * 9))
    assert list(kept.entries) == ["k3", "k4", "k5"]
    kept.put("big", ("token", 200, [], b"x" * 11))  # over an eighth of the budget: not kept
    assert kept.get("big") is None
    for n in range(6, 14):
        kept.put(f"k{n}", ("token", 200, [], b"x" * 10))
    assert kept.size <= 80 and kept.size == sum(len(e[3]) for e in kept.entries.values())


def test_the_project_middleware_is_the_replicated_stack():
    """A middleware added to settings without its replication here turns the fast path off
    silently (`_Config.enabled`): as when the admin's language middleware arrived."""
    from django.conf import settings as project_settings

    from hotpath.fastpath import REPLICATED_MIDDLEWARE

    assert tuple(project_settings.MIDDLEWARE) == REPLICATED_MIDDLEWARE
