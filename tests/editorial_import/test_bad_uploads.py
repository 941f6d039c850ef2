"""Files an upload form must refuse with a clear message on the page: never a server error,
never a partial write."""

import html
import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from laws.bulk_import import LAW_COLUMNS, RESERVATION_COLUMNS
from laws.models import ImportBatch, Law

from .test_bulk_import import UPLOAD, _file, apply, snapshot

UNTC = reverse("admin:laws_importbatch_untc")


def page_text(response) -> str:
    return html.unescape(" ".join(response.content.decode().split()))


def workbook(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_member(content: bytes, member: str, data: bytes) -> bytes:
    """The XLSX archive with one part replaced."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, data if info.filename == member else source.read(info))
    return out.getvalue()


LAW_ROW = ["GB", "Criminal Justice Act 1988", "", "en", "act", "CJA 1988", "1988", "", "amended"]
LAW_ROW += ["https://www.legislation.gov.uk/ukpga/1988/33", "yes", ""]
SHEET = "xl/worksheets/sheet1.xml"


def bomb() -> bytes:
    """A valid workbook whose sheet unpacks to 200 MB (about 200 kB packed)."""
    valid = workbook([list(LAW_COLUMNS), LAW_ROW])
    sheet = zipfile.ZipFile(io.BytesIO(valid)).read(SHEET)
    return with_member(valid, SHEET, sheet.replace(b"</sheetData>", b" " * 200 * 2**20 + b"</"
                                                   b"sheetData>"))  # fmt: skip


def garbage_inside() -> bytes:
    return with_member(workbook([list(LAW_COLUMNS), LAW_ROW]), SHEET, b"<<< not xml")


def nul_in_csv() -> bytes:
    return (",".join(LAW_COLUMNS) + "\n" + ",".join(LAW_ROW).replace("Criminal", "Crim\x00inal")
            + "\n").encode()  # fmt: skip


def ten_kb_cell(column: str) -> bytes:
    row = dict(zip(LAW_COLUMNS, LAW_ROW, strict=True))
    row[column] = "x" * 10_240
    return (",".join(LAW_COLUMNS) + "\n" + ",".join(row.values()) + "\n").encode()


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("laws.txt", b"a,b\n1,2\n", "laws.txt: upload a .csv or .xlsx file."),
        ("laws.csv", nul_in_csv(), "laws.csv: the file holds NUL bytes"),
        ("laws.xlsx", b"PK\x03\x04 garbage", "laws.xlsx: not a readable XLSX workbook."),
        ("laws.xlsx", garbage_inside(), "laws.xlsx: not a readable XLSX workbook (not well-formed"),
        ("laws.xlsx", bomb(), "laws.xlsx: the workbook unpacks to 200 MB in 9 parts"),
        ("laws.csv", workbook([list(LAW_COLUMNS)]), "laws.csv: this is a spreadsheet"),
        (
            "laws.csv",
            b"country_iso2,colour\nGB,red\n",
            "laws.csv: missing column(s): title, title_original",
        ),
        (
            "laws.csv",
            b",".join([*(c.encode() for c in LAW_COLUMNS), b"colour"]) + b"\n",
            "laws.csv: unknown column(s): 'colour'; expected country_iso2, title",
        ),
        (
            "laws.csv",
            ",".join([*LAW_COLUMNS, *(f"c{n}" for n in range(2000))]).encode() + b"\n",
            "unknown column(s): 'c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9' and "
            "1990 more; expected country_iso2",
        ),
    ],
)  # fmt: skip
def test_a_bad_file_is_described_on_the_review_page(
    reference, editor_client, name, content, message
):
    before = snapshot()
    response = editor_client.post(
        UPLOAD, {"kind": "laws", "file": _file(name, content)}, follow=True
    )
    assert response.status_code == 200
    assert message in page_text(response)
    assert 'name="apply"' not in response.content.decode()
    batch = ImportBatch.objects.get()
    assert batch.preview["rows"] == []
    assert apply(editor_client, batch).status_code == 200  # posted anyway: refused
    assert snapshot() == before


def test_an_empty_or_oversized_file_is_refused_by_the_form(reference, editor_client):
    empty = editor_client.post(UPLOAD, {"kind": "laws", "file": _file("laws.csv", b"")})
    assert "The submitted file is empty." in page_text(empty)
    big = b"country_iso2\n" + b"GB\n" * (10 * 2**20 // 3)
    response = editor_client.post(UPLOAD, {"kind": "laws", "file": _file("laws.csv", big)})
    assert response.status_code == 200
    assert "laws.csv is 10.0 MB; at most 5.0 MB are accepted. Split the file." in page_text(
        response
    )
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("column", ["country_iso2", "title", "year_enacted", "source_url"])
def test_a_10_kb_cell_rejects_its_row_and_is_named_not_repeated(reference, editor_client, column):
    response = editor_client.post(
        UPLOAD, {"kind": "laws", "file": _file("laws.csv", ten_kb_cell(column))}, follow=True
    )
    assert response.status_code == 200
    (row,) = ImportBatch.objects.get().preview["rows"]
    assert row["action"] == "rejected"
    assert any("10240 characters" in e for e in row["errors"]), row["errors"]
    assert len(response.content) < 30_000  # the cell is not printed back
    assert not Law.objects.exists()


def test_a_10_kb_declaration_text_is_accepted(reference, editor_client):
    from django.core.management import call_command

    from treaties.models import Participation

    from .conftest import UNTC_DIR

    call_command("import_untc", str(UNTC_DIR / "opsc.html"), stdout=io.StringIO())
    Participation.objects.filter(state__iso2="GB").update(publication_status="draft")
    text = "Declaration. " * 800  # 10.4 kB
    content = (
        ",".join(RESERVATION_COLUMNS) + f"\nGB,opsc,0,declaration,Declaration:,,,{text}\n"
    ).encode()
    editor_client.post(
        UPLOAD, {"kind": "reservations", "file": _file("r.csv", content)}, follow=True
    )
    batch = ImportBatch.objects.get()
    assert [r["action"] for r in batch.preview["rows"]] == ["create"]
    apply(editor_client, batch)
    from treaties.models import Reservation

    assert Reservation.objects.get(participation__state__iso2="GB").text == text.strip()


# --- The UNTC refresh form ---


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("opsc.html", b"", "The submitted file is empty."),
        ("opsc.xlsx", workbook([["a"]]), "opsc.xlsx is not an HTML file"),
        ("opsc.html", b"\xff\xfe garbage \x00", "opsc.html: not UTF-8 text"),
        ("opsc.html", b"<html>\x00</html>", "no MTDSG reference (e.g. IV-11-c) found"),
        ("opsc.html", b"<p>" * (6 * 2**20 // 3), "opsc.html is 6.0 MB; at most 5.0 MB"),
    ],
)
def test_a_bad_untc_page_is_refused_with_a_message(
    reference, editor_client, name, content, message
):
    response = editor_client.post(UNTC, {"file": _file(name, content)})
    assert response.status_code == 200
    assert message in page_text(response)
    assert not ImportBatch.objects.exists()
