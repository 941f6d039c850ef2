"""The query builder (issue 13.1): the states that answer a question asked in the API's own
vocabulary (`/api/v1/countries/`'s parameters: treaty status, any combination of indicator
answers, region, as-of date), as a list, a map and a table, with CSV/XLSX exports.

The question is answered by the API's filter set (`laws.api.filters.CountryFilterSet`), so the
site and the API give the same states for the same query string; the parameters are checked as
the API checks them (`core.api.filters.check_query_parameters`), and an unknown or invalid one
is said on the page, never ignored. An `as_of` answer says which states it left out because a
finding they rest on has no date (`laws.api.filters.undated_states`)."""

from django.http import QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from core.api.filters import FORMAT_PARAMETER, check_query_parameters
from laws.api.filters import CountryFilterSet, undated_states
from laws.models import NOT_ASSESSED, Finding
from laws.timeline import holding
from treaties.models import Participation, Region, Treaty, UNStatus

from . import data
from .exports import FORMATS, table_response, translated
from .names import state_name

# The API's parameters, less its incremental-sync one (a site reader asks for states, not for
# what changed since a timestamp).
PARAMETERS = CountryFilterSet.parameter_names() - {"updated_since"}
MULTI_VALUED = CountryFilterSet.multi_valued_parameter_names()
UNDATED = "undated"


def _given(params) -> QueryDict:
    """The query string less its empty values (a form's unanswered fields)."""
    out = QueryDict(mutable=True)
    for name in params:
        values = [v for v in params.getlist(name) if v.strip()]
        if values:
            out.setlist(name, values)
    return out


def _problems(params) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    try:
        check_query_parameters(
            params, allowed=PARAMETERS, multi_valued=MULTI_VALUED, formats=FORMATS
        )
    except ValidationError as error:
        for name, messages in error.detail.items():
            problems += [(name, str(m)) for m in messages]
    return problems


def query(request):
    params = _given(request.GET)
    fmt = params.get(FORMAT_PARAMETER)
    question = params.copy()
    question.pop(FORMAT_PARAMETER, None)
    problems = _problems(params)
    filterset = None
    if not problems:
        filterset = CountryFilterSet(question, queryset=data.states())
        if not filterset.is_valid():
            problems += [(n, str(m)) for n, ms in filterset.errors.items() for m in ms]
    all_states = list(data.states())
    treaties = list(Treaty.objects.all())
    indicators = list(data.indicators())
    context = {
        "params": params,
        "problems": problems,
        "asked": bool(question),
        "treaties": treaties,
        "indicators": indicators,
        "regions": Region.objects.filter(parent__isnull=True).prefetch_related("subregions"),
        "un_statuses": UNStatus.choices,
        "answers": [("yes", _("Yes")), ("partial", _("Partial")), ("no", _("No"))]
        + [(NOT_ASSESSED, _("Not assessed"))],
        "chosen": (chosen := _chosen(question)),
        "indicator_rows": [(i, chosen["finding"].get(i.slug, "")) for i in indicators],
        "api_url": "/api/v1/countries/" + ("?" + question.urlencode() if question else ""),
        "share_url": request.build_absolute_uri(request.path)
        + ("?" + question.urlencode() if question else ""),
        "export_query": question.urlencode(),
    }
    if problems or not question:
        return render(request, "public/query.html", context, status=400 if problems else 200)

    cleaned = filterset.form.cleaned_data
    as_of = cleaned.get("as_of")
    matching = {s.pk for s in filterset.qs}
    undated = set(undated_states(question)) if as_of else set()
    # The table's columns: the treaties and indicators the question names (else every treaty).
    named_treaties = [
        t
        for t in treaties
        if t.code
        in set(
            cleaned.get("party_to", [])
            + cleaned.get("signatory_to", [])
            + cleaned.get("not_party_to", [])
        )
    ] or treaties
    named_slugs = list(cleaned.get("criminalises", []))
    named_slugs += [c.partition(":")[0] for c in cleaned.get("finding", [])]
    named_indicators = [i for i in indicators if i.slug in set(named_slugs)]
    rows = _rows(all_states, matching, undated, named_treaties, named_indicators, as_of)

    if fmt:
        headers = ["iso2", "iso3", "country", "region", "subregion"]
        headers += [f"{t.code}_status" for t in named_treaties]
        headers += [i.slug for i in named_indicators]
        return table_response(
            fmt,
            "query",
            headers,
            (
                [
                    r["state"].iso2,
                    r["state"].iso3,
                    r["name"],
                    translated(r["state"].region.name) if r["state"].region else "",
                    translated(r["state"].subregion.name) if r["state"].subregion else "",
                ]
                + [status for status, _label in r["treaties"]]
                + [status for status, _label in r["findings"]]
                for r in rows
            ),
        )

    labels = {
        "match": _("Answers the question"),
        UNDATED: _("Left out: undated finding"),
        "other": _("Does not answer it"),
    }
    layer_rows = [
        (s, "match" if s.pk in matching else UNDATED if s.iso2 in undated else "other")
        for s in data.sorted_states(all_states)
    ]
    counts = {k: sum(1 for _s, st in layer_rows if st == k) for k in labels}
    legend = [(k, labels[k], counts[k]) for k in labels if k != UNDATED or undated]
    layer = data.Layer(
        kind="query",
        subject=_("States that answer the question"),
        rows=layer_rows,
        legend=legend,
        labels=labels,
    )
    context.update(
        {
            "rows": rows,
            "count": len(rows),
            "as_of": as_of,
            "undated": [s for s in data.sorted_states(all_states) if s.iso2 in undated],
            "named_treaties": named_treaties,
            "named_indicators": named_indicators,
            "layer": layer,
            "map": data.map_shapes(layer),
        }
    )
    return render(request, "public/query.html", context)


