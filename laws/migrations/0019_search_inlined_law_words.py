"""PostgreSQL: a provision's document reads its law's titles through a function the planner
inlines (the one that read the law itself was planned once per provision row: a bulk insert of
10,000 provisions still ran past the statement timeout), and a new law skips the (empty)
aggregate of its provisions. SQLite unchanged. See docs/SEARCH_AND_TIME.md."""

from django.db import migrations

from laws.search_migration import reinstall_search


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0018_editors_view_reference_vocabulary"),
    ]

    operations = [
        reinstall_search(),
    ]
