"""The benchmark: our API against Datasette and a SQL floor, on the same synthetic data.

    make bench            # S = 20,000 laws, then the growth check on M = 100,000 laws
    make bench QUICK=1    # S only, shorter runs (under 5 minutes)

Steps: generate (or reuse) the data in PostgreSQL databases of their own (bench/generate.py,
never the real database); export S to SQLite with FTS5 (bench/export_sqlite.py); start every peer
on loopback — ours under its production server (serve.py: granian) and settings (uncached, and
with the Redis response cache), Datasette (`datasette -i`), the floor (bench/floor.py under
gunicorn sync workers); check that every peer returns the same rows; then load each with wrk
(8 connections) in interleaved rounds, and print req/s, p50/p99, SQL queries per request, bytes
and our ratios. Writes bench/results.json.
"""

import argparse
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_PY = ROOT / ".venv" / "bin" / "python"
BENCH_BIN = ROOT / ".bench-venv" / "bin"
WORK = ROOT / "bench" / "work"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
CONNECTIONS = 8
# The floor's gunicorn sync workers (and Datasette's SQL threads); ours run as in production:
# serve.py's default, one granian worker per core with two threads each.
WORKERS = int(os.environ.get("BENCH_WORKERS", str((os.cpu_count() or 1) * 2 + 1)))
OURS_WORKERS = int(os.environ.get("BENCH_OURS_WORKERS", str(os.cpu_count() or 1)))
PORTS = {"ours": 8611, "ours_cached": 8612, "datasette": 8613, "floor": 8614, "ours_m": 8615}
RARE, COMMON = "quillwort", "protection"
# The public site's pages (ours only): server time under wrk, asking for gzip as browsers do.
PAGES = {"P_home": "/", "P_country": "/countries/gb/", "P_compare": "/compare/"}
PAGE_HEADERS = ("Accept-Encoding: gzip, deflate, br",)
DEEP_PAGE = 300  # laws 14,951-15,000

SQL_STATUS = """CASE WHEN p.consent_date IS NOT NULL AND p.withdrawal_date IS NULL THEN 'party'
 WHEN p.signature_date IS NOT NULL THEN 'signatory' ELSE 'no_action' END"""
DS_Q1 = f"""SELECT s.iso2, s.name,
 coalesce((SELECT {SQL_STATUS} FROM treaties_participation p JOIN treaties_treaty t
   ON t.id = p.treaty_id WHERE p.state_id = s.id AND t.code = 'opsc'
   AND p.publication_status = 'published'), 'no_action') AS opsc,
 coalesce((SELECT f.status FROM laws_finding f JOIN laws_indicator i ON i.id = f.indicator_id
   WHERE f.state_id = s.id AND i.slug = 'simple_possession'
   AND f.publication_status = 'published'), 'not_assessed') AS simple_possession
FROM treaties_state s JOIN treaties_region r ON r.id = s.region_id
LEFT JOIN treaties_region sr ON sr.id = s.subregion_id
WHERE r.slug = :region OR sr.slug = :region ORDER BY s.name, s.iso2 LIMIT 50"""
DS_Q4 = f"""SELECT 'treaty' AS kind, t.code AS key, {SQL_STATUS} AS status
FROM treaties_participation p JOIN treaties_treaty t ON t.id = p.treaty_id
WHERE p.state_id = (SELECT id FROM treaties_state WHERE iso2 = :iso2)
  AND p.publication_status = 'published'
UNION ALL
SELECT 'indicator', i.slug, f.status FROM laws_finding f JOIN laws_indicator i
  ON i.id = f.indicator_id
WHERE f.state_id = (SELECT id FROM treaties_state WHERE iso2 = :iso2)
  AND f.publication_status = 'published'"""
DS_Q6 = """SELECT t.code, sum(p.consent_date IS NOT NULL AND p.withdrawal_date IS NULL)
  AS party_count, sum(p.signature_date IS NOT NULL AND p.consent_date IS NULL) AS signatory_count
FROM treaties_treaty t JOIN treaties_participation p ON p.treaty_id = t.id
  AND p.publication_status = 'published'
JOIN treaties_state s ON s.id = p.state_id JOIN treaties_region r ON r.id = s.region_id
LEFT JOIN treaties_region sr ON sr.id = s.subregion_id
WHERE r.slug = :region OR sr.slug = :region GROUP BY t.id ORDER BY t."order" """


def ds_sql(sql: str, **params) -> str:
    return "/bench.json?" + urllib.parse.urlencode(
        {"sql": " ".join(sql.split()), "_shape": "array", **params}
    )


