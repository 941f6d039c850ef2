"""Writes to the national layer. The admin, the importers and the commands all come through here,
so every path enforces the same finding rules (DOMAIN.md, rules 1 and 2)."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from core import workflow
from core.publication import PublicationStatus
from treaties.models import State

from .models import (
    Finding,
    FindingStatus,
    Indicator,
    Law,
    LawProvision,
    evidence_publication_error,
    foreign_evidence_error,
)
from .scope import evidence_scope


def finding_shape_problems(status: str, *, cites: bool, note: str) -> dict[str, list[str]]:
    """DOMAIN rules 1 and 2 on what a finding row says by itself: a `yes` or `partial` cites
    evidence, a `no` explains what was reviewed. Written once: `validate_finding` (admin,
    services, bulk import) and the importers' row readers (laws.importers.starter_set) use it."""
    problems: dict[str, list[str]] = {}
    if status in (FindingStatus.YES, FindingStatus.PARTIAL) and not cites:
        problems["evidence"] = [
            gettext("A '%(status)s' finding must cite at least one law provision as evidence.")
            % {"status": status}
        ]
    if status == FindingStatus.NO and not (note or "").strip():
        problems["note"] = [
            gettext(
                "A 'no' finding must explain what was reviewed (absence of evidence is not "
                "evidence of absence: leave the indicator unassessed instead)."
            )
        ]
    return problems


