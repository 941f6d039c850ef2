"""Detail links without a URL reversal per row.

`reverse()` resolves the URL pattern, the version namespace and the host every time; a list page
of 50 laws with their countries did it 100 times. Here the first row's link is reversed and split
around its lookup value; the other rows' links are that template with their own value, per
response (the serializer context lives for one response), and later responses asked on the same
scheme, host, API version and script prefix start from the template too (`KNOWN`). A value that
URL quoting would change falls back to `reverse()`.
"""

import re

from django.urls import get_script_prefix
from rest_framework import serializers
from rest_framework.reverse import reverse

SAFE_VALUE = re.compile(r"[A-Za-z0-9_-]{1,64}")
TEMPLATES = "_detail_url_templates"


def detail_url(context: dict, view_name: str, kwarg: str, value, *, reverse_fn=reverse) -> str:
    """`reverse(view_name, kwargs={kwarg: value}, request=context["request"])`, memoised in
    `context` as a template."""
    request = context.get("request")
    text = str(value)
    if not SAFE_VALUE.fullmatch(text):
        return reverse_fn(view_name, kwargs={kwarg: value}, request=request)
    templates = context.setdefault(TEMPLATES, {})
    template = templates.get((view_name, kwarg))
    if template is None:
        shared = _shared_key(view_name, kwarg, request, reverse_fn)
        template = KNOWN.get(shared) if shared is not None else None
        if template is None:
            url = reverse_fn(view_name, kwargs={kwarg: value}, request=request)
            head, found, tail = url.rpartition(text)
            if not found or tail not in ("", "/"):
                return url  # the value is not the last segment: no template
            templates[(view_name, kwarg)] = (head, tail)
            if shared is not None:
                if len(KNOWN) >= MAX_KNOWN:
                    KNOWN.clear()
                KNOWN[shared] = (head, tail)
            return url
        templates[(view_name, kwarg)] = template
    return f"{template[0]}{text}{template[1]}"


# Templates shared by every response of the process, keyed by what a reversed address depends on
# (the view, the API version, the scheme and host the request was made on, the script prefix):
# the first response of each key reverses, later ones reuse. Bounded; emptied when full.
KNOWN: dict[tuple, tuple[str, str]] = {}
MAX_KNOWN = 256


def _shared_key(view_name: str, kwarg: str, request, reverse_fn) -> tuple | None:
    if request is None or reverse_fn is not reverse:
        return None
    try:
        host = request.get_host()  # validated against ALLOWED_HOSTS
    except Exception:  # noqa: BLE001 - a bad host: no sharing; reverse() reports it as before
        return None
    return (
        view_name,
        kwarg,
        getattr(request, "version", None),
        type(getattr(request, "versioning_scheme", None)),
        request.scheme,
        host,
        get_script_prefix(),
    )


class DetailLinkField(serializers.HyperlinkedIdentityField):
    """`HyperlinkedIdentityField`, reversed once per response (`detail_url`)."""

    def get_url(self, obj, view_name, request, format):
        value = getattr(obj, self.lookup_field)
        if format or value is None or value == "":
            return super().get_url(obj, view_name, request, format)
        return detail_url(
            self.context, view_name, self.lookup_url_kwarg, value, reverse_fn=self.reverse
        )
