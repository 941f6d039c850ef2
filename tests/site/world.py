"""A small, synthetic world for the site's tests: real ISO codes (so the map can draw them), a
treaty with parties, signatories and a reservation, a topic with indicators, published and draft
laws and findings."""

import datetime
from dataclasses import dataclass

from core.publication import PublicationStatus
from laws.models import FindingStatus
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawFactory,
    LawProvisionFactory,
    ParticipationFactory,
    RegionFactory,
    ReservationFactory,
    StateFactory,
    SubregionFactory,
    TopicFactory,
    TreatyFactory,
)


@dataclass
class World:
    gb: object
    fr: object
    us: object
    ru: object
    europe: object
    americas: object
    opsc: object
    crc: object
    topic: object
    production: object
    possession: object
    virtual: object
    gb_act: object
    gb_s1: object
    gb_s160: object
    fr_code: object
    fr_art: object
    draft_law: object


def make_world() -> World:
    europe = RegionFactory(name="Europe", slug="europe")
    americas = RegionFactory(name="Americas", slug="americas")
    northern_europe = SubregionFactory(
        name="Northern Europe", slug="northern-europe", parent=europe
    )
    western_europe = SubregionFactory(name="Western Europe", slug="western-europe", parent=europe)
    eastern_europe = SubregionFactory(name="Eastern Europe", slug="eastern-europe", parent=europe)
    northern_america = SubregionFactory(
        name="Northern America", slug="northern-america", parent=americas
    )

    def state(iso2, iso3, m49, name, sub):
        return StateFactory(
            iso2=iso2, iso3=iso3, m49=m49, name=name, subregion=sub, region=sub.parent
        )

    gb = state("GB", "GBR", "826", "United Kingdom", northern_europe)
    fr = state("FR", "FRA", "250", "France", western_europe)
    us = state("US", "USA", "840", "United States", northern_america)
    ru = state("RU", "RUS", "643", "Russian Federation", eastern_europe)

    crc = TreatyFactory(
        code="crc",
        short_title="CRC",
        title="Convention on the Rights of the Child",
        order=1,
        status_as_of=datetime.date(2026, 2, 3),
    )
    opsc = TreatyFactory(
        code="opsc",
        short_title="OPSC",
        title="Optional Protocol on the sale of children, child prostitution and child pornography",
        order=2,
        status_as_of=datetime.date(2026, 2, 3),
    )
    p = ParticipationFactory(
        state=gb,
        treaty=opsc,
        signature_date=datetime.date(2000, 9, 7),
        consent_date=datetime.date(2009, 2, 20),
    )
    ReservationFactory(
        participation=p, text="The United Kingdom declares that it reads article 3 ..."
    )
    ParticipationFactory(
        state=fr,
        treaty=opsc,
        signature_date=datetime.date(2000, 9, 6),
        consent_date=datetime.date(2003, 2, 5),
    )
    ParticipationFactory(
        state=us,
        treaty=opsc,
        signature_date=datetime.date(2000, 7, 5),
        consent_date=datetime.date(2002, 12, 23),
    )
    ParticipationFactory(
        state=us,
        treaty=crc,
        signature_date=datetime.date(1995, 2, 16),
        consent_date=None,
        consent_type="",
    )
    ParticipationFactory(
        state=gb,
        treaty=crc,
        signature_date=datetime.date(1990, 4, 19),
        consent_date=datetime.date(1991, 12, 16),
    )
    # A draft participation is never shown.
    ParticipationFactory(state=ru, treaty=opsc, publication_status=PublicationStatus.DRAFT)

    topic = TopicFactory(slug="csam", name="Child sexual abuse material")
    production = IndicatorFactory(topic=topic, slug="production", name="Production", order=1)
    possession = IndicatorFactory(
        topic=topic, slug="simple_possession", name="Simple possession", order=2
    )
    virtual = IndicatorFactory(
        topic=topic, slug="covers_virtual_material", name="Covers virtual material", order=3
    )

    gb_act = LawFactory(
        state=gb,
        title="Protection of Children Act 1978",
        citation="Protection of Children Act 1978 c. 37",
        year_enacted=1978,
    )
    gb_s1 = LawProvisionFactory(
        law=gb_act, label="s. 1(1)(a)", heading="Taking indecent photographs"
    )
    gb_s1.indicators.add(production)
    gb_s160 = LawProvisionFactory(
        law=gb_act, label="s. 160", heading="Possession of indecent photograph"
    )
    gb_s160.indicators.add(possession)
    fr_code = LawFactory(
        state=fr,
        title="Penal Code",
        citation="Code pénal",
        kind="code",
        year_enacted=1992,
        title_original="Code pénal",
        language="fr",
    )
    fr_art = LawProvisionFactory(
        law=fr_code, label="art. 227-23", heading="Images pédopornographiques"
    )
    fr_art.indicators.add(production, possession)
    draft_law = LawFactory(
        state=us,
        title="Secret Draft Statute",
        citation="Draft 1",
        publication_status=PublicationStatus.DRAFT,
    )

    FindingFactory(
        state=gb, indicator=production, evidence=[gb_s1], evidence_citation="PCA 1978 s. 1(1)(a)"
    )
    FindingFactory(state=gb, indicator=possession, evidence=[gb_s160])
    FindingFactory(state=fr, indicator=production, evidence=[fr_art])
    FindingFactory(state=fr, indicator=possession, status=FindingStatus.PARTIAL, evidence=[fr_art])
    FindingFactory(
        state=ru,
        indicator=possession,
        status=FindingStatus.NO,
        note="Only possession for distribution is an offence (art. 242.1).",
        evidence=[],
    )
    # A draft finding is never shown: the US stays "not assessed" for production.
    FindingFactory(
        state=us, indicator=production, publication_status=PublicationStatus.DRAFT, evidence=[]
    )
    return World(
        gb=gb,
        fr=fr,
        us=us,
        ru=ru,
        europe=europe,
        americas=americas,
        opsc=opsc,
        crc=crc,
        topic=topic,
        production=production,
        possession=possession,
        virtual=virtual,
        gb_act=gb_act,
        gb_s1=gb_s1,
        gb_s160=gb_s160,
        fr_code=fr_code,
        fr_art=fr_art,
        draft_law=draft_law,
    )
