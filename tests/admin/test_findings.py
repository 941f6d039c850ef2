"""Findings entered in the admin obey the same rules as imported ones (laws.services)."""

import pytest
from django.urls import reverse

from laws.models import Finding, FindingStatus
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawFactory,
    LawProvisionFactory,
    StateFactory,
)

ADD_URL = "/admin/laws/finding/add/"


def finding_data(state, indicator, status, evidence=(), note="", **extra):
    return {
        "state": state.pk,
        "indicator": indicator.pk,
        "status": status,
        "evidence": [p.pk for p in evidence],
        "note": note,
        "publication_status": "draft",
        **extra,
    }


def field_errors(response, field):
    return response.context["adminform"].form.errors.get(field, [])


@pytest.fixture
def state():
    return StateFactory(name="Ruritania")


@pytest.fixture
def indicator(db):
    return IndicatorFactory(slug="simple_possession")


@pytest.mark.django_db
def test_yes_without_evidence_shows_the_error_and_writes_nothing(editor_client, state, indicator):
    response = editor_client.post(ADD_URL, finding_data(state, indicator, FindingStatus.YES))
    assert response.status_code == 200
    assert any("at least one law provision" in e for e in field_errors(response, "evidence"))
    assert "at least one law provision" in response.text
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_partial_without_evidence_is_refused(editor_client, state, indicator):
    response = editor_client.post(ADD_URL, finding_data(state, indicator, FindingStatus.PARTIAL))
    assert field_errors(response, "evidence")
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_evidence_from_another_states_law_is_refused(editor_client, state, indicator):
    foreign = LawProvisionFactory(law__state=StateFactory(name="Freedonia"), label="s. 9")
    response = editor_client.post(
        ADD_URL, finding_data(state, indicator, FindingStatus.YES, evidence=[foreign])
    )
    assert response.status_code == 200
    errors = field_errors(response, "evidence")
    assert any("Ruritania's own laws" in e and "s. 9" in e for e in errors)
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_mixing_own_and_foreign_evidence_is_refused(editor_client, state, indicator):
    own = LawProvisionFactory(law__state=state)
    foreign = LawProvisionFactory(law__state=StateFactory())
    response = editor_client.post(
        ADD_URL, finding_data(state, indicator, FindingStatus.YES, evidence=[own, foreign])
    )
    assert field_errors(response, "evidence")
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_no_without_explanation_is_refused(editor_client, state, indicator):
    response = editor_client.post(
        ADD_URL, finding_data(state, indicator, FindingStatus.NO, note="   ")
    )
    assert response.status_code == 200
    assert any("explain what was reviewed" in e for e in field_errors(response, "note"))
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_valid_yes_saves_with_its_evidence(editor_client, editor, state, indicator):
    provision = LawProvisionFactory(law__state=state, label="s. 160")
    provision.indicators.add(indicator)  # evidence bears on the indicator
    response = editor_client.post(
        ADD_URL,
        finding_data(state, indicator, FindingStatus.YES, evidence=[provision], verified="on"),
    )
    assert response.status_code == 302
    finding = Finding.objects.get(state=state, indicator=indicator)
    assert finding.status == FindingStatus.YES
    assert list(finding.evidence.all()) == [provision]
    # Ticking "verified" records the reviewer.
    assert finding.reviewed_by == editor
    assert finding.reviewed_at is not None


@pytest.mark.django_db
def test_no_with_explanation_saves(editor_client, state, indicator):
    note = "Penal Code 2010 reviewed: possession is an offence only with intent to distribute."
    response = editor_client.post(
        ADD_URL, finding_data(state, indicator, FindingStatus.NO, note=note)
    )
    assert response.status_code == 302
    finding = Finding.objects.get(state=state, indicator=indicator)
    assert (finding.status, finding.note) == (FindingStatus.NO, note)


@pytest.mark.django_db
def test_second_finding_for_the_same_state_and_indicator_is_refused(editor_client):
    existing = FindingFactory()
    provision = existing.evidence.get()
    response = editor_client.post(
        ADD_URL,
        finding_data(existing.state, existing.indicator, FindingStatus.YES, evidence=[provision]),
    )
    assert response.status_code == 200
    assert Finding.objects.count() == 1


