"""Answers in time and treaty gaps: `/stats/timeline/` and `/gaps/` (laws.timeline does the
counting; see docs/SEARCH_AND_TIME.md)."""

import datetime

from django import forms
from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.filters import AsOfField, check_query_parameters
from core.api.schema import PublicAutoSchema
from core.api.serializers import NullableCharField, absent_as_null
from laws.models import NOT_ASSESSED, FindingStatus, Indicator, IndicatorBasis
from laws.timeline import holding, indicator_timeline, published_findings, treaty_timeline
from treaties.api.filters import published_participations
from treaties.api.serializers import CountryRefSerializer
from treaties.models import Reservation, Treaty, TreatyProvision


class _ParameterForm(forms.Form):
    def clean_code(self, name: str, vocabulary) -> object | None:
        value = (self.cleaned_data.get(name) or "").strip().lower()
        if not value:
            return None
        found = vocabulary.filter(**{"code" if name == "treaty" else "slug": value}).first()
        if found is None:
            hint = "/api/v1/treaties/" if name == "treaty" else "/api/v1/indicators/"
            raise forms.ValidationError(f"Unknown value {value[:60]!r}. See {hint}.")
        return found


class TimelineForm(_ParameterForm):
    treaty = forms.CharField(required=False, max_length=20)
    indicator = forms.CharField(required=False, max_length=60)

    def clean_treaty(self):
        return self.clean_code("treaty", Treaty.objects.all())

    def clean_indicator(self):
        return self.clean_code("indicator", Indicator.objects.all())

    def clean(self):
        data = super().clean()
        if not self.errors and bool(data.get("treaty")) == bool(data.get("indicator")):
            raise forms.ValidationError("Give exactly one of `treaty` and `indicator`.")
        return data


class GapsForm(_ParameterForm):
    treaty = forms.CharField(max_length=20)
    indicator = forms.CharField(max_length=60)
    as_of = AsOfField(required=False)

    def clean_treaty(self):
        return self.clean_code("treaty", Treaty.objects.all())

    def clean_indicator(self):
        return self.clean_code("indicator", Indicator.objects.all())


class _StatsView(APIView):
    schema = PublicAutoSchema()
    form_class = forms.Form

    def validated(self, request) -> dict:
        check_query_parameters(
            request.query_params,
            allowed=self.form_class.base_fields,
            formats={renderer.format for renderer in self.renderer_classes},
        )
        form = self.form_class(request.query_params)
        if not form.is_valid():
            errors = {
                ("non_field_errors" if name == "__all__" else name): messages
                for name, messages in form.errors.items()
            }
            raise ValidationError(errors)
        return form.cleaned_data


def point_serializer(**kwargs):
    return inline_serializer(
        name="TimelinePoint",
        fields={
            "year": serializers.IntegerField(),
            "date": serializers.DateField(help_text="31 December, or the as-of date for the last."),
            "parties": serializers.IntegerField(required=False, help_text="With `treaty`."),
            "signatories": serializers.IntegerField(
                required=False, help_text="With `treaty`: signed, not (yet) party."
            ),
            "yes": serializers.IntegerField(
                required=False, help_text="With `indicator`: `yes` findings known to hold."
            ),
            "partial": serializers.IntegerField(
                required=False, help_text="With `indicator`: `partial` findings known to hold."
            ),
            "undated": serializers.IntegerField(
                required=False,
                help_text="With `indicator`: `yes` and `partial` findings holding today that "
                "this point leaves out because since when they hold is not known by its date "
                "(undated, or known only since a later day).",
            ),
        },
        **kwargs,
    )


