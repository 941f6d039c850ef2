"""The API docs page (Swagger UI) works in Chromium under its Content-Security-Policy: the
operations are drawn and the browser reports no CSP violation."""

import pytest

from tests.browsing import BROWSER_TEST

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = BROWSER_TEST


def test_swagger_ui_runs_under_the_csp(browser, live_server, transactional_db):
    messages = []
    context = browser.new_context()
    try:
        page = context.new_page()
        page.on("console", lambda message: messages.append(message.text))
        response = page.goto(f"{live_server.url}/api/v1/docs/")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.locator(".swagger-ui .opblock-summary-path").first.wait_for(timeout=20000)
        paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    finally:
        context.close()
    assert any("/api/v1/countries/" in path for path in paths), paths
    violations = [m for m in messages if "Content Security Policy" in m]
    assert violations == []
