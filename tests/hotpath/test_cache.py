"""The public response cache and conditional requests: an edit shows at once, a draft never,
a 304 costs no rendering, and Redis being down only makes things slower."""

import uuid

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from core.publication import PublicationStatus
from hotpath.cache import current_version, data_changes
from laws.models import FindingStatus
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawProvisionFactory,
    ParticipationFactory,
    RegionFactory,
    StateFactory,
    TreatyFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/countries/?region=europe"


@pytest.fixture
def europe(db):
    region = RegionFactory(slug="europe", name="Europe")
    opsc = TreatyFactory(code="opsc")
    possession = IndicatorFactory(slug="simple_possession")
    gb = StateFactory(iso2="GB", name="United Kingdom", region=region)
    ParticipationFactory(state=gb, treaty=opsc)
    return {"gb": gb, "opsc": opsc, "possession": possession}


def row(response, iso2="GB"):
    return next(r for r in response.json()["results"] if r["iso2"] == iso2)


def test_second_request_is_served_from_the_cache_without_touching_the_data(api, europe):
    first = api.get(URL)
    assert first["X-Cache"] == "MISS"
    with CaptureQueriesContext(connection) as queries:
        second = api.get(URL)
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # Only the data-version stamp is read (from the database, as the test cache is per process).
    assert [q["sql"] for q in queries.captured_queries if "dataversion" not in q["sql"]] == []


def test_if_none_match_gets_a_304_without_rendering(api, europe):
    first = api.get(URL)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    with CaptureQueriesContext(connection) as queries:
        again = api.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert len(queries) <= 1  # the stamp


