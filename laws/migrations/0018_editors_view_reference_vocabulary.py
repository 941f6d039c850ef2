"""Editors and reviewers only view the reference vocabulary (issue 12.6): topics, indicators,
their treaty bases and treaty provisions are reference data, like states and treaties
(laws/migrations/0002 gave editors add and change on them; 0008 copied that to reviewers).
The admin then shows them no Add or Change, and no pencil or + beside an indicator field.
Administrators keep every permission. The reverse gives the permissions back."""

from django.db import migrations

REFERENCE = [
    ("laws", "topic"),
    ("laws", "indicator"),
    ("laws", "indicatorbasis"),
    ("treaties", "treatyprovision"),
]
GROUPS = ("Editors", "Reviewers")


def _permissions(apps, alias):
    Permission = apps.get_model("auth", "Permission").objects.using(alias)
    return [
        p
        for app, model in REFERENCE
        for p in Permission.filter(
            content_type__app_label=app,
            content_type__model=model,
            codename__in=[f"add_{model}", f"change_{model}"],
        )
    ]


def view_only(apps, schema_editor):
    alias = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(alias).filter(name__in=GROUPS):
        group.permissions.remove(*_permissions(apps, alias))


def give_back(apps, schema_editor):
    alias = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.using(alias).filter(name__in=GROUPS):
        group.permissions.add(*_permissions(apps, alias))


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0017_search_statement_triggers"),
        ("laws", "0008_reviewers_administrators_groups"),
    ]

    operations = [migrations.RunPython(view_only, give_back)]
