"""Planning uploads of national law: laws, their provisions, findings. The rows are read and
checked by the same functions as `manage.py import_laws` (laws.importers.starter_set)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from core.publication import PublicationStatus
from treaties.models import (
    State,
)

from ..importers.starter_set import (
    _findings,
    _laws,
    _provisions,
    _Reader,
    finding_values,
)
from ..models import Finding, Indicator, Law, LawProvision
from ..services import validate_finding
from .plan import REJECTED, RowPlan, _Prepared, _publication, _row_plan, _unreviewed, show


def _prepare_laws(reader: _Reader, states: dict[str, State], prepared: _Prepared) -> None:
    rows = _laws(reader, states)
    existing = {
        (law.state.iso2, law.citation): law
        for law in Law.objects.filter(revision_of=None)
        .select_related("state")
        .filter(state__iso2__in={r.iso2 for r in rows})
    }
    prepared.context["states"] = states
    for row in rows:
        law = existing.get((row.iso2, row.citation))
        values = {**row.values, **_publication(prepared.plan.publish, law)}
        key = f"{row.iso2} · {row.citation}"
        plan = _row_plan(row.line, key, law, values)
        prepared.rows.append((row, _unreviewed(plan, law, prepared.plan.publish)))


def _states_named(reader: _Reader) -> set[str]:
    """The states the file's rows name: a first pass over them, whose problems the real pass
    reports (so they are forgotten here)."""
    named = {r["country_iso2"] for _, r in reader.rows()}
    reader.line_errors.clear()
    reader.errors.clear()
    return named


def _prepare_provisions(reader: _Reader, states: dict[str, State], prepared: _Prepared) -> None:
    laws = {
        (law.state.iso2, law.citation): law
        for law in Law.objects.filter(revision_of=None)
        .select_related("state")
        .filter(state__iso2__in=_states_named(reader))
    }
    indicators = {i.slug: i for i in Indicator.objects.all()}
    rows = _provisions(
        reader,
        states,
        set(indicators),
        set(laws),
        laws_where=gettext("in the database (import it first)"),
    )
    existing = {
        (p.law_id, p.label): p
        for p in LawProvision.objects.prefetch_related("indicators").filter(
            law__in=list(laws.values())
        )
    }
    prepared.context.update(laws=laws, indicators=indicators)
    for row in rows:
        law = laws.get((row.iso2, row.law_citation))
        provision = existing.get((law.pk, row.label)) if law else None
        extra = []
        wanted = set(row.indicators)
        if provision is not None:
            current = {i.slug for i in provision.indicators.all()}
            if current != wanted:
                extra.append(("indicators", show(current), show(wanted)))
        elif wanted:
            extra.append(("indicators", "", show(wanted)))
        key = f"{row.iso2} · {row.law_citation} · {row.label}"
        plan = _row_plan(row.line, key, provision, row.values, extra)
        prepared.rows.append((row, _unreviewed(plan, law, prepared.plan.publish)))


def _prepare_findings(reader: _Reader, states: dict[str, State], prepared: _Prepared) -> None:
    named = _states_named(reader)
    provisions = {
        (p.law.state.iso2, p.law.citation, p.label): p
        for p in LawProvision.objects.select_related("law__state").filter(
            law__state__iso2__in=named, law__revision_of=None
        )
    }
    indicators = {i.slug: i for i in Indicator.objects.all()}
    rows = _findings(
        reader,
        states,
        set(indicators),
        set(provisions),
        provisions_where=gettext("a provision in the database"),
    )
    existing = {
        (f.state.iso2, f.indicator.slug): f
        for f in Finding.objects.select_related("state", "indicator")
        .prefetch_related("evidence__law")
        .filter(state__iso2__in=named, revision_of=None)
    }
    prepared.context.update(provisions=provisions, indicators=indicators, existing=existing)
    for row in rows:
        key = f"{row.iso2} · {row.indicator}"
        if row.line in reader.line_errors:
            prepared.rows.append((row, RowPlan(line=row.line, key=key, action=REJECTED)))
            continue
        evidence = [provisions[(row.iso2, c, label)] for c, label in row.evidence]
        finding = existing.get((row.iso2, row.indicator))
        problems = []
        try:
            validate_finding(
                state=states[row.iso2],
                status=row.status,
                evidence=evidence,
                note=row.note,
                published=prepared.plan.publish
                or (
                    finding is not None
                    and finding.publication_status == PublicationStatus.PUBLISHED
                ),
                indicator=indicators.get(row.indicator),
            )
        except ValidationError as exc:
            problems = exc.messages
        values = {
            "status": row.status,
            "note": row.note,
            **finding_values(row, evidence, _publication(prepared.plan.publish, finding)),
        }
        extra = []
        wanted = {f"{c} :: {label}" for c, label in row.evidence}
        if finding is not None:
            current = {f"{p.law.citation} :: {p.label}" for p in finding.evidence.all()}
            if current != wanted:
                extra.append(("evidence", show(current), show(wanted)))
        elif wanted:
            extra.append(("evidence", "", show(wanted)))
        plan = _row_plan(row.line, key, finding, values, extra)
        plan.errors = problems
        prepared.rows.append((row, _unreviewed(plan, finding, prepared.plan.publish)))
