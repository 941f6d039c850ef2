"""Link declarations and reservations to the treaty provisions their text names (idempotent)."""

from django.core.management.base import BaseCommand

from core.history import change_reason
from treaties.linking import link_reservations


class Command(BaseCommand):
    help = "Link reservations and declarations to the treaty provisions their text names."

    def handle(self, *args, **options):
        with change_reason("link_reservations"):
            counts = link_reservations()
        self.stdout.write(
            f"  reservation links: {counts['inserted']} inserted, 0 updated, "
            f"{counts['removed']} removed; {counts['unchanged']} reservations unchanged"
        )
