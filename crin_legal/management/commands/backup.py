"""manage.py backup PATH: dump the database (pg_dump, or SQLite's backup API) and write
PATH.manifest.json with row counts and a checksum of the published data."""

from pathlib import Path

from django.core.management.base import BaseCommand

from crin_legal import backup


class Command(BaseCommand):
    help = "Back the database up to PATH (with a manifest that `restore` checks)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, path, database, **options):
        info = backup.backup(path, alias=database)
        total = sum(info["row_counts"].values())
        self.stdout.write(
            f"Backed up {info['engine']} to {path}: {total} rows in "
            f"{len(info['row_counts'])} tables; published data sha256 "
            f"{info['published_checksum'][:16]}…; manifest {backup.manifest_path(path)}"
        )