@pytest.mark.django_db
def test_changing_evidence_to_another_states_keeps_the_saved_evidence(editor_client):
    # A draft: an editor edits it in place (a published one through a revision).
    finding = FindingFactory(publication_status="draft")
    original = finding.evidence.get()
    foreign = LawProvisionFactory(law__state=StateFactory())
    url = reverse("admin:laws_finding_change", args=[finding.pk])
    response = editor_client.post(
        url, finding_data(finding.state, finding.indicator, FindingStatus.YES, evidence=[foreign])
    )
    assert response.status_code == 200
    assert field_errors(response, "evidence")
    assert list(finding.evidence.all()) == [original]


@pytest.mark.django_db
def test_changing_the_state_leaves_the_evidence_behind_and_is_refused(editor_client):
    # A draft: an editor edits it in place (a published one through a revision).
    finding = FindingFactory(publication_status="draft")
    other_state = StateFactory()
    url = reverse("admin:laws_finding_change", args=[finding.pk])
    response = editor_client.post(
        url,
        finding_data(
            other_state, finding.indicator, FindingStatus.YES, evidence=finding.evidence.all()
        ),
    )
    assert response.status_code == 200
    finding.refresh_from_db()
    assert finding.state_id != other_state.pk


AUTOCOMPLETE = "/admin/autocomplete/"


def evidence_choices(client, **params):
    response = client.get(
        AUTOCOMPLETE,
        {"app_label": "laws", "model_name": "finding", "field_name": "evidence", **params},
    )
    assert response.status_code == 200
    return {int(row["id"]) for row in response.json()["results"]}


@pytest.fixture
def two_states_provisions(db):
    ruritania = StateFactory(name="Ruritania", iso2="RR")
    freedonia = StateFactory(name="Freedonia", iso2="FF")
    own = [
        LawProvisionFactory(law=LawFactory(state=ruritania, title="Penal Code"), label=label)
        for label in ("art. 227", "art. 228")
    ]
    foreign = LawProvisionFactory(
        law=LawFactory(state=freedonia, title="Penal Code"), label="art. 227"
    )
    return ruritania, own, foreign


@pytest.mark.django_db
def test_evidence_autocomplete_offers_only_the_states_provisions(
    editor_client, two_states_provisions
):
    ruritania, own, foreign = two_states_provisions
    assert evidence_choices(editor_client, term="Penal", state=ruritania.pk) == {p.pk for p in own}
    assert evidence_choices(editor_client, term="227", state=ruritania.pk) == {own[0].pk}
    # The ISO code works as well as the primary key.
    assert evidence_choices(editor_client, term="", state="rr") == {p.pk for p in own}


@pytest.mark.django_db
def test_evidence_autocomplete_without_a_state_offers_every_state(
    editor_client, two_states_provisions
):
    _, own, foreign = two_states_provisions
    assert evidence_choices(editor_client, term="227") == {own[0].pk, foreign.pk}


@pytest.mark.django_db
def test_evidence_autocomplete_for_an_unknown_state_offers_nothing(
    editor_client, two_states_provisions
):
    assert evidence_choices(editor_client, term="", state="ZZ") == set()


@pytest.mark.django_db
def test_state_filter_applies_only_to_the_finding_evidence_field(
    editor_client, two_states_provisions
):
    """The law-provision list of another page is not narrowed by a stray `state`."""
    _, own, foreign = two_states_provisions
    response = editor_client.get(reverse("admin:laws_lawprovision_changelist"), {"q": "227"})
    assert {p.pk for p in response.context["cl"].result_list} == {own[0].pk, foreign.pk}


@pytest.mark.django_db
def test_evidence_autocomplete_needs_a_login(client, two_states_provisions):
    ruritania, _, _ = two_states_provisions
    response = client.get(
        AUTOCOMPLETE,
        {"app_label": "laws", "model_name": "finding", "field_name": "evidence", "term": ""},
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_finding_page_loads_the_script_that_forwards_the_state(editor_client):
    response = editor_client.get(ADD_URL)
    assert "laws/admin/finding_evidence.js" in response.text
    assert 'id="id_state"' in response.text
