"""Issue 11 in the API: every answer says where it was read (URL, grade, date read), a
provision carries its text and the words that date it, a finding says which part of the state
its evidence covers, and an `as_of` answer says which states it could not place because a date
is unknown (never a silent 'no')."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from laws.models import FindingStatus
from laws.services import validate_finding
from tests.factories import (
    JurisdictionFactory,
    LawFactory,
    LawProvisionFactory,
    SourceFactory,
)

D = datetime.date


@pytest.fixture
def sourced(world):
    """GB's s. 160 quoted from an official page, dated, and bound to England and Wales; the
    state divided into two constituent jurisdictions."""
    eaw = JurisdictionFactory(state=world.gb, code="GB-EAW", name="England and Wales", order=1)
    sct = JurisdictionFactory(state=world.gb, code="GB-SCT", name="Scotland", order=2)
    page = SourceFactory(url="https://www.legislation.gov.uk/ukpga/1988/33/section/160")
    commencement = SourceFactory(
        url="https://www.legislation.gov.uk/ukpga/1988/33/section/171",
        grade="official",
        publisher="legislation.gov.uk (The National Archives)",
    )
    s160 = world.s160
    s160.text = "(1) It is an offence for a person to have any indecent photograph of a child..."
    s160.text_language = "en"
    s160.source = page
    s160.in_force_from = D(1988, 9, 29)
    s160.in_force_from_source = commencement
    s160.in_force_from_quote = "Sections 160 and 161 shall come into force ..."
    s160.save()
    for law in (world.cja, world.pca):
        law.jurisdiction = eaw
        law.save()
    scots = LawFactory(
        state=world.gb, title="Civic Government (Scotland) Act 1982", jurisdiction=sct
    )
    s52a = LawProvisionFactory(law=scots, label="s. 52A", text="(1) It is an offence ...")
    s52a.source = SourceFactory(url="https://www.legislation.gov.uk/ukpga/1982/45/section/52A")
    s52a.in_force_from = D(1988, 9, 29)
    s52a.in_force_from_source = commencement
    s52a.in_force_from_quote = "inserted by s. 161 ..."
    s52a.save()
    s52a.indicators.set([world.simple_possession])
    world.eaw, world.sct, world.s52a, world.page = eaw, sct, s52a, page
    return world


def finding(response_json, slug):
    return next(f for f in response_json["findings"] if f["indicator"] == slug)


def test_a_provision_carries_its_text_where_it_was_read_and_the_words_that_date_it(api, sourced):
    law = api.get(f"/api/v1/laws/{sourced.cja.pk}/").json()
    assert law["jurisdiction"] == {"code": "GB-EAW", "name": "England and Wales"}
    s160 = law["provisions"][0]
    assert s160["text"].startswith("(1) It is an offence")
    assert s160["text_language"] == "en"
    assert s160["source"] == {
        "url": "https://www.legislation.gov.uk/ukpga/1988/33/section/160",
        "grade": "official",
        "publisher": "Example Legislation Portal (official)",
        "read_on": "2026-12-06",
    }
    assert s160["in_force_from"] == "1988-09-29"
    assert s160["in_force_from_source"]["quote"].startswith("Sections 160 and 161")
    assert s160["in_force_to_source"] is None
    assert s160["verification_source"].startswith("Verified against Example Legislation Portal")


def test_a_finding_names_its_sources_and_the_part_of_the_state_its_evidence_covers(api, sourced):
    gb = api.get("/api/v1/countries/gb/").json()
    possession = finding(gb, "simple_possession")
    assert possession["scope"] == {
        "whole_state": False,
        "jurisdictions": [{"code": "GB-EAW", "name": "England and Wales"}],
    }
    assert [s["grade"] for s in possession["sources"]] == ["official"]
    assert possession["verified"] is True
    assert possession["verification_source"] == (
        "Verified against Example Legislation Portal (official) (official, "
        "https://www.legislation.gov.uk/ukpga/1988/33/section/160), read on 2026-12-06."
    )
    assert possession["evidence"][0]["jurisdiction"]["code"] == "GB-EAW"
    assert possession["evidence"][0]["source"]["grade"] == "official"
    # Not assessed: no scope, no source, never a 'no'.
    fr = api.get("/api/v1/countries/ci/").json()
    assert finding(fr, "production")["status"] == "not_assessed"
    assert finding(fr, "production")["scope"] is None
    assert finding(fr, "production")["sources"] == []


def test_a_yes_covering_one_part_of_a_divided_state_is_refused(sourced):
    with pytest.raises(ValidationError) as error:
        validate_finding(
            state=sourced.gb, status=FindingStatus.YES, evidence=[sourced.s160], note=""
        )
    assert "must cover the whole state" in str(error.value)
    assert "Scotland" in str(error.value)
    # With every part cited it is a yes, and the state as a whole is covered.
    validate_finding(
        state=sourced.gb,
        status=FindingStatus.YES,
        evidence=[sourced.s160, sourced.s52a],
        note="",
    )
    validate_finding(
        state=sourced.gb, status=FindingStatus.PARTIAL, evidence=[sourced.s160], note=""
    )


def test_both_parts_cited_cover_the_whole_state_dated_from_the_later_part(api, sourced):
    gb_possession = sourced.gb.findings.get(indicator=sourced.simple_possession)
    gb_possession.evidence.set([sourced.s160, sourced.s52a])
    body = finding(api.get("/api/v1/countries/gb/").json(), "simple_possession")
    assert body["scope"] == {"whole_state": True, "jurisdictions": []}
    assert body["period_from"] == "1988-09-29" and body["dated"] is True


def test_an_as_of_answer_names_the_states_it_could_not_place_for_want_of_a_date(api, sourced):
    gb_possession = sourced.gb.findings.get(indicator=sourced.simple_possession)
    gb_possession.evidence.set([sourced.s160, sourced.s52a])  # dated 1988
    # France's simple possession rests on an undated provision: it holds now, since when is
    # not known.
    url = "/api/v1/countries/?criminalises=simple_possession&as_of=2005-12-31"
    body = api.get(url).json()
    assert [row["iso2"] for row in body["results"]] == ["GB"]
    assert body["undated"] == {"count": 1, "countries": ["FR"]}
    # Today the same question needs no such note.
    today = api.get("/api/v1/countries/?criminalises=simple_possession").json()
    assert {row["iso2"] for row in today["results"]} == {"GB", "FR"}
    assert "undated" not in today
    # A not_assessed condition takes FR (an undated yes) and TR (a 'no' citing nothing, so
    # undated) in only because of the unknown dates: said so too.
    na = api.get(
        "/api/v1/countries/?finding=simple_possession:not_assessed&as_of=2005-12-31"
    ).json()
    assert {"FR", "TR"} <= {row["iso2"] for row in na["results"]}
    assert na["undated"] == {"count": 2, "countries": ["FR", "TR"]}
    findings = api.get("/api/v1/findings/?indicator=simple_possession&as_of=2005-12-31").json()
    assert [row["country"]["iso2"] for row in findings["results"]] == ["GB"]
    # FR's undated yes and TR's 'no' (it cites nothing, so it has no start) hold now: left out.
    assert findings["undated"] == {"count": 2, "countries": ["FR", "TR"]}


def test_the_schema_documents_sources_scope_and_undated(api, sourced):
    schema = api.get("/api/v1/schema/?format=json").json()
    text = str(schema)
    for word in ("read_on", "authoritative", "whole_state", "undated", "in_force_from_source"):
        assert word in text, word
