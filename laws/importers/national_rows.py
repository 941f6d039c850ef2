"""What a state file's rows become in the database: the columns of a law, a provision and a
finding, and the jurisdictions, written the same by both writers of `national` (row by row,
and `national_bulk` for a state the database holds nothing of yet)."""

from django.core.exceptions import ValidationError

from core.importing import upsert
from core.publication import PublicationStatus
from treaties.models import Jurisdiction, State

from ..models import FindingStatus, LawProvision, Source
from ..scope import scope_of
from .errors import DataFileError

PUBLISHED = PublicationStatus.PUBLISHED


def law_values(law_plan, jurisdictions: dict, sources: dict[str, Source]) -> dict:
    """The columns of a law as its file gives them (both writers)."""
    values = {
        **law_plan.values,
        "publication_status": PUBLISHED,
        "verified": True,
        # The provenance is now the Source rows; an earlier free-text note is cleared.
        "verification_source": "",
        "jurisdiction": jurisdictions.get(law_plan.jurisdiction),
    }
    values.update(_date_values(law_plan.dates, sources))
    return values


def provision_values(p, order: int, sources: dict[str, Source]) -> dict:
    """The columns of a provision as its file gives them (both writers)."""
    values = {
        **p.values,
        "order": order,
        "verified": True,
        "verification_source": "",
        "source": sources[p.source_url],
        "text_en_source": sources.get(p.text_en_source_url) if p.text_en_source_url else None,
    }
    values.update(_date_values(p.dates, sources))
    return values


def _date_values(dates: dict, sources: dict[str, Source]) -> dict:
    values = {}
    for name, date in dates.items():
        values[name] = date.value
        values[f"{name}_source"] = sources.get(date.source_url) if date.source_url else None
        values[f"{name}_quote"] = date.quote
    return values


def finding_values(evidence: list[LawProvision]) -> dict:
    """The columns of a finding besides its status and note (both writers)."""
    return {
        "evidence_citation": "; ".join(f"{p.law.title} {p.label}" for p in evidence)[:500],
        "verified": True,
        "verification_source": "",
        "publication_status": PUBLISHED,
    }


def refuse_partial_yes(state_plan, f, evidence, constituents) -> None:
    """A state-level `yes` whose evidence covers only some of its jurisdictions is `partial`."""
    scope = scope_of([p.law.jurisdiction for p in evidence], constituents)
    if f.status == FindingStatus.YES and evidence and not scope.whole_state:
        raise DataFileError(
            [
                f"{state_plan.path.name} finding {f.indicator}: 'yes' but the evidence covers "
                f"{', '.join(j.name for j in scope.jurisdictions)} only: make it 'partial'."
            ]
        )


def finding_refused(state_plan, f, error: ValidationError) -> DataFileError:
    """The finding rule's refusal (laws.services.validate_finding), named with its file."""
    return DataFileError(
        [f"{state_plan.path.name} finding {f.indicator}: {m}" for m in error.messages]
    )


def write_jurisdictions(state: State, state_plan, counts) -> dict[str, Jurisdiction]:
    jurisdictions = {}
    for order, item in enumerate(state_plan.jurisdictions):
        obj, outcome = upsert(
            Jurisdiction,
            {"code": item["code"]},
            {"state": state, "name": item["name"], "constituent": True, "order": order},
        )
        counts["jurisdictions"].add(outcome)
        jurisdictions[item["code"]] = obj
    return jurisdictions
