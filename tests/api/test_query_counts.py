"""Every list endpoint runs a constant number of queries whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laws.models import FindingStatus
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawFactory,
    LawProvisionFactory,
    ObjectionFactory,
    ParticipationFactory,
    RegionFactory,
    ReservationFactory,
    StateFactory,
    TreatyFactory,
)

pytestmark = pytest.mark.django_db

# Enough for a query per row to show (1 row against 50 on a page) and for the busiest country's
# 39 objections; every state costs about ten saves with their history, so not more.
ROWS = 50


@pytest.fixture
def crowd(db, reference_snapshots):
    """Built once per session, put back in each test (tests/snapshots.py)."""
    return reference_snapshots.restore("api_crowd", make_crowd)


def make_crowd():
    """130 states, each a party to a treaty with a reservation, with a law, a provision bearing
    on two indicators and a finding citing it."""
    europe = RegionFactory(slug="europe", name="Europe")
    western = RegionFactory(slug="western-europe", name="Western Europe", parent=europe)
    treaty = TreatyFactory(code="opsc")
    for code in ("crc", "opac", "opic"):
        TreatyFactory(code=code)
    production = IndicatorFactory(slug="production")
    distribution = IndicatorFactory(slug="distribution", topic=production.topic)
    states = []
    for n in range(ROWS):
        state = StateFactory(subregion=western, region=europe)
        participation = ParticipationFactory(state=state, treaty=treaty)
        ReservationFactory(participation=participation)
        ReservationFactory(participation=participation)
        law = LawFactory(state=state, year_enacted=1990 + n % 30)
        provision = LawProvisionFactory(law=law)
        provision.indicators.set([production, distribution])
        FindingFactory(state=state, indicator=production, evidence=[provision])
        if n % 2:
            FindingFactory(
                state=state,
                indicator=distribution,
                status=FindingStatus.PARTIAL,
                evidence=[provision, LawProvisionFactory(law=law)],
            )
        states.append(state)
    for other in states[1:40]:
        ObjectionFactory(treaty=treaty, objecting_state=states[0], reserving_state=other)
    return states


LIST_QUERIES = [
    "/api/v1/countries/",
    "/api/v1/countries/?region=europe&party_to=opsc&criminalises=production",
    "/api/v1/countries/?finding=distribution:not_assessed&q=state",
    "/api/v1/treaties/",
    "/api/v1/participations/",
    "/api/v1/participations/?treaty=opsc&status=party&region=western-europe",
    "/api/v1/laws/",
    "/api/v1/laws/?indicator=production&year_min=1990",
    "/api/v1/indicators/",
    "/api/v1/findings/",
    "/api/v1/findings/?indicator=production,distribution&region=europe",
    "/api/v1/findings/?status=not_assessed",
]


def queries_for(api, url):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(captured), response.json()


def test_list_queries_do_not_grow_with_page_size(api, crowd):
    # One test over every URL: building the crowd is the slow part.
    for url in LIST_QUERIES:
        separator = "&" if "?" in url else "?"
        # A warm-up: vocabularies are memoised per process and data version (hotpath.cache).
        api.get(f"{url}{separator}page_size=2")
        small, small_body = queries_for(api, f"{url}{separator}page_size=1")
        large, large_body = queries_for(api, f"{url}{separator}page_size=500")
        assert len(small_body["results"]) == min(1, small_body["count"]), url
        assert len(large_body["results"]) == large_body["count"] > 1, url
        assert small == large, (
            f"{url}: {small} queries for 1 row, {large} for {large_body['count']}"
        )
        assert large <= 8, url


def test_large_pages_really_are_large(api, crowd):
    # Guards the test above against passing on empty tables.
    assert api.get("/api/v1/countries/?page_size=500").json()["count"] == ROWS
    assert api.get("/api/v1/findings/?page_size=500").json()["count"] == ROWS + ROWS // 2
    assert api.get("/api/v1/findings/?status=not_assessed").json()["count"] == ROWS // 2


def test_country_detail_queries_are_bounded(api, crowd):
    busy = crowd[0]  # a participation with two reservations, 39 objections, a finding
    quiet = StateFactory(subregion=crowd[1].subregion, region=crowd[1].region)
    # A warm-up (another URL, so not from the response cache): memoised vocabularies.
    api.get(f"/api/v1/countries/{busy.iso2}/?format=json")
    busy_count, busy_body = queries_for(api, f"/api/v1/countries/{busy.iso2}/")
    quiet_count, quiet_body = queries_for(api, f"/api/v1/countries/{quiet.iso2}/")
    assert len(busy_body["participations"][0]["objections"]) == 39
    assert quiet_body["participations"] == []
    # Prefetches are skipped when there is nothing to prefetch, hence "at most".
    assert quiet_count <= busy_count <= 8


def test_law_and_treaty_detail_queries_are_bounded(api, crowd):
    law_id = api.get("/api/v1/laws/?page_size=1").json()["results"][0]["id"]
    count, body = queries_for(api, f"/api/v1/laws/{law_id}/")
    assert body["provisions"]
    assert count <= 6
    count, _ = queries_for(api, "/api/v1/treaties/opsc/")
    assert count <= 3
