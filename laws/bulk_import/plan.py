"""The row-by-row plan an upload is previewed and applied as: what each row would create,
update (each field, old → new), leave unchanged, or why it is rejected."""

from __future__ import annotations

import datetime
import decimal
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext

from core.publication import PublicationStatus

# Row outcomes, in the preview and in the result.
CREATE, UPDATE, UNCHANGED, REJECTED = "create", "update", "unchanged", "rejected"


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


def _unreviewed(plan: RowPlan, record, publish: bool) -> RowPlan:
    """An upload that does not publish never changes what the public sees: a row that would
    change a published record (or a provision of a published law) is refused."""
    if not publish and plan.action != UNCHANGED and record is not None:
        if record.publication_status == PublicationStatus.PUBLISHED:
            plan.errors.append(
                gettext(
                    "%(record)s is published: an upload that does not publish cannot change it. "
                    "Propose the change on its admin page (a revision a reviewer publishes), or "
                    "have a reviewer upload the file with “publish”."
                )
                % {"record": record}
            )
    return plan


def _row_plan(line: int, key: str, obj, values: dict, extra_changes=()) -> RowPlan:
    changes = _changes(obj, values) + list(extra_changes)
    if obj is None:
        action = CREATE
    else:
        action = UPDATE if changes else UNCHANGED
    return RowPlan(line=line, key=key, action=action, changes=changes)
