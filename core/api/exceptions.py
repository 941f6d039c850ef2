"""One error shape for the whole public API.

- 400: ``{"detail": "Invalid request.", "errors": {"<parameter>": ["<message>", ...]}}`` — every
  problem with the query string is keyed by the name of the parameter at fault.
- 404, 405, 406: ``{"detail": "<message>"}`` (DRF's shape).
"""

from django.core.exceptions import SuspiciousOperation
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

NON_PARAMETER_KEY = "non_field_errors"


def _as_list(value) -> list[str]:
    if isinstance(value, list | tuple):
        out: list[str] = []
        for item in value:
            out.extend(_as_list(item))
        return out
    if isinstance(value, dict):
        return [f"{key}: {msg}" for key, item in value.items() for msg in _as_list(item)]
    return [str(value)]


def error_body(errors: dict) -> dict:
    return {
        "detail": "Invalid request.",
        "errors": {str(key): _as_list(value) for key, value in errors.items()},
    }


def exception_handler(exc, context):
    if isinstance(exc, SuspiciousOperation):
        # e.g. more query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS.
        return Response(
            error_body({NON_PARAMETER_KEY: ["The query string is too large."]}),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        if not isinstance(detail, dict):
            detail = {NON_PARAMETER_KEY: detail}
        return Response(error_body(detail), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
