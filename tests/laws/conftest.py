import csv
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# The bulk CSV format (laws.csv, provisions.csv, findings.csv): a set of rows for the importers.
LAWS_DIR = settings.BASE_DIR / "tests" / "fixtures" / "bulk_csv"
TOPIC_FILE = settings.DATA_DIR / "topics" / "csam.json"


@pytest.fixture
def laws_copy(tmp_path) -> Path:
    """A copy of the real starter set, for tests that break it."""
    target = tmp_path / "laws"
    target.mkdir()
    for name in ("laws.csv", "provisions.csv", "findings.csv"):
        shutil.copy(LAWS_DIR / name, target / name)
    return target


def csv_line(path: Path, **match: str) -> int:
    """The line number of the first row whose columns equal `match` (the header is line 1)."""
    with path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            if all(row[k] == v for k, v in match.items()):
                return number
    raise AssertionError(f"no row {match} in {path.name}")


def edit_csv(path: Path, line: int, **changes: str) -> None:
    """Change columns of the row on `line` (the files hold no multi-line fields)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows[line - 2].update(changes)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def append_csv(path: Path, **values: str) -> int:
    """Add a row at the end; returns its line number."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows.append({f: values.get(f, "") for f in fields})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows) + 1
