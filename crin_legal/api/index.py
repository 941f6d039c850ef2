"""The API index and the JSON 404 for unknown paths under /api/v1/ (the shell's own views)."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from core.api.filters import check_method, check_query_parameters
from core.api.schema import PublicAutoSchema

ENDPOINTS = (
    ("countries", "country-list"),
    ("treaties", "treaty-list"),
    ("participations", "participation-list"),
    ("laws", "law-list"),
    ("indicators", "indicator-list"),
    ("findings", "finding-list"),
    ("changes", "change-list"),
    ("provisions", "provision-list"),
    ("schema", "schema"),
    ("docs", "docs"),
)


class IndexView(APIView):
    """The endpoints of API v1, with absolute URLs."""

    schema = PublicAutoSchema()

    def initial(self, request, *args, **kwargs):
        check_method(self, request)
        check_query_parameters(
            request.query_params,
            allowed=(),
            formats={renderer.format for renderer in self.get_renderers()},
        )
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="index",
        responses={200: {"type": "object", "additionalProperties": {"type": "string"}}},
    )
    def get(self, request, format=None):
        return Response({name: reverse(view, request=request) for name, view in ENDPOINTS})


def not_found(request, path=""):
    """Unknown paths under /api/v1/ get a JSON 404; a known path missing its trailing slash is
    redirected (this catch-all would otherwise pre-empt Django's APPEND_SLASH)."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            target = request.path + "/"
            if request.META.get("QUERY_STRING"):
                target += "?" + request.META["QUERY_STRING"]
            return HttpResponsePermanentRedirect(target)
    return JsonResponse({"detail": "Not found: no such API endpoint."}, status=404)
