"""The base of every public viewset: anonymous, read-only, strictly validated."""

from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound

from .filters import (
    BOM_PARAMETER,
    PAGINATION_PARAMETERS,
    StrictFilterBackend,
    check_method,
    check_query_parameters,
)
from .json import JSONRenderer
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
            filterset.parameter_names() | set(PAGINATION_PARAMETERS) | {BOM_PARAMETER},
            filterset.multi_valued_parameter_names(),
        )

    def initial(self, request, *args, **kwargs):
        check_method(self, request)
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
