"""Write parsed UNTC pages to the database: participant names resolved to states, everything
written in one transaction, idempotently (inserted / updated / unchanged counts)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext

from core.importing import ImportCounts, upsert
from core.publication import PublicationStatus
from treaties.linking import link_reservation, provision_slugs
from treaties.models import EndNote, Objection, Participation, Reservation, State, Treaty

from .names import NameResolver, UnmappedName
from .parse import ParsedObjection, ParsedPage, ParsedWithdrawal, UNTCParseError, parse_file


class UNTCImportError(Exception):
    """The files cannot be imported; nothing was written. The message names the file and why."""


def _counts(label: str):
    return field(default_factory=lambda: ImportCounts(label=label))


@dataclass
class PageResult:
    page: ParsedPage
    treaty: Treaty
    participations: ImportCounts = _counts("participations")
    reservations: ImportCounts = _counts("reservations")
    objections: ImportCounts = _counts("objections")
    end_notes: ImportCounts = _counts("end notes")
    # Participations of this treaty in the database that the page does not list (kept unless
    # pruned: published data is never deleted silently).
    absent: list[str] = field(default_factory=list)

    @property
    def counts(self) -> list[ImportCounts]:
        return [self.participations, self.reservations, self.objections, self.end_notes]


@dataclass
class ImportResult:
    pages: list[PageResult]
    treaties: ImportCounts = _counts("treaties")
    states: ImportCounts = _counts("state UN names")

    @property
    def total(self) -> ImportCounts:
        total = ImportCounts(label="total")
        for counts in [self.treaties, self.states, *(c for p in self.pages for c in p.counts)]:
            total.inserted += counts.inserted
            total.updated += counts.updated
            total.unchanged += counts.unchanged
            total.deleted += counts.deleted
        return total


def import_files(paths: Sequence[str | Path], *, prune: bool = False) -> ImportResult:
    """Parse every file, then write them all in one transaction (all or nothing)."""
    pages = []
    for path in paths:
        try:
            pages.append(parse_file(path))
        except UNTCParseError as exc:
            raise UNTCImportError(str(exc)) from exc
    return import_pages(pages, prune=prune)


def import_pages(pages: Sequence[ParsedPage], *, prune: bool = False) -> ImportResult:
    seen: dict[str, str] = {}
    for page in pages:
        if page.reference in seen:
            raise UNTCImportError(
                gettext("%(source)s and %(other)s are both pages of %(reference)s.")
                % {
                    "source": page.source,
                    "other": seen[page.reference],
                    "reference": page.reference,
                }
            )
        seen[page.reference] = page.source

    treaties = {t.untc_reference: t for t in Treaty.objects.exclude(untc_reference="")}
    for page in pages:
        if page.reference not in treaties:
            known = ", ".join(f"{ref} ({t.code})" for ref, t in sorted(treaties.items()))
            raise UNTCImportError(
                gettext(
                    "%(source)s: the page is for treaty %(reference)s (%(title)s), which is not "
                    "a treaty in the database (known: %(known)s; run `manage.py load_treaties` "
                    "first)."
                )
                % {
                    "source": page.source,
                    "reference": page.reference,
                    "title": page.title or gettext("untitled"),
                    "known": known or gettext("none"),
                }
            )

    resolver = NameResolver()
    states = resolve_names(pages, resolver)

    with transaction.atomic():
        result = ImportResult(pages=[])
        untc_names: dict[str, str] = {}
        for page in pages:
            for participant in page.participants:
                untc_names[states[participant.name].iso2] = participant.name
        for iso2, name in sorted(untc_names.items()):
            state = resolver.states[iso2]
            _, outcome = upsert(State, {"iso2": iso2}, {"untc_name": name}, existing=state)
            state.untc_name = name
            result.states.add(outcome)
        for page in pages:
            result.pages.append(
                _write_page(page, treaties[page.reference], states, resolver, result, prune)
            )
    return result


def resolve_names(pages: Sequence[ParsedPage], resolver: NameResolver) -> dict[str, State]:
    """Every participant and objecting state on every page, or an error naming what is not."""
    states: dict[str, State] = {}
    problems: list[str] = []
    for page in pages:
        names = [p.name for p in page.participants] + [o.objecting for o in page.objections]
        by_state: dict[str, str] = {}
        for name in dict.fromkeys(names):
            try:
                state = resolver.resolve(name)
            except UnmappedName as exc:
                problems.append(f"{page.source}: participant {name!r}: {exc}")
                continue
            states[name] = state
            if name in {p.name for p in page.participants}:
                other = by_state.setdefault(state.iso2, name)
                if other != name:
                    problems.append(
                        f"{page.source}: participants {other!r} and {name!r} are both {state.iso2}"
                    )
    untc: dict[str, str] = {}
    for page in pages:
        for participant in page.participants:
            state = states.get(participant.name)
            if state is not None and untc.setdefault(state.iso2, participant.name) != (
                participant.name
            ):
                problems.append(
                    f"{page.source}: {state.iso2} is {participant.name!r} here but "
                    f"{untc[state.iso2]!r} on another page"
                )
    if problems:
        raise UNTCImportError(
            gettext(
                "Cannot map these UN names to states (add them to "
                "treaties/importers/untc/names.py:UN_NAME_TO_ISO2); nothing was written:"
            )
            + "\n  "
            + "\n  ".join(problems)
        )
    return states


@dataclass(frozen=True)
class ReservationRow:
    """One declaration or reservation record of a page, in force or withdrawn."""

    participant: str
    order: int
    kind: str
    heading: str
    text: str
    date: datetime.date | None
    withdrawn_date: datetime.date | None = None

    @property
    def fields(self) -> tuple:
        return (self.kind, self.heading, self.text, self.date, self.withdrawn_date)


# The act a withdrawn text was made upon, as the announcement says ("made upon signature").
UPON_RE = re.compile(
    r"\bupon (signature|ratification|accession|succession|acceptance|approval)", re.IGNORECASE
)


def _withdrawer(
    withdrawal: ParsedWithdrawal,
    participants: dict[State, str],
    resolver: NameResolver,
) -> str | None:
    """Who withdrew: the first participant the announcement names; else the one participant
    whose entries cite the note; else nobody (the withdrawal is not recorded)."""
    for state in resolver.mentioned_in_order(withdrawal.announcement):
        if state in participants:
            return participants[state]
    cited = [name for name in withdrawal.cited_by if name in participants.values()]
    return cited[0] if len(cited) == 1 else None


def reservation_rows(
    page: ParsedPage, states: dict[str, State], resolver: NameResolver
) -> list[ReservationRow]:
    """The page's declarations and reservations as records: those in force, as "Declarations
    and Reservations" gives them, then, after each participant's, those its end notes say were
    withdrawn, with the date of withdrawal (the text the note quotes; dated as the act they
    were made upon, where the announcement names it)."""
    rows = [
        ReservationRow(r.participant, r.order, r.kind, r.heading, r.text, r.date)
        for r in page.reservations
    ]
    participants = {states[p.name]: p.name for p in page.participants}
    next_order: dict[str, int] = {}
    for row in rows:
        next_order[row.participant] = max(next_order.get(row.participant, 0), row.order + 1)
    for withdrawal in page.withdrawals:
        name = _withdrawer(withdrawal, participants, resolver)
        if name is None:
            continue
        participant = page.participant(name)
        upon = UPON_RE.search(withdrawal.announcement)
        if upon is None:
            made = None
        elif upon[1].lower() == "signature":
            made = participant.signature_date
        else:
            made = participant.consent_date
        order = next_order.get(name, 0)
        next_order[name] = order + 1
        rows.append(
            ReservationRow(
                participant=name,
                order=order,
                kind=withdrawal.kind,
                heading="",
                text=withdrawal.text,
                date=made,
                withdrawn_date=withdrawal.withdrawn,
            )
        )
    return rows


def objection_rows(
    page: ParsedPage, states: dict[str, State], resolver: NameResolver
) -> list[tuple[State, int, State | None, ParsedObjection]]:
    """The page's objections as records: one per objecting state, reserving state and date
    (DOMAIN.md), so an objection naming several reserving states is stored with each of them
    (the same text, in the order the states are named), and one naming none with none. A state
    never objects to itself: its own name in the text is not a reserving state. `order` counts
    each objecting state's records."""
    rows: list[tuple[State, int, State | None, ParsedObjection]] = []
    orders: dict[int, int] = {}
    for parsed in page.objections:
        objecting = states[parsed.objecting]
        named = resolver.mentioned_in_order(parsed.regarding)
        reserving: list[State | None] = [s for s in named if s != objecting] or [None]
        for state in reserving:
            order = orders.get(objecting.pk, 0)
            orders[objecting.pk] = order + 1
            rows.append((objecting, order, state, parsed))
    return rows


