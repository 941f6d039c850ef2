"""Formula injection (issue 14.1): every free-text field of every record holds a formula
payload (`=…`, `+…`, `-…`, `@…`, tab, carriage return), and every export in every format is
read back as a spreadsheet reads it. No CSV cell may begin with a character that makes it a
formula (OWASP: such a text is written with a leading `'`); an XLSX cell holds the text exactly,
as a text cell, never a formula."""

import csv
import datetime
import io
import zipfile

import pytest
from django.db import models
from openpyxl import load_workbook

from laws.models import Finding, Indicator, Law, LawProvision, Source, Topic
from laws.release import build_release
from tests.factories import ObjectionFactory, SourceFactory
from tests.site.world import make_world
from treaties.models import Objection, Participation, Region, Reservation, State, Treaty

pytestmark = pytest.mark.django_db

TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
# What a spreadsheet reads as the start of a formula (OWASP), full-width forms included.
FORMULA_TRIGGERS = (*TRIGGERS, "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
POISONED_MODELS = [
    Region,
    State,
    Treaty,
    Participation,
    Reservation,
    Objection,
    Topic,
    Indicator,
    Source,
    Law,
    LawProvision,
    Finding,
]
# Codes in a checked format (they key URLs and filters), not free text.
KEYS = {"iso2", "iso3", "m49", "code", "language", "text_language"}


def payload(trigger: str, field_id: int, pk: int) -> str:
    return f'{trigger}cmd|" /C calc"!F{field_id}R{pk}'


def poison() -> dict[str, dict[int, str]]:
    """Every free-text field of every record gets its own payload; returns {"Model.field": {pk:
    payload}}."""
    planted: dict[str, dict[int, str]] = {}
    field_id = 0
    for model in POISONED_MODELS:
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField):
                continue
            if field.choices or isinstance(field, models.SlugField) or field.name in KEYS:
                continue
            if field.max_length is not None and field.max_length < 40:
                continue
            field_id += 1
            trigger = TRIGGERS[field_id % len(TRIGGERS)]
            values = {}
            for pk in model.objects.values_list("pk", flat=True):
                values[pk] = payload(trigger, field_id, pk)
                model.objects.filter(pk=pk).update(**{field.name: values[pk]})
            planted[f"{model.__name__}.{field.name}"] = values
    return planted


@pytest.fixture
def planted(db):
    world = make_world()
    ObjectionFactory(
        treaty=world.opsc, objecting_state=world.fr, reserving_state=world.gb, text="Objection"
    )
    for provision in (world.gb_s1, world.gb_s160, world.fr_art):
        provision.source = SourceFactory()
        provision.text = "The text"
        provision.in_force_from = datetime.date(1978, 8, 20)
        provision.save()
    Finding.objects.get(state=world.ru).checked_sources.add(SourceFactory())
    return poison()


def csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def assert_csv_safe(content: bytes, planted, must_show: list[str], where: str) -> None:
    cells = csv_cells(content)
    formulas = [cell for cell in cells if cell.startswith(FORMULA_TRIGGERS)]
    assert not formulas, f"{where}: cells a spreadsheet reads as formulas: {formulas[:5]}"
    for name in must_show:
        expected = {"'" + value for value in planted[name].values()}
        assert expected & set(cells), f"{where}: {name} not exported as a neutralised text"


def assert_xlsx_safe(content: bytes, planted, must_show: list[str], where: str) -> None:
    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [cell.value for cell in cells if cell.data_type == "f"]
    assert not formulas, f"{where}: formula cells {formulas[:5]}"
    values = {cell.value for cell in cells if isinstance(cell.value, str)}
    quoted = [v for v in values if v.startswith("'") and "cmd|" in v]
    assert not quoted, f"{where}: the text was changed: {quoted[:3]}"
    for name in must_show:
        assert set(planted[name].values()) & values, f"{where}: {name} not exported unchanged"


SITE_EXPORTS = {
    "/countries/": ["State.name", "Region.name"],
    "/query/?criminalises=production": ["State.name"],
    "/laws/": ["Law.title", "Law.title_original", "Law.citation", "Law.verification_source"],
    "/treaties/opsc/": ["State.name"],
    "/compare/?countries=GB,FR,RU&indicators=production,simple_possession": [
        "State.name",
        "Finding.evidence_citation",
    ],
}


