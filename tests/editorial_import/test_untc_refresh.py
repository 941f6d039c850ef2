"""UNTC refresh in the admin: a real status page, edited as a later one would read."""

import io
import re

import pytest
from django.urls import reverse

from laws.models import ImportBatch, ImportBatchStatus
from treaties.models import Objection, Participation, Reservation

from .conftest import UNTC_DIR

UNTC = reverse("admin:laws_importbatch_untc")


def edited_page() -> bytes:
    """The OPSC page of 2026-02-03, with Palau acceding, Albania's date moved by a day, and
    Argentina's declaration withdrawn."""
    html = (UNTC_DIR / "opsc.html").read_text(encoding="utf-8")
    # A new party: a row in the table, and the header's count of parties one higher.
    html = html.replace(
        "<td>Albania<br></td>",
        "<td>Palau<br></td>\n\t\t<td>&nbsp;</td>\n\t\t<td>15 Jan\t 2026 a<br></td>\n\t</tr>\n"
        '\t<tr class="trBGGrey">\n\t\t<td>Albania<br></td>',
        1,
    )
    html, count = re.subn(r"(Parties :\s*)178", r"\g<1>179", html, count=1)
    assert count == 1
    # A changed date of consent.
    html = html.replace("&nbsp;5 Feb\t 2008 a", "&nbsp;6 Feb\t 2008 a", 1)
    # A withdrawn declaration: Argentina's block keeps its heading and loses its text.
    html, count = re.subn(
        r"(dgDec_ctl02_divText\" class=\"content-two\">).*?(</div>)",
        r"\1<p class='invisible'>Argentina</p>\2",
        html,
        count=1,
        flags=re.DOTALL,
    )
    assert count == 1
    return html.encode("utf-8")


def post_page(client, content: bytes, name="opsc.html"):
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(UNTC, {"file": handle}, follow=True)


def snapshot():
    # `last_public_change` is the change feed's stamp: a participation's moves when one of its
    # reservations goes, without the participation itself being written.
    return {
        "participations": [
            {k: v for k, v in row.items() if k != "last_public_change"}
            for row in Participation.objects.order_by("pk").values()
        ],
        "reservations": list(Reservation.objects.order_by("pk").values()),
        "objections": list(Objection.objects.order_by("pk").values()),
    }


@pytest.fixture
def reviewer_client(db):
    from django.contrib.auth.models import Group
    from django.test import Client

    from tests.conftest import staff_login

    from .conftest import saved_user

    user = saved_user(username="reviewer", is_staff=True)
    # Created by laws/migrations/0008_reviewers_administrators_groups.py.
    user.groups.add(Group.objects.get(name="Reviewers"))
    return staff_login(Client(), user)


def review_url(batch) -> str:
    return reverse("admin:laws_importbatch_review", args=[batch.pk])


def test_the_diff_shows_exactly_the_edits_and_applying_changes_exactly_those(
    opsc, editor_client, reviewer_client
):
    before = snapshot()
    argentina = Participation.objects.get(state__iso2="AR", treaty__code="opsc")
    assert argentina.reservations.count() == 1

    page = post_page(editor_client, edited_page())

    assert page.status_code == 200
    batch = ImportBatch.objects.get()
    (diff,) = batch.preview["pages"]
    assert diff["treaty"] == "opsc"
    found = [(d["section"], d["action"], d["subject"], d["changes"]) for d in diff["differences"]]
    assert found == [
        (
            "participation",
            "new",
            "Palau",
            [["consent to be bound", "", "2026-01-15"], ["kind of consent", "", "accession"]],
        ),
        (
            "participation",
            "changed",
            "Albania",
            [["consent to be bound", "2008-02-05", "2008-02-06"]],
        ),
        (
            "reservation",
            "removed",
            "Argentina, reservation 1",
            [["kind", "declaration", ""], ["heading", "Declaration:", ""],
             ["text", found_text(diff, "Argentina"), ""], ["date", "2003-09-25", ""]],
        ),
    ]  # fmt: skip
    assert snapshot() == before  # the preview wrote nothing
    assert "Palau" in page.content.decode()

    # The editor uploaded it; a reviewer applies it.
    reviewer_client.post(review_url(batch), {"apply": "1"})

    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.APPLIED
    after = snapshot()
    palau = Participation.objects.get(state__iso2="PW", treaty__code="opsc")
    assert (str(palau.consent_date), palau.consent_type) == ("2026-01-15", "accession")
    albania = Participation.objects.get(state__iso2="AL", treaty__code="opsc")
    assert str(albania.consent_date) == "2008-02-06"
    assert not argentina.reservations.exists()
    # Nothing else changed: every other participation, reservation and objection as before.
    unchanged = [p for p in before["participations"] if p["id"] != albania.pk]
    assert [p for p in after["participations"] if p["id"] not in (albania.pk, palau.pk)] == (
        unchanged
    )
    assert after["reservations"] == [
        r for r in before["reservations"] if r["participation_id"] != argentina.pk
    ]
    assert after["objections"] == before["objections"]

    # The same page again: nothing differs, nothing to apply.
    page = post_page(editor_client, edited_page())
    assert ImportBatch.objects.latest("pk").preview["pages"][0]["differences"] == []
    assert "nothing to apply" in page.content.decode()


