"""The public research site's pages. Server-rendered; only published records; a bounded number
of queries per page (asserted in tests/site)."""

import datetime
from collections import Counter, defaultdict
from pathlib import Path

from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt

from laws.columns import LAW_FIELD_NAMES
from laws.models import (
    NOT_ASSESSED,
    Finding,
    IndicatorBasis,
    Law,
    LawKind,
    LawProvision,
    LawStatus,
    Topic,
)
from treaties.models import (
    ConsentType,
    Objection,
    Participation,
    ParticipationStatus,
    Region,
    Reservation,
    Treaty,
    TreatyProvision,
    UNStatus,
)

from . import data
from .data import BadQuery, finding_labels, treaty_labels
from .evidence import state_findings
from .exports import (
    FORMATS,
    export_table,
    findings_matrix_response,
    reservations_table,
    table_response,
    translated,
)
from .names import format_day, sort_key, state_name
from .parameters import accepts
from .search import SearchQuery, search


def quoted_list(values: list[str]) -> str:
    """“a”, “b”: the entries as typed, in the language's list style (Arabic: “a”، “b”)."""
    separator = "، " if translation.get_language_bidi() else ", "
    return separator.join(f"“{v}”" for v in values)


def bad_request(request, error: BadQuery, template: str = "public/error.html", context=None):
    context = {**(context or {})}
    context["errors"] = [error, *context.pop("more_errors", [])]
    context.setdefault("title", _("The request could not be answered"))
    response = render(request, template, context, status=400)
    return response


def export_format(request) -> str | None:
    fmt = request.GET.get("format", "").strip().lower()
    if not fmt:
        return None
    if fmt not in FORMATS:
        raise BadQuery("format", _("Unknown format: “%(value)s” (csv or xlsx).") % {"value": fmt})
    return fmt


HEADLINE_QUESTION = ("production", "distribution", "simple_possession")


@accepts("indicator", "treaty")
def home(request):
    all_states = list(data.states())
    try:
        layer = data.resolve_layer(request.GET, all_states)
    except BadQuery as error:
        return bad_request(request, error)
    headline = None
    possession = next(
        (i for i in data.indicators() if i.slug == "simple_possession"), None
    )  # 1 query
    if possession is not None:
        headline = data.build_layer("indicator", possession, all_states)
    treaties = list(Treaty.objects.all())
    treaty_counts = []
    counts = Counter(
        (p.treaty_id, p.status())
        for p in Participation.objects.published().only(
            "treaty_id", "signature_date", "consent_date", "withdrawal_date"
        )
    )
    for treaty in treaties:
        treaty_counts.append(
            {
                "treaty": treaty,
                "parties": counts[(treaty.pk, ParticipationStatus.PARTY)],
                "signatories": counts[(treaty.pk, ParticipationStatus.SIGNATORY)],
            }
        )
    context = {
        "layer": layer,
        "map": data.map_shapes(layer) if layer else None,
        "headline": headline,
        "state_total": len(all_states),
        "treaty_counts": treaty_counts,
        "indicators": (indicators := list(data.indicators())),
        # The headline question, for the query builder's link (those of its questions held).
        "headline_query": ",".join(i.slug for i in indicators if i.slug in HEADLINE_QUESTION),
        "treaties": treaties,
        "topics": list(Topic.objects.all()),
        "law_count": Law.objects.published().count(),
        "finding_count": Finding.objects.published().count(),
    }
    return render(request, "public/home.html", context)


