"""Load a topic and its indicators (a controlled vocabulary kept as data) from a JSON file.

The file format (see data/topics/csam.json)::

    {"slug": "csam", "name": ..., "description": ..., "order": 1,
     "indicators": [{"slug": "production", "name": ..., "question": ..., "description": ...,
                     "order": 4,
                     "bases": [{"provision": "opsc-art-3-1-c", "kind": "requires", "note": ...}]}]}

The file is the source of truth for what it names: the topic's fields, its indicators' fields and
each indicator's treaty bases (a basis dropped from the file is deleted). Indicators missing from
the file are left alone: findings may point at them.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core.importing import ImportCounts, upsert
from treaties.models import TreatyProvision

from ..models import BasisKind, Indicator, IndicatorBasis, Topic
from .errors import DataFileError

SLUG_MAX = 60


@dataclass
class _Basis:
    provision: str
    kind: str
    note: str


@dataclass
class _Indicator:
    slug: str
    values: dict
    bases: list[_Basis] = field(default_factory=list)


def _text(obj: dict, key: str, where: str, errors: list[str], *, required=False, max_length=None):
    value = obj.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append(f"{where}: '{key}' must be a string, not {type(value).__name__}.")
        return ""
    value = value.strip()
    if required and not value:
        errors.append(f"{where}: '{key}' is required.")
    if max_length and len(value) > max_length:
        errors.append(f"{where}: '{key}' is {len(value)} characters long (at most {max_length}).")
    return value


def _order(obj: dict, where: str, errors: list[str]) -> int:
    value = obj.get("order", 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 32767:
        errors.append(f"{where}: 'order' must be a whole number from 0 to 32767, not {value!r}.")
        return 0
    return value


# The public topic page's explainer (formatted text, sanitised when rendered).
EXPLAINER_FIELDS = ("definition", "obligations", "responsibility", "what_can_be_done", "references")


def parse_topic_file(path: Path) -> tuple[dict, list[_Indicator]]:
    """Read and validate a topic file against the database (treaty provisions must exist).

    Raises DataFileError listing every problem found.
    """
    name = str(path)
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataFileError([f"{name}: file not found."]) from None
    except json.JSONDecodeError as exc:
        raise DataFileError([f"{name}, line {exc.lineno}: not valid JSON ({exc.msg})."]) from None
    if not isinstance(data, dict):
        raise DataFileError([f"{name}: the file must hold one topic (a JSON object)."])

    errors: list[str] = []
    where = f"{name}: topic"
    topic = {
        "slug": _text(data, "slug", where, errors, required=True, max_length=SLUG_MAX),
        "name": _text(data, "name", where, errors, required=True, max_length=200),
        "description": _text(data, "description", where, errors),
        "order": _order(data, where, errors),
    }
    explainer = data.get("explainer", {})
    if not isinstance(explainer, dict):
        errors.append(f"{where}: 'explainer' must be a JSON object.")
        explainer = {}
    for key in explainer:
        if key not in EXPLAINER_FIELDS and not key.startswith("_"):
            errors.append(
                f"{where}: unknown explainer field {key!r} (one of {', '.join(EXPLAINER_FIELDS)})."
            )
    topic["explainer"] = {
        key: _text(explainer, key, f"{where} explainer", errors) for key in EXPLAINER_FIELDS
    }
    raw_indicators = data.get("indicators")
    if not isinstance(raw_indicators, list) or not raw_indicators:
        errors.append(f"{where}: 'indicators' must be a non-empty list.")
        raw_indicators = []

    known = set(TreatyProvision.objects.values_list("slug", flat=True))
    kinds = set(BasisKind.values)
    indicators: list[_Indicator] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_indicators, start=1):
        where = f"{name}: indicator {i}"
        if not isinstance(raw, dict):
            errors.append(f"{where}: must be a JSON object.")
            continue
        slug = _text(raw, "slug", where, errors, required=True, max_length=SLUG_MAX)
        if slug:
            where = f"{name}: indicator {slug!r}"
            if slug in seen:
                errors.append(f"{where}: listed twice.")
            seen.add(slug)
        indicator = _Indicator(
            slug=slug,
            values={
                "name": _text(raw, "name", where, errors, required=True, max_length=200),
                "question": _text(raw, "question", where, errors, max_length=400),
                "description": _text(raw, "description", where, errors),
                "order": _order(raw, where, errors),
            },
        )
        raw_bases = raw.get("bases", [])
        if not isinstance(raw_bases, list):
            errors.append(f"{where}: 'bases' must be a list.")
            raw_bases = []
        linked: set[str] = set()
        for raw_basis in raw_bases:
            if not isinstance(raw_basis, dict):
                errors.append(f"{where}: each basis must be a JSON object.")
                continue
            provision = _text(raw_basis, "provision", where, errors, required=True)
            kind = _text(raw_basis, "kind", where, errors, required=True)
            note = _text(raw_basis, "note", where, errors, max_length=400)
            if provision and provision not in known:
                errors.append(
                    f"{where}: unknown treaty provision {provision!r} (load the treaties first, "
                    "or fix the slug)."
                )
            if kind and kind not in kinds:
                errors.append(
                    f"{where}: basis kind {kind!r} is not one of {', '.join(sorted(kinds))}."
                )
            if provision in linked:
                errors.append(f"{where}: treaty provision {provision!r} listed twice.")
            linked.add(provision)
            indicator.bases.append(_Basis(provision=provision, kind=kind, note=note))
        indicators.append(indicator)

    taken = dict(
        Indicator.objects.filter(slug__in=seen)
        .exclude(topic__slug=topic["slug"])
        .values_list("slug", "topic__slug")
    )
    for slug, other in taken.items():
        errors.append(f"{name}: indicator {slug!r} already belongs to topic {other!r}.")
    if errors:
        raise DataFileError(errors)
    return topic, indicators


@transaction.atomic
def load_topic_file(path: Path) -> ImportCounts:
    """Upsert the topic, its indicators and their treaty bases. All or nothing; idempotent."""
    topic_data, indicators = parse_topic_file(path)
    topics = ImportCounts(label="topics")
    indicator_counts = ImportCounts(label="indicators")
    basis_counts = ImportCounts(label="treaty bases")

    slug = topic_data.pop("slug")
    explainer = topic_data.pop("explainer")
    topic, outcome = upsert(Topic, {"slug": slug}, topic_data)
    # The explainer is seed text: it fills empty fields only, so an editor's text in the admin
    # is never overwritten by a later load.
    seeded = [key for key, text in explainer.items() if text and not getattr(topic, key)]
    if seeded:
        for key in seeded:
            setattr(topic, key, explainer[key])
        topic.save(update_fields=seeded)
        if outcome == "unchanged":
            outcome = "updated"
    topics.add(outcome)

    provisions = {p.slug: p for p in TreatyProvision.objects.all()}
    for item in indicators:
        indicator, outcome = upsert(Indicator, {"slug": item.slug}, {"topic": topic, **item.values})
        indicator_counts.add(outcome)
        wanted = {provisions[b.provision].pk for b in item.bases}
        stale = IndicatorBasis.objects.filter(indicator=indicator).exclude(provision_id__in=wanted)
        basis_counts.deleted += stale.count()
        stale.delete()
        for basis in item.bases:
            _, outcome = upsert(
                IndicatorBasis,
                {"indicator": indicator, "provision": provisions[basis.provision]},
                {"kind": basis.kind, "note": basis.note},
            )
            basis_counts.add(outcome)

    return ImportCounts(label=str(path), children=[topics, indicator_counts, basis_counts])
