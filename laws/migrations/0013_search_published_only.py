"""Full-text search over published rows only (issue 12.5): on SQLite, FTS5 tables that hold
only published laws and the provisions of published laws, so bm25's statistics are the
public's (the external-content tables of 0007 are dropped); on PostgreSQL the same objects as
before, installed again. The SQL lives in `laws.search` (idempotent); see
docs/SEARCH_AND_TIME.md."""

from django.db import migrations

from laws.search_migration import reinstall_search


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0012_sources_jurisdictions_permissions"),
    ]

    operations = [
        reinstall_search(),
    ]
