"""The WSGI application for the production server (granian: serve.py, the one production server).

WSGI_WARM_UP=0 skips importing the URLconf at start-up; FAST_PATH=0 sends every request
through Django (no answer from hotpath/fastpath.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crin_legal.settings")

# Django, with a shorter middleware stack for anonymous API reads (hotpath/handler.py).
from hotpath.handler import get_wsgi_application  # noqa: E402

django_application = get_wsgi_application()

# Cache hits of the public API are answered before Django (hotpath/fastpath.py);
# FAST_PATH=0 sends every request through Django.
from hotpath.fastpath import FastPath  # noqa: E402 - needs the settings configured above

application = (
    FastPath(django_application) if os.environ.get("FAST_PATH", "1") != "0" else django_application
)


def warm_up() -> None:
    """Import the URLconf and everything it pulls in (the API, exports, admin) before the worker
    takes its first request: otherwise that request waits for it (about 1-2 s), which showed as
    the p99 of every short benchmark run and after every recycle."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect


if os.environ.get("WSGI_WARM_UP", "1") == "1":
    warm_up()
