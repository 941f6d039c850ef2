"""A provision's wording may have replaced an earlier one that was not read
(`earlier_wording_unread`): its `in_force_from` is then a lower bound for the findings that cite
it ("since at least"), and `laws_findingperiod` gains `known_from` (laws/period_view.py, created
after every migrate). SQLite rebuilds the table for the new column and constraint: its search
triggers are removed around the rebuild and installed again."""

from django.db import migrations, models

from laws.search_migration import around_sqlite_rebuild

BEFORE, AFTER = around_sqlite_rebuild()


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0021_search_snippet_own_words"),
    ]

    operations = [
        BEFORE,
        migrations.AddField(
            model_name="historicallawprovision",
            name="earlier_wording_unread",
            field=models.BooleanField(
                default=False,
                help_text="The wording dated by 'in force from' replaced an earlier wording or law that may have punished the same conduct, and that was not read: a finding citing it holds since at least that day, and is undated before it.",
                verbose_name="earlier wording not read",
            ),
        ),
        migrations.AddField(
            model_name="lawprovision",
            name="earlier_wording_unread",
            field=models.BooleanField(
                default=False,
                help_text="The wording dated by 'in force from' replaced an earlier wording or law that may have punished the same conduct, and that was not read: a finding citing it holds since at least that day, and is undated before it.",
                verbose_name="earlier wording not read",
            ),
        ),
        migrations.AddConstraint(
            model_name="lawprovision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("earlier_wording_unread", False),
                    ("in_force_from__isnull", False),
                    _connector="OR",
                ),
                name="laws_provision_earlier_wording_needs_start",
            ),
        ),
        AFTER,
    ]
