"""The country detail (`/api/v1/countries/{iso2}/`) as JSON in four queries compiled once per
state and data version, the rows turned into the response directly.

The reference is the ORM path (`CountryViewSet.get_object` with `CountryDetailSerializer`):
the same four queries built by the ORM, model instances, the serializer. Building those
querysets (JSON subqueries, select_related) and instances was most of a detail's cost, for an
answer whose SQL only changes with the state and the data; here the SQL is kept per state and
data version (`hotpath.compiled.CompiledQueries`, as the countries list does) and the rows read
as plain tuples. tests/api/test_country_detail_representation.py holds the two equal, value for
value, on both engines (SQLite returns dates as text, PostgreSQL as dates: both are read here).
"""

import datetime

import orjson
from django.db import connections, router
from django.utils.dateparse import parse_date

from core.api.fields import detail_url
from core.api.serializers import absent_as_null
from hotpath.cache import versioned
from hotpath.compiled import CompiledQueries, run_kept
from laws.models import NOT_ASSESSED, Finding
from laws.scope import scope_of
from laws.sources import SourceGrade
from laws.timeline import period
from treaties.models import Jurisdiction, Objection, Participation, State, participation_status

from .compact import cited_from_row, indicators_with_topics, with_evidence, with_reservations
from .sources import constituents_by_state, sentence_of

detail_sql = CompiledQueries()


