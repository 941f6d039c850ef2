"""The downloads page and the full dataset: a zip of CSVs with a README of columns, sources and
the as-of date. Published records only."""

import datetime

from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

from laws.models import Finding, Indicator, IndicatorBasis, Law, LawProvision
from treaties.models import Objection, Participation, Reservation, Treaty

from . import data
from .exports import csv_bytes, zip_response

README = """# CRIN Legal Database: full dataset

Generated {generated} (UTC). Treaty participation as of {status_as_of}; findings last updated
{findings_as_of}. Only published records are included.

Rule: a state with no row in findings.csv for an indicator has NOT BEEN ASSESSED for it. That is
not a "no" (absence of evidence is not evidence of absence).

## Files and columns
- countries.csv: iso2, iso3, m49, name, region, subregion, un_status (member|observer|other).
- treaties.csv: code, short_title, title, untc_reference, adopted, entry_into_force,
  official_text, official_text_url, untc_url, status_as_of.
- participations.csv: one row per state and treaty acted on: treaty, iso2, country, status
  (party|signatory), signature_date, consent_date, consent_type (ratification|accession|
  succession|acceptance|approval), withdrawal_date, source_url, as_of.
- reservations.csv: declarations and reservations as deposited: treaty, iso2, kind, heading,
  date, withdrawn_date, text.
- objections.csv: treaty, objecting_iso2, reserving_iso2, date, heading, text.
- indicators.csv: topic, slug, name, question, treaty_bases (provision slug:kind, `;`-separated).
- laws.csv: id, iso2, title, title_original, language, kind, citation, year_enacted,
  date_adopted, date_in_force, date_repealed, status, source_url, verified, verification_source.
- provisions.csv: id, law_id, iso2, law_citation, label, heading, summary (our paraphrase, not
  statute text), in_force_from, in_force_to, max_penalty_years, indicators (`;`-separated),
  verified, verification_source.
- findings.csv: iso2, indicator, status (yes|partial|no), evidence_citation, evidence_provision_ids
  (`;`-separated ids of provisions.csv), note, effective_from, effective_to, verified,
  verification_source, reviewed_at, updated_at.

## Sources
- States: ISO 3166-1 codes and UN M49 regions (pycountry, country_converter).
- Treaties and participation: the United Nations Treaty Collection status pages of the CRC and its
  Optional Protocols (OPAC, OPSC, OPIC), Chapter IV of Multilateral Treaties Deposited with the
  Secretary-General; each row's source_url names its page.
- National law and findings: compiled by the database's editors from official legislation sites
  and, where stated in verification_source, secondary sources.
"""


def downloads(request):
    return render(
        request,
        "public/downloads.html",
        {"treaties": list(Treaty.objects.all()), "indicators": list(data.indicators())},
    )


def _date(value):
    return value.isoformat() if value else ""


