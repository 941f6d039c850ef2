"""What may be cited as the source of a law's text, a date or a finding (DOMAIN.md, "Sources").

Three grades, from the most to the least authoritative:
- `official`: the legislature's or government's own publication of the law (legislation.gov.uk,
  an official gazette, a ministry of justice or parliament portal, a court quoting the article).
- `authoritative`: a body that reproduces the text with care and a citation (UNODC SHERLOC, a
  legal information institute such as LII, AustLII, SAFLII, PacLII, Kenya Law; an official
  translation; a UN treaty-body document quoting it; a consolidated-legislation portal; a faithful
  copy of the official print hosted elsewhere, named as such).
- `secondary`: a scholarly or NGO publication quoting the law, or a legal publisher's
  per-section reproduction.

Forums, copies of encyclopaedia pages, blogs, news sites, law-firm marketing pages and document
dumps are not sources at all: they may help find a provision, which is then read on a graded
page. `refusal()` names the reason a URL is refused; every path that writes a source (the
admin, the loader, bulk imports) calls it through `Source.clean()`.
"""

from urllib.parse import urlsplit

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class SourceGrade(models.TextChoices):
    OFFICIAL = "official", _("official")
    AUTHORITATIVE = "authoritative", _("authoritative")
    SECONDARY = "secondary", _("secondary")


# The kinds of page that are never a source, as an editor reads them in the refusal.
ENCYCLOPAEDIA = _("an encyclopaedia (read the law it cites instead)")
ENCYCLOPAEDIA_COPY = _("a copy of an encyclopaedia")
FORUM = _("a forum")
QUESTIONS_AND_ANSWERS = _("a question-and-answer site")
BLOG = _("a blog")
NEWS = _("a news site")
LAW_FIRM = _("a law firm's marketing page")
UNATTRIBUTED_COPY = _("an unattributed copy of the code")
UNATTRIBUTED_MIRROR = _("an unattributed mirror")
DOCUMENT_DUMP = _("a document dump")

# Host names (or their endings) that are never a source, with the reason. A host matches when it
# is the name or ends with "." + the name.
DENIED_HOSTS: dict[str, Promise] = {
    # Encyclopaedias and their copies
    "wikipedia.org": ENCYCLOPAEDIA,
    "wikiwand.com": ENCYCLOPAEDIA_COPY,
    "the-uncensored-wiki.org": ENCYCLOPAEDIA_COPY,
    # Forums and question-and-answer sites
    "forums.anandtech.com": FORUM,
    "reddit.com": FORUM,
    "quora.com": QUESTIONS_AND_ANSWERS,
    "stackexchange.com": QUESTIONS_AND_ANSWERS,
    # Blogs
    "blogspot.com": BLOG,
    "wordpress.com": BLOG,
    "medium.com": BLOG,
    "substack.com": BLOG,
    "tumblr.com": BLOG,
    # News
    "rt.com": NEWS,
    "bbc.co.uk": NEWS,
    "bbc.com": NEWS,
    "theguardian.com": NEWS,
    "nytimes.com": NEWS,
    "reuters.com": NEWS,
    "apnews.com": NEWS,
    "cnn.com": NEWS,
    "aljazeera.com": NEWS,
    "indianexpress.com": NEWS,
    "timesofindia.indiatimes.com": NEWS,
    "hindustantimes.com": NEWS,
    "ndtv.com": NEWS,
    "20minutes.fr": NEWS,
    "uol.com.br": NEWS,
    "abs-cbn.com": NEWS,
    "regnum.ru": NEWS,
    "the-star.co.ke": NEWS,
    # Law-firm and solicitors' marketing pages
    "kangssolicitors.co.uk": LAW_FIRM,
    "sydneycriminallawyers.com.au": LAW_FIRM,
    "armstronglegal.com.au": LAW_FIRM,
    "jzcclaw.com": LAW_FIRM,
    "gjllp.com": LAW_FIRM,
    # Unattributed copies and document dumps
    "newukrf.ru": UNATTRIBUTED_COPY,
    "checkoutapi.com": UNATTRIBUTED_MIRROR,
    "domain.glass": UNATTRIBUTED_MIRROR,
    "docest.com": DOCUMENT_DUMP,
    "docslib.org": DOCUMENT_DUMP,
    "pdfcoffee.com": DOCUMENT_DUMP,
    "dokumen.pub": DOCUMENT_DUMP,
    "scribd.com": DOCUMENT_DUMP,
    "yumpu.com": DOCUMENT_DUMP,
    "studocu.com": DOCUMENT_DUMP,
    "coursehero.com": DOCUMENT_DUMP,
    "lawsdocbox.com": DOCUMENT_DUMP,
    "vdocuments.mx": DOCUMENT_DUMP,
    "fdocuments.in": DOCUMENT_DUMP,
    "idoc.pub": DOCUMENT_DUMP,
    "docsbay.net": DOCUMENT_DUMP,
    "123dok.com": DOCUMENT_DUMP,
}


def host_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.lower().removeprefix("www.")


def refusal(url: str) -> str | None:
    """Why `url` may not be cited as a source, or None when it may."""
    host = host_of(url)
    if not host:
        return gettext("it has no host name")
    for name, reason in DENIED_HOSTS.items():
        if host == name or host.endswith("." + name):
            return gettext("%(host)s is %(reason)s") % {"host": host, "reason": reason}
    if host.startswith(("forum.", "forums.")):
        return gettext("%(host)s is %(reason)s") % {"host": host, "reason": FORUM}
    return None
