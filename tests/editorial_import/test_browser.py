"""The bulk import and the UNTC refresh in a real browser, as an editor uses them: log in with the
second factor, download a template, upload, read the preview, apply, read the result."""

import importlib
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from core.publication import PublicationStatus
from laws.bulk_import import RESERVATION_COLUMNS
from laws.models import ImportBatch, ImportBatchStatus, Law
from tests.admin.conftest import PASSWORD, saved_user
from tests.browsing import BROWSER_TEST
from tests.conftest import totp_code
from treaties.models import Participation

from .conftest import UNTC_DIR
from .test_untc_refresh import edited_page

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = BROWSER_TEST


def editors_group() -> Group:
    """The Editors group as the migrations make it (a transactional test's flush removed it:
    flushing re-creates permissions, not groups)."""
    editors = importlib.import_module("laws.migrations.0002_editors_group")
    imports = importlib.import_module("laws.migrations.0005_editors_may_import")
    codenames = [
        (app, f"{action}_{model}")
        for app, model, actions in editors.EDITOR_PERMISSIONS
        for action in actions
    ] + [("laws", codename) for codename in imports.CODENAMES]
    group, _ = Group.objects.get_or_create(name=editors.GROUP_NAME)
    group.permissions.set(
        [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in codenames
        ]
    )
    return group


@pytest.fixture
def editor(transactional_db):
    call_command("load_states", stdout=io.StringIO())
    call_command("load_treaties", stdout=io.StringIO())
    user = saved_user(username="editor", is_staff=True)
    user.groups.add(editors_group())
    return user


def reviewer():
    """A reviewer: the Reviewers group as laws/migrations/0008 makes it (editors' permissions and
    the publish permissions, applying a UNTC refresh among them)."""
    reviewers = importlib.import_module("laws.migrations.0008_reviewers_administrators_groups")
    group, _ = Group.objects.get_or_create(name="Reviewers")
    publish = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, _model, codename in reviewers.PUBLISH
    ]
    group.permissions.set([*editors_group().permissions.all(), *publish])
    user = saved_user(username="reviewer", is_staff=True)
    user.groups.add(group)
    return user


