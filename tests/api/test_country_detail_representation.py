"""The country detail's representation is built directly (`CountryDetailSerializer.
to_representation`) instead of DRF's field-by-field walk: it must give what the walk gives, for
every kind of value (empty texts, missing dates, a withdrawal, objections to another state's
reservation, not-assessed indicators, evidence of several laws), and with `as_of`."""

import datetime

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.versioning import NamespaceVersioning

from laws.api.serializers import CountryDetailSerializer
from laws.api.views import CountryViewSet
from tests.factories import ObjectionFactory, ParticipationFactory, ReservationFactory
from treaties.models import ReservationKind

pytestmark = pytest.mark.django_db


def drf_walk(serializer, state):
    return serializers.ModelSerializer.to_representation(serializer, state)


def detail_object(iso2, request):
    view = CountryViewSet(kwargs={"iso2": iso2}, request=request, format_kwarg=None)
    view.action = "retrieve"
    return view.get_object()


@pytest.mark.parametrize("as_of", [None, datetime.date(2005, 1, 1)])
def test_equal_to_drfs_walk_for_every_state(world, as_of):
    request = Request(APIRequestFactory().get("/api/v1/countries/GB/"))
    request.version, request.versioning_scheme = "v1", NamespaceVersioning()
    # Rarer values: a withdrawn participation with a blank source, an objection to a reservation
    # of no state, a reservation without heading or date.
    withdrawn = ParticipationFactory(
        state=world.va,
        treaty=world.opsc,
        signature_date=datetime.date(2001, 1, 1),
        consent_date=datetime.date(2002, 1, 1),
        consent_type="ratification",
        withdrawal_date=datetime.date(2020, 5, 5),
        source_url="",
        as_of=datetime.date(2026, 2, 3),
    )
    ReservationFactory(
        participation=withdrawn,
        kind=ReservationKind.RESERVATION,
        heading="",
        text="Art. 3",
        date=None,
    )
    ObjectionFactory(
        treaty=world.opsc, objecting_state=world.va, reserving_state=None, heading="", text="No."
    )
    context = {"request": request, "as_of": as_of}
    compared = 0
    for iso2 in ("GB", "FR", "CI", "TR", "VA"):
        state = detail_object(iso2, request)
        serializer = CountryDetailSerializer(context=dict(context))
        assert serializer.to_representation(state) == drf_walk(
            CountryDetailSerializer(context=dict(context)), state
        ), iso2
        compared += 1
    assert compared == 5


def test_the_api_answers_what_the_serializer_writes(api, world):
    """The endpoint's JSON (four compiled queries, rows to JSON: laws/api/country_detail.py) is
    the serializer's walk over `get_object`'s instances, for every state, twice (the second
    time from the SQL kept for the state and data version)."""
    request = Request(APIRequestFactory().get("/api/v1/countries/GB/"))
    request.version, request.versioning_scheme = "v1", NamespaceVersioning()
    withdrawn = ParticipationFactory(
        state=world.va,
        treaty=world.opsc,
        signature_date=None,
        consent_date=datetime.date(2002, 1, 1),
        consent_type="accession",
        withdrawal_date=datetime.date(2020, 5, 5),
        source_url="https://treaties.un.org/x",
    )
    ReservationFactory(participation=withdrawn, heading="", text="Art. 3", date=None, order=2)
    ReservationFactory(participation=withdrawn, heading="H", text="Art. 2", order=1)
    for iso2 in ("GB", "FR", "CI", "TR", "VA", "gb"):
        state = detail_object(iso2.upper(), request)
        expected = drf_walk(CountryDetailSerializer(context={"request": request}), state)
        for _ in range(2):
            assert api.get(f"/api/v1/countries/{iso2}/").json() == expected, iso2
    assert api.get("/api/v1/countries/ZZ/").json() == {"detail": "No state matches the given key."}


def test_an_edit_shows_at_once(api, world):
    assert api.get("/api/v1/countries/CI/").json()["participations"][1]["status"] == "signatory"
    participation = world.ci.participations.get(treaty__code="opsc")
    participation.consent_date = datetime.date(2012, 3, 1)
    participation.consent_type = "ratification"
    participation.save()
    opsc = api.get("/api/v1/countries/CI/").json()["participations"][1]
    assert (opsc["status"], opsc["consent_type"]) == ("party", "ratification")
