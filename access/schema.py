"""OpenAPI: the Retry-After header of 429 and 503 answers, and what rate limits apply."""

from django.conf import settings

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer", "minimum": 1},
    }
}


def document_rate_limits(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            for code, text in (
                ("401", "The API key is unknown or revoked."),
                ("429", "Too many requests from this client: wait Retry-After seconds."),
                ("503", "The database is unavailable: retry after Retry-After seconds."),
            ):
                if code in responses:
                    responses[code]["description"] = text
                    if code != "401":
                        responses[code]["headers"] = RETRY_AFTER
    result.setdefault("info", {})["description"] = result["info"].get("description", "") + (
        f"\n\n**Rate limits.** Each client may send {settings.API_RATE_ANON} requests per "
        f"{settings.API_RATE_WINDOW} seconds (per IP address); a partner API key (header "
        "`X-API-Key: <key>` or `Authorization: Api-Key <key>`) has its own, higher limit. Over "
        "the limit the answer is a 429 with `Retry-After`. The API is readable from any origin "
        "(CORS `Access-Control-Allow-Origin: *`, no credentials)."
    )
    return result