def dataset(request):
    states = list(data.states().order_by("iso2"))
    treaties = list(Treaty.objects.all())
    files: dict[str, bytes] = {}
    files["countries.csv"] = csv_bytes(
        ["iso2", "iso3", "m49", "name", "region", "subregion", "un_status"],
        (
            [s.iso2, s.iso3, s.m49, s.name, s.region.name, s.subregion.name, s.un_status]
            for s in states
        ),
    )
    files["treaties.csv"] = csv_bytes(
        [
            "code",
            "short_title",
            "title",
            "untc_reference",
            "adopted",
            "entry_into_force",
            "official_text",
            "official_text_url",
            "untc_url",
            "status_as_of",
        ],
        (
            [
                t.code,
                t.short_title,
                t.title,
                t.untc_reference,
                t.adopted,
                t.entry_into_force,
                t.official_text,
                t.official_text_url,
                t.untc_url,
                t.status_as_of,
            ]
            for t in treaties
        ),
    )
    participations = list(
        Participation.objects.published()
        .select_related("state", "treaty")
        .order_by("treaty__order", "state__iso2")
    )
    files["participations.csv"] = csv_bytes(
        [
            "treaty",
            "iso2",
            "country",
            "status",
            "signature_date",
            "consent_date",
            "consent_type",
            "withdrawal_date",
            "source_url",
            "as_of",
        ],
        (
            [
                p.treaty.code,
                p.state.iso2,
                p.state.name,
                p.status(),
                p.signature_date,
                p.consent_date,
                p.consent_type,
                p.withdrawal_date,
                p.source_url,
                p.as_of,
            ]
            for p in participations
        ),
    )
    files["reservations.csv"] = csv_bytes(
        ["treaty", "iso2", "kind", "heading", "date", "withdrawn_date", "text"],
        (
            [
                r.participation.treaty.code,
                r.participation.state.iso2,
                r.kind,
                r.heading,
                r.date,
                r.withdrawn_date,
                r.text,
            ]
            for r in Reservation.objects.filter(participation__publication_status="published")
            .select_related("participation__treaty", "participation__state")
            .order_by("participation__treaty__order", "participation__state__iso2", "order")
        ),
    )
    files["objections.csv"] = csv_bytes(
        ["treaty", "objecting_iso2", "reserving_iso2", "date", "heading", "text"],
        (
            [
                o.treaty.code,
                o.objecting_state.iso2,
                o.reserving_state.iso2 if o.reserving_state else "",
                o.date,
                o.heading,
                o.text,
            ]
            for o in Objection.objects.select_related(
                "treaty", "objecting_state", "reserving_state"
            )
        ),
    )
    bases = {}
    for b in IndicatorBasis.objects.select_related("provision"):
        bases.setdefault(b.indicator_id, []).append(f"{b.provision.slug}:{b.kind}")
    files["indicators.csv"] = csv_bytes(
        ["topic", "slug", "name", "question", "treaty_bases"],
        (
            [i.topic.slug, i.slug, i.name, i.question, ";".join(bases.get(i.pk, []))]
            for i in Indicator.objects.select_related("topic")
        ),
    )
    laws = list(Law.objects.published().select_related("state").order_by("state__iso2", "pk"))
    files["laws.csv"] = csv_bytes(
        [
            "id",
            "iso2",
            "title",
            "title_original",
            "language",
            "kind",
            "citation",
            "year_enacted",
            "date_adopted",
            "date_in_force",
            "date_repealed",
            "status",
            "source_url",
            "verified",
            "verification_source",
        ],
        (
            [
                law.pk,
                law.state.iso2,
                law.title,
                law.title_original,
                law.language,
                law.kind,
                law.citation,
                law.year_enacted,
                law.date_adopted,
                law.date_in_force,
                law.date_repealed,
                law.status,
                law.source_url,
                law.verified,
                law.verification_source,
            ]
            for law in laws
        ),
    )
    provisions = (
        LawProvision.objects.filter(law__publication_status="published")
        .select_related("law__state")
        .prefetch_related("indicators")
        .order_by("law_id", "order")
    )
    files["provisions.csv"] = csv_bytes(
        [
            "id",
            "law_id",
            "iso2",
            "law_citation",
            "label",
            "heading",
            "summary",
            "in_force_from",
            "in_force_to",
            "max_penalty_years",
            "indicators",
            "verified",
            "verification_source",
        ],
        (
            [
                p.pk,
                p.law_id,
                p.law.state.iso2,
                p.law.citation,
                p.label,
                p.heading,
                p.summary,
                p.in_force_from,
                p.in_force_to,
                p.max_penalty_years,
                ";".join(i.slug for i in p.indicators.all()),
                p.verified,
                p.verification_source,
            ]
            for p in provisions
        ),
    )
    findings = list(
        Finding.objects.published()
        .select_related("state", "indicator")
        .prefetch_related("evidence")
        .order_by("state__iso2", "indicator__order")
    )
    files["findings.csv"] = csv_bytes(
        [
            "iso2",
            "indicator",
            "status",
            "evidence_citation",
            "evidence_provision_ids",
            "note",
            "effective_from",
            "effective_to",
            "verified",
            "verification_source",
            "reviewed_at",
            "updated_at",
        ],
        (
            [
                f.state.iso2,
                f.indicator.slug,
                f.status,
                f.evidence_citation,
                ";".join(str(p.pk) for p in f.evidence.all()),
                f.note,
                f.effective_from,
                f.effective_to,
                f.verified,
                f.verification_source,
                _date(f.reviewed_at),
                _date(f.updated_at),
            ]
            for f in findings
        ),
    )
    status_as_of = max((t.status_as_of for t in treaties if t.status_as_of), default=None)
    findings_as_of = Finding.objects.published().aggregate(m=Max("updated_at"))["m"]
    files["README.md"] = README.format(
        generated=timezone.now().strftime("%Y-%m-%d %H:%M"),
        status_as_of=_date(status_as_of) or "unknown",
        findings_as_of=_date(findings_as_of.date() if findings_as_of else None) or "never",
    ).encode("utf-8")
    stamp = datetime.date.today().isoformat()
    return zip_response(f"crin-legal-dataset-{stamp}.zip", files)
