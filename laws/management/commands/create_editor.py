"""manage.py create_editor USERNAME [--role editor|reviewer|administrator]: create or update a
staff user in the role's group (Editors by default, Reviewers, Administrators).

The password comes from --password, else the CRIN_EDITOR_PASSWORD environment variable, else a
prompt (typed twice). It must pass AUTH_PASSWORD_VALIDATORS. Updating an existing user without
a new password keeps the old one. The user is never made a superuser.
"""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS_GROUP = "Editors"
# --role: the workflow's roles as groups (laws/migrations/0002, 0008; docs/EDITORIAL_WORKFLOW.md).
ROLE_GROUPS = {"editor": "Editors", "reviewer": "Reviewers", "administrator": "Administrators"}
PASSWORD_ENV = "CRIN_EDITOR_PASSWORD"


class Command(BaseCommand):
    help = (
        "Create or update an editor: an active staff user in the Editors group. Password from "
        f"--password, the {PASSWORD_ENV} environment variable, or a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default=None, help="Email address (kept if omitted).")
        parser.add_argument(
            "--password",
            default=None,
            help=f"Visible in the shell history and process list; prefer {PASSWORD_ENV}.",
        )
        parser.add_argument(
            "--role",
            choices=sorted(ROLE_GROUPS),
            default="editor",
            help="editor (drafts and edits; the default), reviewer (also publishes, sends back "
            "and withdraws) or administrator (everything on the data, and users).",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Never prompt; fail if a new user has no password.",
        )

    def handle(self, *args, username, email, password, interactive, role="editor", **options):
        User = get_user_model()
        group_name = ROLE_GROUPS[role]
        try:
            group = Group.objects.get(name=group_name)
        except Group.DoesNotExist as error:
            raise CommandError(
                f"The {group_name!r} group does not exist: run `manage.py migrate` first."
            ) from error

        user = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
        created = user is None
        if created:
            user = User(**{User.USERNAME_FIELD: username})
        email_changed = email is not None and email != user.email
        if email_changed:
            user.email = email

        if password is None:
            password = os.environ.get(PASSWORD_ENV) or None
        if password is None and interactive:
            password = self._prompt(keep_allowed=not created)
        if password is None and created:
            raise CommandError(
                f"No password for new user {username!r}: pass --password, set {PASSWORD_ENV}, "
                "or run interactively."
            )
        if password is not None:
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                raise CommandError("Password refused: " + " ".join(error.messages)) from error
            user.set_password(password)

        changes = []
        if not user.is_staff:
            user.is_staff = True
            changes.append("made staff")
        if not user.is_active:
            user.is_active = True
            changes.append("activated")
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError("User refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            user.save()
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
                changes.append(f"added to {group_name}")
        if password is not None and not created:
            changes.append("password changed")
        if email_changed and not created:
            changes.append(f"email set to {email!r}")

        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {role} {username!r}: active staff user in the {group_name} group."
                )
            )
        elif changes:
            self.stdout.write(
                self.style.SUCCESS(f"Updated {role} {username!r}: {', '.join(changes)}.")
            )
        else:
            self.stdout.write(
                f"{role.capitalize()} {username!r} unchanged: already a staff user in {group_name}."
            )

    def _prompt(self, *, keep_allowed: bool) -> str | None:
        hint = " (empty keeps the current one)" if keep_allowed else ""
        while True:
            first = getpass.getpass(f"Password{hint}: ")
            if not first and keep_allowed:
                return None
            if not first:
                self.stderr.write("The password cannot be empty.")
                continue
            if getpass.getpass("Password (again): ") != first:
                self.stderr.write("The passwords do not match.")
                continue
            return first
