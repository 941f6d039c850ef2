"""What every importer reports: how many records it inserted, updated and left unchanged."""

from dataclasses import dataclass, field

from django.db import models


@dataclass
class ImportCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    label: str = ""
    children: list["ImportCounts"] = field(default_factory=list)

    def add(self, outcome: str) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self) -> str:
        text = (
            f"{self.label + ': ' if self.label else ''}{self.inserted} inserted, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        if self.deleted:
            text += f", {self.deleted} deleted"
        return text


_LOOK_IT_UP = object()


def changed_fields(obj: models.Model, values: dict) -> list[str]:
    """The names in `values` whose value `obj` does not hold. A related record is compared by
    its key, without fetching what `obj` points at."""
    changed = []
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.many_to_one:
            current = getattr(obj, field.attname)
            value = value.pk if isinstance(value, models.Model) else value
        else:
            current = getattr(obj, name)
        if current != value:
            changed.append(name)
    return changed


def upsert(
    model: type[models.Model], lookup: dict, values: dict, *, existing=_LOOK_IT_UP
) -> tuple[models.Model, str]:
    """Create or update one row, writing only when something differs.

    Returns the object and the outcome: "inserted", "updated" or "unchanged". The lookup finds
    the record itself, never a revision (working copy) of it (core.revisions). A caller that
    read the records already passes the one found (or None) as `existing`.
    """
    if existing is _LOOK_IT_UP:
        rows = model.objects.filter(**lookup)
        if any(f.name == "revision_of" for f in model._meta.concrete_fields):
            rows = rows.filter(revision_of__isnull=True)
        existing = rows.first()
    obj = existing
    if obj is None:
        return model.objects.create(**lookup, **values), "inserted"
    changed = changed_fields(obj, values)
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed + (["updated_at"] if hasattr(obj, "updated_at") else []))
    return obj, "updated"
