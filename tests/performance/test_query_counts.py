"""Q1 (countries of a region with their OPSC status and simple-possession finding) and Q4 (one
country's detail) cost a fixed number of SQL queries whatever the number of laws, provisions,
findings and reservations: Q1 at most 3, Q4 at most 4 (plus, with a per-process cache as in
tests, the one-row read of the data-version stamp that production reads from Redis)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.publication import PublicationStatus
from laws.models import FindingStatus, Law
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
    TopicFactory,
    TreatyFactory,
)

pytestmark = pytest.mark.django_db


def data_queries(api, url):
    """SQL queries to answer `url` uncached (a fresh query string each time), the stamp apart."""
    with CaptureQueriesContext(connection) as captured:
        response = api.get(url)
    assert response.status_code == 200, response.content
    sql = [q["sql"] for q in captured.captured_queries]
    return [s for s in sql if "crin_legal_dataversion" not in s], response.json()


@pytest.fixture
def world(db):
    africa = RegionFactory(slug="africa", name="Africa")
    treaties = [TreatyFactory(code=code) for code in ("crc", "opac", "opsc", "opic")]
    topic = TopicFactory()
    indicators = [
        IndicatorFactory(slug=slug, topic=topic)
        for slug in ("production", "distribution", "simple_possession")
    ]
    states = [StateFactory(region=africa) for _ in range(6)]
    for state in states:
        for treaty in treaties[:3]:
            ParticipationFactory(state=state, treaty=treaty)
    return {"africa": africa, "treaties": treaties, "indicators": indicators, "states": states}


def grow(world, laws_per_state: int) -> None:
    """More laws, provisions, evidence, reservations and objections for every state."""
    opsc = world["treaties"][2]
    for state in world["states"]:
        participation = state.participations.get(treaty=opsc)
        ReservationFactory(participation=participation)
        ReservationFactory(participation=participation)
        ObjectionFactory(treaty=opsc, objecting_state=state, reserving_state=world["states"][0])
        provisions = []
        for _ in range(laws_per_state):
            law = LawFactory(state=state)
            provisions += [LawProvisionFactory(law=law), LawProvisionFactory(law=law)]
        for indicator in world["indicators"][:2]:
            finding = state.findings.filter(indicator=indicator).first()
            if finding is None:
                FindingFactory(state=state, indicator=indicator, evidence=provisions[:3])
            else:
                finding.evidence.add(*provisions[:3])
        LawFactory(state=state, publication_status=PublicationStatus.DRAFT)


def test_q1_one_query_whatever_the_data(api, world):
    api.get("/api/v1/countries/?region=africa&page_size=7")  # warm the memoised vocabularies
    small, body = data_queries(api, "/api/v1/countries/?region=africa")
    assert body["count"] == 6
    grow(world, laws_per_state=5)
    api.get("/api/v1/countries/?region=africa&page_size=8")  # the data changed: warm again
    large, body = data_queries(api, "/api/v1/countries/?region=africa&page_size=50")
    assert body["results"][0]["finding_status"]["production"] == "yes"
    assert body["results"][0]["treaty_status"]["opsc"] == "party"
    assert len(small) == len(large) == 1, large  # page, total and statuses in one query


def test_q4_at_most_four_queries_whatever_the_number_of_laws(api, world):
    state = world["states"][1]
    api.get(f"/api/v1/countries/{state.iso2}/?format=json")  # warm
    before, body = data_queries(api, f"/api/v1/countries/{state.iso2}/")
    assert [f["status"] for f in body["findings"]] == ["not_assessed"] * 3
    grow(world, laws_per_state=12)
    FindingFactory(
        state=state, indicator=world["indicators"][2], status=FindingStatus.NO, note="Reviewed."
    )
    api.get(f"/api/v1/countries/{state.iso2}/?format=json")  # warm
    after, body = data_queries(api, f"/api/v1/countries/{state.iso2}/")
    assert len(before) <= len(after) <= 4, after
    statuses = {f["indicator"]: (f["status"], len(f["evidence"])) for f in body["findings"]}
    assert statuses == {
        "production": ("yes", 3),
        "distribution": ("yes", 3),
        "simple_possession": ("no", 0),
    }
    opsc = next(p for p in body["participations"] if p["treaty"] == "opsc")
    assert len(opsc["reservations"]) == 2
    assert len(opsc["objections"]) == 1


def test_q4_evidence_of_a_draft_law_never_shows(api, world):
    state = world["states"][0]
    draft_law = LawFactory(state=state)
    published = LawProvisionFactory(law__state=state)
    FindingFactory(
        state=state,
        indicator=world["indicators"][0],
        evidence=[published, LawProvisionFactory(law=draft_law)],
    )
    # A published finding never cites a draft (laws.models.refuse_unpublished_evidence): rows
    # from before that rule, written behind the models' back, must not leak either.
    Law.objects.filter(pk=draft_law.pk).update(publication_status=PublicationStatus.DRAFT)
    body = api.get(f"/api/v1/countries/{state.iso2}/").json()
    production = next(f for f in body["findings"] if f["indicator"] == "production")
    assert [e["provision_id"] for e in production["evidence"]] == [published.pk]
    assert production["evidence"][0]["law_title"] == published.law.title


def test_q6_treaty_counts_by_region(api, world):
    europe = RegionFactory(slug="europe", name="Europe")
    ParticipationFactory(state=StateFactory(region=europe), treaty=world["treaties"][3])
    rows = {
        r["code"]: r["party_count"]
        for r in api.get("/api/v1/treaties/?region=africa").json()["results"]
    }
    assert rows == {"crc": 6, "opac": 6, "opsc": 6, "opic": 0}
    everywhere = api.get("/api/v1/treaties/").json()["results"]
    assert {r["code"]: r["party_count"] for r in everywhere}["opic"] == 1
    assert api.get("/api/v1/treaties/?region=atlantis").status_code == 400
