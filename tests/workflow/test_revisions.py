"""The published version stays public while a revision is in review (core.revisions).

An editor (no publish permission) proposes changes to a published law, finding or participation:
a revision (a draft working copy) that a reviewer publishes. Until then the public site, the API,
search, exports and the change feed show the published text; publishing merges the revision
into the published record (same id, same address) and the feed reports it "updated". Two
logged-in sessions: an editor and a reviewer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core import workflow
from core.publication import PublicationStatus
from core.revisions import RevisionConflict, start_revision
from laws.models import Finding, Law, LawProvision
from tests.factories import (
    FindingFactory,
    LawFactory,
    LawProvisionFactory,
    ParticipationFactory,
    ReservationFactory,
    StateFactory,
    TreatyFactory,
)
from tests.workflow.forms import form_data
from treaties.models import Participation, Reservation

PUBLISHED, IN_REVIEW, DRAFT = (
    PublicationStatus.PUBLISHED,
    PublicationStatus.IN_REVIEW,
    PublicationStatus.DRAFT,
)


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def propose(client, obj):
    """Press "Propose changes" on a published record's page; returns the revision."""
    opts = obj._meta
    response = client.post(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_propose", args=[obj.pk])
    )
    assert response.status_code == 302
    revision = type(obj).objects.get(revision_of=obj)
    assert response["Location"] == change_url(revision)
    return revision


def inline_prefix(data: dict, relation: str, pk: int) -> str:
    return next(
        k[: -len("-id")]
        for k, v in data.items()
        if k.startswith(relation + "-") and k.endswith("-id") and v == str(pk)
    )


def save_and(client, obj, transition_name: str, edit=None):
    """Open the record's change page, change what `edit` changes, save and apply a transition."""
    data = form_data(client.get(change_url(obj)))
    if edit:
        edit(data)
    if transition_name:
        data["_transition"] = transition_name
    return client.post(change_url(obj), data, follow=True)


@pytest.fixture
def law(db):
    state = StateFactory(name="Freedonia", iso2="FD")
    law = LawFactory(state=state, title="Sexual Offences Act", citation="SOA 2003")
    LawProvisionFactory(law=law, label="s. 1", heading="Indecent photographs", order=1)
    LawProvisionFactory(law=law, label="s. 2", heading="Possession", order=2)
    return law


def public_views(client, law):
    """What the public sees of the law: API detail, API list, country page, search."""
    detail = client.get(reverse("v1:law-detail", args=[law.pk]))
    listing = client.get(reverse("v1:law-list"), {"country": law.state.iso2})
    country = client.get(reverse("public:country", args=[law.state.iso2.lower()]))
    return detail, listing, country


