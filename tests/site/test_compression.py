"""The site's pages are compressed on the wire for anonymous visitors (issue 15), and never where
BREACH could read a secret: an editor's session, the admin."""

import gzip

import pytest
from django.contrib.auth.models import Group

from tests.conftest import staff_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
PAGES = ["/", "/countries/", "/countries/gb/", "/compare/", "/laws/", "/search/?q=code", "/fr/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_gzipped_for_anonymous_visitors(client, world, url):
    plain = client.get(url)
    compressed = client.get(url, headers=GZIP)
    assert compressed.status_code == plain.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert int(compressed["Content-Length"]) == len(compressed.content) < len(plain.content)
    body = gzip.decompress(compressed.content)
    assert body.startswith(b"<!doctype html>") or body.lower().startswith(b"<!doctype html>")
    assert len(body) == len(plain.content)


def test_two_compressed_answers_differ_in_length_heal_the_breach(client, world):
    lengths = {len(client.get("/search/?q=code", headers=GZIP).content) for _ in range(8)}
    assert len(lengths) > 1


def test_no_compression_without_accept_encoding(client, world):
    response = client.get("/")
    assert "Content-Encoding" not in response
    assert "Accept-Encoding" in response["Vary"]


def test_an_editors_pages_are_never_compressed(client, world):
    editor = UserFactory(username="amina", is_staff=True)
    editor.save()
    editor.groups.add(Group.objects.get(name="Editors"))
    staff_login(client, editor)
    for url in ("/", "/search/?q=code", "/admin/"):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response, url


def test_the_api_is_left_to_the_proxy(client, world):
    response = client.get("/api/v1/countries/", headers=GZIP)
    assert "Content-Encoding" not in response
    assert "Accept-Encoding" not in response.get("Vary", "")
