"""Detail links without a URL reversal per row.

`reverse()` resolves the URL pattern, the version namespace and the host every time; a list page
of 50 laws with their countries did it 100 times. Here the first row's link is reversed and split
around its lookup value; the other rows' links are that template with their own value, per
response (the serializer context lives for one response). A value that URL quoting would change
falls back to `reverse()`.
"""

import re

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
        url = reverse_fn(view_name, kwargs={kwarg: value}, request=request)
        head, found, tail = url.rpartition(text)
        if not found or tail not in ("", "/"):
            return url  # the value is not the last segment: no template
        templates[(view_name, kwarg)] = (head, tail)
        return url
    return f"{template[0]}{text}{template[1]}"


class DetailLinkField(serializers.HyperlinkedIdentityField):
    """`HyperlinkedIdentityField`, reversed once per response (`detail_url`)."""

    def get_url(self, obj, view_name, request, format):
        value = getattr(obj, self.lookup_field)
        if format or value is None or value == "":
            return super().get_url(obj, view_name, request, format)
        return detail_url(
            self.context, view_name, self.lookup_url_kwarg, value, reverse_fn=self.reverse
        )