def _write_page(
    page: ParsedPage,
    treaty: Treaty,
    states: dict[str, State],
    resolver: NameResolver,
    result: ImportResult,
    prune: bool,
) -> PageResult:
    out = PageResult(page=page, treaty=treaty)
    _, outcome = upsert(
        Treaty,
        {"pk": treaty.pk},
        {"status_as_of": page.status_as_of, "status_source": page.status_source},
    )
    result.treaties.add(outcome)

    # What the database holds of the treaty, read once: most rows are unchanged.
    held_notes = {n.number: n for n in EndNote.objects.filter(treaty=treaty)}
    notes: dict[int, EndNote] = {}
    for note in page.end_notes:
        obj, outcome = upsert(
            EndNote,
            {"treaty": treaty, "number": note.number},
            {"text": note.text},
            existing=held_notes.get(note.number),
        )
        notes[note.number] = obj
        out.end_notes.add(outcome)
    stale_notes = EndNote.objects.filter(treaty=treaty).exclude(number__in=list(notes))
    out.end_notes.deleted += stale_notes.count()
    stale_notes.delete()

    linked: dict[int, set[int]] = {}
    for participation_id, note_id in Participation.end_notes.through.objects.filter(
        participation__treaty=treaty
    ).values_list("participation_id", "endnote_id"):
        linked.setdefault(participation_id, set()).add(note_id)
    held_participations = {
        p.state_id: p for p in Participation.objects.filter(treaty=treaty, revision_of__isnull=True)
    }
    participations: dict[str, Participation] = {}
    for parsed in page.participants:
        participation, outcome = upsert(
            Participation,
            {"state": states[parsed.name], "treaty": treaty},
            {
                "signature_date": parsed.signature_date,
                "consent_date": parsed.consent_date,
                "consent_type": parsed.consent_type,
                "source_url": page.source_url,
                "as_of": page.status_as_of,
                "publication_status": PublicationStatus.PUBLISHED,
            },
            existing=held_participations.get(states[parsed.name].pk),
        )
        wanted = {notes[n].pk for n in parsed.end_notes}
        if outcome == "inserted":
            participation.end_notes.set(wanted)
        elif linked.get(participation.pk, set()) != wanted:
            participation.end_notes.set(wanted)
            outcome = "updated"
        participations[parsed.name] = participation
        out.participations.add(outcome)

    absent = (
        Participation.objects.filter(treaty=treaty, revision_of__isnull=True)
        .exclude(pk__in=[p.pk for p in participations.values()])
        .select_related("state")
    )
    out.absent = [p.state.name for p in absent]
    if prune and out.absent:
        out.participations.deleted += len(out.absent)
        absent.delete()

    kept: list[int] = []
    # A new or changed text is linked to the treaty provisions it names at once, as
    # `link_reservations` (and the bulk import) would: a refresh never leaves stale links.
    provisions, slugs_by_treaty = provision_slugs()
    held_reservations = {
        (r.participation_id, r.order): r
        for r in Reservation.objects.filter(participation__in=list(participations.values()))
    }
    for row in reservation_rows(page, states, resolver):
        participation = participations[row.participant]
        reservation, outcome = upsert(
            Reservation,
            {"participation": participation, "order": row.order},
            {
                "kind": row.kind,
                "heading": row.heading,
                "text": row.text,
                "date": row.date,
                "withdrawn_date": row.withdrawn_date,
            },
            existing=held_reservations.get((participation.pk, row.order)),
        )
        kept.append(reservation.pk)
        out.reservations.add(outcome)
        if outcome != "unchanged":
            link_reservation(reservation, provisions, slugs_by_treaty)
    # Declarations the page no longer gives for the participations it lists.
    stale = Reservation.objects.filter(participation__in=list(participations.values())).exclude(
        pk__in=kept
    )
    out.reservations.deleted += stale.count()
    stale.delete()

    held_objections = {
        (o.objecting_state_id, o.order): o for o in Objection.objects.filter(treaty=treaty)
    }
    objection_pks = []
    for objecting, order, reserving, parsed in objection_rows(page, states, resolver):
        objection, outcome = upsert(
            Objection,
            {"treaty": treaty, "objecting_state": objecting, "order": order},
            {
                "reserving_state": reserving,
                "heading": parsed.heading,
                "text": parsed.text,
                "date": parsed.date,
            },
            existing=held_objections.get((objecting.pk, order)),
        )
        objection_pks.append(objection.pk)
        out.objections.add(outcome)
    stale_objections = Objection.objects.filter(treaty=treaty).exclude(pk__in=objection_pks)
    out.objections.deleted += stale_objections.count()
    stale_objections.delete()
    return out
