"""Error pages: JSON for every path under /api/ (and /healthz), Django's own pages elsewhere.

The API's own views answer their errors in the API's shape; these handlers cover what reaches
Django's error handling instead: a path that matches no route (e.g. one with a newline in it),
a host Django refuses, a forbidden request. handler500 is `crin_legal.health.server_error`.
"""

from django.http import JsonResponse
from django.views import defaults

from .health import wants_json


def bad_request(request, exception=None):
    if wants_json(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    if wants_json(request):
        return JsonResponse({"detail": "Forbidden."}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if wants_json(request):
        return JsonResponse({"detail": "Not found: no such API endpoint."}, status=404)
    return defaults.page_not_found(request, exception)
