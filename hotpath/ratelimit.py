"""Rate limits of the public API and of the site's search and export pages, per client, with a
counter shared by every worker.

A client is its partner API key when it sends one (`X-API-Key: <key>` or
`Authorization: Api-Key <key>`), else its IP address (REMOTE_ADDR, or the address
TRUSTED_PROXY_COUNT proxies back in X-Forwarded-For). Each client has a fixed one-minute window:
an atomic increment in the `ratelimit` cache (Redis when REDIS_URL is set, so every worker and
server counts together). Over the limit: 429 with `Retry-After` and a JSON body. A key that is
unknown or revoked: 401. If the counter is unreachable (Redis down), requests are let through:
the site keeps serving.

The site's search and export pages (`/search/`, the dataset zip, any page asked for as a file
with `?format=`, in every language) are counted the same way, per client, in a window of their
own (`SITE_RATE_ANON`; a partner key its own limit, as on the API): over the limit, a 429 page
with `Retry-After`. Browsing the other pages is not limited.
"""

import logging
import math
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.html import escape

from access.clients import client_ip, presented_key
from access.models import ApiKey

from . import cache as public_cache

# The WSGI environ key of `hotpath.fastpath.Passed` (defined here: the fast path imports this
# module, not the other way round).
PASSED = "crin.fastpath"

logger = logging.getLogger(__name__)

LAST_USED_RESOLUTION = timedelta(minutes=5)


def _redis_count(cache, key: str, window: int, prefetch: list[str], found: dict) -> int:
    """INCR and EXPIRE in one pipelined round trip, with the public cache's stamp and stored
    response (`prefetch`, keys of the default cache) read in the same trip into `found`.

    The commands are written on a pooled connection directly rather than through redis-py's
    Pipeline object, whose bookkeeping cost more than the round trip itself on every API
    request; any error discards the connection (a half-read reply is never reused)."""
    redis_key = cache.make_key(key)
    commands = [("INCR", redis_key), ("EXPIRE", redis_key, window + 5, "NX")]
    default = caches["default"]
    if prefetch and _same_server():
        commands.append(("MGET", *[default.make_key(k) for k in prefetch]))
    pool = cache.client.get_client(write=True).connection_pool
    connection = pool.get_connection()
    try:
        connection.send_packed_command(connection.pack_commands(commands))
        results = [connection.read_response() for _ in commands]
    except BaseException:
        connection.disconnect()
        raise
    finally:
        pool.release(connection)
    if len(results) == 3:
        for name, value in zip(prefetch, results[2], strict=True):
            if value is not None:
                found[name] = _decode(default, name, value)
    return int(results[0])


_last_stamp: tuple[bytes, object] = (b"", None)


def _decode(default, name: str, value: bytes):
    """A value of the default cache as django-redis decodes it; the data-version stamp, the
    same bytes on almost every request, is decoded once per change."""
    global _last_stamp
    if name == public_cache.VERSION_KEY:
        raw, decoded = _last_stamp
        if raw == value:
            return decoded
        decoded = default.client.decode(value)
        _last_stamp = (value, decoded)
        return decoded
    return default.client.decode(value)


_same: bool | None = None


def _same_server() -> bool:
    """The counter and the public cache live in the same Redis (settings: both REDIS_URL)."""
    global _same
    if _same is None:
        caches_config = settings.CACHES
        _same = caches_config[settings.API_RATE_CACHE].get("LOCATION") == caches_config[
            "default"
        ].get("LOCATION")
    return _same


def _settings_changed(**kwargs) -> None:
    global _same
    _same = None


setting_changed.connect(_settings_changed, dispatch_uid="crin-ratelimit-settings")


def _is_redis(cache) -> bool:
    return type(cache).__module__.startswith("django_redis")