def found_text(diff, subject):
    (item,) = [d for d in diff["differences"] if d["subject"].startswith(subject)]
    return dict((f, old) for f, old, _ in item["changes"])["text"]


def test_a_stale_preview_is_not_applied(opsc, editor_client, reviewer_client):
    post_page(editor_client, edited_page())
    batch = ImportBatch.objects.get()
    # Someone fixes Albania by hand before the preview is applied.
    albania = Participation.objects.get(state__iso2="AL", treaty__code="opsc")
    albania.consent_date = albania.consent_date.replace(day=6)
    albania.save()
    before = snapshot()

    response = reviewer_client.post(review_url(batch), {"apply": "1"}, follow=True)

    assert "The database changed since the preview" in response.content.decode()
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.PREVIEWED
    subjects = [d["subject"] for d in batch.preview["pages"][0]["differences"]]
    assert "Albania" not in subjects and "Palau" in subjects


def test_a_broken_page_is_refused_with_the_parsers_reason(opsc, editor_client):
    html = (UNTC_DIR / "opsc.html").read_text(encoding="utf-8")
    truncated = re.sub(r"(Parties :\s*)178", r"\g<1>180", html, count=1).encode()
    response = post_page(editor_client, truncated)
    assert "the table looks truncated or broken" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_only_editors_may_refresh(opsc, client):
    from tests.conftest import staff_login

    from .conftest import saved_user

    assert client.get(UNTC).status_code == 302  # anonymous: to the login page
    staff_login(client, saved_user(username="visitor", is_staff=True))
    assert post_page(client, edited_page()).status_code == 403
    assert not ImportBatch.objects.exists()


def test_an_editor_cannot_apply_a_refresh_of_published_data_a_reviewer_can(
    opsc, editor_client, reviewer_client
):
    """Issue 12.2: an edited copy of the page, uploaded by an editor, changed the published
    participation at once. Now the editor's upload waits for a reviewer."""
    before = snapshot()
    page = post_page(editor_client, edited_page()).content.decode()
    batch = ImportBatch.objects.get()
    assert "Albania" in page  # the editor sees the preview...
    assert 'name="apply"' not in page  # ...but no Apply button
    assert "so a reviewer applies it: it waits here for review" in page

    refused = editor_client.post(review_url(batch), {"apply": "1"})
    assert refused.status_code == 403
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.PREVIEWED

    page = reviewer_client.get(review_url(batch)).content.decode()
    assert 'name="apply"' in page
    assert "waits here for review" not in page
    reviewer_client.post(review_url(batch), {"apply": "1"})
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.APPLIED
    assert batch.applied_by.username == "reviewer"
    assert batch.uploaded_by.username == "editor"
    albania = Participation.objects.get(state__iso2="AL", treaty__code="opsc")
    assert str(albania.consent_date) == "2008-02-06"


def test_a_page_not_newer_than_the_loaded_one_is_flagged(opsc, reviewer_client):
    # The edited copy still says "STATUS AS AT : 03-02-2026", the date already loaded.
    page = post_page(reviewer_client, edited_page()).content.decode()
    assert (
        "This OPSC page is dated 2026-02-03, which is not newer than the status already loaded "
        "(2026-02-03): it may be an old or edited copy." in page
    )
    # An older page is flagged too; a newer one is not.
    older = edited_page().replace(b"STATUS AS AT : 03-02-2026", b"STATUS AS AT : 12-11-2025")
    page = post_page(reviewer_client, older).content.decode()
    assert "This OPSC page is dated 2025-11-12, which is not newer" in page
    newer = edited_page().replace(b"STATUS AS AT : 03-02-2026", b"STATUS AS AT : 20-02-2026")
    page = post_page(reviewer_client, newer).content.decode()
    assert "not newer than the status already loaded" not in page
    assert "Palau" in page


def test_an_editors_bulk_upload_cannot_change_published_participation(opsc, editor_client):
    """The same edit as a bulk import of participations: refused row by row for an editor
    (an upload that does not publish never changes a published record), nothing written."""
    from laws.bulk_import import PARTICIPATION_COLUMNS

    albania = Participation.objects.get(state__iso2="AL", treaty__code="opsc")
    row = {
        "country_iso2": "AL",
        "treaty": "opsc",
        "signature_date": "",
        "consent_date": "2008-02-06",
        "consent_type": "accession",
        "withdrawal_date": "",
        "source_url": albania.source_url,
        "as_of": str(albania.as_of),
    }
    content = (
        ",".join(PARTICIPATION_COLUMNS) + "\n" + ",".join(row[c] for c in PARTICIPATION_COLUMNS)
    ).encode()
    before = snapshot()
    handle = io.BytesIO(content)
    handle.name = "participations.csv"
    page = editor_client.post(
        reverse("admin:laws_importbatch_upload"),
        {"kind": "participations", "file": handle},
        follow=True,
    ).content.decode()
    batch = ImportBatch.objects.get()
    (planned,) = batch.preview["rows"]
    assert planned["action"] == "rejected"
    assert (
        f"{albania} is published: an upload that does not publish cannot change it."
        in (planned["errors"][0])
    )
    assert 'name="apply"' not in page
    editor_client.post(review_url(batch), {"apply": "1"})
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status != ImportBatchStatus.APPLIED