class TimelineView(_StatsView):
    """Parties and signatories of a treaty at the end of every year, from its first signature
    to the date of the depositary data (`?treaty=`); or the states with a `yes` and a
    `partial` finding for an indicator at the end of every year (`?indicator=`), counting the
    findings known to hold on the day (dated, or known since at least an earlier day); each point
    says how many it left out as undated, and `undated` counts those with no known start at
    all."""

    form_class = TimelineForm

    @extend_schema(
        operation_id="stats_timeline",
        parameters=[
            OpenApiParameter(
                "treaty", str, description="Treaty code. Give this or `indicator`, not both."
            ),
            OpenApiParameter(
                "indicator", str, description="Indicator slug. Give this or `treaty`."
            ),
        ],
        responses={
            200: inline_serializer(
                name="Timeline",
                fields={
                    "treaty": serializers.CharField(allow_null=True),
                    "indicator": serializers.CharField(allow_null=True),
                    "as_of": serializers.DateField(
                        help_text="The last point: the date of the UNTC data for a treaty, "
                        "today for an indicator."
                    ),
                    "source": NullableCharField(
                        help_text="The UNTC data's source; null for an indicator."
                    ),
                    "series": point_serializer(many=True),
                    "undated": serializers.DictField(
                        child=serializers.IntegerField(),
                        allow_null=True,
                        help_text="With `indicator`: published findings by status whose start "
                        "is unknown, with no lower bound either (in no year's count).",
                    ),
                },
            )
        },
    )
    def get(self, request, format=None):
        data = self.validated(request)
        treaty, indicator = data.get("treaty"), data.get("indicator")
        if treaty is not None:
            participations = list(
                published_participations()
                .filter(treaty=treaty)
                .only("signature_date", "consent_date", "withdrawal_date")
            )
            as_of = treaty.status_as_of or timezone.localdate()
            points = treaty_timeline(participations, as_of)
            return Response(
                {
                    "treaty": treaty.code,
                    "indicator": None,
                    "as_of": as_of,
                    "source": absent_as_null(treaty.status_source),
                    "series": [{"year": p.year, "date": p.date, **p.counts} for p in points],
                    "undated": None,
                }
            )
        today = timezone.localdate()
        points, undated = indicator_timeline(indicator, today)
        return Response(
            {
                "treaty": None,
                "indicator": indicator.slug,
                "as_of": today,
                "source": None,
                "series": [{"year": p.year, "date": p.date, **p.counts} for p in points],
                "undated": undated,
            }
        )


def gap_reservation_serializer(**kwargs):
    return inline_serializer(
        name="GapReservation",
        fields={
            "kind": serializers.CharField(),
            "heading": NullableCharField(),
            "text": NullableCharField(),
            "date": serializers.DateField(allow_null=True),
            "withdrawn_date": serializers.DateField(allow_null=True),
            "provisions": serializers.ListField(
                child=serializers.CharField(), help_text="Treaty provisions its text names."
            ),
        },
        **kwargs,
    )


def gap_serializer(**kwargs):
    return inline_serializer(
        name="Gap",
        fields={
            "country": CountryRefSerializer(),
            "status": serializers.ChoiceField(
                choices=["no", "partial", "not_assessed"], help_text="As of `as_of`."
            ),
            "current_status": serializers.ChoiceField(
                choices=[*FindingStatus.values, NOT_ASSESSED],
                help_text="The published finding today (differs from `status` at a past date when "
                "the finding is undated or began later).",
            ),
            "consent_date": serializers.DateField(),
            "reservations": gap_reservation_serializer(many=True),
        },
        **kwargs,
    )


