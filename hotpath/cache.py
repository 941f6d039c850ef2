"""The data-version stamp, the public response cache and conditional requests (ETag / 304).

One stamp (`hotpath.models.DataVersion`, pk 1) changes whenever public data changes: the
post_save / post_delete / m2m_changed signals of every public model bump it in the writing
transaction, and bulk imports bump it once at the end (`data_changes()`). Its `token` is random,
so a rolled-back transaction can never bring back a token that cached responses were keyed on.

- `PublicCacheMiddleware` (last in MIDDLEWARE) answers GET/HEAD under `/api/v1/`:
  If-None-Match / If-Modified-Since matching the stamp → 304 with no rendering and no query but
  the stamp's; a response cached under the current stamp (Redis) → served as is; otherwise the
  view runs and a 200 is stored. The key is path + query + language (+ Accept when DEBUG).
- `cache_public_page` is the same for a site view (the site decides which pages use it).
- `versioned(fn)` memoises a vocabulary lookup (region slugs, indicators ...) per process for the
  current stamp, so validating `?region=europe` costs no query while nothing changed.

Where the stamp is read: from the cache when the cache is shared by every process (Redis), with
the database as the fallback when the key is missing or Redis is down (django-redis's
IGNORE_EXCEPTIONS turns errors into misses); from the database (one primary-key read) when the
cache is per process (LocMemCache), because another worker's edit would not reach it.
Drafts never reach these responses: only public, anonymous GETs of published data are stored.
"""

from __future__ import annotations

import contextvars
import hashlib
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone, translation
from django.utils.http import http_date, parse_http_date_safe, quote_etag

from .db_router import public_reads, read_alias

VERSION_KEY = "crin:data-version"
# A backstop: were a bump ever lost on its way to Redis, the shared copy expires this soon.
VERSION_TTL = 30
RESPONSE_PREFIX = "crin:resp:"

M2M_ACTIONS = {"post_add", "post_remove", "post_clear"}


@dataclass(frozen=True)
class Version:
    token: str
    changed_at: float  # POSIX seconds

    @property
    def last_modified(self) -> str:
        return http_date(self.changed_at)


# ---------------------------------------------------------------------------- the stamp


_suppressed = threading.local()


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def bump_data_version(using: str = DEFAULT_DB_ALIAS) -> None:
    """Mark public data as changed, in the current transaction (call after raw writes)."""
    if getattr(_suppressed, "depth", 0):
        _suppressed.dirty = True
        return
    from .models import DataVersion

    now = timezone.now()
    token = _new_token()
    updated = DataVersion.objects.using(using).filter(pk=1).update(token=token, changed_at=now)
    if not updated:  # the row is gone (a flushed test database): start again
        DataVersion.objects.using(using).create(pk=1, token=token, changed_at=now)
    if _shared():
        connection = connections[using]
        if not any(func is _publish_version for _, func, _ in connection.run_on_commit):
            transaction.on_commit(_publish_version, using=using)


def _publish_version() -> None:
    """After commit: copy the committed stamp to the shared cache, where readers look first."""
    version = _read_database()
    if version is not None:
        cache.set(VERSION_KEY, version, VERSION_TTL)


@contextmanager
def data_changes():
    """Bulk writes: no per-row bump, one bump at the end if anything changed (imports)."""
    _suppressed.depth = getattr(_suppressed, "depth", 0) + 1
    try:
        yield
    finally:
        _suppressed.depth -= 1
        if not _suppressed.depth and getattr(_suppressed, "dirty", False):
            _suppressed.dirty = False
            bump_data_version()


def _on_change(sender, **kwargs) -> None:
    bump_data_version(using=kwargs.get("using") or DEFAULT_DB_ALIAS)


def _on_m2m_change(sender, action, **kwargs) -> None:
    if action in M2M_ACTIONS:
        bump_data_version(using=kwargs.get("using") or DEFAULT_DB_ALIAS)


def public_models() -> list[type]:
    """The models whose rows reach the public API or site: each declares `public_data = True`."""
    return [model for model in apps.get_models() if getattr(model, "public_data", False)]


def connect_signals() -> None:
    """Every model that declares `public_data = True` (its rows reach the public API or site)."""
    for model in public_models():
        uid = f"crin-data-version-{model._meta.app_label}.{model.__name__}"
        post_save.connect(_on_change, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(_on_change, sender=model, dispatch_uid=uid + "-delete")
        for m2m in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_m2m_change, sender=m2m.remote_field.through, dispatch_uid=f"{uid}-{m2m.name}"
            )


