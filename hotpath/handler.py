"""The WSGI handler: the whole middleware stack, or a shorter one for anonymous public API reads.

An anonymous GET/HEAD under /api/ (no cookie at all) gets nothing from sessions, CSRF, the
signed-in user and its second factor, change-history attribution, messages, the site's language
redirect, static files, the site's page compression or the login lockout: with no cookie there
is no session, user or message, a read writes no history, and none of them adds a header to
such a response. Those requests go
through `lean_middleware()`, the same stack without them, in the same order; everything else
(any cookie, any other method, the site, the admin, the API docs page, which renders a template)
through settings.MIDDLEWARE. What stays is everything that shapes an API response: security
headers, CORS, CSP, language and Vary, host validation and Content-Length, framing, NUL
rejection, rate limits and API keys, the response cache.

tests/hotpath/test_lean_stack.py checks that both stacks answer byte for byte the same.
"""

import os

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

# Left out for anonymous API reads (see above).
NOT_FOR_ANONYMOUS_API_READS = frozenset(
    {
        "hotpath.middleware.PublicPageGZipMiddleware",  # leaves /api/ alone
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "core.admin.locale.AdminLanguageMiddleware",  # the admin's addresses only
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django_otp.middleware.OTPMiddleware",
        "simple_history.middleware.HistoryRequestMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "axes.middleware.AxesMiddleware",
    }
)
API_PREFIX = "/api/"
# Rendered from templates (context processors read the user and messages): the full stack.
FULL_STACK_UNDER_API = ("/api/v1/docs/",)


def lean_middleware() -> list[str]:
    return [m for m in settings.MIDDLEWARE if m not in NOT_FOR_ANONYMOUS_API_READS]


def is_anonymous_api_read(environ) -> bool:
    path = environ.get("PATH_INFO", "")
    return (
        environ.get("REQUEST_METHOD") in ("GET", "HEAD")
        and path.startswith(API_PREFIX)
        and not path.startswith(FULL_STACK_UNDER_API)
        and "HTTP_COOKIE" not in environ
        and not environ.get("SCRIPT_NAME")
    )


class _LeanHandler(WSGIHandler):
    def load_middleware(self, is_async=False):
        # BaseHandler.load_middleware reads settings.MIDDLEWARE: give it the lean list for the
        # duration (at start-up, before any request is served).
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = lean_middleware()
        try:
            super().load_middleware(is_async=is_async)
        finally:
            settings.MIDDLEWARE = full


class Handler(WSGIHandler):
    """settings.MIDDLEWARE, except for anonymous API reads (`lean_middleware()`)."""

    def __init__(self):
        super().__init__()
        # LEAN_API_STACK=0: the full stack for every request (to compare).
        self.lean = _LeanHandler() if os.environ.get("LEAN_API_STACK", "1") != "0" else None

    def __call__(self, environ, start_response):
        if self.lean is not None and is_anonymous_api_read(environ):
            return self.lean(environ, start_response)
        return super().__call__(environ, start_response)


def get_wsgi_application() -> Handler:
    """django.core.wsgi.get_wsgi_application, with this handler."""
    import django

    django.setup(set_prefix=False)
    return Handler()
