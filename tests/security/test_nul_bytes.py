"""A NUL byte never reaches the database (PostgreSQL refuses it in text): a 400 naming the
parameter, or a 404 for a path."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_site_page_names_the_parameter_with_a_nul_byte(client):
    response = client.get("/countries/", {"region": "europe\x00"})
    assert response.status_code == 400
    assert "region" in response.content.decode()


def test_the_api_answers_json_naming_the_parameter(client):
    response = client.get("/api/v1/countries/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert response.json()["errors"]["q"] == ["A value contains a NUL byte."]


def test_a_path_with_a_nul_byte_is_not_found(client):
    assert client.get("/countries/g%00/").status_code == 404
    response = client.get("/api/v1/countries/g%00/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
