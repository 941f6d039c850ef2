"""Law search reads the laws' provisions too (issue 11.2): a law's document (PostgreSQL) and
its FTS5 row (SQLite) include its provisions' labels, headings, summaries and texts (original
and English), kept current by triggers on provisions; a provision's own document gains its
English text. The SQL lives in `laws.search` (idempotent); see docs/SEARCH_AND_TIME.md."""

from django.db import migrations

from laws.search_migration import reinstall_search


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0013_search_published_only"),
    ]

    operations = [
        reinstall_search(),
    ]
