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
from laws.timeline import Cited, period
from treaties.models import Objection, Participation, ParticipationStatus, Reservation, State

from .compact import indicators_with_topics, rows_json, with_evidence

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
        Participation.objects.published()
        .filter(state__iso2=iso2)
        .annotate(
            reservations_json=rows_json(
                Reservation.objects.all(),
                "participation",
                id="pk",
                kind="kind",
                heading="heading",
                text="text",
                date="date",
                withdrawn_date="withdrawn_date",
                order="order",
            )
        )
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
            "indicator_id",
            "status",
            "note",
            "evidence_citation",
            "verified",
            "verification_source",
            "effective_from",
            "effective_to",
            "evidence_json",
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
        if consent and not withdrawn:
            status = ParticipationStatus.PARTY.value
        elif signed:
            status = ParticipationStatus.SIGNATORY.value
        else:
            status = ParticipationStatus.NO_ACTION.value
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

    by_indicator = {row[0]: row for row in findings}
    finding_list = []
    for indicator in indicators_with_topics():
        row = by_indicator.get(indicator.pk)
        if row is None:
            finding_list.append(_not_assessed(indicator))
            continue
        (
            _indicator_id,
            status,
            note,
            citation,
            verified,
            verification_source,
            effective_from,
            effective_to,
            evidence_json,
        ) = row
        cited_rows = sorted(
            json.loads(evidence_json) if evidence_json else [],
            key=lambda r: (r["law_title"], r["order"], r["id"]),
        )
        evidence, cited = [], []
        for r in cited_rows:
            law_url = detail_url(context, "law-detail", "pk", r["law_id"])
            evidence.append(
                {
                    "law_id": r["law_id"],
                    "law_title": str(r["law_title"]),
                    "law_citation": str(r["law_citation"]),
                    "law_url": law_url,
                    "provision_id": r["id"],
                    "provision_label": str(r["label"]),
                    "provision_heading": absent_as_null(r["heading"]),
                    "provision_url": f"{law_url}#provision-{r['id']}",
                    "source_url": absent_as_null(r["law_source_url"]),
                }
            )
            cited.append(
                Cited(
                    in_force_from=_as_date(r["in_force_from"]),
                    in_force_to=_as_date(r["in_force_to"]),
                    law_date_in_force=_as_date(r["law_date_in_force"]),
                    law_date_repealed=_as_date(r["law_date_repealed"]),
                    law_status=r["law_status"],
                )
            )
        effective_from, effective_to = _as_date(effective_from), _as_date(effective_to)
        period_from, period_to, dated = period(effective_from, effective_to, cited)
        finding_list.append(
            {
                "indicator": indicator.slug,
                "topic": indicator.topic.slug,
                "status": status,
                "note": absent_as_null(note),
                "evidence": evidence,
                "evidence_citation": absent_as_null(citation),
                "verified": bool(verified),
                "verification_source": absent_as_null(verification_source),
                "effective_from": _iso(effective_from),
                "effective_to": _iso(effective_to),
                "period_from": _iso(period_from),
                "period_to": _iso(period_to),
                "dated": bool(dated),
            }
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


def _not_assessed(indicator) -> dict:
    return {
        "indicator": indicator.slug,
        "topic": indicator.topic.slug,
        "status": NOT_ASSESSED,
        "note": None,
        "evidence": [],
        "evidence_citation": None,
        "verified": False,
        "verification_source": None,
        "effective_from": None,
        "effective_to": None,
        "period_from": None,
        "period_to": None,
        "dated": False,
    }
