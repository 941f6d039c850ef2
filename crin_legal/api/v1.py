"""The v1 API router. The public schema is generated from these URLs only.

Names under /api/v1/ are a contract with partner sites: add, never rename or remove.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from laws.api.views import CountryViewSet, FindingViewSet, IndicatorViewSet, LawViewSet
from treaties.api.views import ParticipationViewSet, TreatyViewSet

from .views import IndexView, not_found

router = SimpleRouter()
router.register("countries", CountryViewSet, basename="country")
router.register("treaties", TreatyViewSet, basename="treaty")
router.register("participations", ParticipationViewSet, basename="participation")
router.register("laws", LawViewSet, basename="law")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("findings", FindingViewSet, basename="finding")

public_urlpatterns = [
    path("", IndexView.as_view(), name="index"),
    *router.urls,
]


class PublicSchemaView(SpectacularAPIView):
    """OpenAPI 3 of the public v1 endpoints (and nothing else)."""

    # Rooted like the real URL configuration, so that paths read /api/v1/...
    patterns = [path("api/v1/", include((public_urlpatterns, "v1"), namespace="v1"))]
    custom_settings = {
        "SCHEMA_PATH_PREFIX": "/api/v1",
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
    path("docs/", SpectacularSwaggerView.as_view(url_name="v1:schema"), name="docs"),
    # Anything else under /api/v1/ is a JSON 404, not Django's HTML page.
    re_path(r"^.*$", not_found),
]
