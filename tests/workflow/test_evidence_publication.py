"""No public answer without public evidence (issue 12.1, DOMAIN rule 1).

A finding is published only while every provision it cites belongs to a published law; the rule
is tried in every order a newsroom meets it: a law withdrawn after its findings are public,
findings published before their law, a bulk import publishing a finding that cites a draft, and
code calling `finding.evidence.add()` directly. A reviewer publishes a law and the findings that
cite it in one review from the law's page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from core import workflow
from core.publication import PublicationStatus
from laws.bulk_import import apply_file, plan_file
from laws.models import Finding, Law
from tests.conftest import staff_login
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawFactory,
    LawProvisionFactory,
    StateFactory,
)
from tests.workflow.forms import form_data

DRAFT, IN_REVIEW, PUBLISHED, WITHDRAWN = (
    PublicationStatus.DRAFT,
    PublicationStatus.IN_REVIEW,
    PublicationStatus.PUBLISHED,
    PublicationStatus.WITHDRAWN,
)


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def public_answer(iso2: str, slug: str):
    """What the public API says of one state and indicator: (status, evidence ids), or None."""
    body = Client().get(f"/api/v1/countries/{iso2}/").json()
    found = [f for f in body["findings"] if f["indicator"] == slug]
    if not found:
        return None
    return found[0]["status"], [e["provision_id"] for e in found[0]["evidence"]]


def criminalising(slug: str) -> set[str]:
    body = Client().get("/api/v1/countries/", {"criminalises": slug, "page_size": 500}).json()
    return {c["iso2"] for c in body["results"]}


@pytest.fixture
def uganda(db):
    state = StateFactory(iso2="UG", name="Uganda")
    law = LawFactory(
        state=state,
        title="Computer Misuse Act, 2011",
        citation="Act 2 of 2011",
        publication_status=IN_REVIEW,
    )
    s23 = LawProvisionFactory(law=law, label="s. 23", heading="Child pornography")
    production = IndicatorFactory(slug="production", name="Production")
    s23.indicators.add(production)  # evidence bears on the finding's indicator
    return state, law, s23, production


@pytest.mark.django_db
def test_publishing_a_finding_before_its_law_is_refused_then_both_go_out_in_one_review(
    uganda, reviewer, editor
):
    state, law, s23, production = uganda
    finding = FindingFactory(
        state=state, indicator=production, evidence=[s23], publication_status=IN_REVIEW
    )
    reviewer_client = staff_login(Client(), reviewer)

    # The reviewer presses "Publish" on the finding first: refused, saying why and what to do.
    data = form_data(reviewer_client.get(change_url(finding)))
    data["_transition"] = "publish"
    page = reviewer_client.post(change_url(finding), data, follow=True).text
    assert "“Publish” was refused" in page
    assert "cites s. 23 of “Computer Misuse Act, 2011” (in review)" in page
    assert "Publish with its findings" in page
    finding.refresh_from_db()
    assert finding.publication_status == IN_REVIEW
    assert public_answer("UG", "production") == ("not_assessed", [])
    assert "UG" not in criminalising("production")

    # The list action skips it with the same reason; the service refuses it too.
    with pytest.raises(ValidationError, match="cannot be published while its evidence is not"):
        workflow.transition(reviewer, finding, "publish")
    done, skipped = workflow.transition_many(
        reviewer, [Finding.objects.get(pk=finding.pk)], "publish"
    )
    assert done == 0 and "Computer Misuse Act, 2011" in skipped[0]

    # The law's page offers to publish the law with the findings that cite it, in one review.
    page = reviewer_client.get(change_url(law)).text
    assert "Publish with its findings (1 in review)" in page
    data = form_data(reviewer_client.get(change_url(law)))
    data["_publish_with_findings"] = "1"
    page = reviewer_client.post(change_url(law), data, follow=True).text
    assert "Published “Computer Misuse Act, 2011” and 1 finding citing it" in page
    law.refresh_from_db()
    finding.refresh_from_db()
    assert (law.publication_status, finding.publication_status) == (PUBLISHED, PUBLISHED)
    assert public_answer("UG", "production") == ("yes", [s23.pk])
    assert "UG" in criminalising("production")
    reasons = list(finding.history.values_list("history_change_reason", flat=True))
    assert "publish: with the law “Computer Misuse Act, 2011”" in reasons

    # An editor may not do it: the button is not theirs, and a hand-made post publishes nothing.
    assert (
        "Publish with its findings" not in staff_login(Client(), editor).get(change_url(law)).text
    )


@pytest.mark.django_db
def test_withdrawing_a_law_withdraws_the_public_findings_that_rest_on_it_and_says_so(
    uganda, reviewer
):
    state, law, s23, production = uganda
    workflow.transition(reviewer, law, "publish")
    finding = FindingFactory(state=state, indicator=production, evidence=[s23])
    assert public_answer("UG", "production") == ("yes", [s23.pk])
    assert "UG" in criminalising("production")

    reviewer_client = staff_login(Client(), reviewer)
    data = form_data(reviewer_client.get(change_url(law)))
    data["_transition"] = "withdraw"
    page = reviewer_client.post(change_url(law), data, follow=True).text
    assert "Also withdrawn, because they rest on “Computer Misuse Act, 2011”" in page
    assert f"“{finding}”" in page.replace("&quot;", '"')

    finding.refresh_from_db()
    assert finding.publication_status == WITHDRAWN
    latest = finding.history.order_by("-history_date", "-history_id").first()
    assert latest.history_user == reviewer
    assert latest.history_change_reason == (
        "withdraw: its evidence, the law “Computer Misuse Act, 2011”, is no longer published"
    )
    # The public never sees a "yes" with no law behind it.
    assert public_answer("UG", "production") == ("not_assessed", [])
    assert "UG" not in criminalising("production")
    # Submitting it again cannot publish it while the law is withdrawn.
    workflow.transition(reviewer, finding, "submit")
    with pytest.raises(ValidationError, match="(withdrawn)"):
        workflow.transition(reviewer, finding, "publish")


@pytest.mark.django_db
def test_withdrawing_by_the_list_action_reports_the_findings_too(uganda, reviewer):
    state, law, s23, production = uganda
    workflow.transition(reviewer, law, "publish")
    finding = FindingFactory(state=state, indicator=production, evidence=[s23])
    response = staff_login(Client(), reviewer).post(
        reverse("admin:laws_law_changelist"),
        {"action": "workflow_withdraw", "_selected_action": [law.pk]},
        follow=True,
    )
    assert "Also withdrawn, because they rest on" in response.text
    assert Finding.objects.get(pk=finding.pk).publication_status == WITHDRAWN


@pytest.mark.django_db
def test_evidence_add_and_set_are_guarded_too(uganda):
    state, law, s23, production = uganda
    published = FindingFactory(state=state, indicator=production, evidence=[])
    # Adding a provision of a law in review to a published finding: refused, nothing linked.
    # (Django links inside its own atomic block: a caller that goes on catches in one.)
    refused = "cannot be published while its evidence is not"
    with pytest.raises(ValidationError, match=refused), transaction.atomic():
        published.evidence.add(s23)
    with pytest.raises(ValidationError, match=refused), transaction.atomic():
        published.evidence.set([s23])
    with pytest.raises(ValidationError, match=refused), transaction.atomic():
        s23.findings.add(published)
    assert published.evidence.count() == 0
    # Another state's provision: refused whatever the finding's status.
    elsewhere = LawProvisionFactory(law__state=StateFactory(iso2="KE", name="Kenya"))
    draft = FindingFactory(
        state=state, indicator=IndicatorFactory(), evidence=[], publication_status=DRAFT
    )
    with (
        pytest.raises(ValidationError, match="Evidence must be provisions of Uganda's own laws"),
        transaction.atomic(),
    ):
        draft.evidence.set([elsewhere])
    # A draft may cite a draft (it is not public).
    draft.evidence.set([s23])
    assert list(draft.evidence.all()) == [s23]


FINDINGS_HEADER = "country_iso2,indicator,status,evidence,note,verified,evidence_provisions\n"


@pytest.mark.django_db
def test_bulk_import_publishing_a_finding_that_cites_a_draft_provision_is_rejected(uganda):
    state, law, s23, production = uganda
    Law.objects.filter(pk=law.pk).update(publication_status=DRAFT)
    content = (
        FINDINGS_HEADER + "UG,production,yes,CMA 2011 s. 23,,yes,Act 2 of 2011 :: s. 23\n"
    ).encode()
    plan = plan_file("findings", "findings.csv", content, publish=True)
    assert not plan.ok
    (row,) = plan.rows
    assert row.action == "rejected"
    assert "cites s. 23 of “Computer Misuse Act, 2011” (draft)" in " ".join(row.errors)
    # Without publishing, it is a draft finding, which may cite a draft law.
    applied = apply_file("findings", "findings.csv", content, publish=False)
    assert applied.counts["create"] == 1
    finding = Finding.objects.get(state=state, indicator=production)
    assert finding.publication_status == DRAFT and list(finding.evidence.all()) == [s23]
    assert public_answer("UG", "production") == ("not_assessed", [])


@pytest.mark.django_db
def test_deleting_the_only_evidence_withdraws_the_finding_not_a_second_one(uganda, reviewer):
    state, law, s23, production = uganda
    workflow.transition(reviewer, law, "publish")
    only = FindingFactory(state=state, indicator=production, evidence=[s23])
    s24 = LawProvisionFactory(law=law, label="s. 24")
    other_indicator = IndicatorFactory()
    both = FindingFactory(state=state, indicator=other_indicator, evidence=[s23, s24])
    s23.delete()
    only.refresh_from_db()
    both.refresh_from_db()
    assert only.publication_status == WITHDRAWN
    latest = only.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason.startswith("withdraw: its only evidence")
    assert public_answer("UG", "production") == ("not_assessed", [])
    # A finding that still cites published evidence stays public.
    assert both.publication_status == PUBLISHED and list(both.evidence.all()) == [s24]
    # Deleting the whole law takes the rest out of view too.
    law.delete()
    both.refresh_from_db()
    assert both.publication_status == WITHDRAWN


@pytest.mark.django_db
def test_the_last_evidence_of_a_public_yes_cannot_be_taken_away_by_any_call(uganda):
    """remove(), clear() and set() from either side of the relation never leave a published yes
    without evidence (the API would say "yes" citing nothing); a replacement is fine, and a draft
    may lose its evidence."""
    state, law, s23, production = uganda
    Law.objects.filter(pk=law.pk).update(publication_status=PUBLISHED)
    s24 = LawProvisionFactory(law=law, label="s. 24")
    s24.indicators.add(production)
    finding = FindingFactory(state=state, indicator=production, evidence=[s23])
    refused = "cannot be left without evidence"
    for take_away in (
        lambda: finding.evidence.remove(s23),
        lambda: finding.evidence.clear(),
        lambda: finding.evidence.set([]),
        lambda: s23.findings.remove(finding),
        lambda: s23.findings.clear(),
        lambda: s23.findings.set([]),
    ):
        with pytest.raises(ValidationError, match=refused), transaction.atomic():
            take_away()
        assert list(finding.evidence.all()) == [s23]
    assert public_answer("UG", "production") == ("yes", [s23.pk])
    # Replacing the evidence is a normal edit (Django's set() removes before it adds).
    finding.evidence.set([s24])
    assert list(finding.evidence.all()) == [s24]
    # A finding that is not public may lose its evidence.
    Finding.objects.filter(pk=finding.pk).update(publication_status=DRAFT)
    finding.evidence.clear()
    assert finding.evidence.count() == 0
