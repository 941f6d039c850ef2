"""Site search: one box over countries, laws and provisions, with facets, counts and paging."""

import pytest

from tests.factories import StateFactory

pytestmark = pytest.mark.django_db


def hits(response) -> str:
    return response.content.decode().split('class="hits"')[1].split("</ol>")[0]


def test_one_box_finds_countries_laws_and_provisions(client, world, django_assert_max_num_queries):
    # 14, plus the full-text engine's: a look for matches before typo-tolerant titles, and on
    # PostgreSQL the statement timeout (savepoint, SET LOCAL, release). Per request: the first
    # search of a process also reads what it memoises until the data changes (the languages of
    # the laws, the parsed query text), so the count is taken on the second.
    client.get("/search/?q=possession")
    with django_assert_max_num_queries(18):
        response = client.get("/search/?q=possession")
    found = hits(response)
    assert f"/laws/{world.gb_act.pk}/#provision-{world.gb_s160.pk}" in found
    assert "2 results" not in found
    country = hits(client.get("/search/?q=france"))
    assert "/countries/fr/" in country
    law = hits(client.get("/search/?q=protection children"))
    assert f"/laws/{world.gb_act.pk}/" in law


def test_search_is_accent_insensitive_for_countries(client, world):
    StateFactory(
        iso2="CI",
        iso3="CIV",
        m49="384",
        name="Côte d’Ivoire",
        subregion=world.fr.subregion,
        region=world.europe,
    )
    assert "/countries/ci/" in hits(client.get("/search/?q=cote"))


def test_facets_filter_and_count(client, world):
    response = client.get("/search/?type=country&indicator=simple_possession&status=not_assessed")
    found = hits(response)
    assert "/countries/us/" in found and "/countries/gb/" not in found
    body = response.content.decode()
    assert "1 result<" in body
    # Treaty-status facet: parties to the OPSC among countries.
    parties = hits(client.get("/search/?type=country&treaty=opsc&treaty_status=party"))
    assert parties.count("hit-country") == 3 and "/countries/ru/" not in parties
    # Kind of law and decade facets.
    codes = hits(client.get("/search/?kind=code"))
    assert "Penal Code" in codes and "Protection of Children" not in codes
    seventies = hits(client.get("/search/?decade=1970&type=law"))
    assert "Protection of Children Act 1978" in seventies and "Penal Code" not in seventies


def test_facet_counts_shown(client, world):
    body = client.get("/search/?q=").content.decode()
    # 4 countries, 2 published laws, 3 published provisions.
    assert ">Countries</a> (4)" in body and ">Laws</a> (2)" in body
    assert ">Provisions</a> (3)" in body
    assert "Secret Draft Statute" not in body


def test_paging(client, world):
    for n in range(25):
        code = f"X{chr(65 + n)}"
        StateFactory(iso2=code, iso3=f"{code}X", m49=f"{900 + n}", name=f"Zedland {n:02d}")
    first = client.get("/search/?q=zedland")
    assert "25 results" in first.content.decode() and 'rel="next"' in first.content.decode()
    second = client.get("/search/?q=zedland&page=2")
    assert second.content.decode().count("hit-country") == 5


@pytest.mark.parametrize(
    "query",
    [
        "type=planet",
        "region=atlantis",
        "indicator=x",
        "status=yes",
        "treaty=abc",
        "treaty_status=party",
        "kind=poem",
        "decade=1995",
    ],
)
def test_bad_facets_are_errors(client, world, query):
    assert client.get(f"/search/?{query}").status_code == 400
