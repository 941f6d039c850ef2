"""Fewer queries for the country detail: children fetched as a JSON array per parent row.

`prefetch_related` costs one query per relation. Here the reservations of each participation and
the evidence of each finding come back in the parent's own query, as a correlated subquery that
aggregates the children into JSON (`JSON_AGG` on PostgreSQL, `JSON_GROUP_ARRAY` on SQLite); they
are turned back into unsaved model instances that the serializers read like prefetched rows. The
country detail thus costs the same number of queries whatever the number of laws, provisions,
reservations or findings (tests/performance/test_query_counts.py).
"""

import json

from django.db.models import Aggregate, Func, OuterRef, Subquery, TextField
from django.db.models.functions import Cast, JSONObject
from django.utils.dateparse import parse_date

from core.publication import PublicationStatus
from hotpath.cache import versioned
from laws.models import Indicator, Law, LawProvision, Source
from laws.timeline import Cited, period
from treaties.models import Jurisdiction, Reservation


class JSONArrayAgg(Aggregate):
    """The rows as a JSON array, as text (parsed once, in `_loads`)."""

    function = "JSON_AGG"
    template = "%(function)s(%(distinct)s%(expressions)s)::text"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            function="JSON_GROUP_ARRAY",
            template="%(function)s(%(distinct)s%(expressions)s)",
            **extra_context,
        )


class JSONRow(JSONObject):
    """A row as a JSON object: `JSON_BUILD_OBJECT` on PostgreSQL, where Django's `JSONObject`
    builds `jsonb` (keys sorted, duplicates merged: work nobody reads here, since the array is
    read back as text and parsed in Python). The country detail's findings query spent a fifth of
    its time on that conversion (0.80 against 0.64 ms, EXPLAIN ANALYZE on the benchmark's data,
    2026-12-08). Elsewhere, Django's `JSONObject` as it is."""

    def as_postgresql(self, compiler, connection, **extra_context):
        copy = self.copy()
        copy.set_source_expressions(
            [
                Cast(expression, TextField()) if index % 2 == 0 else expression
                for index, expression in enumerate(copy.get_source_expressions())
            ]
        )
        return Func.as_sql(
            copy, compiler, connection, function="JSON_BUILD_OBJECT", **extra_context
        )


def rows_json(queryset, parent: str, **fields):
    """The rows of `queryset` whose `parent` is the outer row, as one JSON array (or null)."""
    return Subquery(
        queryset.filter(**{parent: OuterRef("pk")})
        .order_by()
        .values(parent)
        .annotate(rows=JSONArrayAgg(JSONRow(**fields)))
        .values("rows")[:1],
        output_field=TextField(),
    )


def _loads(value):
    return json.loads(value) if value else []


def with_reservations(participations):
    return participations.annotate(
        reservations_json=rows_json(
            Reservation.objects.all(),
            "participation",
            id="pk",
            kind="kind",
            heading="heading",
            text="text",
            date="date",
            withdrawn_date="withdrawn_date",
            order="order",
        )
    )


def attach_reservations(participations) -> None:
    for participation in participations:
        rows = sorted(_loads(participation.reservations_json), key=lambda r: (r["order"], r["id"]))
        participation._prefetched_objects_cache = {
            "reservations": [
                Reservation(
                    pk=row["id"],
                    participation_id=participation.pk,
                    kind=row["kind"],
                    heading=row["heading"],
                    text=row["text"],
                    date=parse_date(row["date"]) if row["date"] else None,
                    withdrawn_date=parse_date(row["withdrawn_date"])
                    if row["withdrawn_date"]
                    else None,
                    order=row["order"],
                )
                for row in rows
            ]
        }


def with_evidence(findings):
    """Evidence restricted to provisions of published laws (a draft law never shows)."""
    provisions = LawProvision.objects.filter(law__publication_status=PublicationStatus.PUBLISHED)
    return findings.annotate(
        evidence_json=rows_json(
            provisions,
            "findings",
            id="pk",
            label="label",
            heading="heading",
            order="order",
            law_id="law_id",
            law_title="law__title",
            law_citation="law__citation",
            law_source_url="law__source_url",
            # What the effective period is derived from (laws.timeline.period).
            in_force_from="in_force_from",
            in_force_to="in_force_to",
            earlier_wording_unread="earlier_wording_unread",
            law_date_repealed="law__date_repealed",
            law_jurisdiction_id="law__jurisdiction_id",
            law_jurisdiction_code="law__jurisdiction__code",
            law_jurisdiction_name="law__jurisdiction__name",
            # Where the text was read (issue 11): the finding's sources and their grades.
            source_url="source__url",
            source_grade="source__grade",
            source_publisher="source__publisher",
            source_read_on="source__read_on",
        ),
        checked_json=rows_json(
            Source.objects.all(),
            "findings_checked",
            url="url",
            grade="grade",
            publisher="publisher",
            read_on="read_on",
        ),
    )


def attach_evidence(findings) -> None:
    """Each finding's `published_evidence` from its JSON, and its effective period (`period_from`,
    `period_to`, `dated`, `known_from`) derived from the same rows, as
    `laws.timeline.with_period` derives it in SQL."""
    for finding in findings:
        rows = sorted(
            _loads(finding.evidence_json), key=lambda r: (r["law_title"], r["order"], r["id"])
        )
        evidence, cited = [], []
        for row in rows:
            law = Law(
                pk=row["law_id"],
                title=row["law_title"],
                citation=row["law_citation"],
                source_url=row["law_source_url"],
                jurisdiction=None
                if row["law_jurisdiction_id"] is None
                else Jurisdiction(
                    pk=row["law_jurisdiction_id"],
                    code=row["law_jurisdiction_code"],
                    name=row["law_jurisdiction_name"],
                ),
            )
            provision = LawProvision(
                pk=row["id"],
                law=law,
                label=row["label"],
                heading=row["heading"],
                order=row["order"],
                source=_source(row, "source_"),
            )
            evidence.append(provision)
            cited.append(cited_from_row(row))
        finding.published_evidence = evidence
        finding.checked_list = [
            _source(row) for row in sorted(_loads(finding.checked_json), key=lambda r: r["url"])
        ]
        finding.period_from, finding.period_to, finding.dated, finding.known_from = period(
            finding.effective_from, finding.effective_to, cited, finding.status
        )


def cited_from_row(row: dict) -> Cited:
    """What the period rules read of one row of a finding's evidence JSON (`with_evidence`)."""
    return Cited(
        in_force_from=_date(row["in_force_from"]),
        in_force_to=_date(row["in_force_to"]),
        law_date_repealed=_date(row["law_date_repealed"]),
        jurisdiction_id=row["law_jurisdiction_id"],
        earlier_wording_unread=bool(row["earlier_wording_unread"]),
    )


def _date(value):
    return parse_date(value) if value else None


def _source(row: dict, prefix: str = "") -> Source | None:
    if row.get(prefix + "url") is None:
        return None
    return Source(
        url=row[prefix + "url"],
        grade=row[prefix + "grade"],
        publisher=row[prefix + "publisher"],
        read_on=_date(row[prefix + "read_on"]),
    )


@versioned
def indicators_with_topics() -> list[Indicator]:
    """Every indicator with its topic, in order: once per process and data version."""
    return list(
        Indicator.objects.select_related("topic").order_by(
            "topic__order", "topic__slug", "order", "slug"
        )
    )