def queries(deep_after: int) -> dict[str, dict[str, str]]:
    """Each query's URL on each peer."""
    return {
        "Q1": {
            "ours": "/api/v1/countries/?region=africa",
            "datasette": ds_sql(DS_Q1, region="africa"),
            "floor": "/q1?region=africa",
        },
        "Q2": {
            "ours": f"/api/v1/laws/?q={RARE}",
            "datasette": f"/bench/laws_law.json?_search={RARE}&_size=50&_shape=objects"
            "&_nosuggest=1&_nofacet=1",
            "floor": f"/search?q={RARE}",
        },
        "Q3": {
            "ours": f"/api/v1/laws/?q={COMMON}",
            "datasette": f"/bench/laws_law.json?_search={COMMON}&_size=50&_shape=objects"
            "&_nosuggest=1&_nofacet=1",
            "floor": f"/search?q={COMMON}",
        },
        "Q4": {
            "ours": "/api/v1/countries/gb/",
            "datasette": ds_sql(DS_Q4, iso2="GB"),
            "floor": "/q4?iso2=GB",
        },
        "Q5_page1": {
            "ours": "/api/v1/laws/",
            "datasette": "/bench/laws_law.json?_size=50&_shape=objects&_nosuggest=1&_nofacet=1",
            "floor": "/q5",
        },
        "Q5_deep": {
            "ours": f"/api/v1/laws/?page={DEEP_PAGE}",
            "datasette": f"/bench/laws_law.json?_size=50&_shape=objects&_nosuggest=1&_nofacet=1"
            f"&_next={deep_after}",
            "floor": f"/q5?after={deep_after}",
        },
        "Q6": {
            "ours": "/api/v1/treaties/?region=africa",
            "datasette": ds_sql(DS_Q6, region="africa"),
            "floor": "/q6?region=africa",
        },
    }


# ------------------------------------------------------------------------------ setup


def run(cmd, **kwargs):
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)


def prepare(name: str, laws: int) -> str:
    url = f"{PG}/{name}"
    run([APP_PY, "bench/generate.py", "--laws", str(laws)], env={**os.environ, "DATABASE_URL": url})
    return url


