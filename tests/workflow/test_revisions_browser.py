"""A revision in a real browser, as an editor and a reviewer use it in two sessions: the editor
proposes a change to a published law; the public keeps seeing the published text until the
reviewer, reading the difference, publishes it; then the public sees the new text at the same
address and the change feed says "updated"."""

import json
import types
import urllib.request

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from core.publication import PublicationStatus
from laws.models import Law
from tests.admin.conftest import PASSWORD, saved_user
from tests.browsing import BROWSER_TEST
from tests.conftest import totp_code
from tests.factories import LawFactory, LawProvisionFactory, StateFactory

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = BROWSER_TEST


def workflow_groups() -> None:
    """The Editors and Reviewers groups as the data migrations make them (an earlier
    transactional test's flush removed them), by running those migrations' own functions."""
    import importlib

    apps = MigrationLoader(connection).project_state().apps
    editor = types.SimpleNamespace(connection=connection)
    importlib.import_module("laws.migrations.0002_editors_group").create_editors_group(apps, editor)
    importlib.import_module("laws.migrations.0005_editors_may_import").grant(apps, editor)
    importlib.import_module("laws.migrations.0008_reviewers_administrators_groups").create_groups(
        apps, editor
    )


def log_in(browser, base: str, user):
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", totp_code(user))  # the second factor
    page.click("input[type=submit]")
    return context, page


def public(base: str, path: str) -> dict:
    with urllib.request.urlopen(base + path, timeout=15) as response:
        return json.load(response)


def text_of(page) -> str:
    return " ".join(page.locator("#content").inner_text().split())


def test_an_editor_proposes_a_reviewer_publishes_and_the_public_sees_it_only_then(
    browser, live_server, transactional_db
):
    from django.contrib.auth.models import Group

    workflow_groups()
    editor = saved_user(username="alice", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    reviewer = saved_user(username="rita", is_staff=True)
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    state = StateFactory(name="Ruritania", iso2="RR")
    law = LawFactory(state=state, title="Protection of Children Act", citation="Act 7 of 2001")
    LawProvisionFactory(law=law, label="s. 1", heading="Indecent photographs")
    base = live_server.url
    since = timezone.now().isoformat().replace("+", "%2B")  # after the law's publication

    editor_context, editor_page = log_in(browser, base, editor)
    reviewer_context = None
    try:
        # The published law is read-only for the editor, who proposes changes instead.
        editor_page.goto(f"/admin/laws/law/{law.pk}/change/")
        assert "read-only for you" in text_of(editor_page)
        editor_page.get_by_role("button", name="Propose changes").click()
        revision = Law.objects.get(revision_of=law)
        assert editor_page.url.endswith(f"/admin/laws/law/{revision.pk}/change/")
        editor_page.fill("#id_title", "Protection of Children Act (as amended 2026)")
        editor_page.click("input[name=_save]")
        editor_page.goto(f"/admin/laws/law/{revision.pk}/change/")
        editor_page.locator("[name=_transition][value=submit]").click()
        revision.refresh_from_db()
        assert revision.publication_status == PublicationStatus.IN_REVIEW

        # Meanwhile the public sees the published text, at its address and in the country's list.
        assert public(base, f"/api/v1/laws/{law.pk}/")["title"] == "Protection of Children Act"
        titles = [row["title"] for row in public(base, "/api/v1/laws/?country=RR")["results"]]
        assert titles == ["Protection of Children Act"]
        # ...and the change feed reports nothing: the law never left the public view.
        assert public(base, f"/api/v1/changes/?since={since}")["count"] == 0

        # The reviewer reads the difference against the published version, then publishes.
        reviewer_context, reviewer_page = log_in(browser, base, reviewer)
        reviewer_page.goto(f"/admin/laws/law/{revision.pk}/change/")
        review = text_of(reviewer_page)
        assert "Compared with the published version" in review
        assert reviewer_page.locator("del", has_text="Protection of Children Act").count() >= 1
        assert reviewer_page.locator(
            "ins", has_text="Protection of Children Act (as amended 2026)"
        ).first.is_visible()
        reviewer_page.locator("[name=_transition][value=publish]").click()
        assert reviewer_page.url.endswith(f"/admin/laws/law/{law.pk}/change/")

        # Now the public sees the new text, at the same address; the feed says "updated".
        detail = public(base, f"/api/v1/laws/{law.pk}/")
        assert detail["title"] == "Protection of Children Act (as amended 2026)"
        assert [p["heading"] for p in detail["provisions"]] == ["Indecent photographs"]
        changes = public(base, f"/api/v1/changes/?since={since}&type=law")
        assert [(row["id"], row["action"]) for row in changes["results"]] == [(law.pk, "updated")]
        assert not Law.objects.filter(revision_of=law).exists()
    finally:
        editor_context.close()
        if reviewer_context is not None:
            reviewer_context.close()
