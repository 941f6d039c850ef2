"""Who may record sources and jurisdictions (laws/migrations/0002 and 0008 set the groups up):
editors and reviewers add, change and view sources (the pages texts and dates were read on) and
view jurisdictions (reference data: parts of states, like states themselves); administrators have
every permission on both."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITING = [("laws", "source", ("add", "change", "view")), ("treaties", "jurisdiction", ("view",))]
EVERY = [("laws", "source"), ("treaties", "jurisdiction")]


def grant(apps, schema_editor):
    alias = schema_editor.connection.alias
    for app_label in ("treaties", "laws"):
        app_config = apps.get_app_config(app_label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=alias, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission").objects.using(alias)
    editing = [
        Permission.get(
            content_type__app_label=app, content_type__model=model, codename=f"{action}_{model}"
        )
        for app, model, actions in EDITING
        for action in actions
    ]
    every = [
        p
        for app, model in EVERY
        for p in Permission.filter(content_type__app_label=app, content_type__model=model)
    ]
    for name, permissions in (
        ("Editors", editing),
        ("Reviewers", editing),
        ("Administrators", every),
    ):
        group = Group.objects.using(alias).filter(name=name).first()
        if group is not None:
            group.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0011_sources_text_dates_scope"),
        ("treaties", "0005_jurisdictions"),
        ("laws", "0008_reviewers_administrators_groups"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
