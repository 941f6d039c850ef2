"""No site parameter is silently ignored (issue 13.1): each page names the query parameters it
reads (`@accepts`); any other is said on the page, above its answer ("Not understood: ..."),
with a link to the query builder when it belongs to the query builder's vocabulary (e.g.
`/countries/?criminalises=production`). A file export cannot carry that note: with an unknown
parameter it is a 400 page naming it."""

from functools import wraps

from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from .data import BadQuery


def accepts(*names: str, file: bool = False):
    """The page reads `names`; `file`: the answer is a file (a download), which cannot carry the
    note, so an unknown parameter is a 400 page naming it."""
    accepted = frozenset(names)

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            unknown = [name for name in request.GET if name not in accepted]
            request.unknown_parameters = unknown
            if unknown and (file or ("format" in accepted and request.GET.get("format"))):
                errors = [
                    BadQuery(name, _("This page does not use this parameter.")) for name in unknown
                ]
                context = {"errors": errors, "title": _("The request could not be answered")}
                return render(request, "public/error.html", context, status=400)
            return view(request, *args, **kwargs)

        wrapper.accepted_parameters = accepted
        return wrapper

    return decorate


def unknown_parameters_context(request) -> dict:
    """For base.html: the parameters the page did not use, and the query builder's link for
    those it understands."""
    unknown = getattr(request, "unknown_parameters", None)
    if not unknown:
        return {}
    from .query import PARAMETERS

    for_query = QueryDict(mutable=True)
    for name in unknown:
        if name in PARAMETERS:
            for_query.setlist(name, request.GET.getlist(name))
    link = reverse("public:query") + "?" + for_query.urlencode() if for_query else ""
    return {"unknown_parameters": unknown, "unknown_query_link": link}
