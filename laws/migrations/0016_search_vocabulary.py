"""Search across languages (issue 13.6): a provision's document (PostgreSQL) and FTS5 row
(SQLite) include its law's titles and citation, kept current when they change. The SQL lives in
`laws.search` (idempotent); see docs/SEARCH_AND_TIME.md."""

from django.db import migrations

from laws.search_migration import reinstall_search


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0015_finding_period_view"),
    ]

    operations = [
        reinstall_search(),
    ]
