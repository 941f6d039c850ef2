"""Roles of the editorial workflow (docs/EDITORIAL_WORKFLOW.md) as groups:

- "Editors" (laws/migrations/0002_editors_group.py, 0005): draft and edit. Unchanged here: they
  have no publish permission, so they can submit for review but never publish or withdraw.
- "Reviewers": everything editors have, plus `publish_law`, `publish_finding` and
  `publish_participation` — approve (publish), send back to draft, withdraw.
- "Administrators": every permission on the data (national and international layers,
  including delete), the workflow, and users and groups; not superusers.

Permissions are created here because Django creates them only after the whole `migrate` run.
The reverse removes the two groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PUBLISH = [
    ("laws", "law", "publish_law"),
    ("laws", "finding", "publish_finding"),
    ("treaties", "participation", "publish_participation"),
]
ADMIN_APPS = ("laws", "treaties")
ADMIN_AUTH_MODELS = ("user", "group")


def create_groups(apps, schema_editor):
    alias = schema_editor.connection.alias
    for app_label in ("contenttypes", "auth", "treaties", "laws"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=alias, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.using(alias)

    editors, _ = Group.objects.using(alias).get_or_create(name="Editors")
    publish = [
        permissions.get(content_type__app_label=app, content_type__model=model, codename=code)
        for app, model, code in PUBLISH
    ]
    reviewers, _ = Group.objects.using(alias).get_or_create(name="Reviewers")
    reviewers.permissions.set([*editors.permissions.all(), *publish])

    administrators, _ = Group.objects.using(alias).get_or_create(name="Administrators")
    data = permissions.filter(content_type__app_label__in=ADMIN_APPS)
    users = permissions.filter(
        content_type__app_label="auth", content_type__model__in=ADMIN_AUTH_MODELS
    )
    administrators.permissions.set([*data, *users])


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(
        name__in=["Reviewers", "Administrators"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0007_search"),
        ("treaties", "0002_history_version_publication"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
