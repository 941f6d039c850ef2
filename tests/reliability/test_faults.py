"""Faults while serving: the database unreachable (503 JSON with Retry-After, /healthz says so,
and service resumes when it is back), Redis unreachable (the site still serves), a slow query cut
by the statement timeout, an import killed mid-transaction (nothing half-written).

The PostgreSQL restart under load, on a throwaway cluster, is scripts/fault_drill.py in .ci/run.
"""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

BASE_DIR = Path(__file__).resolve().parents[2]
PAGES = ["/api/v1/countries/", "/api/v1/", "/countries/", "/", "/countries/gb/"]


postgres_only = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="PostgreSQL (production's engine): a server to lose, statement timeouts, SIGKILL",
)


@contextmanager
def database_unreachable():
    """Point the default connection at a server that is not there (a closed port), as a
    crashed or restarting PostgreSQL looks."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_database_down_is_a_503_with_retry_after_and_recovers(world, caplog):
    caplog.set_level("CRITICAL", logger="django.request")
    client = Client(raise_request_exception=False)
    assert client.get("/healthz").json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok"},
    }
    with database_unreachable():
        health = client.get("/healthz")
        assert health.status_code == 503
        assert health.json()["checks"]["database"] == "unavailable"
        assert int(health["Retry-After"]) > 0
        for url in ("/api/v1/countries/?page_size=3", "/api/v1/laws/"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert response["Content-Type"] == "application/json"
            assert "retry" in response.json()["detail"].lower()
            assert int(response["Retry-After"]) > 0
            assert response["X-Content-Type-Options"] == "nosniff"
        page = client.get("/countries/")
        assert page.status_code == 503
        assert int(page["Retry-After"]) > 0
    # Back: the next requests succeed (the broken connection was dropped).
    for url in PAGES:
        assert client.get(url).status_code == 200, url
    assert client.get("/healthz").status_code == 200


REDIS_DOWN = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
    "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2, "SOCKET_TIMEOUT": 0.2},
}


@pytest.mark.django_db
def test_redis_down_the_site_still_serves(world, settings, caplog):
    caplog.set_level("CRITICAL")
    settings.CACHES = {
        "default": REDIS_DOWN,
        "ratelimit": {**REDIS_DOWN, "KEY_PREFIX": "ratelimit"},
    }
    settings.PUBLIC_CACHE_SHARED = True
    settings.API_RATE_ANON = 2  # the counter is down: requests are let through
    client = Client()
    for url in PAGES * 2:
        assert client.get(url).status_code == 200, url
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "unavailable"},
    }


@postgres_only
@pytest.mark.django_db
def test_statement_timeout_is_set_on_every_connection(settings):
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        value = cursor.fetchone()[0]
    expected = settings.STATEMENT_TIMEOUT_MS
    assert value in {f"{expected}ms", f"{expected // 1000}s"}


def manage(*args, env=None, **kwargs):
    environment = {**os.environ, **(env or {})}
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def current_database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_slow_query_is_cut_by_the_statement_timeout():
    started = time.monotonic()
    process = manage(
        "shell",
        "-c",
        "from django.db import connection; connection.cursor().execute('SELECT pg_sleep(20)')",
        env={"DATABASE_URL": current_database_url(), "DB_STATEMENT_TIMEOUT_MS": "300"},
    )
    _out, err = process.communicate(timeout=60)
    assert process.returncode != 0
    assert "statement timeout" in err
    assert time.monotonic() - started < 20


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_import_killed_mid_transaction_leaves_nothing_half_written():
    from treaties.models import Participation, Reservation

    for command in ("load_states", "load_treaties"):
        call_command(command, stdout=open(os.devnull, "w"))
    before = (Participation.objects.count(), Reservation.objects.count())
    files = sorted(str(p) for p in (BASE_DIR / "data" / "untc").glob("*.html"))
    app = f"crin-kill-drill-{os.getpid()}"
    process = manage(
        "import_untc", *files, env={"DATABASE_URL": current_database_url(), "PGAPPNAME": app}
    )
    killed_in_transaction = False
    deadline = time.monotonic() + 120
    with connection.cursor() as cursor:
        while process.poll() is None and time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                "AND xact_start IS NOT NULL AND now() - xact_start > interval '50 milliseconds'",
                [app],
            )
            if cursor.fetchone()[0]:
                process.send_signal(signal.SIGKILL)
                killed_in_transaction = True
                break
            time.sleep(0.005)
    process.wait(timeout=30)
    assert killed_in_transaction, "the import finished before it could be killed"
    assert process.returncode == -signal.SIGKILL
    # PostgreSQL rolls the dead client's transaction back as soon as it notices the socket closed.
    time.sleep(0.5)
    assert (Participation.objects.count(), Reservation.objects.count()) == before
    # The same import, let run, writes everything: there was something to half-write.
    finished = manage("import_untc", *files, env={"DATABASE_URL": current_database_url()})
    _out, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert Participation.objects.count() > before[0]
