"""Fixtures for the site tests (the synthetic world is in tests/site/world.py)."""

import pytest

from .world import World, make_world


@pytest.fixture
def world(db, reference_snapshots) -> World:
    """Built once per session, put back in each test (tests/snapshots.py)."""
    return reference_snapshots.restore("site_world", make_world)
