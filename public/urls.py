from django.urls import path

from hotpath.cache import cache_public_page as cached

from . import downloads, query, views

app_name = "public"

# Pages are the same for every anonymous visitor (no cookie, no CSRF token:
# tests/site/test_i18n.py), so they are served from the response cache, keyed by path, query and
# language and emptied by every published change, as the API is (hotpath/cache.py). Not cached:
# the dataset (a large file, built from the release) and the embeddable map (its frame permission
# is set per response).

urlpatterns = [
    path("", cached(views.home), name="home"),
    path("countries/", cached(views.country_list), name="country_list"),
    path("countries/<str:iso2>/", cached(views.country), name="country"),
    path("laws/", cached(views.law_list), name="law_list"),
    path("laws/<int:pk>/", cached(views.law), name="law"),
    path("treaties/<str:code>/", cached(views.treaty), name="treaty"),
    path("compare/", cached(views.compare), name="compare"),
    path("query/", cached(query.query), name="query"),
    path("search/", cached(views.search_view), name="search"),
    path("topics/<slug:slug>/", cached(views.topic), name="topic"),
    path("downloads/", cached(downloads.downloads), name="downloads"),
    path("downloads/dataset.zip", downloads.dataset, name="dataset"),
    path("embed/map/", views.embed_map, name="embed_map"),
]
