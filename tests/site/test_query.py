"""The query builder (issue 13.1): the API's own vocabulary on the site, answered by the API's
filter set, as a list, a map and a table with a shareable URL and exports; nothing ignored."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def listed(response) -> list[str]:
    html = response.content.decode()
    if 'class="result-list"' not in html:
        return []
    block = html.split('class="result-list"')[1].split("</ul>")[0]
    return re.findall(r'href="/(?:[a-z]{2}/)?countries/([a-z]{2})/"', block)


def api(client, query: str) -> dict:
    return client.get("/api/v1/countries/?" + query).json()


@pytest.mark.parametrize(
    "query",
    [
        "criminalises=production,simple_possession",
        "criminalises=production",
        "criminalises=production&party_to=opsc",
        "party_to=opsc&not_party_to=crc",
        "signatory_to=crc",
        "finding=simple_possession:no",
        "finding=simple_possession:not_assessed&region=europe",
        "finding=production:yes&finding=simple_possession:partial",
        "region=americas",
        "criminalises=production&as_of=2005-12-31",
    ],
)
def test_the_site_answers_as_the_api_does(client, world, query):
    response = client.get("/query/?" + query)
    assert response.status_code == 200
    expected = sorted(c["iso2"].lower() for c in api(client, query)["results"])
    assert sorted(listed(response)) == expected
    table = response.content.decode().split('class="data sortable query-table"')[1]
    assert table.split("<tbody>")[1].count('<th scope="row">') == len(expected)


def test_list_map_table_share_link_and_exports(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(25):
        response = client.get("/query/?criminalises=production&party_to=opsc")
    html = response.content.decode()
    assert sorted(listed(response)) == ["fr", "gb"]
    assert "2 states answer the question" in html
    # The map: every state drawn, the answers marked.
    assert re.search(r'class="state st-match" data-iso2="GB"', html)
    assert re.search(r'class="state st-other" data-iso2="US"', html)
    # The table names the treaty and the question asked.
    head = html.split('class="data sortable query-table"')[1].split("</thead>")[0]
    assert "OPSC" in head and "Production" in head and "CRC" not in head
    # A link to share, and the same question in the API.
    assert 'href="http://testserver/query/?criminalises=production&amp;party_to=opsc"' in html
    assert 'href="/api/v1/countries/?criminalises=production&amp;party_to=opsc"' in html
    # Exports of the same rows.
    body = client.get("/query/?criminalises=production&party_to=opsc&format=csv")
    rows = list(csv.DictReader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert [(r["iso2"], r["opsc_status"], r["production"]) for r in rows] == [
        ("FR", "party", "yes"),
        ("GB", "party", "yes"),
    ]
    xlsx = client.get("/query/?criminalises=production&party_to=opsc&format=xlsx")
    sheet = load_workbook(
        io.BytesIO(b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content)
    ).active
    assert [r[0] for r in sheet.iter_rows(values_only=True)] == ["iso2", "FR", "GB"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("criminalises=production&colour=blue", "colour"),
        ("criminalises=teleportation", "criminalises"),
        ("finding=production:maybe", "finding"),
        ("as_of=yesterday", "as_of"),
        ("party_to=xyz", "party_to"),
        ("criminalises=production&format=docx", "format"),
    ],
)
def test_nothing_is_silently_ignored(client, world, query, named):
    response = client.get("/query/?" + query)
    assert response.status_code == 400
    html = response.content.decode()
    errors = html.split('class="errors"')[1].split("</div>")[0]
    assert f"<bdi>{named}</bdi>" in errors
    # No answer is given to a question that was only partly understood.
    assert 'class="result-list"' not in html and "query-table" not in html


def test_empty_form_fields_are_not_a_question(client, world):
    response = client.get("/query/?criminalises=production&finding=&finding=&region=&as_of=")
    assert response.status_code == 200 and sorted(listed(response)) == ["fr", "gb"]
    blank = client.get("/query/")
    assert blank.status_code == 200 and "query-table" not in blank.content.decode()


def test_an_as_of_answer_says_what_it_left_out_as_undated(client, world):
    """The world's findings have no dates: as of a past day none is known to hold, and the
    page says which states were left out for that, as the API's `undated` does."""
    response = client.get("/query/?criminalises=production&as_of=2005-12-31")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))
    assert "0 states answer the question as of 31 December 2005" in text
    undated = api(client, "criminalises=production&as_of=2005-12-31")["undated"]
    assert undated["count"] == 2
    assert "2 states were left out because a finding the answer turns on has no date" in text
    note = text.split("were left out")[1].split("Link to this answer")[0]
    assert "France" in note and "United Kingdom" in note
    # The map marks them apart from the states that do not answer.
    assert re.search(r'class="state st-undated" data-iso2="GB"', response.content.decode())


def test_translated_page_and_arabic(client, world):
    html = client.get("/fr/query/?criminalises=production").content.decode()
    assert "2 États répondent à la question" in html
    assert 'href="/fr/countries/gb/"' in html


def test_the_home_and_topic_pages_lead_to_the_query_builder(client, world):
    home = client.get("/").content.decode()
    # The headline question's indicators that the database holds (no `distribution` here).
    link = re.search(r'href="(/query/\?criminalises=[^"]+)"', home).group(1)
    assert link == "/query/?criminalises=production,simple_possession"
    assert client.get(link).status_code == 200
    topic = client.get("/topics/csam/").content.decode()
    link = re.search(r'href="(/query/\?criminalises=[^"]+)"', topic).group(1)
    assert link == "/query/?criminalises=production,simple_possession,covers_virtual_material"
    assert client.get(link).status_code == 200
