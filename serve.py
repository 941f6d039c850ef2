"""The production server: granian (a Rust HTTP server) running the WSGI application.

    python serve.py          # what the Dockerfile and docker-compose run

Why granian and not gunicorn: side by side on this project's benchmark (docs/PERFORMANCE.md),
same machine, same app, granian answered cached API requests at about 1.8x gunicorn's gthread
rate and uncached ones at 1.2-1.5x, with a far lower p99: HTTP parsing, keep-alive and the
response writes are Rust, and only the application runs in Python. It is the one production
server: gunicorn is no longer a dependency of the app (only of the benchmark's SQL floor).

Environment (the names gunicorn users know, where they mean the same):
- BIND (`host:port`, default 0.0.0.0:$PORT, PORT default 8000)
- WEB_CONCURRENCY: worker processes (default: one per core; each has its own GIL)
- WEB_THREADS: Python threads per worker (default 2: a request waiting on PostgreSQL or Redis
  leaves the core to the other)
- ACCESS_LOG: 1 (default) logs every request to stdout; 0 when the proxy in front logs
- WORKERS_LIFETIME: seconds after which a worker is replaced (default none; >= 60)

The process tree stays clean (docs/SECURITY.md, "Faults"): workers die with this process, even
when it is killed with SIGKILL and cannot stop them itself (Linux's parent-death signal, set in
each worker as it is forked), and the server refuses to start on an address already bound
(granian binds with SO_REUSEPORT, so a second server would otherwise share the port with the
first one's workers).
"""

import ctypes
import errno
import multiprocessing
import os
import signal
import socket
import sys

# A production server: production mode unless DJANGO_ENV says otherwise (docker-compose's local
# stack sets DJANGO_ENV=development). In production mode the settings refuse a missing or
# development SECRET_KEY; refuse here too, before any worker starts.
os.environ.setdefault("DJANGO_ENV", "production")


def check_secret_key() -> None:
    if os.environ["DJANGO_ENV"] == "production" and len(os.environ.get("SECRET_KEY", "")) < 50:
        sys.exit("serve.py: refusing to start: set SECRET_KEY (50+ random characters).")


PR_SET_PDEATHSIG = 1
SERVER_PID = "CRIN_SERVER_PID"


_forked_by = 0


def _before_fork() -> None:
    global _forked_by
    _forked_by = os.getpid()


def die_with_parent() -> None:
    """In a worker: be killed when the server process dies, however it dies (SIGKILL included).
    Linux only (prctl); elsewhere the workers rely on the server's own shutdown. Only a process
    the server itself started (a fork made by a worker is left alone)."""
    parent = int(os.environ.get(SERVER_PID) or 0)
    if not parent or os.getpid() == parent or not sys.platform.startswith("linux"):
        return
    if _forked_by and _forked_by != parent:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return
    if os.getppid() != parent:  # the server died before the signal was armed
        os._exit(1)


def check_address_free(host: str, port: int) -> None:
    """Refuse to start when something already listens on the address: a plain bind (no
    SO_REUSEPORT) fails while any socket listens there, a leftover worker's included."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        # Connections of a previous server in TIME_WAIT do not hold the port (as for granian).
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            sys.exit(f"serve.py: refusing to start: {host}:{port} is already in use.")
        raise
    finally:
        probe.close()


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

    settings = options()
    check_address_free(settings["address"], settings["port"])
    # Workers are forked from this process (or spawned, where fork is not the default):
    # each arms the parent-death signal as it starts.
    os.environ[SERVER_PID] = str(os.getpid())
    os.register_at_fork(before=_before_fork, after_in_child=die_with_parent)
    Granian(**settings).serve()


if __name__ == "__mp_main__":  # a worker started by "spawn" re-imports this module
    die_with_parent()


if __name__ == "__main__":
    main()
