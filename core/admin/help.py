"""Help pages editors can open from the admin (issue 12): the editors' documents of docs/,
rendered as pages of the admin (/admin/help/<page>/), not files of the repository.

Each page is in the editor's language where docs/<language>/ holds a translation of the English
file (its first line, an HTML comment, names the English revision it follows); otherwise the
English file, with a notice. tests/admin/test_help_translations.py checks that every translation
keeps the English file's headings, tables, code spans and code blocks."""

import re
from pathlib import Path

import nh3
from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# page -> (file under docs/, title)
HELP_PAGES = {
    "bulk-import": ("BULK_IMPORT.md", _("Bulk import: the files and their columns")),
    "editorial-workflow": ("EDITORIAL_WORKFLOW.md", _("Editing, review and publication")),
}

# The first line of a translation: <!-- Translation of docs/X.md at commit abc1234 ... -->
REVISION_LINE = re.compile(r"\A<!--.*?-->\n", re.S)


def docs_dir() -> Path:
    return Path(settings.BASE_DIR) / "docs"


def help_file(name: str, language: str) -> tuple[Path, str]:
    """The document `name` in `language` if translated, else in English: (path, language)."""
    language = translation.get_supported_language_variant(language)
    if language != "en":
        translated = docs_dir() / language / name
        if translated.exists():
            return translated, language
    return docs_dir() / name, "en"


def render_markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return nh3.clean(html)


def help_view(request, page: str):
    from django.contrib import admin

    if page not in HELP_PAGES:
        raise Http404
    name, title = HELP_PAGES[page]
    path, language = help_file(name, translation.get_language() or "en")
    text = REVISION_LINE.sub("", path.read_text(encoding="utf-8"))
    context = {
        **admin.site.each_context(request),
        "title": title,
        "body": mark_safe(render_markdown(text)),  # sanitised by nh3
        "body_language": language,
        "body_direction": "rtl" if translation.get_language_info(language)["bidi"] else "ltr",
        "pages": [(key, label) for key, (_file, label) in HELP_PAGES.items()],
    }
    return TemplateResponse(request, "admin/core/help.html", context)
