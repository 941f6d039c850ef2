import pytest
from django.contrib.auth.models import Group

from tests.conftest import staff_login
from tests.factories import UserFactory


def member(username: str, group: str):
    user = UserFactory(username=username, is_staff=True)
    user.save()
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(db):
    return member("editor", "Editors")


@pytest.fixture
def second_editor(db):
    return member("editor2", "Editors")


@pytest.fixture
def reviewer(db):
    return member("reviewer", "Reviewers")


@pytest.fixture
def editor_client(client, editor):
    return staff_login(client, editor)


@pytest.fixture
def reviewer_client(reviewer):
    from django.test import Client

    return staff_login(Client(), reviewer)


@pytest.fixture(autouse=True)
def _no_response_cache(settings):
    # These tests read what the views answer now, not a cached earlier answer.
    settings.PUBLIC_CACHE_ENABLED = False
