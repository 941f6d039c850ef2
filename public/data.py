"""Reads for the public site. Only published records (DOMAIN rule 4); a state without a finding
for an indicator is *not assessed*, never "no" (rule 2). Every function runs a fixed number of
queries, whatever the number of rows."""

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from laws.models import NOT_ASSESSED, Finding, Indicator, Topic
from treaties.models import Participation, ParticipationStatus, Region, State, Treaty

from .names import _territories, sort_key, state_name

FINDING_STATUSES = ["yes", "partial", "no", NOT_ASSESSED]
TREATY_STATUSES = [
    ParticipationStatus.PARTY.value,
    ParticipationStatus.SIGNATORY.value,
    ParticipationStatus.NO_ACTION.value,
]


def finding_labels() -> dict[str, str]:
    return {
        "yes": _("Yes"),
        "partial": _("Partial"),
        "no": _("No"),
        NOT_ASSESSED: _("Not assessed"),
    }


def treaty_labels() -> dict[str, str]:
    return {"party": _("Party"), "signatory": _("Signatory"), "no_action": _("No action")}


class BadQuery(Exception):
    """A query-string value outside a controlled vocabulary: shown to the user (DOMAIN rule 5)."""

    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def states():
    return State.objects.select_related("region", "subregion")


def sorted_states(items) -> list:
    return sorted(items, key=lambda s: sort_key(state_name(s)))


def indicators():
    return Indicator.objects.select_related("topic").order_by("topic__order", "order", "slug")


def get_indicator(slug: str, parameter: str = "indicator") -> Indicator:
    try:
        return indicators().get(slug=slug)
    except Indicator.DoesNotExist:
        raise BadQuery(parameter, _("Unknown indicator: “%(value)s”.") % {"value": slug}) from None


def get_treaty(code: str, parameter: str = "treaty") -> Treaty:
    try:
        return Treaty.objects.get(code=code.lower())
    except Treaty.DoesNotExist:
        raise BadQuery(parameter, _("Unknown treaty: “%(value)s”.") % {"value": code}) from None


def get_region(slug: str, parameter: str = "region") -> Region:
    try:
        return Region.objects.get(slug=slug.lower())
    except Region.DoesNotExist:
        raise BadQuery(parameter, _("Unknown region: “%(value)s”.") % {"value": slug}) from None


def parse_list(values: list[str]) -> list[str]:
    """`a,b` and repeated parameters alike, in order, without duplicates or blanks."""
    out: list[str] = []
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if item and item not in out:
                out.append(item)
    return out


def _name_key(text: str) -> str:
    """A name as typed, compared without case, accents, punctuation or spaces ("cote divoire"
    is Côte d'Ivoire)."""
    return "".join(c for c in sort_key(text) if c.isalnum())


def resolve_states(entries: list[str], all_states: list) -> tuple[list, list[str]]:
    """Each entry read as an ISO code (alpha-2 or alpha-3) or a state's name in any of the
    site's languages (`Royaume-Uni`, `Франция`, `فرنسا`): the states found, in the entries'
    order without duplicates, and the entries that named none (said on the page, issue 13.3)."""
    from django.conf import settings

    keys: dict[str, object] = {}
    for state in all_states:
        keys.setdefault(state.iso2.upper(), state)
        keys.setdefault(state.iso3.upper(), state)
    for state in all_states:
        names = {state.name, state.official_name, state.untc_name}
        names.add(_territories("en").get(state.iso2, state.name))
        names.update(state_name(state, code) for code, _name in settings.LANGUAGES)
        for name in names:
            if name:
                keys.setdefault(_name_key(name), state)
    chosen: list = []
    not_understood: list[str] = []
    for entry in entries:
        state = keys.get(entry.strip().upper()) or keys.get(_name_key(entry))
        if state is None:
            not_understood.append(entry)
        elif state not in chosen:
            chosen.append(state)
    return chosen, not_understood


def finding_statuses(indicator: Indicator) -> dict[int, str]:
    """state id -> status, for every state that has a published finding."""
    return dict(
        Finding.objects.published().filter(indicator=indicator).values_list("state_id", "status")
    )


