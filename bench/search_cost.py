"""In-process cost of one uncached search request (issue 15, Q2): SQL queries per request and
milliseconds per request of `/api/v1/laws/?q=<word>` through Django's test client, in a loop.
A quick measure while changing the code, on a database of one's own (not the benchmark: no
server, no load, nothing else measured).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crin_bench_<name> \
        .venv/bin/python bench/search_cost.py [--q quillwort] [--n 300] [--profile]
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--q", default="quillwort")
    parser.add_argument("--path", default="/api/v1/laws/?q={q}")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crin_legal.settings")
    os.environ["PUBLIC_CACHE"] = "0"
    os.environ["API_RATE_ANON"] = "1000000000"
    os.environ["SITE_RATE_ANON"] = "1000000000"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    path = args.path.format(q=args.q)
    response = client.get(path)  # warm: memos per data version, the parsed query
    assert response.status_code == 200, response.content[:300]
    with CaptureQueriesContext(connection) as queries:
        body = client.get(path).json()
    print(f"{path}: {body.get('count')} results, {len(queries)} SQL queries per request")
    for query in queries.captured_queries:
        print(f"  {query['time']} s  {query['sql'][:150]}")
    backend = _backend_pid(connection)
    profile = cProfile.Profile() if args.profile else None
    server = _cpu_seconds(backend)
    started = time.perf_counter()
    cpu = time.process_time()
    if profile:
        profile.enable()
    for _ in range(args.n):
        client.get(path)
    if profile:
        profile.disable()
    wall = (time.perf_counter() - started) / args.n * 1000
    own = (time.process_time() - cpu) / args.n * 1000
    print(f"{args.n} requests: {wall:.2f} ms per request (wall), {own:.2f} ms of our CPU", end="")
    if backend is not None:
        database = (_cpu_seconds(backend) - server) / args.n * 1000
        print(f", {database:.2f} ms of PostgreSQL's (its backend process, /proc)")
    else:
        print()
    if profile:
        pstats.Stats(profile).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)


def _backend_pid(connection) -> int | None:
    """The PostgreSQL server process serving this connection, when it runs on this machine."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def _cpu_seconds(pid: int | None) -> float:
    """User + system CPU seconds of process `pid` so far (0 when unknown): what a load elsewhere
    on the machine does not change, unlike wall time."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


if __name__ == "__main__":
    main()