@accepts("region", "un_status", "q", "format")
def country_list(request):
    try:
        fmt = export_format(request)
        region = data.get_region(request.GET["region"]) if request.GET.get("region") else None
        un_status = request.GET.get("un_status", "").strip()
        if un_status and un_status not in UNStatus.values:
            raise BadQuery("un_status", _("Unknown UN status: “%(value)s”.") % {"value": un_status})
    except BadQuery as error:
        return bad_request(request, error)
    qs = data.states()
    if region is not None:
        qs = qs.in_region(region)
    if un_status:
        qs = qs.filter(un_status=un_status)
    q = request.GET.get("q", "").strip()
    rows = data.sorted_states(qs)
    if q:
        needle = sort_key(q)
        rows = [s for s in rows if needle in sort_key(state_name(s)) or needle in sort_key(s.name)]
    treaties = list(Treaty.objects.all())
    statuses = defaultdict(dict)
    for p in Participation.objects.published().only(
        "state_id", "treaty_id", "signature_date", "consent_date", "withdrawal_date"
    ):
        statuses[p.state_id][p.treaty_id] = p.status()
    assessed = Counter(Finding.objects.published().values_list("state_id", flat=True))
    labels = treaty_labels()
    table = []
    for state in rows:
        table.append(
            {
                "state": state,
                "name": state_name(state),
                "treaties": [
                    (
                        t,
                        statuses[state.pk].get(t.pk, "no_action"),
                        labels[statuses[state.pk].get(t.pk, "no_action")],
                    )
                    for t in treaties
                ],
                "findings": assessed.get(state.pk, 0),
            }
        )
    if fmt:
        headers = ["iso2", "iso3", "name", "region", "subregion", "un_status"]
        headers += [f"{t.code}_status" for t in treaties] + ["findings_published"]
        return table_response(
            fmt,
            "countries",
            headers,
            (
                [
                    r["state"].iso2,
                    r["state"].iso3,
                    r["name"],
                    translated(r["state"].region.name),
                    translated(r["state"].subregion.name),
                    r["state"].un_status,
                ]
                + [status for _t, status, _l in r["treaties"]]
                + [r["findings"]]
                for r in table
            ),
        )
    return render(
        request,
        "public/country_list.html",
        {
            "rows": table,
            "treaties": treaties,
            "regions": Region.objects.filter(parent__isnull=True),
            "region": region,
            "un_status": un_status,
            "un_statuses": UNStatus.choices,
            "q": q,
        },
    )


@accepts()
def country(request, iso2: str):
    if iso2 != iso2.lower():
        return redirect("public:country", iso2.lower(), permanent=True)
    state = get_object_or_404(data.states(), iso2=iso2.upper())
    participations = list(
        Participation.objects.published()
        .filter(state=state)
        .select_related("treaty")
        .prefetch_related(
            Prefetch("reservations", queryset=Reservation.objects.order_by("order")),
            "end_notes",
        )
        .order_by("treaty__order")
    )
    treaties = list(Treaty.objects.all())
    acted = {p.treaty_id: p for p in participations}
    treaty_rows = [(t, acted.get(t.pk)) for t in treaties]
    objections = list(
        Objection.objects.filter(objecting_state=state).select_related("treaty", "reserving_state")
    )
    findings = state_findings(state)
    labels = finding_labels()
    topic_rows = []
    tlabels = treaty_labels()
    for indicator in data.indicators().prefetch_related(
        Prefetch("bases", queryset=IndicatorBasis.objects.select_related("provision__treaty"))
    ):
        if not topic_rows or topic_rows[-1]["topic"] != indicator.topic:
            topic_rows.append({"topic": indicator.topic, "rows": []})
        finding = findings.get(indicator.pk)
        status = finding.status if finding else NOT_ASSESSED
        # Is the state bound by the treaty provision behind the question?
        bases = []
        for basis in indicator.bases.all():
            p = acted.get(basis.provision.treaty_id)
            treaty_status = p.status() if p else "no_action"
            bases.append(
                {
                    "basis": basis,
                    "treaty_status": treaty_status,
                    "treaty_label": tlabels[treaty_status],
                    "since": p.consent_date if p and treaty_status == "party" else None,
                }
            )
        topic_rows[-1]["rows"].append(
            {
                "indicator": indicator,
                "finding": finding,
                "status": status,
                "label": labels[status],
                "bases": bases,
            }
        )
    laws = list(
        Law.objects.published()
        .filter(state=state)
        .prefetch_related("provisions__indicators")
        .order_by("year_enacted", "title")
    )
    findings_updated = max((f.updated_at for f in findings.values()), default=None)
    status_as_of = max(
        (
            p.as_of or p.treaty.status_as_of
            for p in participations
            if p.as_of or p.treaty.status_as_of
        ),
        default=None,
    )
    return render(
        request,
        "public/country.html",
        {
            "state": state,
            "name": state_name(state),
            "treaty_rows": treaty_rows,
            "objections": objections,
            "topic_rows": topic_rows,
            "laws": laws,
            "findings_updated": findings_updated,
            "status_as_of": status_as_of,
            "assessed": len(findings),
            "treaty_labels": treaty_labels(),
            "cite": citation(request, state_name(state), status_as_of),
        },
    )


