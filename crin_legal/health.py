"""/healthz, and what a request gets when the database is down.

- `/healthz`: `{"status": "ok"|"degraded"|"unavailable", "checks": {"database": ..., "cache":
  ...}}`. 200 while the database answers (a cache outage is "degraded": the site still serves,
  without shared rate-limit counters and response cache); 503 with `Retry-After` when the
  database does not. Never cached, never redirected to https (SECURE_REDIRECT_EXEMPT).
- `server_error` (handler500): an uncaught database connection error (PostgreSQL down or
  restarting, a statement cut by statement_timeout) is a 503 with `Retry-After` — JSON under
  /api/ and for /healthz, a short HTML page elsewhere; any other error is a plain 500, JSON under
  /api/. Neither renders a template that could touch the database.
"""

import logging
import sys
import uuid

from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


def check_database(alias: str = "default") -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("Health check: database %s unavailable", alias, exc_info=True)
        # Drop the broken connection so the next request reconnects.
        connections[alias].close_if_unusable_or_obsolete()
        return "unavailable"
    return "ok"


def check_cache(alias: str = "default") -> str:
    key = f"healthz:{uuid.uuid4().hex}"
    cache = caches[alias]
    try:
        cache.set(key, "1", 10)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception:  # noqa: BLE001 - any cache failure is reported, never raised
        logger.warning("Health check: cache unavailable", exc_info=True)
        ok = False
    return "ok" if ok else "unavailable"


@never_cache
def healthz(request):
    checks = {"database": check_database(), "cache": check_cache()}
    if checks["database"] != "ok":
        status, code = "unavailable", 503
    elif checks["cache"] != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    response = JsonResponse({"status": status, "checks": checks}, status=code)
    if code == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def wants_json(request) -> bool:
    return request.path_info.startswith(("/api/", "/healthz"))


def database_unavailable(request):
    message = "The database is unavailable. Please retry shortly."
    if wants_json(request):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(
            "<!doctype html><html lang=en><meta charset=utf-8><title>Service unavailable</title>"
            f"<h1>Service unavailable</h1><p>{message}</p></html>",
            status=503,
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, *args, **kwargs):
    error = sys.exc_info()[1]
    while error is not None and not isinstance(error, UNAVAILABLE_ERRORS):
        error = error.__cause__ or error.__context__
    if error is not None:
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
        return database_unavailable(request)
    if wants_json(request):
        return JsonResponse({"detail": "Internal server error."}, status=500)
    return HttpResponse(
        "<!doctype html><html lang=en><meta charset=utf-8><title>Server error</title>"
        "<h1>Server error</h1><p>Something went wrong on our side. It has been logged.</p></html>",
        status=500,
    )
