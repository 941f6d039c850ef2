"""Conflict-safe editing (two editors, two sessions, one record) and history with restore."""

import pytest
from django.test import Client

from core import workflow
from core.history import change_reason
from core.publication import PublicationStatus
from core.versioning import EditConflict
from laws.models import Law, LawProvision
from tests.conftest import staff_login
from tests.factories import FindingFactory, LawFactory, LawProvisionFactory
from tests.workflow.forms import form_data


@pytest.mark.django_db
def test_second_save_is_refused_with_the_others_change(editor, second_editor):
    law = LawFactory(title="Criminal Code", citation="Code 1", publication_status="draft")
    url = f"/admin/laws/law/{law.pk}/change/"
    first, second = staff_login(Client(), editor), staff_login(Client(), second_editor)
    # Both open the same record.
    first_form, second_form = form_data(first.get(url)), form_data(second.get(url))
    first_form["title"] = "Criminal Code (as amended 2019)"
    assert first.post(url, first_form).status_code == 302
    second_form["citation"] = "Code No. 1"
    response = second.post(url, second_form)
    # Refused, the form shown again with the other editor's change: who, field, old → new.
    assert response.status_code == 200
    text = response.text
    assert "Not saved" in text
    assert "editor on " in text
    assert "“Criminal Code” → “Criminal Code (as amended 2019)”" in text
    law.refresh_from_db()
    assert law.title == "Criminal Code (as amended 2019)"
    assert law.citation == "Code 1"  # nothing silently overwritten, nothing half-written
    assert law.version == 2


@pytest.mark.django_db
def test_conflict_on_a_provision_inline(editor, second_editor):
    law = LawFactory(publication_status="draft")
    provision = LawProvisionFactory(law=law, heading="Possession")
    url = f"/admin/laws/law/{law.pk}/change/"
    first, second = staff_login(Client(), editor), staff_login(Client(), second_editor)
    first_form, second_form = form_data(first.get(url)), form_data(second.get(url))
    prefix = next(
        k[: -len("-id")]
        for k, v in first_form.items()
        if k.endswith("-id") and v == str(provision.pk)
    )
    first_form[f"{prefix}-heading"] = "Possession of indecent images"
    assert first.post(url, first_form).status_code == 302
    second_form[f"{prefix}-heading"] = "Simple possession"
    response = second.post(url, second_form)
    assert response.status_code == 200
    assert "“Possession” → “Possession of indecent images”" in response.text
    provision.refresh_from_db()
    assert provision.heading == "Possession of indecent images"


@pytest.mark.django_db
def test_the_conditional_update_refuses_a_stale_save():
    """The database-level check behind the form's: two copies of one row loaded at version 1;
    the second save finds no row at that version and writes nothing."""
    law = LawFactory(title="A")
    one, two = Law.objects.get(pk=law.pk), Law.objects.get(pk=law.pk)
    one.title = "B"
    one.save()
    two.title = "C"
    with pytest.raises(EditConflict) as conflict:
        two.save()
    assert "“A” → “B”" in conflict.value.message
    assert Law.objects.get(pk=law.pk).title == "B"


@pytest.mark.django_db
def test_history_records_who_when_and_each_field(editor_client, editor):
    law = LawFactory(title="Old", publication_status="draft")
    page = editor_client.get(f"/admin/laws/law/{law.pk}/change/")
    data = form_data(page)
    data["title"] = "New"
    editor_client.post(f"/admin/laws/law/{law.pk}/change/", data)
    latest = law.history.latest("history_date")
    assert latest.history_user == editor and latest.title == "New"
    page = editor_client.get(f"/admin/laws/law/{law.pk}/history/")
    assert page.status_code == 200
    assert "<del>Old</del> → <ins>New</ins>" in page.text and "editor" in page.text
    recent = editor_client.get("/admin/recent-changes/")
    assert "<del>Old</del> → <ins>New</ins>" in recent.text


@pytest.mark.django_db
def test_evidence_changes_are_in_the_history():
    finding = FindingFactory()
    old = list(finding.evidence.all())
    new = LawProvisionFactory(law__state=finding.state, label="s. 99")
    finding.evidence.set([new])
    from core.history import changes_between, previous_record

    latest = finding.history.order_by("-history_date", "-history_id").first()
    changes = changes_between(previous_record(latest), latest)
    assert [c.field for c in changes] == ["evidence"]
    assert str(old[0]) in changes[0].old or "—" == changes[0].old
    assert "s. 99" in changes[0].new


