"""Tables as downloads: CSV and XLSX of what a page shows (its filters applied), and the full
dataset as a zip. Every cell goes through `core.tabular` (never read as a formula).

Made to open cleanly in Excel and LibreOffice (issue 13.7): a CSV starts with a UTF-8
byte-order mark; an XLSX sheet has its header row frozen and an autofilter, and reads right to
left on the Arabic site. A nested list (a finding's evidence, a participation's reservations)
is a table of its own: another sheet of the XLSX, or `?format=csv&table=<name>` for its CSV."""

import io
import zipfile

from django.http import HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from core import tabular

from .data import BadQuery

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_table(request, names: tuple[str, ...]) -> str | None:
    """The nested table asked for with `?table=` (CSV only), or None for the main one."""
    name = request.GET.get("table", "").strip()
    if not name:
        return None
    if name not in names or request.GET.get("format") != "csv":
        raise BadQuery(
            "table",
            _("Unknown table: “%(value)s” (with format=csv: %(names)s).")
            % {"value": name, "names": ", ".join(names)},
        )
    return name


def table_response(
    fmt: str, filename: str, headers: list[str], rows, *, more=(), table: str | None = None
) -> HttpResponse:
    """`rows` is any iterable of lists of plain values (str, int, date, None); `more` the nested
    tables, as (name, headers, rows): sheets of the XLSX, or the CSV when `table` names one."""
    if fmt == "xlsx":
        workbook = tabular.new_workbook()
        rtl = translation.get_language_bidi()
        for name, sheet_headers, sheet_rows in [(filename, headers, rows), *more]:
            tabular.xlsx_table(workbook, name, sheet_headers, sheet_rows, rtl=rtl)
        response = HttpResponse(tabular.xlsx_bytes(workbook), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    if table is not None:
        name, headers, rows = next(t for t in more if t[0] == table)
        filename = f"{filename}-{name}"
    response = HttpResponse(
        tabular.csv_bytes(headers, rows, bom=True), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def zip_response(filename: str, files: dict[str, bytes]) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def translated(text: str) -> str:
    """A vocabulary row's name (region, sub-region) in the visitor's language, as on the page."""
    from django.utils.translation import gettext

    return gettext(text) if text else text


def reservations_table(rows) -> tuple[str, list[str], list[list]]:
    """The declarations and reservations of the participations of a treaty page's rows."""
    headers = ["iso2", "country", "order", "kind", "heading", "date", "withdrawn_date", "text"]
    lines = [
        [r["state"].iso2, r["name"], x.order, x.kind, x.heading, x.date, x.withdrawn_date, x.text]
        for r in rows
        if r["p"]
        for x in sorted(r["p"].reservations.all(), key=lambda x: (x.order, x.pk))
    ]
    return ("reservations", headers, lines)


def findings_matrix_response(request, fmt: str, table, indicators, matrix) -> HttpResponse:
    """Compare as a table: per question the answer, the citation, and the laws cited (title
    and the site's page of each); the evidence itself as a table of its own, one row per
    state, question and provision, with where its text was read and since when it is in force."""
    from django.urls import reverse

    def law_url(law) -> str:
        return request.build_absolute_uri(reverse("public:law", args=[law.pk]))

    headers = ["iso2", "country"]
    for i in indicators:
        headers += [i.slug, f"{i.slug}_evidence", f"{i.slug}_law", f"{i.slug}_law_url"]
    rows, evidence = [], []
    for row in matrix:
        line = [row["state"].iso2, row["name"]]
        for cell in row["cells"]:
            f = cell["finding"]
            cited = list(f.evidence.all()) if f else []
            laws = list({p.law_id: p.law for p in cited}.values())
            citation = ""
            if f:
                citation = f.evidence_citation or "; ".join(
                    f"{p.law.citation} {p.label}" for p in cited
                )
            line += [
                cell["status"],
                citation,
                "; ".join(law.title for law in laws),
                " ".join(law_url(law) for law in laws),
            ]
            for p in cited:
                source = p.source
                evidence.append(
                    [
                        row["state"].iso2,
                        row["name"],
                        cell["indicator"].slug,
                        cell["status"],
                        p.law.title,
                        p.law.citation,
                        p.label,
                        p.heading,
                        law_url(p.law),
                        p.law.source_url,
                        source.url if source else None,
                        source.grade if source else None,
                        source.read_on if source else None,
                        p.in_force_from,
                        p.in_force_from_source.url if p.in_force_from_source else None,
                        p.earlier_wording_unread,
                        p.in_force_to,
                    ]
                )
        rows.append(line)
    evidence_headers = [
        "iso2",
        "country",
        "indicator",
        "status",
        "law_title",
        "law_citation",
        "provision_label",
        "provision_heading",
        "law_url",
        "law_source_url",
        "source_url",
        "source_grade",
        "source_read_on",
        "in_force_from",
        "in_force_from_source_url",
        "earlier_wording_unread",
        "in_force_to",
    ]
    return table_response(
        fmt,
        "findings-matrix",
        headers,
        rows,
        more=[("evidence", evidence_headers, evidence)],
        table=table,
    )
