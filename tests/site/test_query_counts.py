"""Each page runs the same number of queries whatever the number of states, laws and findings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import FindingFactory, LawProvisionFactory, ParticipationFactory, StateFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/?treaty=opsc",
    "/countries/",
    "/countries/?format=csv",
    "/countries/gb/",
    "/countries/fr/",
    "/laws/",
    "/laws/?format=xlsx",
    "LAW",
    "/treaties/opsc/",
    "/treaties/opsc/?format=csv",
    "/compare/",
    "/compare/?region=europe&format=csv",
    "/compare/?countries=gb,xx,france,QA,QB",
    "/query/?criminalises=production&party_to=opsc",
    "/query/?finding=simple_possession:yes&region=europe&as_of=2020-01-01",
    "/query/?criminalises=production&format=csv",
    "/search/?q=",
    "/search/?q=a&indicator=production&status=yes",
    "/topics/csam/",
    "/embed/map/",
    "/downloads/dataset.zip",
]


def grow(world, n: int = 12) -> None:
    for i in range(n):
        code = f"Q{chr(65 + i)}"
        state = StateFactory(
            iso2=code,
            iso3=f"{code}Q",
            m49=f"{800 + i}",
            subregion=world.gb.subregion,
            region=world.europe,
        )
        ParticipationFactory(state=state, treaty=world.opsc)
        provision = LawProvisionFactory(law__state=state)
        provision.indicators.add(world.production)
        FindingFactory(state=state, indicator=world.production, evidence=[provision])
        FindingFactory(state=state, indicator=world.possession)
        # More for an existing state's own pages too.
        extra = LawProvisionFactory(law=world.gb_act, label=f"s. {200 + i}")
        extra.indicators.add(world.possession)


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize("path", PAGES)
def test_queries_do_not_grow_with_the_data(client, world, path):
    if path == "LAW":
        path = f"/laws/{world.gb_act.pk}/"
    # What a process memoises until the data changes (the search's languages and parsed query)
    # is read by the first request after a change: compare the requests after that one.
    count(client, path)
    before = count(client, path)
    grow(world)
    count(client, path)
    assert count(client, path) == before
