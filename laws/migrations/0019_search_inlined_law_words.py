"""PostgreSQL: a provision's document reads its law's titles through a function the planner
inlines (the one that read the law itself was planned once per provision row: a bulk insert of
10,000 provisions still ran past the statement timeout), and a new law skips the (empty)
aggregate of its provisions. SQLite unchanged. See docs/SEARCH_AND_TIME.md."""

from django.db import migrations


def install(apps, schema_editor):
    from laws.search import install as install_search

    install_search(schema_editor)


def uninstall(apps, schema_editor):
    from laws.search import uninstall as uninstall_search

    uninstall_search(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0018_editors_view_reference_vocabulary"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
