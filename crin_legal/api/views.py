"""The base of every public viewset, the API index and the JSON 404 for unknown API paths."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from crin_legal.api.json import JSONRenderer

from .filters import PAGINATION_PARAMETERS, StrictFilterBackend, check_query_parameters
from .pagination import StrictPageNumberPagination
from .renderers import CSVRenderer
from .schema import PublicAutoSchema


class PublicListViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Anonymous, read-only, strictly validated.

    Subclasses set `queryset` (with an explicit `order_by`), `filterset_class`,
    `list_serializer_class` and (with a detail route) `detail_serializer_class`.
    """

    pagination_class = StrictPageNumberPagination
    filter_backends = [StrictFilterBackend]
    schema = PublicAutoSchema()
    list_serializer_class = None
    detail_serializer_class = None
    # Path converters keep hostile path segments away from the database (e.g. an id over 2^63).
    lookup_value_regex = "[^/]+"

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(CSVRenderer())
        return renderers

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is not None and renderer.format == "csv":
            if response.status_code >= 400:
                # Errors are always JSON bodies naming the problem, whatever format was asked.
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = JSONRenderer.media_type
            else:
                name = request.path.rstrip("/").rsplit("/", 1)[-1] + ".csv"
                response["Content-Disposition"] = f'attachment; filename="{name}"'
        return super().finalize_response(request, response, *args, **kwargs)

    def get_serializer_class(self):
        if self.action == "retrieve":
            return self.detail_serializer_class
        return self.list_serializer_class

    def allowed_query_parameters(self) -> tuple[set[str], set[str]]:
        if self.action != "list":
            return set(), set()
        filterset = self.filterset_class
        return (
            filterset.parameter_names() | set(PAGINATION_PARAMETERS),
            filterset.multi_valued_parameter_names(),
        )

    def initial(self, request, *args, **kwargs):
        # Before content negotiation, so that `?format=xml` is a 400 naming `format`.
        allowed, multi = self.allowed_query_parameters()
        check_query_parameters(
            request.query_params,
            allowed=allowed,
            multi_valued=multi,
            formats={renderer.format for renderer in self.get_renderers()},
        )
        super().initial(request, *args, **kwargs)

    def get_object_or_404(self, queryset, **lookup):
        try:
            return queryset.get(**lookup)
        except queryset.model.DoesNotExist as exc:
            raise NotFound(
                f"No {queryset.model._meta.verbose_name} matches the given key."
            ) from exc


class PublicReadOnlyViewSet(mixins.RetrieveModelMixin, PublicListViewSet):
    """A list and a detail route."""


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
