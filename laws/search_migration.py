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
