"""The operation every search migration runs: install the search objects as the code defines
them now (`laws.search.install`, idempotent), or remove them on the way back. Imported by the
migrations without importing the search package until the operation runs."""

from django.db import migrations


def _install(apps, schema_editor):
    from laws.search import install

    install(schema_editor)


def _uninstall(apps, schema_editor):
    from laws.search import uninstall

    uninstall(schema_editor)


def reinstall_search() -> migrations.RunPython:
    return migrations.RunPython(_install, _uninstall, elidable=False)


def _uninstall_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _uninstall(apps, schema_editor)


def _install_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        _install(apps, schema_editor)


def around_sqlite_rebuild() -> tuple[migrations.RunPython, migrations.RunPython]:
    """(before, after) a change that makes SQLite rebuild a searched table (a NOT NULL column, a
    constraint): its search triggers name the table, and the rebuild's rename fails while they
    stand. Removed before and installed again after, on SQLite only (PostgreSQL alters in place)."""
    return (
        migrations.RunPython(_uninstall_on_sqlite, _install_on_sqlite, elidable=False),
        migrations.RunPython(_install_on_sqlite, _uninstall_on_sqlite, elidable=False),
    )
