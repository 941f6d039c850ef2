"""Bulk import with preview: one uploaded CSV or XLSX file of laws, provisions, findings,
participations or their declarations and reservations, checked row by row against the database,
then applied all or nothing.

The rows are validated by the same functions as `manage.py import_laws`
(laws/importers/starter_set.py) and written by the same row-level writers (Model.save() through
`upsert`, findings through `laws.services.finding_save`), so the command, the admin and the rules
agree, and every write is an ordinary save that history records.

- `plan_file(kind, name, content, publish=...)` reads nothing but the database: it returns a `Plan`
  listing, row by row, what would be created, updated (each changed field, old → new), left
  unchanged, or rejected and why.
- `apply_file(...)` re-validates inside one transaction and writes, or writes nothing: a file with
  one rejected row changes nothing. Applying the same file again reports every row unchanged.

Publication: what an upload creates is a draft, unless the uploader may publish (a superuser, or
a holder of the model's `publish_<model>` permission) and asked to publish; then created and
updated rows are published. An upload that does not publish never changes an existing row's
publication state, nor a published record (a row that would is rejected: an editor proposes
such a change in the admin, as a revision a reviewer publishes; core.revisions).
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext_lazy as _

from core.importing import upsert
from core.publication import PublicationStatus
from treaties.importers.untc import clean_text
from treaties.linking import provisions_named
from treaties.models import (
    ConsentType,
    Participation,
    Reservation,
    ReservationKind,
    State,
    Treaty,
    TreatyProvision,
)

from .importers.errors import DataFileError
from .importers.starter_set import (
    FINDING_COLUMNS,
    LAW_COLUMNS,
    PROVISION_COLUMNS,
    FindingRow,
    LawRow,
    ProvisionRow,
    _findings,
    _laws,
    _provisions,
    _Reader,
    finding_values,
    quoted,
    save_finding_row,
    save_law_row,
    save_provision_row,
)
from .importers.tables import Table, read_upload
from .models import Finding, Indicator, Law, LawProvision
from .services import validate_finding


class Kind(models.TextChoices):
    LAWS = "laws", _("Laws")
    PROVISIONS = "provisions", _("Law provisions")
    FINDINGS = "findings", _("Findings")
    PARTICIPATIONS = "participations", _("Treaty participation")
    RESERVATIONS = "reservations", _("Declarations and reservations")


PARTICIPATION_COLUMNS = (
    "country_iso2",
    "treaty",
    "signature_date",
    "consent_date",
    "consent_type",
    "withdrawal_date",
    "source_url",
    "as_of",
)

# The columns of the release's reservations table (laws/release.py), so a release file imports.
RESERVATION_COLUMNS = (
    "country_iso2",
    "treaty",
    "order",
    "kind",
    "heading",
    "date",
    "withdrawn_date",
    "text",
)

COLUMNS: dict[str, tuple[str, ...]] = {
    Kind.LAWS: LAW_COLUMNS,
    Kind.PROVISIONS: PROVISION_COLUMNS,
    Kind.FINDINGS: FINDING_COLUMNS,
    Kind.PARTICIPATIONS: PARTICIPATION_COLUMNS,
    Kind.RESERVATIONS: RESERVATION_COLUMNS,
}
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {Kind.PROVISIONS: ("order",)}

# The model each kind writes: the uploader needs add and change permission on it.
MODELS: dict[str, type[models.Model]] = {
    Kind.LAWS: Law,
    Kind.PROVISIONS: LawProvision,
    Kind.FINDINGS: Finding,
    Kind.PARTICIPATIONS: Participation,
    Kind.RESERVATIONS: Reservation,
}
# Kinds whose records carry a publication state of their own (provisions follow their law,
# declarations and reservations their participation).
PUBLISHABLE = (Kind.LAWS, Kind.FINDINGS, Kind.PARTICIPATIONS)
# The permission to publish what a kind writes: for provisions and declarations, their parent's.
PUBLISH_PERMISSIONS: dict[str, str] = {
    Kind.LAWS: "laws.publish_law",
    Kind.PROVISIONS: "laws.publish_law",
    Kind.FINDINGS: "laws.publish_finding",
    Kind.PARTICIPATIONS: "treaties.publish_participation",
    Kind.RESERVATIONS: "treaties.publish_participation",
}

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

# Row outcomes, in the preview and in the result.
CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"


def may_publish(user, kind: str) -> bool:
    """May this user publish what an upload of `kind` writes? Superusers may; so may holders of
    the reviewers' `publish_<model>` permission (for provisions, `publish_law`; for declarations
    and reservations, `publish_participation`)."""
    return bool(user.is_superuser or user.has_perm(PUBLISH_PERMISSIONS[kind]))


def may_import(user, kind: str) -> bool:
    """Editors may: staff with permission to add import batches and to add and change the
    records the kind writes."""
    meta = MODELS[kind]._meta
    return bool(
        user.is_active
        and user.is_staff
        and user.has_perm("laws.add_importbatch")
        and user.has_perm(f"{meta.app_label}.add_{meta.model_name}")
        and user.has_perm(f"{meta.app_label}.change_{meta.model_name}")
    )


# --- The plan ------------------------------------------------------------------------------------


@dataclass
class RowPlan:
    line: int
    key: str
    action: str  # CREATE, UPDATE, UNCHANGED or REJECTED
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    errors: list[str] = field(default_factory=list)


@dataclass
class Plan:
    kind: str
    name: str
    publish: bool = False
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowPlan] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Can it be applied: a readable file with no rejected row."""
        return not self.file_errors and all(r.action != REJECTED for r in self.rows)

    @property
    def counts(self) -> dict[str, int]:
        counts = {CREATE: 0, UPDATE: 0, UNCHANGED: 0, REJECTED: 0}
        for row in self.rows:
            counts[row.action] += 1
        return counts

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        rows = [
            RowPlan(
                line=r["line"],
                key=r["key"],
                action=r["action"],
                changes=[tuple(c) for c in r["changes"]],
                errors=list(r["errors"]),
            )
            for r in data.get("rows", [])
        ]
        return cls(
            kind=data["kind"],
            name=data["name"],
            publish=data.get("publish", False),
            file_errors=list(data.get("file_errors", [])),
            rows=rows,
        )

    def same_outcome(self, other: Plan) -> bool:
        return self.file_errors == other.file_errors and self.rows == other.rows


