"""`manage.py import_untc FILE...`: import saved UN Treaty Collection status pages."""

from django.core.management.base import BaseCommand, CommandError

from core.history import change_reason
from treaties.importers.untc import UNTCImportError, import_files


class Command(BaseCommand):
    help = (
        "Import saved UN Treaty Collection status pages (participants, declarations and "
        "reservations, objections, end notes). All files are written in one transaction; "
        "re-running changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Saved UNTC status pages")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Delete participations of these treaties that the pages no longer list "
            "(by default they are only reported).",
        )

    def handle(self, *args, files, prune, **options):
        try:
            with change_reason("import_untc"):
                result = import_files(files, prune=prune)
        except UNTCImportError as exc:
            raise CommandError(str(exc)) from exc
        for page_result in result.pages:
            page = page_result.page
            self.stdout.write(
                f"{page.source}: {page_result.treaty.code} ({page.reference}), status as at "
                f"{page.status_as_of.day} {page.status_as_of:%B %Y}"
                f"{'' if page.status_as_of_printed else ' (not on the page: date saved)'}; "
                f"{len(page.signatories)} signatories, {len(page.parties)} parties"
            )
            for counts in page_result.counts:
                self.stdout.write(f"  {counts}")
            if page_result.absent:
                verb = "deleted (--prune)" if prune else "kept; use --prune to delete"
                self.stdout.write(
                    self.style.WARNING(
                        f"  {len(page_result.absent)} participations not on the page, {verb}: "
                        + ", ".join(page_result.absent)
                    )
                )
        self.stdout.write(str(result.treaties))
        self.stdout.write(str(result.states))
        self.stdout.write(str(result.total))
