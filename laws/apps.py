from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LawsConfig(AppConfig):
    name = "laws"
    verbose_name = _("National layer: laws and findings")

    def ready(self):
        from django.db.models.signals import post_migrate, pre_migrate

        from . import period_view

        post_migrate.connect(_refresh_sqlite_search, sender=self)
        # The finding-period view is out of the migrations' way while they run (period_view.py).
        pre_migrate.connect(period_view.drop, sender=self, dispatch_uid="laws_period_view_drop")
        post_migrate.connect(period_view.create, sender=self, dispatch_uid="laws_period_view")
        # Dependent rows keep their parent's public change time (core.publication).
        from . import signals

        signals.connect()


def _refresh_sqlite_search(sender, using="default", **kwargs):
    """SQLite drops a table's triggers when a migration rebuilds the table: put the full-text
    index's triggers back (and rebuild the index) after every migrate. A no-op elsewhere."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    applied = MigrationRecorder(connection).migration_qs.filter(
        app="laws", name="0013_search_published_only"
    )
    if not applied.exists():
        return
    from laws.search import sqlite_install

    with connection.cursor() as cursor:
        sqlite_install(cursor)
