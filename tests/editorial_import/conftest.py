import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from tests.conftest import staff_login
from tests.factories import UserFactory

# The bulk CSV format (laws.csv, provisions.csv, findings.csv): a set of rows for the importers.
LAWS_DIR = settings.BASE_DIR / "tests" / "fixtures" / "bulk_csv"
UNTC_DIR = settings.DATA_DIR / "untc"


def saved_user(**fields):
    user = UserFactory(**fields)
    user.save()  # store the password UserFactory set after saving, so the session holds
    return user


@pytest.fixture
def editor(db):
    user = saved_user(username="editor", is_staff=True)
    # Created by laws/migrations/0002_editors_group.py (and 0005 for import batches).
    user.groups.add(Group.objects.get(name="Editors"))
    return user


@pytest.fixture
def editor_client(client, editor):
    return staff_login(client, editor)


@pytest.fixture
def superuser_client(client, db):
    return staff_login(client, saved_user(username="admin", is_staff=True, is_superuser=True))
