"""UN Treaty Collection participant names -> states (ISO 3166-1 alpha-2), explicitly.

The UN writes names its own way ("Netherlands (Kingdom of the)", "Bahamas (The)"). A name is
mapped by, in order: this module's table of UN spellings; then an exact match against a State's
name, official name or recorded UN name; then an exact match against pycountry's name, official
name or common name. Nothing is ever fuzzy-matched: a name that none of these give is an error.
"""

from __future__ import annotations

import re

import pycountry

from treaties.models import State

# UN spellings (as printed on the UNTC pages) that pycountry's short names do not match, and the
# spellings named in the project brief. Kept explicit so a reader can check each one.
UN_NAME_TO_ISO2: dict[str, str] = {
    "Bahamas (The)": "BS",
    "Bolivia (Plurinational State of)": "BO",
    "Côte d'Ivoire": "CI",
    "Czech Republic": "CZ",
    "Democratic People's Republic of Korea": "KP",
    "Democratic Republic of the Congo": "CD",
    "Holy See": "VA",
    "Iran (Islamic Republic of)": "IR",
    "Lao People's Democratic Republic": "LA",
    "Micronesia (Federated States of)": "FM",
    "Netherlands (Kingdom of the)": "NL",
    "Republic of Korea": "KR",
    "Republic of Moldova": "MD",
    "St. Kitts and Nevis": "KN",
    "St. Lucia": "LC",
    "St. Vincent and the Grenadines": "VC",
    "State of Palestine": "PS",
    "Türkiye": "TR",
    "United Kingdom of Great Britain and Northern Ireland": "GB",
    "United Republic of Tanzania": "TZ",
    "United States of America": "US",
    "Venezuela (Bolivarian Republic of)": "VE",
    # Older UN spellings still printed in the texts of objections and declarations.
    "Turkey": "TR",
    "Iran (Islamic Republic)": "IR",
}


class UnmappedName(LookupError):
    """A participant name that maps to no state."""

    def __init__(self, name: str, reason: str = "") -> None:
        self.name = name
        super().__init__(reason or f"no state for the UN name {name!r}")


class NameResolver:
    """Resolve UN names to the State rows in the database (loaded once)."""

    def __init__(self, states: list[State] | None = None) -> None:
        self.states = {s.iso2: s for s in (states if states is not None else State.objects.all())}
        self.by_name: dict[str, str] = {}
        for country in pycountry.countries:
            for attr in ("common_name", "official_name", "name"):
                value = getattr(country, attr, None)
                if value:
                    self.by_name[value] = country.alpha_2
        for state in self.states.values():
            for value in (state.official_name, state.name, state.untc_name):
                if value:
                    self.by_name[value] = state.iso2
        for name, iso2 in UN_NAME_TO_ISO2.items():
            self.by_name[name] = iso2
        self._pattern: re.Pattern[str] | None = None

    def resolve(self, name: str) -> State:
        iso2 = self.by_name.get(name) or UN_NAME_TO_ISO2.get(name)
        if iso2 is None:
            raise UnmappedName(name)
        state = self.states.get(iso2)
        if state is None:
            raise UnmappedName(
                name,
                f"the UN name {name!r} maps to {iso2}, but there is no State {iso2} "
                "(run `manage.py load_states` first)",
            )
        return state

    def mentioned_in_order(self, text: str) -> list[State]:
        """The states named in a text, each once, in the order the text first names them (by any
        exact name this resolver knows; the longest name wins where names overlap)."""
        found: list[State] = []
        for match in self._names_pattern().finditer(text):
            iso2 = self.by_name[match[1]]
            state = self.states.get(iso2)
            if state is not None and state not in found:
                found.append(state)
        return found

    def _names_pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            names = sorted(self.by_name, key=len, reverse=True)
            self._pattern = re.compile(
                r"(?<![\w'])(" + "|".join(re.escape(n) for n in names) + r")(?![\w'])"
            )
        return self._pattern