def _chosen(question) -> dict:
    """What the form shows as chosen (the query string's values, as given)."""

    def values(name):
        out = []
        for value in question.getlist(name):
            out += [v.strip().lower() for v in value.split(",") if v.strip()]
        return out

    findings = {}
    for condition in values("finding"):
        slug, _sep, status = condition.partition(":")
        findings[slug] = status
    return {
        "party_to": values("party_to"),
        "signatory_to": values("signatory_to"),
        "not_party_to": values("not_party_to"),
        "criminalises": values("criminalises"),
        "finding": findings,
        "region": values("region"),
        "un_status": question.get("un_status", ""),
        "as_of": question.get("as_of", ""),
        "q": question.get("q", ""),
    }


def _rows(all_states, matching, undated, treaties, indicators, as_of) -> list[dict]:
    """The matching states, each with its status for the named treaties and indicators, as of
    the date asked (today when none): a fixed number of queries."""
    treaty_labels = data.treaty_labels()
    finding_labels = {**data.finding_labels(), UNDATED: _("Undated")}
    participation = {
        (p.state_id, p.treaty_id): p.status(as_of)
        for p in Participation.objects.published().filter(treaty__in=treaties)
    }
    holding_now: dict = {}
    undated_pairs: set = set()
    if indicators:
        published = Finding.objects.published().filter(
            indicator__in=indicators, jurisdiction__isnull=True
        )
        for state_id, indicator_id, status in holding(published, as_of).values_list(
            "state_id", "indicator_id", "status"
        ):
            holding_now[(state_id, indicator_id)] = status
        if as_of:
            # Findings that would hold if their unknown start were known: undated, not "no".
            maybe = holding(published, as_of, undated_hold=True)
            undated_pairs = set(maybe.values_list("state_id", "indicator_id")) - set(holding_now)
    rows = []
    for state in data.sorted_states(s for s in all_states if s.pk in matching):
        treaty_cells = []
        for t in treaties:
            status = participation.get((state.pk, t.pk), "no_action")
            treaty_cells.append((status, treaty_labels[status]))
        finding_cells = []
        for i in indicators:
            status = holding_now.get((state.pk, i.pk))
            if status is None:
                status = UNDATED if (state.pk, i.pk) in undated_pairs else NOT_ASSESSED
            finding_cells.append((status, finding_labels[status]))
        rows.append(
            {
                "state": state,
                "name": state_name(state),
                "treaties": treaty_cells,
                "findings": finding_cells,
            }
        )
    return rows
