"""The admin speaks the language its user chose (the switcher on every admin page sets Django's
language cookie through /i18n/setlang/). LocaleMiddleware gives every address outside the
public site's /fr/ ... prefixes the default language, so this middleware, placed after it,
activates the chosen one for the admin's addresses only; the public site keeps its prefixes and
the API its own negotiation."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

# Words of Django's own admin that its catalogues (Django 6.1) leave untranslated in some of the
# site's languages (Arabic lacks the action button's "Run", the search, filter and pagination
# labels and "- Select an option -"; Spanish and Russian some of them). Marked here, they are
# extracted into our catalogue, which Django searches first (LOCALE_PATHS): one line to remove
# when Django's own catalogue has the word.
DJANGO_ADMIN_GAPS = (
    gettext_noop("Run"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Filter by %(field_name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Pagination %(name)s entries"),
    gettext_noop("- Select an option -"),
    gettext_noop(
        "Are you sure you want to delete the %(object_name)s “%(escaped_object)s”? All of the "
        "following related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would require deleting the following "
        "protected related objects:"
    ),
    gettext_noop(
        "Deleting the %(object_name)s “%(escaped_object)s” would result in deleting related "
        "objects, but your account doesn't have permission to delete the following types of "
        "objects:"
    ),
)


class AdminLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.prefix = "/" + settings.ADMIN_URL
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        if request.path_info.startswith(self.prefix):
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if chosen in self.languages:
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
        return self.get_response(request)
