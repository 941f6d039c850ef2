"""Tables as downloads: CSV and XLSX of what a page shows (its filters applied), and the full
dataset as a zip of CSVs with a README."""

import csv
import datetime
import io
import zipfile

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

FORMATS = ("csv", "xlsx")


def table_response(fmt: str, filename: str, headers: list[str], rows) -> HttpResponse:
    """`rows` is any iterable of lists of plain values (str, int, date, None)."""
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = filename[:31]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
        sheet.freeze_panes = "A2"
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return response


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _xlsx_value(value):
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        # Never let a cell's text be read as a formula.
        return "'" + value
    return value


def csv_bytes(headers: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def zip_response(filename: str, files: dict[str, bytes]) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
