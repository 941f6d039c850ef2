"""manage.py restore PATH: restore a backup made by `manage.py backup` into this database, then
check the row counts and the published-data checksum against PATH.manifest.json.

Refuses a database that already holds data unless --force (PostgreSQL: pg_restore --clean in one
transaction; SQLite: the file is replaced page by page).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from crin_legal import backup


class Command(BaseCommand):
    help = "Restore PATH into the database and verify it against the backup's manifest."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")
        parser.add_argument("--force", action="store_true", help="Overwrite existing data.")

    def handle(self, *args, path, database, force, **options):
        if not path.exists():
            raise CommandError(f"No backup at {path}.")
        manifest_file = backup.manifest_path(path)
        expected = json.loads(manifest_file.read_text()) if manifest_file.exists() else None
        if expected and expected["engine"] != backup.engine(database):
            raise CommandError(
                f"{path} is a {expected['engine']} backup; this database is "
                f"{backup.engine(database)}."
            )
        if not force and not backup.is_empty(database):
            raise CommandError("The database already holds data: use --force to overwrite it.")
        backup.restore(path, alias=database)
        if expected is None:
            self.stdout.write(self.style.WARNING(f"Restored {path} (no manifest to verify)."))
            return
        actual = backup.manifest(database)
        differences = {
            label: (count, actual["row_counts"].get(label))
            for label, count in expected["row_counts"].items()
            if actual["row_counts"].get(label) != count
        }
        if differences:
            raise CommandError(f"Row counts differ from the backup's manifest: {differences}")
        if actual["published_checksum"] != expected["published_checksum"]:
            raise CommandError("The published data's checksum differs from the backup's.")
        total = sum(actual["row_counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {path}: {total} rows in {len(actual['row_counts'])} tables match the "
                f"manifest; published data sha256 {actual['published_checksum'][:16]}… matches."
            )
        )
