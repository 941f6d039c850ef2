"""Import the national-law data: one YAML file per state (data/laws/states/<iso2>.yaml).

Each file holds a state's laws, their provisions (verbatim text, where and when it was read,
dates with the words that state them) and its findings; data/laws/README.md documents the
format. Everything is validated first, every problem reported with its file and place, and then
either everything is written (one transaction) or nothing. A second run writes nothing.

The loader refuses what would make an answer untrue (issue 11, DOMAIN.md):
- a `yes` or `partial` whose evidence has no text, or no source (URL, grade, date read);
- a source grade other than official / authoritative / secondary, and a source on the deny list
  of forums, encyclopaedia copies, blogs, news sites, law-firm pages and document dumps
  (`laws.sources.refusal`);
- a date in the future, a date without the source and words that state it, a period that ends
  before it starts, a law in force before it was adopted, an earlier wording not read
  (`earlier_wording_unread`) without the day the wording read took effect;
- a language that is not ISO 639-1; an indicator that is not in the vocabulary; evidence not
  tagged for the finding's indicator; a state-level `yes` that does not cover every
  constituent jurisdiction of the state (then it is `partial`, and the scope is shown).

Everything loaded is published (the files are reviewed data). Records an earlier import wrote
(never edited by a person) that the files no longer hold are withdrawn, with the reason, so that
superseded or unsourced answers leave the public view; editors' records are never touched.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.history import one_record, record_created
from core.importing import ImportCounts, changed_fields, upsert
from core.publication import PublicationStatus
from hotpath.cache import bump_data_version
from treaties.models import State

from ..models import (
    Finding,
    FindingStatus,
    Indicator,
    Law,
    LawKind,
    LawProvision,
    LawStatus,
    Source,
    record_problems,
    validate_language,
)
from ..services import finding_save
from ..sources import SourceGrade, refusal
from . import national_bulk
from .errors import DataFileError
from .national_rows import (
    PUBLISHED,
    finding_refused,
    finding_values,
    law_values,
    provision_values,
    refuse_partial_yes,
    write_jurisdictions,
)

REFERENCE = " :: "
DATE_FIELDS = ("date_adopted", "date_in_force", "date_repealed")
PROVISION_DATES = ("in_force_from", "in_force_to")
WITHDRAWN_REASON = "import_laws: no longer in data/laws/states (withdrawn)"


class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML without yes/no/on/off booleans: `NO` is Norway and "no" is a finding's status.
    The C parser (libyaml) where PyYAML has it: the same documents, read five to ten times
    faster than by the pure-Python one (the resolvers below are Python in both)."""


Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_file(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=Loader)


# ------------------------------------------------------------------------------ the plan


@dataclass
class SourcePlan:
    url: str
    grade: str
    publisher: str
    read_on: datetime.date
    where: str


@dataclass
class DatePlan:
    value: datetime.date | None = None
    source_url: str | None = None
    quote: str = ""


@dataclass
class ProvisionPlan:
    label: str
    values: dict
    dates: dict[str, DatePlan]
    source_url: str
    text_en_source_url: str | None
    indicators: list[str]


@dataclass
class LawPlan:
    key: str
    citation: str
    values: dict
    jurisdiction: str | None
    dates: dict[str, DatePlan]
    provisions: list[ProvisionPlan] = field(default_factory=list)


@dataclass
class FindingPlan:
    indicator: str
    status: str
    note: str
    evidence: list[tuple[str, str]]  # (law citation, provision label)
    checked: list[str]  # source URLs


@dataclass
class StatePlan:
    iso2: str
    path: Path
    jurisdictions: list[dict]
    laws: list[LawPlan]
    findings: list[FindingPlan]


@dataclass
class Plan:
    sources: dict[str, SourcePlan] = field(default_factory=dict)
    states: list[StatePlan] = field(default_factory=list)


