"""Where an answer was read, how authoritative that is, and which part of the state it covers,
as the API shows them (issue 11): sources with their grade, URL and date read; dates with the
words that state them; a finding's scope."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from hotpath.cache import versioned
from laws.scope import scope_of
from laws.sources import SourceGrade
from treaties.models import Jurisdiction

SOURCE_SCHEMA = {
    "type": "object",
    "nullable": True,
    "properties": {
        # An IRI, not only a URI: the address of a law may hold non-ASCII characters as its
        # publisher writes it (a Chinese path on github.com/LawRefBook/Laws, say).
        "url": {
            "type": "string",
            "format": "iri",
            "description": "The page read (as its publisher writes it: may hold non-ASCII "
            "characters).",
        },
        "grade": {
            "type": "string",
            "enum": SourceGrade.values,
            "description": "`official`: the legislature's or government's own publication; "
            "`authoritative`: a careful reproduction with a citation (UNODC SHERLOC, a legal "
            "information institute, an official translation, a faithful copy of the official "
            "print); `secondary`: a scholarly, NGO or legal publisher's reproduction.",
        },
        "publisher": {"type": "string", "description": "Who publishes it, and what it is."},
        "read_on": {"type": "string", "format": "date", "description": "When it was read."},
    },
    "required": ["url", "grade", "publisher", "read_on"],
}
DATED_SOURCE_SCHEMA = {
    **SOURCE_SCHEMA,
    "properties": {
        **SOURCE_SCHEMA["properties"],
        "quote": {"type": "string", "description": "The words on that page that state the date."},
    },
    "description": "Where the date was read (null: the date is unknown, or given without one).",
}
SCOPE_SCHEMA = {
    "type": "object",
    "properties": {
        "whole_state": {
            "type": "boolean",
            "description": "True when the evidence covers the whole state (a law for the whole "
            "state, or laws of every constituent part).",
        },
        "jurisdictions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
            },
            "description": "When not the whole state: the parts covered (e.g. England and Wales).",
        },
    },
}


def source_dict(source) -> dict | None:
    if source is None:
        return None
    return {
        "url": source.url,
        "grade": source.grade,
        "publisher": source.publisher,
        "read_on": source.read_on.isoformat() if source.read_on else None,
    }


def dated_source_dict(source, quote: str) -> dict | None:
    out = source_dict(source)
    if out is not None:
        out["quote"] = quote or None
    return out


@extend_schema_field(SOURCE_SCHEMA)
class SourceField(serializers.Field):
    """A Source (foreign key) as {url, grade, publisher, read_on}, or null."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return getattr(instance, self.source_attrs[0], None) if instance is not None else None

    def to_representation(self, value):
        return source_dict(value)


@extend_schema_field(DATED_SOURCE_SCHEMA)
class DatedSourceField(serializers.Field):
    """`<date>_source` with its `<date>_quote`, as one object."""

    def __init__(self, date_name: str, **kwargs):
        self.date_name = date_name
        kwargs.setdefault("read_only", True)
        kwargs["source"] = "*"
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return dated_source_dict(
            getattr(instance, f"{self.date_name}_source", None),
            getattr(instance, f"{self.date_name}_quote", ""),
        )


def verification_sentence(sources) -> str:
    """ "Verified against <publisher> (<grade>, <url>), read on <date>; ..." in English: the API's
    `verification_source` (the site composes its own, translated)."""
    return sentence_of(
        (s.publisher, s.get_grade_display(), s.url, s.read_on.isoformat()) for s in sources
    )


def sentence_of(parts) -> str:
    """The verification sentence from (publisher, grade's name, url, ISO date read) tuples."""
    text = "; ".join(f"{who} ({grade}, {url}), read on {day}" for who, grade, url, day in parts)
    return f"Verified against {text}." if text else ""


@versioned
def constituents_by_state() -> dict[int, list]:
    """Every state's constituent jurisdictions (few), once per process and data version."""
    out: dict[int, list] = {}
    for jurisdiction in Jurisdiction.objects.filter(constituent=True).order_by("order", "code"):
        out.setdefault(jurisdiction.state_id, []).append(jurisdiction)
    return out


def finding_scope(finding) -> dict | None:
    """The part of the state the finding's evidence covers (null for `not_assessed`)."""
    if getattr(finding, "pk", None) is None:
        return None
    evidence = getattr(finding, "published_evidence", [])
    jurisdictions = [p.law.jurisdiction for p in evidence]
    return scope_of(jurisdictions, constituents_by_state().get(finding.state_id, [])).as_dict()


def finding_sources(finding) -> list:
    """The distinct sources the finding rests on: its evidence's texts, then (for a `no`) the
    pages checked, in that order."""
    seen, out = set(), []
    candidates = [getattr(p, "source", None) for p in getattr(finding, "published_evidence", [])]
    candidates += list(getattr(finding, "checked_list", []))
    for source in candidates:
        if source is not None and source.url not in seen:
            seen.add(source.url)
            out.append(source)
    return out
