"""The countries list compiles its SQL once per query string and data version
(laws/api/views.py, `CompiledQueries`): a repeated request reads fresh rows with the kept SQL,
and an edit (a publication, a region gone) is honoured at once, never answered from an old
compilation."""

import pytest

from core.publication import PublicationStatus
from laws.api.views import country_pages
from tests.factories import (
    ParticipationFactory,
    RegionFactory,
    StateFactory,
    SubregionFactory,
    TreatyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    country_pages.clear()
    oceania = RegionFactory(slug="oceania", name="Oceania")
    polynesia = SubregionFactory(slug="polynesia", name="Polynesia", parent=oceania)
    opsc = TreatyFactory(code="opsc")
    for iso2, name in (("NZ", "New Zealand"), ("FJ", "Fiji"), ("TO", "Tonga")):
        state = StateFactory(iso2=iso2, name=name, region=oceania, subregion=polynesia)
        if iso2 != "TO":
            ParticipationFactory(state=state, treaty=opsc)
    return oceania


URL = "/api/v1/countries/?region=oceania&page_size=2"


def opsc(response) -> dict:
    return {row["iso2"]: row["treaty_status"]["opsc"] for row in response.json()["results"]}


def test_a_repeated_request_is_one_query_with_the_same_answer(
    api, region, django_assert_num_queries
):
    first = api.get(URL)
    assert first.status_code == 200 and opsc(first) == {"FJ": "party", "NZ": "party"}
    assert first.json()["count"] == 3
    with django_assert_num_queries(1):  # the page, with its count
        again = api.get(URL)
    assert again.content == first.content
    assert len(country_pages.entries) == 1


def test_a_publication_shows_at_once(api, region):
    api.get(URL)
    api.get(URL)
    participation = ParticipationFactory(
        state=StateFactory(iso2="TO"), treaty=TreatyFactory(code="opsc")
    )
    second_page = api.get(URL + "&page=2").json()["results"]
    assert [row["treaty_status"]["opsc"] for row in second_page] == ["party"]
    participation.publication_status = PublicationStatus.DRAFT
    participation.save()
    assert api.get(URL + "&page=2").json()["results"][0]["treaty_status"]["opsc"] == "no_action"
    StateFactory(iso2="WS", name="Samoa", region=region, subregion=region.subregions.get())
    after = api.get(URL)
    assert after.json()["count"] == 4 and list(opsc(after)) == ["FJ", "NZ"]


def test_a_region_renamed_is_refused_under_its_old_slug(api, region):
    assert api.get(URL).status_code == 200
    region.slug = "pacific"
    region.save()
    refused = api.get(URL)
    assert refused.status_code == 400 and "oceania" in refused.json()["errors"]["region"][0]
    assert api.get(URL.replace("oceania", "pacific")).json()["count"] == 3


def test_a_page_past_the_end_is_a_404_each_time(api, region):
    first = api.get(URL + "&page=3")
    again = api.get(URL + "&page=3")
    assert first.status_code == again.status_code == 404
    assert again.json() == first.json() and "2 page(s)" in first.json()["detail"]


def test_bad_input_is_never_kept(api, region):
    for _ in range(2):
        assert api.get("/api/v1/countries/?region=oceania&page_size=0").status_code == 400
        assert api.get("/api/v1/countries/?region=%00").status_code == 400
    assert country_pages.entries == {}


def test_a_search_matching_nothing_answers_empty_each_time(api, region):
    for _ in range(2):
        response = api.get("/api/v1/countries/?q=atlantis")
        assert response.status_code == 200 and response.json()["count"] == 0


def test_the_kept_queries_are_bounded(api, region, monkeypatch):
    monkeypatch.setattr(type(country_pages), "MAX_ENTRIES", 3)
    for size in range(1, 6):
        assert api.get(f"/api/v1/countries/?region=oceania&page_size={size}").status_code == 200
    assert [key[0] for key in country_pages.entries] == [
        f"region=oceania&page_size={size}" for size in (3, 4, 5)
    ]
