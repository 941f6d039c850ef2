import pytest
from rest_framework.test import APIClient


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def _no_rate_limit_by_default(settings):
    """Tests send hundreds of API requests a minute from one address: the anonymous limit is
    lifted unless a test sets it (tests/security/test_rate_limits.py does)."""
    settings.API_RATE_ANON = 10**9


def staff_login(client, user):
    """Log a staff user in to the admin as a real session would be after every check at login."""
    client.force_login(user)
    return client
