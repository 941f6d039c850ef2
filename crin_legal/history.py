"""Change history of every editable record (django-simple-history).

Every save, delete and many-to-many change of a tracked model writes a historical row with who
(the request's user via HistoryRequestMiddleware, or `instance._history_user`; null for imports
and commands), when, why (`history_change_reason`) and the full record as it then stood. Field
diffs are computed between consecutive rows (`changes_between`).

Work outside a request names itself with `change_reason("import_laws")`: every historical row
written inside the block carries that reason unless the instance sets its own `_change_reason`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from simple_history.models import HistoricalRecords
from simple_history.utils import get_change_reason_from_object, get_m2m_reverse_field_name

_reason: ContextVar[str | None] = ContextVar("crin_change_reason", default=None)

# Bookkeeping columns: never shown as "changed", never restored.
BOOKKEEPING_FIELDS = frozenset(
    {"id", "version", "created_at", "updated_at", "published_at", "last_public_change"}
)


@contextmanager
def change_reason(reason: str) -> Iterator[None]:
    """Label every history row written inside the block (imports, commands, bulk services)."""
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


class History(HistoricalRecords):
    """HistoricalRecords whose change reason falls back to the current `change_reason` block."""

    def get_change_reason_for_object(self, instance, history_type, using):
        return get_change_reason_from_object(instance) or _reason.get()


@dataclass
class FieldChange:
    field: str
    label: str
    old: Any
    new: Any


def _display(field: models.Field | None, value: Any) -> Any:
    if field is None:
        return value
    if getattr(field, "choices", None) and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    return value


def _m2m_ids(record, field: models.ManyToManyField) -> list:
    # A historical m2m row copies the through-table row: (source, target).
    target = get_m2m_reverse_field_name(field) + "_id"
    return sorted(getattr(row, target) for row in getattr(record, field.name).all())


def changes_between(old, new) -> list[FieldChange]:
    """Field-by-field differences between two historical rows of one record (old may be None:
    a creation lists every non-empty field). Many-to-many fields compare the sets of targets."""
    model = new.instance_type
    out: list[FieldChange] = []
    m2m_fields = list(getattr(new, "_history_m2m_fields", []))
    for field in model._meta.concrete_fields:
        if field.name in BOOKKEEPING_FIELDS:
            continue
        before = getattr(old, field.attname) if old is not None else None
        after = getattr(new, field.attname)
        if old is None and after in (None, "", False):
            continue
        if before != after:
            label = str(field.verbose_name)
            if field.is_relation:
                out.append(
                    FieldChange(field.name, label, _related(field, before), _related(field, after))
                )
            else:
                out.append(
                    FieldChange(field.name, label, _display(field, before), _display(field, after))
                )
    for field in m2m_fields:
        name = field.name
        before = _m2m_ids(old, field) if old is not None else []
        after = _m2m_ids(new, field)
        if before != after:
            out.append(
                FieldChange(
                    name,
                    str(field.verbose_name),
                    _related_many(field, before),
                    _related_many(field, after),
                )
            )
    return out


def _related(field, pk):
    if pk is None:
        return None
    obj = field.related_model._base_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else f"#{pk} (deleted)"


def _related_many(field, pks: list) -> str:
    if not pks:
        return "—"
    objs = {o.pk: str(o) for o in field.related_model._base_manager.filter(pk__in=pks)}
    return "; ".join(objs.get(pk, f"#{pk} (deleted)") for pk in pks)


def previous_record(record):
    """The historical row of the same object just before `record` (None for the first)."""
    return (
        record.instance_type.history.filter(id=record.id, history_date__lte=record.history_date)
        .exclude(history_id=record.history_id)
        .filter(
            models.Q(history_date__lt=record.history_date)
            | models.Q(history_id__lt=record.history_id)
        )
        .order_by("-history_date", "-history_id")
        .first()
    )
