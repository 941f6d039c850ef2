"""Editors' accounts: the admin needs a password and a one-time code; repeated failures lock the
client out; sessions expire; the admin path is configurable; permissions hold on the server."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.publication import PublicationStatus
from tests.admin.conftest import PASSWORD, saved_user
from tests.conftest import staff_login, totp_code
from tests.factories import FindingFactory

BASE_DIR = Path(__file__).resolve().parents[2]
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor_user(editors_group):
    user = saved_user(username="amina", is_staff=True)
    user.groups.add(editors_group)
    return user


def login(client, username="amina", password=PASSWORD, code=None, **extra):
    data = {"username": username, "password": password, "next": "/admin/"}
    if code is not None:
        data["otp_token"] = code
    return client.post(LOGIN, data, **extra)


def logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_password_and_code_open_the_admin(client, editor_user):
    response = login(client, code=totp_code(editor_user))
    assert response.status_code == 302
    assert logged_in(client)


@pytest.mark.django_db
def test_password_alone_does_not(client, editor_user):
    totp_code(editor_user)  # enrolled
    assert login(client).status_code == 200
    assert not logged_in(client)
    assert login(client, code="000000").status_code == 200
    assert not logged_in(client)


@pytest.mark.django_db
def test_a_staff_session_without_a_second_factor_is_not_admitted(client, editor_user):
    client.force_login(editor_user)  # a password login, no verified device
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/laws/finding/").status_code == 302


@pytest.mark.django_db
def test_an_account_without_an_authenticator_is_told_how_to_enrol(client, editor_user):
    response = login(client, code="123456")
    assert b"enroll_totp" in response.content
    assert not logged_in(client)


@pytest.mark.django_db
def test_repeated_failures_lock_the_client_out(client, settings, editor_user):
    code = totp_code(editor_user)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, password="wrong-password-guess").status_code == 200
    assert login(client, password="wrong-password-guess").status_code == 429
    # Now even the right password and code are refused, with a 429.
    response = login(client, code=code)
    assert response.status_code == 429
    assert not logged_in(client)
    assert AccessAttempt.objects.filter(username="amina").exists()


@pytest.mark.django_db
def test_the_lockout_follows_the_username_across_addresses(client, settings, editor_user):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, password="wrong-password-guess", REMOTE_ADDR=f"10.1.1.{n}")
    response = login(client, code=totp_code(editor_user), REMOTE_ADDR="10.2.2.2")
    assert response.status_code == 429


@pytest.mark.django_db
def test_a_success_before_the_limit_resets_the_count(client, settings, editor_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, password="wrong-password-guess")
    assert login(client, code=totp_code(editor_user)).status_code == 302
    client.logout()
    # The next code of the authenticator (a code is accepted once).
    TOTPDevice.objects.filter(user=editor_user).update(last_t=-1)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, password="wrong-password-guess")
    assert login(client, code=totp_code(editor_user)).status_code == 302


@pytest.mark.django_db
def test_sessions_expire(client, settings, editor_user):
    staff_login(client, editor_user)
    assert logged_in(client)
    session = client.session
    assert session.get_expire_at_browser_close()
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    session.set_expiry(timezone.now() - timedelta(seconds=1))
    session.save()
    assert not logged_in(client)


@pytest.mark.django_db
def test_session_cookie_flags(client, editor_user):
    response = login(client, code=totp_code(editor_user))
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert SESSION_KEY in client.session


def test_the_admin_path_is_configurable():
    environment = {**os.environ, "ADMIN_URL": "editors-7f3a"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.urls import reverse; from django.test import Client; "
            "print(reverse('admin:index'), Client().get('/admin/').status_code)",
        ],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["/editors-7f3a/", "404"]


@pytest.mark.django_db
def test_an_editor_cannot_publish_by_posting_the_status(client, editor_user):
    """The server decides: a forged form field does not publish a draft."""
    finding = FindingFactory(publication_status=PublicationStatus.DRAFT)
    staff_login(client, editor_user)
    page = client.get(f"/admin/laws/finding/{finding.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    data["publication_status"] = PublicationStatus.PUBLISHED
    client.post(f"/admin/laws/finding/{finding.pk}/change/", data)
    finding.refresh_from_db()
    assert finding.publication_status != PublicationStatus.PUBLISHED


@pytest.mark.django_db
def test_enroll_totp_gives_a_working_second_factor(client, editor_user):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("enroll_totp", "amina", "--no-input", stdout=out)
    assert "otpauth://totp/" in out.getvalue()
    assert TOTPDevice.objects.filter(user=editor_user, confirmed=True).count() == 1
    assert login(client, code=totp_code(editor_user)).status_code == 302
    assert logged_in(client)
