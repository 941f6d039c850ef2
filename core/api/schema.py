"""OpenAPI details shared by every public endpoint: the error bodies."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

ValidationErrorSerializer = inline_serializer(
    name="ValidationError",
    fields={
        "detail": serializers.CharField(default="Invalid request."),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()),
            help_text="Messages keyed by the name of the query parameter at fault.",
        ),
    },
)

DetailErrorSerializer = inline_serializer(
    name="DetailError", fields={"detail": serializers.CharField()}
)


class PublicAutoSchema(AutoSchema):
    """Declares the 400 (bad query parameters), 404, 401 (bad API key), 429 (rate limit) and
    503 (database unavailable) bodies on every operation."""

    def _get_format_parameters(self):
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            parameter["description"] = (
                "`csv` downloads the whole filtered list as CSV (nested values in dotted columns); "
                "with `page` or `page_size`, one page of it. Default: JSON."
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        responses.setdefault("400", self._get_response_for_code(ValidationErrorSerializer, "400"))
        responses.setdefault("404", self._get_response_for_code(DetailErrorSerializer, "404"))
        # Rate limits, partner keys, an unavailable database (hotpath.ratelimit, crin_legal.health).
        for code in ("401", "429", "503"):
            responses.setdefault(code, self._get_response_for_code(DetailErrorSerializer, code))
        return responses