def export(url: str, target: Path) -> None:
    stamp = target.with_suffix(".marker")
    marker = subprocess.run(
        ["psql", url, "-Atc", "SELECT value FROM bench_meta WHERE key = 'marker'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if target.exists() and stamp.exists() and stamp.read_text() == marker:
        print(f"{target.name}: up to date", flush=True)
        return
    run([BENCH_BIN / "python", "bench/export_sqlite.py", url, str(target)])
    stamp.write_text(marker)


class Server:
    def __init__(self, name: str, cmd: list, env: dict, port: int, cwd: Path = ROOT):
        self.name, self.port = name, port
        self.log = open(WORK / f"{name}.log", "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base() + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer {path}; see {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


def ours(name: str, url: str, *, cached: bool) -> Server:
    env = {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS,
        "PUBLIC_CACHE": "1" if cached else "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ENV": "production",
        "SECURE_SSL_REDIRECT": "0",  # TLS ends at the proxy; loopback here
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "API_RATE_ANON": "1000000000",
        "BIND": f"127.0.0.1:{PORTS[name]}",
        "WEB_CONCURRENCY": str(OURS_WORKERS),
        "ACCESS_LOG": "0",
        "RELEASE": "bench",
    }
    # The production server and its settings (serve.py: granian, workers sized for the cores).
    return Server(name, [APP_PY, "serve.py"], env, PORTS[name])


def floor(url: str) -> Server:
    cmd = [
        BENCH_BIN / "gunicorn",
        "--workers", str(WORKERS),
        "--bind", f"127.0.0.1:{PORTS['floor']}",
        "floor:app",
    ]  # fmt: skip
    # The floor's own server (gunicorn, in the bench's virtualenv: the app runs on granian only).
    return Server("floor", cmd, {"FLOOR_DATABASE_URL": url}, PORTS["floor"], cwd=ROOT / "bench")


def datasette(db: Path) -> Server:
    cmd = [
        BENCH_BIN / "datasette", "-i", str(db), "--host", "127.0.0.1",
        "--port", str(PORTS["datasette"]),
        "--setting", "default_page_size", "50",
        "--setting", "sql_time_limit_ms", "5000",
        "--setting", "suggest_facets", "off",
        "--setting", "num_sql_threads", str(WORKERS),
    ]  # fmt: skip
    return Server("datasette", cmd, {}, PORTS["datasette"])


# ------------------------------------------------------------------ correctness check


def fetch(base: str, path: str) -> tuple[object, int]:
    with urllib.request.urlopen(base + path, timeout=30) as response:
        body = response.read()
    return json.loads(body), len(body)


def rows(query: str, peer: str, body) -> object:
    """What must agree across peers, extracted from each peer's shape."""
    if query == "Q1":
        if peer == "ours":
            return [
                (
                    r["iso2"],
                    r["treaty_status"].get("opsc"),
                    r["finding_status"]["simple_possession"],
                )
                for r in body["results"]
            ]
        items = body if peer == "datasette" else body["results"]
        return [(r["iso2"], r["opsc"], r["simple_possession"]) for r in items]
    if query == "Q2":
        items = body["rows"] if peer == "datasette" else body["results"]
        return sorted(r["id"] for r in items)
    if query == "Q4":
        if peer == "ours":
            return sorted(
                [("treaty", p["treaty"], p["status"]) for p in body["participations"]]
                + [
                    ("indicator", f["indicator"], f["status"])
                    for f in body["findings"]
                    if f["status"] != "not_assessed"
                ]
            )
        if peer == "datasette":
            return sorted((r["kind"], r["key"], r["status"]) for r in body)
        return sorted(
            [("treaty", p["treaty"], p["status"]) for p in body["participations"]]
            + [("indicator", f["indicator"], f["status"]) for f in body["findings"]]
        )
    if query == "Q6":
        # Ours names "signed, not party" `signed_not_party_count` (its `signatory_count` is
        # every state that signed, as the UN pages count; before issue 14 it was the former);
        # the peers' SQL counts "signed, not party" as `signatory_count`.
        items = body["results"] if peer == "ours" else body
        counts = [
            (
                r["code"],
                int(r["party_count"]),
                int(r.get("signed_not_party_count", r["signatory_count"])),
            )
            for r in items
        ]
        return [row for row in counts if row[1] or row[2]]
    return None  # Q3, Q5: each peer ranks or pages in its own order; counts are reported


def check_rows(servers: dict, urls: dict) -> dict:
    report = {}
    for query, by_peer in urls.items():
        extracted, sizes = {}, {}
        for peer, path in by_peer.items():
            body, size = fetch(servers[peer].base(), path)
            extracted[peer] = rows(query, peer, body)
            sizes[peer] = size
        values = [v for v in extracted.values() if v is not None]
        same = all(v == values[0] for v in values) if values else None
        report[query] = {
            "same_rows": same,
            "bytes": sizes,
            "rows": len(values[0]) if values else None,
        }
        flag = {True: "same rows", False: "DIFFERENT ROWS", None: "(not compared)"}[same]
        print(f"  {query:9} {flag}", flush=True)
        if same is False:
            for peer, value in extracted.items():
                print(f"    {peer}: {str(value)[:300]}")
    return report


# ----------------------------------------------------------------------------- load


WRK_LINE = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(url: str, seconds: int, headers: tuple[str, ...] = ()) -> dict:
    extra = [arg for header in headers for arg in ("-H", header)]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
        + extra
        + [url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    latency = {m[0]: float(m[1]) * scale[m[2]] for m in WRK_LINE.findall(out)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50_ms": latency.get("50"),
        "p99_ms": latency.get("99"),
        "non_2xx": int(errors.group(1)) if errors else 0,
    }


def load(servers: dict, urls: dict, seconds: int, rounds: int) -> dict:
    """Interleaved: in every round each query is run against each peer in turn (peer order
    rotated), so that background load on the machine falls on all peers alike."""
    samples: dict = {}
    for round_number in range(rounds):
        for query, by_peer in urls.items():
            peers = list(by_peer)
            shift = round_number % len(peers)
            headers = PAGE_HEADERS if query.startswith("P_") else ()
            for peer in peers[shift:] + peers[:shift]:
                result = wrk(servers[peer].base() + by_peer[peer], seconds, headers)
                samples.setdefault(query, {}).setdefault(peer, []).append(result)
        print(f"  round {round_number + 1}/{rounds} done", flush=True)
    summary: dict = {}
    for query, by_peer in samples.items():
        for peer, results in by_peer.items():
            summary.setdefault(query, {})[peer] = {
                "rps": round(statistics.median(r["rps"] for r in results), 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 2),
                "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 2),
                "non_2xx": sum(r["non_2xx"] for r in results),
                "rounds": [r["rps"] for r in results],
            }
    return summary


def page_bytes(base: str, path: str) -> dict:
    """A page's size as sent: plain, and to a client that accepts gzip (with the encoding)."""
    with urllib.request.urlopen(base + path, timeout=30) as response:
        plain = len(response.read())
    request = urllib.request.Request(base + path, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        wire = len(response.read())
        encoding = response.headers.get("Content-Encoding")
    return {"bytes": plain, "wire_bytes": wire, "encoding": encoding}


def count_queries(url: str, paths: dict[str, str]) -> dict[str, int]:
    """SQL queries per request of ours, through Django's test client, uncached, warmed."""
    code = (
        "import json, os, sys, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'crin_legal.settings'\n"
        "django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "paths = json.loads(sys.argv[1]); client = Client(); out = {}\n"
        "for name, path in paths.items():\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as q:\n"
        "        assert client.get(path).status_code == 200, path\n"
        "    out[name] = len(q)\n"
        "print(json.dumps(out))\n"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "PUBLIC_CACHE": "0",
        "API_RATE_ANON": "1000000000",
        "REDIS_URL": REDIS,
    }
    env.pop("DJANGO_ENV", None)
    result = subprocess.run(
        [APP_PY, "-c", code, json.dumps(paths)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------- report


def ratio(a, b):
    return round(a / b, 2) if a and b else None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    seconds, rounds = (3, 2) if args.quick else (10, 3)
    started = time.monotonic()
    WORK.mkdir(parents=True, exist_ok=True)

    s_url = prepare("crin_bench_s", 20000)
    m_url = None if args.quick else prepare("crin_bench_m", 100000)
    export(s_url, WORK / "bench.db")
    deep_after = int(
        subprocess.run(
            ["psql", s_url, "-Atc", "SELECT id FROM laws_law ORDER BY id "
             f"OFFSET {(DEEP_PAGE - 1) * 50 - 1} LIMIT 1"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
    )  # fmt: skip
    urls = queries(deep_after)
    redis_flush()

    servers = {
        "ours": ours("ours", s_url, cached=False),
        "ours_cached": ours("ours_cached", s_url, cached=True),
        "datasette": datasette(WORK / "bench.db"),
        "floor": floor(s_url),
    }
    results: dict = {"meta": {}}
    try:
        servers["ours"].wait("/api/v1/")
        servers["ours_cached"].wait("/api/v1/")
        servers["datasette"].wait("/-/versions.json")
        servers["floor"].wait("/q6?region=africa")
        print("== Same rows from every peer?", flush=True)
        checks = check_rows(servers, urls)
        print("== SQL queries per request (ours)", flush=True)
        ours_queries = count_queries(s_url, {q: p["ours"] for q, p in urls.items()})
        print("  ", ours_queries, flush=True)
        print(f"== Load: wrk, {CONNECTIONS} connections, {rounds} rounds x {seconds}s", flush=True)
        for by_peer in urls.values():  # warm every peer's caches and pools
            for peer, path in by_peer.items():
                fetch(servers[peer].base(), path)
        cached_urls = {"Q1_cached": {"ours_cached": urls["Q1"]["ours"]}}
        fetch(servers["ours_cached"].base(), urls["Q1"]["ours"])
        page_urls = {name: {"ours": path, "ours_cached": path} for name, path in PAGES.items()}
        sizes = {}
        for name, path in PAGES.items():  # warm both, and measure what is sent
            sizes[name] = page_bytes(servers["ours"].base(), path)
            page_bytes(servers["ours_cached"].base(), path)
        summary = load(servers, {**urls, **cached_urls, **page_urls}, seconds, rounds)
    finally:
        for server in servers.values():
            server.stop()

    growth = None
    if m_url:
        print("== Growth S -> M (ours, uncached)", flush=True)
        m_server = ours("ours_m", m_url, cached=False)
        try:
            m_server.wait("/api/v1/")
            m_urls = {q: {"ours_m": urls[q]["ours"]} for q in ("Q1", "Q2", "Q4")}
            for by_peer in m_urls.values():
                fetch(m_server.base(), by_peer["ours_m"])
            m_summary = load({"ours_m": m_server}, m_urls, seconds, rounds)
        finally:
            m_server.stop()
        growth = {
            q: {
                "S_p50_ms": summary[q]["ours"]["p50_ms"],
                "M_p50_ms": m_summary[q]["ours_m"]["p50_ms"],
                "growth": ratio(m_summary[q]["ours_m"]["p50_ms"], summary[q]["ours"]["p50_ms"]),
            }
            for q in m_urls
        }

    for query in urls:
        entry = {}
        for peer in ("ours", "datasette", "floor"):
            stats = dict(summary[query][peer])
            stats["queries_per_request"] = (
                ours_queries.get(query) if peer == "ours" else (1 if peer == "floor" else None)
            )
            stats["bytes"] = checks[query]["bytes"][peer]
            entry[peer] = stats
        entry["same_rows"] = checks[query]["same_rows"]
        entry["ratios"] = {
            "ours/datasette rps": ratio(entry["ours"]["rps"], entry["datasette"]["rps"]),
            "ours/floor rps": ratio(entry["ours"]["rps"], entry["floor"]["rps"]),
        }
        results[query] = entry
    results["Q1"]["ours_cached"] = summary["Q1_cached"]["ours_cached"]
    results["pages"] = {
        name: {
            "path": PAGES[name],
            "uncached": summary[name]["ours"],
            "cached": summary[name]["ours_cached"],
            **sizes[name],
        }
        for name in PAGES
    }
    results["Q5"] = {
        peer: {
            "page1_p50_ms": results["Q5_page1"][peer]["p50_ms"],
            "deep_p50_ms": results["Q5_deep"][peer]["p50_ms"],
            "deep/page1": ratio(
                results["Q5_deep"][peer]["p50_ms"], results["Q5_page1"][peer]["p50_ms"]
            ),
        }
        for peer in ("ours", "datasette", "floor")
    }
    if growth:
        results["growth"] = growth
    results["meta"] = {
        "quick": args.quick,
        "seconds_per_run": seconds,
        "rounds": rounds,
        "connections": CONNECTIONS,
        "workers": WORKERS,
        "ours_workers": OURS_WORKERS,
        "ours_server": "granian (serve.py)",
        "cpus": os.cpu_count(),
        "load_average_at_end": os.getloadavg(),
        "elapsed_s": round(time.monotonic() - started),
        "command": "make bench QUICK=1" if args.quick else "make bench",
    }
    out = ROOT / "bench" / "results.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"Wrote {out.relative_to(ROOT)} in {results['meta']['elapsed_s']} s")


def redis_flush() -> None:
    """The benchmark's own Redis database starts empty (never the app's)."""
    parsed = urllib.parse.urlparse(REDIS)
    try:
        import redis

        redis.Redis(
            host=parsed.hostname, port=parsed.port or 6379, db=int(parsed.path[1:] or 0)
        ).flushdb()
    except Exception as exc:  # noqa: BLE001
        print(f"(could not flush the benchmark's Redis database: {exc})")


def print_table(results: dict) -> None:
    print()
    print(
        f"{'query':10} {'peer':12} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'queries':>7} {'bytes':>8}"
    )
    for query, entry in results.items():
        if not re.fullmatch(r"Q\d(_\w+)?", query) or query == "Q5":
            continue
        for peer in ("ours", "ours_cached", "datasette", "floor"):
            stats = entry.get(peer)
            if not stats:
                continue
            q = stats.get("queries_per_request")
            print(
                f"{query:10} {peer:12} {stats['rps']:9.1f} {stats['p50_ms']:8.2f} "
                f"{stats['p99_ms']:8.2f} {'' if q is None else q:>7} {stats.get('bytes', ''):>8}"
            )
        if "ratios" in entry:
            print(f"{'':10} ratios: {entry['ratios']}  same rows: {entry['same_rows']}")
    print("Q5 deep page / page 1 (p50):", {p: v["deep/page1"] for p, v in results["Q5"].items()})
    print()
    print(
        f"{'page':22} {'uncached req/s':>14} {'p50':>7} {'p99':>7} {'cached req/s':>12} "
        f"{'p50':>7} {'p99':>7} {'bytes':>8} {'on the wire':>12}"
    )
    for page in results.get("pages", {}).values():
        u, c = page["uncached"], page["cached"]
        wire = f"{page['wire_bytes']} {page['encoding'] or 'plain'}"
        print(
            f"{page['path']:22} {u['rps']:14.1f} {u['p50_ms']:7.1f} {u['p99_ms']:7.1f} "
            f"{c['rps']:12.1f} {c['p50_ms']:7.1f} {c['p99_ms']:7.1f} {page['bytes']:>8} {wire:>12}"
        )
    if "growth" in results:
        print("Growth S -> M (p50):", {q: v["growth"] for q, v in results["growth"].items()})


if __name__ == "__main__":
    random.seed(0)
    main()
