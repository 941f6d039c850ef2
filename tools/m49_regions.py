"""Write data/m49_regions.csv: each state's UN M49 sub-region and English short and official
names, taken from `country_converter`'s data table (a development tool, not a dependency of the
site: `requirements-dev.txt`).

    .venv/bin/python tools/m49_regions.py      # after upgrading country_converter

`load_states` reads the file; tests/treaties/test_reference.py holds it equal to the table of the
installed country_converter, so an upgrade that changes a region or a name shows up as a failing
test until the file is written again (and reviewed in the diff).
"""

import csv
import importlib.metadata
import importlib.resources
import io
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "data" / "m49_regions.csv"
COLUMNS = {"ISO3": "iso3", "UNregion": "un_subregion", "name_short": "name_short"}
COLUMNS["name_official"] = "name_official"


def rendered() -> str:
    """The file's text, from the installed country_converter."""
    path = importlib.resources.files("country_converter") / "country_data.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = sorted(csv.DictReader(handle, delimiter="\t"), key=lambda row: row["ISO3"])
    out = io.StringIO()
    version = importlib.metadata.version("country_converter")
    out.write(f"# country_converter {version}, country_data.tsv (tools/m49_regions.py)\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS.values())
    for row in rows:
        writer.writerow([row[column] for column in COLUMNS])
    return out.getvalue()


if __name__ == "__main__":
    TARGET.write_text(rendered(), encoding="utf-8")
    sys.stdout.write(f"{TARGET}: {rendered().count(chr(10)) - 2} states\n")
