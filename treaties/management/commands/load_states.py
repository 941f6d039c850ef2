from django.core.management.base import BaseCommand, CommandError

from core.history import change_reason
from treaties.reference import ReferenceDataError, load_states


class Command(BaseCommand):
    help = "Load or refresh regions and the 197 states that take part in the UNTC pages."

    def handle(self, *args, **options):
        try:
            with change_reason("load_states"):
                counts = load_states()
        except ReferenceDataError as exc:
            raise CommandError(str(exc)) from exc
        for part in [counts, *counts.children]:
            self.stdout.write(str(part))
