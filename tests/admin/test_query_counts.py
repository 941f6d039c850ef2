"""Admin pages run a number of queries that does not grow with the rows they show.

Each test renders a page with few rows, then with ten times as many, and asserts the same
number of queries: with 200 states and thousands of laws, an N+1 would make pages unusable.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawFactory,
    LawProvisionFactory,
    ObjectionFactory,
    ParticipationFactory,
    ReservationFactory,
    StateFactory,
    TreatyFactory,
    TreatyProvisionFactory,
)


def count_queries(client, url):
    """Queries to render `url`, after one warm-up request that fills process-wide caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), response


def assert_changelist_bounded(client, url, make_rows, few=3, many=30):
    make_rows(few)
    small, response = count_queries(client, url)
    assert response.context["cl"].result_count == few
    make_rows(many - few)
    large, response = count_queries(client, url)
    assert response.context["cl"].result_count == many
    assert large == small, f"{url}: {small} queries for {few} rows, {large} for {many}"


@pytest.mark.django_db
def test_law_changelist(editor_client):
    def make(n):
        indicator = IndicatorFactory()
        for law in LawFactory.create_batch(n):
            for provision in LawProvisionFactory.create_batch(2, law=law):
                provision.indicators.add(indicator)

    assert_changelist_bounded(editor_client, "/admin/laws/law/", make)


@pytest.mark.django_db
def test_law_provision_changelist(editor_client):
    assert_changelist_bounded(
        editor_client, "/admin/laws/lawprovision/", LawProvisionFactory.create_batch
    )


@pytest.mark.django_db
def test_finding_changelist(editor_client):
    assert_changelist_bounded(editor_client, "/admin/laws/finding/", FindingFactory.create_batch)


@pytest.mark.django_db
def test_participation_changelist(editor_client):
    treaty = TreatyFactory(code="opsc")

    def make(n):
        for participation in ParticipationFactory.create_batch(n, treaty=treaty):
            ReservationFactory(participation=participation)

    assert_changelist_bounded(editor_client, "/admin/treaties/participation/", make)


@pytest.mark.django_db
def test_state_changelist(editor_client):
    assert_changelist_bounded(editor_client, "/admin/treaties/state/", StateFactory.create_batch)


@pytest.mark.django_db
def test_reservation_changelist(editor_client):
    assert_changelist_bounded(
        editor_client, "/admin/treaties/reservation/", ReservationFactory.create_batch
    )


@pytest.mark.django_db
def test_objection_changelist(editor_client):
    assert_changelist_bounded(
        editor_client, "/admin/treaties/objection/", ObjectionFactory.create_batch
    )


@pytest.mark.django_db
def test_treaty_provision_changelist(editor_client):
    assert_changelist_bounded(
        editor_client, "/admin/treaties/treatyprovision/", TreatyProvisionFactory.create_batch
    )


@pytest.mark.django_db
def test_law_change_page_with_many_provisions(editor_client):
    indicators = IndicatorFactory.create_batch(3)
    law = LawFactory(publication_status="draft")  # editable for an editor
    for provision in LawProvisionFactory.create_batch(3, law=law):
        provision.indicators.set(indicators[:2])
    url = f"/admin/laws/law/{law.pk}/change/"
    small, _ = count_queries(editor_client, url)
    for provision in LawProvisionFactory.create_batch(27, law=law):
        provision.indicators.set(indicators)
    large, response = count_queries(editor_client, url)
    assert large == small
    # Every provision is on the page with its indicators selected.
    assert response.text.count('name="provisions-') > 30
    assert response.text.count("selected>") >= 3 * 2 + 27 * 3


@pytest.mark.django_db
def test_finding_change_page_with_much_evidence(editor_client):
    finding = FindingFactory(publication_status="draft")  # editable for an editor
    url = f"/admin/laws/finding/{finding.pk}/change/"
    small, _ = count_queries(editor_client, url)
    finding.evidence.add(*LawProvisionFactory.create_batch(9, law__state=finding.state))
    large, response = count_queries(editor_client, url)
    assert large == small
    for provision in finding.evidence.all():
        assert str(provision) in response.text


@pytest.mark.django_db
def test_participation_change_page_with_many_reservations(editor_client):
    participation = ParticipationFactory()
    provisions = TreatyProvisionFactory.create_batch(3, treaty=participation.treaty)
    reservation = ReservationFactory(participation=participation)
    reservation.treaty_provisions.set(provisions[:1])
    url = f"/admin/treaties/participation/{participation.pk}/change/"
    small, _ = count_queries(editor_client, url)
    for reservation in ReservationFactory.create_batch(9, participation=participation):
        reservation.treaty_provisions.set(provisions)
    large, _ = count_queries(editor_client, url)
    assert large == small


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["law", "participation"])
def test_published_change_page_read_only_for_an_editor_is_bounded(editor_client, model):
    """A published record's page as an editor sees it (read-only, with the revision banner)."""
    provisions = TreatyProvisionFactory.create_batch(3)
    indicators = IndicatorFactory.create_batch(3)
    if model == "law":
        record = LawFactory()

        def add(n):
            for provision in LawProvisionFactory.create_batch(n, law=record):
                provision.indicators.set(indicators)
    else:
        record = ParticipationFactory()

        def add(n):
            for reservation in ReservationFactory.create_batch(n, participation=record):
                reservation.treaty_provisions.set(provisions)

    app = "laws" if model == "law" else "treaties"
    url = f"/admin/{app}/{model}/{record.pk}/change/"
    add(2)
    small, response = count_queries(editor_client, url)
    assert "Propose changes" in response.text
    add(18)
    large, _ = count_queries(editor_client, url)
    assert large == small


@pytest.mark.django_db
def test_indicator_change_page_with_many_bases(editor_client):
    from laws.models import IndicatorBasis

    indicator = IndicatorFactory()
    provisions = TreatyProvisionFactory.create_batch(10)
    IndicatorBasis.objects.create(indicator=indicator, provision=provisions[0])
    url = f"/admin/laws/indicator/{indicator.pk}/change/"
    small, _ = count_queries(editor_client, url)
    for provision in provisions[1:]:
        IndicatorBasis.objects.create(indicator=indicator, provision=provision)
    large, _ = count_queries(editor_client, url)
    assert large == small


@pytest.mark.django_db
def test_evidence_autocomplete(editor_client):
    state = StateFactory()
    url = (
        "/admin/autocomplete/?app_label=laws&model_name=finding&field_name=evidence"
        f"&term=&state={state.pk}"
    )
    LawProvisionFactory.create_batch(2, law__state=state)
    small, _ = count_queries(editor_client, url)
    LawProvisionFactory.create_batch(18, law__state=state)
    large, response = count_queries(editor_client, url)
    assert len(response.json()["results"]) == 20
    assert large == small
