"""The v1 API router. The public schema is generated from these URLs only.

Names under /api/v1/ are a contract with partner sites: add, never rename or remove.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import ValidationError
from rest_framework.routers import SimpleRouter

from core.api.filters import check_query_parameters, language_problems
from core.api.json import JSONRenderer
from laws.api.changes import ChangeViewSet
from laws.api.provisions import ProvisionViewSet
from laws.api.stats import GapsView, TimelineView
from laws.api.views import CountryViewSet, FindingViewSet, IndicatorViewSet, LawViewSet
from treaties.api.views import ParticipationViewSet, TreatyViewSet

from .docs import SwaggerDocsView
from .index import IndexView, not_found

router = SimpleRouter()
router.register("countries", CountryViewSet, basename="country")
router.register("treaties", TreatyViewSet, basename="treaty")
router.register("participations", ParticipationViewSet, basename="participation")
router.register("laws", LawViewSet, basename="law")
router.register("provisions", ProvisionViewSet, basename="provision")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("findings", FindingViewSet, basename="finding")
router.register("changes", ChangeViewSet, basename="change")

public_urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    *router.urls,
    path("stats/timeline/", TimelineView.as_view(), name="stats-timeline"),
    path("gaps/", GapsView.as_view(), name="gaps"),
]


API_DESCRIPTION = """\
Read-only public API of the children's-rights legal database: states, treaties and participation
(from the UN Treaty Collection), national laws, their provisions, and the findings that answer
which states criminalise what, with a citation for each answer. Only published records appear.

**Not assessed is not "no".** A state with no published finding for an indicator is
`not_assessed`, never `no`: the country detail lists one finding per indicator, `not_assessed`
included, and `/findings/?status=not_assessed` lists the unassessed (state, indicator) pairs.

**Conventions.**
- Lists are paginated: `{count, next, previous, results}`; `page` (from 1) and `page_size`
  (1 to 500, default 50). A page beyond the last one is a 404.
- Countries are keyed by ISO 3166-1 alpha-2 (case-insensitive); regions and sub-regions are
  UN M49, rendered as `{slug, name}`; filters take the slug (`europe`, `western-europe`).
- An absent value is `null`, never `""`: a text, date, code or link that a record does not
  have (e.g. the `consent_type` of a state that only signed). In CSV it is an empty cell.
- Parameters shown as arrays may be repeated or comma-separated (`country=gb,fr`).
- A parameter given has a value: `?updated_since=` (empty) is a 400, not "no filter"; leave
  the parameter out instead.
- Only GET, HEAD and OPTIONS: any other method is a 405, whatever the query string.
- Codes of a controlled vocabulary (treaty, indicator, topic, region, country, status, kind)
  are checked: an unknown one is an error, never an empty list.

**Errors.** Bad input is a 400 whose body names each parameter at fault:
`{"detail": "Invalid request.", "errors": {"<parameter>": ["<message>"]}}` — an unknown
parameter (a misspelt filter never returns the whole table), a value outside a vocabulary, a
malformed number, a NUL byte, a value over 1,000 characters, a single-valued parameter repeated
with different values, a bad `page_size`. An unknown object or path is a 404
`{"detail": "..."}`.
"""


class PublicSchemaView(SpectacularAPIView):
    """OpenAPI 3 of the public v1 endpoints (and nothing else).

    Its two parameters are checked as every endpoint's are: `format` (`yaml`, the default, or
    `json`) and `lang` (a language the site speaks: the descriptions' language). Anything else, or
    a value outside those, is a 400 naming it, not the schema in English (an unknown `lang`) or a
    404 (an unknown `format`)."""

    LANG_PARAMETER = "lang"

    def initial(self, request, *args, **kwargs):
        # Before content negotiation, so that `?format=xml` is a 400 naming `format`.
        check_query_parameters(
            request.query_params,
            allowed={self.LANG_PARAMETER},
            formats={renderer.format for renderer in self.get_renderers()},
        )
        problems = language_problems(request.query_params.getlist(self.LANG_PARAMETER))
        if problems:
            raise ValidationError({self.LANG_PARAMETER: problems})
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (e.g. ?format=xml, a 404) in the API's JSON shape, not as an OpenAPI YAML body.
        if response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    # Rooted like the real URL configuration, so that paths read /api/v1/...
    patterns = [path("api/v1/", include((public_urlpatterns, "v1"), namespace="v1"))]
    custom_settings = {
        "DESCRIPTION": API_DESCRIPTION,
        "SCHEMA_PATH_PREFIX": "/api/v1",
        "POSTPROCESSING_HOOKS": [
            "drf_spectacular.hooks.postprocess_schema_enums",
            "crin_legal.api.hooks.add_data_enums",
            "access.schema.document_rate_limits",
            "core.api.schema.require_values",
        ],
        "ENUM_NAME_OVERRIDES": {
            "LawKindEnum": "laws.models.LawKind",
            "LawStatusEnum": "laws.models.LawStatus",
            "FindingStatusEnum": ["yes", "partial", "no", "not_assessed"],
            "ParticipationStatusEnum": ["party", "signatory", "no_action"],
        },
    }


urlpatterns = [
    *public_urlpatterns,
    path("schema/", PublicSchemaView.as_view(), name="schema"),
    path("docs/", SwaggerDocsView.as_view(url_name="v1:schema"), name="docs"),
    # Anything else under /api/v1/ is a JSON 404, not Django's HTML page; `[\s\S]`: a newline in
    # the path (`%0A`) too, which `.` does not match.
    re_path(r"^[\s\S]*$", not_found),
]
