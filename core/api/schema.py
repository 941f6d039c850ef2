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


BOM_PARAMETER_SCHEMA = {
    "name": "bom",
    "in": "query",
    "required": False,
    "description": "Only with `format=csv`: `1` (or `true`) starts the CSV with a UTF-8 "
    "byte-order mark, so that Excel reads it as UTF-8. Default: no mark (plain UTF-8). With any "
    "other format, a 400.",
    "schema": {"type": "string", "enum": ["1", "true", "0", "false"]},
}


class PublicAutoSchema(AutoSchema):
    """Declares the 400 (bad query parameters), 404, 401 (bad API key), 429 (rate limit) and
    503 (database unavailable) bodies on every operation."""

    def _get_format_parameters(self):
        parameters = super()._get_format_parameters()
        for parameter in parameters:
            parameter["description"] = (
                "`csv` downloads the whole filtered list as CSV (nested values in dotted columns, "
                "lists joined with `; `, a source as `<url> (<grade>, read <date>)`); "
                "with `page` or `page_size`, one page of it. A text beginning with `=`, `+`, `-`, "
                "`@`, a tab or a line break is written with a leading `'` so that spreadsheets "
                "never read it as a formula. Default: JSON."
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

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        filterset = getattr(self.view, "filterset_class", None)
        rules = list(getattr(filterset, "constraints", [])) if self._is_list_view() else []
        names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
        if self._is_list_view() and "format" in names and "bom" not in names:
            operation["parameters"].append(BOM_PARAMETER_SCHEMA)
        if "page" in names:
            rules.append("`page` <= the last page (a 404 otherwise)")
        if rules:
            # OpenAPI 3.0 cannot state a rule between parameters: said in words, and listed for
            # tools under an extension. Each broken rule is a 400 naming a parameter.
            operation["x-constraints"] = rules
            text = "Rules between parameters (a 400 naming the parameter when broken, a 404 for "
            text += "a page past the last): " + "; ".join(rules) + "."
            description = operation.get("description", "")
            operation["description"] = f"{description}\n\n{text}" if description else text
        return operation


def require_values(result, generator, request, public):
    """Post-processing hook: a query parameter given is a parameter with a value (an empty
    value is a 400, core.api.filters.check_query_parameters), so every string parameter, and
    every string item of an array parameter, has `minLength: 1`."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                schema = parameter.get("schema", {})
                if schema.get("type") == "array":
                    schema = schema.get("items", {})
                if schema.get("type") == "string" and "enum" not in schema:
                    schema.setdefault("minLength", 1)
    return result
