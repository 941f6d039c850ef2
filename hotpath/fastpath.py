"""Cache hits of the public API answered before Django (wrapped around the WSGI application in
`crin_legal.wsgi`).

A hit through Django costs the whole middleware stack, a request object and the response's
round trip through every middleware, for what is in the end one Redis round trip (the rate-limit
counter and the cached response, `hotpath.ratelimit`). Here, for an anonymous GET/HEAD under
`/api/v1/`, that same round trip is made first; when the stored response is current, it is
returned with exactly the headers Django's middleware would have added (security headers, CORS,
CSP, Vary, Content-Language, Content-Length, the rate-limit counters), or a 304 when the client's
validators match the data-version stamp, or the 429 when the client is over its limit.

Anything else falls through to Django unchanged: a miss, a stale entry, Redis down, another
method or path, a cookie (a signed-in editor), an API key (keys have their own limits), a host
Django would refuse, a plain-http request that production redirects, a non-ASCII path, a NUL.
When the counter was already incremented here, Django is handed the count and what the round
trip fetched (`PASSED`), so a request is counted once and Redis is not asked twice.

Each worker keeps the responses it has answered (`_Local`, bounded) with the headers it sent
for them, so that a hit costs the counter and the stamp only: the 30 kB body is read from Redis
once per worker and data version, not on every request. The stamp read in the same round trip
decides, as for Django: a kept response is served only while its token is the current one.

The fast path only runs with the stack it replicates: the production settings' MIDDLEWARE, the
public cache shared in Redis, the counter in the same Redis, DEBUG off. Otherwise every request
goes to Django. tests/hotpath/test_fastpath.py checks the replication byte for byte against
Django, for hits, HEAD, 304s, 429s, secure and plain requests and every language.
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from corsheaders.signals import check_request_enabled
from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.core.signals import setting_changed
from django.http.request import split_domain_port, validate_host
from django.utils import translation
from django.utils.csp import CSP, build_policy
from django.utils.regex_helper import _lazy_re_compile

from access.clients import API_KEY_HEADER, client_ip
from hotpath import cache as public_cache

from . import ratelimit

logger = logging.getLogger(__name__)

# The WSGI environ key through which a request that fell through carries what was done here.
PASSED = ratelimit.PASSED

# The stack whose response headers are replicated here (settings.MIDDLEWARE, in order). Any
# other stack (a test's override, a future middleware) disables the fast path until the
# replication and its tests are updated.
REPLICATED_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "hotpath.middleware.PublicPageGZipMiddleware",  # never touches /api/
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "core.admin.locale.AdminLanguageMiddleware",  # the admin's addresses only
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "hotpath.middleware.SecurityHeadersMiddleware",
    "hotpath.middleware.RejectNulBytesMiddleware",
    "hotpath.ratelimit.ApiRateLimitMiddleware",
    "axes.middleware.AxesMiddleware",
    "hotpath.cache.PublicCacheMiddleware",
)
PREFIX = public_cache.PublicCacheMiddleware.prefixes[0]
VARY_SPLIT = _lazy_re_compile(r"\s*,\s*")
REASONS = {200: "200 OK", 304: "304 Not Modified", 429: "429 Too Many Requests"}


@dataclass(frozen=True)
class Passed:
    """What the fast path did before falling through: the client's count and the keys it read."""

    client: str
    used: int
    seconds_left: float
    cache_key: str
    found: dict


class _Request:
    """What `hotpath.ratelimit` and `hotpath.cache` read of a request, from the environ."""

    __slots__ = ("META", "method", "path", "COOKIES", "path_info")

    def __init__(self, environ: dict, path: str):
        self.META = environ
        self.method = environ["REQUEST_METHOD"]
        self.path = self.path_info = path
        self.COOKIES: dict = {}