def citation(request, title: str, as_of) -> dict:
    permalink = request.build_absolute_uri(request.path)
    today = datetime.date.today()
    return {
        "permalink": permalink,
        "accessed": today,
        "text": _(
            "CRIN Legal Database, “%(title)s”, %(url)s (data as of %(as_of)s; accessed %(today)s)."
        )
        % {
            "title": title,
            "url": permalink,
            "as_of": format_day(as_of) if as_of else _("undated"),
            "today": format_day(today),
        },
    }


@accepts()
def law(request, pk: int):
    law_obj = get_object_or_404(Law.objects.published().select_related("state"), pk=pk)
    provisions = list(
        law_obj.provisions.select_related("source", "text_en_source").prefetch_related(
            "indicators",
            Prefetch(
                "findings",
                queryset=Finding.objects.published().select_related("indicator"),
                to_attr="published_findings",
            ),
        )
    )
    amends = list(law_obj.amends.published())
    amended_by = list(law_obj.amended_by.published())
    return render(
        request,
        "public/law.html",
        {
            "law": law_obj,
            "state_name": state_name(law_obj.state),
            "provisions": provisions,
            "amends": amends,
            "amended_by": amended_by,
            "finding_labels": finding_labels(),
            "cite": citation(request, law_obj.title, law_obj.updated_at),
        },
    )


@accepts("country", "region", "indicator", "kind", "status", "format")
def law_list(request):
    try:
        fmt = export_format(request)
        state_codes = data.parse_list(request.GET.getlist("country"))
        region = data.get_region(request.GET["region"]) if request.GET.get("region") else None
        indicator = (
            data.get_indicator(request.GET["indicator"]) if request.GET.get("indicator") else None
        )
        kind = request.GET.get("kind", "").strip()
        if kind and kind not in LawKind.values:
            raise BadQuery("kind", _("Unknown kind of law: “%(value)s”.") % {"value": kind})
        status = request.GET.get("status", "").strip()
        if status and status not in LawStatus.values:
            raise BadQuery("status", _("Unknown law status: “%(value)s”.") % {"value": status})
        states_found = list(data.states().filter(iso2__in=[c.upper() for c in state_codes]))
        missing = {c.upper() for c in state_codes} - {s.iso2 for s in states_found}
        if missing:
            raise BadQuery(
                "country",
                _("Unknown country: “%(value)s”.") % {"value": ", ".join(sorted(missing))},
            )
    except BadQuery as error:
        return bad_request(request, error)
    qs = Law.objects.published().select_related("state")
    if states_found:
        qs = qs.filter(state__in=states_found)
    if region is not None:
        qs = qs.filter(Q(state__region=region) | Q(state__subregion=region))
    if indicator is not None:
        qs = qs.filter(provisions__indicators=indicator).distinct()
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    laws = sorted(qs, key=lambda law_: (sort_key(state_name(law_.state)), law_.year_enacted or 0))
    if fmt:
        return table_response(
            fmt,
            "laws",
            # A law's own columns as in the API and the dataset (laws/columns.py).
            ["id", "country_iso2", "country", *LAW_FIELD_NAMES, "url"],
            (
                [law_.pk, law_.state.iso2, state_name(law_.state)]
                + [getattr(law_, name) for name in LAW_FIELD_NAMES]
                + [request.build_absolute_uri(reverse("public:law", args=[law_.pk]))]
                for law_ in laws
            ),
        )
    return render(
        request,
        "public/law_list.html",
        {
            "laws": laws,
            "regions": Region.objects.filter(parent__isnull=True),
            "indicators": list(data.indicators()),
            "kinds": LawKind.choices,
            "statuses": LawStatus.choices,
            "region": region,
            "indicator": indicator,
            "kind": kind,
            "status": status,
            "countries": ",".join(s.iso2 for s in states_found),
        },
    )


