"""The finding rules (DOMAIN.md, rules 1 and 2), as every write path meets them: the service the
admin, importers and commands call, and the database constraint beneath it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from laws.models import Finding, FindingStatus
from laws.services import finding_save
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawProvisionFactory,
    StateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def state():
    return StateFactory()


@pytest.fixture
def indicator():
    return IndicatorFactory(slug="simple_possession")


def test_a_yes_finding_with_its_own_states_evidence_is_saved(state, indicator):
    provision = LawProvisionFactory(law__state=state)
    provision.indicators.add(indicator)  # evidence bears on the indicator
    finding, created = finding_save(
        state=state, indicator=indicator, status=FindingStatus.YES, evidence=[provision]
    )
    assert created
    assert list(finding.evidence.all()) == [provision]


@pytest.mark.parametrize("status", [FindingStatus.YES, FindingStatus.PARTIAL])
def test_yes_or_partial_without_evidence_is_refused(state, indicator, status):
    with pytest.raises(ValidationError) as excinfo:
        finding_save(state=state, indicator=indicator, status=status, evidence=[])
    assert "must cite at least one law provision" in excinfo.value.message_dict["evidence"][0]
    assert not Finding.objects.exists()


def test_evidence_from_another_states_law_is_refused(state, indicator):
    foreign = LawProvisionFactory(law__state=StateFactory(name="Elsewhere"))
    with pytest.raises(ValidationError) as excinfo:
        finding_save(state=state, indicator=indicator, status=FindingStatus.YES, evidence=[foreign])
    assert f"provisions of {state.name}'s own laws" in excinfo.value.message_dict["evidence"][0]
    assert not Finding.objects.exists()


@pytest.mark.parametrize("note", ["", "   "])
def test_no_without_an_explanation_is_refused(state, indicator, note):
    with pytest.raises(ValidationError) as excinfo:
        finding_save(state=state, indicator=indicator, status=FindingStatus.NO, note=note)
    assert "must explain what was reviewed" in excinfo.value.message_dict["note"][0]
    assert not Finding.objects.exists()


def test_no_with_an_explanation_is_saved(state, indicator):
    finding, _ = finding_save(
        state=state,
        indicator=indicator,
        status=FindingStatus.NO,
        note="Art. 242.1 punishes storage only for the purpose of distribution.",
    )
    assert Finding.objects.get().status == FindingStatus.NO == finding.status


def test_not_assessed_cannot_be_stored(state, indicator):
    with pytest.raises(ValidationError) as excinfo:
        finding_save(state=state, indicator=indicator, status="not_assessed", note="Not reviewed")
    assert "status" in excinfo.value.message_dict
    assert not Finding.objects.exists()


def test_the_database_refuses_a_no_without_explanation(state, indicator):
    # Even a write that bypasses the service cannot store an unexplained "no".
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(state=state, indicator=indicator, status=FindingStatus.NO, note="")
    assert not Finding.objects.exists()


def test_the_database_refuses_a_second_finding_for_the_same_state_and_indicator(state, indicator):
    FindingFactory(state=state, indicator=indicator)
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.create(
            state=state, indicator=indicator, status=FindingStatus.NO, note="Reviewed."
        )
    assert Finding.objects.count() == 1


def test_updating_a_finding_replaces_its_evidence(state, indicator):
    old = LawProvisionFactory(law__state=state)
    new = LawProvisionFactory(law__state=state)
    for provision in (old, new):
        provision.indicators.add(indicator)
    finding_save(state=state, indicator=indicator, status=FindingStatus.YES, evidence=[old])
    finding, created = finding_save(
        state=state, indicator=indicator, status=FindingStatus.PARTIAL, evidence=[new]
    )
    assert not created
    assert Finding.objects.get().status == FindingStatus.PARTIAL
    assert list(finding.evidence.all()) == [new]
