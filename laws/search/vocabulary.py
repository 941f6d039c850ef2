"""The legal-term vocabulary of search: for each indicator, the words and phrases that say it in
the five languages of the site (en, fr, es, ru, ar) and in the languages of the laws held (de,
it, pt, nl, pl, sv, ...), kept as data in `data/search/vocabulary.csv` (one row per indicator,
language and term; reviewed like any data file, read once per process).

A query term (a word, or a quoted phrase) that is one of these terms is widened to all the
terms of its indicator(s), in every language: `posesión`, `possession`, `Besitz`, `détention`,
`хранение` and `حيازة` all ask for the same thing, so they find the same provisions. Terms are
compared with accents and case ignored. A word that is no term but within a typo of one
(`posession`) is widened the same way when the search found nothing otherwise (`typo=True`).
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from laws.search.query import ParsedQuery, Term
from treaties.api.filters import fold

VOCABULARY_FILE = Path(__file__).resolve().parents[2] / "data" / "search" / "vocabulary.csv"
# A word within this edit ratio of a term is read as that term (typo tolerance); only words of
# at least TYPO_MIN_LENGTH letters, so short words are never taken for others.
TYPO_RATIO = 0.85
TYPO_MIN_LENGTH = 5
# At most this many terms are added to one query by widening.
MAX_ADDED_TERMS = 96

WORD = re.compile(r"(?:\w|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u3099\u309a])+")


@dataclass(frozen=True)
class Entry:
    indicator: str
    language: str
    term: str

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(w.casefold() for w in WORD.findall(self.term))


class Vocabulary:
    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self.indicators_of: dict[str, set[str]] = {}
        self.terms_of: dict[str, list[tuple[str, ...]]] = {}
        for entry in entries:
            words = entry.words
            if not words:
                continue
            self.indicators_of.setdefault(self.key(words), set()).add(entry.indicator)
            terms = self.terms_of.setdefault(entry.indicator, [])
            if words not in terms:
                terms.append(words)

    @staticmethod
    def key(words: tuple[str, ...]) -> str:
        return fold(" ".join(words))

    @functools.lru_cache(maxsize=4096)  # noqa: B019 (one instance per process)
    def indicators(self, words: tuple[str, ...], typo: bool = False) -> frozenset[str]:
        """The indicators whose terms include `words`; with `typo`, for a single word that is
        no term, those of the terms within a typo of it."""
        key = self.key(words)
        found = self.indicators_of.get(key)
        if found or not typo:
            return frozenset(found or ())
        if len(words) != 1 or len(key) < TYPO_MIN_LENGTH:
            return frozenset()
        best, ratio = None, TYPO_RATIO
        for term in self.indicators_of:
            if " " in term or abs(len(term) - len(key)) > 2:
                continue
            score = SequenceMatcher(None, key, term).ratio()
            if score >= ratio:
                best, ratio = term, score
        return frozenset(self.indicators_of[best]) if best else frozenset()

    def synonyms(self, words: tuple[str, ...], typo: bool = False) -> list[tuple[str, ...]]:
        """Every term of the indicators `words` names, in every language (words first)."""
        out: list[tuple[str, ...]] = []
        for indicator in sorted(self.indicators(words, typo)):
            for term in self.terms_of[indicator]:
                if term not in out:
                    out.append(term)
        return out


def read(path: Path = VOCABULARY_FILE) -> list[Entry]:
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            Entry(row["indicator"].strip(), row["language"].strip(), row["term"].strip())
            for row in csv.DictReader(handle)
        ]


@functools.cache
def vocabulary() -> Vocabulary:
    return Vocabulary(read())


def widen(parsed: ParsedQuery, typo: bool = False) -> ParsedQuery:
    """The query with each positive term that names an indicator in the legal-term vocabulary
    (`laws.search.vocabulary`) ORed with all the terms of that indicator, in every language;
    with `typo`, words within a typo of a term too."""
    vocab = vocabulary()
    groups: list[list[Term]] = []
    added = 0
    for group in parsed.groups:
        widened = list(group)
        for term in group:
            if term.negated:
                continue
            for words in vocab.synonyms(term.words, typo):
                synonym = Term(words=words)
                if synonym not in widened and added < MAX_ADDED_TERMS:
                    widened.append(synonym)
                    added += 1
        groups.append(widened)
    return ParsedQuery(groups=groups)
