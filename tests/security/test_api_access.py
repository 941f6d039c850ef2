"""The public API from other sites and under load: CORS for reads only (django-cors-headers),
per-client rate limits with a shared counter, partner keys issued in the admin (shown once,
stored hashed), revoked."""

import re

import pytest
from django.contrib import admin

from access.models import ApiKey, hash_key
from tests.admin.conftest import saved_user
from tests.conftest import staff_login

ORIGIN = {"Origin": "https://partner.example"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/", "/api/v1/countries/", "/api/v1/countries/GB/"])
def test_api_readable_from_any_origin_without_credentials(client, world, url):
    response = client.get(url, headers=ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert "Retry-After" in response["Access-Control-Expose-Headers"]
    assert "origin" in response["Vary"]
    # A request from no other origin (same site, curl) needs no grant.
    assert "Access-Control-Allow-Origin" not in client.get(url)


@pytest.mark.django_db
def test_preflight_allows_get_with_an_api_key_header_only(client, world):
    response = client.options(
        "/api/v1/countries/",
        headers={
            **ORIGIN,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-api-key",
        },
    )
    # django-cors-headers answers every preflight the same way, 200 with an empty body: the
    # methods and headers it allows. A browser then refuses to send any method not listed.
    assert response.status_code == 200
    assert response.content == b""
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "x-api-key" in response["Access-Control-Allow-Headers"].split(", ")
    assert "Access-Control-Allow-Credentials" not in response
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.options(
            "/api/v1/countries/", headers={**ORIGIN, "Access-Control-Request-Method": method}
        )
        assert method not in response["Access-Control-Allow-Methods"].split(", ")


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_refused_and_never_with_credentials(client, world, method):
    # A cross-origin write needs a preflight (JSON, or any non-simple method), which allows only
    # reads; a simple one reaches the API and is refused (405), without credentials either way.
    response = getattr(client, method)("/api/v1/countries/", headers=ORIGIN)
    assert response.status_code == 405
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/login/", "/", "/countries/"])
def test_admin_and_site_never_get_cors(client, world, url):
    response = client.get(url, headers=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.django_db
def test_anonymous_clients_are_limited_per_address(client, world, settings, rate_counter):
    settings.API_RATE_ANON = 5
    for _ in range(5):
        assert client.get("/api/v1/treaties/").status_code == 200
    response = client.get("/api/v1/countries/", headers=ORIGIN)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= settings.API_RATE_WINDOW
    assert response["Content-Type"] == "application/json"
    assert "Retry after" in response.json()["detail"]
    assert response["Access-Control-Allow-Origin"] == "*"  # a browser may read why
    # Another address has its own count; the site itself is not limited.
    assert client.get("/api/v1/", REMOTE_ADDR="10.0.0.2").status_code == 200
    assert client.get("/countries/").status_code == 200


@pytest.mark.django_db
def test_a_spoofed_forwarded_for_does_not_escape_the_limit(client, world, settings, rate_counter):
    settings.API_RATE_ANON = 2
    for n in range(2):
        client.get("/api/v1/", headers={"X-Forwarded-For": f"10.9.9.{n}"})
    response = client.get("/api/v1/", headers={"X-Forwarded-For": "10.9.9.99"})
    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, world, settings, rate_counter):
    settings.API_RATE_ANON = 1
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get("/api/v1/", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert client.get("/api/v1/", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    assert client.get("/api/v1/", headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200


@pytest.mark.django_db
def test_the_counter_is_shared(client, world, settings, rate_counter):
    """What one worker counted, another sees: the count lives in the shared cache."""
    settings.API_RATE_ANON = 3
    client.get("/api/v1/")
    keys = [k for k in _keys(rate_counter) if ":ip:127.0.0.1:" in k]
    assert keys, "the count is in the ratelimit cache"
    rate_counter.incr(_raw(keys[0]), 2)
    assert client.get("/api/v1/").status_code == 429


def _keys(cache):
    if hasattr(cache, "client") and hasattr(cache.client, "get_client"):
        redis = cache.client.get_client()
        return [k.decode() for k in redis.scan_iter(f"{cache.key_prefix}*")]
    return list(cache._cache.keys())


def _raw(full_key: str) -> str:
    """The key as the cache API takes it (without prefix and version)."""
    return "rl:" + full_key.split(":rl:", 1)[1]


@pytest.fixture
def superuser_client(client, db):
    user = saved_user(username="root", is_staff=True, is_superuser=True)
    return staff_login(client, user)


def issue_key_in_admin(client, name="Partner NGO", rate=600) -> str:
    response = client.post(
        "/admin/access/apikey/add/",
        {
            "name": name,
            "contact_email": "api@partner.example",
            "requests_per_minute": rate,
            "note": "",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    match = re.search(r"<code>(crin_[0-9a-f]{8}_[A-Za-z0-9_-]+)</code>", text)
    assert match, "the new key is shown once"
    return match.group(1)


@pytest.mark.django_db
def test_partner_key_issued_in_admin_shown_once_stored_hashed(superuser_client, world):
    key = issue_key_in_admin(superuser_client)
    api_key = ApiKey.objects.get()
    assert api_key.key_hash == hash_key(key)
    assert key not in str(ApiKey.objects.values().get())
    change_page = superuser_client.get(f"/admin/access/apikey/{api_key.pk}/change/")
    assert key not in change_page.content.decode()
    assert api_key.created_by.username == "root"


@pytest.mark.django_db
def test_partner_key_has_its_higher_limit(client, superuser_client, world, settings, rate_counter):
    key = issue_key_in_admin(superuser_client, rate=8)
    client.logout()
    settings.API_RATE_ANON = 2
    for header in ({"X-API-Key": key}, {"Authorization": f"Api-Key {key}"}) * 4:
        response = client.get("/api/v1/countries/", headers=header)
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "8"
    assert client.get("/api/v1/", headers={"X-API-Key": key}).status_code == 429
    # Anonymous requests from the same address have their own, lower count.
    assert client.get("/api/v1/").status_code == 200
    assert ApiKey.objects.get().last_used_at is not None


@pytest.mark.django_db
def test_revoked_or_unknown_keys_are_refused(client, superuser_client, world):
    key = issue_key_in_admin(superuser_client)
    api_key = ApiKey.objects.get()
    response = superuser_client.post(
        "/admin/access/apikey/",
        {"action": "revoke_keys", "_selected_action": [api_key.pk]},
        follow=True,
    )
    assert response.status_code == 200
    client.logout()
    for bad in (key, key[:-1] + "x", "crin_00000000_nope", "nonsense", "a\x00b", "é" * 300):
        response = client.get("/api/v1/countries/", headers={"X-API-Key": bad})
        assert response.status_code == 401, bad
        assert response.json() == {"detail": "Invalid or revoked API key."}
    assert ApiKey.objects.get().revoked_at is not None


@pytest.mark.django_db
def test_editors_cannot_manage_keys(editor_client, world):
    assert editor_client.get("/admin/access/apikey/").status_code == 403
    assert editor_client.get("/admin/access/apikey/add/").status_code == 403


def test_key_admin_registered():
    assert ApiKey in admin.site._registry


@pytest.mark.django_db
def test_schema_declares_the_key_and_the_limits(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    scheme = schema["components"]["securitySchemes"]["ApiKeyAuth"]
    assert scheme == {**scheme, "type": "apiKey", "in": "header", "name": "X-API-Key"}
    operation = schema["paths"]["/api/v1/countries/"]["get"]
    assert {"ApiKeyAuth": []} in operation["security"] and {} in operation["security"]
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert "Retry-After" in operation["responses"]["503"]["headers"]
