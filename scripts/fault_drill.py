#!/usr/bin/env python3
"""Fault drill against a live server (serve.py: granian, 2 workers) on a throwaway PostgreSQL
cluster and a throwaway Redis, never the machine's shared ones:

1. PostgreSQL restarted under load: once it is back, no 5xx (connection health checks); while it
   is down, only 503s (never a 500).
2. PostgreSQL stopped: the API answers 503 JSON with Retry-After, /healthz 503, a page no one
   asked for before 503; a page served before the outage is still served from the response
   cache (200, X-Cache: HIT: the published data it shows has not changed); started again,
   everything is 200.
3. Redis killed under load: the site keeps serving 200s; /healthz says "degraded".

Prints the figures; exits non-zero if a rule is broken. Bounded: every wait has a timeout.
    .venv/bin/python scripts/fault_drill.py
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PY = str(ROOT / ".venv" / "bin" / "python")
URLS = [
    "/api/v1/countries/?page_size=5",
    "/api/v1/findings/?page_size=5",
    "/countries/",
    "/healthz",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args, **kwargs):
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120, **kwargs)


def wait_until(predicate, timeout: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.2)
    raise SystemExit(f"timed out waiting for {what}")


def get(base: str, path: str):
    # The headers as the message object: its get() ignores case (granian sends names lower-case).
    try:
        with urllib.request.urlopen(base + path, timeout=15) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()
    except (urllib.error.URLError, OSError) as error:
        return 0, {}, str(error).encode()


class Load:
    """Threads requesting URLS in a loop, recording (time, status) of each answer."""

    def __init__(self, base: str, threads: int = 6):
        self.base, self.results, self.stop = base, [], threading.Event()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def run(self):
        n = 0
        while not self.stop.is_set():
            path = URLS[n % len(URLS)]
            n += 1
            started = time.monotonic()
            status, _headers, _body = get(self.base, path)
            self.results.append((started, status, path))

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=30)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="crin_fault_drill_"))
    os.chmod(work, 0o777)
    data, pg_port, redis_port, web_port = work / "pg", free_port(), free_port(), free_port()
    processes = []
    failures = []
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", "-t", "60"]
    pg_opts = f"-p {pg_port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"])
        as_postgres([*pg_ctl, "-o", pg_opts, "-l", str(work / "pg.log"), "start"])
        as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(pg_port), "crin"])
        redis = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        processes.append(redis)
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/crin",
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "DJANGO_ENV": "development",
            "API_RATE_ANON": "1000000000",
            "CONN_MAX_AGE": "60",
        }
        for args in (["migrate", "-v0"], ["load_real_data"]):
            subprocess.run(
                [PY, "manage.py", *args],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                timeout=600,
            )
        web = subprocess.Popen(
            [PY, "serve.py"],
            cwd=ROOT,
            env={
                **env,
                "BIND": f"127.0.0.1:{web_port}",
                "WEB_CONCURRENCY": "2",
                "ACCESS_LOG": "0",
            },
            stdout=open(work / "web.log", "w"),
            stderr=subprocess.STDOUT,
        )
        processes.append(web)
        base = f"http://127.0.0.1:{web_port}"
        wait_until(lambda: get(base, "/healthz")[0] == 200, 60, "the server")

        # 1. Restart under load.
        with Load(base) as load:
            time.sleep(3)
            down_at = time.monotonic()
            as_postgres(
                [*pg_ctl, "-m", "fast", "-o", pg_opts, "-l", str(work / "pg.log"), "restart"]
            )
            back_at = time.monotonic()
            time.sleep(5)
        during = [s for t, s, _ in load.results if down_at <= t < back_at + 1]
        after = [s for t, s, _ in load.results if t >= back_at + 1]
        errors_after = [s for s in after if s >= 500 or s == 0]
        five_hundreds = [s for _, s, _ in load.results if s == 500]
        print(
            f"restart under load: {len(load.results)} requests; restart took "
            f"{back_at - down_at:.1f} s; during it {len(during)} answers "
            f"({sorted(set(during))}); after it {len(after)} answers, {len(errors_after)} errors"
        )
        if errors_after:
            failures.append(f"{len(errors_after)} errors after PostgreSQL was back")
        if five_hundreds:
            failures.append(f"{len(five_hundreds)} 500s (an outage must be a 503)")
        if len(after) < 20:
            failures.append("too few requests after the restart to judge")

        # 2. Down, then up again.
        as_postgres([*pg_ctl, "-m", "fast", "stop"])
        status, headers, body = get(base, "/api/v1/countries/")
        health = get(base, "/healthz")
        page = get(base, "/laws/")  # never asked for: it needs the database
        seen = get(base, "/countries/")  # asked for under load above: in the response cache
        print(
            f"database down: API {status} {body[:80]!r} Retry-After={headers.get('Retry-After')}; "
            f"/healthz {health[0]} {health[2][:90]!r}; new page {page[0]}; page seen before "
            f"{seen[0]} X-Cache={seen[1].get('X-Cache')}"
        )
        if status != 503 or "Retry-After" not in headers:
            failures.append(f"API with the database down: {status}")
        elif json.loads(body).get("detail") is None:
            failures.append("the 503 is not the API's JSON")
        if health[0] != 503 or json.loads(health[2])["checks"]["database"] != "unavailable":
            failures.append(f"/healthz with the database down: {health[0]}")
        if page[0] != 503:
            failures.append(f"a page with the database down: {page[0]}")
        if seen[0] != 200 or seen[1].get("X-Cache") != "HIT":
            failures.append(f"a cached page with the database down: {seen[0]}")
        as_postgres([*pg_ctl, "-o", pg_opts, "-l", str(work / "pg.log"), "start"])
        recovered = wait_until(lambda: get(base, "/healthz")[0] == 200, 30, "recovery")
        statuses = [get(base, url)[0] for url in URLS * 3]
        print(
            f"database up again: healthy after {recovered:.1f} s; then {statuses.count(200)}/"
            f"{len(statuses)} answers 200"
        )
        if any(s != 200 for s in statuses):
            failures.append(f"after recovery: {statuses}")

        # 3. Redis killed under load.
        with Load(base) as load:
            time.sleep(2)
            killed_at = time.monotonic()
            redis.send_signal(signal.SIGKILL)
            redis.wait(timeout=10)
            time.sleep(4)
        after = [s for t, s, _ in load.results if t >= killed_at]
        bad = [s for s in after if s != 200]
        health = get(base, "/healthz")
        print(
            f"redis killed under load: {len(after)} requests after, {len(bad)} not 200; "
            f"/healthz {health[0]} {health[2][:90]!r}"
        )
        if bad:
            failures.append(f"{len(bad)} failures with Redis down: {sorted(set(bad))}")
        if health[0] != 200 or json.loads(health[2])["status"] != "degraded":
            failures.append(f"/healthz with Redis down: {health[0]} {health[2][:90]!r}")
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        try:
            as_postgres([*pg_ctl, "-m", "immediate", "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("FAULT DRILL FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("Fault drill passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
