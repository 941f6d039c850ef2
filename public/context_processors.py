from django.conf import settings
from django.utils.translation import get_language, get_language_bidi

from laws.models import Topic


def site(request):
    """Language switch, text direction and the navigation's topics, for every site page."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return {
        "LANGUAGE": language,
        "LANGUAGE_DIR": "rtl" if get_language_bidi() else "ltr",
        "SITE_LANGUAGES": settings.LANGUAGES,
        "nav_topics": Topic.objects.all(),
    }
