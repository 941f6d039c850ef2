from django.db import migrations, models


class Migration(migrations.Migration):
    """The data-version stamp, moved here from `crin_legal` with its table
    (`crin_legal_dataversion`, created and seeded by crin_legal's first migration)."""

    initial = True

    dependencies = [("crin_legal", "0002_dataversion_moved_to_hotpath")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("token", models.CharField(max_length=32)),
                        ("changed_at", models.DateTimeField()),
                    ],
                    options={
                        "verbose_name": "data version",
                        "ordering": ["pk"],
                        "db_table": "crin_legal_dataversion",
                    },
                ),
            ],
            database_operations=[],
        )
    ]