def log_in(browser, base_url, user):
    """A browser context of its own for `user`, logged in to the admin (password and second
    factor), on the import batches."""
    context = browser.new_context(base_url=base_url, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", totp_code(user))  # the second factor
    page.click("input[type=submit]")
    page.get_by_role("link", name="Import batches").first.click()
    return page


@pytest.fixture
def page(browser, live_server, editor):
    page = log_in(browser, live_server.url, editor)
    yield page
    for context in browser.contexts:
        context.close()


def text_of(page) -> str:
    return " ".join(page.locator("#content").inner_text().split())


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(page, kind: str, name: str, content: bytes) -> None:
    page.get_by_role("link", name="Bulk import (CSV or XLSX)").click()
    page.select_option("#id_kind", kind)
    mime = XLSX if name.endswith(".xlsx") else "text/csv"
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.get_by_role("button", name="Preview").click()


def test_an_editor_imports_laws_from_the_template_after_fixing_a_rejected_row(page):
    page.get_by_role("link", name="Bulk import (CSV or XLSX)").click()
    laws_row = page.locator("tr").filter(has=page.get_by_role("cell", name="Laws", exact=True))
    with page.expect_download() as download:
        laws_row.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == "laws-template.csv"
    template = open(download.value.path(), "rb").read().decode("utf-8")
    header, example = template.splitlines()
    # A second row, with a country code that does not exist.
    second = example.replace("GB,", "XX,", 1).replace("1988 c. 33", "1988 c. 34")
    page.goto("/admin/laws/importbatch/")

    upload(page, "laws", "laws.csv", f"{header}\n{example}\n{second}\n".encode())

    text = text_of(page)
    assert "Would be: 1 created, 0 updated, 0 unchanged, 1 rejected." in text
    rejected = page.locator("tr.row-rejected")
    assert rejected.locator("td").first.inner_text() == "3"  # the line in the file
    assert "unknown country 'XX' (an ISO 3166-1 alpha-2 code, upper case)." in rejected.inner_text()
    assert "nothing is written while any row is rejected" in text
    assert page.get_by_role("button", name="Apply (all or nothing)").count() == 0
    assert not Law.objects.exists()

    # Fixed: the second row is Germany's.
    fixed = second.replace("XX,", "DE,", 1)
    page.goto("/admin/laws/importbatch/")
    upload(page, "laws", "laws-fixed.csv", f"{header}\n{example}\n{fixed}\n".encode())
    assert "Would be: 2 created, 0 updated, 0 unchanged, 0 rejected." in text_of(page)
    page.get_by_role("button", name="Apply (all or nothing)").click()

    assert (
        "Applied: 2 created, 0 updated, 0 unchanged." in page.locator(".messagelist").inner_text()
    )
    text = text_of(page)
    assert "Status: Applied" in text
    assert "Applied: 2 created, 0 updated, 0 unchanged, 0 rejected." in text
    assert page.get_by_role("button", name="Apply (all or nothing)").count() == 0
    laws = Law.objects.order_by("state__iso2")
    assert [(law.state.iso2, law.citation) for law in laws] == [
        ("DE", "Criminal Justice Act 1988 c. 34"),
        ("GB", "Criminal Justice Act 1988 c. 33"),
    ]
    assert {law.publication_status for law in laws} == {PublicationStatus.DRAFT}
    assert [b.status for b in ImportBatch.objects.order_by("pk")] == [
        ImportBatchStatus.PREVIEWED,  # the file with the rejected row: never applied
        ImportBatchStatus.APPLIED,
    ]


def test_an_editor_refreshes_opsc_from_a_newer_untc_page(page):
    call_command("import_untc", str(UNTC_DIR / "opsc.html"), stdout=io.StringIO())
    argentina = Participation.objects.get(state__iso2="AR", treaty__code="opsc")
    assert argentina.reservations.count() == 1

    page.get_by_role("link", name="Refresh from a UNTC page").click()
    page.set_input_files(
        "#id_file",
        files=[{"name": "opsc.html", "mimeType": "text/html", "buffer": edited_page()}],
    )
    page.get_by_role("button", name="Show the differences").click()

    rows = [" ".join(r.split()) for r in page.locator("table.untc-diff tbody tr").all_inner_texts()]
    assert len(rows) == 3, rows
    assert rows[0].startswith("participation new Palau")
    assert "consent to be bound: 2026-01-15" in rows[0] and "accession" in rows[0]
    assert rows[1] == "participation changed Albania consent to be bound: 2008-02-05 → 2008-02-06"
    assert rows[2].startswith("reservation removed Argentina, reservation 1")
    assert not Participation.objects.filter(state__iso2="PW").exists()  # nothing written yet
    # The refresh changes published treaty data: the editor cannot apply it; it waits for review.
    assert page.get_by_role("button", name="Apply these changes").count() == 0
    assert "a reviewer applies it" in page.locator(".messagelist").inner_text()
    batch_url = page.url

    # The reviewer opens the same batch, reads the same differences and applies them.
    page = log_in(page.context.browser, page.url.split("/admin/")[0], reviewer())
    page.goto(batch_url)
    rows = [" ".join(r.split()) for r in page.locator("table.untc-diff tbody tr").all_inner_texts()]
    assert len(rows) == 3 and rows[0].startswith("participation new Palau"), rows
    page.get_by_role("button", name="Apply these changes").click()

    assert "Applied:" in page.locator(".messagelist").inner_text()
    assert "Status: Applied" in text_of(page)
    assert page.get_by_role("button", name="Apply these changes").count() == 0
    palau = Participation.objects.get(state__iso2="PW", treaty__code="opsc")
    assert (str(palau.consent_date), palau.consent_type) == ("2026-01-15", "accession")
    albania = Participation.objects.get(state__iso2="AL", treaty__code="opsc")
    assert str(albania.consent_date) == "2008-02-06"
    assert not argentina.reservations.exists()
    # Recorded in the history, labelled with the batch.
    batch = ImportBatch.objects.get()
    assert albania.history.first().history_change_reason == (
        f"import batch {batch.pk} (untc: opsc.html)"
    )


def test_an_editor_adds_a_declaration_from_the_xlsx_template(page):
    call_command("import_untc", str(UNTC_DIR / "opsc.html"), stdout=io.StringIO())
    # A draft participation: an editor's upload may change its declarations.
    Participation.objects.filter(state__iso2="AR").update(publication_status="draft")
    page.get_by_role("link", name="Bulk import (CSV or XLSX)").click()
    row = page.locator("tr").filter(
        has=page.get_by_role("cell", name="Declarations and reservations", exact=True)
    )
    with page.expect_download() as download:
        row.get_by_role("link", name="XLSX").click()
    assert download.value.suggested_filename == "reservations-template.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.active
    assert [c.value for c in sheet[1]] == list(RESERVATION_COLUMNS)
    # The example row (Sweden's declaration, already in the database), then Argentina's new
    # reservation, then the same with a kind that does not exist.
    new = ["AR", "opsc", "1", "reservation", "Reservation:", "2026-01-10", ""]
    new.append("… with a reservation regarding article 3, paragraph 5.")
    sheet.append(new)
    sheet.append([*new[:2], "2", "reserve", *new[4:]])

    def saved() -> bytes:
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    page.goto("/admin/laws/importbatch/")
    upload(page, "reservations", "declarations.xlsx", saved())

    assert "Would be: 1 created, 0 updated, 1 unchanged, 1 rejected." in text_of(page)
    rejected = page.locator("tr.row-rejected")
    assert rejected.locator("td").nth(1).inner_text() == "AR · opsc · order 2"
    assert "'kind' is 'reserve'; expected one of declaration, reservation" in (
        rejected.inner_text()
    )
    created = page.locator("tr.row-create").inner_text()
    assert "treaty_provisions" in created and "opsc-art-3-5" in created
    assert page.get_by_role("button", name="Apply (all or nothing)").count() == 0

    sheet.delete_rows(4)  # the bad row removed
    page.goto("/admin/laws/importbatch/")
    upload(page, "reservations", "declarations.xlsx", saved())
    page.get_by_role("button", name="Apply (all or nothing)").click()

    assert "Applied: 1 created, 0 updated, 1 unchanged." in (
        page.locator(".messagelist").inner_text()
    )
    argentina = Participation.objects.get(state__iso2="AR", treaty__code="opsc")
    added = argentina.reservations.get(order=1)
    assert (added.kind, str(added.date)) == ("reservation", "2026-01-10")
    assert [p.slug for p in added.treaty_provisions.all()] == ["opsc-art-3-5"]
    assert not argentina.reservations.filter(order=2).exists()
