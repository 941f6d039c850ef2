from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.history import change_reason
from laws.importers.errors import DataFileError
from laws.importers.national import import_national_law


class Command(BaseCommand):
    help = (
        "Import national law (laws, provisions with their verbatim text and sources, findings) "
        "from the state files <iso2>.yaml in DIR (default: data/laws/states/). All or nothing; "
        "idempotent. Run load_states, load_treaties and load_topics first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "directory",
            nargs="?",
            type=Path,
            default=None,
            metavar="DIR",
            help="folder holding the state files (default: data/laws/states/)",
        )

    def handle(self, *args, directory, **options):
        directory = directory or settings.DATA_DIR / "laws" / "states"
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder.")
        try:
            with change_reason("import_laws"):
                counts = import_national_law(directory)
        except DataFileError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{directory}:")
        for child in counts.children:
            self.stdout.write(f"  {child}")
