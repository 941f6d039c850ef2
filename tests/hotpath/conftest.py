# The API tests' small, hand-checkable world (five states, two treaties, three indicators, drafts
# sprinkled in): the lean stack is compared with the whole stack on the same answers.
from tests.api.conftest import world  # noqa: F401
