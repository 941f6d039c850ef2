from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.history import change_reason
from laws.importers.errors import DataFileError
from laws.importers.starter_set import import_starter_set


class Command(BaseCommand):
    help = (
        "Import national laws, their provisions and findings from laws.csv, provisions.csv and "
        "findings.csv in DIR (default: data/laws/). All or nothing; idempotent. "
        "Run load_states, load_treaties and load_topics first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            type=Path,
            default=None,
            metavar="DIR",
            help="folder holding the three CSV files (default: data/laws/)",
        )

    def handle(self, *args, directory, **options):
        directory = directory or settings.DATA_DIR / "laws"
        try:
            with change_reason("import_laws"):
                counts = import_starter_set(directory)
        except DataFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{directory}:")
        for child in counts.children:
            self.stdout.write(f"  {child}")
