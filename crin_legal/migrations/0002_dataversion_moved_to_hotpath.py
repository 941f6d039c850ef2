from django.db import migrations


class Migration(migrations.Migration):
    """DataVersion now belongs to the `hotpath` app (hotpath/models.py), which keeps the table
    `crin_legal_dataversion`: only Django's record of the model moves, not a row."""

    dependencies = [("crin_legal", "0001_data_version")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="DataVersion")],
            database_operations=[],
        )
    ]
