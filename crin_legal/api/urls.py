from django.urls import include, path, re_path

from .index import not_found

urlpatterns = [
    path("v1/", include(("crin_legal.api.v1", "v1"), namespace="v1")),
    # /api/, /api/v2/, ...: a JSON 404 too (crin_legal.errors covers what no pattern reaches).
    re_path(r"^[\s\S]*$", not_found),
]
