"""Typo tolerance by trigrams, as PostgreSQL's pg_trgm computes them (so that the SQLite
engine, computing them in Python, answers as PostgreSQL's index does), and country-name
matching (the same on both engines: ~200 names, in Python)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from treaties.api.filters import fold
from treaties.models import State

# Typo tolerance: pg_trgm word similarity of the query to a title (and the Python equivalent).
TITLE_SIMILARITY = 0.5
COUNTRY_SIMILARITY = 0.45
COUNTRY_EDIT_RATIO = 0.8


def _trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in re.findall(r"\w+", fold(text)):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def word_similarity(query: str, text: str) -> float:
    """The best similarity of `query` to a run of as many consecutive words of `text`."""
    words = re.findall(r"\w+", fold(text))
    width = max(1, len(re.findall(r"\w+", fold(query))))
    if not words:
        return 0.0
    return max(
        similarity(query, " ".join(words[i : i + width]))
        for i in range(max(1, len(words) - width + 1))
    )


def match_states(query: str) -> list[int]:
    """Ids of states whose name (English, UN spelling or official) contains the query ignoring
    accents and case; when none does, those whose name is close to it (a typo: `Frnace`,
    `Camerun`), best first. One query, the same on both engines (~200 names, in Python)."""
    needle = fold(query)
    if not needle:
        return []
    rows = list(State.objects.values_list("pk", "name", "untc_name", "official_name"))
    exact = [pk for pk, *names in rows if any(needle in fold(n) for n in names if n)]
    if exact:
        return exact
    scored = []
    for pk, *names in rows:
        score = max(word_similarity(query, n) for n in names if n)
        # Trigrams miss transposed letters (`Frnace`); a close edit ratio to a word catches them.
        ratio = max(
            SequenceMatcher(None, needle, word).ratio()
            for n in names
            if n
            for word in [fold(n), *fold(n).split()]
        )
        if score >= COUNTRY_SIMILARITY or ratio >= COUNTRY_EDIT_RATIO:
            scored.append((-max(score, ratio), pk))
    return [pk for _, pk in sorted(scored)]