@pytest.mark.django_db
def test_editor_proposes_reviewer_publishes_the_published_text_stays_public_meanwhile(
    law, editor_client, reviewer_client, editor, reviewer, settings
):
    from django.test import Client

    public = Client()
    s1, s2 = law.provisions.order_by("order")
    finding = FindingFactory(state=law.state, evidence=[s1])
    settings.PUBLIC_CACHE_ENABLED = True
    etag_before = public.get(reverse("v1:law-detail", args=[law.pk]))["ETag"]

    # The published law's page is read-only for the editor, with "Propose changes".
    page = editor_client.get(change_url(law))
    assert "Published: read-only for you." in page.text and "Propose changes" in page.text
    revision = propose(editor_client, law)
    page = editor_client.get(change_url(revision))
    assert "Revision of “Sexual Offences Act”" in page.text
    assert "the published version stays public until a reviewer publishes this revision" in (
        page.text
    )
    # The published page now points to the open revision instead of offering another.
    assert change_url(revision) in editor_client.get(change_url(law)).text

    def edit(data):
        data["title"] = "Sexual Offences Act (Zqxrevised)"
        first = inline_prefix(data, "provisions", revision.provisions.get(label="s. 1").pk)
        data[f"{first}-heading"] = "Indecent pseudo-photographs"
        total = int(data["provisions-TOTAL_FORMS"])
        new = f"provisions-{total - 1}"  # the empty extra row
        data.update({f"{new}-label": "s. 3", f"{new}-heading": "Grooming", f"{new}-order": "3"})

    save_and(editor_client, revision, "")
    response = save_and(editor_client, revision, "submit", edit)
    assert response.status_code == 200
    revision.refresh_from_db()
    assert revision.publication_status == IN_REVIEW
    assert revision.title == "Sexual Offences Act (Zqxrevised)"
    assert revision.provisions.count() == 3

    # Meanwhile the public sees the published text, everywhere, and nothing of the revision.
    detail, listing, country = public_views(public, law)
    assert detail.status_code == 200 and b"Indecent photographs" in detail.content
    assert listing.json()["count"] == 1
    for response in (detail, listing, country):
        assert b"Zqxrevised" not in response.content
        assert b"pseudo-photographs" not in response.content and b"Grooming" not in response.content
    assert b"Sexual Offences Act" in country.content
    search = public.get(reverse("public:search"), {"q": "Sexual Offences"})
    assert b"Sexual Offences Act" in search.content and b"Zqxrevised" not in search.content
    for words in ("Zqxrevised", "pseudo-photographs", "Grooming"):
        found = public.get(reverse("v1:law-list"), {"q": words}).json()
        assert found["count"] == 0, words
    assert public.get(reverse("v1:law-detail", args=[revision.pk])).status_code == 404
    assert public.get(reverse("public:law", args=[revision.pk])).status_code == 404
    assert Law.objects.get(pk=law.pk).publication_status == PUBLISHED

    # The reviewer sees the revision against the published version: fields and provisions.
    text = reviewer_client.get(change_url(revision)).text
    assert "Compared with the published version of “Sexual Offences Act”" in text
    assert "<del>Sexual Offences Act</del>" in text
    assert "<ins>Sexual Offences Act (Zqxrevised)</ins>" in text
    assert "Law provision s. 1 (changed)" in text
    assert "<del>Indecent photographs</del>" in text
    assert "<ins>Indecent pseudo-photographs</ins>" in text
    assert "Law provision s. 3 (added)" in text and "<ins>Grooming</ins>" in text
    assert "Law provision s. 2" not in text  # unchanged: not listed

    # Publishing merges it into the published law: same id, same address, new text public.
    published_before = timezone.now()
    response = save_and(reviewer_client, revision, "publish")
    assert response.redirect_chain[-1][0] == change_url(law)
    assert "the revision is now the public text of" in response.text
    law.refresh_from_db()
    assert law.title == "Sexual Offences Act (Zqxrevised)" and law.publication_status == PUBLISHED
    assert not Law.objects.filter(pk=revision.pk).exists()
    assert Law.objects.filter(citation="SOA 2003").count() == 1
    provisions = {p.label: p for p in law.provisions.all()}
    assert provisions["s. 1"].pk == s1.pk and provisions["s. 1"].heading == (
        "Indecent pseudo-photographs"
    )
    assert provisions["s. 2"].pk == s2.pk and provisions["s. 3"].heading == "Grooming"
    assert LawProvision.objects.count() == 3  # the revision's copies are gone
    # The finding still cites the same provision (mapped back, not replaced).
    assert list(Finding.objects.get(pk=finding.pk).evidence.all()) == [s1]

    # History: who published, why, and who proposed it.
    latest = law.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == reviewer
    assert latest.history_change_reason == f"publish revision #{revision.pk} (proposed by editor)"
    s1_latest = s1.history.order_by("-history_date", "-history_id").first()
    assert (s1_latest.history_user, s1_latest.heading) == (reviewer, "Indecent pseudo-photographs")
    assert s1_latest.history_change_reason.startswith("publish revision")
    closed = Law.history.filter(id=revision.pk, history_type="-").get()
    assert closed.history_user == reviewer and "revision closed" in closed.history_change_reason

    # The public now sees the new text; the feed says "updated", never "withdrawn".
    detail, listing, country = public_views(public, law)
    assert b"Zqxrevised" in detail.content and b"Grooming" in detail.content
    assert b"Zqxrevised" in country.content
    assert detail["ETag"] != etag_before
    changes = public.get(reverse("v1:change-list"), {"since": published_before.isoformat()})
    assert [(c["type"], c["id"], c["action"]) for c in changes.json()["results"]] == [
        ("law", law.pk, "updated")
    ]
    everything = public.get(reverse("v1:change-list")).json()["results"]
    assert "withdrawn" not in {c["action"] for c in everything}


