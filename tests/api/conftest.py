"""A small, hand-checkable world for the API tests.

Five states, two treaties, three CSAM indicators; drafts sprinkled in to prove they never show.

    state  subregion        crc    opsc                      published findings
    GB     northern-europe  party  party (ratified 2009),    production yes, distribution yes,
                                   with a declaration        simple_possession yes
    FR     western-europe   party  party (accession 2003);   production yes,
                                   objects to GB's decl.     distribution partial, simple_poss. yes
    CI     western-africa   party  signatory                 (none)
    TR     western-asia     party  draft (invisible)         simple_possession no (production yes
                                                             is a draft)
    VA     western-europe   party  -                         (none); a UN observer
"""

import datetime
from types import SimpleNamespace

import pytest

from core.publication import PublicationStatus
from laws.models import BasisKind, Finding, FindingStatus, IndicatorBasis, LawKind, LawStatus
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawFactory,
    LawProvisionFactory,
    ObjectionFactory,
    ParticipationFactory,
    RegionFactory,
    ReservationFactory,
    StateFactory,
    TopicFactory,
    TreatyFactory,
    TreatyProvisionFactory,
)
from treaties.models import ConsentType, ReservationKind, UNStatus

DRAFT = PublicationStatus.DRAFT
D = datetime.date


@pytest.fixture
def world(db, reference_snapshots):
    """Built once per session, put back in each test (tests/snapshots.py)."""
    return reference_snapshots.restore("api_world", make_world)


