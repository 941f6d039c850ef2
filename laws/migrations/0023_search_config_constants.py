"""PostgreSQL: `crin_ts_config` gives each language's configuration as a `regconfig` constant
(planned once) instead of a name cast for every row; the same configurations, so the same
documents and snippets, at two thirds of a rare-word search's cost in PostgreSQL. SQLite
unchanged. See docs/PERFORMANCE.md (eighth round)."""

from django.db import migrations

from laws.search_migration import reinstall_search


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0022_provision_earlier_wording_unread"),
    ]

    operations = [
        reinstall_search(),
    ]
