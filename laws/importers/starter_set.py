"""Import the starter set of national law (data/laws/: laws.csv, provisions.csv, findings.csv).

Read data/laws/README.md and SOURCES.md for the meaning of the columns. In short:

- laws.csv, key (country_iso2, citation) → Law. ``instrument_type`` is the Law kind.
- provisions.csv, key (country_iso2, law_citation, label) → LawProvision. ``conduct`` lists the
  indicator slugs the provision bears on (``;``-separated); ``order`` is the row's position
  among its law's rows.
- findings.csv, key (country_iso2, indicator) → Finding, written through
  ``laws.services.finding_save`` so the finding rules hold. ``evidence`` is the pinpoint citation
  as a lawyer writes it; ``evidence_provisions`` lists the provision rows it rests on, as
  ``<law_citation> :: <label>`` separated by `` | ``.

Everything is validated before anything is written; every problem is reported with its file and
line, and then nothing is written (one transaction). A second run writes nothing and reports every
row unchanged.

Choices, so that the imported data claim no more than the files do:

- Everything is published: the rows were verified (``verified``) against the sources named in
  ``verification_source``, which is kept verbatim, "(secondary)" markers included.
- findings.csv has no source column; a finding's ``verification_source`` is composed from its
  evidence provisions' own sources, so the API can show what the answer rests on.
- ``effective_from`` is left empty. The only dates in the files are whole instruments' dates in
  force (StGB 1872, Code pénal 1994), which say nothing about when a given provision began to
  criminalise a conduct (Japan's simple-possession offence dates from 2014, its Act from 1999).
- Fields the files do not hold (effective dates, reviewers, full texts, amendment links) are left
  as editors set them. Rows missing from the files are not deleted.
"""

import datetime
import decimal
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.importing import ImportCounts, upsert
from core.publication import PublicationStatus
from treaties.models import State

from ..models import (
    Finding,
    FindingStatus,
    Indicator,
    Law,
    LawKind,
    LawProvision,
    LawStatus,
    record_problems,
)
from ..services import finding_save, finding_shape_problems
from .errors import DataFileError
from .tables import Table, read_csv_file

LAW_COLUMNS = (
    "country_iso2",
    "title",
    "title_original",
    "language",
    "instrument_type",
    "citation",
    "year_enacted",
    "date_in_force",
    "status",
    "source_url",
    "verified",
    "verification_source",
)
PROVISION_COLUMNS = (
    "country_iso2",
    "law_citation",
    "label",
    "heading",
    "summary",
    "conduct",
    "max_penalty_years",
    "verified",
    "verification_source",
)
FINDING_COLUMNS = (
    "country_iso2",
    "indicator",
    "status",
    "evidence",
    "note",
    "verified",
    "evidence_provisions",
)
EVIDENCE_SEPARATOR = " | "
REFERENCE_SEPARATOR = " :: "
BOOLEANS = {"yes": True, "no": False, "true": True, "false": False}


def quoted(value: str, limit: int = 80) -> str:
    """A cell's value quoted in a message, cut short: a 10 kB cell is named, not repeated."""
    if len(value) > limit:
        return repr(value[: limit - 1] + "…") + gettext(" (%(count)s characters)") % {
            "count": len(value)
        }
    return repr(value)


@dataclass
class LawRow:
    line: int
    iso2: str
    citation: str
    values: dict


@dataclass
class ProvisionRow:
    line: int
    iso2: str
    law_citation: str
    label: str
    values: dict
    indicators: list[str]


@dataclass
class FindingRow:
    line: int
    iso2: str
    indicator: str
    status: str
    note: str
    values: dict
    evidence: list[tuple[str, str]]  # (law_citation, label)


@dataclass
class StarterSet:
    laws: list[LawRow] = field(default_factory=list)
    provisions: list[ProvisionRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)


