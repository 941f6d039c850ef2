from tests.api.conftest import world  # noqa: F401 - the API's small world
