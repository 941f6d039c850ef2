"""Reference data of the international layer: regions, states, treaties and treaty provisions.

States come from maintained packages, not a hand-typed list:
- ISO 3166-1 codes and official names from `pycountry`;
- English short names and UN M49 sub-regions from data/m49_regions.csv (written from
  `country_converter`'s data table by tools/m49_regions.py);
- UN membership from data/un_member_states.csv (193 members).
The set is every participant of the UN Treaty Collection pages: the 193 members, the two
non-member observer states (Holy See, State of Palestine), the Cook Islands and Niue.
"""

import csv
import datetime
import importlib.metadata
import json
from pathlib import Path

import pycountry
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from core.importing import ImportCounts, upsert

from .models import Region, State, Treaty, TreatyProvision, UNStatus

# Non-member participants of the UNTC pages, with their status.
OBSERVER_STATES = {"VA", "PS"}
OTHER_PARTICIPANTS = {"CK", "NU"}

# UN M49: each geographic sub-region belongs to one of five regions. This is the structure of
# the standard (https://unstats.un.org/unsd/methodology/m49/), not data about any country.
M49_REGIONS = {
    "Africa": (
        "002",
        ["Eastern Africa", "Middle Africa", "Northern Africa", "Southern Africa", "Western Africa"],
    ),
    "Americas": ("019", ["Caribbean", "Central America", "Northern America", "South America"]),
    "Asia": (
        "142",
        ["Central Asia", "Eastern Asia", "South-eastern Asia", "Southern Asia", "Western Asia"],
    ),
    "Europe": ("150", ["Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe"]),
    "Oceania": ("009", ["Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"]),
}
SUBREGION_PARENT = {sub: region for region, (_, subs) in M49_REGIONS.items() for sub in subs}

# Where a package's English short name is not the name the UN uses for that state.
UN_DISPLAY_NAMES = {
    "VA": "Holy See",
    "PS": "State of Palestine",
    "TR": "Türkiye",
    "CZ": "Czechia",
    "SZ": "Eswatini",
    "MK": "North Macedonia",
    "CI": "Côte d'Ivoire",
    "CV": "Cabo Verde",
    "TL": "Timor-Leste",
    "FM": "Micronesia (Federated States of)",
    "CD": "Democratic Republic of the Congo",
    "CG": "Congo",
    "KN": "Saint Kitts and Nevis",
    "LC": "Saint Lucia",
    "VC": "Saint Vincent and the Grenadines",
}


class ReferenceDataError(Exception):
    pass


M49_FILE = "m49_regions.csv"


def _m49_rows(path: Path | None = None) -> tuple[str, dict[str, dict[str, str]]]:
    """(provenance, rows by alpha-3) of data/m49_regions.csv: each state's UN M49 sub-region and
    English names, written from country_converter's table by tools/m49_regions.py (the package
    itself, with the pandas it pulls in, is a development tool, not a dependency of the site)."""
    path = path or settings.DATA_DIR / M49_FILE
    with path.open(encoding="utf-8", newline="") as handle:
        provenance = handle.readline().lstrip("# ").split(",")[0].strip()
        return provenance, {row["iso3"]: row for row in csv.DictReader(handle)}


def _un_members(path: Path) -> dict[str, dict[str, str]]:
    """The UN members file, read line by line by its leading code columns.

    Eight rows of the file as published have an unbalanced quote in the name column ("Bolivia,
    "Korea, ...), which makes a CSV reader swallow the rows that follow; the codes before it
    are intact, and they are all this loader needs (names come from the packages).
    """
    members: dict[str, dict[str, str]] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        iso2, iso3, numeric, *_ = [part.strip().strip('"') for part in line.split(",")]
        if not (len(iso2) == 2 and len(iso3) == 3 and numeric.isdigit()):
            raise ReferenceDataError(f"{path.name} line {number}: cannot read codes from {line!r}")
        members[iso2] = {"iso2": iso2, "iso3": iso3, "numeric": numeric}
    return members


def state_source(m49_provenance: str) -> str:
    version = importlib.metadata.version("pycountry")
    return (
        f"ISO 3166-1 (pycountry {version}); UN M49 sub-regions "
        f"({m49_provenance}, data/{M49_FILE}); UN membership (data/un_member_states.csv)"
    )


