"""manage.py create_editor: a usable editor login in one command."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tests.admin.conftest import saved_user
from tests.conftest import totp_code

PASSWORD = "a-long-enough-editor-passphrase"


def run(*args, **kwargs):
    out = io.StringIO()
    call_command("create_editor", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_an_editor_who_can_log_in_and_edit_findings(client):
    output = run("amina", "--email", "amina@example.org", "--password", PASSWORD)
    assert "Created editor 'amina'" in output

    user = get_user_model().objects.get(username="amina")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert user.email == "amina@example.org"
    assert list(user.groups.values_list("name", flat=True)) == ["Editors"]

    response = client.post(
        "/admin/login/?next=/admin/laws/finding/add/",
        {
            "username": "amina",
            "password": PASSWORD,
            "otp_token": totp_code(user),  # the admin's second factor (enroll_totp)
            "next": "/admin/laws/finding/add/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/laws/finding/add/"
    assert client.get("/admin/laws/finding/add/").status_code == 200
    assert client.get("/admin/treaties/state/add/").status_code == 403


@pytest.mark.django_db
def test_password_from_the_environment(client, monkeypatch):
    monkeypatch.setenv("CRIN_EDITOR_PASSWORD", PASSWORD)
    run("amina", "--no-input")
    assert client.login(username="amina", password=PASSWORD)


@pytest.mark.django_db
def test_password_prompted_twice(client, monkeypatch):
    monkeypatch.delenv("CRIN_EDITOR_PASSWORD", raising=False)
    answers = iter(["mismatch-one-xyz-123", "mismatch-two-xyz-123", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    run("amina")
    assert client.login(username="amina", password=PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["short", "password1234", "12345678901234", "amina-amina"])
def test_weak_password_refused_and_nothing_written(weak):
    with pytest.raises(CommandError, match="Password refused"):
        run("amina", "--password", weak)
    assert not get_user_model().objects.filter(username="amina").exists()


@pytest.mark.django_db
def test_new_user_without_a_password_fails_without_prompting(monkeypatch):
    monkeypatch.delenv("CRIN_EDITOR_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="No password"):
        run("amina", "--no-input")
    assert not get_user_model().objects.filter(username="amina").exists()


@pytest.mark.django_db
def test_updates_an_existing_user_and_keeps_the_password(client, monkeypatch):
    monkeypatch.delenv("CRIN_EDITOR_PASSWORD", raising=False)
    user = saved_user(username="amina", is_staff=False)
    output = run("amina", "--no-input")
    assert "Updated editor 'amina'" in output
    assert "made staff" in output and "added to Editors" in output
    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name="Editors").exists()
    # UserFactory's password still works.
    assert client.login(username="amina", password="correct-horse-battery-staple")

    assert "unchanged" in run("amina", "--no-input")
    assert user.groups.count() == 1


@pytest.mark.django_db
def test_update_can_change_the_password(client):
    saved_user(username="amina", is_staff=True)
    output = run("amina", "--password", PASSWORD)
    assert "password changed" in output
    assert client.login(username="amina", password=PASSWORD)


@pytest.mark.django_db
def test_fails_clearly_without_the_editors_group(editors_group):
    editors_group.delete()
    with pytest.raises(CommandError, match="migrate"):
        run("amina", "--password", PASSWORD)
    assert not get_user_model().objects.filter(username="amina").exists()
