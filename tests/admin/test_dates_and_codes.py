"""Dates and codes are checked in the model layer (issue 12.4): the admin, the bulk import, the
importers and code saving a record all refuse a law enacted in the future, in force before it was
adopted, a finding in effect from a future date, a language that is not ISO 639-1, and evidence
not tagged for the finding's indicator, each with a message naming the problem."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from laws.bulk_import import plan_file
from laws.models import Finding, FindingStatus, Law, LawProvision
from laws.services import finding_save
from tests.factories import IndicatorFactory, LawFactory, LawProvisionFactory, StateFactory

NEXT_YEAR = datetime.date.today().year + 1
FUTURE = datetime.date.today() + datetime.timedelta(days=400)


def law_form(state, **extra):
    return {
        "state": state.pk,
        "title": "Computer Misuse Act, 2011",
        "kind": "act",
        "citation": "Act 2 of 2011",
        "status": "in_force",
        "provisions-TOTAL_FORMS": "0",
        "provisions-INITIAL_FORMS": "0",
        **extra,
    }


def errors(response) -> str:
    form = response.context["adminform"].form
    return " ".join(str(e) for e in [*form.non_field_errors(), *form.errors.values()])


@pytest.mark.django_db
def test_the_admin_refuses_a_law_enacted_in_the_future_or_in_force_before_adopted(editor_client):
    state = StateFactory(iso2="UG", name="Uganda")
    url = "/admin/laws/law/add/"
    response = editor_client.post(url, law_form(state, year_enacted=str(NEXT_YEAR)))
    assert response.status_code == 200
    assert f"year enacted {NEXT_YEAR} is in the future" in errors(response)
    response = editor_client.post(
        url, law_form(state, date_adopted="2011-02-14", date_in_force="2011-01-01")
    )
    assert "in force (2011-01-01) before it was adopted (2011-02-14)" in errors(response)
    response = editor_client.post(url, law_form(state, language="english"))
    assert "not an ISO 639-1 language code" in errors(response)
    assert not Law.objects.exists()
    response = editor_client.post(url, law_form(state, year_enacted="2011", language="en"))
    assert response.status_code == 302 and Law.objects.get().language == "en"


@pytest.mark.django_db
def test_code_and_commands_saving_without_a_form_are_refused_too():
    law = LawFactory(year_enacted=NEXT_YEAR - 1)
    law.year_enacted = NEXT_YEAR
    with pytest.raises(ValidationError, match=f"year enacted {NEXT_YEAR} is in the future"):
        law.save()
    law.year_enacted, law.date_adopted = 2011, datetime.date(2011, 2, 14)
    law.date_in_force = datetime.date(2010, 12, 31)
    with pytest.raises(ValidationError, match="before it was adopted"):
        law.save()
    with pytest.raises(ValidationError, match="'english' is not an ISO 639-1"):
        LawProvisionFactory(text_language="english")
    with pytest.raises(ValidationError, match="in force from .* is in the future"):
        LawProvisionFactory(in_force_from=FUTURE)
    assert not LawProvision.objects.exists()
    state = StateFactory(iso2="UG", name="Uganda")
    indicator = IndicatorFactory(slug="production")
    with pytest.raises(ValidationError, match="effective from .* is in the future"):
        finding_save(
            state=state,
            indicator=indicator,
            status=FindingStatus.NO,
            note="Reviewed the Penal Code.",
            effective_from=FUTURE,
        )
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_evidence_not_tagged_for_the_indicator_is_refused_by_form_and_service(editor_client):
    state = StateFactory(iso2="UG", name="Uganda")
    production = IndicatorFactory(slug="production", name="Production")
    provision = LawProvisionFactory(law__state=state, label="s. 23")
    message = "Evidence must bear on “Production”: not tagged for it"
    with pytest.raises(ValidationError, match=message):
        finding_save(state=state, indicator=production, status="yes", evidence=[provision])
    response = editor_client.post(
        "/admin/laws/finding/add/",
        {
            "state": state.pk,
            "indicator": production.pk,
            "status": "yes",
            "evidence": [provision.pk],
        },
    )
    assert message in errors(response)
    provision.indicators.add(production)
    finding, created = finding_save(
        state=state, indicator=production, status="yes", evidence=[provision]
    )
    assert created and list(finding.evidence.all()) == [provision]


LAWS_HEADER = (
    "country_iso2,title,title_original,language,instrument_type,citation,year_enacted,"
    "date_in_force,status,source_url,verified,verification_source\n"
)


@pytest.mark.django_db
def test_the_bulk_import_rejects_the_same_rows_with_the_same_words():
    StateFactory(iso2="UG", name="Uganda")
    content = (
        LAWS_HEADER
        + f"UG,Computer Misuse Act,,english,act,Act 2 of 2011,{NEXT_YEAR},,in_force,,no,\n"
    ).encode()
    (row,) = plan_file("laws", "laws.csv", content).rows
    assert row.action == "rejected"
    text = " ".join(row.errors)
    assert "'english' is not an ISO 639-1 language code" in text
    assert f"year enacted {NEXT_YEAR} is in the future" in text
