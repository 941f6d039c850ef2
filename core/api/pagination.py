"""Page-number pagination that rejects what it cannot honour instead of guessing."""

from django.core.paginator import InvalidPage
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
# A CSV download (`?format=csv` without `page_size`) is the whole filtered table, up to this.
CSV_MAX_ROWS = 100_000


def parse_positive_int(raw: str, *, parameter: str, maximum: int | None = None) -> int:
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise ValidationError({parameter: [f"Expected a positive whole number, got {raw!r}."]})
    number = int(text)
    if number < 1:
        raise ValidationError({parameter: ["Must be 1 or more."]})
    if maximum is not None and number > maximum:
        raise ValidationError({parameter: [f"Must be at most {maximum}."]})
    return number


class FetchedPage:
    """A page of rows fetched with the total count (`COUNT(*) OVER ()`), for Django's Paginator
    (it asks `count()`, then slices out the page it has already been given)."""

    def __init__(self, rows: list, total: int):
        self.rows, self.total = rows, total

    def count(self) -> int:
        return self.total

    def __getitem__(self, key):
        return self.rows


class StrictPageNumberPagination(PageNumberPagination):
    """`page` (1-based) and `page_size` (default 50, 1 to 500).

    A malformed or out-of-range `page_size`, or a `page` that is not a positive number, is a 400;
    a page beyond the last one is a 404 with a JSON body.
    """

    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_query_param = "page"
    page_size_query_param = "page_size"
    page_size_query_description = _("Results per page: 1 to 500, default 50.")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            renderer = getattr(request, "accepted_renderer", None)
            if renderer is not None and renderer.format == "csv":
                return CSV_MAX_ROWS
            return self.page_size
        return parse_positive_int(
            raw, parameter=self.page_size_query_param, maximum=self.max_page_size
        )

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None or raw == "":
            return 1
        return parse_positive_int(raw, parameter=self.page_query_param)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        paginator = self.django_paginator_class(queryset, page_size)
        number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(number)
        except InvalidPage as exc:
            raise NotFound(
                f"Page {number} does not exist: there are {paginator.num_pages} page(s) "
                f"of {page_size} result(s)."
            ) from exc
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "A page number (1-based). A page beyond the last one is a 404.",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": str(self.page_size_query_description),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]


UNDATED_SCHEMA = {
    "type": "object",
    "description": "Only with `as_of`: what the answer left out (or, for `not_assessed` "
    "conditions, took in) because a finding it turns on has no known start date — we know it "
    "holds now, not whether it held on `as_of`. Never read such a state as a 'no'.",
    "properties": {
        "count": {"type": "integer"},
        "countries": {
            "type": "array",
            "items": {"type": "string"},
            "description": "ISO 3166-1 alpha-2 codes (lists of states).",
        },
    },
}


class AsOfPagination(StrictPageNumberPagination):
    """Pages of a list that answers `as_of`: the view may add `undated` to the page."""

    def get_paginated_response_schema(self, schema):
        out = super().get_paginated_response_schema(schema)
        out["properties"]["undated"] = UNDATED_SCHEMA
        return out
