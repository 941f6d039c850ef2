"""Roles and publication: who may move a record where, checked in the service, the admin
actions and the change-page buttons; a published record is read-only for an editor (who proposes
changes in a revision: test_revisions.py); a reviewer sees what changed since the last
publication."""

import pytest
from django.core.exceptions import PermissionDenied

from core import workflow
from core.publication import PublicationStatus
from laws.models import Finding, Law
from tests.factories import FindingFactory, LawFactory, LawProvisionFactory, ParticipationFactory
from tests.workflow.forms import form_data

DRAFT, IN_REVIEW, PUBLISHED, WITHDRAWN = (
    PublicationStatus.DRAFT,
    PublicationStatus.IN_REVIEW,
    PublicationStatus.PUBLISHED,
    PublicationStatus.WITHDRAWN,
)


@pytest.mark.django_db
def test_groups_hold_the_roles(editor, reviewer):
    assert not editor.has_perm("laws.publish_law")
    assert editor.has_perm("laws.change_law")
    for perm in ("laws.publish_law", "laws.publish_finding", "treaties.publish_participation"):
        assert reviewer.has_perm(perm)


@pytest.mark.django_db
def test_full_cycle_through_the_service(editor, reviewer):
    law = LawFactory(publication_status=DRAFT)
    workflow.transition(editor, law, "submit")
    assert law.publication_status == IN_REVIEW
    with pytest.raises(PermissionDenied):
        workflow.transition(editor, law, "publish")
    law.refresh_from_db()
    assert law.publication_status == IN_REVIEW
    workflow.transition(reviewer, law, "publish")
    law.refresh_from_db()
    assert law.publication_status == PUBLISHED and law.published_at is not None
    workflow.transition(reviewer, law, "withdraw")
    law.refresh_from_db()
    assert law.publication_status == WITHDRAWN
    reasons = list(
        law.history.order_by("history_date").values_list("history_change_reason", "history_user")
    )
    assert reasons[-3:] == [
        ("submit", editor.pk),
        ("publish", reviewer.pk),
        ("withdraw", reviewer.pk),
    ]


@pytest.mark.django_db
def test_transitions_are_validated(reviewer):
    law = LawFactory(publication_status=DRAFT)
    with pytest.raises(workflow.TransitionError, match="needs a law whose status is “In review”"):
        workflow.transition(reviewer, law, "publish")  # a draft is reviewed first
    with pytest.raises(workflow.TransitionError):
        workflow.transition(reviewer, law, "withdraw")


@pytest.mark.django_db
def test_editor_cannot_publish_by_admin_action_or_button(editor_client, editor):
    law = LawFactory(publication_status=IN_REVIEW)
    # The action is not offered to an editor, and posting it anyway changes nothing.
    page = editor_client.get("/admin/laws/law/")
    assert "workflow_publish" not in page.text and "workflow_submit" in page.text
    editor_client.post(
        "/admin/laws/law/", {"action": "workflow_publish", "_selected_action": [law.pk]}
    )
    law.refresh_from_db()
    assert law.publication_status == IN_REVIEW
    # No publish button on the change page; a hand-made post of one is refused.
    change = editor_client.get(f"/admin/laws/law/{law.pk}/change/")
    assert 'value="publish"' not in change.text
    data = change_form_data(change)
    data["_transition"] = "publish"
    response = editor_client.post(f"/admin/laws/law/{law.pk}/change/", data, follow=True)
    law.refresh_from_db()
    assert law.publication_status == IN_REVIEW
    assert "Not permitted: “Publish” (law) needs the laws.publish_law permission" in response.text


@pytest.mark.django_db
def test_reviewer_publishes_with_the_action_and_the_button(reviewer_client):
    laws = LawFactory.create_batch(2, publication_status=IN_REVIEW)
    reviewer_client.post(
        "/admin/laws/law/",
        {"action": "workflow_publish", "_selected_action": [laws[0].pk]},
    )
    laws[0].refresh_from_db()
    assert laws[0].publication_status == PUBLISHED
    change = reviewer_client.get(f"/admin/laws/law/{laws[1].pk}/change/")
    assert 'value="publish"' in change.text
    data = change_form_data(change)
    data["_transition"] = "publish"
    reviewer_client.post(f"/admin/laws/law/{laws[1].pk}/change/", data)
    laws[1].refresh_from_db()
    assert laws[1].publication_status == PUBLISHED


@pytest.mark.django_db
def test_bulk_action_records_each_record(reviewer_client, reviewer):
    findings = FindingFactory.create_batch(3, publication_status=IN_REVIEW)
    reviewer_client.post(
        "/admin/laws/finding/",
        {"action": "workflow_publish", "_selected_action": [f.pk for f in findings]},
    )
    for finding in findings:
        finding.refresh_from_db()
        assert finding.publication_status == PUBLISHED
        latest = finding.history.latest("history_date")
        assert (latest.history_user_id, latest.history_change_reason) == (reviewer.pk, "publish")


