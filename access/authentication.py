"""DRF's view of the partner key that hotpath.ratelimit.ApiRateLimitMiddleware checked.

The middleware does the work (it must run before anything else for every /api/ path); this
class exposes the key as `request.auth` and declares the security scheme in the OpenAPI schema.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        api_key = getattr(request._request, "api_key", None)
        if api_key is None:
            return None
        return (None, api_key)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "access.authentication.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-API-Key",
            "description": (
                "Optional. A partner API key (issued by CRIN) raises the rate limit. Send it as "
                "`X-API-Key: <key>` or `Authorization: Api-Key <key>`. An unknown or revoked "
                "key is a 401. Without a key, each IP address has the anonymous limit."
            ),
        }