@pytest.mark.django_db
def test_publishing_is_refused_when_the_published_record_changed_since(
    law, editor_client, reviewer_client
):
    revision = propose(editor_client, law)
    save_and(editor_client, revision, "submit", lambda d: d.update(title="Proposed title"))
    # The reviewer corrects the published law directly meanwhile (it stays published).
    save_and(reviewer_client, law, "", lambda d: d.update(citation="SOA 2003 c. 42"))
    law.refresh_from_db()
    assert law.citation == "SOA 2003 c. 42" and law.publication_status == PUBLISHED

    response = save_and(reviewer_client, revision, "publish")
    text = response.text
    assert "Not published: the published law “Sexual Offences Act” was changed after this" in text
    assert "reviewer on " in text and "“SOA 2003” → “SOA 2003 c. 42”" in text
    # Nothing was written: the published law is as the reviewer left it, the revision waits.
    law.refresh_from_db()
    assert (law.title, law.citation) == ("Sexual Offences Act", "SOA 2003 c. 42")
    revision.refresh_from_db()
    assert revision.publication_status == IN_REVIEW and revision.title == "Proposed title"
    # Its page warns the reviewer before they try again.
    assert "The published record has changed since this revision was started" in (
        reviewer_client.get(change_url(revision)).text
    )


@pytest.mark.django_db
def test_a_reviewers_provision_edit_since_the_revision_began_is_a_conflict_too(
    law, editor, reviewer
):
    revision, _ = start_revision(editor, law)
    workflow.transition(editor, revision, "submit")
    s2 = law.provisions.get(label="s. 2")
    s2.heading = "Simple possession"
    s2._history_user = reviewer
    s2.save()
    with pytest.raises(RevisionConflict) as refused:
        workflow.transition(reviewer, revision, "publish")
    message = refused.value.message
    assert "reviewer on " in message and "law provision s. 2" in message
    assert "“Possession” → “Simple possession”" in message
    assert Law.objects.filter(pk=revision.pk, publication_status=IN_REVIEW).exists()


@pytest.mark.django_db
def test_the_list_action_publishes_revisions_and_skips_a_conflicting_one(editor, reviewer_client):
    laws = LawFactory.create_batch(2)
    revisions = []
    for law in laws:
        revision, _ = start_revision(editor, law)
        revision.title = f"{law.title} (revised)"
        revision.save()
        workflow.transition(editor, revision, "submit")
        revisions.append(revision)
    laws[1].year_enacted = 1999
    laws[1].save()  # changed since its revision began
    # The reviewer finds them with the list filter; each names the record it revises.
    listed = reviewer_client.get("/admin/laws/law/", {"revisions": "only"})
    assert listed.context["cl"].result_count == 2
    assert f'/admin/laws/law/{laws[0].pk}/change/">#{laws[0].pk}</a>' in listed.text
    response = reviewer_client.post(
        "/admin/laws/law/",
        {"action": "workflow_publish", "_selected_action": [r.pk for r in revisions]},
        follow=True,
    )
    assert "Publish: 1 done." in response.text and "Not published" in response.text
    laws[0].refresh_from_db()
    assert laws[0].title.endswith("(revised)")
    assert not Law.objects.filter(pk=revisions[0].pk).exists()
    assert Law.objects.get(pk=revisions[1].pk).publication_status == IN_REVIEW


