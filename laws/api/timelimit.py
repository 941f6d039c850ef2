"""The time limit shared by every `q` of the public API: a search that runs too long is a 503
with a JSON `detail`, never a 500. The engine is `laws.search`."""

from contextlib import contextmanager

from rest_framework import status
from rest_framework.exceptions import APIException

from laws import search


class SearchTookTooLong(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = (
        "The search took too long and was stopped. Narrow it: more words, a phrase, or a "
        "country or indicator filter."
    )
    default_code = "search_timeout"


@contextmanager
def search_time_limit():
    """A block under `laws.search.time_limit()` whose timeout is `SearchTookTooLong`."""
    try:
        with search.time_limit():
            yield
    except search.SearchTimeout as exc:
        raise SearchTookTooLong() from exc


def searching(request) -> bool:
    return bool(str(request.query_params.get("q", "")).strip())


class SearchTimeLimitMixin:
    """A list whose `q` runs under `laws.search.time_limit()`: too slow is a 503 with a JSON
    `detail`, never a 500."""

    def list(self, request, *args, **kwargs):
        if not searching(request):
            return super().list(request, *args, **kwargs)
        with search_time_limit():
            return super().list(request, *args, **kwargs)
