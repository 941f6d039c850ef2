"""The published data as tables, defined once: the dataset zip of the site
(`/downloads/dataset.zip`) and the versioned release (`manage.py make_release`, laws/release.py)
are both written from `TABLES` by `dataset_files` (issue 15.3).

Every table is a CSV (cells through `core.tabular`: never read as a formula) and a JSON file,
described column by column in the README. Only published records go in: drafts, records in
review and withdrawn ones never do, nor evidence resting on an unpublished law.
"""

from __future__ import annotations

import datetime
import decimal
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch

from core import tabular
from treaties.models import Objection, Participation, Reservation, State, Treaty

from .columns import LAW_FIELD_NAMES, LAW_FIELDS
from .models import Finding, Indicator, Law, LawProvision, Source
from .timeline import with_period


@dataclass
class Column:
    name: str
    description: str


@dataclass
class TableSpec:
    name: str
    description: str
    columns: list[Column]
    rows: Callable[..., list[dict]]  # rows(cache=...) for the tables built on the findings


def _c(name: str, description: str) -> Column:
    return Column(name, description)


# --- the tables (published records only) ---------------------------------------------------------


def _published_laws():
    return Law.objects.published().select_related("state").order_by("state__iso2", "citation", "pk")


def _countries() -> list[dict]:
    return [
        {
            "iso2": s.iso2,
            "iso3": s.iso3,
            "m49": s.m49,
            "name": s.name,
            "official_name": s.official_name,
            "untc_name": s.untc_name,
            "region": s.region.slug,
            "region_name": s.region.name,
            "subregion": s.subregion.slug,
            "subregion_name": s.subregion.name,
            "un_status": s.un_status,
            "source": s.source,
            "as_of": s.as_of,
        }
        for s in State.objects.select_related("region", "subregion").order_by("iso2")
    ]


def _participations() -> list[dict]:
    rows = []
    queryset = (
        Participation.objects.published()
        .select_related("state", "treaty")
        .prefetch_related("end_notes")
        .order_by("treaty__order", "treaty__code", "state__iso2")
    )
    for p in queryset:
        rows.append(
            {
                "country_iso2": p.state.iso2,
                "treaty": p.treaty.code,
                "status": p.status(),
                "signature_date": p.signature_date,
                "consent_date": p.consent_date,
                "consent_type": p.consent_type,
                "withdrawal_date": p.withdrawal_date,
                "end_notes": ";".join(str(n.number) for n in sorted(p.end_notes.all(), key=_num)),
                "source_url": p.source_url,
                "as_of": p.as_of,
            }
        )
    return rows


def _num(note) -> int:
    return note.number


def _reservations() -> list[dict]:
    queryset = (
        Reservation.objects.filter(participation__in=Participation.objects.published())
        .select_related("participation__state", "participation__treaty")
        .order_by("participation__treaty__code", "participation__state__iso2", "order")
    )
    return [
        {
            "country_iso2": r.participation.state.iso2,
            "treaty": r.participation.treaty.code,
            "order": r.order,
            "kind": r.kind,
            "heading": r.heading,
            "date": r.date,
            "withdrawn_date": r.withdrawn_date,
            "text": r.text,
        }
        for r in queryset
    ]


def _laws() -> list[dict]:
    return [
        {
            "id": law.pk,
            "country_iso2": law.state.iso2,
            **{name: getattr(law, name) for name in LAW_FIELD_NAMES},
        }
        for law in _published_laws()
    ]


PROVISION_SOURCES = ("source", "text_en_source", "in_force_from_source", "in_force_to_source")
SOURCE_PARTS = (
    ("url", "the page read"),
    ("grade", "official, authoritative or secondary (DOMAIN.md, 'Sources')"),
    ("publisher", "who publishes it"),
    ("read_on", "the date it was read"),
)


def _source(prefix: str, source) -> dict:
    """A source as `<prefix>_url`, `_grade`, `_publisher`, `_read_on` (empty when none)."""
    return {f"{prefix}_{part}": getattr(source, part, None) for part, _meaning in SOURCE_PARTS}


