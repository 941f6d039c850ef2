"""Load every piece of real seed data, in dependency order. Idempotent: each step upserts and
prints its counts, so a second run reports 0 inserted, 0 updated."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hotpath.cache import data_changes

UNTC_PAGES = ["crc.html", "opac.html", "opsc.html", "opic.html"]


class Command(BaseCommand):
    help = "Load states, treaties, UNTC participation, topics, indicators and national law."

    def handle(self, *args, **options):
        data = settings.DATA_DIR
        steps = [
            ("load_states", []),
            ("load_treaties", []),
            ("import_untc", [str(data / "untc" / name) for name in UNTC_PAGES]),
            ("link_reservations", []),
            ("load_topics", []),
            ("import_laws", [str(data / "laws" / "states")]),
        ]
        # One data-version bump at the end (if anything changed), not one per row.
        with data_changes():
            for name, arguments in steps:
                self.stdout.write(self.style.MIGRATE_HEADING(f"{name}"))
                call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
