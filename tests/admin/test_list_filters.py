"""An admin list asked for a filter it cannot apply says so (400, naming the parameter) instead of
Django's redirect to `?e=1`, which shows the whole list as if the filter held: an editor following
a stale or mistyped link must not read unfiltered rows as the answer to the filter."""

import html

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse

from core.admin.changelist import StrictChangeListMixin
from tests.conftest import staff_login
from tests.factories import FindingFactory, StateFactory, UserFactory

pytestmark = pytest.mark.django_db


def changelist(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


@pytest.fixture
def superuser_client(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    user.save()
    return staff_login(client, user)


def test_every_list_of_the_site_refuses_a_filter_it_does_not_have(superuser_client):
    reverse("admin:index")  # the URLconf, which makes the site's lists strict, is loaded
    registered = list(admin.site._registry.items())
    # Ours and the other apps' (users, groups, login attempts, authenticator devices).
    assert {m._meta.app_label for m, _a in registered} >= {"laws", "treaties", "access", "auth"}
    for model, model_admin in registered:
        assert isinstance(model_admin, StrictChangeListMixin), model._meta.label
        response = superuser_client.get(changelist(model) + "?bogus=1")
        assert response.status_code == 400, model._meta.label
        page = html.unescape(response.content.decode())
        assert "This list has no filter “bogus”." in page, model._meta.label
        assert "<code>bogus=1</code>" in page
        # The way back is the unfiltered list, offered as a link, not shown as the answer.
        assert f'href="{changelist(model)}"' in page


def test_a_value_the_filter_cannot_take_is_refused_with_the_reason(superuser_client):
    FindingFactory()
    response = superuser_client.get(changelist(FindingFactory._meta.model) + "?id=abc")
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "“abc” is not a value the filter “id” can take." in page
    assert "<code>id=abc</code>" in page
    assert 'class="result-list"' not in page and "results" not in response.context_data


def test_good_filters_and_djangos_own_parameters_still_work(superuser_client):
    # Both states named: a factory state's sequence code may be any free code, "KE" included.
    kept = FindingFactory(state=StateFactory(iso2="KE", name="Kenya"))
    other = FindingFactory(state=StateFactory(iso2="UG", name="Uganda"))
    url = changelist(type(kept))
    response = superuser_client.get(url, {"state__id__exact": kept.state_id, "o": "1", "p": "1"})
    assert response.status_code == 200
    shown = list(response.context_data["cl"].result_list)
    assert kept in shown and other not in shown
    # `e=1`, Django's own error flag, is not a filter: the list answers as before.
    assert superuser_client.get(url + "?e=1").status_code == 200


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Cette liste n’a pas de filtre « bogus »."),
        ("es", "Esta lista no tiene el filtro «bogus»."),
        ("ru", "В этом списке нет фильтра «bogus»."),
        ("ar", "لا تحتوي هذه القائمة على مرشّح «bogus»."),
    ],
)
def test_the_refusal_reads_in_the_editors_language(superuser_client, language, expected):
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = superuser_client.get(changelist(FindingFactory._meta.model) + "?bogus=1")
    assert response.status_code == 400
    assert expected in html.unescape(response.content.decode())


def test_a_bad_value_in_a_list_of_values_is_named_in_the_editors_language(superuser_client):
    superuser_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    response = superuser_client.get(changelist(FindingFactory._meta.model) + "?id__in=1,zz")
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert "« zz » n’est pas une valeur que le filtre « id__in » peut prendre." in page
