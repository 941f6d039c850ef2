"""Which part of a state a finding's evidence covers (DOMAIN.md, "Scope").

A law binds the whole state unless it names a jurisdiction (`Law.jurisdiction`: England and
Wales, Scotland, ...). A finding's scope follows from its evidence: the whole state when a cited
law binds the whole state, or when the cited laws together bind every constituent jurisdiction
of the state; otherwise the jurisdictions they bind. A state-level `yes` needs the whole state
(`laws.services.validate_finding`); with part of it, the answer is `partial`, scope named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from treaties.models import Jurisdiction, State


@dataclass(frozen=True)
class Scope:
    whole_state: bool
    # The parts covered (when not the whole state), and the constituent parts not covered.
    jurisdictions: tuple[Jurisdiction, ...] = field(default=())
    missing: tuple[Jurisdiction, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "whole_state": self.whole_state,
            "jurisdictions": [{"code": j.code, "name": j.name} for j in self.jurisdictions],
        }


WHOLE_STATE = Scope(whole_state=True)


def scope_of(
    laws_jurisdictions: Iterable[Jurisdiction | None], constituents: Iterable[Jurisdiction]
) -> Scope:
    """The scope of evidence whose laws bind `laws_jurisdictions` (None: the whole state), for a
    state whose constituent jurisdictions are `constituents`."""
    bound = list(laws_jurisdictions)
    if not bound or any(j is None for j in bound):
        return WHOLE_STATE
    covered = {j.pk: j for j in bound}
    constituents = list(constituents)
    missing = tuple(j for j in constituents if j.pk not in covered)
    if constituents and not missing:
        return WHOLE_STATE
    ordered = tuple(sorted(covered.values(), key=lambda j: (j.order, j.code)))
    return Scope(whole_state=False, jurisdictions=ordered, missing=missing)


def evidence_scope(state: State, evidence: Iterable, constituents=None) -> Scope:
    """The scope of these cited provisions (LawProvision rows with their laws) for `state`
    (`constituents`: its constituent jurisdictions, where the caller holds them already)."""
    evidence = list(evidence)
    jurisdictions = [p.law.jurisdiction for p in evidence]
    if not evidence or any(j is None for j in jurisdictions):
        return WHOLE_STATE
    if constituents is None:
        constituents = state.jurisdictions.filter(constituent=True)
    return scope_of(jurisdictions, constituents)
