"""The editors' help pages in the editor's language (issue 12): docs/<lang>/ translates
docs/BULK_IMPORT.md and docs/EDITORIAL_WORKFLOW.md, and the admin's help page serves the
translation for the chosen language (Arabic right to left), the English file otherwise.

A change to an English document that is not carried into its translations fails here: each
translation must keep the English file's headings (count and levels), tables (columns and rows),
code spans (the same `...` texts, in any order) and code blocks (identical)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from core.admin.help import HELP_PAGES

DOCS = Path(settings.BASE_DIR) / "docs"


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
