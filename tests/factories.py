"""factory_boy factories for tests (synthetic data only; never loaded into the real database)."""

import datetime

import factory
from django.contrib.auth import get_user_model

from core.publication import PublicationStatus
from laws.models import (
    Finding,
    FindingStatus,
    Indicator,
    Law,
    LawKind,
    LawProvision,
    Source,
    Topic,
)
from treaties.models import (
    ConsentType,
    Jurisdiction,
    Objection,
    Participation,
    Region,
    Reservation,
    ReservationKind,
    State,
    Treaty,
    TreatyProvision,
    UNStatus,
)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class SubregionFactory(RegionFactory):
    name = factory.Sequence(lambda n: f"Subregion {n}")
    parent = factory.SubFactory(RegionFactory)


def _code(n: int, width: int) -> str:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(width):
        out = letters[n % 26] + out
        n //= 26
    return out


def _free_m49() -> list[str]:
    import pycountry

    taken = {country.numeric for country in pycountry.countries}
    free = [f"{code:03d}" for code in range(1, 1000) if f"{code:03d}" not in taken]
    return sorted(free, key=lambda code: (code < "900", code))


FREE_M49 = _free_m49()


class StateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = State
        django_get_or_create = ("iso2",)

    iso2 = factory.Sequence(lambda n: _code(n + 26 * 10, 2))  # starts at "KA": clear of real codes
    iso3 = factory.LazyAttribute(lambda o: o.iso2 + "X")
    # Codes no real state has (the tests also load the real states, and set real codes on
    # factory states): the user-assigned 900-999 first, then the other unassigned ones.
    m49 = factory.Sequence(lambda n: FREE_M49[n % len(FREE_M49)])
    name = factory.Sequence(lambda n: f"State {n}")
    subregion = factory.SubFactory(SubregionFactory)
    region = factory.LazyAttribute(lambda o: o.subregion.parent)
    un_status = UNStatus.MEMBER


class TreatyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Treaty
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"t{n}")
    short_title = factory.LazyAttribute(lambda o: o.code.upper())
    title = factory.LazyAttribute(lambda o: f"Treaty {o.code}")


class TreatyProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TreatyProvision

    treaty = factory.SubFactory(TreatyFactory)
    slug = factory.Sequence(lambda n: f"prov-{n}")
    label = factory.Sequence(lambda n: f"Article {n}")
    text = "States Parties shall ..."


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    state = factory.SubFactory(StateFactory)
    treaty = factory.SubFactory(TreatyFactory)
    signature_date = datetime.date(2001, 1, 15)
    consent_date = datetime.date(2003, 6, 1)
    consent_type = ConsentType.RATIFICATION
    publication_status = PublicationStatus.PUBLISHED


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reservation

    participation = factory.SubFactory(ParticipationFactory)
    kind = ReservationKind.DECLARATION
    text = "The State declares that ..."
    order = factory.Sequence(lambda n: n)


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection

    treaty = factory.SubFactory(TreatyFactory)
    objecting_state = factory.SubFactory(StateFactory)
    reserving_state = factory.SubFactory(StateFactory)
    text = "The Government objects to the reservation ..."
    order = factory.Sequence(lambda n: n)


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"topic-{n}")
    name = factory.Sequence(lambda n: f"Topic {n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("slug",)

    topic = factory.SubFactory(TopicFactory)
    slug = factory.Sequence(lambda n: f"indicator_{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("_", " ").capitalize())
    order = factory.Sequence(lambda n: n)


class JurisdictionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Jurisdiction

    state = factory.SubFactory(StateFactory)
    code = factory.Sequence(lambda n: f"XX-J{n}")
    name = factory.Sequence(lambda n: f"Jurisdiction {n}")
    order = factory.Sequence(lambda n: n)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("url",)

    url = factory.Sequence(lambda n: f"https://legislation.example.org/page/{n}")
    grade = "official"
    publisher = "Example Legislation Portal (official)"
    read_on = datetime.date(2026, 12, 6)


class LawFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Law

    state = factory.SubFactory(StateFactory)
    title = factory.Sequence(lambda n: f"Child Protection Act {1990 + n % 30}")
    kind = LawKind.ACT
    citation = factory.Sequence(lambda n: f"Act No. {n}")
    year_enacted = 2004
    source_url = "https://legislation.example.org/act"
    publication_status = PublicationStatus.PUBLISHED


class LawProvisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LawProvision

    law = factory.SubFactory(LawFactory)
    label = factory.Sequence(lambda n: f"s. {n}")
    heading = "Indecent images of children"
    order = factory.Sequence(lambda n: n)


class FindingFactory(factory.django.DjangoModelFactory):
    """A published `yes` finding whose evidence is a provision of the same state."""

    class Meta:
        model = Finding
        skip_postgeneration_save = True

    state = factory.SubFactory(StateFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    status = FindingStatus.YES
    note = ""
    publication_status = PublicationStatus.PUBLISHED

    @factory.post_generation
    def evidence(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted is None and self.status != FindingStatus.NO:
            extracted = [LawProvisionFactory(law__state=self.state)]
        for provision in extracted or ():
            # Evidence bears on the finding's indicator (laws.services.validate_finding).
            provision.indicators.add(self.indicator)
        if extracted is not None:
            self.evidence.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")
