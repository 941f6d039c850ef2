"""PostgreSQL: a law's search document follows its provisions once per statement (triggers
with transition tables) instead of once per provision row: a bulk insert of 10,000 provisions
re-indexed a law 10,000 times and ran past the statement timeout. SQLite unchanged. The SQL
lives in `laws.search.engines.postgresql` (idempotent); see docs/SEARCH_AND_TIME.md."""

from django.db import migrations


def install(apps, schema_editor):
    from laws.search import install as install_search

    install_search(schema_editor)


def uninstall(apps, schema_editor):
    from laws.search import uninstall as uninstall_search

    uninstall_search(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0016_search_vocabulary"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