def participation_statuses(treaty: Treaty) -> dict[int, str]:
    """state id -> party / signatory, for every state that acted on the treaty (published)."""
    out = {}
    for p in (
        Participation.objects.published()
        .filter(treaty=treaty)
        .only("state_id", "signature_date", "consent_date", "withdrawal_date")
    ):
        out[p.state_id] = p.status()
    return out


@lru_cache(maxsize=1)
def world_geometry() -> dict:
    return json.loads((Path(__file__).parent / "map" / "world.json").read_text())


@dataclass
class Layer:
    """What the map, its legend and its table show: one indicator's or one treaty's statuses."""

    kind: str  # "indicator" | "treaty" | "query" (the query builder's answer)
    subject: Indicator | Treaty | str
    rows: list = field(default_factory=list)  # [(state, status)], sorted by localised name
    legend: list = field(default_factory=list)  # [(status, label, count)]
    labels: dict | None = None  # status -> label, when neither an indicator's nor a treaty's

    @property
    def param(self) -> str:
        return "indicator" if self.kind == "indicator" else "treaty"

    @property
    def value(self) -> str:
        if self.kind == "query":
            return "query"
        return self.subject.slug if self.kind == "indicator" else self.subject.code

    @property
    def title(self) -> str:
        if self.kind == "query":
            return str(self.subject)
        return str(self.subject.name if self.kind == "indicator" else self.subject.short_title)

    def count(self, status: str) -> int:
        return next((n for s, _label, n in self.legend if s == status), 0)


def build_layer(kind: str, subject, all_states: list) -> Layer:
    if kind == "indicator":
        statuses = finding_statuses(subject)
        default, order, labels = NOT_ASSESSED, FINDING_STATUSES, finding_labels()
    else:
        statuses = participation_statuses(subject)
        default, order, labels = "no_action", TREATY_STATUSES, treaty_labels()
    rows = [(s, statuses.get(s.pk, default)) for s in sorted_states(all_states)]
    counts = Counter(status for _s, status in rows)
    legend = [(status, labels[status], counts.get(status, 0)) for status in order]
    return Layer(kind=kind, subject=subject, rows=rows, legend=legend)


def resolve_layer(params, all_states: list, default_indicator: str = "simple_possession") -> Layer:
    """The layer a query string asks for (`?indicator=` or `?treaty=`), else the default."""
    indicator, treaty = params.get("indicator", "").strip(), params.get("treaty", "").strip()
    if indicator and treaty:
        raise BadQuery("treaty", _("Choose an indicator or a treaty, not both."))
    if treaty:
        return build_layer("treaty", get_treaty(treaty), all_states)
    if indicator:
        return build_layer("indicator", get_indicator(indicator), all_states)
    subject = indicators().filter(slug=default_indicator).first() or indicators().first()
    if subject is None:
        subject = Treaty.objects.filter(code="opsc").first() or Treaty.objects.first()
        return build_layer("treaty", subject, all_states) if subject else None
    return build_layer("indicator", subject, all_states)


def map_shapes(layer: Layer) -> dict:
    """The map's drawable states (with status, name and link) and the non-state background."""
    geometry = world_geometry()
    labels = layer.labels or (finding_labels() if layer.kind == "indicator" else treaty_labels())
    by_m49 = {}
    shapes = []
    for state, status in layer.rows:
        by_m49[state.m49] = state
        shape = geometry["shapes"].get(state.m49)
        if shape is None:
            continue
        shapes.append(
            {
                "state": state,
                "name": state_name(state),
                "status": status,
                "label": labels[status],
                "url": reverse("public:country", args=[state.iso2.lower()]),
                "d": shape["d"],
                "marker": shape["marker"],
            }
        )
    background = [s["d"] for m49, s in geometry["shapes"].items() if m49 not in by_m49 and s["d"]]
    return {
        "width": geometry["width"],
        "height": geometry["height"],
        "sphere": geometry["sphere"],
        "graticule": geometry["graticule"],
        "shapes": shapes,
        "background": background,
        "missing": [s for s in by_m49.values() if s.m49 not in geometry["shapes"]],
    }


def topics():
    return Topic.objects.all()
