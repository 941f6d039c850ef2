import pytest
from django.contrib.auth.models import Group

from tests.conftest import staff_login
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"


@pytest.fixture
def editors_group(db):
    # Created by laws/migrations/0002_editors_group.py, as on a real database.
    return Group.objects.get(name="Editors")


@pytest.fixture
def editor(editors_group):
    user = UserFactory(username="editor", is_staff=True)
    # UserFactory sets the password after saving (skip_postgeneration_save): store it, so the
    # session's password hash matches the database and the login holds.
    user.save()
    user.groups.add(editors_group)
    return user


@pytest.fixture
def editor_client(client, editor):
    staff_login(client, editor)
    return client


def saved_user(**fields):
    user = UserFactory(**fields)
    user.save()
    return user
