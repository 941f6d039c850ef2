import socket
import uuid

import pytest
from django.core.cache import caches

from tests.admin.conftest import editor, editor_client, editors_group  # noqa: F401
from tests.api.conftest import world  # noqa: F401 - the API's small world, for these tests too

REDIS_URL = "redis://127.0.0.1:6379/15"


def redis_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def rate_counter(settings, rate_clock):
    """The rate-limit counter as in production: Redis (shared by every worker) when one runs on
    127.0.0.1:6379 (CI starts one), else the per-process memory cache. A fresh key prefix per
    test, so parallel runs never share counts."""
    prefix = f"test-rl-{uuid.uuid4().hex}"
    if redis_available():
        config = {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    else:
        config = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": prefix}
    settings.CACHES = {**settings.CACHES, "ratelimit": config}
    return caches["ratelimit"]