def validate_finding(
    *,
    state: State,
    status: str,
    evidence: Iterable[LawProvision],
    note: str,
    published: bool = False,
    indicator: Indicator | None = None,
    tagged: Mapping[int, set[int]] | None = None,
    constituents: list | None = None,
) -> None:
    """Raise ValidationError (keyed by field) unless the finding would be true to the rules.
    `published`: the finding is (or is to be) published, so its evidence must be published too
    (laws.models.refuse_unpublished_evidence, which also guards publishing and evidence.add()).
    A writer that already holds them passes the evidence's indicators (`tagged`: provision pk ->
    indicator pks) and the state's constituent jurisdictions, which are otherwise read."""
    errors: dict[str, list[str]] = {}
    evidence = list(evidence)
    if status not in FindingStatus.values:
        errors.setdefault("status", []).append(
            gettext("Unknown status %(status)s.") % {"status": repr(status)}
        )
    for name, messages in finding_shape_problems(status, cites=bool(evidence), note=note).items():
        errors.setdefault(name, []).extend(messages)
    foreign = foreign_evidence_error(state, evidence)
    if foreign:
        errors.setdefault("evidence", []).append(foreign)
    if indicator is not None and evidence:
        if tagged is None:
            tagged = {}
            for provision_id, indicator_id in LawProvision.indicators.through.objects.filter(
                lawprovision_id__in=[p.pk for p in evidence], indicator_id=indicator.pk
            ).values_list("lawprovision_id", "indicator_id"):
                tagged.setdefault(provision_id, set()).add(indicator_id)
        untagged = [p for p in evidence if indicator.pk not in tagged.get(p.pk, ())]
        if untagged:
            errors.setdefault("evidence", []).append(
                gettext(
                    "Evidence must bear on “%(indicator)s”: not tagged for it: %(provisions)s. "
                    "Tag the provision with the indicator on its law's page, or cite another."
                )
                % {"indicator": indicator, "provisions": "; ".join(str(p) for p in untagged)}
            )
    label = gettext("A finding of %(state)s") % {"state": state.name}
    hidden = evidence_publication_error(label, evidence) if published else ""
    if hidden:
        errors.setdefault("evidence", []).append(hidden)
    if status == FindingStatus.YES and evidence and not foreign:
        scope = evidence_scope(state, evidence, constituents)
        if not scope.whole_state:
            covered = ", ".join(j.name for j in scope.jurisdictions)
            missing = ", ".join(j.name for j in scope.missing)
            errors.setdefault("status", []).append(
                gettext(
                    "A 'yes' for %(state)s must cover the whole state: the evidence covers "
                    "%(covered)s only. Cite the law of %(missing)s too, or make the finding "
                    "'partial' (its scope is then shown)."
                )
                % {"state": state.name, "covered": covered, "missing": missing}
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def finding_save(
    *,
    state: State,
    indicator: Indicator,
    status: str,
    evidence: Iterable[LawProvision] = (),
    note: str = "",
    **fields,
) -> tuple[Finding, bool]:
    """Create or update the finding for (state, indicator). Returns (finding, created)."""
    evidence = list(evidence)
    published = fields.get("publication_status") == PublicationStatus.PUBLISHED or (
        "publication_status" not in fields
        and Finding.objects.filter(
            state=state,
            indicator=indicator,
            revision_of__isnull=True,
            publication_status=PublicationStatus.PUBLISHED,
        ).exists()
    )
    validate_finding(
        state=state,
        status=status,
        evidence=evidence,
        note=note,
        published=published,
        indicator=indicator,
    )
    finding, created = Finding.objects.select_for_update().get_or_create(
        state=state,
        indicator=indicator,
        revision_of__isnull=True,  # the finding itself, never a revision of it
        defaults={"status": status, "note": note, **fields},
    )
    if not created:
        finding.status = status
        finding.note = note
        for name, value in fields.items():
            setattr(finding, name, value)
        finding.full_clean(validate_unique=False, validate_constraints=False)
        finding.save()
    finding.evidence.set(evidence)
    return finding, created


def findings_citing(law: Law, status: str | None = None):
    """The findings (not revisions) citing a provision of `law`, optionally in one status."""
    rows = Finding.objects.filter(evidence__law=law, revision_of=None)
    if status is not None:
        rows = rows.filter(publication_status=status)
    return rows.select_related("state", "indicator").distinct().order_by("pk")


@transaction.atomic
def publish_with_findings(user, law: Law) -> tuple[Law, list[Finding], list[str]]:
    """One review: publish a law in review, then the findings in review that cite it (each
    through core.workflow, so each is checked, permitted and recorded). A finding whose other
    evidence is still unpublished stays in review, with the reason. Returns (law, published
    findings, reasons skipped)."""
    if law.publication_status != PublicationStatus.PUBLISHED:
        law = workflow.transition(user, law, "publish", note="with the findings that cite it")
    published, skipped = [], []
    for finding in findings_citing(law, PublicationStatus.IN_REVIEW):
        try:
            with transaction.atomic():
                workflow.transition(user, finding, "publish", note=f"with the law “{law}”")
        except ValidationError as error:
            skipped.extend(error.messages)
        else:
            published.append(finding)
    return law, published, skipped


@transaction.atomic
def add_findings(
    *,
    law: Law,
    indicators: Iterable[Indicator],
    provisions: Iterable[LawProvision],
    status: str,
    note: str = "",
    evidence_citation: str = "",
) -> list[Finding]:
    """Draft findings of the law's state, one per indicator, each citing the chosen provisions
    tagged for its indicator (the editor's "Add findings" on a law's page). All or nothing:
    raises ValidationError listing every indicator that cannot be added, and writes none."""
    provisions = list(provisions)
    tags: dict[int, set[int]] = {}
    for provision_id, indicator_id in LawProvision.indicators.through.objects.filter(
        lawprovision_id__in=[p.pk for p in provisions]
    ).values_list("lawprovision_id", "indicator_id"):
        tags.setdefault(indicator_id, set()).add(provision_id)
    existing = set(
        Finding.objects.filter(state=law.state_id, revision_of=None, jurisdiction=None).values_list(
            "indicator_id", flat=True
        )
    )
    errors, written = [], []
    for indicator in indicators:
        if indicator.pk in existing:
            errors.append(
                gettext("%(indicator)s: %(state)s has a finding already; edit it instead.")
                % {"indicator": indicator, "state": law.state.name}
            )
            continue
        evidence = [p for p in provisions if p.pk in tags.get(indicator.pk, set())]
        if status != FindingStatus.NO and not evidence:
            errors.append(
                gettext("%(indicator)s: none of the provisions ticked is tagged for it.")
                % {"indicator": indicator}
            )
            continue
        try:
            finding, _created = finding_save(
                state=law.state,
                indicator=indicator,
                status=status,
                evidence=evidence,
                note=note,
                evidence_citation=evidence_citation,
                publication_status=PublicationStatus.DRAFT,
            )
        except ValidationError as error:
            errors.extend(f"{indicator}: {m}" for m in error.messages)
        else:
            written.append(finding)
    if errors:
        raise ValidationError(errors)
    return written