@accepts("region", "status", "consent_type", "format", "table")
def treaty(request, code: str):
    treaty_obj = get_object_or_404(Treaty, code=code.lower())
    if code != treaty_obj.code:
        return redirect("public:treaty", treaty_obj.code, permanent=True)
    try:
        fmt = export_format(request)
        table = export_table(request, ("reservations",))
        region = data.get_region(request.GET["region"]) if request.GET.get("region") else None
        status = request.GET.get("status", "").strip()
        if status and status not in data.TREATY_STATUSES:
            raise BadQuery("status", _("Unknown treaty status: “%(value)s”.") % {"value": status})
        consent_type = request.GET.get("consent_type", "").strip()
        if consent_type and consent_type not in ConsentType.values:
            raise BadQuery(
                "consent_type", _("Unknown kind of consent: “%(value)s”.") % {"value": consent_type}
            )
    except BadQuery as error:
        return bad_request(request, error)
    all_states = list(data.states())
    participations = {
        p.state_id: p
        for p in Participation.objects.published()
        .filter(treaty=treaty_obj)
        .prefetch_related("reservations")
    }
    labels = treaty_labels()
    rows = []
    for state in data.sorted_states(all_states):
        p = participations.get(state.pk)
        st = p.status() if p else "no_action"
        rows.append(
            {"state": state, "name": state_name(state), "p": p, "status": st, "label": labels[st]}
        )
    non_parties = [r for r in rows if r["status"] != "party"]
    shown = rows
    if region is not None:
        shown = [r for r in shown if region.pk in (r["state"].region_id, r["state"].subregion_id)]
    if status:
        shown = [r for r in shown if r["status"] == status]
    if consent_type:
        shown = [r for r in shown if r["p"] and r["p"].consent_type == consent_type]
    if fmt:
        return table_response(
            fmt,
            f"{treaty_obj.code}-participation",
            [
                "iso2",
                "country",
                "region",
                "status",
                "signature_date",
                "consent_date",
                "consent_type",
                "withdrawal_date",
                "reservations_and_declarations",
                "source_url",
                "as_of",
            ],
            (
                [
                    r["state"].iso2,
                    r["name"],
                    translated(r["state"].region.name),
                    r["status"],
                    r["p"] and r["p"].signature_date,
                    r["p"] and r["p"].consent_date,
                    r["p"].consent_type if r["p"] else "",
                    r["p"] and r["p"].withdrawal_date,
                    len(r["p"].reservations.all()) if r["p"] else 0,
                    r["p"].source_url if r["p"] else "",
                    r["p"] and r["p"].as_of,
                ]
                for r in shown
            ),
            more=[reservations_table(shown)],
            table=table,
        )
    provisions = list(TreatyProvision.objects.filter(treaty=treaty_obj).order_by("order", "slug"))
    return render(
        request,
        "public/treaty.html",
        {
            "treaty": treaty_obj,
            "rows": shown,
            "total": len(rows),
            "counts": Counter(r["status"] for r in rows),
            "non_parties": non_parties,
            "provisions": provision_tree(provisions),
            "chart": parties_per_year(participations.values()),
            "regions": Region.objects.filter(parent__isnull=True),
            "region": region,
            "status": status,
            "consent_type": consent_type,
            "statuses": [(s, labels[s]) for s in data.TREATY_STATUSES],
            "consent_types": ConsentType.choices,
            "cite": citation(request, treaty_obj.title, treaty_obj.status_as_of),
        },
    )


def provision_tree(provisions: list) -> list:
    """[(provision, depth)] in reading order."""
    children = defaultdict(list)
    for p in provisions:
        children[p.parent_id].append(p)
    out = []

    def walk(parent_id, depth):
        for p in children.get(parent_id, []):
            out.append((p, depth))
            walk(p.pk, depth + 1)

    walk(None, 0)
    known = {p.pk for p, _d in out}
    out += [(p, 0) for p in provisions if p.pk not in known]
    return out