@pytest.mark.django_db
def test_editor_restore_of_a_published_law_goes_into_a_revision(law, editor_client):
    first = law.history.order_by("history_date").first()
    law.title = "Sexual Offences Act (as amended)"
    law.save()  # a reviewer's or an import's change, published
    url = reverse("admin:laws_law_restore", args=[law.pk, first.history_id])
    history = editor_client.get(reverse("admin:laws_law_history", args=[law.pk]))
    assert "Restore this version" in history.text or url in history.text
    response = editor_client.post(url, follow=True)
    revision = Law.objects.get(revision_of=law)
    assert response.redirect_chain[-1][0] == change_url(revision)
    assert "is restored in a revision" in response.text
    law.refresh_from_db()
    assert law.title == "Sexual Offences Act (as amended)" and law.publication_status == PUBLISHED
    assert revision.title == "Sexual Offences Act" and revision.publication_status == DRAFT
    assert revision.history.latest("history_date").history_change_reason.startswith(
        "restore of version 1"
    )


@pytest.mark.django_db
def test_finding_with_evidence_revised_and_published(editor_client, reviewer_client, reviewer):
    state = StateFactory()
    first, second = LawProvisionFactory.create_batch(2, law__state=state)
    finding = FindingFactory(state=state, evidence=[first], evidence_citation="s. 1")
    second.indicators.add(finding.indicator)  # evidence bears on the finding's indicator
    revision = propose(editor_client, finding)
    # Evidence offers the published laws' provisions, never a revision's copies.
    law_revision, _ = start_revision(reviewer, first.law)

    def edit(data):
        data["evidence"] = [str(first.pk), str(second.pk)]
        data["evidence_citation"] = "ss. 1 and 2"

    save_and(editor_client, revision, "submit", edit)
    assert set(Finding.objects.get(pk=finding.pk).evidence.all()) == {first}  # still public
    findings = reverse("v1:finding-list")
    public = reviewer_client.get(findings, {"page_size": 500}).json()
    assert public["count"] == 1 and public["results"][0]["evidence_citation"] == "s. 1"
    text = reviewer_client.get(change_url(revision)).text
    assert "<del>s. 1</del>" in text and "<ins>ss. 1 and 2</ins>" in text
    choices = reviewer_client.get(
        "/admin/autocomplete/",
        {"app_label": "laws", "model_name": "finding", "field_name": "evidence", "state": state.pk},
    ).json()["results"]
    assert {int(c["id"]) for c in choices} == {first.pk, second.pk}
    assert law_revision.provisions.exists()

    reviewer_client.post(
        "/admin/laws/finding/", {"action": "workflow_publish", "_selected_action": [revision.pk]}
    )
    finding.refresh_from_db()
    public = reviewer_client.get(findings, {"page_size": 500}).json()
    assert public["count"] == 1 and public["results"][0]["evidence_citation"] == "ss. 1 and 2"
    assert set(finding.evidence.all()) == {first, second}
    assert finding.evidence_citation == "ss. 1 and 2" and finding.publication_status == PUBLISHED
    assert not Finding.objects.filter(pk=revision.pk).exists()
    assert Finding.objects.filter(state=state).count() == 1


@pytest.mark.django_db
def test_participation_with_a_reservation_revised_and_published(
    editor_client, reviewer_client, client
):
    treaty = TreatyFactory(code="opsc", short_title="OPSC")
    participation = ParticipationFactory(treaty=treaty)
    reservation = ReservationFactory(
        participation=participation, text="The State declares that 18 is the age.", order=1
    )
    revision = propose(editor_client, participation)

    def edit(data):
        prefix = inline_prefix(data, "reservations", revision.reservations.get().pk)
        data[f"{prefix}-text"] = "The State declares that 18 is the minimum age (amended)."
        total = int(data["reservations-TOTAL_FORMS"])
        data["reservations-TOTAL_FORMS"] = str(total + 1)
        data.update(
            {
                f"reservations-{total}-kind": "reservation",
                f"reservations-{total}-text": "The State reserves article 3.",
                f"reservations-{total}-order": "2",
            }
        )

    save_and(editor_client, revision, "submit", edit)
    detail = reverse("v1:participation-list") + "?page_size=500"
    assert b"18 is the age" in client.get(detail).content
    assert b"amended" not in client.get(detail).content
    text = reviewer_client.get(change_url(revision)).text
    assert "Declaration or reservation" in text and "(added)" in text and "(changed)" in text

    save_and(reviewer_client, revision, "publish")
    participation.refresh_from_db()
    assert participation.publication_status == PUBLISHED
    rows = list(participation.reservations.order_by("order"))
    assert rows[0].pk == reservation.pk and rows[0].text.endswith("(amended).")
    assert rows[1].text == "The State reserves article 3."
    assert Participation.objects.filter(treaty=treaty).count() == 1
    assert Reservation.objects.count() == 2
    assert b"(amended)" in client.get(detail).content


