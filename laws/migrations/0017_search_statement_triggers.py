"""PostgreSQL: a law's search document follows its provisions once per statement (triggers
with transition tables) instead of once per provision row: a bulk insert of 10,000 provisions
re-indexed a law 10,000 times and ran past the statement timeout. SQLite unchanged. The SQL
lives in `laws.search.engines.postgresql` (idempotent); see docs/SEARCH_AND_TIME.md."""

from django.db import migrations

from laws.search_migration import reinstall_search


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0016_search_vocabulary"),
    ]

    operations = [
        reinstall_search(),
    ]
