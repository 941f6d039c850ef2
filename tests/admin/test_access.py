"""Who can reach which admin page: editors edit what they maintain and only view reference data;
anonymous visitors are sent to the login page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.admin.conftest import saved_user
from tests.conftest import staff_login
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    ObjectionFactory,
    ReservationFactory,
    StateFactory,
    TopicFactory,
    TreatyProvisionFactory,
)
from treaties.models import EndNote, Region, State

# Reference data editors may look at but not add, change or delete (the vocabulary too:
# topics, indicators, treaty provisions; issue 12.6).
VIEW_ONLY = {
    "treaties.state",
    "treaties.region",
    "treaties.treaty",
    "laws.topic",
    "laws.indicator",
    "treaties.treatyprovision",
}

EDITED = {
    "laws.law",
    "laws.lawprovision",
    "laws.finding",
    "treaties.participation",
    "treaties.reservation",
    "treaties.objection",
    "treaties.endnote",
}


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def registered(label_set):
    return [m for m in admin.site._registry if m._meta.label_lower in label_set]


@pytest.fixture
def one_of_each(db):
    """One saved object of every model that has an admin page."""
    reservation = ReservationFactory()
    participation = reservation.participation
    finding = FindingFactory(state=participation.state)
    provision = finding.evidence.get()
    treaty_provision = TreatyProvisionFactory(treaty=participation.treaty)
    objects = [
        reservation,
        participation,
        participation.state,
        participation.state.region,
        participation.treaty,
        treaty_provision,
        ObjectionFactory(treaty=participation.treaty),
        EndNote.objects.create(treaty=participation.treaty, number=1, text="Territorial note."),
        finding,
        finding.indicator,
        finding.indicator.topic,
        provision,
        provision.law,
    ]
    return {type(obj): obj for obj in objects}


def test_every_model_has_an_admin():
    labels = {m._meta.label_lower for m in admin.site._registry}
    assert VIEW_ONLY | EDITED <= labels


@pytest.mark.django_db
def test_editor_gets_every_changelist_and_change_page(editor_client, one_of_each):
    for model in registered(VIEW_ONLY | EDITED):
        response = editor_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, model
        obj = one_of_each[model]
        response = editor_client.get(admin_url(model, "change", obj.pk))
        assert response.status_code == 200, model
        assert str(obj) in response.text


@pytest.mark.django_db
def test_editor_gets_the_add_page_of_what_editors_maintain(editor_client):
    for model in registered(EDITED):
        assert editor_client.get(admin_url(model, "add")).status_code == 200, model


@pytest.mark.django_db
def test_editor_cannot_add_or_change_reference_data(editor_client, one_of_each):
    for model in registered(VIEW_ONLY):
        assert editor_client.get(admin_url(model, "add")).status_code == 403, model
    state = one_of_each[State]
    response = editor_client.post(
        admin_url(State, "change", state.pk), {"name": "Renamed", "iso2": state.iso2}
    )
    assert response.status_code == 403
    state.refresh_from_db()
    assert state.name != "Renamed"


@pytest.mark.django_db
def test_editor_cannot_delete_a_state(editor_client, editor):
    state = StateFactory()
    url = admin_url(State, "delete", state.pk)
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert State.objects.filter(pk=state.pk).exists()
    assert not editor.has_perm("treaties.delete_state")


@pytest.mark.django_db
def test_editor_cannot_delete_a_finding_either(editor_client):
    finding = FindingFactory()
    response = editor_client.post(admin_url(type(finding), "delete", finding.pk), {"post": "yes"})
    assert response.status_code == 403
    assert type(finding).objects.filter(pk=finding.pk).exists()


@pytest.mark.django_db
def test_editors_group_has_no_delete_and_no_user_permissions(editors_group):
    codenames = set(editors_group.permissions.values_list("codename", flat=True))
    assert not {c for c in codenames if c.startswith("delete_")}
    assert not editors_group.permissions.filter(content_type__app_label="auth").exists()
    assert {"view_state", "view_region", "view_treaty"} <= codenames
    assert not codenames & {"add_state", "change_state", "change_region", "change_treaty"}
    for label in EDITED:
        app_label, model = label.split(".")
        for action in ("add", "change", "view"):
            assert f"{action}_{model}" in codenames, (action, label)
    for label in VIEW_ONLY | {"laws.indicatorbasis"}:
        app_label, model = label.split(".")
        assert not {f"add_{model}", f"change_{model}"} & codenames, label


@pytest.mark.django_db
def test_editor_sees_no_add_or_change_on_the_vocabulary(editor_client, one_of_each):
    """Issue 12.6: no "Add indicator" button, a read-only page, and no pencil or + beside the
    indicator on a finding's page (only the eye that opens it to read)."""
    from laws.models import Finding, Indicator, Topic
    from treaties.models import TreatyProvision

    for model in (Indicator, Topic, TreatyProvision):
        listing = editor_client.get(admin_url(model, "changelist")).text
        assert admin_url(model, "add") not in listing, model
        obj = one_of_each[model]
        page = editor_client.get(admin_url(model, "change", obj.pk)).text
        assert 'name="_save"' not in page, model
        assert editor_client.post(admin_url(model, "change", obj.pk), {}).status_code == 403
    finding = FindingFactory(publication_status="draft")  # editable by the editor
    page = editor_client.get(admin_url(Finding, "change", finding.pk)).text
    assert 'id="change_id_indicator"' not in page and 'id="add_id_indicator"' not in page
    assert 'id="view_id_indicator"' in page