@pytest.mark.django_db
def test_editor_discards_a_revision(law, editor_client, second_editor):
    from django.test import Client

    from tests.conftest import staff_login

    revision = propose(editor_client, law)
    save_and(editor_client, revision, "", lambda d: d.update(title="Never mind"))
    discard = reverse("admin:laws_law_discard", args=[revision.pk])
    # Another editor may not discard it (it is not theirs) ...
    other = staff_login(Client(), second_editor)
    response = other.post(discard, follow=True)
    assert "Not discarded" in response.text
    assert Law.objects.filter(pk=revision.pk).exists()
    # ... the editor who started it may, without delete permission.
    assert not editor_client.session.is_empty()
    assert "Discard this revision" in editor_client.get(change_url(revision)).text
    response = editor_client.post(discard, follow=True)
    assert response.redirect_chain[-1][0] == change_url(law)
    assert "The revision is discarded" in response.text
    assert not Law.objects.filter(pk=revision.pk).exists()
    assert LawProvision.objects.filter(law__revision_of__isnull=False).count() == 0
    law.refresh_from_db()
    assert law.title == "Sexual Offences Act" and law.publication_status == PUBLISHED
    gone = Law.history.get(id=revision.pk, history_type="-")
    assert gone.history_user.username == "editor" and "discarded" in gone.history_change_reason
    # A new proposal can start afresh.
    assert propose(editor_client, law).title == "Sexual Offences Act"


@pytest.mark.django_db
def test_a_provisions_own_page_is_read_only_under_a_published_law(law, editor_client):
    provision = law.provisions.get(label="s. 1")
    url = change_url(provision)
    page = editor_client.get(url)
    assert 'name="heading"' not in page.text and "Propose changes" in page.text
    response = editor_client.post(
        url, {"law": law.pk, "label": "s. 1", "heading": "Changed", "order": 1}, follow=True
    )
    assert "Not saved" in response.text
    provision.refresh_from_db()
    assert provision.heading == "Indecent photographs"
    # Moving a draft law's provision under the published law is refused the same way.
    draft = LawProvisionFactory(law__publication_status=DRAFT, law__state=law.state)
    data = form_data(editor_client.get(change_url(draft)))
    data["law"] = str(law.pk)
    response = editor_client.post(change_url(draft), data, follow=True)
    assert "Not saved" in response.text
    draft.refresh_from_db()
    assert draft.law_id != law.pk
    # Once a revision is open, the page points at the revision's copy of this provision.
    revision = propose(editor_client, law)
    copy = revision.provisions.get(label="s. 1")
    page = editor_client.get(url)
    assert change_url(revision) in page.text and change_url(copy) in page.text
    # The copy is editable; publishing is the reviewer's.
    data = form_data(editor_client.get(change_url(copy)))
    data["heading"] = "Indecent images"
    editor_client.post(change_url(copy), data)
    copy.refresh_from_db()
    provision.refresh_from_db()
    assert (copy.heading, provision.heading) == ("Indecent images", "Indecent photographs")


@pytest.mark.django_db
def test_a_reviewer_still_edits_published_records_in_place(law, reviewer_client):
    response = save_and(reviewer_client, law, "", lambda d: d.update(title="Corrected title"))
    assert response.status_code == 200
    law.refresh_from_db()
    assert law.title == "Corrected title" and law.publication_status == PUBLISHED
    assert not Law.objects.filter(revision_of=law).exists()