def _as_date(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    return parse_date(value)


def _iso(value) -> str | None:
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value  # already ISO (a date inside the JSON rows, or SQLite's text)
    value = _as_date(value)
    return value.isoformat() if value else None


def _queries(iso2: str):
    """The four querysets of a state's detail, each as plain values."""
    state = State.objects.filter(iso2=iso2).values_list(
        "iso2",
        "iso3",
        "m49",
        "name",
        "region__slug",
        "region__name",
        "subregion__slug",
        "subregion__name",
        "un_status",
    )
    participations = (
        with_reservations(Participation.objects.published().filter(state__iso2=iso2))
        .order_by("treaty__order", "treaty__code")
        .values_list(
            "treaty_id",
            "treaty__code",
            "signature_date",
            "consent_date",
            "consent_type",
            "withdrawal_date",
            "source_url",
            "as_of",
            "reservations_json",
        )
    )
    objections = (
        Objection.objects.filter(objecting_state__iso2=iso2)
        .order_by("treaty_id", "order", "pk")
        .values_list(
            "treaty_id",
            "reserving_state__iso2",
            "reserving_state__name",
            "heading",
            "text",
            "date",
        )
    )
    findings = (
        with_evidence(Finding.objects.published())
        .filter(state__iso2=iso2)
        .values_list(
            "pk",
            "state_id",
            "indicator_id",
            "status",
            "note",
            "evidence_citation",
            "verified",
            "verification_source",
            "effective_from",
            "effective_to",
            "evidence_json",
            "checked_json",
        )
    )
    return state, participations, objections, findings


NAMES = ("state", "participations", "objections", "findings")


def _rows(iso2: str, alias: str) -> list[list[tuple]] | None:
    """The rows of the four queries, or None when there is no such state. On PostgreSQL
    (psycopg 3) the four go in one pipeline: one round trip instead of four
    (`hotpath.compiled.run_kept`)."""
    compiled = [
        detail_sql.get((iso2, alias, name), lambda index=index: _queries(iso2)[index])
        for index, name in enumerate(NAMES)
    ]
    out = run_kept(connections[alias], compiled)
    return out if out[0] else None


def country_detail(iso2: str, context: dict) -> dict | None:
    """The detail of the state `iso2` (upper case) as CountryDetailSerializer writes it, or
    None when there is no such state."""
    alias = router.db_for_read(State)
    rows = _rows(iso2, alias)
    if rows is None:
        return None
    (state,), participations, objections, findings = rows
    iso2, iso3, m49, name, r_slug, r_name, s_slug, s_name, un_status = state

    def country_ref(code, country_name):
        if code is None:
            return None
        return {
            "iso2": code,
            "name": country_name,
            "url": detail_url(context, "country-detail", "iso2", code),
        }

    made: dict[int, list[dict]] = {}
    for treaty_id, r_iso2, r_name_, heading, text, day in objections:
        made.setdefault(treaty_id, []).append(
            {
                "reserving_state": country_ref(r_iso2, r_name_),
                "heading": absent_as_null(heading),
                "text": str(text),
                "date": _iso(day),
            }
        )
    participation_list = []
    for (
        treaty_id,
        code,
        signed,
        consent,
        consent_type,
        withdrawn,
        source_url,
        as_of,
        reservations_json,
    ) in participations:
        status = participation_status(signed, consent, withdrawn).value
        reservations = sorted(
            orjson.loads(reservations_json) if reservations_json else [],
            key=lambda r: (r["order"], r["id"]),
        )
        participation_list.append(
            {
                "treaty": code,
                "status": status,
                "signature_date": _iso(signed),
                "consent_date": _iso(consent),
                "consent_type": absent_as_null(consent_type),
                "withdrawal_date": _iso(withdrawn),
                "reservations": [
                    {
                        "kind": r["kind"],
                        "heading": absent_as_null(r["heading"]),
                        "text": str(r["text"]),
                        "date": _iso(r["date"]),
                        "withdrawn_date": _iso(r["withdrawn_date"]),
                    }
                    for r in reservations
                ],
                "objections": made.get(treaty_id, []),
                "source_url": absent_as_null(source_url),
                "as_of": _iso(as_of),
            }
        )

    by_indicator = {}
    for row in findings:
        finding = _Finding(*row)
        by_indicator[finding.indicator_id] = finding
    # The grades' names in the request's language, once (the verification sentence's words).
    grades = {value: str(label) for value, label in SourceGrade.choices}
    constituents = constituents_by_state().get(_state_pk(rows), [])
    provisions: dict[int, tuple] = {}  # provision pk -> its evidence item, read once
    finding_list = []
    for indicator in indicators_with_topics():
        finding = by_indicator.get(indicator.pk)
        if finding is None:
            finding_list.append(_not_assessed(indicator))
        else:
            finding_list.append(
                _finding(finding, indicator, context, grades, constituents, provisions)
            )
    return {
        "iso2": iso2,
        "iso3": iso3,
        "iso_numeric": m49,
        "name": name,
        "region": {"slug": r_slug, "name": r_name},
        "subregion": None if s_slug is None else {"slug": s_slug, "name": s_name},
        "un_status": un_status,
        "url": detail_url(context, "country-detail", "iso2", iso2),
        "participations": participation_list,
        "findings": finding_list,
    }


class _Finding:
    """A row of the findings query, read by `attach_evidence` and the serializer's helpers
    (`finding_scope`, `finding_sources`) as they read a Finding."""

    def __init__(self, *row):
        (
            self.pk,
            self.state_id,
            self.indicator_id,
            self.status,
            self.note,
            self.evidence_citation,
            verified,
            self.verification_source,
            effective_from,
            effective_to,
            self.evidence_json,
            self.checked_json,
        ) = row
        self.verified = bool(verified)
        self.effective_from = _as_date(effective_from)
        self.effective_to = _as_date(effective_to)


def _state_pk(rows) -> int | None:
    findings = rows[3]
    return findings[0][1] if findings else None


@versioned
def jurisdictions_by_pk() -> dict[int, Jurisdiction]:
    """Every jurisdiction (few), once per process and data version: the laws' scopes."""
    return {j.pk: j for j in Jurisdiction.objects.all()}


def _source(row: dict, prefix: str = "") -> dict | None:
    """A source of the evidence's JSON as `sources.source_dict` writes it."""
    url = row.get(prefix + "url")
    if url is None:
        return None
    return {
        "url": url,
        "grade": row[prefix + "grade"],
        "publisher": row[prefix + "publisher"],
        "read_on": _iso(row[prefix + "read_on"]),
    }


def _provision(row: dict, context: dict) -> tuple:
    """One row of a finding's evidence JSON: the evidence item as `EvidenceSerializer` writes it,
    what the period rules read of it, the jurisdiction its law binds, its source."""
    law_url = detail_url(context, "law-detail", "pk", row["law_id"])
    jurisdiction_id = row["law_jurisdiction_id"]
    source = _source(row, "source_")
    item = {
        "law_id": row["law_id"],
        "law_title": str(row["law_title"]),
        "law_citation": str(row["law_citation"]),
        "law_url": law_url,
        "provision_id": row["id"],
        "provision_label": str(row["label"]),
        "provision_heading": absent_as_null(row["heading"]),
        "provision_url": f"{law_url}#provision-{row['id']}",
        "source_url": absent_as_null(row["law_source_url"]),
        "jurisdiction": None
        if jurisdiction_id is None
        else {"code": row["law_jurisdiction_code"], "name": row["law_jurisdiction_name"]},
        "source": source,
    }
    jurisdiction = None if jurisdiction_id is None else jurisdictions_by_pk()[jurisdiction_id]
    return item, cited_from_row(row), jurisdiction, source


def _finding(
    finding: _Finding,
    indicator,
    context: dict,
    grades: dict,
    constituents: list,
    provisions: dict,
) -> dict:
    """As `CountryFindingSerializer` writes a finding, from the rows of its evidence and pages
    checked (JSON) as plain values: what `compact.attach_evidence` turns into model instances for
    the ORM path, with the same order, scope, sources, sentence and period."""
    rows = sorted(
        orjson.loads(finding.evidence_json) if finding.evidence_json else [],
        key=lambda r: (r["law_title"], r["order"], r["id"]),
    )
    evidence, cited, bound, candidates = [], [], [], []
    for row in rows:
        # A provision cited by several findings is read once per request.
        known = provisions.get(row["id"])
        if known is None:
            known = provisions[row["id"]] = _provision(row, context)
        item, cite, jurisdiction, source = known
        evidence.append(item)
        cited.append(cite)
        bound.append(jurisdiction)
        candidates.append(source)
    checked = orjson.loads(finding.checked_json) if finding.checked_json else []
    candidates += [_source(row) for row in sorted(checked, key=lambda r: r["url"])]
    # The distinct sources, evidence first, then the pages checked (as sources.finding_sources).
    distinct: dict[str, dict] = {}
    for source in candidates:
        if source is not None:
            distinct.setdefault(source["url"], source)
    sources = list(distinct.values())
    period_from, period_to, dated, known_from = period(
        finding.effective_from, finding.effective_to, cited, finding.status
    )
    return {
        "indicator": indicator.slug,
        "topic": indicator.topic.slug,
        "status": finding.status,
        "note": absent_as_null(finding.note),
        "evidence": evidence,
        "evidence_citation": absent_as_null(finding.evidence_citation),
        "scope": scope_of(bound, constituents).as_dict(),
        "sources": sources,
        "verified": bool(sources) or finding.verified,
        "verification_source": absent_as_null(
            sentence_of(
                (s["publisher"], grades.get(s["grade"], s["grade"]), s["url"], s["read_on"])
                for s in sources
            )
            if sources
            else finding.verification_source
        ),
        "effective_from": _iso(finding.effective_from),
        "effective_to": _iso(finding.effective_to),
        "period_from": _iso(period_from),
        "period_to": _iso(period_to),
        "dated": bool(dated),
        "known_from": _iso(known_from),
    }


def _not_assessed(indicator) -> dict:
    return {
        "indicator": indicator.slug,
        "topic": indicator.topic.slug,
        "status": NOT_ASSESSED,
        "note": None,
        "evidence": [],
        "evidence_citation": None,
        "scope": None,
        "sources": [],
        "verified": False,
        "verification_source": None,
        "effective_from": None,
        "effective_to": None,
        "period_from": None,
        "period_to": None,
        "dated": False,
        "known_from": None,
    }
