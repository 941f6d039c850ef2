"""Cells of every table the project writes for a spreadsheet (CSV and XLSX), in one place.

A spreadsheet reads a cell that begins with `=`, `+`, `-`, `@`, a tab, a carriage return or a
line feed (and, in some locales, their full-width forms) as a formula, which can run commands or
send data away when the file is opened ("CSV injection", OWASP). The data holds such texts
legitimately (a citation "- s. 160", a note quoting a formula), and anyone who can edit a record
can write one, so every CSV writer and every XLSX writer goes through the functions here:

- CSV (`csv_cell`, `csv_writer`, `csv_bytes`): as OWASP advises, a text that begins with one of
  those characters is written with a leading `'`, which spreadsheets take as "this is text" (and
  do not show when the file is opened in one); the csv module quotes any cell holding a
  separator, a quote or a line break (RFC 4180), so a cell cannot be broken into two. Numbers
  (int, float, Decimal) are written as numbers, so a negative number stays a number.
- XLSX (`xlsx_set`, `xlsx_table`): the value is stored unchanged as a text cell (never a
  formula), with Excel's "quote prefix" style, so editing the cell keeps it text.

CSV values: None is an empty cell, booleans `true`/`false`, dates ISO 8601 (YYYY-MM-DD), Decimal
as written (`2.5`, not `2.50`). XLSX keeps dates, numbers and booleans as such.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Iterable

# What makes a spreadsheet read a cell as a formula when it comes first (OWASP "CSV Injection";
# ASVS 5.0 V1.2.10), with the full-width forms some Excel locales also accept.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

UTF8_BOM = "\ufeff"


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def plain(value):
    """A value as a spreadsheet cell holds it: None → "", bool → "true"/"false", date → ISO,
    Decimal → its shortest decimal form (a number); numbers and text are returned as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return value


def csv_cell(value) -> str:
    """The one function through which every CSV cell the project writes passes."""
    if isinstance(value, decimal.Decimal | int | float) and not isinstance(value, bool):
        return str(plain(value))
    text = str(plain(value))
    if looks_like_formula(text):
        return "'" + text
    return text


class _SafeWriter:
    """`csv.writer` whose every cell goes through `csv_cell`."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable) -> None:
        self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **options) -> _SafeWriter:
    return _SafeWriter(stream, **options)


def csv_bytes(
    headers: list[str], rows: Iterable[Iterable], *, bom: bool = False, **options
) -> bytes:
    """A whole table as UTF-8 CSV (with a byte-order mark when `bom`: Excel then reads UTF-8)."""
    buffer = io.StringIO()
    if bom:
        buffer.write(UTF8_BOM)
    writer = csv_writer(buffer, **options)
    writer.writerow(headers)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_set(cell, value) -> None:
    """Put `value` in an openpyxl cell: a text is always a text cell, never a formula, and keeps
    its characters (no `'` added to it)."""
    if isinstance(value, decimal.Decimal):
        value = float(value)
    elif isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.isoformat()  # a spreadsheet date has no time zone: keep it as written
    cell.value = value  # None: an empty cell; a date, a number or a boolean: as such
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        if looks_like_formula(value):
            cell.quotePrefix = True


def xlsx_table(workbook, title: str, headers: list[str], rows: Iterable[Iterable], *, rtl=False):
    """A sheet of `workbook` holding one table: bold header row frozen, an autofilter over the
    table, right to left when `rtl` (Arabic)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=column)
        xlsx_set(cell, header)
        cell.font = bold
    count = 1
    for count, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            xlsx_set(sheet.cell(row=count, column=column), value)
    sheet.freeze_panes = "A2"
    if headers:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count}"
    sheet.sheet_view.rightToLeft = bool(rtl)
    return sheet


def new_workbook():
    """An openpyxl workbook with no sheet yet (add them with `xlsx_table`)."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def xlsx_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
