"""Every response under /api/ is JSON, whatever the path, the method or what went wrong
(issue 14.2): a client that parses the body never meets Django's HTML error pages."""

import pytest

pytestmark = pytest.mark.django_db

# Percent-encoded as a client sends them: `%0A` is a newline in the path, which the API's
# catch-all pattern (`.*`) did not match, so Django's HTML 404 answered.
ODD_PATHS = [
    "/api/v1/laws/1%0A/",
    "/api/v1/countries/a%0Ab/",
    "/api/v1/laws/1%0A",
    "/api/v1/%0A",
    "/api/v1%0A/",
    "/api/",
    "/api/v2/",
    "/api/v2/countries/",
    "/api/x%0A",
    "/api/v1/schema/%0A",
    "/api/v1/countries/GB/%0D%0A",
    "/api/v1/%E2%80%A8/",
]


@pytest.mark.parametrize("path", ODD_PATHS)
def test_an_unknown_api_path_is_a_json_404(client, world, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("path", ["/api/v1/laws/1%0A/", "/api/v2/"])
def test_head_of_an_unknown_api_path_is_json_too(client, world, path):
    response = client.head(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_refused_host_under_the_api_is_a_json_400(client, world):
    response = client.get("/api/v1/countries/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Bad request."}


def test_the_site_keeps_its_html_404(client, world):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
