from django.conf import settings
from django.utils.translation import get_language, get_language_bidi, get_language_from_path

from laws.models import Topic

from .parameters import unknown_parameters_context


def site(request):
    """Language switch links, text direction and the navigation's topics, for every site page."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    # The language switch links to the same page under each language's prefix (English is
    # unprefixed): plain links, so no form, no CSRF token and no cookie (docs/SECURITY.md).
    path = request.get_full_path()
    prefix = get_language_from_path(request.path_info)
    if prefix:
        path = path[len(prefix) + 1 :] or "/"
    path = "/" + path.lstrip("/")  # never a scheme-relative "//host" link
    links = [
        (code, name, path if code == settings.LANGUAGE_CODE else f"/{code}{path}")
        for code, name in settings.LANGUAGES
    ]
    return {
        **unknown_parameters_context(request),
        "LANGUAGE_LINKS": links,
        "LANGUAGE": language,
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "nav_topics": Topic.objects.all(),
    }
