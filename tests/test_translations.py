"""The site and the admin speak English, French, Spanish, Russian and Arabic (issue 12): every
catalogue in LOCALE_PATHS translates every string of the source, and holds no string the source
no longer has. After changing a marked string: `manage.py makemessages` (or `make messages`),
translate what it adds, and run these tests."""

import os
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]


def catalogues():
    return [
        (Path(directory), lang)
        for directory in settings.LOCALE_PATHS
        for lang in LANGUAGES
        if (Path(directory) / lang / "LC_MESSAGES" / "django.po").exists()
    ]


def read(path: Path):
    with path.open("rb") as f:
        return read_po(f)


def keys(catalog) -> set[tuple]:
    """Each entry as (context, msgid, plural msgid)."""
    return {
        (m.context, *(m.id if isinstance(m.id, tuple | list) else (m.id, None)))
        for m in catalog
        if m.id
    }


def test_every_language_has_a_catalogue():
    assert {lang for _directory, lang in catalogues()} == set(LANGUAGES)


@pytest.mark.parametrize(
    ("directory", "lang"), catalogues(), ids=[f"{d.name}-{lang}" for d, lang in catalogues()]
)
def test_every_string_is_translated_and_none_is_fuzzy(directory, lang):
    catalog = read(directory / lang / "LC_MESSAGES" / "django.po")
    untranslated = [
        m.id
        for m in catalog
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert untranslated == [], f"{lang}: {len(untranslated)} untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"{lang}: {len(fuzzy)} fuzzy: {fuzzy[:10]}"
    # Every plural has the language's number of forms, and the placeholders of each
    # translation are those of its msgid (Babel's python-format checker).
    errors = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check()]
    assert errors == [], lang


def test_catalogues_hold_exactly_the_strings_of_the_source(tmp_path, monkeypatch):
    """Extract the source as `manage.py makemessages` does, into a temporary directory: a string
    missing from a committed catalogue (marked but never extracted) or one the source no longer
    has (stale) fails here."""
    if shutil.which("xgettext") is None:
        message = "GNU gettext (xgettext) not found: apt-get install gettext"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # The project as makemessages walks it, without its catalogues (a `locale` directory where it
    # runs would be written to): each other top-level entry linked into a directory of its own.
    project, out = tmp_path / "project", tmp_path / "out"
    project.mkdir()
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name != "locale" and not entry.name.startswith("."):
            (project / entry.name).symlink_to(entry)
    monkeypatch.chdir(project)
    with override_settings(LOCALE_PATHS=[out]):
        call_command("makemessages", locale=["fr"], symlinks=True, verbosity=0)
    source = keys(read(out / "fr" / "LC_MESSAGES" / "django.po"))
    assert len(source) > 500
    for directory, lang in catalogues():
        committed = keys(read(directory / lang / "LC_MESSAGES" / "django.po"))
        assert sorted(source - committed, key=str) == [], f"{lang}: not extracted"
        assert sorted(committed - source, key=str) == [], f"{lang}: stale"


def test_the_production_image_compiles_the_catalogues():
    """The .mo files are not committed (nor sent to docker build): the image compiles them, or
    it serves English only."""
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text()
    steps = [line for line in dockerfile.splitlines() if line.startswith(("RUN", "CMD", "COPY"))]
    compile_step = steps.index("RUN python -m public.compile_messages")
    assert compile_step > steps.index("COPY . .") and compile_step < len(steps) - 1
    assert "*.mo" in (Path(settings.BASE_DIR) / ".dockerignore").read_text().split()