def _shared() -> bool:
    # With a read replica the stamp is read with the data, from the same database (db_router).
    return getattr(settings, "PUBLIC_CACHE_SHARED", False) and "replica" not in settings.DATABASES


def _read_database() -> Version | None:
    from .models import DataVersion

    try:
        row = (
            DataVersion.objects.using(read_alias())
            .filter(pk=1)
            .values_list("token", "changed_at")
            .first()
        )
    except DatabaseError:
        return None
    if row is None:
        return None
    return Version(token=row[0], changed_at=row[1].timestamp())


_request_version: contextvars.ContextVar[Version | None] = contextvars.ContextVar(
    "crin_data_version", default=None
)


# Within a public request: a box for the stamp, so that it is read at most once per request
# however many vocabulary lookups the view and its serializers make.
_request_box: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "crin_data_version_box", default=None
)


def current_version() -> Version | None:
    """The stamp (None: no stamp, so nothing may be cached). Read once per request."""
    version = _request_version.get()
    if version is not None:
        return version
    box = _request_box.get()
    if box:
        return box[0]
    version = _read_version()
    if box is not None:
        box.append(version)
    return version


def _read_version() -> Version | None:
    if _shared():
        version = cache.get(VERSION_KEY)
        if isinstance(version, Version):
            return version
    version = _read_database()
    if version is not None and _shared():
        cache.add(VERSION_KEY, version, VERSION_TTL)
    return version


# ------------------------------------------------------------- per-process vocabularies

_memo: dict[str, tuple[str, object]] = {}


def versioned(fn: Callable[[], object]) -> Callable[[], object]:
    """`fn()` evaluated once per process and data version (a vocabulary lookup)."""
    name = f"{fn.__module__}.{fn.__qualname__}"

    @wraps(fn)
    def wrapper():
        version = current_version()
        if version is None:
            return fn()
        hit = _memo.get(name)
        if hit is not None and hit[0] == version.token:
            return hit[1]
        value = fn()
        _memo[name] = (version.token, value)
        return value

    return wrapper


_vocabularies: dict[Callable, tuple[str, frozenset]] = {}


def vocabulary_set(fn: Callable[[], object]) -> frozenset:
    """`frozenset(fn())` once per process and data version: the codes a filter accepts."""
    version = current_version()
    if version is None:
        return frozenset(fn())
    hit = _vocabularies.get(fn)
    if hit is not None and hit[0] == version.token:
        return hit[1]
    value = frozenset(fn())
    _vocabularies[fn] = (version.token, value)
    return value


# ---------------------------------------------------------------- responses and 304s

# Headers never replayed from the cache.
SKIP_HEADERS = {"set-cookie", "date", "content-length", "x-cache"}


def _enabled() -> bool:
    return getattr(settings, "PUBLIC_CACHE_ENABLED", True)


def _key(request, language: str) -> str:
    parts = [request.path, request.META.get("QUERY_STRING", ""), language]
    if settings.DEBUG:
        parts.append(request.META.get("HTTP_ACCEPT", ""))
    parts.append(getattr(settings, "RELEASE", ""))
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=12).hexdigest()


def _etag(version: Version, key: str) -> str:
    return "W/" + quote_etag(f"{version.token}-{key[:12]}")


def _not_modified(request, etag: str, version: Version) -> bool:
    if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or etag.removeprefix("W/") in tags
    since_header = request.META.get("HTTP_IF_MODIFIED_SINCE")
    since = parse_http_date_safe(since_header) if since_header else None
    return since is not None and int(version.changed_at) <= since


def _validators(response, etag: str, version: Version) -> None:
    response["ETag"] = etag
    response["Last-Modified"] = version.last_modified
    # Clients and proxies may store it but must revalidate: an edit shows at once.
    response["Cache-Control"] = "public, no-cache"


def prefetch_keys(request) -> list[str]:
    """The keys `PublicCacheMiddleware` will read for `request` (the stamp and the stored
    response), so that the rate limiter can fetch them in its own Redis round trip
    (hotpath.ratelimit); [] when the request is not served from the shared cache."""
    if (
        request.method not in ("GET", "HEAD")
        or not request.path.startswith(PublicCacheMiddleware.prefixes)
        or not _shared()
        or _request_version.get() is not None
    ):
        return []
    if not _enabled():  # the stamp alone, for the vocabulary lookups
        request._public_cache_key = None
        return [VERSION_KEY]
    language = getattr(request, "LANGUAGE_CODE", "") or translation.get_language()
    key = _key(request, language)
    request._public_cache_key = key
    return [VERSION_KEY, RESPONSE_PREFIX + key]