class _Config:
    """The settings the replication depends on, read once (again after any settings change)."""

    def __init__(self):
        caches_config = settings.CACHES
        rate_cache = caches_config.get(settings.API_RATE_CACHE, {})
        self.enabled = (
            not settings.DEBUG
            and tuple(settings.MIDDLEWARE) == REPLICATED_MIDDLEWARE
            and public_cache._enabled()
            and public_cache._shared()
            and caches_config["default"]["BACKEND"].startswith("django_redis.")
            and rate_cache.get("BACKEND", "").startswith("django_redis.")
            and rate_cache.get("LOCATION") == caches_config["default"].get("LOCATION")
            and not settings.DISALLOWED_USER_AGENTS
            and not settings.PREPEND_WWW
            and not settings.USE_X_FORWARDED_HOST
            and settings.FORCE_SCRIPT_NAME is None
            # django-cors-headers as configured (settings.py): any origin, no credentials, no
            # private-network grants, no signal handler deciding per request.
            and getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
            and not getattr(settings, "CORS_ALLOW_CREDENTIALS", False)
            and not getattr(settings, "CORS_ALLOW_PRIVATE_NETWORK", False)
            and not check_request_enabled.has_listeners()
        )
        self.cors_urls = re.compile(getattr(settings, "CORS_URLS_REGEX", r"^.*$"))
        self.cors_expose = ", ".join(getattr(settings, "CORS_EXPOSE_HEADERS", ()))
        self.allowed_hosts = list(settings.ALLOWED_HOSTS)
        self.proxy_ssl = settings.SECURE_PROXY_SSL_HEADER
        self.ssl_redirect = settings.SECURE_SSL_REDIRECT
        self.limit = settings.API_RATE_ANON
        self.window = settings.API_RATE_WINDOW
        self.hosts: dict[str, bool] = {}
        # Outer middleware, innermost first: (name, value, only-if-absent).
        policy = settings.PERMISSIONS_POLICY
        self.inner = [("Permissions-Policy", policy)] if policy else []
        self.inner.append(("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY")))
        self.csp = [
            (str(header), build_policy(config))
            for header, config in (
                (CSP.HEADER_ENFORCE, settings.SECURE_CSP),
                (CSP.HEADER_REPORT_ONLY, getattr(settings, "SECURE_CSP_REPORT_ONLY", {})),
            )
            if config
        ]
        self.sts = None
        if settings.SECURE_HSTS_SECONDS:
            self.sts = f"max-age={settings.SECURE_HSTS_SECONDS}"
            if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
                self.sts += "; includeSubDomains"
            if settings.SECURE_HSTS_PRELOAD:
                self.sts += "; preload"
        self.security = []
        if settings.SECURE_CONTENT_TYPE_NOSNIFF:
            self.security.append(("X-Content-Type-Options", "nosniff"))
        referrer = settings.SECURE_REFERRER_POLICY
        if referrer:
            self.security.append(
                (
                    "Referrer-Policy",
                    ",".join(
                        [v.strip() for v in referrer.split(",")]
                        if isinstance(referrer, str)
                        else referrer
                    ),
                )
            )
        if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
            self.security.append(
                ("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY)
            )

    def host_allowed(self, host: str) -> bool:
        allowed = self.hosts.get(host)
        if allowed is None:
            domain, _port = split_domain_port(host)
            allowed = bool(domain) and validate_host(domain, self.allowed_hosts)
            if len(self.hosts) < 256:
                self.hosts[host] = allowed
        return allowed

    def is_secure(self, environ: dict) -> bool:
        if self.proxy_ssl:
            header, secure_value = self.proxy_ssl
            value = environ.get(header)
            if value is not None:
                return value.split(",", 1)[0].strip() == secure_value
        return environ.get("wsgi.url_scheme") == "https"


_config: _Config | None = None


def config() -> _Config:
    global _config
    if _config is None:
        _config = _Config()
    return _config


def _reset(**kwargs) -> None:
    global _config
    _config = None
    local.clear()


class _Local:
    """Stored responses this worker has served, by cache key, with the finished headers of its
    GET answers (per language, scheme and CORS grant). Bounded by entries and bytes; the oldest
    goes first. An entry is only ever served when its token is the current stamp's."""

    MAX_ENTRIES = 512
    MAX_BYTES = 32 * 1024 * 1024

    def __init__(self):
        self.entries: dict[str, tuple] = {}
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        return self.entries.get(key)

    def put(self, key: str, stored: tuple) -> tuple:
        """Keep `stored` ((token, status, headers, body)); returns the entry kept:
        (token, status, headers, body, finished GET headers by (language, secure, cors))."""
        entry = (*stored, {})
        body = stored[3]
        if len(body) > self.MAX_BYTES // 8:
            return entry
        with self.lock:
            previous = self.entries.pop(key, None)
            if previous is not None:
                self.size -= len(previous[3])
            while self.entries and (
                len(self.entries) >= self.MAX_ENTRIES or self.size + len(body) > self.MAX_BYTES
            ):
                oldest = self.entries.pop(next(iter(self.entries)))
                self.size -= len(oldest[3])
            self.entries[key] = entry
            self.size += len(body)
        return entry

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


local = _Local()


setting_changed.connect(_reset, dispatch_uid="crin-fastpath-settings")


class _Headers:
    """Response headers as Django keeps them (`ResponseHeaders`): insertion order, one entry
    per case-insensitive name, assignment to an existing name keeps its place."""

    __slots__ = ("store",)

    def __init__(self, items):
        self.store = {name.lower(): (name, value) for name, value in items}

    def set(self, name: str, value: str) -> None:
        key = name.lower()
        if key in self.store:
            self.store[key] = (self.store[key][0], value)
        else:
            self.store[key] = (name, value)

    def setdefault(self, name: str, value: str) -> None:
        key = name.lower()
        if key not in self.store:
            self.store[key] = (name, value)

    def vary(self, header: str) -> None:
        """django.utils.cache.patch_vary_headers(response, (header,))."""
        current = self.store.get("vary")
        values = VARY_SPLIT.split(current[1]) if current else []
        if header.lower() not in {v.lower() for v in values}:
            values.append(header)
        self.set("Vary", "*" if "*" in values else ", ".join(values))

    def items(self) -> list[tuple[str, str]]:
        return list(self.store.values())


def _finish(
    conf: _Config,
    headers: _Headers,
    body: bytes,
    *,
    language: str,
    secure: bool,
    cors: bool,
    used: int | None,
) -> list[tuple[str, str]]:
    """The outer middleware's part of the response, innermost first (settings.MIDDLEWARE read
    from the bottom up). `used` None: the rate limiter's own 429, which has no counters."""
    if used is not None:
        headers.set("X-RateLimit-Limit", str(conf.limit))
        headers.set("X-RateLimit-Remaining", str(max(0, conf.limit - used)))
    for name, value in conf.inner:  # SecurityHeaders, XFrameOptions
        headers.setdefault(name, value)
    headers.setdefault("Content-Length", str(len(body)))  # CommonMiddleware
    headers.vary("Accept-Language")  # LocaleMiddleware
    headers.setdefault("Content-Language", language)
    for name, value in conf.csp:
        headers.setdefault(name, value)
    # corsheaders' CorsMiddleware.add_response_headers: Vary on the origin always, the grant
    # only when the request names a (parseable) origin. Its header names are lower case.
    headers.vary("origin")
    if cors:
        headers.set("access-control-allow-origin", "*")
        if conf.cors_expose:
            headers.set("access-control-expose-headers", conf.cors_expose)
    if conf.sts and secure:  # SecurityMiddleware
        headers.setdefault("Strict-Transport-Security", conf.sts)
    for name, value in conf.security:
        headers.setdefault(name, value)
    return headers.items()


def _too_many(conf: _Config, seconds_left: float):
    retry_after = max(1, math.ceil(seconds_left))
    detail = (
        f"Too many requests: the limit is {conf.limit} per {conf.window} seconds. "
        f"Retry after {retry_after} seconds."
    )
    # As django.http.JsonResponse encodes it (DjangoJSONEncoder, ensure_ascii).
    body = json.dumps({"detail": detail}).encode()
    return body, [("Content-Type", "application/json"), ("Retry-After", str(retry_after))]


def _cors(origin: str | None) -> bool:
    """Whether django-cors-headers grants this request's origin (all are, when one is named
    and parses as a URL)."""
    if not origin:
        return False
    try:
        urlsplit(origin)
    except ValueError:
        return False
    return True


def _language(request: _Request) -> str:
    """The language LocaleMiddleware.process_request activates for this request."""
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(
        settings.ROOT_URLCONF
    )
    if (
        i18n_patterns_used
        and not prefixed_default_language
        and not translation.get_language_from_path(request.path_info)
    ):
        return settings.LANGUAGE_CODE  # an unprefixed path: the default, whatever is asked
    return translation.get_language_from_request(request, check_path=i18n_patterns_used)


def answer(environ: dict) -> tuple[str, list[tuple[str, str]], bytes] | None:
    """(status, headers, body) for a request answered here, or None to let Django answer it
    (with `environ[PASSED]` set when the request was already counted)."""
    method = environ.get("REQUEST_METHOD")
    if method != "GET" and method != "HEAD":
        return None
    path = environ.get("PATH_INFO", "")
    if (
        not path.startswith(PREFIX)
        or environ.get("SCRIPT_NAME")
        or "HTTP_COOKIE" in environ
        or API_KEY_HEADER in environ
        or "HTTP_AUTHORIZATION" in environ
        or not path.isascii()
        or "\x00" in path
    ):
        return None
    query = environ.get("QUERY_STRING", "")
    if "%00" in query or "\x00" in query or not query.isascii():
        return None
    conf = config()
    if not conf.enabled:
        return None
    host = environ.get("HTTP_HOST")
    if not host or not conf.host_allowed(host):
        return None
    secure = conf.is_secure(environ)
    if conf.ssl_redirect and not secure:
        return None
    if not conf.cors_urls.match(path):
        return None  # CORS would then be decided by django-cors-headers' signal
    cors = _cors(environ.get("HTTP_ORIGIN"))

    request = _Request(environ, path)
    language = _language(request)
    key = public_cache._key(request, language)
    client = f"ip:{client_ip(request) or 'unknown'}"
    found: dict = {}
    version_key, response_key = public_cache.VERSION_KEY, public_cache.RESPONSE_PREFIX + key
    kept = local.get(response_key)
    # With a kept copy, only the stamp is read: the copy is served if it is still current.
    prefetch = [version_key] if kept is not None else [version_key, response_key]
    used, seconds_left = ratelimit.count(client, conf.window, prefetch, found)
    if used is None:  # Redis unreachable: Django counts (or not) and reads the database
        return None
    if used > conf.limit:
        body, items = _too_many(conf, seconds_left)
        items = _finish(
            conf, _Headers(items), body, language=language, secure=secure, cors=cors, used=None
        )
        return REASONS[429], items, body
    version = found.get(version_key)
    if not isinstance(version, public_cache.Version):
        environ[PASSED] = Passed(client, used, seconds_left, key, found)
        return None
    etag = public_cache._etag(version, key)
    if public_cache._not_modified(request, etag, version):
        headers = _Headers(
            [
                ("ETag", etag),
                ("Last-Modified", version.last_modified),
                ("Cache-Control", "public, no-cache"),
            ]
        )
        items = _finish(conf, headers, b"", language=language, secure=secure, cors=cors, used=used)
        return REASONS[304], items, b""
    if kept is None or kept[0] != version.token:
        if kept is not None:  # outdated here: the current copy, if stored, is read once
            found[response_key] = _read(response_key)
        stored = found.get(response_key)
        if stored is None or stored[0] != version.token or stored[1] not in REASONS:
            environ[PASSED] = Passed(client, used, seconds_left, key, found)
            return None
        kept = local.put(response_key, stored)
    _token, status, stored_items, body, finished = kept
    if method == "HEAD":
        headers = _Headers(stored_items)
        headers.set("X-Cache", "HIT")
        items = _finish(conf, headers, b"", language=language, secure=secure, cors=cors, used=used)
        return REASONS[status], items, b""
    remaining = ("X-RateLimit-Remaining", str(max(0, conf.limit - used)))
    template = finished.get((language, secure, cors))
    if template is None:
        headers = _Headers(stored_items)
        headers.set("X-Cache", "HIT")
        items = _finish(conf, headers, body, language=language, secure=secure, cors=cors, used=used)
        names = [name for name, _value in items]
        template = finished[(language, secure, cors)] = (
            items,
            names.index("X-RateLimit-Remaining"),
        )
    items, at = template
    items = items.copy()
    items[at] = remaining
    return REASONS[status], items, body


def _read(response_key: str):
    """The stored response under `response_key`, or None (also if Redis fails)."""
    from django.core.cache import cache

    return cache.get(response_key)


class FastPath:
    """WSGI middleware: cache hits answered here, everything else by `app` (Django)."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        try:
            result = answer(environ)
        except Exception:  # noqa: BLE001 - never worse than Django answering it
            logger.warning("Fast path failed; Django answers", exc_info=True)
            environ.pop(PASSED, None)
            result = None
        if result is None:
            return self.app(environ, start_response)
        status, headers, body = result
        start_response(status, headers)
        return [body]
