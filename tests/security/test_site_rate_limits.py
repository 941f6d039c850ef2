"""The site's search and export pages are rate limited like the API (issue 14.7): per client,
in the shared counter, a 429 page with Retry-After; partner keys have their own limit; the
other pages are not limited."""

import pytest

from access.models import ApiKey

pytestmark = pytest.mark.django_db

LIMITED = [
    "/search/?q=code",
    "/fr/search/?q=code",
    "/laws/?format=csv",
    "/countries/?format=xlsx",
    "/downloads/dataset.zip",
]


@pytest.mark.parametrize("url", LIMITED)
def test_search_and_exports_get_a_429_page_over_the_limit(
    client, world, settings, rate_counter, url
):
    settings.SITE_RATE_ANON = 3
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.get(url)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= settings.API_RATE_WINDOW
    assert response["Content-Type"].startswith("text/html")
    assert "Too many requests" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    # Per client: another address has its own count.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_the_count_is_per_client_across_search_and_exports(client, world, settings, rate_counter):
    settings.SITE_RATE_ANON = 2
    assert client.get("/search/?q=a").status_code == 200
    assert client.get("/laws/?format=csv").status_code == 200
    assert client.get("/downloads/dataset.zip").status_code == 429


def test_browsing_is_not_limited(client, world, settings, rate_counter):
    settings.SITE_RATE_ANON = 1
    for url in ["/", "/countries/", "/laws/", "/countries/gb/", "/compare/", "/downloads/"] * 2:
        assert client.get(url).status_code == 200, url


def test_the_counter_is_in_the_shared_ratelimit_cache(client, world, settings, rate_counter):
    settings.SITE_RATE_ANON = 1
    client.get("/search/?q=a")
    window = [k for k in _keys(rate_counter) if ":rl:site:ip:127.0.0.1:" in k]
    assert window, "the count is in the ratelimit cache (Redis in production)"


def _keys(cache):
    if hasattr(cache, "client") and hasattr(cache.client, "get_client"):
        return [k.decode() for k in cache.client.get_client().scan_iter(f"{cache.key_prefix}*")]
    return list(cache._cache.keys())


def test_a_partner_key_has_its_own_limit_on_the_site_too(client, world, settings, rate_counter):
    api_key = ApiKey(name="Partner NGO", contact_email="api@partner.example", requests_per_minute=5)
    key = api_key.set_new_key()
    api_key.save()
    settings.SITE_RATE_ANON = 1
    for _ in range(5):
        assert client.get("/laws/?format=csv", headers={"X-API-Key": key}).status_code == 200
    assert client.get("/laws/?format=csv", headers={"X-API-Key": key}).status_code == 429
    bad = client.get("/laws/?format=csv", headers={"X-API-Key": "crin_nope"})
    assert bad.status_code == 401
