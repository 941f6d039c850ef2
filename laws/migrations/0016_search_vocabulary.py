"""Search across languages (issue 13.6): a provision's document (PostgreSQL) and FTS5 row
(SQLite) include its law's titles and citation, kept current when they change. The SQL lives in
`laws.search` (idempotent); see docs/SEARCH_AND_TIME.md."""

from django.db import migrations


def install(apps, schema_editor):
    from laws.search import install as install_search

    install_search(schema_editor)


def uninstall(apps, schema_editor):
    from laws.search import uninstall as uninstall_search

    uninstall_search(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0015_finding_period_view"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