def _lookup(key: str, request=None) -> tuple[Version | None, tuple | None]:
    """The stamp and the stored response, in one round trip when both live in Redis (none
    when the rate limiter already fetched them with its counter: `prefetch_keys`)."""
    version = _request_version.get()
    found = getattr(request, "_public_cache_prefetched", None)
    if version is None and found is not None and request._public_cache_key == key:
        version = found.get(VERSION_KEY)
        if isinstance(version, Version):
            return version, found.get(RESPONSE_PREFIX + key)
        version = None
    if version is None and _shared():
        found = cache.get_many([VERSION_KEY, RESPONSE_PREFIX + key])
        version = found.get(VERSION_KEY)
        if isinstance(version, Version):
            return version, found.get(RESPONSE_PREFIX + key)
    version = current_version()
    if version is None:
        return None, None
    return version, cache.get(RESPONSE_PREFIX + key)


def _from_cache(stored: tuple, request) -> HttpResponse:
    _token, status, headers, body = stored
    response = HttpResponse(b"" if request.method == "HEAD" else body, status=status)
    for name, value in headers:
        response[name] = value
    response["X-Cache"] = "HIT"
    return response


def _store(key: str, version: Version, response) -> None:
    headers = [(n, v) for n, v in response.items() if n.lower() not in SKIP_HEADERS]
    cache.set(
        RESPONSE_PREFIX + key,
        (version.token, response.status_code, headers, response.content),
        getattr(settings, "PUBLIC_CACHE_TIMEOUT", 3600),
    )


def _storable(request, response) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        # A page that rendered a CSRF token is this visitor's (the token answers their cookie):
        # never served to another. The view has no cookie on its response yet when it is
        # stored here (CsrfViewMiddleware adds it on the way out), so the request's flag tells.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    )


def serve(request, language: str, view: Callable[[], HttpResponse]) -> HttpResponse:
    """Answer `request` from the stamp and the cache, or call `view()` and store its 200."""
    key = _key(request, language)
    version, stored = _lookup(key, request)
    if version is None:
        return view()
    reset = _request_version.set(version)
    try:
        etag = _etag(version, key)
        if _not_modified(request, etag, version):
            response = HttpResponseNotModified()
            _validators(response, etag, version)
            return response
        if stored is not None and stored[0] == version.token:
            response = _from_cache(stored, request)
        else:
            response = view()
            if response.status_code != 200:
                return response
            _validators(response, etag, version)
            if _storable(request, response):
                _store(key, version, response)
            response["X-Cache"] = "MISS"
        return response
    finally:
        _request_version.reset(reset)


class PublicCacheMiddleware:
    """Last in MIDDLEWARE (after rate limits and API keys): conditional requests and the
    response cache for the public API. The data is the same for every client, so a response
    is shared whoever asks; headers the outer middleware add (rate-limit counters, security
    headers) are added afresh to every response, cached or not."""

    prefixes = ("/api/v1/",)
    private = ("/admin/", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD") or request.path.startswith(self.private):
            return self.get_response(request)
        with public_reads():  # may be served from the read replica
            prefetched = getattr(request, "_public_cache_prefetched", {}).get(VERSION_KEY)
            box = _request_box.set([prefetched] if isinstance(prefetched, Version) else [])
            try:
                if not request.path.startswith(self.prefixes) or not _enabled():
                    return self.get_response(request)
                language = getattr(request, "LANGUAGE_CODE", "") or translation.get_language()
                return serve(request, language, lambda: self.get_response(request))
            finally:
                _request_box.reset(box)


def cache_public_page(view):
    """For a site view: the same stamp-keyed cache and 304s, per language. Anonymous only (an
    editor's session may show drafts or admin links, so it always gets a fresh page)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if (
            request.method not in ("GET", "HEAD")
            or (user is not None and user.is_authenticated)
            or not _enabled()
        ):
            return view(request, *args, **kwargs)
        language = getattr(request, "LANGUAGE_CODE", "") or translation.get_language()
        return serve(request, language, lambda: view(request, *args, **kwargs))

    return wrapper
