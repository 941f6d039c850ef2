"""The laws list's representation is built directly (laws/api/serializers.py,
`LawListSerializer.to_representation`) instead of DRF's field-by-field walk: it must give what
the walk gives, for every kind of value a law can hold, on plain pages and search pages."""

import datetime

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.versioning import NamespaceVersioning

from laws.api.serializers import LawListSerializer
from laws.models import Law
from tests.factories import LawFactory, StateFactory

pytestmark = pytest.mark.django_db


def drf_walk(serializer, law):
    return serializers.ModelSerializer.to_representation(serializer, law)


@pytest.fixture
def laws():
    state = StateFactory(iso2="NZ", name="New Zealand")
    full = LawFactory(
        state=state,
        title="Films, Videos, and Publications Classification Act 1993",
        title_original="Ture Whakarōpū Kiriata 1993 — « ünïcode »",
        citation="1993 No 94",
        year_enacted=1993,
        date_adopted=datetime.date(1993, 8, 26),
        date_in_force=datetime.date(1994, 10, 1),
        date_repealed=datetime.date(2024, 1, 1),  # a date in the future is refused (issue 12.4)
        source_url="https://www.legislation.govt.nz/act/public/1993/0094/latest/",
        verified=True,
        verification_source="NZ Legislation, checked 2026",
    )
    sparse = LawFactory(
        state=state,
        title="Crimes Act",
        citation="",
        year_enacted=None,
        source_url="",
        verified=False,
    )
    return [full, sparse]


def test_equal_to_drfs_walk_for_every_kind_of_value(laws):
    request = Request(APIRequestFactory().get("/api/v1/laws/"))
    request.version, request.versioning_scheme = "v1", NamespaceVersioning()
    serializer = LawListSerializer(context={"request": request})
    for law in Law.objects.filter(pk__in=[law.pk for law in laws]).select_related("state"):
        for extra in (
            {},
            {"rank": 0.0607927106320858, "snippet": "a <b> «quillwort»"},
            {"rank": None, "snippet": None},
        ):
            for name, value in extra.items():
                setattr(law, name, value)
            fast = serializer.to_representation(law)
            assert fast == drf_walk(serializer, law)
            assert list(fast) == LawListSerializer.Meta.fields
            assert fast["url"].startswith("http://testserver/api/v1/laws/")


def test_the_api_pages_equal_drfs_walk(laws, api, monkeypatch):
    pages = [api.get(url).json() for url in ("/api/v1/laws/", "/api/v1/laws/?q=crimes")]
    monkeypatch.setattr(LawListSerializer, "to_representation", drf_walk)
    assert pages == [api.get(url).json() for url in ("/api/v1/laws/", "/api/v1/laws/?q=crimes")]
    assert len(pages[0]["results"]) == 2 and pages[1]["results"][0]["snippet"]


@pytest.mark.parametrize(
    "url", ["/api/v1/laws/", "/api/v1/laws/?page=2&page_size=1", "/api/v1/laws/?format=json"]
)
def test_a_plain_page_built_from_rows_equals_drfs_walk(laws, api, settings, url):
    """An unfiltered page is built from the page's values, not model instances: it is DRF's
    walk over the laws, in the same order, every field and value, on every page."""
    settings.PUBLIC_CACHE_ENABLED = False  # every request reaches the view
    body = api.get(url)
    assert body.status_code == 200
    page = body.json()
    request = Request(APIRequestFactory().get(url))
    request.version, request.versioning_scheme = "v1", NamespaceVersioning()
    serializer = LawListSerializer(context={"request": request})
    ordered = Law.objects.select_related("state", "jurisdiction").order_by(
        "state__name", "year_enacted", "title", "pk"
    )
    expected = [drf_walk(serializer, law) for law in ordered]
    if "page=2" in url:
        expected = expected[1:2]
    assert page["results"] == expected and page["count"] == 2
    assert LawListSerializer.Meta.fields == list(page["results"][0])


def test_the_detail_keeps_drfs_walk(laws, api, monkeypatch):
    url = f"/api/v1/laws/{laws[0].pk}/"
    detail = api.get(url).json()
    assert "provisions" in detail and "rank" not in detail and "snippet" not in detail
    monkeypatch.setattr(LawListSerializer, "to_representation", drf_walk)
    assert api.get(url).json() == detail
