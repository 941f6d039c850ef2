import re

import nh3
from django import template
from django.utils.safestring import mark_safe

from ..names import format_day, state_name

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "h3",
    "h4",
    "cite",
    "q",
    "sup",
    "sub",
    "abbr",
}


@register.filter
def sanitised(value: str) -> str:
    """Editors' formatted text, with only harmless tags and attributes kept."""
    cleaned = nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


@register.filter
def day(value, style: str = "long") -> str:
    return format_day(value, style)


@register.filter
def source_phrase(source) -> str:
    """A source as `<publisher> (official source, read on <date>)`, linked (public.evidence)."""
    from ..evidence import source_phrase as phrase

    return phrase(source) if source else ""


@register.filter
def country_name(state) -> str:
    return state_name(state)


@register.simple_tag(takes_context=True)
def query_with(context, **overrides) -> str:
    """The current query string with some parameters replaced (empty value: removed)."""
    params = context["request"].GET.copy()
    for key, value in overrides.items():
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return "?" + encoded if encoded else "?"


ARTICLE = re.compile(r"^(?:Article|Art\.|art\.)\s+")


@register.filter
def article(label) -> str:
    """A treaty or law provision's label with "Article"/"art." in the visitor's language
    ("Article 34(c)" -> "Artículo 34(c)", "المادة 34(c)"); the number stays as cited."""
    from django.utils.translation import gettext

    text = str(label or "")
    match = ARTICLE.match(text)
    if not match:
        return text
    return f"{gettext('Article')} {text[match.end() :]}"


@register.filter
def tr(value) -> str:
    """A vocabulary row's name (indicator, region, treaty title) in the visitor's language."""
    from django.utils.translation import gettext

    text = str(value or "")
    return gettext(text) if text else text