@pytest.mark.parametrize("path", list(SITE_EXPORTS))
def test_site_csv_and_xlsx_downloads_never_hold_a_formula(client, planted, path):
    joiner = "&" if "?" in path else "?"
    for fmt, check in (("csv", assert_csv_safe), ("xlsx", assert_xlsx_safe)):
        response = client.get(f"{path}{joiner}format={fmt}")
        assert response.status_code == 200
        check(response.content, planted, SITE_EXPORTS[path], f"{path} {fmt}")


NESTED_TABLES = {
    "/compare/?countries=GB,FR&indicators=production&table=evidence": [
        "Law.title",
        "LawProvision.label",
        "LawProvision.heading",
    ],
    "/treaties/opsc/?table=reservations": ["Reservation.heading", "Reservation.text"],
}


@pytest.mark.parametrize("path", list(NESTED_TABLES))
def test_site_nested_tables_never_hold_a_formula(client, planted, path):
    response = client.get(f"{path}&format=csv")
    assert response.status_code == 200
    assert_csv_safe(response.content, planted, NESTED_TABLES[path], path)
    page, _sep, _table = path.rpartition("table=")  # the XLSX has every table as a sheet
    book = client.get(f"{page}format=xlsx")
    assert_xlsx_safe(book.content, planted, NESTED_TABLES[path], f"{path} xlsx")


API_EXPORTS = {
    "countries": ["State.name"],
    "treaties": ["Treaty.title", "Treaty.short_title"],
    "participations": ["State.name"],
    "laws": ["Law.title", "Law.citation", "Law.title_original"],
    "provisions": ["LawProvision.label", "LawProvision.heading", "LawProvision.text"],
    "indicators": ["Indicator.name", "Indicator.question"],
    "findings": ["Finding.note"],
    "changes": [],  # the feed of changes: record names, through the same CSV writer
}


@pytest.mark.parametrize("endpoint", list(API_EXPORTS))
def test_api_csv_never_holds_a_formula(api, planted, endpoint):
    response = api.get(f"/api/v1/{endpoint}/", {"format": "csv"})
    assert response.status_code == 200, response.content
    assert_csv_safe(response.content, planted, API_EXPORTS[endpoint], endpoint)


DATASET = {
    "countries.csv": ["State.name"],
    "reservations.csv": ["Reservation.heading", "Reservation.text"],
    "laws.csv": ["Law.title", "Law.title_original", "Law.citation", "Law.verification_source"],
    "provisions.csv": [
        "LawProvision.label",
        "LawProvision.heading",
        "LawProvision.summary",
        "LawProvision.verification_source",
    ],
    "indicators.csv": ["Indicator.name", "Indicator.question"],
    "findings.csv": [
        "Finding.evidence_citation",
        "Finding.note",
        "Finding.verification_source",
    ],
    "evidence.csv": ["Law.title", "Law.citation", "LawProvision.label", "Source.publisher"],
    "finding_sources.csv": ["Source.publisher"],
    "treaties.csv": ["Treaty.title", "Treaty.short_title"],
    "objections.csv": ["Objection.heading", "Objection.text"],
}


def test_dataset_zip_never_holds_a_formula(client, planted):
    archive = zipfile.ZipFile(io.BytesIO(client.get("/downloads/dataset.zip").content))
    for name in archive.namelist():
        if name.endswith(".csv"):
            assert_csv_safe(archive.read(name), planted, DATASET.get(name, []), name)
    assert set(DATASET) <= set(archive.namelist())


def test_release_never_holds_a_formula(planted, tmp_path):
    release = build_release(tmp_path, version="1.0", released=datetime.date(2026, 12, 6))
    for path in release.directory.glob("*.csv"):
        assert_csv_safe(path.read_bytes(), planted, DATASET.get(path.name, []), path.name)


def test_numbers_stay_numbers_and_plain_texts_are_untouched():
    from core.tabular import csv_bytes

    content = csv_bytes(["a", "b", "c", "d"], [[-1, "-1", "s. 160", datetime.date(2000, 1, 2)]])
    assert list(csv.reader(io.StringIO(content.decode()))) == [
        ["a", "b", "c", "d"],
        ["-1", "'-1", "s. 160", "2000-01-02"],
    ]
