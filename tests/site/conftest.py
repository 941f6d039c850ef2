"""Fixtures for the site tests (the synthetic world is in tests/site/world.py)."""

import pytest

from .world import World, make_world


@pytest.fixture
def world(db) -> World:
    return make_world()


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The .mo files are build output (not committed): compile them as `make setup` does."""
    from public.compile_messages import compile_messages

    compile_messages()