def test_if_modified_since_gets_a_304_until_the_data_changes(api, europe):
    first = api.get(URL)
    since = first["Last-Modified"]
    assert api.get(URL, HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    europe["gb"].name = "United Kingdom of Great Britain"
    europe["gb"].save()
    # A later change: a full answer with the new name (timestamps are to the second, so the
    # ETag is what clients should send; it changed).
    changed = api.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert row(changed)["name"] == "United Kingdom of Great Britain"


def test_publishing_a_finding_shows_at_once_and_a_draft_never(api, europe):
    gb, possession = europe["gb"], europe["possession"]
    before = api.get(URL)
    assert row(before)["finding_status"]["simple_possession"] == "not_assessed"
    finding = FindingFactory(
        state=gb, indicator=possession, publication_status=PublicationStatus.DRAFT
    )
    draft = api.get(URL)
    assert row(draft)["finding_status"]["simple_possession"] == "not_assessed"
    finding.publication_status = PublicationStatus.PUBLISHED
    finding.save()
    published = api.get(URL)
    assert published["X-Cache"] == "MISS"
    assert row(published)["finding_status"]["simple_possession"] == "yes"
    assert published["ETag"] != before["ETag"]
    # An old ETag no longer matches: the client gets the new answer.
    assert api.get(URL, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 200
    # Withdrawn again: gone at once.
    finding.publication_status = PublicationStatus.WITHDRAWN
    finding.save()
    assert row(api.get(URL))["finding_status"]["simple_possession"] == "not_assessed"


def test_evidence_changes_and_deletions_invalidate(api, europe):
    gb, possession = europe["gb"], europe["possession"]
    finding = FindingFactory(state=gb, indicator=possession)
    detail = f"/api/v1/countries/{gb.iso2}/"
    evidence = lambda: next(  # noqa: E731
        f["evidence"]
        for f in api.get(detail).json()["findings"]
        if f["indicator"] == possession.slug
    )
    assert len(evidence()) == 1
    finding.evidence.add(LawProvisionFactory(law__state=gb))  # m2m_changed
    assert len(evidence()) == 2
    # A published yes never loses its last evidence (laws.signals.guard_removal): first a "no"
    # with its note, then the evidence goes (m2m_changed, post_clear).
    finding.status = FindingStatus.NO
    finding.note = "Reviewed the Penal Code."
    finding.save()
    api.get(detail)  # the answer after the save, cached
    finding.evidence.clear()
    assert evidence() == []
    finding.delete()  # post_delete
    statuses = {f["indicator"]: f["status"] for f in api.get(detail).json()["findings"]}
    assert statuses[possession.slug] == "not_assessed"


def test_treaty_participation_change_shows_at_once(api, europe):
    participation = europe["gb"].participations.get()
    assert row(api.get(URL))["treaty_status"]["opsc"] == "party"
    participation.publication_status = PublicationStatus.DRAFT
    participation.save()
    assert row(api.get(URL))["treaty_status"]["opsc"] == "no_action"


def test_bulk_changes_bump_the_stamp_once(europe):
    before = current_version()
    with data_changes():
        StateFactory(region=europe["gb"].region)
        StateFactory(region=europe["gb"].region)
        assert current_version() == before  # not yet: one bump at the end
    after = current_version()
    assert after is not None and after.token != before.token


def test_a_rolled_back_edit_leaves_the_stamp_alone(europe):
    before = current_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        europe["gb"].name = "Rolled back"
        europe["gb"].save()
        raise RuntimeError
    assert current_version() == before


def test_errors_are_not_cached(api, europe):
    assert api.get("/api/v1/countries/?region=nowhere").status_code == 400
    region = RegionFactory(slug="nowhere", name="Nowhere")
    StateFactory(region=region, iso2="NW")
    assert api.get("/api/v1/countries/?region=nowhere").json()["count"] == 1


@pytest.fixture
def redis_cache():
    """The production set-up: the stamp and the responses in Redis (a private key prefix)."""
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/11",
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        },
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with override_settings(CACHES=caches, PUBLIC_CACHE_SHARED=True):
        from django.core.cache import cache

        try:
            cache.set("ping", 1)
            reachable = cache.get("ping") == 1
        except Exception:  # noqa: BLE001
            reachable = False
        if not reachable:
            pytest.skip("Redis is not running on 127.0.0.1:6379")
        yield


def test_with_redis_an_edit_shows_at_once(
    api, europe, redis_cache, django_capture_on_commit_callbacks
):
    assert row(api.get(URL))["treaty_status"]["opsc"] == "party"
    hit = api.get(URL)
    assert hit["X-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        participation = europe["gb"].participations.get()
        participation.publication_status = PublicationStatus.DRAFT
        participation.save()
    after = api.get(URL)
    assert after["X-Cache"] == "MISS"
    assert row(after)["treaty_status"]["opsc"] == "no_action"


def test_redis_down_falls_through_to_the_database(api, europe):
    caches = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        },
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    with override_settings(CACHES=caches, PUBLIC_CACHE_SHARED=True):
        first = api.get(URL)
        assert first.status_code == 200
        assert row(first)["treaty_status"]["opsc"] == "party"
        europe["gb"].participations.update(publication_status=PublicationStatus.DRAFT)
        europe["gb"].save()  # a signal, so the stamp moves (in the database)
        assert row(api.get(URL))["treaty_status"]["opsc"] == "no_action"


def test_a_page_with_a_visitors_csrf_token_is_never_stored(rf, db, settings):
    """`cache_public_page` on a page that renders a CSRF token: the visitor already has the
    cookie, so the response sets none, but the token in it is theirs."""
    from django.http import HttpResponse
    from django.middleware.csrf import get_token

    from hotpath.cache import cache_public_page

    calls = []

    @cache_public_page
    def page(request):
        calls.append(1)
        return HttpResponse(f"<form>{get_token(request)}</form>")

    for _ in range(2):
        request = rf.get("/a-page/")
        request.user = None
        request.COOKIES[settings.CSRF_COOKIE_NAME] = "x" * 32
        assert page(request).status_code == 200
    assert len(calls) == 2  # rendered each time, never replayed
