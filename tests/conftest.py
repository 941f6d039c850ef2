import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


def staff_login(client, user):
    """Log a staff user in to the admin as a real session would be after every check at login."""
    client.force_login(user)
    return client
