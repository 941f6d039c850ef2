"""Synthetic benchmark data, with a fixed seed, in a PostgreSQL database of its own.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crin_bench_s \
        .venv/bin/python bench/generate.py --laws 20000

Refuses any database whose name does not start with `crin_bench`: synthetic data never goes near
the real database. The database is (re)created from scratch: migrations, the real seed data (all
states, treaties, participation, topics, indicators, the starter laws), then `--laws` synthetic
laws with five provisions each, and a published finding for every state and indicator that has
none (yes/partial citing provisions of that state's laws, no with a note). A marker table
records the seed and the scale, so an unchanged database is reused (after `migrate`, which
applies any migration added since).

Titles: a word from a fixed list of common words in about half of them (`protection`), and a
rare word (`quillwort`) in exactly RARE_LAWS laws whatever the scale, so that Q2's answer has the
same size at S and M.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crin_legal.settings")

SEED = 20260203
PROVISIONS_PER_LAW = 5
RARE_WORD = "quillwort"
RARE_LAWS = 12
COMMON_WORD = "protection"
GENERATOR_VERSION = "3"

SUBJECTS = [
    "Child",
    "Children",
    "Minors",
    "Family",
    "Criminal",
    "Penal",
    "Cybercrime",
    "Online",
    "Telecommunications",
    "Media",
    "Education",
    "Youth",
    "Welfare",
    "Trafficking",
    "Sexual",
    "Offences",
    "Evidence",
    "Procedure",
    "Justice",
    "Juvenile",
    "Data",
    "Internet",
    "Safety",
]
NOUNS = ["Act", "Code", "Law", "Decree", "Ordinance", "Regulation", "Statute"]
KINDS = ["act", "code", "decree", "regulation", "act", "act"]
HEADINGS = [
    "Definitions",
    "Production of indecent material",
    "Distribution",
    "Possession",
    "Offering or selling",
    "Import and export",
    "Accessing material",
    "Duty to report",
    "Penalties",
    "Jurisdiction",
    "Aggravating circumstances",
    "Online platforms",
]


def database_name(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?", 1)[0]


def admin_connection(url: str):
    import psycopg

    conn = psycopg.connect(url.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    return conn


def marker(args) -> str:
    return f"v{GENERATOR_VERSION} seed={SEED} laws={args.laws}"


def existing_marker(url: str) -> str | None:
    import psycopg

    try:
        conn = psycopg.connect(url)
    except psycopg.OperationalError:
        return None
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT value FROM bench_meta WHERE key = 'marker'")
            row = cur.fetchone()
            return row[0] if row else None
    except psycopg.Error:
        return None
    finally:
        conn.close()


def recreate(url: str) -> None:
    name = database_name(url)
    conn = admin_connection(url)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [name]
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def synthesise(n_laws: int) -> dict:
    import django

    django.setup()
    from django.db import connection, transaction

    from core.publication import PublicationStatus
    from hotpath.cache import bump_data_version
    from laws.models import Finding, Indicator, Law, LawProvision
    from treaties.models import State

    rng = random.Random(SEED)
    published = PublicationStatus.PUBLISHED
    states = list(State.objects.order_by("iso2"))
    indicators = list(Indicator.objects.order_by("pk"))
    rare = set(rng.sample(range(n_laws), RARE_LAWS))
    counts = {}
    with transaction.atomic():
        laws = []
        for i in range(n_laws):
            state = states[i % len(states)]
            year = rng.randint(1950, 2025)
            words = rng.sample(SUBJECTS, 2)
            if rng.random() < 0.5:
                words.insert(1, COMMON_WORD.capitalize())
            if i in rare:
                words.insert(0, RARE_WORD.capitalize())
            title = f"{' '.join(words)} {rng.choice(NOUNS)} {year}"
            laws.append(
                Law(
                    state=state,
                    title=title,
                    language="en",
                    kind=rng.choice(KINDS),
                    citation=f"No. {i + 1} of {year}",
                    year_enacted=year,
                    status="in_force",
                    source_url=f"https://example.org/{state.iso2.lower()}/{i + 1}",
                    publication_status=published,
                )
            )
        laws = Law.objects.bulk_create(laws, batch_size=5000)
        provisions = []
        for law in laws:
            for order in range(PROVISIONS_PER_LAW):
                provisions.append(
                    LawProvision(
                        law=law,
                        label=f"s. {order + 1}",
                        heading=rng.choice(HEADINGS),
                        summary="Synthetic provision for the benchmark.",
                        order=order,
                    )
                )
        provisions = LawProvision.objects.bulk_create(provisions, batch_size=10000)
        first_provisions: dict[int, list[int]] = {}
        for law, start in zip(laws, range(0, len(provisions), PROVISIONS_PER_LAW), strict=True):
            first_provisions.setdefault(law.state_id, []).append(provisions[start].pk)
        assessed = set(Finding.objects.values_list("state_id", "indicator_id"))
        findings, evidence = [], []
        for state in states:
            for indicator in indicators:
                if (state.pk, indicator.pk) in assessed:
                    continue
                status = rng.choices(["yes", "partial", "no"], [60, 15, 25])[0]
                findings.append(
                    Finding(
                        state=state,
                        indicator=indicator,
                        status=status,
                        note="" if status != "no" else "Synthetic: the laws listed were reviewed.",
                        publication_status=published,
                    )
                )
        findings = Finding.objects.bulk_create(findings, batch_size=5000)
        through = Finding.evidence.through
        for finding in findings:
            if finding.status != "no":
                cited = first_provisions.get(finding.state_id, [])[:2]
                evidence += [through(finding_id=finding.pk, lawprovision_id=pk) for pk in cited]
        through.objects.bulk_create(evidence, batch_size=10000)
        counts = {"laws": len(laws), "provisions": len(provisions), "findings": len(findings)}
        bump_data_version()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return counts


def vacuum() -> None:
    """VACUUM ANALYZE, as autovacuum would do in production after a load: the load and the
    search triggers leave dead rows and a GIN pending list behind, and where autovacuum is off
    (this machine) the measured queries would otherwise read them, and the two sides unequally
    (the floor's index is built after the load)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--laws", type=int, default=20000)
    parser.add_argument("--force", action="store_true", help="regenerate even if unchanged")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not database_name(url).startswith("crin_bench"):
        sys.exit("DATABASE_URL must name a PostgreSQL database called crin_bench*.")
    wanted = marker(args)
    if not args.force and existing_marker(url) == wanted:
        # Same data; newer code may have added migrations since: apply them (fast).
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        vacuum()  # a migration may have rewritten tables (e.g. the search documents)
        print(f"{database_name(url)}: up to date ({wanted}), migrations applied")
        return
    started = time.monotonic()
    recreate(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_real_data", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    counts = synthesise(args.laws)
    with connection.cursor() as cur:
        # For the floor's full-text queries (bench database only).
        cur.execute(
            "CREATE INDEX bench_law_fts ON laws_law USING gin (to_tsvector('simple', "
            "title || ' ' || title_original || ' ' || citation))"
        )
        cur.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute("INSERT INTO bench_meta VALUES ('marker', %s)", [wanted])
    vacuum()
    print(
        f"{database_name(url)}: {counts} synthetic rows on the real seed data, "
        f"in {time.monotonic() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
