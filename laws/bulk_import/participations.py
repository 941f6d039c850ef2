"""Planning uploads of treaty participation and of declarations and reservations: their rows
read and checked here (the national kinds share `import_laws`'s readers instead)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext

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

from ..importers.starter_set import (
    _Reader,
    quoted,
)
from .plan import REJECTED, RowPlan, _Prepared, _publication, _row_plan, _unreviewed, show


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
        code = reader.treaty(line, row, treaties)
        signature = reader.date(line, row, "signature_date")
        consent = reader.date(line, row, "consent_date")
        withdrawal = reader.date(line, row, "withdrawal_date")
        consent_type = row["consent_type"]
        if consent_type:
            reader.choice(line, row, "consent_type", ConsentType.values)
        if consent and not consent_type:
            reader.error(line, gettext("'consent_type' is empty but there is a 'consent_date'."))
        if consent_type and not row["consent_date"]:
            reader.error(line, gettext("'consent_type' is given without a 'consent_date'."))
        if not row["signature_date"] and not row["consent_date"]:
            reader.error(
                line, gettext("neither 'signature_date' nor 'consent_date': no treaty action.")
            )
        if signature and consent and consent < signature:
            reader.error(
                line,
                gettext("consent (%(consent)s) before signature (%(signature)s).")
                % {"consent": consent, "signature": signature},
            )
        if withdrawal and not consent:
            reader.error(line, gettext("'withdrawal_date' without a 'consent_date'."))
        if withdrawal and consent and withdrawal < consent:
            reader.error(
                line,
                gettext("withdrawal (%(withdrawal)s) before consent (%(consent)s).")
                % {"withdrawal": withdrawal, "consent": consent},
            )
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
        key = (iso2, code)
        if key in seen:
            reader.error(
                line,
                gettext("duplicate participation %(state)s %(code)s (first on line %(first)s).")
                % {"state": iso2, "code": quoted(code), "first": seen[key]},
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
        code = reader.treaty(line, row, treaties)
        if code in treaties and iso2 in states and (iso2, code) not in participations:
            reader.error(
                line,
                gettext(
                    "no participation of %(state)s in %(code)s in the database (import it first, "
                    "as a treaty participation file)."
                )
                % {"state": iso2, "code": code},
            )
        order = -1
        if not row["order"].isdigit() or int(row["order"]) > MAX_ORDER:
            reader.error(
                line,
                gettext(
                    "'%(column)s' is %(value)s, not a whole number from 0 (the declaration's "
                    "position among the state's declarations for the treaty)."
                )
                % {"column": "order", "value": quoted(row["order"])},
            )
        else:
            order = int(row["order"])
        if row["kind"]:
            reader.choice(line, row, "kind", ReservationKind.values)
        else:
            reader.error(
                line,
                gettext("'%(column)s' is empty; expected one of %(choices)s.")
                % {"column": "kind", "choices": ", ".join(ReservationKind.values)},
            )
        heading = reader.text(line, row, "heading", max_length=heading_length)
        text = clean_text(reader.required(line, row, "text"))
        if row["text"] and not text:
            reader.error(line, gettext("'%(column)s' is empty.") % {"column": "text"})
        day = reader.date(line, row, "date")
        withdrawn = reader.date(line, row, "withdrawn_date")
        if day and withdrawn and withdrawn < day:
            reader.error(
                line,
                gettext("withdrawn (%(withdrawn)s) before it was made (%(day)s).")
                % {"withdrawn": withdrawn, "day": day},
            )
        key = (iso2, code, order)
        if order >= 0 and key in seen:
            reader.error(
                line,
                gettext(
                    "duplicate declaration %(state)s %(code)s order %(order)s (first on line "
                    "%(first)s)."
                )
                % {"state": iso2, "code": quoted(code), "order": order, "first": seen[key]},
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
