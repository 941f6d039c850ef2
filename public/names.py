"""Localised names and dates: country names from CLDR (through Babel), dates formatted by Babel.

English names are the database's own (the UN spellings the importers keep); other languages use
CLDR's territory names, except where the UN designation differs from CLDR's short name.
"""

import datetime
import unicodedata
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from django.utils.translation import get_language

# The UN designations, where CLDR's territory name is not the UN's.
UN_DESIGNATIONS = {
    "PS": {
        "fr": "État de Palestine",
        "es": "Estado de Palestina",
        "ru": "Государство Палестина",
        "ar": "دولة فلسطين",
    },
    "VA": {
        "fr": "Saint-Siège",
        "es": "Santa Sede",
        "ru": "Святейший Престол",
        "ar": "الكرسي الرسولي",
    },
}


def current_language() -> str:
    return (get_language() or "en").split("-")[0]


@lru_cache(maxsize=8)
def _territories(language: str) -> dict:
    try:
        return dict(Locale.parse(language).territories)
    except (ValueError, LookupError):
        return {}


def state_name(state, language: str | None = None) -> str:
    """The state's name in the language (the database's English name for English)."""
    language = language or current_language()
    if language == "en":
        return state.name
    override = UN_DESIGNATIONS.get(state.iso2, {}).get(language)
    if override:
        return override
    return _territories(language).get(state.iso2, state.name)


def sort_key(text: str) -> str:
    """Accent- and case-insensitive sort key (Ç sorts with C, É with E)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def format_day(value: datetime.date | datetime.datetime | None, style: str = "long") -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    try:
        language = current_language()
        # British English for English dates (20 February 2009), as CRIN wrote them.
        return format_date(value, style, locale="en_GB" if language == "en" else language)
    except (ValueError, LookupError):
        return value.isoformat()
