"""Law search reads the laws' provisions too (issue 11.2): a law's document (PostgreSQL) and
its FTS5 row (SQLite) include its provisions' labels, headings, summaries and texts (original
and English), kept current by triggers on provisions; a provision's own document gains its
English text. The SQL lives in `laws.search` (idempotent); see docs/SEARCH_AND_TIME.md."""

from django.db import migrations


def install(apps, schema_editor):
    from laws.search import install as install_search

    install_search(schema_editor)


def uninstall(apps, schema_editor):
    from laws.search import uninstall as uninstall_search

    uninstall_search(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0013_search_published_only"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
