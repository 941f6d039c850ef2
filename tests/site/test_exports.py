"""Downloads open in a CSV or XLSX reader with the rows the page shows (its filters applied)."""

import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def csv_rows(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    # A UTF-8 byte-order mark first, so that Excel reads the file as UTF-8 (issue 13.7).
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response) -> list[list]:
    assert "spreadsheetml" in response["Content-Type"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_countries_csv_with_filter(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        rows = csv_rows(client.get("/countries/?region=europe&format=csv"))
    assert [r["iso2"] for r in rows] == ["FR", "RU", "GB"]
    gb = rows[2]
    assert gb["opsc_status"] == "party" and gb["crc_status"] == "party"
    assert rows[1]["opsc_status"] == "no_action"  # Russia's participation is a draft


def test_countries_xlsx(client, world):
    rows = xlsx_rows(client.get("/countries/?format=xlsx"))
    assert rows[0][:3] == ["iso2", "iso3", "name"]
    assert sorted(r[0] for r in rows[1:]) == ["FR", "GB", "RU", "US"]


def test_findings_matrix_csv_keeps_not_assessed_distinct(client, world):
    rows = csv_rows(
        client.get("/compare/?countries=US,RU,GB&indicators=simple_possession&format=csv")
    )
    by_iso = {r["iso2"]: r for r in rows}
    assert by_iso["US"]["simple_possession"] == "not_assessed"
    assert by_iso["RU"]["simple_possession"] == "no"
    assert by_iso["GB"]["simple_possession"] == "yes"
    assert "s. 160" in by_iso["GB"]["simple_possession_evidence"]


def test_findings_matrix_xlsx(client, world):
    rows = xlsx_rows(client.get("/compare/?countries=FR&indicators=production&format=xlsx"))
    assert rows == [
        ["iso2", "country", "production", "production_evidence", "production_law"]
        + ["production_law_url"],
        ["FR", "France", "yes", "Code pénal art. 227-23", "Penal Code"]
        + [f"http://testserver/laws/{world.fr_code.pk}/"],
    ]


def test_participation_csv_with_filter(client, world):
    rows = csv_rows(client.get("/treaties/opsc/?status=party&format=csv"))
    assert sorted(r["iso2"] for r in rows) == ["FR", "GB", "US"]
    gb = next(r for r in rows if r["iso2"] == "GB")
    assert gb["consent_date"] == "2009-02-20" and gb["consent_type"] == "ratification"
    assert gb["reservations_and_declarations"] == "1"


def test_laws_xlsx_excludes_drafts(client, world):
    rows = xlsx_rows(client.get("/laws/?format=xlsx"))
    titles = [r[3] for r in rows[1:]]
    assert sorted(titles) == ["Penal Code", "Protection of Children Act 1978"]


def test_unknown_format_is_an_error(client, world):
    assert client.get("/countries/?format=pdf").status_code == 400


def test_full_dataset_zip(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):  # one or two per table, whatever the rows
        response = client.get("/downloads/dataset.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {
        "README.md",
        "countries.csv",
        "participations.csv",
        "laws.csv",
        "provisions.csv",
        "findings.csv",
        "reservations.csv",
        "indicators.csv",
        "treaties.csv",
        "objections.csv",
        "findings.json",
    } <= names
    readme = archive.read("README.md").decode()
    assert "NOT BEEN ASSESSED" in readme and "as of 2026-02-03" in readme
    findings = list(csv.DictReader(io.StringIO(archive.read("findings.csv").decode("utf-8-sig"))))
    assert len(findings) == 5  # the draft finding is left out
    laws = archive.read("laws.csv").decode()
    assert "Secret Draft Statute" not in laws
    participations = dataset_table(archive, "participations.csv")
    assert {(p["treaty"], p["country_iso2"], p["status"]) for p in participations} >= {
        ("crc", "US", "signatory"),
        ("opsc", "GB", "party"),
    }
    assert not any(p["country_iso2"] == "RU" for p in participations)


def test_the_dataset_zip_and_a_release_are_one_export(client, world, tmp_path, api):
    """One exporter (issue 15.3): the site's zip holds the same tables, byte for byte, as a
    release of the same day, and a law has the same columns there as in the API."""
    import datetime

    from laws.columns import LAW_FIELD_NAMES
    from laws.release import build_release

    archive = zipfile.ZipFile(io.BytesIO(client.get("/downloads/dataset.zip").content))
    release = build_release(tmp_path, version="1.0", released=datetime.date.today())
    tables = sorted(p.name for p in release.directory.glob("*.csv"))
    assert sorted(n for n in archive.namelist() if n.endswith(".csv")) == tables
    for name in tables:
        assert archive.read(name) == (release.directory / name).read_bytes(), name
    laws = list(csv.DictReader(io.StringIO(archive.read("laws.csv").decode("utf-8-sig"))))
    assert list(laws[0]) == ["id", "country_iso2", *LAW_FIELD_NAMES]
    api_law = api.get("/api/v1/laws/").json()["results"][0]
    assert set(LAW_FIELD_NAMES) <= set(api_law)


def dataset_table(archive, name: str) -> list[dict]:
    content = archive.read(name)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the file as UTF-8
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_dataset_gives_sources_texts_dates_and_nested_lists_as_tables(client, world):
    """Issue 11.1 and 13.7: where each text and date was read (URL, grade, date read), the
    verbatim text, and a finding's evidence and sources as tables of their own."""
    import datetime

    from tests.factories import SourceFactory

    official = SourceFactory(
        url="https://www.legislation.gov.uk/ukpga/1978/37/section/1", grade="official"
    )
    secondary = SourceFactory(url="https://example.org/review", grade="secondary")
    world.gb_s160.text = "(1) It is an offence for a person to have any indecent photograph"
    world.gb_s160.text_language = "en"
    world.gb_s160.source = official
    world.gb_s160.in_force_from = datetime.date(1988, 9, 29)
    world.gb_s160.in_force_from_source = official
    world.gb_s160.in_force_from_quote = "in force 29.9.1988"
    world.gb_s160.save()
    ru = world.ru.findings.get()
    ru.checked_sources.add(secondary)

    archive = zipfile.ZipFile(io.BytesIO(client.get("/downloads/dataset.zip").content))
    provisions = {p["label"]: p for p in dataset_table(archive, "provisions.csv")}
    s160 = provisions["s. 160"]
    assert s160["text"].startswith("(1) It is an offence")
    assert (s160["source_url"], s160["source_grade"], s160["source_read_on"]) == (
        official.url,
        "official",
        "2026-12-06",
    )
    assert s160["in_force_from"] == "1988-09-29"
    assert s160["in_force_from_source_url"] == official.url
    assert s160["in_force_from_quote"] == "in force 29.9.1988"

    evidence = dataset_table(archive, "evidence.csv")
    gb = next(
        e for e in evidence if e["country_iso2"] == "GB" and e["indicator"] == "simple_possession"
    )
    assert gb["law_title"] == "Protection of Children Act 1978"
    assert gb["provision_label"] == "s. 160" and gb["source_grade"] == "official"
    assert gb["in_force_from"] == "1988-09-29" and gb["source_read_on"] == "2026-12-06"
    assert {(e["country_iso2"], e["indicator"]) for e in evidence} == {
        ("GB", "production"),
        ("GB", "simple_possession"),
        ("FR", "production"),
        ("FR", "simple_possession"),
    }

    sources = dataset_table(archive, "finding_sources.csv")
    assert {(s["country_iso2"], s["indicator"], s["role"], s["source_url"]) for s in sources} == {
        ("GB", "simple_possession", "text", official.url),
        ("RU", "simple_possession", "checked", secondary.url),
    }
    findings = {
        (f["country_iso2"], f["indicator"]): f for f in dataset_table(archive, "findings.csv")
    }
    assert findings[("GB", "simple_possession")]["period_from"] == "1988-09-29"
    assert findings[("GB", "simple_possession")]["dated"] == "true"
    readme = archive.read("README.md").decode()
    assert "### evidence.csv" in readme and "| `source_grade` |" in readme


def sheets(response) -> dict:
    assert "spreadsheetml" in response["Content-Type"]
    workbook = load_workbook(io.BytesIO(response.content))
    return {sheet.title: sheet for sheet in workbook.worksheets}


def values(sheet) -> list[dict]:
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.parametrize(
    "path",
    ["/countries/", "/laws/", "/treaties/opsc/", "/compare/?countries=GB,FR"],
)
def test_every_xlsx_sheet_has_a_frozen_header_and_an_autofilter(client, world, path):
    joiner = "&" if "?" in path else "?"
    for sheet in sheets(client.get(f"{path}{joiner}format=xlsx")).values():
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert not sheet.sheet_view.rightToLeft
        assert all(cell.font.bold for cell in sheet[1])


def test_arabic_xlsx_reads_right_to_left(client, world):
    for path in ("/ar/countries/?format=xlsx", "/ar/compare/?countries=GB&format=xlsx"):
        for sheet in sheets(client.get(path)).values():
            assert sheet.sheet_view.rightToLeft


def test_french_countries_csv_names_regions_in_french(client, world):
    rows = {r["iso2"]: r for r in csv_rows(client.get("/fr/countries/?format=csv"))}
    assert rows["GB"]["name"] == "Royaume-Uni"
    assert rows["GB"]["subregion"] == "Europe du Nord"
    assert rows["US"]["region"] == "Amériques"
    treaty = {r["iso2"]: r for r in csv_rows(client.get("/fr/treaties/opsc/?format=csv"))}
    assert treaty["US"]["region"] == "Amériques"
    query = {
        r["iso2"]: r for r in csv_rows(client.get("/fr/query/?criminalises=production&format=csv"))
    }
    assert query["FR"]["subregion"] == "Europe de l'Ouest"


def test_compare_export_gives_each_citation_its_law_and_the_evidence_as_a_table(client, world):
    import datetime

    from tests.factories import SourceFactory

    source = SourceFactory(url="https://www.legislation.gov.uk/ukpga/1978/37/section/1")
    world.gb_s1.source = source
    world.gb_s1.in_force_from = datetime.date(1978, 8, 20)
    world.gb_s1.save()
    law_url = f"http://testserver/laws/{world.gb_act.pk}/"
    matrix = csv_rows(client.get("/compare/?countries=GB,RU&indicators=production&format=csv"))
    gb = next(r for r in matrix if r["iso2"] == "GB")
    assert gb["production_evidence"] == "PCA 1978 s. 1(1)(a)"
    assert gb["production_law"] == "Protection of Children Act 1978"
    assert gb["production_law_url"] == law_url
    assert client.get(law_url.removeprefix("http://testserver")).status_code == 200

    evidence = csv_rows(
        client.get("/compare/?countries=GB,RU&indicators=production&format=csv&table=evidence")
    )
    assert [(e["iso2"], e["indicator"], e["provision_label"]) for e in evidence] == [
        ("GB", "production", "s. 1(1)(a)")
    ]
    row = evidence[0]
    assert row["law_title"] == "Protection of Children Act 1978" and row["law_url"] == law_url
    assert (row["source_url"], row["source_grade"], row["source_read_on"]) == (
        source.url,
        "official",
        "2026-12-06",
    )
    assert row["in_force_from"] == "1978-08-20"

    book = sheets(client.get("/compare/?countries=GB,RU&indicators=production&format=xlsx"))
    assert list(book) == ["findings-matrix", "evidence"]
    [xlsx_row] = values(book["evidence"])
    assert xlsx_row["law_url"] == law_url and xlsx_row["source_grade"] == "official"
    assert xlsx_row["in_force_from"].date() == datetime.date(1978, 8, 20)


def test_treaty_export_gives_reservations_as_a_table(client, world):
    reservations = csv_rows(client.get("/treaties/opsc/?format=csv&table=reservations"))
    assert [(r["iso2"], r["text"]) for r in reservations] == [
        ("GB", "The United Kingdom declares that it reads article 3 ...")
    ]
    book = sheets(client.get("/treaties/opsc/?format=xlsx"))
    assert list(book) == ["opsc-participation", "reservations"]
    assert values(book["reservations"])[0]["iso2"] == "GB"


def test_an_unknown_table_is_said(client, world):
    response = client.get("/compare/?format=csv&table=reservations")
    assert response.status_code == 400
    assert "Unknown table" in response.content.decode()
    assert client.get("/treaties/opsc/?table=reservations").status_code == 400


def test_the_laws_export_has_a_laws_columns_as_everywhere(client, world):
    """One definition of a law's columns (issue 15.3): the site's export gives them all, in the
    order of the API and the dataset, with the country in the page's language and the page."""
    from laws.columns import LAW_FIELD_NAMES

    rows = csv_rows(client.get("/fr/laws/?format=csv"))
    assert list(rows[0]) == ["id", "country_iso2", "country", *LAW_FIELD_NAMES, "url"]
    fr = next(r for r in rows if r["country_iso2"] == "FR")
    assert fr["country"] == "France" and fr["language"] == "fr" and fr["verified"] == "false"
    assert fr["url"] == f"http://testserver/fr/laws/{world.fr_code.pk}/"


def test_the_downloads_page_links_the_nested_tables(client, world):
    import re

    html = client.get("/fr/downloads/").content.decode()
    links = re.findall(r'href="([^"]*table=[^"]*)"', html)
    assert "/fr/compare/?format=csv&amp;table=evidence" in links
    assert "/fr/treaties/opsc/?format=csv&amp;table=reservations" in links
    assert "Preuves (CSV)" in html and "Déclarations et réserves (CSV)" in html
    for link in links:
        response = client.get(link.replace("&amp;", "&"))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
