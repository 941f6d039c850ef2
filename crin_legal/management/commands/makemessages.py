"""Django's makemessages, with this project's choices built in, so that
`manage.py makemessages` (or `make messages`) always writes the same catalogues:

- one catalogue per language, `locale/<lang>/LC_MESSAGES/django.po` (settings.LOCALE_PATHS), for
  the public site and the admin alike, so a term reads the same on both;
- every site language but English when no `-l` is given;
- the code that ships only: tests, benchmarks, tools, data and docs are left out;
- `#:` comments name the file without a line number (a moved line changes no catalogue),
  entries no longer in the source are dropped (`--no-obsolete`), and a catalogue whose only
  change would be its POT-Creation-Date is left as it was.

tests/test_translations.py extracts the same way into a temporary directory and fails when a
committed catalogue misses a string, keeps a stale one, or leaves one untranslated or fuzzy."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management.commands import makemessages

CREATION_DATE = re.compile(rb'^"POT-Creation-Date: .*\\n"$', re.MULTILINE)

# Directories (and patterns) whose strings are not the product's.
IGNORE = [
    "tests",
    "bench",
    "tools",
    "scripts",
    "data",
    "docs",
    "deploy",
    "releases",
    "var",
    "staticfiles",
]


class Command(makemessages.Command):
    def handle(self, *args, **options):
        options["ignore_patterns"] = [*options.get("ignore_patterns", []), *IGNORE]
        if options.get("add_location") is None:
            options["add_location"] = "file"
        options["no_obsolete"] = True
        if not options.get("locale") and not options.get("exclude") and not options.get("all"):
            options["locale"] = [code for code, _name in settings.LANGUAGES if code != "en"]
        return super().handle(*args, **options)

    def write_po_file(self, potfile, locale):
        po = Path(potfile).parent / locale / "LC_MESSAGES" / f"{self.domain}.po"
        before = po.read_bytes() if po.exists() else None
        super().write_po_file(potfile, locale)
        if before is not None and CREATION_DATE.sub(b"", po.read_bytes()) == CREATION_DATE.sub(
            b"", before
        ):
            po.write_bytes(before)