def parties_per_year(participations) -> dict:
    """New parties per year and the running total, as an SVG-ready bar chart."""
    years = Counter(
        p.consent_date.year for p in participations if p.status() == ParticipationStatus.PARTY
    )
    if not years:
        return {"bars": [], "max": 0}
    first, last = min(years), max(years)
    total = 0
    bars = []
    peak = max(years.values())
    width = 720 / (last - first + 1)
    for i, year in enumerate(range(first, last + 1)):
        total += years.get(year, 0)
        height = 160 * years.get(year, 0) / peak
        bars.append(
            {
                "year": year,
                "count": years.get(year, 0),
                "total": total,
                "x": round(40 + i * width, 1),
                "width": round(max(width - 1, 1), 1),
                "y": round(190 - height, 1),
                "height": round(height, 1),
                "label": (year - first) % 5 == 0,
            }
        )
    return {"bars": bars, "max": peak, "first": first, "last": last, "total": total}


@accepts("countries", "region", "indicators", "format", "table")
def compare(request):
    """States × questions. An entry that is not understood (a code or name that names no state,
    an unknown question or region) is said on the page above what was understood, never the
    whole request thrown away (issue 13.3); only a file export, which cannot carry the note,
    refuses it."""
    try:
        fmt = export_format(request)
        table = export_table(request, ("evidence",))
    except BadQuery as error:
        return bad_request(request, error)
    notes: list[BadQuery] = []
    entries = data.parse_list(request.GET.getlist("countries"))
    region = None
    if request.GET.get("region"):
        try:
            region = data.get_region(request.GET["region"])
        except BadQuery as error:
            notes.append(error)
    slugs = data.parse_list(request.GET.getlist("indicators"))
    all_indicators = list(data.indicators())
    by_slug = {i.slug: i for i in all_indicators}
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        notes.append(BadQuery("indicators", quoted_list(unknown)))
    all_states = list(data.states())
    chosen, not_understood = data.resolve_states(entries, all_states)
    if not_understood:
        notes.append(BadQuery("countries", quoted_list(not_understood)))
    if fmt and notes:
        return bad_request(request, notes[0], context={"more_errors": notes[1:]})
    codes = [s.iso2 for s in chosen]
    slugs = [s for s in slugs if s in by_slug]
    chosen_indicators = [by_slug[s] for s in slugs] or all_indicators
    if region is not None:
        chosen += [
            s
            for s in data.sorted_states(all_states)
            if region.pk in (s.region_id, s.subregion_id) and s not in chosen
        ]
    default_selection = not entries and not request.GET.get("region")
    findings = {
        (f.state_id, f.indicator_id): f
        for f in Finding.objects.published()
        .filter(indicator__in=chosen_indicators)
        .filter(state__in=chosen if chosen else all_states)
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=LawProvision.objects.select_related(
                    "law", "source", "in_force_from_source"
                ).filter(law__publication_status="published"),
            )
        )
    }
    if default_selection:
        # Nothing chosen yet: the states that have been assessed at all.
        assessed = {state_id for state_id, _i in findings}
        chosen = data.sorted_states(s for s in all_states if s.pk in assessed)
    labels = finding_labels()
    matrix = []
    for state in chosen:
        cells = []
        for indicator in chosen_indicators:
            f = findings.get((state.pk, indicator.pk))
            status = f.status if f else NOT_ASSESSED
            cells.append(
                {"indicator": indicator, "finding": f, "status": status, "label": labels[status]}
            )
        matrix.append({"state": state, "name": state_name(state), "cells": cells})
    if fmt:
        return findings_matrix_response(request, fmt, table, chosen_indicators, matrix)
    return render(
        request,
        "public/compare.html",
        {
            "matrix": matrix,
            "indicators": chosen_indicators,
            "all_indicators": all_indicators,
            "chosen_slugs": {i.slug for i in chosen_indicators} if slugs else set(),
            # The text box keeps only what was not understood, to be corrected; the states
            # understood are ticked in the picker.
            "countries": ", ".join(not_understood),
            "picker": country_picker(all_states, set(codes)),
            "regions": Region.objects.filter(parent__isnull=True).prefetch_related("subregions"),
            "region": region,
            "default_selection": default_selection,
            "notes": notes,
            "export_query": understood_query(
                countries=",".join(codes), region=region.slug if region else "", indicators=slugs
            ),
            "legend": [(s, labels[s]) for s in data.FINDING_STATUSES],
        },
    )


