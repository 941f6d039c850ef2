"""What every browser test module shares: its marks. CI installs Chromium and must run the
browser tests (CI or REQUIRE_BROWSER set: a missing Chromium fails them, in the session fixture
`browser` of tests/conftest.py); a developer's machine without Chromium skips them."""

import os
import shutil

import pytest

# The browser the session fixture `browser` launches (the CHROMIUM variable chooses another).
CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)

BROWSER_TEST = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not (os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER")),
        reason="needs a Chromium executable",
    ),
]
