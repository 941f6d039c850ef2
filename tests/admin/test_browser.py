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


def test_an_editor_switches_the_admin_to_arabic_then_russian(
    browser, live_server, transactional_db
):
    """The switcher on every admin page; in Arabic the admin reads right to left and our own
    words — the finding's fieldsets and workflow button, the findings list's action and its Run
    button, the import page's form — are Arabic; then the same in Russian (issue 12)."""
    from django.contrib.auth.models import Group

    from tests.workflow.test_revisions_browser import log_in, workflow_groups

    workflow_groups()
    editor = saved_user(username="amina", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    finding = FindingFactory(publication_status="draft")
    context, page = log_in(browser, live_server.url, editor)
    try:
        seen = {}
        for language, words in (
            ("ar", ("الفترة", "إرسال للمراجعة", "تنفيذ", "ما يحويه الملف")),
            ("ru", ("Период", "Отправить на проверку", "Запустить", "Что содержит файл")),
        ):
            page.select_option("#crin-language-select", language)
            page.click("#crin-language button[type=submit]")
            page.goto(f"/admin/laws/finding/{finding.pk}/change/")
            seen[language] = {
                "dir": page.locator("html").get_attribute("dir"),
                # The layout itself turns: the page's computed direction, not only the attribute.
                "direction": page.evaluate("getComputedStyle(document.body).direction"),
                "period": page.locator("fieldset h2", has_text=words[0]).count(),
                "submit": page.locator("button, input[type=submit]", has_text=words[1]).count()
                + page.locator(f'input[type=submit][value="{words[1]}"]').count(),
            }
            page.goto("/admin/laws/finding/")
            actions = page.locator("select[name=action] option").all_inner_texts()
            seen[language]["action"] = any(o.startswith(words[1]) for o in actions)
            seen[language]["run"] = page.locator("button[name=index]").inner_text().strip()
            page.goto("/admin/laws/importbatch/upload/")
            seen[language]["import"] = page.locator("label[for=id_kind]").inner_text()
    finally:
        context.close()
    assert seen["ar"]["dir"] == "rtl" and seen["ar"]["direction"] == "rtl", seen
    assert seen["ru"]["dir"] == "ltr" and seen["ru"]["direction"] == "ltr", seen
    for language, (run, label) in {
        "ar": ("تنفيذ", "ما يحويه الملف"),
        "ru": ("Запустить", "Что содержит файл"),
    }.items():
        assert seen[language]["period"] == 1, (language, seen)
        assert seen[language]["submit"] >= 1, (language, seen)
        assert seen[language]["action"] and seen[language]["run"] == run, (language, seen)
        assert seen[language]["import"].startswith(label), (language, seen)
