"""Change history of every editable record (django-simple-history).

Every save, delete and many-to-many change of a tracked model writes a historical row with who
(the request's user via HistoryRequestMiddleware, or `instance._history_user`; null for imports
and commands), when, why (`history_change_reason`) and the full record as it then stood. Field
diffs are computed between consecutive rows (`changes_between`).

Work outside a request names itself with `change_reason("import_laws")`: every historical row
written inside the block carries that reason unless the instance sets its own `_change_reason`.

A record written in several steps (created, then its many-to-many links set) is one change:
inside `one_record()` its history row is written once, when the block ends, as the record then
stands (created: "+", with its links), not one row per step.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.utils import (
    get_change_reason_from_object,
    get_m2m_field_name,
    get_m2m_reverse_field_name,
)

_reason: ContextVar[str | None] = ContextVar("crin_change_reason", default=None)
# The records saved inside `one_record()`: (model, pk) -> [History, instance, type, using].
_deferred: ContextVar[dict | None] = ContextVar("crin_history_deferred", default=None)

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


@contextmanager
def one_record() -> Iterator[None]:
    """Inside the block, each tracked record's saves and many-to-many changes write no history
    row; when the block ends without error, each record changed in it gets one row, as it then
    stands: "+" if it was created in the block, else "~" (an import's new finding and its
    evidence are one change, where they were a row for the finding and one more for its links).
    Nothing changed, nothing written. An error leaves the rows unwritten (the transaction that
    wrote the records rolls back with it)."""
    if _deferred.get() is not None:  # already inside one: the outer block writes the rows
        yield
        return
    pending: dict = {}
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    for history, instance, history_type, using in pending.values():
        history.create_historical_record(instance, history_type, using=using)


class History(HistoricalRecords):
    """HistoricalRecords whose change reason falls back to the current `change_reason` block,
    and whose rows wait for the end of a `one_record()` block."""

    # The History of each tracked model (`record_created` writes its rows in bulk).
    of: dict[type[models.Model], "History"] = {}

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        if not cls._meta.abstract:
            History.of[cls] = self

    def get_change_reason_for_object(self, instance, history_type, using):
        return get_change_reason_from_object(instance) or _reason.get()

    def _defer(self, instance, history_type, using) -> bool:
        pending = _deferred.get()
        if (
            pending is None
            or hasattr(instance, "skip_history_when_saving")
            or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        ):
            return False
        entry = pending.get((type(instance), instance.pk))
        if entry is None:
            pending[(type(instance), instance.pk)] = [self, instance, history_type, using]
        else:
            entry[1] = instance  # "+" stays "+": created in the block, whatever came after
        return True

    def post_save(self, instance, created, using=None, **kwargs):
        if kwargs.get("raw") or not self._defer(instance, "+" if created else "~", using):
            super().post_save(instance, created, using=using, **kwargs)

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear") or not self._defer(
            instance, "~", None
        ):
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)


def record_created(instances: list[models.Model]) -> None:
    """The history of records inserted in bulk (`bulk_create` sends no signals), with their
    many-to-many links as they now stand: for each, the one "+" row `one_record()` writes for a
    record created and linked in one block, the same columns and link rows, in a few queries."""
    if not instances or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    history = History.of[type(instances[0])]
    model = getattr(history.cls, history.manager_name).model
    now = timezone.now()
    rows = [
        model(
            history_date=getattr(instance, "_history_date", now),
            history_type="+",
            history_user=history.get_history_user(instance),
            history_change_reason=history.get_change_reason_for_object(instance, "+", None),
            **{f.attname: getattr(instance, f.attname) for f in history.fields_included(instance)},
        )
        for instance in instances
    ]
    model.objects.bulk_create(rows)
    by_record = {row.id: row for row in rows}
    for field in model._history_m2m_fields:
        link_history = history.m2m_models[field]
        through = field.remote_field.through
        owner = get_m2m_field_name(field)
        names = [f.attname for f in through._meta.fields]
        links = through.objects.filter(**{f"{owner}_id__in": list(by_record)}).values_list(*names)
        at = names.index(f"{owner}_id")
        link_history.objects.bulk_create(
            link_history(history=by_record[values[at]], **dict(zip(names, values, strict=True)))
            for values in links
        )


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


def changes_between(old, new) -> list[FieldChange]:
    """Field-by-field differences between two historical rows of one record (old may be None:
    a creation lists every non-empty field). Many-to-many fields compare the sets of targets."""
    return diff_many([(old, new)])[0]


def diff_many(pairs) -> list[list[FieldChange]]:
    """`changes_between` for many (old, new) pairs of historical rows in a bounded number of
    queries: one per many-to-many field and one per related model, whatever the number of
    pairs (history pages, the recent-changes page and the reviewer's diff use it)."""
    pairs = [(old, new) for old, new in pairs]
    records = [r for pair in pairs for r in pair if r is not None]
    # Many-to-many: the target ids of every record, one query per (historical model, field).
    m2m: dict[tuple[type, str], dict[int, list]] = {}
    for record in records:
        for field in getattr(record, "_history_m2m_fields", []):
            m2m.setdefault((type(record), field.name), {})
    for (history_model, name), by_record in m2m.items():
        field = next(f for f in history_model._history_m2m_fields if f.name == name)
        ids = [r.history_id for r in records if type(r) is history_model]
        # simple-history names the table of a tracked m2m field Historical<Model>_<field>.
        through = apps.get_model(history_model._meta.app_label, f"{history_model.__name__}_{name}")
        target = get_m2m_reverse_field_name(field) + "_id"
        for history_id, target_id in through.objects.filter(history_id__in=ids).values_list(
            "history_id", target
        ):
            by_record.setdefault(history_id, []).append(target_id)
    # Raw differences, collecting the related objects to name.
    wanted: dict[type, set] = {}
    raw: list[list[tuple]] = []
    for old, new in pairs:
        model = new.instance_type
        diffs = []
        for field in model._meta.concrete_fields:
            if field.name in BOOKKEEPING_FIELDS:
                continue
            before = getattr(old, field.attname) if old is not None else None
            after = getattr(new, field.attname)
            if old is None and after in (None, "", False):
                continue
            if before != after:
                if field.is_relation:
                    wanted.setdefault(field.related_model, set()).update(
                        v for v in (before, after) if v is not None
                    )
                diffs.append((field, before, after))
        for field in getattr(new, "_history_m2m_fields", []):
            targets = m2m[(type(new), field.name)]
            before = sorted(targets.get(old.history_id, [])) if old is not None else []
            after = sorted(targets.get(new.history_id, []))
            if before != after:
                wanted.setdefault(field.related_model, set()).update(before + after)
                diffs.append((field, before, after))
        raw.append(diffs)
    names = {
        model: {o.pk: str(o) for o in _with_str_relations(model).filter(pk__in=pks)}
        for model, pks in wanted.items()
    }

    def name(model, pk):
        if pk is None:
            return None
        return names.get(model, {}).get(pk, f"#{pk} (deleted)")

    out = []
    for diffs in raw:
        changes = []
        for field, before, after in diffs:
            label = str(field.verbose_name)
            if field.many_to_many:
                show = [
                    "; ".join(name(field.related_model, pk) for pk in ids) or "—"
                    for ids in (before, after)
                ]
                changes.append(FieldChange(field.name, label, *show))
            elif field.is_relation:
                changes.append(
                    FieldChange(
                        field.name,
                        label,
                        name(field.related_model, before),
                        name(field.related_model, after),
                    )
                )
            else:
                changes.append(
                    FieldChange(field.name, label, _display(field, before), _display(field, after))
                )
        out.append(changes)
    return out


def _with_str_relations(model):
    """The related objects, with what their str() follows (a model's `str_relations`: a provision
    names its law)."""
    qs = model._base_manager.all()
    joins = getattr(model, "str_relations", ())
    return qs.select_related(*joins) if joins else qs


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


def record_names(records) -> list[str]:
    """A name for each historical row, whatever has happened since: the record as it then stood,
    its `str_relations` (a provision's law) joined in bulk — live where they still exist, else as
    their own last history row has them (a revision's working copy points at a revision deleted
    when it was published or discarded) — and, failing everything, "<kind> #<id>"."""
    from django.core.exceptions import ObjectDoesNotExist

    instances = [record.instance for record in records]
    by_model: dict[type, list] = {}
    for instance in instances:
        by_model.setdefault(type(instance), []).append(instance)
    for model, group in by_model.items():
        for relation in getattr(model, "str_relations", ()):
            field = model._meta.get_field(relation)
            ids = {getattr(i, field.attname) for i in group} - {None}
            related = {o.pk: o for o in _with_str_relations(field.related_model).filter(pk__in=ids)}
            missing = ids - set(related)
            history = getattr(field.related_model, "history", None)
            if missing and history is not None:
                for row in history.filter(id__in=missing).order_by("history_date", "history_id"):
                    related[row.id] = row.instance  # the latest row wins
            for instance in group:
                target = related.get(getattr(instance, field.attname))
                if target is not None:
                    setattr(instance, field.name, target)
    names = []
    for record, instance in zip(records, instances, strict=True):
        try:
            names.append(str(instance))
        except ObjectDoesNotExist:
            names.append(f"{instance._meta.verbose_name} #{record.id}")
    return names
