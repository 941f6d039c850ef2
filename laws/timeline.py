"""Answers in time: which findings hold as of a date, yearly series, and treaty gaps.

**When a finding holds.** Its effective period is, field by field:
- `effective_from` if an editor set it; else, when *every* provision it cites (of a published
  law) has a known start — the provision's own `in_force_from`, the day *its* wording took
  effect — the earliest of those starts (the conduct was covered from the first cited provision
  on); else unknown. A law's `date_in_force` never stands in for a provision's: an amendment may
  have added the provision later (Japan's 1999 Act gained simple possession in 2014), and a new
  law may re-enact an offence an older law already punished (the UAE's Decree-Law 34/2021 after
  Decree-Law 5/2012), where the law's date would make the finding "not yet" before it.
- `effective_to` if an editor set it; else, when *every* cited provision has a known end — the
  provision's `in_force_to`, else its law's `date_repealed` — the latest of them; else open.
- Both ends are inclusive.

**Jurisdictions.** A `yes` whose evidence is the law of the state's parts (England and Wales,
Scotland, Northern Ireland) holds for the whole state only once *every* part is covered: its
start is the latest of the parts' earliest starts (or the earliest start of a law binding the
whole state, if one is cited and is earlier). A `partial` holds from the first part covered.

**Since at least.** A provision's `in_force_from` is the day its quoted wording took effect. Where
that wording replaced an earlier wording or law that may have punished the same conduct and was
not read (`earlier_wording_unread`), the finding's start is not known, but a lower bound is: the
same rule's date over the wordings read is its `known_from`. It holds from then on ("since at
least"); before it, it is undated. For every other finding `known_from` is `period_from`.

A finding with an unknown start is **undated**: we know it holds now, not since when. No date is
ever guessed (not from `year_enacted` either). `as_of` answers count only findings known to
hold at the date (dated, or known since at least a day on or before it); the others are
reported apart (`undated` in the timeline and in the gaps) rather than counted as holding or as
not holding. A state without a finding holding at
the date is `not_assessed` at that date, never `no`.

**Parties.** A state is a party as of a date when it deposited its consent to be bound (the UNTC
date) on or before it and had not withdrawn by then (`ParticipationQuerySet.parties`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    DateField,
    ExpressionWrapper,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce

from core.publication import PublicationStatus

from .models import Finding, FindingStatus, Indicator

PUBLISHED = PublicationStatus.PUBLISHED


def with_period(findings: QuerySet) -> QuerySet:
    """Annotate `period_from`, `period_to` (None: unknown start / open end), `dated` and
    `known_from` (since when it is known to hold; None: not known).

    The derived ends come from the view `laws_findingperiod` (`FindingPeriod`, migration 0013),
    which states the rules above in SQL over every cited provision at once; an editor's
    `effective_from`/`effective_to` take precedence."""
    return findings.annotate(
        period_from=Coalesce(
            "effective_from", "derived_period__derived_from", output_field=DateField()
        ),
        period_to=Coalesce("effective_to", "derived_period__derived_to", output_field=DateField()),
        dated=ExpressionWrapper(Q(period_from__isnull=False), output_field=BooleanField()),
        known_from=Coalesce(
            "effective_from", "derived_period__known_from", output_field=DateField()
        ),
    )


@dataclass(frozen=True)
class Cited:
    """What the period rules read of one cited provision (of a published law)."""

    in_force_from: datetime.date | None
    in_force_to: datetime.date | None
    law_date_repealed: datetime.date | None
    # The jurisdiction the cited provision's law binds (None: the whole state).
    jurisdiction_id: int | None = None
    # Its wording replaced an earlier one, not read: its start is a lower bound ("since at least").
    earlier_wording_unread: bool = False


class Period(NamedTuple):
    period_from: datetime.date | None
    period_to: datetime.date | None
    dated: bool
    known_from: datetime.date | None


def period(
    effective_from: datetime.date | None,
    effective_to: datetime.date | None,
    cited: list[Cited],
    status: str | None = None,
) -> Period:
    """(period_from, period_to, dated, known_from) by the rules above, in Python: `with_period`'s
    answer for a finding whose cited provisions are already at hand (the country detail reads them
    with the evidence). tests/time/test_findings_in_time.py holds the two to the same answers."""
    starts = [c.in_force_from for c in cited]
    ends = [c.in_force_to or c.law_date_repealed for c in cited]
    derived_from = min(starts) if cited and None not in starts else None
    parts: dict[int, datetime.date] = {}
    for c, start in zip(cited, starts, strict=True):
        if c.jurisdiction_id is not None and start is not None:
            parts[c.jurisdiction_id] = min(start, parts.get(c.jurisdiction_id, start))
    if derived_from is not None and status == FindingStatus.YES and parts:
        # Covered as a whole once the last part is (or earlier, by a law for the whole state).
        whole = [s for c, s in zip(cited, starts, strict=True) if c.jurisdiction_id is None]
        derived_from = max(parts.values())
        if whole and min(whole) < derived_from:
            derived_from = min(whole)
    derived_to = max(ends) if cited and None not in ends else None
    known_from = effective_from or derived_from
    if any(c.earlier_wording_unread for c in cited):
        derived_from = None  # started before an earlier wording that was not read: unknown
    period_from = effective_from or derived_from
    period_to = effective_to or derived_to
    return Period(period_from, period_to, period_from is not None, known_from)


def holding(
    findings: QuerySet, as_of: datetime.date | None, *, undated_hold: bool = False
) -> QuerySet:
    """The findings that hold at `as_of` (known to hold from a day on or before it, and their
    period covers it); all of them when `as_of` is None (the answer today). With `undated_hold`,
    an undated finding counts as holding too: the answer the undated findings *might* change,
    from which an `as_of` answer reports what it left out (`undated`)."""
    if as_of is None:
        return findings
    if "period_from" not in findings.query.annotations:
        findings = with_period(findings)
    started = Q(known_from__lte=as_of)
    if undated_hold:
        started |= Q(period_from__isnull=True)
    return findings.filter(started).filter(Q(period_to__isnull=True) | Q(period_to__gte=as_of))


def published_findings() -> QuerySet:
    return Finding.objects.filter(publication_status=PUBLISHED)


def year_ends(first: int, last_day: datetime.date) -> list[datetime.date]:
    """31 December of every year from `first`, the last point being `last_day` itself."""
    days = [datetime.date(year, 12, 31) for year in range(first, last_day.year)]
    return [*days, last_day]


@dataclass
class Point:
    year: int
    date: datetime.date
    counts: dict


def treaty_timeline(participations: list, as_of: datetime.date) -> list[Point]:
    """Parties and signatories at the end of every year from the first action to `as_of` (the
    date of the depositary data); `participations` are published Participation rows."""
    actions = [d for p in participations for d in (p.signature_date, p.consent_date) if d]
    if not actions:
        return []
    points = []
    for day in year_ends(min(actions).year, as_of):
        parties = signatories = 0
        for p in participations:
            status = p.status(day)
            parties += status == "party"
            signatories += status == "signatory"
        points.append(Point(day.year, day, {"parties": parties, "signatories": signatories}))
    return points


def indicator_timeline(indicator: Indicator, today: datetime.date) -> tuple[list[Point], dict]:
    """States with a `yes` and a `partial` finding known to hold at the end of every year, from
    the first known start to `today`, with each point's `undated`: the `yes` and `partial`
    findings left out of it because since when they hold is not known by then; and the findings
    with no known start at all, by status (they hold now, since an unknown date, so they are in
    no year's count)."""
    rows = list(
        with_period(published_findings().filter(indicator=indicator)).values_list(
            "status", "known_from", "period_from", "period_to"
        )
    )
    undated: dict[str, int] = defaultdict(int)
    known = []
    for status, known_from, start, end in rows:
        if known_from is None:
            undated[status] += 1
        else:
            known.append((status, known_from, start, end))
    undated_counts = {s: undated.get(s, 0) for s in FindingStatus.values}
    if not known:
        return [], undated_counts
    counted = (FindingStatus.YES.value, FindingStatus.PARTIAL.value)
    never = sum(undated_counts[s] for s in counted)
    points = []
    for day in year_ends(min(known_from for _, known_from, _, _ in known).year, today):
        counts = {FindingStatus.YES.value: 0, FindingStatus.PARTIAL.value: 0, "undated": never}
        for status, known_from, start, end in known:
            if status not in counted:
                continue
            if known_from <= day and (end is None or end >= day):
                counts[status] += 1
            elif start is None and known_from > day:
                counts["undated"] += 1  # known since a later day only: unknown on this one
        points.append(Point(day.year, day, counts))
    return points, undated_counts
