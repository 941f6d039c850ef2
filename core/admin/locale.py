"""The admin speaks the language its user chose (the switcher on every admin page sets Django's
language cookie through /i18n/setlang/). LocaleMiddleware gives every address outside the
public site's /fr/ ... prefixes the default language, so this middleware, placed after it,
activates the chosen one for the admin's addresses only; the public site keeps its prefixes and
the API its own negotiation."""

from django.conf import settings
from django.utils import translation


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
