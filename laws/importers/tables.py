"""Read a table (a header row, then data rows) from a CSV file or an uploaded CSV or XLSX file.

Every reader returns a `Table` whose rows carry the line (CSV) or row number (XLSX) an editor sees
in a spreadsheet, so that validation can name it. Problems with the file as a whole (wrong
encoding, empty, several sheets, formulas, too big) raise `DataFileError` naming the file.
"""

import csv
import datetime
import decimal
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext

from .errors import DataFileError

# Bounds on an upload (the admin's bulk import): far above the starter set's largest file
# (findings.csv, 171 lines, 40 kB) and small enough to validate in one request.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# An XLSX file is a zip archive: bound what it unpacks to (a "zip bomb" of a few hundred kB can
# declare gigabytes) and its width. A real sheet of MAX_ROWS rows of our columns is far below.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 100


@dataclass
class Table:
    name: str
    header: list[str]
    # (line or row number, the cell values as text)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def read_csv_text(name: str, text: str, *, max_rows: int | None = None) -> Table:
    """Parse CSV text. Blank lines are skipped, as csv.DictReader does."""
    if "\x00" in text:
        raise DataFileError(
            [
                gettext("%(name)s: the file holds NUL bytes; it is not a CSV text file.")
                % {"name": name}
            ]
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(h.strip() for h in header):
            raise DataFileError(
                [gettext("%(name)s: the file is empty (no header row).") % {"name": name}]
            )
        table = Table(name=name, header=[h.strip() for h in header])
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not values:
                continue
            table.rows.append((line, values))
            if max_rows is not None and len(table.rows) > max_rows:
                raise DataFileError([_too_many_rows(name, max_rows)])
    except csv.Error as exc:
        raise DataFileError(
            [
                gettext("%(name)s, line %(line)s: %(error)s.")
                % {"name": name, "line": reader.line_num, "error": exc}
            ]
        ) from exc
    return table


def read_csv_file(path: Path) -> Table:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise DataFileError([gettext("%(name)s: file not found.") % {"name": path}]) from exc
    except UnicodeDecodeError as exc:
        raise DataFileError([_not_utf8(path.name, exc)]) from exc
    return read_csv_text(path.name, text)


def _not_utf8(name: str, exc: UnicodeDecodeError) -> str:
    return gettext(
        "%(name)s: not UTF-8 text (byte %(position)s is 0x%(byte)s); save it as 'CSV UTF-8' (or "
        "upload the XLSX file)."
    ) % {"name": name, "position": exc.start + 1, "byte": f"{exc.object[exc.start]:02x}"}


def _too_many_rows(name: str, max_rows: int) -> str:
    return gettext("%(name)s: more than %(max)s rows; split the file.") % {
        "name": name,
        "max": max_rows,
    }


def read_csv_bytes(name: str, content: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError([_not_utf8(name, exc)]) from exc
    return read_csv_text(name, text, max_rows=max_rows)


def _cell_text(value) -> str:
    """A cell as the text a CSV export of it would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(decimal.Decimal(repr(value)).normalize(), "f")
    return str(value)


def read_xlsx_bytes(name: str, content: bytes, *, max_rows: int = MAX_ROWS) -> Table:
    """One worksheet, values only: a formula is refused (its result is not in the file unless
    Excel computed and cached it, and we will not guess it)."""
    import openpyxl

    _check_archive(name, content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        return _read_sheet(name, workbook, max_rows)
    except DataFileError:
        raise
    except Exception as exc:  # an untrusted file: any failure of the parser is the file's
        # openpyxl raises whatever its XML parsers raise (ParseError, XMLSyntaxError, KeyError,
        # TypeError...) for a damaged member, and only when it reaches it.
        raise DataFileError(
            [
                gettext("%(name)s: not a readable XLSX workbook (%(reason)s).")
                % {"name": name, "reason": _reason(exc)}
            ]
        ) from exc


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= 120 else text[:119] + "…"


def _check_archive(name: str, content: bytes) -> None:
    """A zip archive whose members unpack to a bounded size (zipfile reads a member no further
    than the size it declares, so the declared sizes bound what openpyxl can read)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise DataFileError(
            [gettext("%(name)s: not a readable XLSX workbook.") % {"name": name}]
        ) from exc
    unpacked = sum(m.file_size for m in members)
    if len(members) > 1000 or unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise DataFileError(
            [
                gettext(
                    "%(name)s: the workbook unpacks to %(size)s MB in %(parts)s parts (at most "
                    "%(max)s MB); it is not an ordinary spreadsheet. Save it again from the "
                    "spreadsheet program, or as CSV UTF-8."
                )
                % {
                    "name": name,
                    "size": unpacked // (1024 * 1024),
                    "parts": len(members),
                    "max": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024),
                }
            ]
        )


def _read_sheet(name: str, workbook, max_rows: int) -> Table:
    try:
        sheets = workbook.worksheets
        if len(sheets) != 1:
            titles = ", ".join(repr(s.title) for s in sheets)
            raise DataFileError(
                [
                    gettext(
                        "%(name)s: the workbook has %(count)s sheets (%(titles)s); upload one "
                        "sheet."
                    )
                    % {"name": name, "count": len(sheets), "titles": titles}
                ]
            )
        table: Table | None = None
        errors: list[str] = []
        for number, row in enumerate(sheets[0].iter_rows(), start=1):
            if len(row) > MAX_COLUMNS and any(c.value not in (None, "") for c in row[MAX_COLUMNS:]):
                raise DataFileError(
                    [
                        gettext("%(name)s, row %(row)s: more than %(max)s columns are filled in.")
                        % {"name": name, "row": number, "max": MAX_COLUMNS}
                    ]
                )
            values = []
            for cell in row[:MAX_COLUMNS]:
                if getattr(cell, "data_type", None) == "f":
                    errors.append(
                        gettext(
                            "%(name)s, row %(row)s: cell %(cell)s holds a formula (%(formula)s); "
                            "paste values only."
                        )
                        % {
                            "name": name,
                            "row": number,
                            "cell": cell.coordinate,
                            "formula": cell.value,
                        }
                    )
                values.append(_cell_text(cell.value).strip() if cell.value is not None else "")
            while values and values[-1] == "":
                values.pop()
            if table is None:
                if not values:
                    continue  # leading empty rows
                table = Table(name=name, header=values)
                continue
            if not values:
                continue
            table.rows.append((number, values))
            if len(table.rows) > max_rows:
                raise DataFileError([_too_many_rows(name, max_rows)])
        if errors:
            raise DataFileError(errors)
        if table is None:
            raise DataFileError(
                [gettext("%(name)s: the sheet is empty (no header row).") % {"name": name}]
            )
        # A short row in a sheet is empty cells at its end, not missing fields.
        width = len(table.header)
        table.rows = [(n, v + [""] * (width - len(v))) for n, v in table.rows]
        return table
    finally:
        workbook.close()


def read_upload(name: str, content: bytes) -> Table:
    """An uploaded .csv or .xlsx file, within the bounds above."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise DataFileError(
            [
                gettext("%(name)s: %(size)s bytes, more than the %(max)s bytes accepted.")
                % {"name": name, "size": len(content), "max": MAX_UPLOAD_BYTES}
            ]
        )
    if not content.strip():
        raise DataFileError([gettext("%(name)s: the file is empty.") % {"name": name}])
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return read_xlsx_bytes(name, content)
    if lower.endswith(".csv"):
        if content[:4] == b"PK\x03\x04":
            raise DataFileError(
                [
                    gettext("%(name)s: this is a spreadsheet workbook, not CSV text.")
                    % {"name": name}
                ]
            )
        return read_csv_bytes(name, content)
    raise DataFileError([gettext("%(name)s: upload a .csv or .xlsx file.") % {"name": name}])
