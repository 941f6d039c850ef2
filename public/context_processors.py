from django.conf import settings
from django.utils.translation import get_language, get_language_bidi, get_language_from_path

from laws.models import Topic


def site(request):
    """Language switch, text direction and the navigation's topics, for every site page."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    # The language switch posts the page's English (unprefixed) URL: set_language translates it.
    path = request.get_full_path()
    prefix = get_language_from_path(request.path_info)
    if prefix:
        path = path[len(prefix) + 1 :] or "/"
    return {
        "SWITCH_NEXT": path,
        "LANGUAGE": language,
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "SITE_LANGUAGES": settings.LANGUAGES,
        "nav_topics": Topic.objects.all(),
    }
