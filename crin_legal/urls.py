from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from access.security import enable_two_factor_admin
from core.admin import recent_changes_view
from core.admin.changelist import strict_lists
from core.admin.help import help_view
from laws.admin import EvidenceAutocompleteView
from laws.feeds import ChangesFeed
from public import views as public_views

from . import health

enable_two_factor_admin(admin.site)
# Every admin list refuses a filter it cannot apply (400) instead of showing the whole list.
strict_lists(admin.site)

urlpatterns = [
    path(
        settings.ADMIN_URL + "recent-changes/",
        admin.site.admin_view(recent_changes_view),
        name="admin_recent_changes",
    ),
    # The admin's autocomplete, labelling a finding's evidence as editors read it (laws/admin.py).
    path(
        settings.ADMIN_URL + "autocomplete/",
        admin.site.admin_view(EvidenceAutocompleteView.as_view(admin_site=admin.site)),
        name="admin_autocomplete_labelled",
    ),
    # The language switcher of the admin (a cookie; the public site keeps its /fr/ ... prefixes).
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        settings.ADMIN_URL + "help/<slug:page>/",
        admin.site.admin_view(help_view),
        name="admin_help",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", public_views.favicon, name="favicon"),
    # ADMIN_URL (default "admin/"): the editors' admin, behind two-factor login.
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("crin_legal.api.urls")),
    # Atom feed of public changes (laws/feeds.py): not language-prefixed, like the API.
    path("feeds/changes.atom", ChangesFeed(), name="changes_feed"),
]
# The public research site: English at /, other languages under /fr/, /es/, /ru/, /ar/.
urlpatterns += i18n_patterns(path("", include("public.urls")), prefix_default_language=False)

# Under /api/ every error is JSON, whatever the path (crin_legal/errors.py); a database outage is a
# 503 with Retry-After (JSON under /api/), not a 500 (crin_legal/health.py).
handler400 = "crin_legal.errors.bad_request"
handler403 = "crin_legal.errors.permission_denied"
handler404 = "crin_legal.errors.page_not_found"
handler500 = "crin_legal.health.server_error"
