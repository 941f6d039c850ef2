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
from django.utils.translation import gettext_lazy as _


class SourceGrade(models.TextChoices):
    OFFICIAL = "official", _("official")
    AUTHORITATIVE = "authoritative", _("authoritative")
    SECONDARY = "secondary", _("secondary")


# Host names (or their endings) that are never a source, with the reason. A host matches when it
# is the name or ends with "." + the name.
DENIED_HOSTS: dict[str, str] = {
    # Encyclopaedias and their copies
    "wikipedia.org": "an encyclopaedia (read the law it cites instead)",
    "wikiwand.com": "a copy of an encyclopaedia",
    "the-uncensored-wiki.org": "a copy of an encyclopaedia",
    # Forums and question-and-answer sites
    "forums.anandtech.com": "a forum",
    "reddit.com": "a forum",
    "quora.com": "a question-and-answer site",
    "stackexchange.com": "a question-and-answer site",
    # Blogs
    "blogspot.com": "a blog",
    "wordpress.com": "a blog",
    "medium.com": "a blog",
    "substack.com": "a blog",
    "tumblr.com": "a blog",
    # News
    "rt.com": "a news site",
    "bbc.co.uk": "a news site",
    "bbc.com": "a news site",
    "theguardian.com": "a news site",
    "nytimes.com": "a news site",
    "reuters.com": "a news site",
    "apnews.com": "a news site",
    "cnn.com": "a news site",
    "aljazeera.com": "a news site",
    "indianexpress.com": "a news site",
    "timesofindia.indiatimes.com": "a news site",
    "hindustantimes.com": "a news site",
    "ndtv.com": "a news site",
    "20minutes.fr": "a news site",
    "uol.com.br": "a news site",
    "abs-cbn.com": "a news site",
    "regnum.ru": "a news site",
    "the-star.co.ke": "a news site",
    # Law-firm and solicitors' marketing pages
    "kangssolicitors.co.uk": "a law firm's marketing page",
    "sydneycriminallawyers.com.au": "a law firm's marketing page",
    "armstronglegal.com.au": "a law firm's marketing page",
    "jzcclaw.com": "a law firm's marketing page",
    "gjllp.com": "a law firm's marketing page",
    # Unattributed copies and document dumps
    "newukrf.ru": "an unattributed copy of the code",
    "checkoutapi.com": "an unattributed mirror",
    "domain.glass": "an unattributed mirror",
    "docest.com": "a document dump",
    "docslib.org": "a document dump",
    "pdfcoffee.com": "a document dump",
    "dokumen.pub": "a document dump",
    "scribd.com": "a document dump",
    "yumpu.com": "a document dump",
    "studocu.com": "a document dump",
    "coursehero.com": "a document dump",
    "lawsdocbox.com": "a document dump",
    "vdocuments.mx": "a document dump",
    "fdocuments.in": "a document dump",
    "idoc.pub": "a document dump",
    "docsbay.net": "a document dump",
    "123dok.com": "a document dump",
}


def host_of(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.lower().removeprefix("www.")


def refusal(url: str) -> str | None:
    """Why `url` may not be cited as a source, or None when it may."""
    host = host_of(url)
    if not host:
        return "it has no host name"
    for name, reason in DENIED_HOSTS.items():
        if host == name or host.endswith("." + name):
            return f"{host} is {reason}"
    if host.startswith(("forum.", "forums.")):
        return f"{host} is a forum"
    return None
