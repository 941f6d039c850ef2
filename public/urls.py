from django.urls import path

from . import downloads, query, views

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:iso2>/", views.country, name="country"),
    path("laws/", views.law_list, name="law_list"),
    path("laws/<int:pk>/", views.law, name="law"),
    path("treaties/<str:code>/", views.treaty, name="treaty"),
    path("compare/", views.compare, name="compare"),
    path("query/", query.query, name="query"),
    path("search/", views.search_view, name="search"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("downloads/", downloads.downloads, name="downloads"),
    path("downloads/dataset.zip", downloads.dataset, name="dataset"),
    path("embed/map/", views.embed_map, name="embed_map"),
]
