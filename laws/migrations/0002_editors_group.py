"""Create the "Editors" group: exactly the permissions that the people who keep the database
current need.

What editors do is enter and correct national law and the findings drawn from it, and keep
treaty participation in step with the UN Treaty Collection. So the group has:

- add, change and view on the records they maintain: laws, law provisions, findings, topics,
  indicators and their treaty bases (national layer); participations, declarations and
  reservations, objections, end notes and treaty provisions (international layer);
- view only on the reference data those records point at: states, regions and treaties. The
  state list comes from a maintained package and the treaties from the depositary; an editor
  picks them, never edits them;
- no delete permission at all. Reference data is protected (a state with laws cannot go), and
  a published answer that turns out wrong is withdrawn (publication status "withdrawn") or
  corrected, not erased, so what the public API once said stays traceable. Deleting is left to
  superusers;
- no permission on users, groups or permissions: editors cannot grant themselves more.

Permissions are created here for the `auth`, `contenttypes`, `treaties` and `laws` apps, because
Django normally creates them only after the whole `migrate` run (post_migrate), too late for a
data migration on a fresh database. The reverse removes the group (the permissions stay: Django
owns them).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Editors"

# (app_label, model_name, actions)
EDITOR_PERMISSIONS = [
    ("laws", "law", ("add", "change", "view")),
    ("laws", "lawprovision", ("add", "change", "view")),
    ("laws", "finding", ("add", "change", "view")),
    ("laws", "topic", ("add", "change", "view")),
    ("laws", "indicator", ("add", "change", "view")),
    ("laws", "indicatorbasis", ("add", "change", "view")),
    ("treaties", "participation", ("add", "change", "view")),
    ("treaties", "reservation", ("add", "change", "view")),
    ("treaties", "objection", ("add", "change", "view")),
    ("treaties", "endnote", ("add", "change", "view")),
    ("treaties", "treatyprovision", ("add", "change", "view")),
    ("treaties", "state", ("view",)),
    ("treaties", "region", ("view",)),
    ("treaties", "treaty", ("view",)),
]


def create_editors_group(apps, schema_editor):
    alias = schema_editor.connection.alias
    for app_label in ("contenttypes", "auth", "treaties", "laws"):
        app_config = apps.get_app_config(app_label)
        # Historical app configs have no models module; create_permissions skips those.
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=alias, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = []
    for app_label, model_name, actions in EDITOR_PERMISSIONS:
        for action in actions:
            permissions.append(
                Permission.objects.using(alias).get(
                    content_type__app_label=app_label,
                    content_type__model=model_name,
                    codename=f"{action}_{model_name}",
                )
            )
    group, _ = Group.objects.using(alias).get_or_create(name=GROUP_NAME)
    group.permissions.set(permissions)


def remove_editors_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0001_initial"),
        ("treaties", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