def _source_columns(prefix: str, what: str) -> list[Column]:
    return [_c(f"{prefix}_{part}", f"{what}: {meaning}") for part, meaning in SOURCE_PARTS]


def _provisions() -> list[dict]:
    queryset = (
        LawProvision.objects.filter(law__in=Law.objects.published())
        .select_related("law__state", *PROVISION_SOURCES)
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("slug")))
        .order_by("law__state__iso2", "law__citation", "order", "label", "pk")
    )
    return [
        {
            "id": p.pk,
            "law_id": p.law_id,
            "country_iso2": p.law.state.iso2,
            "law_citation": p.law.citation,
            "label": p.label,
            "heading": p.heading,
            "summary": p.summary,
            "text": p.text,
            "text_language": p.text_language,
            "text_version": p.text_version,
            **_source("source", p.source),
            "text_en": p.text_en,
            **_source("text_en_source", p.text_en_source),
            "order": p.order,
            "in_force_from": p.in_force_from,
            **_source("in_force_from_source", p.in_force_from_source),
            "in_force_from_quote": p.in_force_from_quote,
            "earlier_wording_unread": p.earlier_wording_unread,
            "in_force_to": p.in_force_to,
            **_source("in_force_to_source", p.in_force_to_source),
            "in_force_to_quote": p.in_force_to_quote,
            "max_penalty_years": p.max_penalty_years,
            "indicators": ";".join(i.slug for i in p.indicators.all()),
            "verified": p.verified,
            "verification_source": p.verification_source,
        }
        for p in queryset
    ]


def _indicators() -> list[dict]:
    queryset = (
        Indicator.objects.select_related("topic")
        .prefetch_related("bases__provision")
        .order_by("topic__order", "topic__slug", "order", "slug")
    )
    return [
        {
            "topic": i.topic.slug,
            "slug": i.slug,
            "name": i.name,
            "question": i.question,
            "description": i.description,
            "treaty_basis": ";".join(sorted(f"{b.provision.slug}:{b.kind}" for b in i.bases.all())),
        }
        for i in queryset
    ]


def _published_findings(cache: dict | None) -> list:
    """The published findings with their public evidence (and its sources), the pages checked
    and their period, read once per export (`cache`) for the three tables built on them."""
    if cache is not None and "findings" in cache:
        return cache["findings"]
    public_evidence = LawProvision.objects.filter(law__in=Law.objects.published())
    queryset = (
        with_period(Finding.objects.published())
        .select_related("state", "indicator", "jurisdiction")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=public_evidence.select_related(
                    "law", "source", "in_force_from_source", "in_force_to_source"
                ).order_by("law__citation", "label"),
            ),
            Prefetch("checked_sources", queryset=Source.objects.order_by("url")),
        )
        .order_by("state__iso2", "indicator__slug", "jurisdiction__code")
    )
    findings = list(queryset)
    if cache is not None:
        cache["findings"] = findings
    return findings


def _finding_key(f) -> dict:
    return {
        "country_iso2": f.state.iso2,
        "jurisdiction": f.jurisdiction.code if f.jurisdiction else None,
        "indicator": f.indicator.slug,
    }


def _findings(cache: dict | None = None) -> list[dict]:
    rows = []
    for f in _published_findings(cache):
        evidence = list(f.evidence.all())
        rows.append(
            {
                **_finding_key(f),
                "status": f.status,
                "evidence_citation": f.evidence_citation,
                "evidence_provision_ids": ";".join(str(p.pk) for p in evidence),
                "evidence_provisions": " | ".join(
                    f"{p.law.citation} :: {p.label}" for p in evidence
                ),
                "note": f.note,
                "effective_from": f.effective_from,
                "effective_to": f.effective_to,
                "period_from": f.period_from,
                "period_to": f.period_to,
                "dated": f.dated,
                "known_from": f.known_from,
                "verified": f.verified,
                "verification_source": f.verification_source,
                "reviewed_at": f.reviewed_at.date() if f.reviewed_at else None,
            }
        )
    return rows


