"""Writing a state the database holds nothing of yet (no law, no finding, not even a withdrawn
one or an editor's draft): every row inserted in bulk, a few queries per state instead of about
thirty per finding, which is what a fresh set-up and the tests spend most of the import on.

The rows are those the row-by-row writer (`national._write_state`) would write: the same
columns (`national_rows`), the same checks (`CheckedValues.check_values`, the finding rule
`laws.services.validate_finding`, the scope of a `yes`), one "+" history row per record with
its links (`core.history.record_created`, as `one_record()` writes it) and the public data's
stamp moved (`import_national_law` does it once). `tests/laws/test_import_laws.py` holds the two
writers equal, row for row, history included.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.history import record_created
from treaties.models import State

from ..models import Finding, Law, LawProvision
from ..services import validate_finding
from .national_rows import (
    finding_refused,
    finding_values,
    law_values,
    provision_values,
    refuse_partial_yes,
    write_jurisdictions,
)


def new_states(states) -> set[int]:
    """The pks of `states` with no law and no finding of any kind in the database."""
    pks = {state.pk for state in states}
    held = set(Law.objects.filter(state__in=pks).values_list("state_id", flat=True))
    held |= set(Finding.objects.filter(state__in=pks).values_list("state_id", flat=True))
    return pks - held


def insert_state(state_plan, state: State, indicators, sources, counts, kept) -> None:
    """Insert all of a new state's laws, provisions and findings (see the module); `kept`
    collects the laws and findings written, as for `national._write_state`."""
    jurisdictions = write_jurisdictions(state, state_plan, counts)
    now = timezone.now()
    public = {"published_at": now, "last_public_change": now}

    laws = []
    for law_plan in state_plan.laws:
        values = law_values(law_plan, jurisdictions, sources)
        law = Law(state=state, citation=law_plan.citation, **values, **public)
        law.check_values()
        laws.append(law)
    Law.objects.bulk_create(laws)
    record_created(laws)
    counts["laws"].inserted += len(laws)
    kept[Law].update(law.pk for law in laws)

    provisions: dict[tuple[str, str], LawProvision] = {}
    tags: list[tuple[LawProvision, list]] = []
    for law, law_plan in zip(laws, state_plan.laws, strict=True):
        for order, p in enumerate(law_plan.provisions):
            provision = LawProvision(law=law, label=p.label, **provision_values(p, order, sources))
            provision.check_values()
            provisions[(law_plan.citation, p.label)] = provision
            tags.append((provision, [indicators[slug] for slug in p.indicators]))
    LawProvision.objects.bulk_create(provisions.values())
    Tag = LawProvision.indicators.through
    Tag.objects.bulk_create(
        Tag(lawprovision=provision, indicator=indicator)
        for provision, bears_on in tags
        for indicator in bears_on
    )
    record_created(list(provisions.values()))
    counts["provisions"].inserted += len(provisions)

    constituents = list(state.jurisdictions.filter(constituent=True))
    tagged = {provision.pk: {i.pk for i in bears_on} for provision, bears_on in tags}
    findings, evidence_links, checked_links = [], [], []
    for f in state_plan.findings:
        evidence = [provisions[ref] for ref in f.evidence]
        refuse_partial_yes(state_plan, f, evidence, constituents)
        indicator = indicators[f.indicator]
        try:
            validate_finding(
                state=state,
                status=f.status,
                evidence=evidence,
                note=f.note,
                published=True,
                indicator=indicator,
                tagged=tagged,
                constituents=constituents,
            )
        except ValidationError as exc:
            raise finding_refused(state_plan, f, exc) from exc
        finding = Finding(
            state=state,
            indicator=indicator,
            status=f.status,
            note=f.note,
            **finding_values(evidence),
            **public,
        )
        finding.check_values()
        findings.append(finding)
        evidence_links.append(evidence)
        checked_links.append([sources[url] for url in f.checked])
    Finding.objects.bulk_create(findings)
    Evidence, Checked = Finding.evidence.through, Finding.checked_sources.through
    Evidence.objects.bulk_create(
        Evidence(finding=finding, lawprovision=provision)
        for finding, cited in zip(findings, evidence_links, strict=True)
        for provision in dict.fromkeys(cited)
    )
    Checked.objects.bulk_create(
        Checked(finding=finding, source=source)
        for finding, pages in zip(findings, checked_links, strict=True)
        for source in dict.fromkeys(pages)
    )
    record_created(findings)
    counts["findings"].inserted += len(findings)
    kept[Finding].update(finding.pk for finding in findings)