def make_world():
    europe = RegionFactory(slug="europe", name="Europe")
    africa = RegionFactory(slug="africa", name="Africa")
    asia = RegionFactory(slug="asia", name="Asia")
    northern_europe = RegionFactory(slug="northern-europe", name="Northern Europe", parent=europe)
    western_europe = RegionFactory(slug="western-europe", name="Western Europe", parent=europe)
    western_africa = RegionFactory(slug="western-africa", name="Western Africa", parent=africa)
    western_asia = RegionFactory(slug="western-asia", name="Western Asia", parent=asia)

    def state(iso2, name, subregion, **kw):
        return StateFactory(
            iso2=iso2,
            iso3=iso2 + "X",
            name=name,
            subregion=subregion,
            region=subregion.parent,
            **kw,
        )

    gb = state("GB", "United Kingdom", northern_europe, untc_name="United Kingdom of Great Britain")
    fr = state("FR", "France", western_europe)
    ci = state("CI", "Côte d’Ivoire", western_africa)
    tr = state("TR", "Türkiye", western_asia)
    va = state("VA", "Holy See", western_europe, un_status=UNStatus.OBSERVER)

    crc = TreatyFactory(code="crc", short_title="CRC", order=1)
    opsc = TreatyFactory(
        code="opsc",
        short_title="OPSC",
        order=3,
        status_as_of=D(2026, 2, 3),
        status_source="UNTC IV-11-c",
    )
    art3 = TreatyProvisionFactory(treaty=opsc, slug="opsc-art-3", label="Article 3", order=30)
    art3_1 = TreatyProvisionFactory(
        treaty=opsc, slug="opsc-art-3-1", label="3(1)", parent=art3, order=31
    )
    art3_1_c = TreatyProvisionFactory(
        treaty=opsc, slug="opsc-art-3-1-c", label="3(1)(c)", parent=art3_1, order=33
    )
    TreatyProvisionFactory(treaty=opsc, slug="opsc-art-2", label="Article 2", order=20)

    for s, year in ((gb, 1991), (fr, 1990), (ci, 1991), (tr, 1995), (va, 1990)):
        ParticipationFactory(
            state=s, treaty=crc, signature_date=D(1990, 1, 26), consent_date=D(year, 6, 1)
        )
    gb_opsc = ParticipationFactory(
        state=gb, treaty=opsc, signature_date=D(2000, 9, 7), consent_date=D(2009, 2, 20)
    )
    ReservationFactory(
        participation=gb_opsc,
        kind=ReservationKind.DECLARATION,
        heading="Declaration made upon ratification:",
        text="The United Kingdom declares that ...",
        date=D(2009, 2, 20),
    )
    ParticipationFactory(
        state=fr,
        treaty=opsc,
        signature_date=None,
        consent_date=D(2003, 2, 5),
        consent_type=ConsentType.ACCESSION,
    )
    ParticipationFactory(
        state=ci, treaty=opsc, signature_date=D(2010, 9, 24), consent_date=None, consent_type=""
    )
    ParticipationFactory(state=tr, treaty=opsc, publication_status=DRAFT)
    ObjectionFactory(
        treaty=opsc,
        objecting_state=fr,
        reserving_state=gb,
        text="France objects to the declaration of the United Kingdom ...",
        date=D(2010, 1, 1),
    )

    csam = TopicFactory(slug="csam", name="Child sexual abuse material", order=1)
    production = IndicatorFactory(topic=csam, slug="production", order=1, question="Produce?")
    distribution = IndicatorFactory(topic=csam, slug="distribution", order=2)
    simple_possession = IndicatorFactory(topic=csam, slug="simple_possession", order=3)
    IndicatorBasis.objects.create(indicator=production, provision=art3_1_c, kind=BasisKind.REQUIRES)

    pca = LawFactory(
        state=gb,
        title="Protection of Children Act 1978",
        citation="1978 c. 37",
        year_enacted=1978,
        status=LawStatus.AMENDED,
        verified=True,
        verification_source="legislation.gov.uk",
    )
    cja = LawFactory(
        state=gb,
        title="Criminal Justice Act 1988",
        citation="1988 c. 33",
        year_enacted=1988,
        status=LawStatus.AMENDED,
    )
    cja.amends.add(pca)
    gb_draft = LawFactory(
        state=gb, title="Draft Online Bill", citation="Bill 1", publication_status=DRAFT
    )
    code_penal = LawFactory(
        state=fr,
        title="Criminal Code",
        title_original="Code pénal",
        citation="Code pénal, art. 227-23",
        kind=LawKind.CODE,
        year_enacted=1992,
        status=LawStatus.IN_FORCE,
    )
    tr_draft = LawFactory(
        state=tr, title="Turkish Penal Code", citation="TCK 5237", publication_status=DRAFT
    )

    s1 = LawProvisionFactory(law=pca, label="s. 1(1)(a)", order=1)
    s1.indicators.set([production, distribution])
    s160 = LawProvisionFactory(law=cja, label="s. 160", order=1)
    s160.indicators.set([simple_possession])
    draft_provision = LawProvisionFactory(law=gb_draft, label="cl. 9")
    draft_provision.indicators.set([distribution])
    art = LawProvisionFactory(law=code_penal, label="art. 227-23", order=1)
    art.indicators.set([production, distribution, simple_possession])
    tr_provision = LawProvisionFactory(law=tr_draft, label="art. 226")

    FindingFactory(state=gb, indicator=production, evidence=[s1], evidence_citation="PCA s. 1")
    gb_distribution = FindingFactory(state=gb, indicator=distribution, evidence=[s1])
    # Evidence in a draft law, linked as data from before the rule that refuses it (laws.signals
    # .guard_evidence): the API must still never show it.
    Finding.evidence.through.objects.create(finding=gb_distribution, lawprovision=draft_provision)
    FindingFactory(state=gb, indicator=simple_possession, evidence=[s160])
    FindingFactory(state=fr, indicator=production, evidence=[art])
    FindingFactory(
        state=fr,
        indicator=distribution,
        status=FindingStatus.PARTIAL,
        evidence=[art],
        note="Only ...",
    )
    FindingFactory(state=fr, indicator=simple_possession, evidence=[art])
    FindingFactory(
        state=tr,
        indicator=simple_possession,
        status=FindingStatus.NO,
        evidence=[],
        note="Art. 226(3) reviewed: possession for personal use is not an offence.",
    )
    FindingFactory(
        state=tr, indicator=production, evidence=[tr_provision], publication_status=DRAFT
    )

    return SimpleNamespace(**locals())


def codes(response, key="iso2"):
    """The `key` of every row of a list response (asserting it succeeded)."""
    assert response.status_code == 200, response.content
    return [row[key] for row in response.json()["results"]]
