"""Export the benchmark database (PostgreSQL) to SQLite for Datasette, with sqlite-utils.

    .bench-venv/bin/python bench/export_sqlite.py postgres://.../crin_bench_s bench/work/s.db

The tables and columns the benchmark queries read, their indexes, and FTS5 over law titles and
citations (what Datasette's `_search` uses). Run in the benchmark virtualenv.
"""

import sys
from pathlib import Path

import psycopg2
import sqlite_utils

TABLES = {
    "treaties_region": "id, slug, name, parent_id",
    "treaties_state": "id, iso2, iso3, name, region_id, subregion_id, un_status",
    "treaties_treaty": 'id, code, short_title, "order"',
    "treaties_participation": "id, state_id, treaty_id, signature_date, consent_date, "
    "consent_type, withdrawal_date, publication_status",
    "treaties_reservation": 'id, participation_id, kind, text, "order"',
    "laws_topic": "id, slug, name",
    "laws_indicator": 'id, slug, name, topic_id, "order"',
    "laws_law": "id, state_id, title, title_original, kind, citation, year_enacted, status, "
    "source_url, publication_status",
    "laws_lawprovision": 'id, law_id, label, heading, "order"',
    "laws_finding": "id, state_id, indicator_id, status, note, publication_status",
    "laws_finding_evidence": "id, finding_id, lawprovision_id",
}
INDEXES = [
    ("treaties_state", ["region_id"]),
    ("treaties_state", ["subregion_id"]),
    ("treaties_state", ["iso2"]),
    ("treaties_region", ["slug"]),
    ("treaties_participation", ["state_id", "treaty_id"]),
    ("treaties_reservation", ["participation_id"]),
    ("laws_finding", ["state_id", "indicator_id"]),
    ("laws_finding_evidence", ["finding_id"]),
    ("laws_law", ["state_id"]),
    ("laws_lawprovision", ["law_id"]),
]


def main(url: str, target: str) -> None:
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite_utils.Database(tmp)
    source = psycopg2.connect(url)
    for table, columns in TABLES.items():
        with source.cursor(name=f"export_{table}") as cur:
            cur.itersize = 20000
            cur.execute(f"SELECT {columns} FROM {table} ORDER BY id")
            names = None
            rows = []
            for record in cur:
                if names is None:
                    names = [d[0] for d in cur.description]
                rows.append(dict(zip(names, record, strict=True)))
                if len(rows) >= 20000:
                    db[table].insert_all(rows, pk="id")
                    rows = []
            if rows:
                db[table].insert_all(rows, pk="id")
    for table, columns in INDEXES:
        db[table].create_index(columns)
    db["laws_law"].enable_fts(["title", "title_original", "citation"], fts_version="FTS5")
    db.analyze()
    db.vacuum()
    source.close()
    tmp.replace(path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