@pytest.mark.django_db
def test_one_open_revision_per_record_and_never_published_itself(law, editor, reviewer):
    from django.db import IntegrityError, transaction

    cited = law.provisions.get(label="s. 1")
    FindingFactory(state=law.state, evidence=[cited])
    revision, created = start_revision(editor, law)
    again, created_again = start_revision(reviewer, law)
    assert created and not created_again and again == revision
    with pytest.raises(IntegrityError), transaction.atomic():
        Law.objects.filter(pk=revision.pk).update(publication_status=PUBLISHED)
    # A revision may not remove a provision that a finding cites as evidence.
    revision.provisions.get(copy_of=cited).delete()
    workflow.transition(editor, revision, "submit")
    with pytest.raises(ValidationError, match="which finding .* cites"):
        workflow.transition(reviewer, revision, "publish")
    assert LawProvision.objects.filter(pk=cited.pk).exists()


@pytest.mark.django_db
def test_imports_find_the_record_not_its_revision(law, editor):
    """An importer's lookup (state + citation) is the published law, never its open revision:
    a re-import of published data updates the record itself (and conflicts the revision)."""
    from core.importing import upsert

    revision, _ = start_revision(editor, law)
    obj, outcome = upsert(Law, {"state": law.state, "citation": "SOA 2003"}, {"year_enacted": 2004})
    assert obj.pk == law.pk and outcome == "unchanged"
    obj, outcome = upsert(Law, {"state": law.state, "citation": "SOA 2003"}, {"year_enacted": 2005})
    assert obj.pk == law.pk and outcome == "updated"
    revision.refresh_from_db()
    assert revision.year_enacted == 2004
    assert revision.revision_of.year_enacted == 2005


@pytest.mark.django_db
def test_an_upload_that_does_not_publish_cannot_change_a_published_record(law):
    """An editor's bulk import never reaches the public unreviewed: a row that would change a
    published law (or add a provision to it) is rejected, and nothing is written."""
    from laws.bulk_import import ApplyRefused, apply_file, plan_file

    laws_csv = (
        "country_iso2,title,title_original,language,instrument_type,citation,year_enacted,"
        "date_in_force,status,source_url,verified,verification_source\n"
        "FD,Sexual Offences Act (Zqxupload),,en,act,SOA 2003,2004,,in_force,"
        "https://legislation.example.org/act,no,\n"
    )
    plan = plan_file("laws", "laws.csv", laws_csv.encode())
    (row,) = plan.rows
    assert row.action == "rejected"
    assert "Sexual Offences Act is published" in row.errors[0]
    assert "Propose the change on its admin page" in row.errors[0]
    with pytest.raises(ApplyRefused):
        apply_file("laws", "laws.csv", laws_csv.encode())
    law.refresh_from_db()
    assert law.title == "Sexual Offences Act"
    # With "publish" (a reviewer's upload) the same row is applied.
    apply_file("laws", "laws.csv", laws_csv.encode(), publish=True)
    law.refresh_from_db()
    assert law.title == "Sexual Offences Act (Zqxupload)" and law.publication_status == PUBLISHED


@pytest.mark.django_db
def test_a_revision_removing_cited_evidence_is_refused_in_the_admin(
    law, editor, editor_client, reviewer_client
):
    """Rule 1: a 'yes' finding cites a provision; a revision may not delete it from under it."""
    cited = law.provisions.get(label="s. 1")
    finding = FindingFactory(state=law.state, evidence=[cited])
    revision = propose(editor_client, law)

    def remove(data):
        prefix = inline_prefix(data, "provisions", revision.provisions.get(copy_of=cited).pk)
        data[f"{prefix}-DELETE"] = "on"  # an editor may remove rows in a revision

    save_and(editor_client, revision, "submit", remove)
    assert revision.provisions.count() == 1
    text = reviewer_client.get(change_url(revision)).text
    assert "Law provision s. 1 (removed)" in text
    response = save_and(reviewer_client, revision, "publish")
    assert response.status_code == 200
    assert "Not published: the revision removes law provision" in response.text
    assert "which finding" in response.text
    assert list(Finding.objects.get(pk=finding.pk).evidence.all()) == [cited]
    assert law.provisions.count() == 2
    assert Law.objects.get(pk=revision.pk).publication_status == IN_REVIEW