def _evidence(cache: dict | None = None) -> list[dict]:
    return [
        {
            **_finding_key(f),
            "status": f.status,
            "provision_id": p.pk,
            "law_id": p.law_id,
            "law_title": p.law.title,
            "law_citation": p.law.citation,
            "law_source_url": p.law.source_url,
            "provision_label": p.label,
            "provision_heading": p.heading,
            **_source("source", p.source),
            "in_force_from": p.in_force_from,
            **_source("in_force_from_source", p.in_force_from_source),
            "earlier_wording_unread": p.earlier_wording_unread,
            "in_force_to": p.in_force_to,
            **_source("in_force_to_source", p.in_force_to_source),
        }
        for f in _published_findings(cache)
        for p in f.evidence.all()
    ]


def _finding_sources(cache: dict | None = None) -> list[dict]:
    """What the API gives as a finding's `sources`: its evidence's texts, then the pages
    checked, each page once."""
    rows = []
    for f in _published_findings(cache):
        seen = set()
        cited = [("text", p.source) for p in f.evidence.all() if p.source is not None]
        checked = [("checked", s) for s in f.checked_sources.all()]
        for role, source in cited + checked:
            if source.url in seen:
                continue
            seen.add(source.url)
            rows.append({**_finding_key(f), "role": role, **_source("source", source)})
    return rows


def _treaties() -> list[dict]:
    return [
        {
            "code": t.code,
            "short_title": t.short_title,
            "title": t.title,
            "untc_reference": t.untc_reference,
            "adopted": t.adopted,
            "entry_into_force": t.entry_into_force,
            "official_text": t.official_text,
            "official_text_url": t.official_text_url,
            "untc_url": t.untc_url,
            "status_as_of": t.status_as_of,
        }
        for t in Treaty.objects.order_by("order", "code")
    ]


def _objections() -> list[dict]:
    queryset = Objection.objects.select_related(
        "treaty", "objecting_state", "reserving_state"
    ).order_by("treaty__order", "treaty__code", "objecting_state__iso2", "order", "pk")
    return [
        {
            "treaty": o.treaty.code,
            "objecting_country_iso2": o.objecting_state.iso2,
            "reserving_country_iso2": o.reserving_state.iso2 if o.reserving_state else None,
            "date": o.date,
            "heading": o.heading,
            "text": o.text,
        }
        for o in queryset
    ]


FINDING_KEY = [
    _c("country_iso2", "the state"),
    _c("jurisdiction", "empty: the answer for the state; else the part of it (ISO 3166-2 code)"),
    _c("indicator", "indicator slug (indicators.slug)"),
]


