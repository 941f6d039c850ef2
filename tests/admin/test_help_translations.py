"""The editors' help pages in the editor's language (issue 12): docs/<lang>/ translates
docs/BULK_IMPORT.md and docs/EDITORIAL_WORKFLOW.md, and the admin's help page serves the
translation for the chosen language (Arabic right to left), the English file otherwise.

A change to an English document that is not carried into its translations fails here: each
translation must keep the English file's headings (count and levels), tables (columns and rows),
code spans (the same `...` texts, in any order) and code blocks (identical)."""

import html
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from markdown_it import MarkdownIt

from core.admin.help import HELP_PAGES, REVISION_LINE

DOCS = Path(settings.BASE_DIR) / "docs"

# What an editor reads at the top of each page and in one of its sections, per language.
EXPECTED = {
    "fr": {
        "bulk-import": (
            "Import en masse : les fichiers et leurs colonnes",
            "Publications du jeu de données",
        ),
        "editorial-workflow": ("Édition, relecture et publication", "Modification sans conflit"),
    },
    "es": {
        "bulk-import": (
            "Importación masiva: los archivos y sus columnas",
            "Publicaciones del conjunto de datos",
        ),
        "editorial-workflow": ("Edición, revisión y publicación", "Edición sin conflictos"),
    },
    "ru": {
        "bulk-import": ("Массовый импорт: файлы и их столбцы", "Выпуски набора данных"),
        "editorial-workflow": (
            "Редактирование, проверка и публикация",
            "Редактирование без конфликтов",
        ),
    },
    "ar": {
        "bulk-import": ("الاستيراد المجمّع: الملفات وأعمدتها", "إصدارات مجموعة البيانات"),
        "editorial-workflow": ("التحرير والمراجعة والنشر", "التحرير دون تعارض"),
    },
}


def test_every_language_of_the_admin_has_its_help_pages():
    assert sorted(EXPECTED) == sorted(code for code, _name in settings.LANGUAGES if code != "en")


def structure(path: Path) -> dict:
    """What must not differ between an English document and its translations."""
    text = REVISION_LINE.sub("", path.read_text(encoding="utf-8"))
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    headings, tables, code, blocks = [], [], Counter(), []
    for token in tokens:
        if token.type == "heading_open":
            headings.append(token.tag)
        elif token.type == "table_open":
            tables.append([0, 0])  # columns of the header, rows of the body
        elif token.type == "th_open":
            tables[-1][0] += 1
        elif token.type == "tr_open":
            tables[-1][1] += 1
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
        for child in token.children or ():
            if child.type == "code_inline":
                code[child.content] += 1
    return {"headings": headings, "tables": tables, "code": code, "blocks": blocks}


TRANSLATIONS = [(lang, name) for lang in EXPECTED for name, _title in HELP_PAGES.values()]


@pytest.mark.parametrize(
    ("lang", "name"), TRANSLATIONS, ids=[f"{lang}/{n}" for lang, n in TRANSLATIONS]
)
def test_each_translation_keeps_the_english_documents_structure(lang, name):
    english, translated = DOCS / name, DOCS / lang / name
    where = f"docs/{lang}/{name}"
    assert translated.exists(), f"{where} is missing: translate docs/{name}"
    first = translated.read_text(encoding="utf-8").splitlines()[0]
    assert REVISION_LINE.match(first + "\n") and f"docs/{name}" in first, (
        f"{where}: the first line must be <!-- ... docs/{name} at commit <hash> ... -->"
    )
    want, got = structure(english), structure(translated)
    advice = f"{where} no longer follows docs/{name}: carry the English change into it"
    assert got["headings"] == want["headings"], (
        f"{advice} (headings {got['headings']} ≠ {want['headings']})"
    )
    assert got["tables"] == want["tables"], (
        f"{advice} (tables [columns, rows] {got['tables']} ≠ {want['tables']})"
    )
    missing, extra = want["code"] - got["code"], got["code"] - want["code"]
    assert not missing and not extra, (
        f"{advice} (code spans missing {sorted(missing.elements())}, "
        f"not in English {sorted(extra.elements())})"
    )
    assert got["blocks"] == want["blocks"], f"{advice} (code blocks differ)"


PAGES = [(lang, page) for lang in EXPECTED for page in HELP_PAGES]


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "page"), PAGES, ids=[f"{lang}-{page}" for lang, page in PAGES])
def test_the_help_page_is_in_the_editors_language(editor_client, lang, page):
    title, heading = EXPECTED[lang][page]
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    response = editor_client.get(reverse("admin_help", args=[page]))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}"' in text
    assert f'<div lang="{lang}" dir="{direction}">' in text
    assert f"<h1>{title}</h1>" in text
    assert f">{heading}</h2>" in text
    assert "This help is written in English." not in text
    assert "Translation of docs/" not in text  # the revision line is not shown


@pytest.mark.django_db
def test_a_page_not_translated_is_shown_in_english_and_says_so(editor_client, tmp_path):
    (tmp_path / "docs").mkdir()
    for name, _title in HELP_PAGES.values():
        (tmp_path / "docs" / name).write_text((DOCS / name).read_text(encoding="utf-8"))
    editor_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    with override_settings(BASE_DIR=tmp_path):
        text = editor_client.get(reverse("admin_help", args=["bulk-import"])).content.decode()
    assert '<html lang="ar" dir="rtl"' in text
    assert '<div lang="en" dir="ltr">' in text and "Dataset releases</h2>" in text
    assert "هذه المساعدة مكتوبة بالإنجليزية." in text
