"""Fixtures for the site tests (the synthetic world is in tests/site/world.py)."""

import pytest

from .world import World, make_world


@pytest.fixture
def world(db) -> World:
    return make_world()
