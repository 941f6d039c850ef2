from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.history import change_reason
from laws.importers.errors import DataFileError
from laws.importers.topics import load_topic_file


class Command(BaseCommand):
    help = (
        "Load topics and their indicators, with the treaty provisions behind each, from JSON "
        "files (default: every data/topics/*.json, i.e. csam.json). Idempotent. "
        "Run load_treaties first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            metavar="FILE",
            help="topic files (default: every data/topics/*.json)",
        )

    def handle(self, *args, files, **options):
        # A new topic is a new file in data/topics/: no code change.
        for path in files or sorted((settings.DATA_DIR / "topics").glob("*.json")):
            try:
                with change_reason("load_topics"):
                    counts = load_topic_file(path)
            except DataFileError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{path}:")
            for child in counts.children:
                self.stdout.write(f"  {child}")