@pytest.mark.django_db
def test_a_published_record_is_read_only_for_an_editor(editor_client):
    """An editor may not change a published record in place: the page is read-only, offers
    "Propose changes" (a revision: tests/workflow/test_revisions.py), and a hand-made post is
    refused with nothing written."""
    law = LawFactory(title="Old title")
    url = f"/admin/laws/law/{law.pk}/change/"
    change = editor_client.get(url)
    assert 'name="title"' not in change.text and "Old title" in change.text
    assert "Published: read-only for you." in change.text and "Propose changes" in change.text
    response = editor_client.post(
        url, {"title": "New title", "state": law.state_id, "version": 1}, follow=True
    )
    assert "Not saved" in response.text and "Propose changes on its page" in response.text
    law.refresh_from_db()
    assert (law.title, law.publication_status, law.version) == ("Old title", PUBLISHED, 1)
    assert Law.objects.published().filter(pk=law.pk).exists()


@pytest.mark.django_db
def test_admin_add_starts_as_draft(reviewer_client):
    from tests.factories import StateFactory

    state = StateFactory()
    page = reviewer_client.get("/admin/laws/law/add/")
    data = change_form_data(page)
    data.update(state=state.pk, title="A new act", kind="act", citation="Act 1 of 2026")
    reviewer_client.post("/admin/laws/law/add/", data)
    assert Law.objects.get(citation="Act 1 of 2026").publication_status == DRAFT


@pytest.mark.django_db
def test_reviewer_sees_changes_since_last_publication(
    editor_client, reviewer_client, editor, reviewer
):
    law = LawFactory(title="Sexual Offences Act", publication_status=DRAFT)
    provision = LawProvisionFactory(law=law, heading="Indecent photographs")
    workflow.transition(editor, law, "submit")
    workflow.transition(reviewer, law, "publish")
    workflow.transition(reviewer, law, "withdraw")
    # Withdrawn, so not public: an editor changes the title and a provision in place.
    page = editor_client.get(f"/admin/laws/law/{law.pk}/change/")
    data = change_form_data(page)
    data["title"] = "Sexual Offences Act (consolidated)"
    editor_client.post(f"/admin/laws/law/{law.pk}/change/", data)
    page = editor_client.get(f"/admin/laws/lawprovision/{provision.pk}/change/")
    data = change_form_data(page)
    data["heading"] = "Indecent pseudo-photographs"
    editor_client.post(f"/admin/laws/lawprovision/{provision.pk}/change/", data)
    law.refresh_from_db()
    assert law.publication_status == DRAFT  # a withdrawn record edited by an editor
    page = reviewer_client.get(f"/admin/laws/law/{law.pk}/change/")
    text = page.text
    assert "Compared with the version published on" in text
    assert "Sexual Offences Act (consolidated)" in text and "<del>Sexual Offences Act</del>" in text
    assert "<del>Indecent photographs</del>" in text
    assert "<ins>Indecent pseudo-photographs</ins>" in text


@pytest.mark.django_db
def test_a_published_record_has_nothing_to_review(reviewer_client, reviewer):
    """Imports write a published law, then its provisions: the published record's page must not
    present those provisions as changes made since the publication."""
    law = LawFactory(title="Criminal Code", publication_status=PUBLISHED)
    LawProvisionFactory(law=law, heading="Child sexual abuse material")
    page = reviewer_client.get(f"/admin/laws/law/{law.pk}/change/")
    assert "None: this is the published version, as the public sees it." in page.text
    assert "<ins>Child sexual abuse material</ins>" not in page.text


def change_form_data(response) -> dict:
    return form_data(response)


@pytest.mark.django_db
def test_participation_and_finding_follow_the_same_rules(editor, reviewer):
    participation = ParticipationFactory(publication_status=DRAFT)
    finding = FindingFactory(publication_status=DRAFT)
    for record in (participation, finding):
        workflow.transition(editor, record, "submit")
        with pytest.raises(PermissionDenied):
            workflow.transition(editor, record, "publish")
        workflow.transition(reviewer, record, "publish")
        record.refresh_from_db()
        assert record.publication_status == PUBLISHED
    assert Finding.objects.published().filter(pk=finding.pk).exists()


@pytest.mark.django_db
def test_create_editor_with_the_reviewer_role():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command(
        "create_editor", "rita", "--role", "reviewer", "--password", "a long reviewer passphrase"
    )
    rita = get_user_model().objects.get(username="rita")
    assert rita.is_staff and not rita.is_superuser
    assert rita.has_perm("laws.publish_law") and rita.has_perm("laws.change_finding")
