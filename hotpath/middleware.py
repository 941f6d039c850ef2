"""Security headers, NUL bytes and the site's compressed pages (docs/SECURITY.md). CORS is
django-cors-headers' (settings: CORS_*), which the fast path replicates (hotpath.fastpath).

- `SecurityHeadersMiddleware`: Permissions-Policy on every response, and the framing exception
  of the embeddable map pages (/embed/..., /fr/embed/...): `frame-ancestors *` and no
  X-Frame-Options there. The Content-Security-Policy itself is Django's
  (django.middleware.csp, settings.SECURE_CSP); this only overrides it per response.
"""

import re

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.utils.csp import CSP, build_policy
from django.utils.html import escape


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def embed_path_pattern() -> re.Pattern:
    prefixes = "|".join(re.escape(code) for code, _name in settings.LANGUAGES)
    return re.compile(rf"^/(?:(?:{prefixes})/)?embed/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.embed = embed_path_pattern()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if self.embed.match(request.path_info):
            # Partner sites frame the map: any ancestor, and no X-Frame-Options (which has no
            # "any origin" value). Everything else in the policy stays. Works whichever side of
            # the CSP and X-Frame-Options middleware this one sits.
            policy = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}
            response._csp_config = policy
            response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(policy)
            response.xframe_options_exempt = True
            response.headers.pop("X-Frame-Options", None)
        return response


class RejectNulBytesMiddleware:
    """A NUL byte in a query parameter is a 400 naming it, on every page and API route (a path
    with one matches no route: a 404); so is a query string of more than
    DATA_UPLOAD_MAX_NUMBER_FIELDS parameters.

    PostgreSQL cannot hold NUL in text, so such a value would otherwise reach the database and
    fail there (a 500). The API's own filters already refuse it with the same message; this
    covers the site's pages, whatever parameter they read.
    """

    MESSAGE = "A value contains a NUL byte."

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            # No route has a NUL in it: the API's JSON 404, or the site's 404 page.
            if is_api_path(request.path):
                return JsonResponse({"detail": "Not found."}, status=404)
            raise Http404("No such page.")
        try:
            parameters = request.GET.lists()
        except TooManyFieldsSent:
            # Answered here, once: a view reading request.GET again would raise it inside this
            # handler (a chained traceback in the log for one bad request). Django logs the 400
            # in one line ("Bad Request: ...").
            return self._too_large(request)
        for name, values in parameters:
            if "\x00" in name or any("\x00" in value for value in values):
                return self._refuse(request, name.replace("\x00", "\\x00"))
        return self.get_response(request)

    def _too_large(self, request) -> HttpResponse:
        message = "The query string is too large."
        if is_api_path(request.path):
            return JsonResponse(
                {"detail": "Invalid request.", "errors": {"non_field_errors": [message]}},
                status=400,
            )
        return HttpResponse(
            f"Bad request: {message}", status=400, content_type="text/plain; charset=utf-8"
        )

    def _refuse(self, request, name: str) -> HttpResponse:
        if is_api_path(request.path):
            return JsonResponse(
                {"detail": "Invalid request.", "errors": {name: [self.MESSAGE]}}, status=400
            )
        return HttpResponse(
            f"Bad request: {escape(name)}: {self.MESSAGE}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )


class PublicPageGZipMiddleware(GZipMiddleware):
    """The site's HTML pages compressed on the wire (gzip), for anonymous visitors only.

    BREACH (a secret in a compressed page that also reflects the visitor's input, guessed byte by
    byte from the compressed length) is kept out three ways: a page is compressed only for a
    request without a session cookie, so no editor's page (CSRF token bound to a session, drafts,
    their name) is ever compressed, and never under the admin; the public pages hold no secret
    (Django masks a CSRF token afresh in every response); and Django's gzip adds 0-100 random
    bytes to every compressed response ("Heal the BREACH"), so lengths do not line up between
    two requests. The API is left to the proxy (its JSON answers are replicated byte for byte by
    the fast path, hotpath.fastpath); static files are WhiteNoise's.
    """

    content_types = ("text/html",)

    def process_response(self, request, response):
        path = request.path_info
        if (
            path.startswith(("/api/", "/" + settings.ADMIN_URL))
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or not response.get("Content-Type", "").startswith(self.content_types)
        ):
            return response
        return super().process_response(request, response)
