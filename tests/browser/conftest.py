"""Headless Chromium (Debian's `chromium`, driven by Playwright's Python package) against
pytest-django's live server. One browser per session; a fresh context (cookies) per test."""

import os
from pathlib import Path

import pytest

from tests.site.world import make_world

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests and
# fixtures in the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE = Path(__file__).parent / "assets" / "axe.min.js"


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def world(transactional_db):
    return make_world()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page; return its violations."""
    # Evaluated through the DevTools protocol: the site's CSP (script-src 'self', no inline
    # script) refuses an injected <script> tag, as it should.
    session = page.context.new_cdp_session(page)
    session.send("Runtime.evaluate", {"expression": AXE.read_text(encoding="utf-8")})
    session.detach()
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    return [
        {
            "id": v["id"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]
