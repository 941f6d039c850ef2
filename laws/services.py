"""Writes to the national layer. The admin, the importers and the commands all come through here,
so every path enforces the same finding rules (DOMAIN.md, rules 1 and 2)."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from treaties.models import State

from .models import Finding, FindingStatus, Indicator, LawProvision
from .scope import evidence_scope


def validate_finding(
    *, state: State, status: str, evidence: Iterable[LawProvision], note: str
) -> None:
    """Raise ValidationError (keyed by field) unless the finding would be true to the rules."""
    errors: dict[str, list[str]] = {}
    evidence = list(evidence)
    if status not in FindingStatus.values:
        errors.setdefault("status", []).append(f"Unknown status {status!r}.")
    if status in (FindingStatus.YES, FindingStatus.PARTIAL) and not evidence:
        errors.setdefault("evidence", []).append(
            f"A '{status}' finding must cite at least one law provision as evidence."
        )
    foreign = [p for p in evidence if p.law.state_id != state.pk]
    if foreign:
        labels = ", ".join(str(p) for p in foreign)
        errors.setdefault("evidence", []).append(
            f"Evidence must be provisions of {state.name}'s own laws; not: {labels}."
        )
    if status == FindingStatus.YES and evidence and not foreign:
        scope = evidence_scope(state, evidence)
        if not scope.whole_state:
            covered = ", ".join(j.name for j in scope.jurisdictions)
            missing = ", ".join(j.name for j in scope.missing)
            errors.setdefault("status", []).append(
                f"A 'yes' for {state.name} must cover the whole state: the evidence covers "
                f"{covered} only. Cite the law of {missing} too, or make the finding 'partial' "
                "(its scope is then shown)."
            )
    if status == FindingStatus.NO and not (note or "").strip():
        errors.setdefault("note", []).append(
            "A 'no' finding must explain what was reviewed (absence of evidence is not evidence "
            "of absence: leave the indicator unassessed instead)."
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
    validate_finding(state=state, status=status, evidence=evidence, note=note)
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
