"""The production server: granian (a Rust HTTP server) running the WSGI application.

    python serve.py          # what the Dockerfile and docker-compose run

Why granian and not gunicorn: side by side on this project's benchmark (docs/PERFORMANCE.md),
same machine, same app, granian answered cached API requests at about 1.8x gunicorn's gthread
rate and uncached ones at 1.2-1.5x, with a far lower p99: HTTP parsing, keep-alive and the
response writes are Rust, and only the application runs in Python. gunicorn.conf.py stays as
the alternative (`gunicorn --config gunicorn.conf.py crin_legal.wsgi:application`).

Environment (the same names as gunicorn.conf.py where they mean the same):
- BIND (`host:port`, default 0.0.0.0:$PORT, PORT default 8000)
- WEB_CONCURRENCY: worker processes (default: one per core; each has its own GIL)
- WEB_THREADS: Python threads per worker (default 2: a request waiting on PostgreSQL or Redis
  leaves the core to the other)
- ACCESS_LOG: 1 (default) logs every request to stdout; 0 when the proxy in front logs
- WORKERS_LIFETIME: seconds after which a worker is replaced (default none; >= 60)
"""

import multiprocessing
import os
import sys

# A production server: production mode unless DJANGO_ENV says otherwise (docker-compose's local
# stack sets DJANGO_ENV=development). In production mode the settings refuse a missing or
# development SECRET_KEY; refuse here too, before any worker starts.
os.environ.setdefault("DJANGO_ENV", "production")


def check_secret_key() -> None:
    if os.environ["DJANGO_ENV"] == "production" and len(os.environ.get("SECRET_KEY", "")) < 50:
        sys.exit("serve.py: refusing to start: set SECRET_KEY (50+ random characters).")


def options() -> dict:
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings

    bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
    host, _, port = bind.rpartition(":")
    lifetime = os.environ.get("WORKERS_LIFETIME")
    return {
        "target": "crin_legal.wsgi:application",
        "interface": Interfaces.WSGI,
        "address": host.strip("[]") or "0.0.0.0",
        "port": int(port),
        "workers": int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count()),
        "blocking_threads": int(os.environ.get("WEB_THREADS", "2")),
        # HTTP/1.1 behind the proxy (nginx speaks HTTP/1.1 to its upstreams).
        "http": HTTPModes.http1,
        "websockets": False,
        # A client has 10 s to send its request headers (slow-header attacks hold no worker:
        # connections are Rust tasks, and Python sees only complete requests).
        "http1_settings": HTTP1Settings(header_read_timeout=10_000, keep_alive=True),
        "log_level": os.environ.get("LOG_LEVEL", "WARNING").lower(),
        "log_access": os.environ.get("ACCESS_LOG", "1") not in ("", "0"),
        # A worker that dies is replaced (gunicorn does it too); on shutdown, workers finish
        # their requests for up to 20 s.
        "respawn_failed_workers": True,
        "workers_kill_timeout": 20,
        "workers_lifetime": int(lifetime) if lifetime else None,
    }


def main() -> None:
    check_secret_key()
    from granian import Granian

    Granian(**options()).serve()


if __name__ == "__main__":
    main()
