"""Tables as downloads: CSV and XLSX of what a page shows (its filters applied), and the full
dataset as a zip. Every cell goes through `core.tabular` (never read as a formula)."""

import io
import zipfile

from django.http import HttpResponse

from core import tabular

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(fmt: str, filename: str, headers: list[str], rows) -> HttpResponse:
    """`rows` is any iterable of lists of plain values (str, int, date, None)."""
    if fmt == "xlsx":
        workbook = tabular.new_workbook()
        tabular.xlsx_table(workbook, filename, headers, rows)
        response = HttpResponse(tabular.xlsx_bytes(workbook), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(
        tabular.csv_bytes(headers, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def csv_bytes(headers: list[str], rows) -> bytes:
    return tabular.csv_bytes(headers, rows)


def zip_response(filename: str, files: dict[str, bytes]) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