class _Checker:
    """Collects every problem as "<file>: <place>: <message>"."""

    def __init__(self, indicators: set[str], states: dict[str, State]):
        self.indicators = indicators
        self.states = states
        self.errors: list[str] = []
        self.today = timezone.localdate()

    def error(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def text(self, where: str, data: dict, name: str, *, required=False, limit=None) -> str:
        value = data.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.error(where, f"'{name}' must be text.")
            return ""
        value = value.strip()
        if required and not value:
            self.error(where, f"'{name}' is required.")
        if limit and len(value) > limit:
            self.error(where, f"'{name}' is {len(value)} characters long (at most {limit}).")
        if "\x00" in value:
            self.error(where, f"'{name}' holds a NUL character.")
        return value

    def date(self, where: str, value) -> datetime.date | None:
        if value is None or value == "":
            return None
        if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
            self.error(where, f"{value!r} is not a date (YYYY-MM-DD).")
            return None
        if value > self.today:
            self.error(where, f"{value} is in the future.")
        return value

    def source(self, plan: Plan, where: str, data) -> str | None:
        """A source given inline ({url, grade, publisher, read_on}) or by URL alone (defined
        elsewhere in the data); returns its URL."""
        if isinstance(data, str):
            data = {"url": data}
        if not isinstance(data, dict) or not isinstance(data.get("url"), str):
            self.error(where, "a source needs at least its 'url'.")
            return None
        url = data["url"].strip()
        if not url.startswith(("http://", "https://")) or len(url) > 1000:
            self.error(
                where, f"{url[:80]!r} is not an http(s) address of at most 1,000 characters."
            )
            return None
        reason = refusal(url)
        if reason:
            self.error(where, f"{url} is not a source: {reason}.")
            return None
        if "grade" not in data and "publisher" not in data and "read_on" not in data:
            plan.sources.setdefault(url, None)  # defined elsewhere (checked once all are read)
            return url
        grade = data.get("grade")
        if grade not in SourceGrade.values:
            self.error(where, f"grade {grade!r} is not one of {', '.join(SourceGrade.values)}.")
            return None
        publisher = self.text(where, data, "publisher", required=True, limit=400)
        read_on = self.date(where + " read_on", data.get("read_on"))
        if read_on is None:
            self.error(where, "a source needs the date it was read ('read_on').")
            return None
        known = plan.sources.get(url)
        if known is not None and known.grade != grade:
            self.error(where, f"{url} is graded {grade} here but {known.grade} at {known.where}.")
        if known is None:
            plan.sources[url] = SourcePlan(url, grade, publisher, read_on, where)
        return url

    def dated(self, plan: Plan, where: str, data: dict, name: str) -> DatePlan:
        value = self.date(f"{where} {name}", data.get(name))
        source = data.get(f"{name}_source")
        if value is None:
            return DatePlan()
        if not isinstance(source, dict) or not str(source.get("quote", "")).strip():
            self.error(
                where,
                f"'{name}' needs '{name}_source' with the url and the quote that states the date.",
            )
            return DatePlan(value)
        url = self.source(plan, f"{where} {name}_source", source)
        return DatePlan(value, url, str(source["quote"]).strip())


def _choice(checker, where, data, name, choices) -> str:
    value = data.get(name)
    if value not in choices:
        checker.error(where, f"'{name}' is {value!r}; expected one of {', '.join(choices)}.")
        return ""
    return value


def _language(checker, where, value) -> str:
    value = value or ""
    try:
        validate_language(value)
    except ValidationError:
        checker.error(
            where, f"{value!r} is not an ISO 639-1 language code (two lower-case letters)."
        )
        return ""
    return value


def _plan_law(checker: _Checker, plan: Plan, where: str, raw: dict, juris: set[str]) -> LawPlan:
    text = checker.text
    key = text(where, raw, "key", required=True, limit=60)
    citation = text(where, raw, "citation", required=True, limit=300)
    jurisdiction = raw.get("jurisdiction") or None
    if jurisdiction is not None and jurisdiction not in juris:
        checker.error(where, f"jurisdiction {jurisdiction!r} is not declared in 'jurisdictions'.")
    dates = {name: checker.dated(plan, where, raw, name) for name in DATE_FIELDS}
    adopted = dates["date_adopted"].value
    # The order of the dates, checked as the models check it (the dates in the future were
    # reported by checker.date, with their place).
    for messages in record_problems(
        "law", {name: plan_.value for name, plan_ in dates.items()}, single=False
    ).values():
        for message in messages:
            checker.error(where, message)
    source_url = text(where, raw, "source_url", required=True, limit=500)
    if source_url and refusal(source_url):
        checker.error(where, f"source_url {source_url}: not a source ({refusal(source_url)}).")
    status = _choice(checker, where, raw, "status", LawStatus.values)
    values = {
        "title": text(where, raw, "title", required=True, limit=400),
        "title_original": text(where, raw, "title_original", limit=400),
        "language": _language(checker, where, raw.get("language")),
        "kind": _choice(checker, where, raw, "kind", LawKind.values),
        "status": status,
        "source_url": source_url,
        "year_enacted": adopted.year if adopted else None,
    }
    law = LawPlan(key, citation, values, jurisdiction, dates)
    labels: set[str] = set()
    for index, raw_provision in enumerate(raw.get("provisions") or []):
        law.provisions.append(
            _plan_provision(checker, plan, f"{where} provision {index + 1}", raw_provision, labels)
        )
    return law


def _plan_provision(checker, plan, where, raw, labels) -> ProvisionPlan:
    text = checker.text
    label = text(where, raw, "label", required=True, limit=120)
    where = f"{where} ({label})"
    if label in labels:
        checker.error(where, "label given twice in this law.")
    labels.add(label)
    statute = text(where, raw, "text", required=True)
    source_url = checker.source(plan, f"{where} source", raw.get("source"))
    if source_url is None and raw.get("source") is None:
        checker.error(where, "the text needs its 'source' (url, grade, publisher, read_on).")
    text_en = text(where, raw, "text_en")
    text_en_source = None
    if text_en:
        text_en_source = checker.source(plan, f"{where} text_en_source", raw.get("text_en_source"))
    indicators = raw.get("indicators") or []
    unknown = [i for i in indicators if i not in checker.indicators]
    if unknown or not indicators:
        checker.error(where, f"indicators {unknown or '(none)'} are not in the vocabulary.")
    # The loader reads no YAML booleans (`no` is a status, `NO` Norway): true and false are words.
    unread = raw.get("earlier_wording_unread", "false")
    if unread not in ("true", "false"):
        checker.error(where, f"earlier_wording_unread {unread!r} is not true or false.")
    unread = unread == "true"
    dates = {name: checker.dated(plan, where, raw, name) for name in PROVISION_DATES}
    checked = {name: plan_.value for name, plan_ in dates.items()}
    for messages in record_problems(
        "provision", {**checked, "earlier_wording_unread": unread}, single=False
    ).values():
        for message in messages:
            checker.error(where, message)
    penalty = raw.get("max_penalty_years")
    if penalty is not None and (not isinstance(penalty, int | float) or not 0 <= penalty < 1000):
        checker.error(where, f"max_penalty_years {penalty!r} is not a number of years.")
        penalty = None
    values = {
        "heading": text(where, raw, "heading", limit=300),
        "summary": text(where, raw, "summary"),
        "text": statute,
        "text_language": _language(checker, where, raw.get("text_language")),
        "text_version": text(where, raw, "text_version", limit=1000),
        "text_en": text_en,
        "max_penalty_years": None if penalty is None else decimal.Decimal(str(penalty)),
        "earlier_wording_unread": unread,
    }
    return ProvisionPlan(label, values, dates, source_url or "", text_en_source, indicators)


def _plan_state(checker: _Checker, plan: Plan, path: Path) -> StatePlan | None:
    where = path.name
    try:
        raw = read_file(path)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        checker.error(where, f"not readable as YAML: {exc}")
        return None
    if not isinstance(raw, dict):
        checker.error(where, "expected a mapping (state, laws, findings).")
        return None
    iso2 = str(raw.get("state", ""))
    if iso2 not in checker.states:
        checker.error(where, f"state {iso2!r} is not the ISO 3166-1 alpha-2 code of a state.")
        return None
    if path.stem.upper() != iso2:
        checker.error(where, f"the file of {iso2} is named {iso2.lower()}.yaml.")
    jurisdictions = []
    for item in raw.get("jurisdictions") or []:
        code, name = str(item.get("code", "")), str(item.get("name", "")).strip()
        if not code.startswith(f"{iso2}-") or not name:
            checker.error(where, f"jurisdiction {item!r}: a code '{iso2}-...' and a name.")
            continue
        jurisdictions.append({"code": code, "name": name})
    juris = {j["code"] for j in jurisdictions}
    laws = [
        _plan_law(checker, plan, f"{where} law {raw_law.get('key', index + 1)}", raw_law, juris)
        for index, raw_law in enumerate(raw.get("laws") or [])
    ]
    by_key = {law.key: law for law in laws}
    citations = [law.citation for law in laws]
    for citation in {c for c in citations if citations.count(c) > 1}:
        checker.error(where, f"citation {citation!r} given for two laws.")
    findings = []
    for indicator, raw_finding in (raw.get("findings") or {}).items():
        fwhere = f"{where} finding {indicator}"
        if indicator not in checker.indicators:
            checker.error(fwhere, "not an indicator of the vocabulary.")
            continue
        findings.append(_plan_finding(checker, plan, fwhere, indicator, raw_finding, by_key))
    return StatePlan(iso2, path, jurisdictions, laws, [f for f in findings if f])


def _plan_finding(checker, plan, where, indicator, raw, by_key) -> FindingPlan | None:
    status = raw.get("status")
    if status not in FindingStatus.values:
        checker.error(where, f"status {status!r}; expected yes, partial or no (quoted).")
        return None
    note = checker.text(where, raw, "note")
    evidence = []
    for reference in raw.get("evidence") or []:
        key, _, label = str(reference).partition(REFERENCE)
        law = by_key.get(key)
        provision = next((p for p in law.provisions if p.label == label), None) if law else None
        if provision is None:
            checker.error(where, f"evidence {reference!r} is not a provision of this file.")
            continue
        if indicator not in provision.indicators:
            checker.error(where, f"evidence {reference!r} is not tagged '{indicator}'.")
        if not provision.values["text"] or not provision.source_url:
            checker.error(where, f"evidence {reference!r} has no text or no source.")
        evidence.append((law.citation, label))
    if status in (FindingStatus.YES, FindingStatus.PARTIAL) and not evidence:
        checker.error(where, f"a '{status}' must cite the provisions it rests on.")
    checked = []
    if status == FindingStatus.NO:
        if not note:
            checker.error(where, "a 'no' must say what was reviewed ('note').")
        for index, item in enumerate(raw.get("checked") or []):
            url = checker.source(plan, f"{where} checked {index + 1}", item)
            if url:
                checked.append(url)
        if not checked and not evidence:
            checker.error(where, "a 'no' must list the pages read and found lacking ('checked').")
    return FindingPlan(indicator, status, note, evidence, checked)


def plan_directory(directory: Path) -> Plan:
    """Read and check every state file; raise DataFileError listing every problem."""
    paths = sorted(directory.glob("*.yaml"))
    states = {s.iso2: s for s in State.objects.all()}
    checker = _Checker(set(Indicator.objects.values_list("slug", flat=True)), states)
    plan = Plan()
    if not paths:
        checker.error(str(directory), "no state files (<iso2>.yaml) found.")
    for path in paths:
        state_plan = _plan_state(checker, plan, path)
        if state_plan is not None:
            plan.states.append(state_plan)
    existing = set(Source.objects.filter(url__in=list(plan.sources)).values_list("url", flat=True))
    for url, source in plan.sources.items():
        if source is None and url not in existing:
            checker.error(
                "sources",
                f"{url} is cited by address alone but defined nowhere (give its "
                "grade, publisher and read_on where it is first cited).",
            )
    if checker.errors:
        raise DataFileError(checker.errors)
    return plan


# ------------------------------------------------------------------------------ writing


def import_national_law(directory: Path, *, bulk: bool = True) -> ImportCounts:
    """Load every state file in `directory`; returns the counts per kind of record.

    A state the database holds nothing of yet (no law, no finding) is inserted in bulk
    (`national_bulk`): the same rows, checks and history as the row-by-row path, which every
    other state takes. `bulk=False`: every state row by row (the tests compare the two)."""
    plan = plan_directory(directory)
    counts = {
        name: ImportCounts(label=name)
        for name in ("sources", "jurisdictions", "laws", "provisions", "findings")
    }
    withdrawn = ImportCounts(label="withdrawn (no longer in the files)")
    with transaction.atomic():
        sources = _write_sources(plan, counts["sources"], bulk=bulk)
        states = State.objects.in_bulk([s.iso2 for s in plan.states], field_name="iso2")
        indicators = {i.slug: i for i in Indicator.objects.all()}
        new = national_bulk.new_states(states.values()) if bulk else set()
        kept = {Law: set(), Finding: set()}
        written_laws = []
        for state_plan in plan.states:
            state = states[state_plan.iso2]
            if state.pk in new:  # a law just inserted has no stale provision to remove
                national_bulk.insert_state(state_plan, state, indicators, sources, counts, kept)
            else:
                _write_state(state_plan, state, indicators, sources, counts, kept, written_laws)
        if new or counts["sources"].inserted:
            # Bulk inserts send no signals: the public data's stamp moves once (hotpath.cache).
            bump_data_version()
        _withdraw_missing(Law, kept[Law], withdrawn)
        _withdraw_missing(Finding, kept[Finding], withdrawn)
        # After the withdrawals: a provision only a withdrawn finding cited goes too.
        _remove_stale_provisions(written_laws, counts["provisions"])
    result = ImportCounts(children=list(counts.values()))
    if withdrawn.updated:
        result.children.append(withdrawn)
    return result


def _write_sources(plan: Plan, counts: ImportCounts, *, bulk: bool) -> dict[str, Source]:
    out = {s.url: s for s in Source.objects.filter(url__in=list(plan.sources))}
    new = []
    for url, source in plan.sources.items():
        if source is None:
            continue
        values = {"grade": source.grade, "publisher": source.publisher, "read_on": source.read_on}
        obj = out.get(url)
        if obj is None and bulk:
            out[url] = Source(url=url, **values)
            new.append(out[url])
            counts.add("inserted")
            continue
        obj, outcome = upsert(Source, {"url": url}, values, existing=obj)
        counts.add(outcome)
        out[url] = obj
    Source.objects.bulk_create(new)
    record_created(new)
    return out


def _write_state(state_plan, state, indicators, sources, counts, kept, written_laws) -> None:
    """Write one state's rows one by one, each compared with what the database holds; `kept`
    collects the laws and findings the files still hold, `written_laws` each law's labels."""
    jurisdictions = write_jurisdictions(state, state_plan, counts)
    # What the database holds of the state, read once: most rows are unchanged.
    held_laws = {
        law.citation: law for law in Law.objects.filter(state=state, revision_of__isnull=True)
    }
    held_provisions = {
        (p.law_id, p.label): p
        for p in LawProvision.objects.filter(law__in=list(held_laws.values())).prefetch_related(
            "indicators"
        )
    }
    held_findings = {
        f.indicator_id: f
        for f in Finding.objects.filter(
            state=state, jurisdiction__isnull=True, revision_of__isnull=True
        ).prefetch_related("evidence", "checked_sources")
    }
    provisions: dict[tuple[str, str], LawProvision] = {}
    for law_plan in state_plan.laws:
        values = law_values(law_plan, jurisdictions, sources)
        law, outcome = upsert(
            Law,
            {"state": state, "citation": law_plan.citation},
            values,
            existing=held_laws.get(law_plan.citation),
        )
        counts["laws"].add(outcome)
        kept[Law].add(law.pk)
        for order, p in enumerate(law_plan.provisions):
            pvalues = provision_values(p, order, sources)
            held = held_provisions.get((law.pk, p.label))
            # A new provision and its indicators are one change: one history row.
            with one_record():
                provision, outcome = upsert(
                    LawProvision, {"law": law, "label": p.label}, pvalues, existing=held
                )
                wanted = {indicators[slug].pk for slug in p.indicators}
                bears_on = {i.pk for i in held.indicators.all()} if held is not None else set()
                if bears_on != wanted:
                    provision.indicators.set(wanted)
                    outcome = "updated" if outcome == "unchanged" else outcome
            counts["provisions"].add(outcome)
            provision.law = law
            provisions[(law_plan.citation, p.label)] = provision
        written_laws.append((law, {p.label for p in law_plan.provisions}))
    constituents = list(state.jurisdictions.filter(constituent=True))
    for f in state_plan.findings:
        evidence = [provisions[ref] for ref in f.evidence]
        refuse_partial_yes(state_plan, f, evidence, constituents)
        existing = held_findings.get(indicators[f.indicator].pk)
        checked = [sources[url] for url in f.checked]
        fields = finding_values(evidence)
        wanted = {"status": f.status, "note": f.note, **fields}
        same = (
            existing is not None
            and not changed_fields(existing, wanted)
            and {p.pk for p in existing.evidence.all()} == {p.pk for p in evidence}
            and {s.pk for s in existing.checked_sources.all()} == {s.pk for s in checked}
        )
        if same:
            counts["findings"].add("unchanged")
            kept[Finding].add(existing.pk)
            continue
        # The finding, its evidence and the pages checked are one change: one history row.
        with one_record():
            try:
                finding, created = finding_save(
                    state=state,
                    indicator=indicators[f.indicator],
                    status=f.status,
                    evidence=evidence,
                    note=f.note,
                    **fields,
                )
            except ValidationError as exc:
                raise finding_refused(state_plan, f, exc) from exc
            finding.checked_sources.set(checked)
        counts["findings"].add("inserted" if created else "updated")
        kept[Finding].add(finding.pk)


def _remove_stale_provisions(written_laws: list, counts: ImportCounts) -> None:
    """Delete the provisions of the laws written (`(law, the labels its file holds)`) that only
    imports wrote and the files no longer hold, unless a published finding still cites them (an
    editor's finding keeps its evidence)."""
    labels = {law.pk: held for law, held in written_laws}
    rows = LawProvision.objects.filter(law__in=list(labels), copy_of__isnull=True)
    found = rows.values_list("pk", "law_id", "label")
    stale_ids = [pk for pk, law, label in found if label not in labels[law]]
    if not stale_ids:
        return
    stale = LawProvision.objects.filter(pk__in=stale_ids)
    edited_by_people = set(
        LawProvision.history.filter(
            id__in=stale.values("pk"), history_user__isnull=False
        ).values_list("id", flat=True)
    )
    for provision in stale.exclude(pk__in=edited_by_people):
        if provision.findings.filter(publication_status=PUBLISHED).exists():
            continue
        provision._change_reason = WITHDRAWN_REASON.replace("withdrawn", "removed")
        provision.delete()
        counts.add("deleted")


def _withdraw_missing(model, kept: set[int], counts: ImportCounts) -> None:
    """Withdraw the published records that only imports ever wrote and the files no longer hold
    (the unsourced starter set of November 2026, or a finding removed from a file)."""
    published = model.objects.filter(
        publication_status=PUBLISHED, revision_of__isnull=True
    ).exclude(pk__in=kept)
    edited_by_people = set(
        model.history.filter(id__in=published.values("pk"), history_user__isnull=False).values_list(
            "id", flat=True
        )
    )
    for record in published.exclude(pk__in=edited_by_people):
        record.publication_status = PublicationStatus.WITHDRAWN
        record._change_reason = WITHDRAWN_REASON
        record.save()
        counts.add("updated")
