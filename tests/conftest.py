import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from tests import browsing


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The .mo files are build output (not committed): compile them as `make setup` does, before
    any test renders a page (Django caches a language's catalogue the first time it is used)."""
    from public.compile_messages import compile_messages

    compile_messages()


def pytest_configure(config):
    """Passwords in tests are hashed with a fast hasher (Django's advice for test suites): the
    production PBKDF2 costs 0.5-2 s per hash on this machine, paid by every test user created
    and every login. What the tests check of passwords (validation, login, 2FA) does not depend
    on the algorithm; production keeps Django's default hashers."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_at_the_start():
    """Each test starts in English, as a command does. A request leaves its thread in the language
    it activated (Django's locale middleware activates one per request and does not put the
    previous one back), so a test that calls the services directly after another test's
    Arabic admin page would read their messages in Arabic."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


CHROMIUM = browsing.CHROMIUM or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Playwright's sync API allows one instance per
    thread, so every browser test shares it)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        # CI installs Chromium and must run these; a developer's machine without it skips them.
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    # From here to the end of the session this thread runs Playwright's event loop, and Django
    # refuses database work from a thread with a running loop: every later fixture that touches
    # the database here (test database set-up, flushes, factories) would fail, whichever test
    # happens to run first. The live server does its own database work in its own thread.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture(autouse=True)
def _no_rate_limit_by_default(settings):
    """Tests send hundreds of API requests a minute from one address: the anonymous limit is
    lifted unless a test sets it (tests/security/test_api_access.py does); so is the site's
    search and export limit (tests/security/test_site_rate_limits.py)."""
    settings.API_RATE_ANON = 10**9
    settings.SITE_RATE_ANON = 10**9


def staff_login(client, user):
    """Log a staff user in to the admin as a real session would be after every check at login:
    the password (force_login) and the second factor (a confirmed TOTP device, the session
    verified with it as django_otp.login does)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def totp_code(user) -> str:
    """The current one-time code of `user`'s authenticator (created, confirmed, if none): what
    an editor types at the admin login after the password."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test authenticator", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def _command(name, *args):
    import io

    from django.core.management import call_command

    call_command(name, *args, stdout=io.StringIO())


def _untc(*codes):
    from django.conf import settings

    _command("import_untc", *(str(settings.DATA_DIR / "untc" / f"{code}.html") for code in codes))


def _starter_set():
    from laws.importers.starter_set import import_starter_set
    from tests.laws.conftest import LAWS_DIR

    import_starter_set(LAWS_DIR)


# Each level of reference data: what loading it runs (every step a real command or importer).
REFERENCE_LEVELS = {
    "reference": lambda: (_command("load_states"), _command("load_treaties")),
    "topics": lambda: (REFERENCE_LEVELS["reference"](), _command("load_topics")),
    "starter_set": lambda: (REFERENCE_LEVELS["topics"](), _starter_set()),
    "untc_crc_opsc": lambda: (REFERENCE_LEVELS["reference"](), _untc("crc", "opsc")),
    "untc_opsc": lambda: (REFERENCE_LEVELS["reference"](), _untc("opsc")),
    "untc_opsc_linked": lambda: (REFERENCE_LEVELS["untc_opsc"](), _command("link_reservations")),
    "untc_all": lambda: (REFERENCE_LEVELS["reference"](), _untc("crc", "opac", "opsc", "opic")),
    "starter_set_opsc": lambda: (REFERENCE_LEVELS["starter_set"](), _untc("opsc")),
    # Everything `make setup` loads (`manage.py load_real_data`): the national law over the rest.
    "real_data": lambda: _command("load_real_data"),
}


class ReferenceSnapshots:
    """The real reference data, each level of `REFERENCE_LEVELS` loaded once per session and put
    back in each test that asks for it (tests/snapshots.py)."""

    def __init__(self):
        self._taken = {}

    def restore(self, level: str, load=None):
        """Put back the rows of `level` (loading them the first time, with REFERENCE_LEVELS[level]
        or `load`); return a copy of what the loading returned (a test world's objects), so that
        a test changing them leaves the next test's alone."""
        import copy

        from tests.snapshots import Snapshot

        if level not in self._taken:
            self._taken[level] = Snapshot.capture(load or REFERENCE_LEVELS[level])
        self._taken[level].restore()
        return copy.deepcopy(self._taken[level].value)


# The tests that restore one of the large levels run on one worker, which loads it once: the
# worker that takes a test of a group takes the whole group (the other tests go one by one to
# whichever worker is free, as `-n` does by default). xdist's own `--dist loadgroup` cannot be
# used: it renames test ids in a way pytest 9 no longer allows, and silently groups nothing.
SHARED_DATA_GROUPS = {
    "tests/laws/test_import_laws.py::": "real_data",
    "tests/workflow/test_conflicts_history.py::test_imports_are_recorded": "real_data",
    "tests/treaties/test_party_status.py::": "untc_all",
    "tests/treaties/test_untc_import.py::test_rerunning_changes_nothing": "untc_all",
    "tests/api/test_query_counts.py::": "api_crowd",
}


@pytest.hookimpl(optionalhook=True)  # `-p no:xdist` runs without it
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedDataScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            for prefix, group in SHARED_DATA_GROUPS.items():
                if nodeid.startswith(prefix):
                    return group
            return nodeid

    return SharedDataScheduling(config, log)


@pytest.fixture(scope="session")
def reference_snapshots(django_db_setup):
    return ReferenceSnapshots()


@pytest.fixture
def reference(db, reference_snapshots):
    """The real states and treaties (with the OPSC and CRC provisions) the national layer cites."""
    reference_snapshots.restore("reference")


@pytest.fixture
def topics(db, reference_snapshots):
    """The reference data and the CSAM topic with its eleven indicators."""
    reference_snapshots.restore("topics")


@pytest.fixture
def opsc(db, reference_snapshots):
    """The reference data and the OPSC page of 2026-02-03 imported as `manage.py import_untc`
    does (published)."""
    reference_snapshots.restore("untc_opsc")


@pytest.fixture
def starter_set(db, reference_snapshots):
    """The bulk-format fixture set (tests/fixtures/bulk_csv), published, over `topics`."""
    reference_snapshots.restore("starter_set")


#: A moment ten seconds into a one-minute window (and into a one-hour one).
MID_WINDOW = 1_800_000_010.0


@pytest.fixture
def rate_clock(monkeypatch):
    """The rate limiter's clock, pinned mid-window. Windows are fixed, so with the real clock a
    test's requests can straddle a window's end and the count restarts (a flaky test). Only the
    limiter's view of the time changes; sessions, lockouts and the rest keep the real clock."""
    import hotpath.ratelimit

    monkeypatch.setattr(hotpath.ratelimit, "time", SimpleNamespace(time=lambda: MID_WINDOW))
    return MID_WINDOW
