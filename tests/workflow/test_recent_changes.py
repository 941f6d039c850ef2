"""/admin/recent-changes/ after a revision is published, and with any history row (issue 12.3).

Publishing a revision of a published law deletes the revision and its working copies of the
provisions; their history rows stay. The page must list them (named as they were), never 500."""

import pytest
from django.test import Client
from django.urls import reverse

from core import workflow
from core.revisions import start_revision
from laws.models import Law, LawProvision
from tests.conftest import staff_login
from tests.factories import LawFactory, LawProvisionFactory, StateFactory

RECENT = "/admin/recent-changes/"


@pytest.mark.django_db
def test_recent_changes_after_a_revision_of_a_published_law_is_published(editor, reviewer):
    law = LawFactory(state=StateFactory(iso2="UG", name="Uganda"), title="Computer Misuse Act")
    provision = LawProvisionFactory(law=law, label="s. 23", heading="Child pornography")
    revision, _created = start_revision(editor, law)
    copy = revision.provisions.get()
    copy.heading = "Child pornography (amended)"
    copy._history_user = editor
    copy.save()
    LawProvisionFactory(law=revision, label="s. 24", heading="Grooming")
    workflow.transition(editor, revision, "submit")
    workflow.transition(reviewer, revision, "publish")
    assert set(LawProvision.objects.values_list("heading", flat=True)) == {
        "Child pornography (amended)",
        "Grooming",
    }

    client = staff_login(Client(), reviewer)
    for query in ("", "?model=laws.lawprovision", "?model=laws.law", f"?user={editor.username}"):
        response = client.get(RECENT + query)
        assert response.status_code == 200, query
    text = client.get(RECENT + "?model=laws.lawprovision").text
    # The published provision's change, named with its law; the working copies are listed as
    # what they were (a copy in a revision that is closed), not as an error.
    assert "Act No." in text or law.citation in text
    assert "<ins>Child pornography (amended)</ins>" in text
    assert "s. 23" in text and "s. 24" in text
    provision.refresh_from_db()
    history = client.get(reverse("admin:laws_lawprovision_history", args=[provision.pk]))
    assert history.status_code == 200


@pytest.mark.django_db
def test_recent_changes_names_a_row_whose_relations_left_no_trace(editor, reviewer):
    law = LawFactory(title="Penal Code")
    revision, _created = start_revision(editor, law)
    LawProvisionFactory(law=revision, label="s. 99", heading="Zqxorphan")
    revision_id = revision.pk
    workflow.transition(editor, revision, "submit")
    workflow.transition(reviewer, revision, "publish")
    # Even the revision's own history gone (pruned): the provision rows still render.
    Law.history.filter(id=revision_id).delete()
    text = staff_login(Client(), reviewer).get(RECENT + "?model=laws.lawprovision")
    assert text.status_code == 200
    assert "Law provision: law provision #" in text.text
