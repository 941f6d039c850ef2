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
import json

from django.db import connections, router
from django.utils.dateparse import parse_date

from core.api.fields import detail_url
from core.api.serializers import absent_as_null
from hotpath.compiled import CompiledQueries
from laws.models import NOT_ASSESSED, Finding
from treaties.models import Objection, Participation, State, participation_status

from .compact import (
    attach_evidence,
    indicators_with_topics,
    with_evidence,
    with_reservations,
)
from .sources import finding_scope, finding_sources, source_dict, verification_sentence

detail_sql = CompiledQueries()


def _as_date(value) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    return parse_date(value)


def _iso(value) -> str | None:
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
    out = []
    with connections[alias].cursor() as cursor:
        for index, name in enumerate(NAMES):
            compiled = detail_sql.get(
                (iso2, alias, name), lambda index=index: _queries(iso2)[index]
            )
            if compiled is None:
                out.append([])
                continue
            cursor.execute(*compiled)
            out.append(cursor.fetchall())
            if index == 0 and not out[0]:
                return None  # no such state
    return out


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
            json.loads(reservations_json) if reservations_json else [],
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
    attach_evidence(by_indicator.values())  # evidence, sources checked, period: as the ORM path
    finding_list = []
    for indicator in indicators_with_topics():
        finding = by_indicator.get(indicator.pk)
        if finding is None:
            finding_list.append(_not_assessed(indicator))
        else:
            finding_list.append(_finding(finding, indicator, context))
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


def _finding(finding: _Finding, indicator, context: dict) -> dict:
    """As `CountryFindingSerializer` writes a finding."""
    evidence = []
    for provision in finding.published_evidence:
        law = provision.law
        law_url = detail_url(context, "law-detail", "pk", law.pk)
        jurisdiction = law.jurisdiction
        evidence.append(
            {
                "law_id": law.pk,
                "law_title": str(law.title),
                "law_citation": str(law.citation),
                "law_url": law_url,
                "provision_id": provision.pk,
                "provision_label": str(provision.label),
                "provision_heading": absent_as_null(provision.heading),
                "provision_url": f"{law_url}#provision-{provision.pk}",
                "source_url": absent_as_null(law.source_url),
                "jurisdiction": None
                if jurisdiction is None
                else {"code": jurisdiction.code, "name": jurisdiction.name},
                "source": source_dict(provision.source),
            }
        )
    sources = finding_sources(finding)
    return {
        "indicator": indicator.slug,
        "topic": indicator.topic.slug,
        "status": finding.status,
        "note": absent_as_null(finding.note),
        "evidence": evidence,
        "evidence_citation": absent_as_null(finding.evidence_citation),
        "scope": finding_scope(finding),
        "sources": [source_dict(source) for source in sources],
        "verified": bool(sources) or finding.verified,
        "verification_source": absent_as_null(
            verification_sentence(sources) if sources else finding.verification_source
        ),
        "effective_from": _iso(finding.effective_from),
        "effective_to": _iso(finding.effective_to),
        "period_from": _iso(finding.period_from),
        "period_to": _iso(finding.period_to),
        "dated": bool(finding.dated),
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
    }
