"""Bulk import with preview, through the admin as an editor uses it."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core.publication import PublicationStatus
from laws.bulk_import import LAW_COLUMNS, plan_file
from laws.importers.errors import DataFileError
from laws.importers.tables import read_csv_bytes
from laws.models import Finding, ImportBatch, ImportBatchStatus, Law, LawProvision
from treaties.models import Participation

from .conftest import LAWS_DIR

UPLOAD = reverse("admin:laws_importbatch_upload")


def upload(client, kind, name, content, **extra):
    """Upload a file; returns the review page the upload redirects to."""
    response = client.post(
        UPLOAD, {"kind": kind, "file": _file(name, content), **extra}, follow=True
    )
    assert response.status_code == 200
    return response


def _file(name, content):
    handle = io.BytesIO(content)
    handle.name = name
    return handle


def apply(client, batch):
    return client.post(
        reverse("admin:laws_importbatch_review", args=[batch.pk]), {"apply": "1"}, follow=True
    )


def starter(name):
    return (LAWS_DIR / name).read_bytes()


def snapshot():
    """Everything an import can write, with its last-modified stamps."""
    return {
        "laws": list(Law.objects.order_by("pk").values()),
        "provisions": list(LawProvision.objects.order_by("pk").values()),
        "findings": list(Finding.objects.order_by("pk").values()),
        "evidence": list(Finding.evidence.through.objects.order_by("pk").values()),
        "indicators": list(LawProvision.indicators.through.objects.order_by("pk").values()),
        "participations": list(Participation.objects.order_by("pk").values()),
    }


def xlsx(rows, *, sheets=1):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for n in range(1, sheets):
        workbook.create_sheet(f"Sheet{n + 1}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- The starter set through the admin ---


def test_the_starter_set_imports_through_the_admin_as_drafts_and_a_second_time_changes_nothing(
    topics, editor_client
):
    for name, count in (("laws.csv", 33), ("provisions.csv", 71), ("findings.csv", 170)):
        kind = name.removesuffix(".csv")
        page = upload(editor_client, kind, name, starter(name))
        batch = ImportBatch.objects.latest("pk")
        assert batch.status == ImportBatchStatus.PREVIEWED and batch.filename == name
        assert f"{count} created, 0 updated, 0 unchanged, 0 rejected" in " ".join(
            page.content.decode().split()
        )
        # The preview wrote nothing.
        model = {"laws": Law, "provisions": LawProvision, "findings": Finding}[kind]
        assert not model.objects.exists()

        apply(editor_client, batch)
        batch.refresh_from_db()
        assert batch.status == ImportBatchStatus.APPLIED
        assert batch.applied_by.username == "editor"
        assert model.objects.count() == count

    # An editor's upload creates drafts: nothing of it is public yet.
    assert not Law.objects.published().exists()
    assert not Finding.objects.published().exists()
    gb = Finding.objects.get(state__iso2="GB", indicator__slug="simple_possession")
    assert {(p.law.citation, p.label) for p in gb.evidence.all()} == {
        ("Criminal Justice Act 1988 c. 33", "s. 160"),
        ("Coroners and Justice Act 2009 c. 25", "s. 62 (with s. 66)"),
    }

    before = snapshot()
    for name in ("laws.csv", "provisions.csv", "findings.csv"):
        page = upload(editor_client, name.removesuffix(".csv"), name, starter(name))
        assert "0 created, 0 updated" in " ".join(page.content.decode().split())
        apply(editor_client, ImportBatch.objects.latest("pk"))
    assert snapshot() == before


def test_the_same_rows_are_unchanged_after_the_command_loaded_them(starter_set):
    for name in ("laws.csv", "provisions.csv", "findings.csv"):
        plan = plan_file(name.removesuffix(".csv"), name, starter(name))
        assert plan.ok
        assert {row.action for row in plan.rows} == {"unchanged"}


# --- Preview: updates with old → new; rejected rows and why ---


def test_the_preview_lists_each_changed_field_old_and_new_and_apply_writes_just_that(
    starter_set, editor_client
):
    # Drafts: an upload that does not publish may change them (a published law it may not:
    # tests/workflow/test_revisions.py).
    Law.objects.update(publication_status=PublicationStatus.DRAFT)
    content = starter("laws.csv").replace(
        b"Criminal Justice Act 1988 c. 33,1988,", b"Criminal Justice Act 1988 c. 33,1989,"
    )
    page = upload(editor_client, "laws", "laws.csv", content)
    batch = ImportBatch.objects.latest("pk")
    rows = {r["line"]: r for r in batch.preview["rows"]}
    changed = [r for r in rows.values() if r["action"] == "update"]
    assert changed == [
        {
            "line": 3,
            "key": "GB · Criminal Justice Act 1988 c. 33",
            "action": "update",
            "changes": [["year_enacted", "1988", "1989"]],
            "errors": [],
        }
    ]
    assert "<del>1988</del> → 1989" in page.content.decode()
    others = list(Law.objects.exclude(citation="Criminal Justice Act 1988 c. 33").values())

    apply(editor_client, batch)

    law = Law.objects.get(citation="Criminal Justice Act 1988 c. 33")
    assert law.year_enacted == 1989
    # An editor's update keeps the record's publication state.
    assert law.publication_status == PublicationStatus.DRAFT
    assert list(Law.objects.exclude(citation="Criminal Justice Act 1988 c. 33").values()) == others


def test_a_rejected_row_leaves_the_database_unchanged(starter_set, editor_client):
    Finding.objects.update(publication_status=PublicationStatus.DRAFT)  # editable by an upload
    content = (
        starter("findings.csv")
        # line 3: a changed note that must not be written ...
        .replace(b"GB,production,yes,PCA 1978 s. 1(1)(a),,", b"GB,production,yes,PCA,New note,")
        # ... because line 4 is a 'no' without an explanation.
        .replace(b"GB,distribution,yes,", b"GB,distribution,no,", 1)
    )
    before = snapshot()
    page = upload(editor_client, "findings", "findings.csv", content)
    batch = ImportBatch.objects.latest("pk")

    rejected = [r for r in batch.preview["rows"] if r["action"] == "rejected"]
    assert [(r["line"], r["key"]) for r in rejected] == [(4, "GB · distribution")]
    assert rejected[0]["errors"] == [
        "A 'no' finding must explain what was reviewed (absence of evidence is not evidence of "
        "absence: leave the indicator unassessed instead)."
    ]
    text = page.content.decode()
    assert "must explain what was reviewed" in text
    assert 'name="apply"' not in text  # no apply button

    response = apply(editor_client, batch)  # posted anyway

    assert "Some rows are rejected; nothing was written." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.REFUSED
    assert snapshot() == before


def test_apply_is_refused_when_the_database_changed_since_the_preview(starter_set, editor_client):
    Law.objects.update(publication_status=PublicationStatus.DRAFT)  # editable by an upload
    content = starter("laws.csv").replace(b",1988,,amended", b",1989,,amended")
    upload(editor_client, "laws", "laws.csv", content)
    batch = ImportBatch.objects.latest("pk")
    # Meanwhile another editor makes that very change by hand: the preview is out of date.
    law = Law.objects.get(citation="Criminal Justice Act 1988 c. 33")
    law.year_enacted = 1989
    law.title = "Changed meanwhile"
    law.save()

    response = apply(editor_client, batch)

    assert "The database changed since the preview" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatchStatus.PREVIEWED
    law.refresh_from_db()
    assert law.title == "Changed meanwhile"  # not overwritten
    # The new preview shows what applying would now do: restore the title from the file.
    (row,) = [r for r in batch.preview["rows"] if r["action"] == "update"]
    assert row["changes"] == [["title", "Changed meanwhile", "Criminal Justice Act 1988"]]


def test_provisions_and_findings_must_point_at_records_in_the_database(topics, editor_client):
    upload(editor_client, "provisions", "provisions.csv", starter("provisions.csv"))
    plan = ImportBatch.objects.latest("pk").preview
    first = plan["rows"][0]
    assert first["action"] == "rejected"
    assert first["errors"] == [
        "no law 'Protection of Children Act 1978 c. 37' of GB in the database (import it first)."
    ]


# --- Participation ---


def test_participation_rows_create_drafts_and_update_dates(reference, editor_client):
    content = (
        b"country_iso2,treaty,signature_date,consent_date,consent_type,withdrawal_date,"
        b"source_url,as_of\n"
        b"GB,opsc,2000-09-07,2009-02-20,ratification,,,2026-02-03\n"
        b"FR,opsc,2000-09-06,2003-02-05,ratification,,,2026-02-03\n"
        b"DE,opsc,2000-09-06,2009-07-31,accession,,,2026-02-03\n"
        b"XX,opsc,,2001-01-01,,,,\n"
    )
    upload(editor_client, "participations", "p.csv", content)
    rows = ImportBatch.objects.latest("pk").preview["rows"]
    assert [r["action"] for r in rows] == ["create", "create", "create", "rejected"]
    assert rows[3]["errors"] == [
        "unknown country 'XX' (an ISO 3166-1 alpha-2 code, upper case).",
        "'consent_type' is empty but there is a 'consent_date'.",
    ]

    upload(editor_client, "participations", "p.csv", content.rsplit(b"XX", 1)[0])
    apply(editor_client, ImportBatch.objects.latest("pk"))

    gb = Participation.objects.get(state__iso2="GB", treaty__code="opsc")
    assert str(gb.consent_date) == "2009-02-20"
    assert gb.publication_status == PublicationStatus.DRAFT
    assert Participation.objects.count() == 3

    changed = content.replace(b"2009-02-20", b"2009-02-21").rsplit(b"XX", 1)[0]
    upload(editor_client, "participations", "p.csv", changed)
    batch = ImportBatch.objects.latest("pk")
    assert [r["changes"] for r in batch.preview["rows"] if r["action"] == "update"] == [
        [["consent_date", "2009-02-20", "2009-02-21"]]
    ]


# --- Files: XLSX, templates, and clear errors ---


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_have_the_exact_headers_and_import(reference, editor_client, fmt):
    response = editor_client.get(reverse("admin:laws_importbatch_template", args=["laws", fmt]))
    assert response.status_code == 200
    assert f'filename="laws-template.{fmt}"' in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "csv":
        header = content.decode().splitlines()[0].split(",")
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        header = [c.value for c in sheet[1]]
    assert tuple(header) == LAW_COLUMNS
    # The example row is a valid row.
    plan = plan_file("laws", f"laws.{fmt}", content)
    assert [r.action for r in plan.rows] == ["create"]


def test_an_xlsx_file_gives_the_same_preview_as_its_csv(starter_set):
    import csv

    rows = list(csv.reader(io.StringIO(starter("laws.csv").decode("utf-8"))))
    # Spreadsheets hold numbers as numbers: the year 1988 is read back as "1988".
    workbook_rows = [rows[0]] + [[int(v) if v.isdigit() else v for v in row] for row in rows[1:]]
    plan_x = plan_file("laws", "laws.xlsx", xlsx(workbook_rows))
    plan_c = plan_file("laws", "laws.csv", starter("laws.csv"))
    assert plan_x.rows == plan_c.rows
    assert {r.action for r in plan_x.rows} == {"unchanged"}


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("laws.csv", b"\n\n", "laws.csv: the file is empty."),
        (
            "laws.csv",
            "country_iso2,title\nFR,Code pénal\n".encode("latin-1"),
            "laws.csv: not UTF-8 text (byte 29 is 0xe9); save it as 'CSV UTF-8'",
        ),
        (
            "laws.csv",
            b"country,title\nFR,x\n",
            "laws.csv: missing column(s): country_iso2, title_original, language, "
            "instrument_type, citation, year_enacted, date_in_force, status, source_url, "
            "verified, verification_source.",
        ),
        ("laws.txt", b"a,b\n", "laws.txt: upload a .csv or .xlsx file."),
        ("laws.xlsx", b"not a zip", "laws.xlsx: not a readable XLSX workbook."),
        (
            "laws.xlsx",
            xlsx([list(LAW_COLUMNS)], sheets=2),
            "laws.xlsx: the workbook has 2 sheets ('Sheet', 'Sheet2'); upload one sheet.",
        ),
        (
            "laws.xlsx",
            xlsx([list(LAW_COLUMNS), ["GB", "=1+1"]]),
            "laws.xlsx, row 2: cell B2 holds a formula (=1+1); paste values only.",
        ),
    ],
)
def test_a_broken_file_is_refused_with_a_clear_message(
    reference, editor_client, name, content, message
):
    page = upload(editor_client, "laws", name, content)
    batch = ImportBatch.objects.latest("pk")
    assert any(e.startswith(message) for e in batch.preview["file_errors"]), batch.preview
    assert batch.preview["rows"] == []
    assert 'name="apply"' not in page.content.decode()


def test_an_empty_upload_is_refused_by_the_form(reference, editor_client):
    response = editor_client.post(UPLOAD, {"kind": "laws", "file": _file("laws.csv", b"")})
    assert "The submitted file is empty." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_unknown_column_is_refused(reference):
    content = starter("laws.csv").replace(b"verification_source", b"verification_source,extra", 1)
    plan = plan_file("laws", "laws.csv", content)
    assert plan.file_errors[0].startswith("laws.csv: unknown column(s): 'extra'")


def test_files_are_bounded_in_rows():
    with pytest.raises(DataFileError, match="more than 2 rows"):
        read_csv_bytes("laws.csv", b"a\n1\n2\n3\n", max_rows=2)


# --- Who may import, and publish ---


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    for url in (
        UPLOAD,
        reverse("admin:laws_importbatch_untc"),
        reverse("admin:laws_importbatch_template", args=["laws", "csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_outside_the_editors_group_may_not_import(client, db):
    from tests.conftest import staff_login

    from .conftest import saved_user

    staff_login(client, saved_user(username="visitor", is_staff=True))
    assert client.get(UPLOAD).status_code == 403
    response = client.post(UPLOAD, {"kind": "laws", "file": _file("laws.csv", b"x")})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_an_editor_may_not_publish_through_an_upload(topics, editor_client):
    page = editor_client.get(UPLOAD)
    assert 'name="publish"' not in page.content.decode()
    editor_client.post(
        UPLOAD, {"kind": "laws", "file": _file("laws.csv", starter("laws.csv")), "publish": "on"}
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.publish is False
    apply(editor_client, batch)
    assert Law.objects.count() == 33
    assert not Law.objects.published().exists()


def test_a_superuser_may_publish_what_the_upload_writes(topics, superuser_client):
    upload(superuser_client, "laws", "laws.csv", starter("laws.csv"), publish="on")
    apply(superuser_client, ImportBatch.objects.latest("pk"))
    assert Law.objects.published().count() == 33
