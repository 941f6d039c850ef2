"""The API docs page (Swagger UI, served locally by drf-spectacular-sidecar) under our CSP.

The split view serves its start-up script from a URL (`?script`) instead of inline, so scripts
stay `'self'`-only. Swagger UI sets inline styles and draws data: images, which the site's
policy forbids: this page, and only this page, gets a policy allowing those two. The header is
set on the response itself (Django's CSP middleware keeps a header a view set), so it survives
the public response cache, which stores headers but not response attributes.
"""

from django.conf import settings
from django.utils.csp import CSP, build_policy
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.exceptions import ValidationError

from core.api.filters import language_problems
from core.api.json import JSONRenderer

DOCS_CSP = {
    **settings.SECURE_CSP,
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
}


class SwaggerDocsView(SpectacularSwaggerSplitView):
    """Its parameters: `lang` (the language of the schema it shows, as the schema's own) and
    `script` (the page's start-up script, asked for by the page itself, without a value). Anything
    else is a 400 naming it, as on every endpoint, not the page as if it were not there."""

    def initial(self, request, *args, **kwargs):
        errors = {}
        for name in request.query_params:
            values = request.query_params.getlist(name)
            if name == "lang":
                problems = language_problems(values)
            elif name == "script":
                problems = [] if set(values) == {""} else ["Takes no value."]
            else:
                name = repr(name[:100]) if "\x00" in name or len(name) > 100 else name
                problems = ["Unknown query parameter. Allowed: lang, script."]
            if problems:
                errors[name] = problems
        if errors:
            raise ValidationError(errors)
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        if response.status_code >= 400:  # e.g. ?format=xml: the API's JSON error shape
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(DOCS_CSP)
        return response
