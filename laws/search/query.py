"""The query language, parsed once in Python for both engines: the syntax of PostgreSQL's
`websearch_to_tsquery` (words, all must match; `"a phrase"`; `OR` between two terms; `-word` to
exclude). Any other character separates words; nothing a user types reaches the database as
syntax. A query with nothing to look for, or too many terms, is a `SearchQueryError` (a 400 in
the API). Snippets: the engines mark matched words with private-use characters, `snippet_html`
escapes the text and turns the marks into `<mark>…</mark>`, the only markup a snippet contains.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field

MAX_TERMS = 32
SNIPPET_WORDS = 30
MARK_START = "\ue000"
MARK_END = "\ue001"


class SearchQueryError(ValueError):
    """The query text cannot be searched (nothing to look for, too many terms)."""


class SearchTimeout(Exception):
    """The search took longer than TIMEOUT and was cancelled."""


# A word: letters, digits, underscore, and the combining marks that belong inside words
# (accents in decomposed text, Arabic harakat, Japanese (semi-)voiced marks).
WORD = re.compile(r"(?:\w|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u3099\u309a])+")
CHUNK = re.compile(r'(?P<neg>-)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase
    negated: bool = False


@dataclass
class ParsedQuery:
    """`groups` are ANDed; the terms of a group are ORed (`a b OR c -d` → a, b|c, -d)."""

    groups: list[list[Term]] = field(default_factory=list)

    @property
    def positive_words(self) -> list[str]:
        return [w for g in self.groups for t in g if not t.negated for w in t.words]

    def websearch(self) -> str:
        """The query again, in `websearch_to_tsquery` syntax, from words only."""

        def term(t: Term) -> str:
            text = " ".join(t.words)
            text = f'"{text}"' if len(t.words) > 1 else text
            return ("-" if t.negated else "") + text

        return " ".join(" OR ".join(term(t) for t in group) for group in self.groups)

    def fts5(self) -> str:
        """The query in FTS5 syntax: every word a quoted string (so no word is an operator)."""

        def term(t: Term) -> str:
            return '"' + " ".join(t.words) + '"'

        positive, negative = [], []
        for group in self.groups:
            if all(t.negated for t in group):
                negative.extend(term(t) for t in group)
            else:
                alternatives = [term(t) for t in group if not t.negated]
                positive.append(
                    alternatives[0] if len(alternatives) == 1 else f"({' OR '.join(alternatives)})"
                )
        text = " AND ".join(positive)
        for neg in negative:
            text = f"({text}) NOT {neg}"
        return text


def parse(text: str) -> ParsedQuery:
    """Parse web-search syntax. Raises SearchQueryError when there is nothing to look for."""
    text = unicodedata.normalize("NFC", text or "").replace("\x00", " ")
    query = ParsedQuery()
    pending_or = False
    count = 0
    for match in CHUNK.finditer(text):
        negated = bool(match["neg"])
        raw = match["phrase"] if match["phrase"] is not None else match["word"]
        if match["word"] is not None and not negated and raw.upper() == "OR":
            pending_or = bool(query.groups)
            continue
        words = tuple(w.casefold() for w in WORD.findall(raw))
        if not words:
            continue
        count += len(words)
        if count > MAX_TERMS:
            raise SearchQueryError(f"Too many words: at most {MAX_TERMS}.")
        term = Term(words=words, negated=negated)
        if pending_or and not negated and not all(t.negated for t in query.groups[-1]):
            query.groups[-1].append(term)
        else:
            query.groups.append([term])
        pending_or = False
    if not query.positive_words:
        raise SearchQueryError(
            "Nothing to search for: give at least one word (letters or digits) not preceded by -."
        )
    return query


def snippet_html(raw: str | None) -> str:
    """Escape a snippet and turn the engine's marks into <mark> elements (the only markup)."""
    if not raw:
        return ""
    text = html.escape(raw, quote=False)
    if text.count(MARK_START) != text.count(MARK_END):
        return text.replace(MARK_START, "").replace(MARK_END, "")
    return text.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