class GapsView(_StatsView):
    """Parties to a treaty whose finding for an indicator is not `yes` — `no`, `partial`, or
    `not_assessed` (no published finding: unknown, not `no`) — each with the declarations and
    reservations it made to the treaty provisions behind the indicator (or to the articles and
    paragraphs containing them, or within them). With `as_of`, parties on that day and the
    findings holding on that day (undated findings are not known to hold at a past date, so
    their states count as `not_assessed` then)."""

    form_class = GapsForm

    @extend_schema(
        operation_id="gaps",
        parameters=[
            OpenApiParameter("treaty", str, required=True, description="Treaty code."),
            OpenApiParameter("indicator", str, required=True, description="Indicator slug."),
            OpenApiParameter(
                "as_of", datetime.date, description="YYYY-MM-DD (default: the current data)."
            ),
        ],
        responses={
            200: inline_serializer(
                name="Gaps",
                fields={
                    "treaty": serializers.CharField(),
                    "indicator": serializers.CharField(),
                    "as_of": serializers.DateField(allow_null=True),
                    "treaty_provisions": serializers.ListField(
                        child=serializers.CharField(),
                        help_text="The provisions of this treaty behind the indicator.",
                    ),
                    "parties": serializers.IntegerField(),
                    "counts": serializers.DictField(
                        child=serializers.IntegerField(),
                        help_text="Parties by status: yes, partial, no, not_assessed.",
                    ),
                    "gaps": serializers.DictField(
                        child=gap_serializer(many=True),
                        help_text="`no`, `partial` and `not_assessed`, each a list of parties.",
                    ),
                },
            )
        },
    )
    def get(self, request, format=None):
        data = self.validated(request)
        treaty, indicator, as_of = data["treaty"], data["indicator"], data.get("as_of")
        basis = [
            b.provision
            for b in IndicatorBasis.objects.filter(indicator=indicator, provision__treaty=treaty)
            .select_related("provision")
            .order_by("provision__order", "provision__slug")
        ]
        relevant = _related_provisions(treaty, basis)
        parties = list(
            published_participations()
            .filter(treaty=treaty)
            .parties(as_of=as_of)
            .select_related("state")
            .prefetch_related(
                Prefetch(
                    "reservations",
                    queryset=Reservation.objects.filter(treaty_provisions__in=relevant)
                    .distinct()
                    .prefetch_related("treaty_provisions")
                    .order_by("order", "pk"),
                    to_attr="relevant_reservations",
                )
            )
            .order_by("state__name", "state__iso2")
        )
        findings = published_findings().filter(indicator=indicator)
        now = dict(findings.values_list("state_id", "status"))
        then = now
        if as_of is not None:
            then = dict(holding(findings, as_of).values_list("state_id", "status"))
        counts = {s: 0 for s in [*FindingStatus.values, NOT_ASSESSED]}
        gaps: dict[str, list] = {"no": [], "partial": [], NOT_ASSESSED: []}
        context = {"request": request}
        relevant_ids = {p.pk for p in relevant}
        for participation in parties:
            status = then.get(participation.state_id, NOT_ASSESSED)
            counts[status] += 1
            if status == FindingStatus.YES:
                continue
            # The reservations in force on the day: made by then, and not withdrawn by then.
            day = as_of or datetime.date.max
            reservations = [
                r
                for r in participation.relevant_reservations
                if (r.date is None or r.date <= day)
                and (r.withdrawn_date is None or r.withdrawn_date > day)
            ]
            gaps[status].append(
                {
                    "country": CountryRefSerializer(participation.state, context=context).data,
                    "status": status,
                    "current_status": now.get(participation.state_id, NOT_ASSESSED),
                    "consent_date": participation.consent_date,
                    "reservations": [
                        {
                            "kind": r.kind,
                            "heading": absent_as_null(r.heading),
                            "text": absent_as_null(r.text),
                            "date": r.date,
                            "withdrawn_date": r.withdrawn_date,
                            "provisions": sorted(
                                p.slug for p in r.treaty_provisions.all() if p.pk in relevant_ids
                            ),
                        }
                        for r in reservations
                    ],
                }
            )
        return Response(
            {
                "treaty": treaty.code,
                "indicator": indicator.slug,
                "as_of": as_of,
                "treaty_provisions": [p.slug for p in basis],
                "parties": len(parties),
                "counts": counts,
                "gaps": gaps,
            }
        )


def _related_provisions(treaty: Treaty, basis: list[TreatyProvision]) -> list[TreatyProvision]:
    """The basis provisions, the articles and paragraphs containing them, and their own
    sub-divisions: a reservation to article 3 bears on 3(1)(c); one to 3(5) does not."""
    provisions = {p.pk: p for p in TreatyProvision.objects.filter(treaty=treaty)}
    children: dict[int, list[int]] = {}
    for p in provisions.values():
        if p.parent_id:
            children.setdefault(p.parent_id, []).append(p.pk)
    related: set[int] = set()
    for provision in basis:
        node = provisions.get(provision.pk)
        while node is not None:
            related.add(node.pk)
            node = provisions.get(node.parent_id)
        stack = list(children.get(provision.pk, []))
        while stack:
            pk = stack.pop()
            related.add(pk)
            stack.extend(children.get(pk, []))
    return [provisions[pk] for pk in sorted(related)]
