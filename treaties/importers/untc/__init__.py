"""The UN Treaty Collection (UNTC) importer, in three steps a newcomer can read one at a time:

- `parse`: a saved status page -> a `ParsedPage` (pure, no database; checks itself against the
  page's own header counts and raises `UNTCParseError`);
- `write`: parsed pages -> the database, names resolved to states (`names`), one transaction,
  idempotent (`import_pages`, `import_files`; `UNTCImportError`);
- `diff`: what `write` would change, item by item, without writing (`diff_pages`: the admin's
  UNTC refresh preview).

The names below are the importer's public interface; import them from here.
"""

from .diff import Difference, PageDiff, diff_pages
from .parse import (
    DEFAULT_STATUS_DATE,
    ParsedEndNote,
    ParsedObjection,
    ParsedPage,
    ParsedParticipant,
    ParsedReservation,
    ParsedWithdrawal,
    UNTCParseError,
    clean_text,
    parse_file,
    parse_long_date,
    parse_page,
    reservation_kind,
)
from .write import ImportResult, PageResult, UNTCImportError, import_files, import_pages

__all__ = [
    "DEFAULT_STATUS_DATE",
    "Difference",
    "ImportResult",
    "PageDiff",
    "PageResult",
    "ParsedEndNote",
    "ParsedObjection",
    "ParsedPage",
    "ParsedParticipant",
    "ParsedReservation",
    "ParsedWithdrawal",
    "UNTCImportError",
    "UNTCParseError",
    "clean_text",
    "diff_pages",
    "import_files",
    "import_pages",
    "parse_file",
    "parse_long_date",
    "parse_page",
    "reservation_kind",
]
