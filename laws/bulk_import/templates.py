"""The template of each kind: its header row and one real example row, as CSV or XLSX."""

from __future__ import annotations

from .kinds import COLUMNS, OPTIONAL_COLUMNS, Kind

# A row of each kind as an example in the templates (real rows of data/laws/, and the UK's OPSC
# participation as the UN Treaty Collection gives it).
EXAMPLES: dict[str, list[str]] = {
    Kind.LAWS: [
        "GB",
        "Criminal Justice Act 1988",
        "",
        "en",
        "act",
        "Criminal Justice Act 1988 c. 33",
        "1988",
        "",
        "amended",
        "https://www.legislation.gov.uk/ukpga/1988/33/section/160",
        "yes",
        "legislation.gov.uk s.160 point-in-time text (3.2.1995 version) read via pages search; "
        "2000 penalty increase per Wikipedia mirror",
    ],
    Kind.PROVISIONS: [
        "GB",
        "Criminal Justice Act 1988 c. 33",
        "s. 160",
        "Possession of indecent photograph of child",
        "Our paraphrase of what the section makes an offence.",
        "simple_possession;covers_virtual_material",
        "5",
        "yes",
        "legislation.gov.uk/ukpga/1988/33/section/160",
    ],
    Kind.FINDINGS: [
        "GB",
        "simple_possession",
        "yes",
        "CJA 1988 s. 160",
        "",
        "yes",
        "Criminal Justice Act 1988 c. 33 :: s. 160",
    ],
    Kind.PARTICIPATIONS: [
        "GB",
        "opsc",
        "2000-09-07",
        "2009-02-20",
        "ratification",
        "",
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-11-c&chapter=4"
        "&clang=_en",
        "2026-02-03",
    ],
    # Sweden's OPSC declaration as the UN Treaty Collection gives it (its second entry: order 1).
    Kind.RESERVATIONS: [
        "SE",
        "opsc",
        "1",
        "declaration",
        "Upon ratification: Declaration:",
        "2007-01-19",
        "",
        '".....Sweden interprets the word "any representation"in article 2 c) of the Protocol as '
        '"visual representation".',
    ],
}


def template_csv(kind: str) -> bytes:
    """The header row and one example row, as UTF-8 CSV."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS[kind] + OPTIONAL_COLUMNS.get(kind, ()))
    writer.writerow(EXAMPLES[kind] + [""] * len(OPTIONAL_COLUMNS.get(kind, ())))
    return out.getvalue().encode("utf-8")


def template_xlsx(kind: str) -> bytes:
    """The same as an XLSX workbook of one sheet, every cell text (no formulas)."""
    import io

    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = str(kind)
    sheet.append(list(COLUMNS[kind] + OPTIONAL_COLUMNS.get(kind, ())))
    sheet.append(EXAMPLES[kind] + [""] * len(OPTIONAL_COLUMNS.get(kind, ())))
    for cell in sheet[2]:
        cell.number_format = "@"  # text: a year or a date stays as typed
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