def show(value: Any) -> str:
    """A value as the preview prints it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(sorted(str(v) for v in value))
    return str(value)


def _changes(obj: models.Model | None, values: dict) -> list[tuple[str, str, str]]:
    if obj is None:
        return [(name, "", show(value)) for name, value in values.items() if show(value)]
    return [
        (name, show(getattr(obj, name)), show(value))
        for name, value in values.items()
        if getattr(obj, name) != value
    ]


def _publication(user_publish: bool, existing: models.Model | None) -> dict:
    """The publication field an upload writes (see the module docstring)."""
    if user_publish:
        return {"publication_status": PublicationStatus.PUBLISHED}
    if existing is None:
        return {"publication_status": PublicationStatus.DRAFT}
    return {}


@dataclass
class _Prepared:
    """A validated file: its rows, each with what it resolves to in the database."""

    plan: Plan
    rows: list[tuple[Any, RowPlan]] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


def _reader(kind: str, table: Table, errors: list[str]) -> _Reader:
    return _Reader(
        table,
        COLUMNS[kind],
        errors,
        optional=OPTIONAL_COLUMNS.get(kind, ()),
        strict_header=True,
    )


def _prepare(kind: str, table: Table, publish: bool) -> _Prepared:
    plan = Plan(kind=kind, name=table.name, publish=publish)
    errors: list[str] = []
    reader = _reader(kind, table, errors)
    states = {s.iso2: s for s in State.objects.all()}
    prepared = _Prepared(plan=plan)
    parse = {
        Kind.LAWS: _prepare_laws,
        Kind.PROVISIONS: _prepare_provisions,
        Kind.FINDINGS: _prepare_findings,
        Kind.PARTICIPATIONS: _prepare_participations,
        Kind.RESERVATIONS: _prepare_reservations,
    }[kind]
    parse(reader, states, prepared)
    if 1 in reader.line_errors:  # the header: no row could be read
        plan.file_errors = [f"{table.name}: {m}" for m in reader.line_errors[1]]
        plan.rows = []
        prepared.rows = []
    for _item, row in prepared.rows:
        problems = reader.line_errors.get(row.line, [])
        if problems:
            row.action, row.changes = REJECTED, []
            row.errors = [*problems, *row.errors]
        elif row.errors:
            row.action, row.changes = REJECTED, []
    # Lines the reader refused before a row was made (e.g. a wrong number of fields).
    planned = {row.line for _, row in prepared.rows}
    for line, problems in sorted(reader.line_errors.items()):
        if line != 1 and line not in planned:
            rejected = RowPlan(line=line, key="", action=REJECTED, errors=list(problems))
            prepared.rows.append((None, rejected))
    prepared.rows.sort(key=lambda pair: pair[1].line)
    for _item, row in prepared.rows:
        if len(row.key) > 200:  # a key built from an oversized cell (rejected anyway)
            row.key = row.key[:199] + "…"
    plan.rows = [row for _, row in prepared.rows]
    return prepared


def _prepare_laws(reader: _Reader, states: dict[str, State], prepared: _Prepared) -> None:
    rows = _laws(reader, states)
    existing = {
        (law.state.iso2, law.citation): law
        for law in Law.objects.filter(revision_of=None)
        .select_related("state")
        .filter(state__iso2__in={r.iso2 for r in rows})
    }
    prepared.context["states"] = states
    for row in rows:
        law = existing.get((row.iso2, row.citation))
        values = {**row.values, **_publication(prepared.plan.publish, law)}
        key = f"{row.iso2} · {row.citation}"
        plan = _row_plan(row.line, key, law, values)
        prepared.rows.append((row, _unreviewed(plan, law, prepared.plan.publish)))


def _unreviewed(plan: RowPlan, record, publish: bool) -> RowPlan:
    """An upload that does not publish never changes what the public sees: a row that would
    change a published record (or a provision of a published law) is refused."""
    if not publish and plan.action != UNCHANGED and record is not None:
        if record.publication_status == PublicationStatus.PUBLISHED:
            plan.errors.append(
                f"{record} is published: an upload that does not publish cannot change it. "
                "Propose the change on its admin page (a revision a reviewer publishes), or "
                "have a reviewer upload the file with “publish”."
            )
    return plan


def _row_plan(line: int, key: str, obj, values: dict, extra_changes=()) -> RowPlan:
    changes = _changes(obj, values) + list(extra_changes)
    if obj is None:
        action = CREATE
    else:
        action = UPDATE if changes else UNCHANGED
    return RowPlan(line=line, key=key, action=action, changes=changes)


def _prepare_provisions(reader: _Reader, states: dict[str, State], prepared: _Prepared) -> None:
    laws = {
        (law.state.iso2, law.citation): law
        for law in Law.objects.filter(revision_of=None)
        .select_related("state")
        .filter(state__iso2__in={r["country_iso2"] for _, r in reader.rows()})
    }
    reader.line_errors.clear()  # the pass above only collected the states named
    reader.errors.clear()
    indicators = {i.slug: i for i in Indicator.objects.all()}
    rows = _provisions(
        reader, states, set(indicators), set(laws), laws_where="in the database (import it first)"
    )
    existing = {
        (p.law_id, p.label): p
        for p in LawProvision.objects.prefetch_related("indicators").filter(
            law__in=list(laws.values())
        )
    }
    prepared.context.update(laws=laws, indicators=indicators)
    for row in rows:
        law = laws.get((row.iso2, row.law_citation))
        provision = existing.get((law.pk, row.label)) if law else None
        extra = []
        wanted = set(row.indicators)
        if provision is not None:
            current = {i.slug for i in provision.indicators.all()}
            if current != wanted:
                extra.append(("indicators", show(current), show(wanted)))
        elif wanted:
            extra.append(("indicators", "", show(wanted)))
        key = f"{row.iso2} · {row.law_citation} · {row.label}"
        plan = _row_plan(row.line, key, provision, row.values, extra)
        prepared.rows.append((row, _unreviewed(plan, law, prepared.plan.publish)))


def _prepare_findings(reader: _Reader, states: dict[str, State], prepared: _Prepared) -> None:
    named = {r["country_iso2"] for _, r in reader.rows()}
    reader.line_errors.clear()
    reader.errors.clear()
    provisions = {
        (p.law.state.iso2, p.law.citation, p.label): p
        for p in LawProvision.objects.select_related("law__state").filter(
            law__state__iso2__in=named, law__revision_of=None
        )
    }
    indicators = {i.slug: i for i in Indicator.objects.all()}
    rows = _findings(
        reader,
        states,
        set(indicators),
        set(provisions),
        provisions_where="a provision in the database",
    )
    existing = {
        (f.state.iso2, f.indicator.slug): f
        for f in Finding.objects.select_related("state", "indicator")
        .prefetch_related("evidence__law")
        .filter(state__iso2__in=named, revision_of=None)
    }
    prepared.context.update(provisions=provisions, indicators=indicators, existing=existing)
    for row in rows:
        key = f"{row.iso2} · {row.indicator}"
        if row.line in reader.line_errors:
            prepared.rows.append((row, RowPlan(line=row.line, key=key, action=REJECTED)))
            continue
        evidence = [provisions[(row.iso2, c, label)] for c, label in row.evidence]
        finding = existing.get((row.iso2, row.indicator))
        problems = []
        try:
            validate_finding(
                state=states[row.iso2],
                status=row.status,
                evidence=evidence,
                note=row.note,
                published=prepared.plan.publish
                or (
                    finding is not None
                    and finding.publication_status == PublicationStatus.PUBLISHED
                ),
                indicator=indicators.get(row.indicator),
            )
        except ValidationError as exc:
            problems = exc.messages
        values = {
            "status": row.status,
            "note": row.note,
            **finding_values(row, evidence, _publication(prepared.plan.publish, finding)),
        }
        extra = []
        wanted = {f"{c} :: {label}" for c, label in row.evidence}
        if finding is not None:
            current = {f"{p.law.citation} :: {p.label}" for p in finding.evidence.all()}
            if current != wanted:
                extra.append(("evidence", show(current), show(wanted)))
        elif wanted:
            extra.append(("evidence", "", show(wanted)))
        plan = _row_plan(row.line, key, finding, values, extra)
        plan.errors = problems
        prepared.rows.append((row, _unreviewed(plan, finding, prepared.plan.publish)))


@dataclass
class ParticipationRow:
    line: int
    iso2: str
    treaty: str
    values: dict


def _participations(
    reader: _Reader, states: dict[str, State], treaties: dict[str, Treaty]
) -> list[ParticipationRow]:
    url = URLValidator()
    rows: list[ParticipationRow] = []
    seen: dict[tuple[str, str], int] = {}
    for line, row in reader.rows():
        iso2 = reader.state(line, row, states)
        code = row["treaty"]
        if code not in treaties:
            reader.error(
                line,
                f"unknown treaty {quoted(code)}; expected one of {', '.join(sorted(treaties))}.",
            )
        signature = reader.date(line, row, "signature_date")
        consent = reader.date(line, row, "consent_date")
        withdrawal = reader.date(line, row, "withdrawal_date")
        consent_type = row["consent_type"]
        if consent_type:
            reader.choice(line, row, "consent_type", ConsentType.values)
        if consent and not consent_type:
            reader.error(line, "'consent_type' is empty but there is a 'consent_date'.")
        if consent_type and not row["consent_date"]:
            reader.error(line, "'consent_type' is given without a 'consent_date'.")
        if not row["signature_date"] and not row["consent_date"]:
            reader.error(line, "neither 'signature_date' nor 'consent_date': no treaty action.")
        if signature and consent and consent < signature:
            reader.error(line, f"consent ({consent}) before signature ({signature}).")
        if withdrawal and not consent:
            reader.error(line, "'withdrawal_date' without a 'consent_date'.")
        if withdrawal and consent and withdrawal < consent:
            reader.error(line, f"withdrawal ({withdrawal}) before consent ({consent}).")
        source_url = reader.text(line, row, "source_url", max_length=500)
        if source_url:
            try:
                url(source_url)
            except ValidationError:
                reader.error(line, f"'source_url' is {quoted(source_url)}, not a URL.")
        key = (iso2, code)
        if key in seen:
            reader.error(
                line, f"duplicate participation {iso2} {quoted(code)} (first on line {seen[key]})."
            )
        seen[key] = line
        values = {
            "signature_date": signature,
            "consent_date": consent,
            "consent_type": consent_type,
            "withdrawal_date": withdrawal,
            "source_url": source_url,
            "as_of": reader.date(line, row, "as_of"),
        }
        rows.append(ParticipationRow(line=line, iso2=iso2, treaty=code, values=values))
    return rows


def _prepare_participations(reader: _Reader, states: dict[str, State], prepared: _Prepared) -> None:
    treaties = {t.code: t for t in Treaty.objects.all()}
    rows = _participations(reader, states, treaties)
    existing = {
        (p.state.iso2, p.treaty.code): p
        for p in Participation.objects.select_related("state", "treaty").filter(
            state__iso2__in={r.iso2 for r in rows}, revision_of=None
        )
    }
    prepared.context.update(states=states, treaties=treaties)
    for row in rows:
        participation = existing.get((row.iso2, row.treaty))
        values = {**row.values, **_publication(prepared.plan.publish, participation)}
        key = f"{row.iso2} · {row.treaty}"
        plan = _row_plan(row.line, key, participation, values)
        prepared.rows.append((row, _unreviewed(plan, participation, prepared.plan.publish)))


@dataclass
class ReservationRow:
    line: int
    iso2: str
    treaty: str
    order: int
    values: dict
    # The treaty provisions (slugs) to link, when the row is new or its text changes.
    links: set[str] | None = None


MAX_ORDER = 32767  # a PositiveSmallIntegerField


def _reservations(
    reader: _Reader,
    states: dict[str, State],
    treaties: dict[str, Treaty],
    participations: dict[tuple[str, str], Participation],
) -> list[ReservationRow]:
    rows: list[ReservationRow] = []
    seen: dict[tuple[str, str, int], int] = {}
    heading_length = Reservation._meta.get_field("heading").max_length
    for line, row in reader.rows():
        iso2 = reader.state(line, row, states)
        code = row["treaty"]
        if code not in treaties:
            reader.error(
                line,
                f"unknown treaty {quoted(code)}; expected one of {', '.join(sorted(treaties))}.",
            )
        elif iso2 in states and (iso2, code) not in participations:
            reader.error(
                line,
                f"no participation of {iso2} in {code} in the database (import it first, as a "
                "treaty participation file).",
            )
        order = -1
        if not row["order"].isdigit() or int(row["order"]) > MAX_ORDER:
            reader.error(
                line,
                f"'order' is {quoted(row['order'])}, not a whole number from 0 "
                "(the declaration's position among the state's declarations for the treaty).",
            )
        else:
            order = int(row["order"])
        if row["kind"]:
            reader.choice(line, row, "kind", ReservationKind.values)
        else:
            reader.error(
                line, f"'kind' is empty; expected one of {', '.join(ReservationKind.values)}."
            )
        heading = reader.text(line, row, "heading", max_length=heading_length)
        text = clean_text(reader.required(line, row, "text"))
        if row["text"] and not text:
            reader.error(line, "'text' is empty.")
        day = reader.date(line, row, "date")
        withdrawn = reader.date(line, row, "withdrawn_date")
        if day and withdrawn and withdrawn < day:
            reader.error(line, f"withdrawn ({withdrawn}) before it was made ({day}).")
        key = (iso2, code, order)
        if order >= 0 and key in seen:
            reader.error(
                line,
                f"duplicate declaration {iso2} {quoted(code)} order {order} "
                f"(first on line {seen[key]}).",
            )
        seen.setdefault(key, line)
        values = {
            "kind": row["kind"],
            "heading": heading,
            "text": text,
            "date": day,
            "withdrawn_date": withdrawn,
        }
        rows.append(ReservationRow(line=line, iso2=iso2, treaty=code, order=order, values=values))
    return rows


def _prepare_reservations(reader: _Reader, states: dict[str, State], prepared: _Prepared) -> None:
    named = {r["country_iso2"] for _, r in reader.rows()}
    reader.line_errors.clear()  # the pass above only collected the states named
    reader.errors.clear()
    treaties = {t.code: t for t in Treaty.objects.all()}
    participations = {
        (p.state.iso2, p.treaty.code): p
        for p in Participation.objects.select_related("state", "treaty").filter(
            state__iso2__in=named, revision_of=None
        )
    }
    rows = _reservations(reader, states, treaties, participations)
    existing = {
        (r.participation_id, r.order): r
        for r in Reservation.objects.prefetch_related("treaty_provisions").filter(
            participation__in=list(participations.values())
        )
    }
    provisions = {p.slug: p for p in TreatyProvision.objects.all()}
    slugs: dict[int, set[str]] = {}
    for p in provisions.values():
        slugs.setdefault(p.treaty_id, set()).add(p.slug)
    prepared.context.update(participations=participations, provisions=provisions)
    for row in rows:
        key = f"{row.iso2} · {row.treaty} · order {row.order}"
        participation = participations.get((row.iso2, row.treaty))
        if participation is None or row.line in reader.line_errors:
            prepared.rows.append((row, RowPlan(line=row.line, key=key, action=REJECTED)))
            continue
        reservation = existing.get((participation.pk, row.order))
        extra = []
        if reservation is None or reservation.text != row.values["text"]:
            # Links follow the text (treaties/linking.py), as `link_reservations` sets them.
            row.links = provisions_named(
                row.values["text"], row.treaty, slugs.get(participation.treaty_id, set())
            )
            current = (
                {p.slug for p in reservation.treaty_provisions.all()} if reservation else set()
            )
            if row.links != current:
                extra.append(("treaty_provisions", show(current), show(row.links)))
        plan = _row_plan(row.line, key, reservation, row.values, extra)
        prepared.rows.append((row, _unreviewed(plan, participation, prepared.plan.publish)))


def _read(name: str, content: bytes, kind: str, publish: bool) -> Table | Plan:
    try:
        return read_upload(name, content)
    except DataFileError as exc:
        return Plan(kind=kind, name=name, publish=publish, file_errors=exc.errors)


def plan_file(kind: str, name: str, content: bytes, *, publish: bool = False) -> Plan:
    """What applying the file would do, row by row. Writes nothing."""
    table = _read(name, content, kind, publish)
    if isinstance(table, Plan):
        return table
    return _prepare(kind, table, publish).plan


class ApplyRefused(Exception):
    """Nothing was written; `plan` says why (rejected rows or file errors)."""

    def __init__(self, plan: Plan, message: str, *, stale: bool = False):
        super().__init__(message)
        self.plan = plan
        self.stale = stale  # the outcome differs from the preview: show the new one


def apply_file(
    kind: str, name: str, content: bytes, *, publish: bool = False, expected: Plan | None = None
) -> Plan:
    """Validate again and write every row, in one transaction; or raise ApplyRefused and write
    nothing. With `expected` (the preview the editor confirmed), refuse if the outcome would now
    differ from it. Returns the plan that was applied."""
    table = _read(name, content, kind, publish)
    if isinstance(table, Plan):
        raise ApplyRefused(table, "The file cannot be read.")
    with transaction.atomic():
        prepared = _prepare(kind, table, publish)
        if not prepared.plan.ok:
            raise ApplyRefused(prepared.plan, "Some rows are rejected; nothing was written.")
        if expected is not None and not prepared.plan.same_outcome(expected):
            raise ApplyRefused(
                prepared.plan,
                "The database changed since the preview; nothing was written. "
                "Check the new preview and apply again.",
                stale=True,
            )
        try:
            _write(kind, prepared)
        except (ValidationError, DatabaseError) as exc:
            # Raised inside the atomic block: everything written above is rolled back.
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            prepared.plan.file_errors = messages
            raise ApplyRefused(prepared.plan, "Writing failed; nothing was written.") from exc
    return prepared.plan


def _write(kind: str, prepared: _Prepared) -> None:
    publish = prepared.plan.publish
    ctx = prepared.context
    for row, row_plan in prepared.rows:
        if row_plan.action == UNCHANGED:
            continue
        if kind == Kind.LAWS:
            assert isinstance(row, LawRow)
            existing = Law.objects.filter(
                state=ctx["states"][row.iso2], citation=row.citation
            ).first()
            save_law_row(row, ctx["states"][row.iso2], _publication(publish, existing))
        elif kind == Kind.PROVISIONS:
            assert isinstance(row, ProvisionRow)
            save_provision_row(row, ctx["laws"][(row.iso2, row.law_citation)], ctx["indicators"])
        elif kind == Kind.FINDINGS:
            assert isinstance(row, FindingRow)
            current = ctx["existing"].get((row.iso2, row.indicator))
            state = current.state if current else State.objects.get(iso2=row.iso2)
            evidence = [ctx["provisions"][(row.iso2, c, label)] for c, label in row.evidence]
            save_finding_row(
                row,
                state,
                ctx["indicators"][row.indicator],
                evidence,
                _publication(publish, current),
                current,
            )
        elif kind == Kind.RESERVATIONS:
            assert isinstance(row, ReservationRow)
            reservation, outcome = upsert(
                Reservation,
                {
                    "participation": ctx["participations"][(row.iso2, row.treaty)],
                    "order": row.order,
                },
                row.values,
            )
            if row.links is not None:
                current = set(reservation.treaty_provisions.values_list("slug", flat=True))
                if current != row.links:
                    reservation.treaty_provisions.set(
                        [ctx["provisions"][slug] for slug in sorted(row.links)]
                    )
        else:
            assert isinstance(row, ParticipationRow)
            lookup = {
                "state": ctx["states"][row.iso2],
                "treaty": ctx["treaties"][row.treaty],
            }
            existing = Participation.objects.filter(**lookup).first()
            upsert(Participation, lookup, {**row.values, **_publication(publish, existing)})


# --- Templates -----------------------------------------------------------------------------------


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
