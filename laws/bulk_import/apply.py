"""Reading an upload, planning it (`plan_file`) and applying it all or nothing (`apply_file`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext

from core.importing import upsert
from treaties.models import (
    Participation,
    Reservation,
    State,
)

from ..importers.errors import DataFileError
from ..importers.starter_set import (
    FindingRow,
    LawRow,
    ProvisionRow,
    _Reader,
    save_finding_row,
    save_law_row,
    save_provision_row,
)
from ..importers.tables import Table, read_upload
from ..models import Law
from .kinds import COLUMNS, OPTIONAL_COLUMNS, Kind
from .national import _prepare_findings, _prepare_laws, _prepare_provisions
from .participations import (
    ParticipationRow,
    ReservationRow,
    _prepare_participations,
    _prepare_reservations,
)
from .plan import REJECTED, UNCHANGED, Plan, RowPlan, _Prepared, _publication


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
        raise ApplyRefused(table, gettext("The file cannot be read."))
    with transaction.atomic():
        prepared = _prepare(kind, table, publish)
        if not prepared.plan.ok:
            raise ApplyRefused(
                prepared.plan, gettext("Some rows are rejected; nothing was written.")
            )
        if expected is not None and not prepared.plan.same_outcome(expected):
            raise ApplyRefused(
                prepared.plan,
                gettext(
                    "The database changed since the preview; nothing was written. "
                    "Check the new preview and apply again."
                ),
                stale=True,
            )
        try:
            _write(kind, prepared)
        except (ValidationError, DatabaseError) as exc:
            # Raised inside the atomic block: everything written above is rolled back.
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            prepared.plan.file_errors = messages
            raise ApplyRefused(
                prepared.plan, gettext("Writing failed; nothing was written.")
            ) from exc
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
