from django.urls import include, path

urlpatterns = [
    path("v1/", include(("crin_legal.api.v1", "v1"), namespace="v1")),
]
