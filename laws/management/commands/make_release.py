import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from laws.release import ReleaseError, build_release


class Command(BaseCommand):
    help = (
        "Write a dated, versioned release of the published data (CSV and JSON per table, "
        "README, SHA256SUMS) to DIR/crin-legal-data-VERSION/. Never overwrites a release."
    )

    def add_arguments(self, parser):
        # --version here is the release's version: it replaces Django's (which prints Django's).
        parser.conflict_handler = parser._optionals.conflict_handler = "resolve"
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "releases",
            metavar="DIR",
            help="folder to write the release folder into (default: releases/)",
        )
        parser.add_argument(
            "--version", dest="release_version", metavar="X", help="default: the release date"
        )
        parser.add_argument(
            "--date",
            dest="release_date",
            type=datetime.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="release date printed in the README (default: today)",
        )

    def handle(self, *args, output, release_version, release_date, **options):
        released = release_date or datetime.date.today()
        version = release_version or released.isoformat()
        try:
            release = build_release(output, version=version, released=released)
        except ReleaseError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{release.directory}:")
        for name, count in release.counts.items():
            self.stdout.write(f"  {name}: {count} rows")