@pytest.mark.django_db
def test_editor_restore_of_a_published_laws_provision_goes_into_the_revisions_copy(law, editor):
    provision = law.provisions.get(label="s. 1")
    first = provision.history.order_by("history_date").first()
    provision.heading = "Indecent images (2024 wording)"
    provision.save()
    copy = workflow.restore_version(
        editor, LawProvision.objects.get(pk=provision.pk), first.history_id
    )
    provision.refresh_from_db()
    assert provision.heading == "Indecent images (2024 wording)"  # the public text stays
    assert copy.copy_of == provision and copy.law.revision_of == law
    assert copy.heading == "Indecent photographs"


@pytest.mark.django_db
def test_the_revision_page_warns_when_a_provision_changed_since(law, editor, reviewer_client):
    revision, _ = start_revision(editor, law)
    url = change_url(revision)
    assert "The published record has changed" not in reviewer_client.get(url).text
    provision = law.provisions.get(label="s. 2")
    provision.heading = "Simple possession"
    provision.save()
    assert "The published record has changed" in reviewer_client.get(url).text


def relabel(rows: dict, **labels) -> None:
    """Give the revision's copies new labels one save at a time, as an editor must (the form
    refuses a label another row of the law still holds): through a free label first."""
    for row in rows.values():
        row.label = f"tmp {row.pk}"
        row.save()
    for row, label in zip(rows.values(), labels.values(), strict=True):
        row.label = label
        row.save()


@pytest.mark.django_db
def test_a_revision_that_swaps_two_provisions_labels_is_published(law, editor, reviewer):
    """s. 1 and s. 2 were entered the wrong way round: the revision swaps them. Publishing
    writes the rows one at a time under the unique (law, label) rule, and the findings keep
    citing the same provisions, now under their corrected labels."""
    first, second = law.provisions.get(label="s. 1"), law.provisions.get(label="s. 2")
    finding = FindingFactory(state=law.state, evidence=[first])
    revision, _ = start_revision(editor, law)
    copies = {c.copy_of_id: c for c in revision.provisions.all()}
    relabel({first.pk: copies[first.pk], second.pk: copies[second.pk]}, a="s. 2", b="s. 1")
    workflow.transition(editor, revision, "submit")
    workflow.transition(reviewer, Law.objects.get(pk=revision.pk), "publish")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.label, second.label) == ("s. 2", "s. 1")
    assert list(finding.evidence.all()) == [first]
    assert first.heading == "Indecent photographs"  # the same row, relabelled
    labels = [r.label for r in first.history.order_by("history_date", "history_id")]
    assert labels[-1] == "s. 2" and labels[-2] == "s. 1"
    assert not any("moving" in r.label for r in LawProvision.history.all())


@pytest.mark.django_db
def test_a_revision_that_reorders_declarations_is_published(editor, reviewer):
    participation = ParticipationFactory(treaty=TreatyFactory(code="opsc"))
    one = ReservationFactory(participation=participation, text="First declaration.", order=1)
    two = ReservationFactory(participation=participation, text="Second declaration.", order=2)
    three = ReservationFactory(participation=participation, text="Third declaration.", order=3)
    revision, _ = start_revision(editor, participation)
    copies = {c.copy_of_id: c for c in revision.reservations.all()}
    # A rotation: 1 -> 3, 2 -> 1, 3 -> 2 (through free numbers, one save at a time).
    for copy, interim in zip(copies.values(), (91, 92, 93), strict=True):
        copy.order = interim
        copy.save()
    for pk, order in ((one.pk, 3), (two.pk, 1), (three.pk, 2)):
        copies[pk].order = order
        copies[pk].save()
    workflow.transition(editor, revision, "submit")
    workflow.transition(reviewer, Participation.objects.get(pk=revision.pk), "publish")

    texts = [r.text for r in participation.reservations.order_by("order")]
    assert texts == ["Second declaration.", "Third declaration.", "First declaration."]
    assert {r.pk for r in participation.reservations.all()} == {one.pk, two.pk, three.pk}
    assert not any(r.order > 3 for r in Reservation.history.filter(id__in=[one.pk, two.pk]))
