"""PostgreSQL: a provision keeps its own words (`own_document`, beside its document with its
law's titles), so a law's snippet is cut only from the provisions that match, not from all of
them: ts_headline parses every word it is given, and a law matched in one of twenty provisions
no longer pays for the other nineteen. SQLite unchanged. See docs/SEARCH_AND_TIME.md."""

from django.db import migrations

from laws.search_migration import reinstall_search


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0020_verbose_names_for_translation"),
    ]

    operations = [
        reinstall_search(),
    ]
