"""Help pages editors can open from the admin (issue 12): the editors' documents of docs/,
rendered as pages of the admin (/admin/help/<page>/), not files of the repository."""

from pathlib import Path

import nh3
from django.conf import settings
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# page -> (file under docs/, title)
HELP_PAGES = {
    "bulk-import": ("BULK_IMPORT.md", _("Bulk import: the files and their columns")),
    "editorial-workflow": ("EDITORIAL_WORKFLOW.md", _("Editing, review and publication")),
}


def render_markdown(text: str) -> str:
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    return nh3.clean(html)


def help_view(request, page: str):
    from django.contrib import admin

    if page not in HELP_PAGES:
        raise Http404
    name, title = HELP_PAGES[page]
    text = (Path(settings.BASE_DIR) / "docs" / name).read_text(encoding="utf-8")
    context = {
        **admin.site.each_context(request),
        "title": title,
        "body": mark_safe(render_markdown(text)),  # sanitised by nh3
        "pages": [(key, label) for key, (_file, label) in HELP_PAGES.items()],
    }
    return TemplateResponse(request, "admin/core/help.html", context)
