"""An admin list asked for a filter it cannot apply answers 400, naming the parameter.

Django's own answer to a list address it cannot apply (`?bogus=1`, `?id=abc`) is a redirect to
`?e=1`, which shows the whole, unfiltered list: an editor who mistyped a filter (or followed a
stale link) sees rows the filter was meant to exclude, with nothing to say so. Here such an address
answers 400 with a page in the admin's language that names the parameter and why it was refused,
and links to the unfiltered list. The API refuses unknown parameters the same way.

`strict_lists(site)` applies this to every list of the site, Django's and other apps' included,
once all admins are registered (crin_legal/urls.py).
"""

import re

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.core.exceptions import FieldError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

# Django's own list parameters (what its ChangeList takes out before filtering, the page number,
# its error flag, and the filters a change form carries back to its list): never a filter.
_OWN_PARAMETERS = {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG, "_changelist_filters"}
_UNKNOWN_FIELD = re.compile(r"Cannot resolve keyword '([^']*)' into field")
# Django's words for a value a field cannot take ("Field 'id' expected a number but got 'abc'.").
_BAD_VALUE = re.compile(r"got '([^']*)'")


class UnappliableListFilter(Exception):
    """A list's address asked for what the list cannot filter by (raised past Django's own
    handler of IncorrectLookupParameters, which would redirect to the unfiltered list; the
    IncorrectLookupParameters is its __cause__)."""


class StrictChangeListMixin:
    """Answer an unappliable list address with 400 and a page naming the problem."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except IncorrectLookupParameters as error:
            raise UnappliableListFilter(str(error)) from error

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except UnappliableListFilter as refused:
            return self.unappliable_filter_response(request, refused.__cause__)

    def unappliable_filter_response(self, request, error):
        cause = error.__cause__ or error.__context__ or error
        parameters = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in _OWN_PARAMETERS
            for value in values
        ]
        unknown = _UNKNOWN_FIELD.search(str(cause))
        bad_value = _BAD_VALUE.search(str(cause))
        holders = [
            name
            for name, value in parameters
            if bad_value and bad_value.group(1) in (value, *value.split(","))
        ]
        if isinstance(cause, FieldError) and unknown:
            reason = _("This list has no filter “%(name)s”.") % {"name": unknown.group(1)}
        elif holders:
            reason = _("“%(value)s” is not a value the filter “%(name)s” can take.") % {
                "value": bad_value.group(1),
                "name": holders[0],
            }
        else:
            reason = _("A value in the address cannot be used as a filter: %(detail)s") % {
                "detail": str(cause)
            }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("This list cannot be filtered as asked"),
            "reason": reason,
            "parameters": parameters,
        }
        return TemplateResponse(request, "admin/core/unappliable_filter.html", context, status=400)


def strict_lists(site) -> None:
    """Give every list registered on `site` the strict answer (idempotent)."""
    for model, model_admin in list(site._registry.items()):
        cls = type(model_admin)
        if issubclass(cls, StrictChangeListMixin):
            continue
        strict = type(cls.__name__, (StrictChangeListMixin, cls), {"__module__": cls.__module__})
        site.unregister(model)
        site.register(model, strict)