TABLES = [
    TableSpec(
        "countries",
        "Every state in the database (reference data: ISO 3166-1, UN M49).",
        [
            _c("iso2", "ISO 3166-1 alpha-2 code: the key other tables use"),
            _c("iso3", "ISO 3166-1 alpha-3 code"),
            _c("m49", "UN M49 numeric code"),
            _c("name", "English short name"),
            _c("official_name", "English official name"),
            _c("untc_name", "name in the UN Treaty Collection"),
            _c("region", "UN M49 region (slug)"),
            _c("region_name", "UN M49 region (English name)"),
            _c("subregion", "UN M49 sub-region (slug)"),
            _c("subregion_name", "UN M49 sub-region (English name)"),
            _c("un_status", "member, observer or other"),
            _c("source", "where the record comes from"),
            _c("as_of", "date of the source"),
        ],
        _countries,
    ),
    TableSpec(
        "treaties",
        "The treaties (CRC and its Optional Protocols) and the date of their participation data.",
        [
            _c("code", "treaty code: crc, opac, opsc, opic (the key other tables use)"),
            _c("short_title", "short title"),
            _c("title", "full title"),
            _c("untc_reference", "UN Treaty Collection (MTDSG) reference, e.g. IV-11-c"),
            _c("adopted", "date adopted"),
            _c("entry_into_force", "date of entry into force"),
            _c("official_text", "citation of the official text"),
            _c("official_text_url", "the official text"),
            _c("untc_url", "the UN Treaty Collection status page"),
            _c("status_as_of", "participation as at this date"),
        ],
        _treaties,
    ),
    TableSpec(
        "participations",
        "One state and one treaty (CRC, OPAC, OPSC, OPIC), as the depositary records it.",
        [
            _c("country_iso2", "the state"),
            _c("treaty", "treaty code: crc, opac, opsc, opic"),
            _c("status", "party, signatory or no_action, as the depositary records stand"),
            _c("signature_date", "date of signature (YYYY-MM-DD)"),
            _c("consent_date", "date of consent to be bound (deposit)"),
            _c(
                "consent_type",
                "ratification, accession, succession, acceptance or approval",
            ),
            _c("withdrawal_date", "denunciation or withdrawal"),
            _c("end_notes", "numbers of the UNTC end notes on this state (;-separated)"),
            _c("source_url", "the UN Treaty Collection status page"),
            _c("as_of", "date of that page"),
        ],
        _participations,
    ),
    TableSpec(
        "reservations",
        "Declarations and reservations of the participations above, verbatim.",
        [
            _c("country_iso2", "the state"),
            _c("treaty", "treaty code"),
            _c("order", "position among the state's declarations for the treaty (from 0)"),
            _c("kind", "declaration, reservation, declaration_and_reservation or other"),
            _c("heading", "as deposited, e.g. 'Declaration made upon signature:'"),
            _c("date", "date deposited, where the page gives it"),
            _c("withdrawn_date", "date withdrawn, if any"),
            _c("text", "the text as the UN Treaty Collection gives it"),
        ],
        _reservations,
    ),
    TableSpec(
        "objections",
        "One state's objection to another state's reservation, verbatim.",
        [
            _c("treaty", "treaty code"),
            _c("objecting_country_iso2", "the state objecting"),
            _c(
                "reserving_country_iso2",
                "the state whose reservation is objected to (empty: several or none named)",
            ),
            _c("date", "date of the objection, where the page gives it"),
            _c("heading", "as deposited"),
            _c("text", "the text as the UN Treaty Collection gives it"),
        ],
        _objections,
    ),
    TableSpec(
        "laws",
        "National legal instruments (published only).",
        [
            _c("id", "identifier within this release (provisions.law_id refers to it)"),
            _c("country_iso2", "the state"),
            *(_c(name, description) for name, description in LAW_FIELDS),
        ],
        _laws,
    ),
    TableSpec(
        "provisions",
        "Sections and articles of the laws above.",
        [
            _c("id", "identifier within this release (findings refer to it)"),
            _c("law_id", "the law (laws.id)"),
            _c("country_iso2", "the state"),
            _c("law_citation", "the law's citation"),
            _c("label", "section or article, e.g. 's. 160', '§ 184b'"),
            _c("heading", "heading"),
            _c("summary", "our paraphrase, not statute text"),
            _c("text", "statute text, verbatim as the source gives it, where held"),
            _c("text_language", "ISO 639-1 code of the text"),
            _c("text_version", "which version the text is (consolidated to ..., as enacted, ...)"),
            *_source_columns("source", "where the text was read"),
            _c("text_en", "an English text, only where a source gives one"),
            *_source_columns("text_en_source", "where the English text was read"),
            _c("order", "position within the law"),
            _c("in_force_from", "in force from"),
            *_source_columns("in_force_from_source", "where that date was read"),
            _c("in_force_from_quote", "the words on that page that state the date"),
            _c(
                "earlier_wording_unread",
                "true: this wording replaced an earlier one, not read, that may have punished "
                "the same conduct (in force since at least in_force_from)",
            ),
            _c("in_force_to", "in force until"),
            *_source_columns("in_force_to_source", "where that date was read"),
            _c("in_force_to_quote", "the words on that page that state the date"),
            _c("max_penalty_years", "highest maximum penalty, in years (empty: life or unread)"),
            _c("indicators", "indicator slugs the provision bears on (;-separated)"),
            _c("verified", "true if checked against the source below"),
            _c("verification_source", "what it was checked against"),
        ],
        _provisions,
    ),
    TableSpec(
        "indicators",
        "The questions asked of every state, by topic, and the treaty provisions behind them.",
        [
            _c("topic", "topic slug, e.g. csam"),
            _c("slug", "indicator slug, e.g. simple_possession"),
            _c("name", "name"),
            _c("question", "the question asked of each state"),
            _c("description", "description"),
            _c("treaty_basis", "treaty provision slug:requires|recommends|defines (;-separated)"),
        ],
        _indicators,
    ),
    TableSpec(
        "findings",
        "One state and one indicator: the answer, with its evidence (published only). A state "
        "with no finding for an indicator is not assessed, which is not 'no'.",
        [
            *FINDING_KEY,
            _c("status", "yes, partial or no"),
            _c("evidence_citation", "pinpoint citation as a lawyer writes it"),
            _c("evidence_provision_ids", "provisions.id of the evidence (;-separated)"),
            _c("evidence_provisions", "the evidence as '<law citation> :: <label>' (| -separated)"),
            _c("note", "explanation; for 'no', what was reviewed"),
            _c("effective_from", "the answer holds from (as set by an editor)"),
            _c("effective_to", "the answer holds until (as set by an editor)"),
            _c(
                "period_from",
                "since when the answer holds: effective_from, else the earliest start of the "
                "cited provisions when every one has a known start; empty: unknown",
            ),
            _c("period_to", "until when it holds (inclusive); empty: still holds or unknown"),
            _c("dated", "false: it holds now, but since when is unknown"),
            _c(
                "known_from",
                "since when it is known to hold: period_from when dated; else, where a cited "
                "wording replaced an earlier one not read, the day the wordings read began "
                "(since at least); empty: unknown",
            ),
            _c("verified", "true if checked"),
            _c("verification_source", "what it was checked against"),
            _c("reviewed_at", "date reviewed"),
        ],
        _findings,
    ),
    TableSpec(
        "evidence",
        "The provisions each finding cites, one row per finding and provision, with the law, "
        "where the provision's text was read, and its dates with their sources.",
        [
            *FINDING_KEY,
            _c("status", "the finding's answer: yes, partial or no"),
            _c("provision_id", "provisions.id"),
            _c("law_id", "laws.id"),
            _c("law_title", "the law's title in English"),
            _c("law_citation", "the law's citation"),
            _c("law_source_url", "the law's official source"),
            _c("provision_label", "section or article"),
            _c("provision_heading", "heading"),
            *_source_columns("source", "where the provision's text was read"),
            _c("in_force_from", "the provision is in force from"),
            *_source_columns("in_force_from_source", "where that date was read"),
            _c(
                "earlier_wording_unread",
                "true: this wording replaced an earlier one, not read, that may have punished "
                "the same conduct (in force since at least in_force_from)",
            ),
            _c("in_force_to", "in force until"),
            *_source_columns("in_force_to_source", "where that date was read"),
        ],
        _evidence,
    ),
    TableSpec(
        "finding_sources",
        "The pages each finding rests on, one row per finding and page: the texts of its "
        "evidence, and for a 'no' the pages read and found lacking (the API's `sources`).",
        [
            *FINDING_KEY,
            _c(
                "role",
                "text: the page a cited provision's text was read on; checked: a page "
                "read and found lacking",
            ),
            *_source_columns("source", "the page"),
        ],
        _finding_sources,
    ),
]


