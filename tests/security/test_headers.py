"""Security headers on pages, API, 404 and 500 alike; the embeddable map may be framed; the
production settings pass `check --deploy` and refuse to run without a real key."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings
from django.urls import path

BASE_DIR = Path(__file__).resolve().parents[2]

# Every kind of response, with the status a visitor gets: pages, API, schema, not found, admin.
PAGES = {
    "/": 200,
    "/countries/": 200,
    "/api/v1/": 200,
    "/api/v1/countries/": 200,
    "/api/v1/schema/": 200,
    "/api/v1/no-such-endpoint/": 404,
    "/no-such-page/": 404,
    "/fr/no-such-page/": 404,
    "/admin/login/": 200,
}


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


def assert_hardened(response, *, framable=False):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    csp = directives(response)
    assert csp["default-src"] == "'self'"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'none'"
    assert "'unsafe-inline'" not in csp.get("script-src", "")
    if framable:
        assert csp["frame-ancestors"] == "*"
        assert "X-Frame-Options" not in response
    else:
        assert csp["frame-ancestors"] == "'none'"
        assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@pytest.mark.parametrize("url,status", PAGES.items())
def test_every_kind_of_response_is_hardened(client, world, url, status):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert_hardened(response)


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/fr", "/ar"])
def test_embeddable_map_may_be_framed_by_any_site(client, world, prefix):
    response = client.get(f"{prefix}/embed/map/?indicator=simple_possession")
    assert response.status_code == 200
    assert 'class="map-svg"' in response.content.decode()  # the partner's frame shows the map
    assert_hardened(response, framable=True)
    # A bad layer (an error page) is framable too: the partner's frame shows it.
    bad = client.get(f"{prefix}/embed/map/?indicator=%00")
    assert bad.status_code == 400
    assert_hardened(bad, framable=True)


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_500_is_hardened_too():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert_hardened(response)


@pytest.mark.django_db
def test_docs_page_policy_allows_only_swagger_inline_styles(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    csp = directives(response)
    assert csp["script-src"] == "'self'"
    assert "'unsafe-inline'" in csp["style-src"]
    assert csp["frame-ancestors"] == "'none'"
    # The start-up script is a separate file, not inline.
    assert b"<script>" not in response.content
    script = client.get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert b"SwaggerUIBundle" in script.content


# Set by the test run itself (the browser tests allow sync ORM calls under Playwright): never
# part of a deployment, so kept out of the deploy check's environment.
TEST_ONLY_ENVIRONMENT = {"SECRET_KEY", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENVIRONMENT}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_ENV": "production"},
        {"DJANGO_ENV": "production", "SECRET_KEY": "short"},
        {"SECRET_KEY": "change-me"},
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "django-insecure-development-only-key-set-SECRET_KEY-in-production",
        },
    ],
)
def test_production_refuses_to_start_without_a_real_secret_key(env):
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_production_server_refuses_to_start_without_a_secret_key():
    environment = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENVIRONMENT}
    result = subprocess.run(
        [sys.executable, "serve.py"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


@pytest.mark.django_db
def test_production_mode_behind_a_tls_proxy(client, settings, world):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    # Plain http is redirected, except the load balancer's health probe.
    assert client.get("/countries/").status_code == 301
    assert client.get("/healthz").status_code == 200
    response = client.get("/api/v1/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert "max-age=31536000" in response["Strict-Transport-Security"]
    assert_hardened(response)


def test_development_needs_no_configuration():
    """`make run`: no SECRET_KEY, plain http, DEBUG off — and no redirect to https."""
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.PRODUCTION, s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["False", "False", "False", "False"]
