"""The evidence autocomplete in a real browser: the page forwards the finding's state, so the
list offers only that state's provisions (laws/static/laws/admin/finding_evidence.js)."""

import pytest

from tests.admin.conftest import PASSWORD, saved_user
from tests.browsing import BROWSER_TEST
from tests.conftest import totp_code
from tests.factories import FindingFactory, LawFactory, LawProvisionFactory, StateFactory

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = BROWSER_TEST


def test_evidence_autocomplete_lists_only_the_findings_state(
    browser, live_server, transactional_db
):
    admin_user = saved_user(username="admin", is_staff=True, is_superuser=True)
    ruritania = StateFactory(name="Ruritania")
    freedonia = StateFactory(name="Freedonia")
    own = LawProvisionFactory(
        law=LawFactory(state=ruritania, citation="Penal Code RR"), label="s. 1"
    )
    LawProvisionFactory(law=LawFactory(state=freedonia, citation="Penal Code FF"), label="s. 1")
    finding = FindingFactory(state=ruritania, evidence=[own])

    # The session's shared Chromium (tests/conftest.py): one sync Playwright per session.
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "admin")
        page.fill("#id_password", PASSWORD)
        page.fill("#id_otp_token", totp_code(admin_user))  # the second factor
        page.click("input[type=submit]")
        page.goto(f"{live_server.url}/admin/laws/finding/{finding.pk}/change/")
        # Open the evidence select2 and search.
        page.click("#id_evidence + .select2 .select2-search__field")
        page.keyboard.type("Penal")
        options = page.locator(".select2-results__option:not(.loading-results)")
        options.first.wait_for()
        texts = options.all_inner_texts()
    finally:
        context.close()
    # Labelled as an editor reads them: "<state> — <law title>, <label> <heading>" (issue 12).
    assert texts == [own.evidence_label()], texts
    assert texts[0].startswith("Ruritania — ") and ", s. 1 " in texts[0]
    assert not any("Freedonia" in t for t in texts), texts
