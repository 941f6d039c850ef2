from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("crin_legal.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]
# The public research site: English at /, other languages under /fr/, /es/, /ru/, /ar/.
urlpatterns += i18n_patterns(path("", include("public.urls")), prefix_default_language=False)
