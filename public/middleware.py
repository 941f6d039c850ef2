"""Remember the visitor's language: English pages are served unprefixed (`/countries/gb/`), so a
visitor who chose another language with the switch (which sets Django's language cookie) is sent
to that language's prefixed URL when arriving on an unprefixed page of the site."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path

NOT_REDIRECTED = {"embed_map", "dataset"}


class RememberedLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        site_page = self._is_unprefixed_site_page(request)
        if site_page and request.method in ("GET", "HEAD"):
            chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
            if chosen in self.languages and chosen != settings.LANGUAGE_CODE:
                return HttpResponseRedirect(f"/{chosen}{request.get_full_path()}")
        response = self.get_response(request)
        if site_page:
            patch_vary_headers(response, ("Cookie",))
        return response

    def _is_unprefixed_site_page(self, request) -> bool:
        if get_language_from_path(request.path_info):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.namespace == "public" and match.url_name not in NOT_REDIRECTED