@pytest.mark.django_db
def test_editor_cannot_manage_users(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403


@pytest.mark.django_db
def test_staff_user_outside_the_group_can_edit_nothing(client):
    staff_login(client, saved_user(is_staff=True))
    assert client.get(admin_url(State, "changelist")).status_code == 403


@pytest.mark.django_db
def test_anonymous_is_redirected_to_login(client, one_of_each):
    login = reverse("admin:login")
    for model in registered(VIEW_ONLY | EDITED):
        for url in (
            admin_url(model, "changelist"),
            admin_url(model, "add"),
            admin_url(model, "change", one_of_each[model].pk),
        ):
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(f"{login}?next="), url


@pytest.mark.django_db
def test_superuser_gets_every_add_page(client):
    staff_login(client, saved_user(is_staff=True, is_superuser=True))
    for model in admin.site._registry:
        if model._meta.app_label in ("laws", "treaties"):
            assert client.get(admin_url(model, "add")).status_code == 200, model


@pytest.mark.django_db
def test_editor_adds_a_law_with_its_provisions_inline(editor_client):
    state = StateFactory()
    indicator = IndicatorFactory(topic=TopicFactory())
    from laws.models import Law

    response = editor_client.post(
        admin_url(Law, "add"),
        {
            "state": state.pk,
            "title": "Criminal Code",
            "kind": "code",
            "citation": "Law No. 12/2004",
            "status": "in_force",
            "publication_status": "draft",
            "provisions-TOTAL_FORMS": "1",
            "provisions-INITIAL_FORMS": "0",
            "provisions-0-label": "art. 227-23",
            "provisions-0-order": "1",
            "provisions-0-indicators": [indicator.pk],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    law = Law.objects.get(state=state, citation="Law No. 12/2004")
    provision = law.provisions.get()
    assert provision.label == "art. 227-23"
    assert list(provision.indicators.all()) == [indicator]


@pytest.mark.django_db
def test_region_filter_lists_only_top_level_regions(editor_client):
    states = StateFactory.create_batch(2)
    response = editor_client.get(admin_url(State, "changelist"))
    assert response.status_code == 200
    filters = {str(spec.title): spec for spec in response.context["cl"].filter_specs}
    regions = {name for _, name in filters["region"].lookup_choices}
    subregions = {name for _, name in filters["subregion"].lookup_choices}
    assert regions == {s.region.name for s in states}
    assert subregions == {s.subregion.name for s in states}
    assert Region.objects.count() == 4
