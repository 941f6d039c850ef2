"""The alternative production server: gunicorn (serve.py runs granian, the default; see its
docstring). Workers sized for the machine's cores."""

import multiprocessing
import os
import sys

# A production server: production mode unless DJANGO_ENV says otherwise (docker-compose's local
# stack sets DJANGO_ENV=development). In production mode the settings refuse a missing or
# development SECRET_KEY; refuse here too, before any worker starts.
os.environ.setdefault("DJANGO_ENV", "production")
if os.environ["DJANGO_ENV"] == "production" and len(os.environ.get("SECRET_KEY", "")) < 50:
    sys.exit("gunicorn: refusing to start: set SECRET_KEY (50+ random characters).")

bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Two threads per worker (gthread): a request waiting on PostgreSQL or Redis leaves the core to
# the other, and keep-alive connections are kept (the sync worker closes every connection, which
# halved the cached API's req/s in the benchmark). GUNICORN_THREADS=1 gives the sync worker.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = 30
graceful_timeout = 20
keepalive = 5
# A recycled worker pays its warm-up again (imports, URL resolver, the first queries: about 0.5 s
# of CPU); at a few thousand req/s a limit of 2,000 recycled each worker every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "50000"))
max_requests_jitter = max_requests // 10
# An access log line per request costs CPU at thousands of requests a second; the proxy (nginx)
# logs too. GUNICORN_ACCESS_LOG="" turns it off (the benchmark does).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Import the URLconf and everything it pulls in (the API, exports, admin) before the worker
    takes its first request: otherwise that request waits for it (about 1-2 s), which showed as
    the p99 of every short benchmark run and after every recycle."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imported for its side effect
