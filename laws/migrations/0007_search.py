"""Full-text search, first version. Its objects are now installed by `0013_search_published_only`
(and every later search migration) from `laws.search.install`, which must reference columns
that did not exist yet at this point (provision texts, 0011): so this step does nothing on a
fresh database, and a database that ran it before gets the current objects from 0013, which
drops or replaces what this created. See docs/SEARCH_AND_TIME.md."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0006_history_version_publication"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop, elidable=False),
    ]
