"""Full-text search: on PostgreSQL, the unaccent and pg_trgm extensions, accent-folding
text-search configurations per language, `search_document` columns kept by triggers, GIN
indexes; on SQLite, FTS5 tables kept by triggers. The SQL lives in `laws.search` (idempotent);
see docs/SEARCH_AND_TIME.md. The models do not know these columns: Django never writes them."""

from django.db import migrations


def install(apps, schema_editor):
    from laws.search import install as install_search

    install_search(schema_editor)


def uninstall(apps, schema_editor):
    from laws.search import uninstall as uninstall_search

    uninstall_search(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0006_history_version_publication"),
    ]

    operations = [
        migrations.RunPython(install, uninstall, elidable=False),
    ]