# --- files ---------------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def csv_file(spec: TableSpec, rows: list[dict]) -> bytes:
    return tabular.csv_bytes(
        [c.name for c in spec.columns],
        ([row[c.name] for c in spec.columns] for row in rows),
        bom=True,
        lineterminator="\n",
    )


def json_file(spec: TableSpec, rows: list[dict]) -> bytes:
    data = [{c.name: _json_value(row[c.name]) for c in spec.columns} for row in rows]
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _readme(version: str | None, released: datetime.date, counts: dict[str, int]) -> str:
    date = released.isoformat()
    if version:
        title = f"# CRIN Legal Database — dataset release {version}"
        intro = f"Released {date}."
        cite = f"CRIN Legal Database, dataset release {version} ({date})."
    else:
        title = "# CRIN Legal Database — full dataset"
        intro = f"Downloaded {date}, as the data stood that day."
        cite = f"CRIN Legal Database, full dataset (downloaded {date})."
    lines = [
        title,
        "",
        f"{intro} The published records of the CRIN Legal Database: which states criminalise "
        "producing, distributing or possessing child sexual abuse material, since when, under "
        "which provision, and which treaties bind them. Records in draft, in review or "
        "withdrawn are not included.",
        "",
        "Rule: a state with no row in findings.csv for an indicator has NOT BEEN ASSESSED for "
        'it. That is not a "no" (absence of evidence is not evidence of absence).',
        "",
        "## Suggested citation",
        "",
        f"{cite} Child Rights International Network. National law on child sexual abuse "
        "material and treaty participation (CRC, OPAC, OPSC, OPIC).",
        "",
        "## As of",
        "",
    ]
    for treaty in Treaty.objects.order_by("order", "code"):
        as_of = treaty.status_as_of.isoformat() if treaty.status_as_of else "not imported"
        lines.append(
            f"- {treaty.short_title} ({treaty.code}, UNTC {treaty.untc_reference}): "
            f"participation as of {as_of}"
        )
    latest_law = _published_laws().order_by("-updated_at").values_list("updated_at", flat=True)
    latest_finding = (
        Finding.objects.published().order_by("-updated_at").values_list("updated_at", flat=True)
    )
    for label, values in (("laws", latest_law), ("findings", latest_finding)):
        last = values.first()
        lines.append(f"- {label}: last changed {last.date().isoformat() if last else 'never'}")
    lines += [
        "",
        "## Sources",
        "",
        "- Treaty participation, declarations and reservations: United Nations Treaty Collection, "
        "Multilateral Treaties Deposited with the Secretary-General, chapter IV (status pages; "
        "see participations.source_url and as_of).",
        "- States: ISO 3166-1 (pycountry), UN M49 regions, UN membership (countries.source).",
        "- National law: official legislation sites and, where those were not reachable, "
        "secondary sources; every law, provision and finding names what it was verified "
        "against (verification_source), 'secondary' where so.",
        "",
        "## Files",
        "",
        "Each table comes as CSV (UTF-8 with a byte-order mark, so that Excel reads it as "
        "UTF-8; header row, dates YYYY-MM-DD, booleans true/false, empty for unknown) and as "
        "JSON (a list of objects with the same keys). In the CSV, a "
        "text that begins with =, +, -, @, a tab or a line break is written with a leading ' "
        "so that spreadsheets never read it as a formula (the JSON has the text as it is). "
        "Nested lists are tables of their own: a finding's evidence (evidence.csv) and the "
        "pages it rests on (finding_sources.csv), a participation's declarations and "
        "reservations (reservations.csv), each row keyed by the state and indicator or treaty.",
        "",
    ]
    for spec in TABLES:
        lines += [
            f"### {spec.name}.csv / {spec.name}.json ({counts[spec.name]} rows)",
            "",
            spec.description,
            "",
            "| column | meaning |",
            "| --- | --- |",
            *(f"| `{c.name}` | {c.description} |" for c in spec.columns),
            "",
        ]
    return "\n".join(lines)


SHARED = {"findings", "evidence", "finding_sources"}


def dataset_files(
    *, released: datetime.date, version: str | None = None
) -> tuple[dict[str, bytes], dict[str, int]]:
    """Every table as `<name>.csv` and `<name>.json`, and `README.md`; and the rows per table.
    `version`: a numbered release (make_release); None: the site's download of the data as it
    stands."""
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    cache: dict = {}
    for spec in TABLES:
        rows = spec.rows(cache) if spec.name in SHARED else spec.rows()
        counts[spec.name] = len(rows)
        files[f"{spec.name}.csv"] = csv_file(spec, rows)
        files[f"{spec.name}.json"] = json_file(spec, rows)
    files["README.md"] = _readme(version, released, counts).encode("utf-8")
    return files, counts
