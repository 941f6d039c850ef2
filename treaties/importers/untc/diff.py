"""What importing UNTC pages would change, item by item, read without writing (the admin's
UNTC refresh preview)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext

from treaties.models import EndNote, Objection, Participation, Treaty

from .names import NameResolver
from .parse import ParsedPage, squash
from .write import UNTCImportError, objection_rows, reservation_rows, resolve_names


@dataclass
class Difference:
    """One thing a page would change: a participation, a declaration or reservation, an
    objection or an end note that is new, changed or gone."""

    section: str  # "participation", "reservation", "objection", "end note", "treaty"
    action: str  # "new", "changed", "removed", "not on the page"
    subject: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    text: str = ""


@dataclass
class PageDiff:
    reference: str
    treaty: str
    source: str
    differences: list[Difference] = field(default_factory=list)

    def count(self, section: str, action: str | None = None) -> int:
        return sum(
            1
            for d in self.differences
            if d.section == section and (action is None or d.action == action)
        )


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field_changes(pairs: Iterable[tuple[str, object, object]]) -> list[tuple[str, str, str]]:
    shown = ((name, _shown(old), _shown(new)) for name, old, new in pairs)
    return [(name, old, new) for name, old, new in shown if old != new]


def _excerpt(text: str, length: int = 160) -> str:
    text = squash(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _match_items(
    subject: str,
    section: str,
    current: list[tuple[int, tuple]],
    wanted: list[tuple[int, tuple]],
    fields: tuple[str, ...],
) -> list[Difference]:
    """Match a participant's stored and parsed entries by content (a withdrawn reservation
    shows as removed, not as every later one changed); entries left over at the same position
    are a change of that entry."""
    unmatched_current = list(current)
    unmatched_wanted: list[tuple[int, tuple]] = []
    for order, item in wanted:
        hit = next((c for c in unmatched_current if c[1] == item), None)
        if hit is None:
            unmatched_wanted.append((order, item))
        else:
            unmatched_current.remove(hit)
    out: list[Difference] = []
    by_order = {order: item for order, item in unmatched_current}
    for order, item in unmatched_wanted:
        old = by_order.pop(order, None)
        if old is not None:
            out.append(
                Difference(
                    section,
                    "changed",
                    f"{subject}, {section} {order + 1}",
                    _field_changes(zip(fields, old, item, strict=True)),
                    text=_excerpt(item[fields.index("text")]),
                )
            )
        else:
            out.append(
                Difference(
                    section,
                    "new",
                    f"{subject}, {section} {order + 1}",
                    _field_changes(zip(fields, (None,) * len(fields), item, strict=True)),
                    text=_excerpt(item[fields.index("text")]),
                )
            )
    for order, item in sorted(by_order.items()):
        out.append(
            Difference(
                section,
                "removed",
                f"{subject}, {section} {order + 1}",
                _field_changes(zip(fields, item, (None,) * len(fields), strict=True)),
                text=_excerpt(item[fields.index("text")]),
            )
        )
    return out


def diff_pages(pages: Sequence[ParsedPage]) -> list[PageDiff]:
    """What `import_pages(pages)` would change, item by item, read from the database without
    writing. Raises UNTCImportError for what import_pages would refuse (unknown treaty or names).

    Not listed: `source_url` and `as_of` of every participation (they follow the page's date,
    shown once as the treaty's "status as of").
    """
    treaties = {t.untc_reference: t for t in Treaty.objects.exclude(untc_reference="")}
    for page in pages:
        if page.reference not in treaties:
            raise UNTCImportError(
                gettext(
                    "%(source)s: the page is for treaty %(reference)s (%(title)s), which is not "
                    "a treaty in the database."
                )
                % {
                    "source": page.source,
                    "reference": page.reference,
                    "title": page.title or gettext("untitled"),
                }
            )
    resolver = NameResolver()
    states = resolve_names(pages, resolver)
    result = []
    for page in pages:
        treaty = treaties[page.reference]
        diff = PageDiff(reference=page.reference, treaty=treaty.code, source=page.source)
        result.append(diff)
        out = diff.differences
        changes = _field_changes([("status as of", treaty.status_as_of, page.status_as_of)])
        if changes:
            out.append(Difference("treaty", "changed", str(treaty), changes))

        notes = {n.number: n.text for n in EndNote.objects.filter(treaty=treaty)}
        for note in page.end_notes:
            if note.number not in notes:
                out.append(
                    Difference("end note", "new", f"note {note.number}", text=_excerpt(note.text))
                )
            elif notes[note.number] != note.text:
                out.append(
                    Difference(
                        "end note",
                        "changed",
                        f"note {note.number}",
                        [("text", _excerpt(notes[note.number]), _excerpt(note.text))],
                    )
                )
        for number in sorted(set(notes) - {n.number for n in page.end_notes}):
            out.append(
                Difference("end note", "removed", f"note {number}", text=_excerpt(notes[number]))
            )

        stored = {
            p.state_id: p
            for p in Participation.objects.filter(treaty=treaty, revision_of__isnull=True)
            .select_related("state")
            .prefetch_related("end_notes", "reservations")
        }
        seen: set[int] = set()
        rows = reservation_rows(page, states, resolver)
        for parsed in page.participants:
            state = states[parsed.name]
            seen.add(state.pk)
            current = stored.get(state.pk)
            new = (
                ("signature", parsed.signature_date),
                ("consent to be bound", parsed.consent_date),
                ("kind of consent", parsed.consent_type),
                ("end notes", tuple(sorted(parsed.end_notes))),
            )
            if current is None:
                out.append(
                    Difference(
                        "participation",
                        "new",
                        state.name,
                        _field_changes((name, None, value) for name, value in new),
                    )
                )
                old_reservations: list[tuple[int, tuple]] = []
            else:
                old = (
                    current.signature_date,
                    current.consent_date,
                    current.consent_type,
                    tuple(sorted(n.number for n in current.end_notes.all())),
                )
                changes = _field_changes(
                    (name, was, value) for (name, value), was in zip(new, old, strict=True)
                )
                if changes:
                    out.append(Difference("participation", "changed", state.name, changes))
                old_reservations = [
                    (r.order, (r.kind, r.heading, r.text, r.date, r.withdrawn_date))
                    for r in current.reservations.all()
                ]
            wanted = [(r.order, r.fields) for r in rows if r.participant == parsed.name]
            out.extend(
                _match_items(
                    state.name,
                    "reservation",
                    old_reservations,
                    wanted,
                    ("kind", "heading", "text", "date", "withdrawn"),
                )
            )
        for state_pk, participation in stored.items():
            if state_pk not in seen:
                out.append(
                    Difference(
                        "participation",
                        "not on the page",
                        participation.state.name,
                        text="kept: published data is never deleted by a refresh",
                    )
                )

        objections: dict[int, list[tuple[int, tuple]]] = {}
        names: dict[int, str] = {}
        for o in Objection.objects.filter(treaty=treaty).select_related(
            "objecting_state", "reserving_state"
        ):
            reserving = o.reserving_state.name if o.reserving_state else None
            objections.setdefault(o.objecting_state_id, []).append(
                (o.order, (reserving, o.heading, o.text, o.date))
            )
            names[o.objecting_state_id] = o.objecting_state.name
        parsed_objections: dict[int, list[tuple[int, tuple]]] = {}
        for state, order, reserving, o in objection_rows(page, states, resolver):
            names[state.pk] = state.name
            parsed_objections.setdefault(state.pk, []).append(
                (order, (reserving.name if reserving else None, o.heading, o.text, o.date))
            )
        for state_pk in sorted(set(objections) | set(parsed_objections), key=names.get):
            out.extend(
                _match_items(
                    names[state_pk],
                    "objection",
                    objections.get(state_pk, []),
                    parsed_objections.get(state_pk, []),
                    ("reserving state", "heading", "text", "date"),
                )
            )
    return result