@pytest.mark.django_db
def test_restore_a_version_is_itself_recorded(editor_client, editor):
    law = LawFactory(title="First title", publication_status="draft")
    first = law.history.latest("history_date")
    law.title = "Second title"
    law.save()
    page = editor_client.get(f"/admin/laws/law/{law.pk}/history/{first.history_id}/restore/")
    assert "<del>Second title</del> → <ins>First title</ins>" in page.text
    editor_client.post(f"/admin/laws/law/{law.pk}/history/{first.history_id}/restore/")
    law.refresh_from_db()
    assert law.title == "First title"
    latest = law.history.latest("history_date")
    assert latest.history_user == editor
    assert latest.history_change_reason.startswith("restore of version 1")
    assert law.history.count() == 3


@pytest.mark.django_db
def test_restore_brings_back_many_to_many(editor):
    # A draft law's provision: restored in place (a published one goes into a revision).
    provision = LawProvisionFactory(law__publication_status="draft")
    from tests.factories import IndicatorFactory

    a, b = IndicatorFactory(), IndicatorFactory()
    provision.indicators.set([a])
    version_with_a = provision.history.order_by("-history_date", "-history_id").first()
    provision.indicators.set([b])
    current = LawProvision.objects.get(pk=provision.pk)
    workflow.restore_version(editor, current, version_with_a.history_id)
    assert list(provision.indicators.all()) == [a]


@pytest.mark.django_db
def test_editor_restoring_a_published_record_puts_it_in_a_revision(editor):
    law = LawFactory(title="Published")
    first = law.history.latest("history_date")
    law.title = "Changed by a reviewer"
    law.save()
    revision = workflow.restore_version(editor, Law.objects.get(pk=law.pk), first.history_id)
    law.refresh_from_db()
    # The public keeps the published text; the restored one waits in a revision for review.
    assert law.title == "Changed by a reviewer" and law.publication_status == "published"
    assert revision.revision_of == law and revision.title == "Published"
    assert revision.publication_status == PublicationStatus.DRAFT


def test_imports_are_recorded_without_a_user_and_no_op_reimport_writes_no_history(
    db, reference_snapshots
):
    from django.core.management import call_command

    from laws.models import HistoricalLaw

    # The rows (history rows included) `load_real_data` wrote on an empty database.
    reference_snapshots.restore("real_data")
    rows = HistoricalLaw.objects.count()
    assert rows > 0
    assert set(HistoricalLaw.objects.values_list("history_change_reason", "history_user")) == {
        ("import_laws", None)
    }
    from django.apps import apps

    def total():
        return sum(
            m.objects.count() for m in apps.get_models() if m.__name__.startswith("Historical")
        )

    # Each imported finding's history opens with one row, its creation, which already names
    # the evidence and the pages checked (not a bare creation followed by a row per link set).
    from laws.models import Finding, HistoricalFinding

    first = {}
    for record in HistoricalFinding.objects.order_by("history_date", "history_id"):
        first.setdefault(record.id, record)
    findings = Finding.objects.filter(revision_of=None).prefetch_related(
        "evidence", "checked_sources"
    )
    assert findings.count() > 900
    assert HistoricalFinding.objects.count() == findings.count()
    for finding in findings:
        record = first[finding.pk]
        assert record.history_type == "+"
        assert {row.lawprovision_id for row in record.evidence.all()} == {
            p.pk for p in finding.evidence.all()
        }, finding
        assert {row.source_id for row in record.checked_sources.all()} == {
            s.pk for s in finding.checked_sources.all()
        }, finding
    # So does each provision's, with the indicators it bears on.
    from laws.models import HistoricalLawProvision, LawProvision

    provisions = LawProvision.objects.prefetch_related("indicators")
    assert HistoricalLawProvision.objects.count() == provisions.count()
    for provision in provisions:
        record = HistoricalLawProvision.objects.get(id=provision.pk)
        assert record.history_type == "+"
        assert {row.indicator_id for row in record.indicators.all()} == {
            i.pk for i in provision.indicators.all()
        }, provision

    before = total()
    call_command("load_real_data", stdout=open("/dev/null", "w"))
    assert total() == before


def test_change_reason_block_labels_rows(db):
    with change_reason("bulk fix"):
        law = LawFactory()
    assert law.history.get().history_change_reason == "bulk fix"


# No serialized_rollback: pytest-django runs transactional tests after all the others, and an
# earlier one's flush re-creates the content types, which a serialized reload then duplicated.
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_saves_one_wins():
    """Two connections save the same version at the same moment: the database lets exactly one
    through (the conditional UPDATE holds the row until commit), the other gets EditConflict."""
    import threading

    from django.db import connection

    law = LawFactory(title="Start")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(title):
        try:
            copy = Law.objects.get(pk=law.pk)
            copy.title = title
            barrier.wait(timeout=10)
            copy.save()
            outcomes.append("saved")
        except EditConflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(t,)) for t in ("One", "Two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "saved"]
    law.refresh_from_db()
    assert law.version == 2 and law.title in {"One", "Two"}
