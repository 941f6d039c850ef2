"""Declarations and reservations through the bulk import: the release's format, the same key and
fields as the UNTC importer, previewed row by row, applied all or nothing, idempotent."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from core.publication import PublicationStatus
from laws.bulk_import import RESERVATION_COLUMNS, plan_file
from laws.dataset import _reservations as release_reservations
from laws.models import ImportBatch, ImportBatchStatus
from tests.conftest import staff_login
from treaties.importers.untc import diff_pages, parse_file
from treaties.models import Participation, Reservation

from .conftest import UNTC_DIR, saved_user
from .test_bulk_import import _file, apply, upload

KIND = "reservations"
DRAFT = PublicationStatus.DRAFT


@pytest.fixture
def reviewer_client(db):
    from django.contrib.auth.models import Group
    from django.test import Client

    user = saved_user(username="reviewer", is_staff=True)
    # Created by laws/migrations/0008_reviewers_administrators_groups.py.
    user.groups.add(Group.objects.get(name="Reviewers"))
    return staff_login(Client(), user)


@pytest.fixture
def opsc(db, reference_snapshots):
    """The OPSC page of 2026-02-03 imported as `manage.py import_untc` does (published), with
    the reservations linked to the provisions their text names (`link_reservations`)."""
    reference_snapshots.restore("untc_opsc_linked")


def as_csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(RESERVATION_COLUMNS)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def snapshot():
    return {
        "reservations": list(Reservation.objects.order_by("pk").values()),
        "links": list(Reservation.treaty_provisions.through.objects.order_by("pk").values()),
        "participations": list(Participation.objects.order_by("pk").values()),
    }


ARGENTINA = ["AR", "opsc", "0", "declaration", "Declaration:", "2003-09-25", ""]
NEW_RESERVATION = [
    "AR",
    "opsc",
    "1",
    "reservation",
    "Reservation:",
    "2026-01-10",
    "",
    "… with a reservation regarding article 3,   paragraph 5.",
]


def test_the_release_reservations_file_imports_back_unchanged(opsc):
    rows = [
        [
            r["country_iso2"],
            r["treaty"],
            r["order"],
            r["kind"],
            r["heading"],
            r["date"] or "",
            r["withdrawn_date"] or "",
            r["text"],
        ]
        for r in release_reservations()
    ]
    assert len(rows) == Reservation.objects.count() > 10  # every OPSC declaration on the page
    plan = plan_file(KIND, "reservations.csv", as_csv(rows))
    assert plan.ok, [r for r in plan.rows if r.errors][:3]
    assert {r.action for r in plan.rows} == {"unchanged"}
    assert len(plan.rows) == len(rows)


def test_preview_apply_all_or_nothing_and_a_second_import_changes_nothing(opsc, editor_client):
    # A draft: an upload that does not publish may change its declarations.
    Participation.objects.filter(state__iso2="AR").update(publication_status=DRAFT)
    argentina = Participation.objects.get(state__iso2="AR", treaty__code="opsc")
    (declaration,) = argentina.reservations.all()
    good = [
        # line 2: Argentina's declaration, withdrawn (the text stays the record of it).
        ARGENTINA[:6] + ["2026-01-20", declaration.text],
        # line 3: a new reservation; its link follows its text (article 3, paragraph 5).
        NEW_RESERVATION,
    ]
    bad = [
        ["XX", "opsc", "0", "declaration", "", "", "", "Text."],
        ["GB", "opsc", "0", "reserve", "", "", "", "Text."],
        ["FR", "crc", "0", "declaration", "", "", "", "Text."],
        NEW_RESERVATION,  # the same key again
        ["AR", "opsc", "first", "declaration", "", "2026-01-02", "2026-01-01", ""],
    ]
    before = snapshot()
    page = upload(editor_client, KIND, "reservations.csv", as_csv(good + bad))
    batch = ImportBatch.objects.latest("pk")

    rows = batch.preview["rows"]
    # (Argentina's declaration holds paragraphs: its row spans several lines of the CSV file.)
    assert rows[0]["line"] == 2 and rows[1]["line"] > 3
    assert [(r["key"], r["action"]) for r in rows] == [
        ("AR · opsc · order 0", "update"),
        ("AR · opsc · order 1", "create"),
        ("XX · opsc · order 0", "rejected"),
        ("GB · opsc · order 0", "rejected"),
        ("FR · crc · order 0", "rejected"),
        ("AR · opsc · order 1", "rejected"),
        ("AR · opsc · order -1", "rejected"),
    ]
    assert rows[0]["changes"] == [["withdrawn_date", "", "2026-01-20"]]
    assert rows[1]["changes"] == [
        ["kind", "", "reservation"],
        ["heading", "", "Reservation:"],
        ["text", "", "… with a reservation regarding article 3, paragraph 5."],
        ["date", "", "2026-01-10"],
        ["treaty_provisions", "", "opsc-art-3-5"],
    ]
    assert rows[2]["errors"] == ["unknown country 'XX' (an ISO 3166-1 alpha-2 code, upper case)."]
    assert rows[3]["errors"][0] == (
        "'kind' is 'reserve'; expected one of declaration, reservation, "
        "declaration_and_reservation, other."
    )
    assert rows[4]["errors"] == [
        "no participation of FR in crc in the database (import it first, as a treaty "
        "participation file)."
    ]
    assert rows[5]["errors"] == [
        f"duplicate declaration AR 'opsc' order 1 (first on line {rows[1]['line']})."
    ]
    assert rows[6]["errors"] == [
        "'order' is 'first', not a whole number from 0 (the declaration's position among the "
        "state's declarations for the treaty).",
        "'text' is empty.",
        "withdrawn (2026-01-01) before it was made (2026-01-02).",
    ]
    text = " ".join(page.content.decode().split())
    assert "2 created, 0 updated" not in text
    assert "1 created, 1 updated, 0 unchanged, 5 rejected" in text
    assert "no participation of FR in crc in the database" in text
    assert 'name="apply"' not in text

    apply(editor_client, batch)  # posted anyway: refused, nothing written
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.REFUSED
    assert snapshot() == before

    # The file fixed: the good rows only.
    upload(editor_client, KIND, "reservations.csv", as_csv(good))
    batch = ImportBatch.objects.latest("pk")
    last_history = Reservation.history.order_by("-history_id").first().history_id
    response = apply(editor_client, batch)
    assert "Applied: 1 created, 1 updated, 0 unchanged." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.APPLIED

    declaration.refresh_from_db()
    assert str(declaration.withdrawn_date) == "2026-01-20"
    new = argentina.reservations.get(order=1)
    assert (new.kind, new.heading, str(new.date)) == ("reservation", "Reservation:", "2026-01-10")
    assert new.text == "… with a reservation regarding article 3, paragraph 5."
    assert [p.slug for p in new.treaty_provisions.all()] == ["opsc-art-3-5"]
    # Recorded in the history, labelled with the batch: the new reservation, its link to the
    # provision, the withdrawal.
    recorded = Reservation.history.filter(history_id__gt=last_history)
    assert sorted((h.id, h.history_type) for h in recorded) == sorted(
        [(new.pk, "+"), (new.pk, "~"), (declaration.pk, "~")]
    )
    assert {h.history_change_reason for h in recorded} == {
        f"import batch {batch.pk} (reservations: reservations.csv)"
    }
    # An editor's upload leaves the participation's publication state as it was.
    argentina.refresh_from_db()
    assert argentina.publication_status == DRAFT

    # The same file again: every row unchanged; applying writes nothing, not even history.
    after = snapshot()
    history_after = Reservation.history.count()
    page = upload(editor_client, KIND, "reservations.csv", as_csv(good))
    assert "0 created, 0 updated, 2 unchanged, 0 rejected" in " ".join(
        page.content.decode().split()
    )
    apply(editor_client, ImportBatch.objects.latest("pk"))
    assert snapshot() == after
    assert Reservation.history.count() == history_after
    # The links the import set are those `link_reservations` sets: running it changes nothing.
    out = io.StringIO()
    call_command("link_reservations", stdout=out)
    assert snapshot() == after


def test_a_declaration_imported_by_hand_is_what_the_untc_refresh_expects(opsc, reviewer_client):
    """Both paths write the same key and fields, the text normalised alike: a declaration pasted
    into a spreadsheet (doubled spaces, a stray line end) is what the UNTC page holds."""
    page = parse_file(UNTC_DIR / "opsc.html")
    sweden = Participation.objects.get(state__iso2="SE", treaty__code="opsc")
    second = sweden.reservations.get(order=1)
    second.delete()  # as if the database had missed it
    (diff,) = diff_pages([page])
    assert [d.subject for d in diff.differences] == ["Sweden, reservation 2"]

    typed = second.text.replace(" the word", "  the   word") + "\r\n"
    row = ["SE", "opsc", "1", "declaration", "Upon ratification: Declaration:", "2007-01-19"]
    # Sweden's participation is published: a reviewer's upload, publishing.
    upload(reviewer_client, KIND, "se.csv", as_csv([row + ["", typed]]), publish="on")
    apply(reviewer_client, ImportBatch.objects.latest("pk"))

    (diff,) = diff_pages([page])
    assert diff.differences == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_holds_a_row_the_untc_page_already_gives(opsc, editor_client, fmt):
    response = editor_client.get(reverse("admin:laws_importbatch_template", args=[KIND, fmt]))
    assert response.status_code == 200
    content = response.content
    if fmt == "csv":
        header = content.decode().splitlines()[0].split(",")
    else:
        header = [c.value for c in openpyxl.load_workbook(io.BytesIO(content)).active[1]]
    assert tuple(header) == RESERVATION_COLUMNS
    plan = plan_file(KIND, f"{KIND}.{fmt}", content)
    assert [(r.key, r.action) for r in plan.rows] == [("SE · opsc · order 1", "unchanged")]


def test_an_upload_that_does_not_publish_cannot_change_a_published_participation(
    opsc, editor_client, reviewer_client
):
    before = snapshot()
    page = upload(editor_client, KIND, "r.csv", as_csv([NEW_RESERVATION]))
    (row,) = ImportBatch.objects.latest("pk").preview["rows"]
    assert row["action"] == "rejected"
    argentina = Participation.objects.get(state__iso2="AR", treaty__code="opsc")
    assert row["errors"] == [
        f"{argentina} is published: an upload that does not publish cannot change it. Propose "
        "the change on its admin page (a revision a reviewer publishes), or have a reviewer "
        "upload the file with “publish”."
    ]
    assert "is rejected" in page.content.decode()
    assert snapshot() == before

    # A reviewer may: the declaration goes straight to the published participation.
    upload(reviewer_client, KIND, "r.csv", as_csv([NEW_RESERVATION]), publish="on")
    batch = ImportBatch.objects.latest("pk")
    assert [r["action"] for r in batch.preview["rows"]] == ["create"]
    apply(reviewer_client, batch)
    argentina.refresh_from_db()
    assert argentina.publication_status == PublicationStatus.PUBLISHED
    assert argentina.reservations.get(order=1).kind == "reservation"


def test_only_a_reviewer_may_publish_declarations(opsc, editor_client):
    response = editor_client.post(
        reverse("admin:laws_importbatch_upload"),
        {"kind": KIND, "file": _file("r.csv", as_csv([NEW_RESERVATION])), "publish": "on"},
    )
    assert 'name="publish"' not in response.content.decode()  # not offered to an editor
    apply(editor_client, ImportBatch.objects.latest("pk"))
    assert not Reservation.objects.filter(order=1, participation__state__iso2="AR").exists()