def understood_query(**params) -> str:
    """The query string of what was understood (the page's exports and shareable link)."""
    query = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list):
            value = ",".join(value)
        if value:
            query[key] = value
    return query.urlencode()


def country_picker(all_states: list, chosen: set[str]) -> list[dict]:
    """Every state under its region (alphabetical in the visitor's language), the chosen ones
    ticked and their regions open."""
    groups: dict = defaultdict(list)
    for state in data.sorted_states(all_states):
        groups[state.region].append(
            {"iso2": state.iso2, "name": state_name(state), "checked": state.iso2 in chosen}
        )
    out = []
    for region, members in groups.items():
        name = _(region.name) if region else _("Other")
        out.append({"name": name, "states": members, "open": any(m["checked"] for m in members)})
    return sorted(out, key=lambda g: sort_key(g["name"]))


@accepts("indicator")
def topic(request, slug: str):
    topic_obj = get_object_or_404(Topic, slug=slug)
    all_states = list(data.states())
    topic_indicators = list(data.indicators().filter(topic=topic_obj))
    try:
        chosen = request.GET.get("indicator", "").strip()
        if chosen and chosen not in {i.slug for i in topic_indicators}:
            raise BadQuery("indicator", _("Unknown indicator: “%(value)s”.") % {"value": chosen})
    except BadQuery as error:
        return bad_request(request, error)
    subject = next((i for i in topic_indicators if i.slug == chosen), None) or next(
        (i for i in topic_indicators if i.slug == "simple_possession"),
        topic_indicators[0] if topic_indicators else None,
    )
    layer = data.build_layer("indicator", subject, all_states) if subject else None
    statuses = Counter(
        Finding.objects.published()
        .filter(indicator__topic=topic_obj)
        .values_list("indicator_id", "status")
    )
    assessed_states = set(
        Finding.objects.published()
        .filter(indicator__topic=topic_obj)
        .values_list("state_id", flat=True)
    )
    rows = []
    for indicator in topic_indicators:
        yes, partial, no = (statuses[(indicator.pk, s)] for s in ("yes", "partial", "no"))
        rows.append(
            {
                "indicator": indicator,
                "yes": yes,
                "partial": partial,
                "no": no,
                "not_assessed": len(all_states) - yes - partial - no,
            }
        )
    bases = list(
        IndicatorBasis.objects.filter(indicator__topic=topic_obj).select_related(
            "provision__treaty", "indicator"
        )
    )
    not_assessed = data.sorted_states(s for s in all_states if s.pk not in assessed_states)
    return render(
        request,
        "public/topic.html",
        {
            "topic": topic_obj,
            "layer": layer,
            "map": data.map_shapes(layer) if layer else None,
            "rows": rows,
            "bases": bases,
            "not_assessed": not_assessed,
            "not_assessed_names": [state_name(s) for s in not_assessed],
            "topic_indicators": topic_indicators,
        },
    )


@accepts(*SearchQuery.PARAMETERS)
def search_view(request):
    try:
        query = SearchQuery.from_params(request.GET)
    except BadQuery as error:
        return bad_request(request, error)
    result = search(query)
    return render(request, "public/search.html", {"query": query, "result": result})


@xframe_options_exempt
def embed_map(request):
    all_states = list(data.states())
    try:
        layer = data.resolve_layer(request.GET, all_states)
    except BadQuery as error:
        return bad_request(request, error, template="public/embed_error.html")
    if layer is None:
        raise Http404
    return render(request, "public/embed_map.html", {"layer": layer, "map": data.map_shapes(layer)})


FAVICON = Path(__file__).parent / "static" / "public" / "favicon.ico"


def favicon(request):
    """`/favicon.ico`, which browsers ask for whatever the page says (issue 13.8)."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
