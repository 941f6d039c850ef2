"""Link declarations and reservations to the treaty provisions their text names.

The UNTC pages give a reservation's text, not the articles it concerns. This reads article
references in the text — "article 3, paragraph 5", "paragraph 5 of article 3",
"Article 3(1)(a)(ii)", "article 2 (c)", "article 2 paragraph (c)" — and links the reservation
to the deepest provision we hold for each (`opsc-art-3-5`, `opsc-art-3-1-a`, `opsc-art-2-c`;
`opsc-art-3` when only the article is held). It is deliberately literal:

- a reference followed by "of the <another instrument>" (the Constitution, another convention,
  another protocol) is not to this treaty and is skipped;
- an article we hold no provision for (OPSC art. 7) links nothing;
- a reservation that names no article ("reservation to the Protocol as a whole") links nothing.

`link_reservations` sets each reservation's links to exactly the provisions its text names
(so an editor's manual link that the text does not support is removed: the text is the
record). Idempotent: a second run changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from .models import Reservation, TreatyProvision

# "article 3", "Article 3(1)(a)(ii)", "article 2 (c)", "art. 3", then a tail of sub-divisions.
ARTICLE = re.compile(r"\barticles?\s+(?P<number>\d+)", re.IGNORECASE)
TAIL_PART = re.compile(
    r"^(?:\s*,?\s*(?:paragraph|para\.?|sub-?paragraph)?\s*)"
    r"(?:\((?P<paren>\d+|[a-z]{1,4})\)|(?P<num>\d+)\b|(?P<letter>[a-z])\))",
    re.IGNORECASE,
)
PARAGRAPH_OF = re.compile(
    r"\b(?:sub-?)?paragraphs?\s+(?P<paragraph>\d+)\s*(?:\((?P<letter>[a-z])\))?\s+of\s+"
    r"articles?\s+(?P<number>\d+)",
    re.IGNORECASE,
)
OF_INSTRUMENT = re.compile(r"^\s*,?\s*of\s+(?:the|its|this)\s+(?P<what>[^,.;:]{0,160})", re.I)
# Words that, after "of the", name the treaty itself (anything else is another instrument).
SELF_WORDS = {"crc": ("present", "said", "this")}
# "of the Convention", "of the Convention on the Rights of the Child" — not "of the Convention
# on the Elimination of ..." nor "of the Convention relating to the Status of Refugees".
CRC_ITSELF = re.compile(
    r"^convention(?:\s+on\s+the\s+rights\s+of\s+the\s+child\b|"
    r"(?!\s+(?:on|relating|against|for|concerning|of|respecting|regarding)\b))"
)
PROTOCOL_SELF_WORDS = ("protocol", "present", "said", "aforementioned", "this")
# Other instruments of this family, by treaty code: "of the Optional Protocol ... on the
# involvement of children in armed conflict" under OPSC is a slip for OPAC, not OPSC.
OTHER_INSTRUMENTS = {
    "crc": ("optional protocol",),
    "opac": ("sale of children", "communications procedure"),
    "opsc": ("armed conflict", "communications procedure"),
    "opic": ("armed conflict", "sale of children"),
}


@dataclass(frozen=True)
class Reference:
    parts: tuple[str, ...]  # ("3", "1", "a", "ii")


def _is_foreign(tail: str, treaty_code: str) -> bool:
    match = OF_INSTRUMENT.match(tail)
    if not match:
        return False
    what = match["what"].lower()
    if any(word in what for word in OTHER_INSTRUMENTS.get(treaty_code, ())):
        return True
    if treaty_code == "crc" and CRC_ITSELF.match(what):
        return False
    return not any(word in what for word in SELF_WORDS.get(treaty_code, PROTOCOL_SELF_WORDS))


def references(text: str, treaty_code: str) -> list[Reference]:
    """The article references of `text` that are to the treaty `treaty_code`."""
    found: list[Reference] = []
    covered: list[tuple[int, int]] = []
    for match in PARAGRAPH_OF.finditer(text):
        if _is_foreign(text[match.end() :], treaty_code):
            continue
        parts = [match["number"], match["paragraph"]]
        if match["letter"]:
            parts.append(match["letter"].lower())
        found.append(Reference(tuple(parts)))
        covered.append(match.span())
    for match in ARTICLE.finditer(text):
        if any(start <= match.start() < end for start, end in covered):
            continue
        parts = [match["number"]]
        rest = text[match.end() :]
        while True:
            part = TAIL_PART.match(rest)
            if not part:
                break
            parts.append((part["paren"] or part["num"] or part["letter"]).lower())
            rest = rest[part.end() :]
        if _is_foreign(rest, treaty_code):
            continue
        found.append(Reference(tuple(parts)))
    return found


def resolve(reference: Reference, treaty_code: str, slugs: set[str]) -> str | None:
    """The deepest provision we hold for a reference: `opsc-art-3-1-a` for 3(1)(a)(ii)."""
    parts = list(reference.parts)
    while parts:
        slug = f"{treaty_code}-art-" + "-".join(parts)
        if slug in slugs:
            return slug
        parts.pop()
    return None


def provisions_named(text: str, treaty_code: str, slugs: set[str]) -> set[str]:
    return {
        slug
        for ref in references(text, treaty_code)
        if (slug := resolve(ref, treaty_code, slugs)) is not None
    }


def provision_slugs() -> tuple[dict[str, TreatyProvision], dict[int, set[str]]]:
    """Every treaty provision by slug, and each treaty's slugs (what `provisions_named` needs)."""
    provisions = {p.slug: p for p in TreatyProvision.objects.select_related("treaty")}
    slugs_by_treaty: dict[int, set[str]] = {}
    for p in provisions.values():
        slugs_by_treaty.setdefault(p.treaty_id, set()).add(p.slug)
    return provisions, slugs_by_treaty


def link_reservation(
    reservation: Reservation,
    provisions: dict[str, TreatyProvision],
    slugs_by_treaty: dict[int, set[str]],
    have: set[str] | None = None,
) -> tuple[int, int]:
    """Set one reservation's `treaty_provisions` to those its text names, through the
    many-to-many manager so that the history records the change. Returns (inserted, removed)."""
    treaty = reservation.participation.treaty
    wanted = provisions_named(reservation.text, treaty.code, slugs_by_treaty.get(treaty.pk, set()))
    if have is None:
        have = set(reservation.treaty_provisions.values_list("slug", flat=True))
    if wanted == have:
        return 0, 0
    reservation.treaty_provisions.set([provisions[slug] for slug in sorted(wanted)])
    return len(wanted - have), len(have - wanted)


@transaction.atomic
def link_reservations() -> dict[str, int]:
    """Set every reservation's `treaty_provisions` to those its text names. Returns counts of
    links inserted and removed, and of reservations unchanged. Only reservations whose links
    differ are written (each change recorded in the history); a second run writes nothing."""
    provisions, slugs_by_treaty = provision_slugs()
    through = Reservation.treaty_provisions.through
    current: dict[int, set[str]] = {}
    for reservation_id, slug in through.objects.values_list(
        "reservation_id", "treatyprovision__slug"
    ):
        current.setdefault(reservation_id, set()).add(slug)
    inserted = removed = unchanged = 0
    for reservation in Reservation.objects.select_related("participation__treaty"):
        added, dropped = link_reservation(
            reservation, provisions, slugs_by_treaty, current.get(reservation.pk, set())
        )
        if not (added or dropped):
            unchanged += 1
        inserted += added
        removed += dropped
    return {"inserted": inserted, "removed": removed, "unchanged": unchanged}