@transaction.atomic
def load_states(members_csv: Path | None = None) -> ImportCounts:
    members = _un_members(members_csv or settings.DATA_DIR / "un_member_states.csv")
    if len(members) != 193:
        raise ReferenceDataError(f"Expected 193 UN members, found {len(members)}.")
    wanted = set(members) | OBSERVER_STATES | OTHER_PARTICIPANTS
    m49_provenance, m49_rows = _m49_rows()

    regions: dict[str, Region] = {}
    region_counts = ImportCounts(label="regions")
    for name in M49_REGIONS:
        region, outcome = upsert(Region, {"slug": slugify(name)}, {"name": name, "parent": None})
        regions[name] = region
        region_counts.add(outcome)

    subregions: dict[str, Region] = {}
    counts = ImportCounts(label="states", children=[region_counts])
    source = state_source(m49_provenance)
    for iso2 in sorted(wanted):
        country = pycountry.countries.get(alpha_2=iso2)
        row = m49_rows.get(country.alpha_3) if country else None
        if country is None or row is None:
            raise ReferenceDataError(f"No ISO 3166-1 / M49 data for {iso2!r}.")
        if iso2 in members and (
            members[iso2]["iso3"] != country.alpha_3 or members[iso2]["numeric"] != country.numeric
        ):
            raise ReferenceDataError(f"ISO codes for {iso2} disagree between sources.")
        sub_name = row["un_subregion"]
        if sub_name not in SUBREGION_PARENT:
            raise ReferenceDataError(f"Unknown M49 sub-region {sub_name!r} for {iso2}.")
        parent = regions[SUBREGION_PARENT[sub_name]]
        subregion = subregions.get(sub_name)
        if subregion is None:
            subregion, outcome = upsert(
                Region, {"slug": slugify(sub_name)}, {"name": sub_name, "parent": parent}
            )
            subregions[sub_name] = subregion
            region_counts.add(outcome)
        if iso2 in OBSERVER_STATES:
            un_status = UNStatus.OBSERVER
        elif iso2 in OTHER_PARTICIPANTS:
            un_status = UNStatus.OTHER
        else:
            un_status = UNStatus.MEMBER
        values = {
            "iso3": country.alpha_3,
            "m49": country.numeric,
            "name": UN_DISPLAY_NAMES.get(iso2, row["name_short"]),
            "official_name": getattr(country, "official_name", "") or row["name_official"],
            "region": parent,
            "subregion": subregion,
            "un_status": un_status,
            "source": source,
        }
        _, outcome = upsert(State, {"iso2": iso2}, values)
        counts.add(outcome)
    return counts


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


@transaction.atomic
def load_treaties(path: Path | None = None) -> ImportCounts:
    path = path or settings.DATA_DIR / "treaties" / "treaties.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    counts = ImportCounts(label="treaties")
    provision_counts = ImportCounts(label="treaty provisions")
    counts.children.append(provision_counts)
    for entry in document["treaties"]:
        values = {
            "short_title": entry["short_title"],
            "title": entry["title"],
            "untc_reference": entry["untc_reference"],
            "adopted": _date(entry.get("adopted")),
            "adoption_place": entry.get("adoption_place", ""),
            "entry_into_force": _date(entry.get("entry_into_force")),
            "official_text": entry.get("official_text", ""),
            "official_text_url": entry.get("official_text_url", ""),
            "untc_url": entry.get("untc_url", ""),
            "order": entry.get("order", 0),
        }
        treaty, outcome = upsert(Treaty, {"code": entry["code"]}, values)
        counts.add(outcome)
        if entry.get("provisions_file"):
            _load_provisions(treaty, path.parent / entry["provisions_file"], provision_counts)
    return counts


def _load_provisions(treaty: Treaty, path: Path, counts: ImportCounts) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    by_slug: dict[str, TreatyProvision] = {}
    for order, entry in enumerate(document["provisions"], start=1):
        parent_slug = entry.get("parent")
        if parent_slug and parent_slug not in by_slug:
            raise ReferenceDataError(
                f"{path.name}: provision {entry['slug']} names parent {parent_slug!r}, "
                "which is not listed before it."
            )
        provision, outcome = upsert(
            TreatyProvision,
            {"slug": entry["slug"]},
            {
                "treaty": treaty,
                "parent": by_slug.get(parent_slug) if parent_slug else None,
                "label": entry["label"],
                "heading": entry.get("heading", ""),
                "text": entry.get("text", ""),
                "order": order,
            },
        )
        by_slug[provision.slug] = provision
        counts.add(outcome)