class _Reader:
    """Reads one table, collecting problems as "file, line N: message" (in `errors`, shared by the
    files of one import) and by line (in `line_errors`, for a row-by-row preview)."""

    def __init__(
        self,
        table: Table | None,
        columns: tuple[str, ...],
        errors: list[str],
        *,
        optional: tuple[str, ...] = (),
        strict_header: bool = False,
    ):
        self.table = table
        self.name = table.name if table is not None else ""
        self.columns = columns
        self.optional = optional
        self.strict_header = strict_header
        self.errors = errors
        self.line_errors: dict[int, list[str]] = {}

    def rows(self):
        if self.table is None:
            return
        header = self.table.header
        missing = [c for c in self.columns if c not in header]
        if missing:
            self.error(
                1, gettext("missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
            )
            return
        unknown = [c for c in header if c not in self.columns and c not in self.optional]
        if self.strict_header and unknown:
            named = ", ".join(quoted(c, 40) for c in unknown[:10])
            if len(unknown) > 10:
                named += gettext(" and %(count)s more") % {"count": len(unknown) - 10}
            self.error(
                1,
                gettext("unknown column(s): %(named)s; expected %(expected)s.")
                % {"named": named, "expected": ", ".join(self.columns + self.optional)},
            )
            return
        repeated = sorted({c for c in header if header.count(c) > 1})
        if repeated:
            self.error(
                1, gettext("column(s) given twice: %(columns)s.") % {"columns": ", ".join(repeated)}
            )
            return
        for line, values in self.table.rows:
            if len(values) != len(header):
                self.error(
                    line,
                    gettext("expected %(count)s fields, found a different number.")
                    % {"count": len(header)},
                )
                continue
            yield line, {k: (v or "").strip() for k, v in zip(header, values, strict=True)}

    def error(self, line: int, message: str) -> None:
        self.errors.append(
            gettext("%(file)s, line %(line)s: %(message)s")
            % {"file": self.name, "line": line, "message": message}
        )
        self.line_errors.setdefault(line, []).append(message)

    def required(self, line: int, row: dict, column: str, max_length: int | None = None) -> str:
        value = row[column]
        if not value:
            self.error(line, gettext("'%(column)s' is empty.") % {"column": column})
        return self.text(line, row, column, max_length) if value else ""

    def text(self, line: int, row: dict, column: str, max_length: int | None = None) -> str:
        value = row[column]
        if max_length is not None and len(value) > max_length:
            self.error(
                line,
                gettext("'%(column)s' is %(length)s characters long (at most %(max)s).")
                % {"column": column, "length": len(value), "max": max_length},
            )
        return value

    def choice(self, line: int, row: dict, column: str, choices: list[str]) -> str:
        value = row[column]
        if value not in choices:
            self.error(
                line,
                gettext("'%(column)s' is %(value)s; expected one of %(choices)s.")
                % {"column": column, "value": quoted(value), "choices": ", ".join(choices)},
            )
        return value

    def boolean(self, line: int, row: dict, column: str) -> bool:
        value = row[column].lower()
        if value not in BOOLEANS:
            self.error(
                line,
                gettext("'%(column)s' is %(value)s; expected yes or no.")
                % {"column": column, "value": quoted(row[column])},
            )
            return False
        return BOOLEANS[value]

    def date(self, line: int, row: dict, column: str) -> datetime.date | None:
        value = row[column]
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(
                line,
                gettext("'%(column)s' is %(value)s, not a date (YYYY-MM-DD).")
                % {"column": column, "value": quoted(value)},
            )
            return None

    def year(self, line: int, row: dict, column: str) -> int | None:
        value = row[column]
        if not value:
            return None
        if not (value.isdigit() and 1000 <= int(value) <= datetime.date.today().year + 1):
            self.error(
                line,
                gettext("'%(column)s' is %(value)s, not a year.")
                % {"column": column, "value": quoted(value)},
            )
            return None
        return int(value)

    def years(self, line: int, row: dict, column: str) -> decimal.Decimal | None:
        value = row[column]
        if not value:
            return None
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation:
            number = None
        if number is None or not number.is_finite() or not 0 < number < 1000:
            self.error(
                line,
                gettext("'%(column)s' is %(value)s, not a number of years (e.g. 10 or 2.5).")
                % {"column": column, "value": quoted(value)},
            )
            return None
        if number.as_tuple().exponent < -2:
            self.error(
                line,
                gettext("'%(column)s' is %(value)s: at most two decimal places.")
                % {"column": column, "value": quoted(value)},
            )
            return None
        return number

    def state(self, line: int, row: dict, states: dict[str, State]) -> str:
        iso2 = row["country_iso2"]
        if iso2 not in states:
            self.error(
                line,
                gettext("unknown country %(code)s (an ISO 3166-1 alpha-2 code, upper case).")
                % {"code": quoted(iso2)},
            )
        return iso2

    def treaty(self, line: int, row: dict, treaties: dict) -> str:
        """The row's treaty code, reported when it names no loaded treaty."""
        code = row["treaty"]
        if code not in treaties:
            self.error(
                line,
                gettext("unknown treaty %(code)s; expected one of %(codes)s.")
                % {"code": quoted(code), "codes": ", ".join(sorted(treaties))},
            )
        return code


def _laws(reader: _Reader, states: dict[str, State]) -> list[LawRow]:
    url = URLValidator()
    rows: list[LawRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in reader.rows():
        iso2 = reader.state(line, row, states)
        citation = reader.required(line, row, "citation", max_length=300)
        source_url = reader.text(line, row, "source_url", max_length=500)
        if source_url:
            try:
                url(source_url)
            except ValidationError:
                reader.error(
                    line,
                    gettext("'%(column)s' is %(value)s, not a URL.")
                    % {"column": "source_url", "value": quoted(source_url)},
                )
        language = reader.text(line, row, "language", max_length=8)
        values = {
            "title": reader.required(line, row, "title", max_length=400),
            "title_original": reader.text(line, row, "title_original", max_length=400),
            "language": language,
            "kind": reader.choice(line, row, "instrument_type", LawKind.values),
            "year_enacted": reader.year(line, row, "year_enacted"),
            "date_in_force": reader.date(line, row, "date_in_force"),
            "status": reader.choice(line, row, "status", LawStatus.values),
            "source_url": source_url,
            "verified": reader.boolean(line, row, "verified"),
            "verification_source": reader.text(line, row, "verification_source"),
        }
        # Dates and codes, checked as the models check them (laws.models.record_problems).
        for messages in record_problems("law", values).values():
            for message in messages:
                reader.error(line, message)
        key = (iso2, citation)
        if key in seen:
            reader.error(
                line,
                gettext("duplicate law %(state)s %(citation)s (first on line %(first)s).")
                % {"state": iso2, "citation": quoted(citation), "first": seen[key]},
            )
        seen[key] = line
        rows.append(LawRow(line=line, iso2=iso2, citation=citation, values=values))
    return rows


def _provisions(
    reader: _Reader,
    states: dict[str, State],
    indicators: set[str],
    laws: set[tuple[str, str]],
    laws_where: str = _("in laws.csv"),
) -> list[ProvisionRow]:
    rows: list[ProvisionRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    order: dict[tuple[str, str], int] = {}
    for line, row in reader.rows():
        iso2 = reader.state(line, row, states)
        law_citation = reader.required(line, row, "law_citation")
        label = reader.required(line, row, "label", max_length=120)
        if iso2 in states and law_citation and (iso2, law_citation) not in laws:
            reader.error(
                line,
                gettext("no law %(citation)s of %(state)s %(where)s.")
                % {"citation": quoted(law_citation), "state": iso2, "where": laws_where},
            )
        conduct = [c.strip() for c in row["conduct"].split(";") if c.strip()]
        for slug in conduct:
            if slug not in indicators:
                reader.error(
                    line,
                    gettext("unknown indicator %(slug)s in '%(column)s'.")
                    % {"slug": quoted(slug), "column": "conduct"},
                )
        if len(set(conduct)) != len(conduct):
            reader.error(
                line,
                gettext("an indicator is listed twice in '%(column)s'.") % {"column": "conduct"},
            )
        key = (iso2, law_citation, label)
        if key in seen:
            reader.error(
                line,
                gettext("duplicate provision %(label)s of %(citation)s (first on line %(first)s).")
                % {"label": quoted(label), "citation": quoted(law_citation), "first": seen[key]},
            )
        seen[key] = line
        position = order[(iso2, law_citation)] = order.get((iso2, law_citation), 0) + 1
        if row.get("order"):
            if row["order"].isdigit() and int(row["order"]) < 2**31:
                position = int(row["order"])
            else:
                reader.error(
                    line,
                    gettext("'%(column)s' is %(value)s, not a whole number.")
                    % {"column": "order", "value": quoted(row["order"])},
                )
        values = {
            "heading": reader.text(line, row, "heading", max_length=300),
            "summary": reader.text(line, row, "summary"),
            "order": position,
            "max_penalty_years": reader.years(line, row, "max_penalty_years"),
            "verified": reader.boolean(line, row, "verified"),
            "verification_source": reader.text(line, row, "verification_source"),
        }
        rows.append(
            ProvisionRow(
                line=line,
                iso2=iso2,
                law_citation=law_citation,
                label=label,
                values=values,
                indicators=conduct,
            )
        )
    return rows


def _evidence(value: str) -> list[tuple[str, str]] | None:
    """Split `<law_citation> :: <label> | ...`; None if an item is malformed."""
    references = []
    for item in value.split(EVIDENCE_SEPARATOR):
        law_citation, separator, label = item.partition(REFERENCE_SEPARATOR)
        if not separator or not law_citation.strip() or not label.strip():
            return None
        references.append((law_citation.strip(), label.strip()))
    return references


def _findings(
    reader: _Reader,
    states: dict[str, State],
    indicators: set[str],
    provisions: set[tuple[str, str, str]],
    provisions_where: str = _("a row of provisions.csv"),
) -> list[FindingRow]:
    rows: list[FindingRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in reader.rows():
        iso2 = reader.state(line, row, states)
        slug = row["indicator"]
        if slug not in indicators:
            reader.error(
                line,
                gettext("unknown indicator %(slug)s (load the topics first, or fix it).")
                % {"slug": quoted(slug)},
            )
        status = row["status"]
        if status == "not_assessed":
            reader.error(
                line,
                gettext(
                    "status 'not_assessed' is not stored: leave the row out and the indicator "
                    "stays not assessed."
                ),
            )
        else:
            reader.choice(line, row, "status", FindingStatus.values)
        note = reader.text(line, row, "note")
        evidence: list[tuple[str, str]] = []
        if row["evidence_provisions"]:
            parsed = _evidence(row["evidence_provisions"])
            if parsed is None:
                reader.error(
                    line,
                    gettext(
                        "'%(column)s' must list '<law_citation> :: <label>' items separated by "
                        "'%(separator)s'."
                    )
                    % {"column": "evidence_provisions", "separator": EVIDENCE_SEPARATOR.strip()},
                )
            else:
                for law_citation, label in parsed:
                    if iso2 in states and (iso2, law_citation, label) not in provisions:
                        reader.error(
                            line,
                            gettext(
                                "evidence %(citation)s :: %(label)s does not resolve to "
                                "%(where)s for %(state)s."
                            )
                            % {
                                "citation": law_citation,
                                "label": label,
                                "where": provisions_where,
                                "state": iso2,
                            },
                        )
                evidence = parsed
                if len(set(parsed)) != len(parsed):
                    reader.error(
                        line,
                        gettext("a provision is listed twice in '%(column)s'.")
                        % {"column": "evidence_provisions"},
                    )
        # The finding rules as the services state them (one text, one place).
        for messages in finding_shape_problems(status, cites=bool(evidence), note=note).values():
            for message in messages:
                reader.error(line, message)
        key = (iso2, slug)
        if key in seen:
            reader.error(
                line,
                gettext("duplicate finding %(state)s %(slug)s (first on line %(first)s).")
                % {"state": iso2, "slug": quoted(slug), "first": seen[key]},
            )
        seen[key] = line
        rows.append(
            FindingRow(
                line=line,
                iso2=iso2,
                indicator=slug,
                status=status,
                note=note,
                values={
                    "evidence_citation": reader.text(line, row, "evidence", max_length=500),
                    "verified": reader.boolean(line, row, "verified"),
                },
                evidence=evidence,
            )
        )
    return rows


def read_starter_set(directory: Path) -> StarterSet:
    """Parse and validate the three files against the reference data in the database.

    Raises DataFileError listing every problem found, in every file.
    """
    directory = Path(directory)
    errors: list[str] = []
    tables: dict[str, Table | None] = {}
    for name in ("laws.csv", "provisions.csv", "findings.csv"):
        try:
            tables[name] = read_csv_file(directory / name)
        except DataFileError as exc:
            errors.extend(exc.errors)
            tables[name] = None
    states = {s.iso2: s for s in State.objects.all()}
    indicators = set(Indicator.objects.values_list("slug", flat=True))
    data = StarterSet()
    data.laws = _laws(_Reader(tables["laws.csv"], LAW_COLUMNS, errors), states)
    data.provisions = _provisions(
        _Reader(tables["provisions.csv"], PROVISION_COLUMNS, errors, optional=("order",)),
        states,
        indicators,
        {(r.iso2, r.citation) for r in data.laws},
    )
    data.findings = _findings(
        _Reader(tables["findings.csv"], FINDING_COLUMNS, errors),
        states,
        indicators,
        {(r.iso2, r.law_citation, r.label) for r in data.provisions},
    )
    if errors:
        raise DataFileError(errors)
    return data


def finding_values(row: FindingRow, evidence: list[LawProvision], extra: dict) -> dict:
    """The fields a findings row sets besides status, note and evidence."""
    return {**row.values, "verification_source": _finding_source(row, evidence), **extra}


def _finding_source(row: FindingRow, evidence: list[LawProvision]) -> str:
    """findings.csv has no source column: say what the finding rests on, from its evidence."""
    parts = [
        f"{law_citation}, {label}: {provision.verification_source or 'no source recorded'}"
        for (law_citation, label), provision in zip(row.evidence, evidence, strict=True)
    ]
    return "Rests on its evidence provisions, verified against: " + " | ".join(parts)


# --- Row-level writes, shared by this importer and the admin's bulk import (laws.bulk_import) ---
# Each writes through Model.save() (upsert) or laws.services.finding_save, and only what differs.


def save_law_row(row: LawRow, state: State, extra: dict) -> tuple[Law, str]:
    """Upsert one laws row; `extra` adds fields the file does not hold (publication status)."""
    return upsert(Law, {"state": state, "citation": row.citation}, {**row.values, **extra})


def save_provision_row(
    row: ProvisionRow, law: Law, indicators: dict[str, Indicator]
) -> tuple[LawProvision, str]:
    provision, outcome = upsert(LawProvision, {"law": law, "label": row.label}, row.values)
    wanted = {indicators[slug].pk for slug in row.indicators}
    if set(provision.indicators.values_list("pk", flat=True)) != wanted:
        provision.indicators.set(wanted)
        if outcome == "unchanged":
            outcome = "updated"
            provision.save(update_fields=["updated_at"])
    return provision, outcome


def save_finding_row(
    row: FindingRow,
    state: State,
    indicator: Indicator,
    evidence: list[LawProvision],
    extra: dict,
    current: Finding | None,
) -> str:
    """Write one findings row through finding_save (raises ValidationError if the rules fail)."""
    values = finding_values(row, evidence, extra)
    if current is not None and _same(current, row, values, evidence):
        return "unchanged"
    finding_save(
        state=state,
        indicator=indicator,
        status=row.status,
        evidence=evidence,
        note=row.note,
        **values,
    )
    return "inserted" if current is None else "updated"


PUBLISHED = {"publication_status": PublicationStatus.PUBLISHED}


@transaction.atomic
def import_starter_set(directory: Path) -> ImportCounts:
    """Validate, then upsert laws, provisions and findings. All or nothing; idempotent."""
    data = read_starter_set(directory)
    states = {s.iso2: s for s in State.objects.all()}
    indicators = {i.slug: i for i in Indicator.objects.all()}
    law_counts = ImportCounts(label="laws")
    provision_counts = ImportCounts(label="provisions")
    finding_counts = ImportCounts(label="findings")

    laws: dict[tuple[str, str], Law] = {}
    for row in data.laws:
        law, outcome = save_law_row(row, states[row.iso2], PUBLISHED)
        laws[(row.iso2, row.citation)] = law
        law_counts.add(outcome)

    provisions: dict[tuple[str, str, str], LawProvision] = {}
    for row in data.provisions:
        provision, outcome = save_provision_row(row, laws[(row.iso2, row.law_citation)], indicators)
        provisions[(row.iso2, row.law_citation, row.label)] = provision
        provision_counts.add(outcome)

    existing = {
        (f.state_id, f.indicator_id): f
        for f in Finding.objects.prefetch_related("evidence").filter(
            state__iso2__in={r.iso2 for r in data.findings}, revision_of__isnull=True
        )
    }
    errors: list[str] = []
    for row in data.findings:
        state, indicator = states[row.iso2], indicators[row.indicator]
        evidence = [provisions[(row.iso2, c, label)] for c, label in row.evidence]
        try:
            outcome = save_finding_row(
                row, state, indicator, evidence, PUBLISHED, existing.get((state.pk, indicator.pk))
            )
        except ValidationError as exc:
            errors.extend(f"findings.csv, line {row.line}: {m}" for m in exc.messages)
            continue
        finding_counts.add(outcome)
    if errors:
        # Raising inside the transaction rolls back everything written above.
        raise DataFileError(errors)

    return ImportCounts(
        label=str(directory), children=[law_counts, provision_counts, finding_counts]
    )


def _same(finding: Finding, row: FindingRow, values: dict, evidence: list[LawProvision]) -> bool:
    if finding.status != row.status or finding.note != row.note:
        return False
    if any(getattr(finding, name) != value for name, value in values.items()):
        return False
    return {p.pk for p in finding.evidence.all()} == {p.pk for p in evidence}
