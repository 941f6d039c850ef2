"""The country detail's JSON is built from four compiled queries (laws/api/country_detail.py)
instead of model instances and DRF's field-by-field walk: it must give what the walk over
`CountryViewSet.get_object` gives, for every kind of value (empty texts, missing dates, a
withdrawal, an objection to a reservation of no state, reservations out of order, not-assessed
indicators, evidence of several laws, a law of one jurisdiction, texts read on sources, a `no`
with the pages checked), the first time and from the SQL kept for the state."""

import datetime

import pytest
from django.db import connection
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.versioning import NamespaceVersioning

from laws.api.serializers import CountryDetailSerializer
from laws.api.views import CountryViewSet
from tests.factories import (
    JurisdictionFactory,
    LawFactory,
    LawProvisionFactory,
    ObjectionFactory,
    ParticipationFactory,
    ReservationFactory,
    SourceFactory,
)
from treaties.models import ReservationKind

pytestmark = pytest.mark.django_db


def drf_walk(state, request):
    serializer = CountryDetailSerializer(context={"request": request})
    return serializers.ModelSerializer.to_representation(serializer, state)


def detail_object(iso2, request):
    view = CountryViewSet(kwargs={"iso2": iso2}, request=request, format_kwarg=None)
    view.action = "retrieve"
    return view.get_object()


@pytest.fixture
def rarer_values(world):
    withdrawn = ParticipationFactory(
        state=world.va,
        treaty=world.opsc,
        signature_date=None,
        consent_date=datetime.date(2002, 1, 1),
        consent_type="accession",
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
        order=2,
    )
    ReservationFactory(participation=withdrawn, heading="H", text="Art. 2", order=1)
    ObjectionFactory(
        treaty=world.opsc, objecting_state=world.va, reserving_state=None, heading="", text="No."
    )
    # GB: a law of one jurisdiction, its provision's text read on a source; TR's `no` rests on
    # pages checked.
    scotland = JurisdictionFactory(state=world.gb, code="GB-SCT", name="Scotland")
    scots_law = LawFactory(
        state=world.gb,
        title="Civic Government (Scotland) Act 1982",
        citation="1982 c. 45",
        jurisdiction=scotland,
        source_url="",
    )
    provision = LawProvisionFactory(
        law=scots_law, label="s. 52A", heading="", order=1, source=SourceFactory()
    )
    finding = world.gb.findings.get(indicator__slug="simple_possession")
    finding.evidence.add(provision)
    no = world.tr.findings.get(indicator__slug="simple_possession")
    no.checked_sources.add(SourceFactory(publisher="Mevzuat"), SourceFactory(grade="secondary"))
    return world


def test_the_api_answers_what_the_serializer_writes(api, rarer_values):
    request = Request(APIRequestFactory().get("/api/v1/countries/GB/"))
    request.version, request.versioning_scheme = "v1", NamespaceVersioning()
    for iso2 in ("GB", "FR", "CI", "TR", "VA", "gb"):
        expected = drf_walk(detail_object(iso2.upper(), request), request)
        for _ in range(2):  # built, then from the SQL kept for the state and data version
            assert api.get(f"/api/v1/countries/{iso2}/").json() == expected, iso2
    gb = api.get("/api/v1/countries/GB/").json()
    possession = next(f for f in gb["findings"] if f["indicator"] == "simple_possession")
    scots = next(e for e in possession["evidence"] if e["provision_label"] == "s. 52A")
    assert scots["jurisdiction"] == {"code": "GB-SCT", "name": "Scotland"}
    assert scots["source"]["grade"] == "official"
    assert scots["provision_heading"] is None and scots["source_url"] is None
    tr = api.get("/api/v1/countries/TR/").json()
    no = next(f for f in tr["findings"] if f["indicator"] == "simple_possession")
    assert len(no["sources"]) == 2 and no["verification_source"].startswith("Verified against")


def test_an_unknown_state_is_the_same_404(api, world):
    assert api.get("/api/v1/countries/ZZ/").json() == {"detail": "No state matches the given key."}


def test_an_edit_shows_at_once(api, world):
    def ci_opsc():
        detail = api.get("/api/v1/countries/CI/").json()
        opsc = next(p for p in detail["participations"] if p["treaty"] == "opsc")
        return opsc["status"], opsc["consent_type"]

    assert ci_opsc() == ("signatory", None)
    participation = world.ci.participations.get(treaty__code="opsc")
    participation.consent_date = datetime.date(2012, 3, 1)
    participation.consent_type = "ratification"
    participation.save()
    assert ci_opsc() == ("party", "ratification")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_a_repeated_detail_is_planned_once_per_connection(api, world, settings):
    """The detail's kept statements run prepared (hotpath.compiled.kept_cursor): PostgreSQL plans
    each once for the connection, and every later request of the state only executes it, with
    the same answer."""
    settings.PUBLIC_CACHE_ENABLED = False  # every request reaches the view
    first = api.get("/api/v1/countries/GB/").json()
    for _ in range(3):
        assert api.get("/api/v1/countries/GB/").json() == first
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements "
            "WHERE NOT from_sql"
        )
        prepared = cursor.fetchall()
    detail = [runs for statement, runs in prepared if '"treaties_state"."iso2"' in statement]
    # The state, its participation, the objections it made, its findings: four statements,
    # each prepared at the first request and run at all four.
    assert len(detail) >= 4
    assert all(runs >= 4 for runs in detail)


def test_links_follow_the_host_and_scheme_of_each_request(api, world, settings):
    """Link templates are shared between responses (core.api.fields.KNOWN), but never across the
    host, scheme or API version a request was made on: a partner behind another host name, or
    over HTTPS through the proxy, gets links it can follow."""
    settings.PUBLIC_CACHE_ENABLED = False  # every request builds its links
    settings.ALLOWED_HOSTS = ["testserver", "api.example.org"]
    plain = api.get("/api/v1/countries/GB/").json()
    other = api.get("/api/v1/countries/GB/", HTTP_HOST="api.example.org").json()
    secure = api.get(
        "/api/v1/countries/GB/", HTTP_HOST="api.example.org", HTTP_X_FORWARDED_PROTO="https"
    ).json()
    again = api.get("/api/v1/countries/GB/").json()
    evidence = [e for f in plain["findings"] for e in f["evidence"]]
    assert evidence, "the world has evidence for GB"
    assert plain["url"] == again["url"] == "http://testserver/api/v1/countries/GB/"
    assert other["url"] == "http://api.example.org/api/v1/countries/GB/"
    assert secure["url"] == "https://api.example.org/api/v1/countries/GB/"
    for answer, prefix in (
        (plain, "http://testserver/api/v1/laws/"),
        (other, "http://api.example.org/api/v1/laws/"),
        (secure, "https://api.example.org/api/v1/laws/"),
        (again, "http://testserver/api/v1/laws/"),
    ):
        links = [e["law_url"] for f in answer["findings"] for e in f["evidence"]]
        assert links and all(link.startswith(prefix) for link in links), (prefix, links)