def count(
    client: str, window: int, prefetch: list[str] | None = None, found: dict | None = None
) -> tuple[int | None, float]:
    """This window's count for `client` after this request (None if the counter is down), and
    the seconds left in the window. With Redis, one round trip, which also reads `prefetch`
    (keys of the default cache) into `found`."""
    now = time.time()
    start = int(now // window) * window
    key = f"rl:{client}:{start}"
    cache = caches[settings.API_RATE_CACHE]
    if _is_redis(cache) and _is_redis(caches["default"]):
        try:
            return _redis_count(
                cache, key, window, prefetch or [], {} if found is None else found
            ), (start + window - now)
        except Exception:  # noqa: BLE001 - an unreachable counter never takes the site down
            logger.warning("Rate-limit counter unavailable", exc_info=True)
            return None, start + window - now
    try:
        cache.add(key, 0, timeout=window + 5)
        value = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        value = 1
    except Exception:  # noqa: BLE001 - an unreachable counter never takes the site down
        logger.warning("Rate-limit counter unavailable", exc_info=True)
        value = None
    return value, start + window - now


def error(status: int, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def site_page(status: int, title: str, detail: str, **headers) -> HttpResponse:
    """A short HTML page for the site (no template, no database: it answers floods)."""
    response = HttpResponse(
        f"<!doctype html><html lang=en><meta charset=utf-8><title>{escape(title)}</title>"
        f"<h1>{escape(title)}</h1><p>{escape(detail)}</p></html>",
        status=status,
    )
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _site_pattern() -> re.Pattern:
    prefixes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:(?:{prefixes})/)?(?:search/|downloads/dataset\.zip$)")


class ApiRateLimitMiddleware:
    """The API's rate limits, and the same for the site's search and export pages."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.site_limited = _site_pattern()

    def is_limited_site_page(self, request) -> bool:
        """Search, the dataset, and any page asked for as a file (`?format=csv|xlsx`); never the
        editors' admin."""
        path = request.path_info
        if path.startswith("/" + settings.ADMIN_URL):
            return False
        return bool(self.site_limited.match(path)) or "format" in request.GET

    def __call__(self, request):
        request.api_key = None
        if not request.path_info.startswith("/api/"):
            if self.is_limited_site_page(request):
                return self.site(request)
            return self.get_response(request)

        key = presented_key(request)
        if key is not None:
            api_key = ApiKey.find(key) if key else None
            if api_key is None:
                return error(
                    401,
                    "Invalid or revoked API key.",
                    WWW_Authenticate='Api-Key realm="api"',
                )
            request.api_key = api_key
            client, limit = f"key:{api_key.pk}", api_key.requests_per_minute
            self.touch(api_key)
        else:
            client, limit = f"ip:{client_ip(request) or 'unknown'}", settings.API_RATE_ANON

        # Already counted by the WSGI fast path (hotpath.fastpath), which fell through: its
        # count, and the stamp and response it fetched in the same round trip.
        passed = request.META.pop(PASSED, None)
        if key is None and getattr(passed, "client", None) == client:
            used, seconds_left, found = passed.used, passed.seconds_left, passed.found
            request._public_cache_key = passed.cache_key
        else:
            found = {}
            used, seconds_left = count(
                client, settings.API_RATE_WINDOW, public_cache.prefetch_keys(request), found
            )
        if found:
            request._public_cache_prefetched = found
        if used is not None and used > limit:
            retry_after = max(1, math.ceil(seconds_left))
            return error(
                429,
                f"Too many requests: the limit is {limit} per {settings.API_RATE_WINDOW} "
                f"seconds. Retry after {retry_after} seconds.",
                Retry_After=str(retry_after),
            )
        response = self.get_response(request)
        response["X-RateLimit-Limit"] = str(limit)
        if used is not None:
            response["X-RateLimit-Remaining"] = str(max(0, limit - used))
        return response

    def site(self, request):
        key = presented_key(request)
        if key is not None:
            api_key = ApiKey.find(key) if key else None
            if api_key is None:
                return site_page(
                    401,
                    "Invalid API key",
                    "The API key sent with this request is unknown or revoked.",
                    WWW_Authenticate='Api-Key realm="api"',
                )
            client, limit = f"site:key:{api_key.pk}", api_key.requests_per_minute
            self.touch(api_key)
        else:
            client, limit = f"site:ip:{client_ip(request) or 'unknown'}", settings.SITE_RATE_ANON
        used, seconds_left = count(client, settings.API_RATE_WINDOW)
        if used is not None and used > limit:
            retry_after = max(1, math.ceil(seconds_left))
            return site_page(
                429,
                "Too many requests",
                f"Searches and downloads are limited to {limit} per "
                f"{settings.API_RATE_WINDOW} seconds. Please retry after {retry_after} seconds.",
                Retry_After=str(retry_after),
            )
        return self.get_response(request)

    @staticmethod
    def touch(api_key: ApiKey) -> None:
        now = timezone.now()
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
