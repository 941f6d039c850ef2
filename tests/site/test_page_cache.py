"""The site's pages come from the response cache for anonymous visitors, as the API does
(issue 15): the second visit renders nothing, a published change shows at once, a draft never,
and an editor always gets a fresh page."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.publication import PublicationStatus
from laws.models import FindingStatus
from tests.conftest import staff_login
from tests.factories import FindingFactory, UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/countries/",
    "/countries/gb/",
    "/laws/",
    "/treaties/opsc/",
    "/compare/?countries=GB,FR",
    "/query/?criminalises=production",
    "/search/?q=code",
    "/topics/csam/",
    "/downloads/",
    "/fr/countries/gb/",
    "/countries/?format=csv",
]


def data_queries(queries) -> list[str]:
    # The data-version stamp is read on every request (the test cache is per process).
    return [q["sql"] for q in queries.captured_queries if "dataversion" not in q["sql"]]


@pytest.mark.parametrize("url", PAGES)
def test_the_second_visit_is_served_from_the_cache_without_a_query(client, world, url):
    first = client.get(url)
    assert first.status_code == 200
    assert first["X-Cache"] == "MISS"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert not second.cookies
    assert data_queries(queries) == []


def test_a_conditional_visit_gets_a_304(client, world):
    first = client.get("/countries/gb/")
    again = client.get("/countries/gb/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""


def test_each_language_is_its_own_page(client, world):
    english = client.get("/countries/gb/")
    french = client.get("/fr/countries/gb/")
    assert english["X-Cache"] == french["X-Cache"] == "MISS"
    assert 'lang="en"' in english.text and 'lang="fr"' in french.text


def test_a_published_change_shows_at_once_and_a_draft_never(client, world):
    assert "Not assessed" in client.get("/countries/ru/").text
    client.get("/countries/ru/")  # now cached
    FindingFactory(
        state=world.ru,
        indicator=world.virtual,
        status=FindingStatus.NO,
        note="Read: the whole chapter; no provision on virtual material.",
        publication_status=PublicationStatus.DRAFT,
    )
    draft = client.get("/countries/ru/")
    assert "Read: the whole chapter" not in draft.text
    finding = world.ru.findings.get(indicator=world.virtual)
    finding.publication_status = PublicationStatus.PUBLISHED
    finding.save()
    published = client.get("/countries/ru/")
    assert published["X-Cache"] == "MISS"
    assert "Read: the whole chapter" in published.text


def test_an_editor_gets_a_fresh_page_never_the_cached_one(client, world):
    client.get("/countries/gb/")
    client.get("/countries/gb/")
    editor = UserFactory(is_staff=True)
    editor.save()  # the password UserFactory set after saving (the session's hash is of it)
    editor.groups.add(Group.objects.get(name="Editors"))
    staff_login(client, editor)
    page = client.get("/countries/gb/")
    assert page.status_code == 200
    assert page.wsgi_request.user == editor
    assert "X-Cache" not in page
