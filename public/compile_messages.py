"""Compile the site's translations (locale/*/LC_MESSAGES/*.po -> .mo) with Babel, so a machine
without GNU gettext can set up and test the site. `python -m public.compile_messages`; idempotent
(a catalogue is rewritten only when its .po is newer than its .mo)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

# The site's and the admin's catalogue (settings.LOCALE_PATHS).
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def compile_messages(locale_dir: Path = LOCALE_DIR, force: bool = False) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_messages():
        print(f"compiled {path.relative_to(LOCALE_DIR.parent)}")
