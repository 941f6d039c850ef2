from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.history import change_reason
from treaties.reference import ReferenceDataError, load_treaties


class Command(BaseCommand):
    help = "Load or refresh treaties and their provisions from data/treaties/treaties.json."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="treaties.json (default: data/)")

    def handle(self, *args, file=None, **options):
        try:
            with change_reason("load_treaties"):
                counts = load_treaties(file)
        except (ReferenceDataError, OSError, ValueError, KeyError) as exc:
            raise CommandError(f"Could not load treaties: {exc}") from exc
        for part in [counts, *counts.children]:
            self.stdout.write(str(part))
