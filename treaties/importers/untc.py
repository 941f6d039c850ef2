"""Parse a saved UN Treaty Collection (UNTC) status page, and import it.

A status page (https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-11-c...)
holds, for one treaty: a header (MTDSG reference, "Status: Signatories : N. Parties : M", and a
"STATUS AS AT" timestamp), the participant table, the declarations and reservations, the
objections and the numbered end notes. See data/untc/README.md.

`parse_page` is pure (no database): it returns a `ParsedPage` and raises `UNTCParseError` when the
page cannot be read or when what it parsed disagrees with the page's own header counts (that is how
a truncated or broken table is caught). `import_pages` resolves participant names to states and
writes everything in one transaction, idempotently.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from django.db import transaction

from core.importing import ImportCounts, upsert
from core.publication import PublicationStatus
from treaties.linking import link_reservation, provision_slugs
from treaties.models import (
    ConsentType,
    EndNote,
    Objection,
    Participation,
    Reservation,
    ReservationKind,
    State,
    Treaty,
)

from .untc_names import NameResolver, UnmappedName

# The pages in data/untc/ were saved on this day (data/untc/README.md). Used only when a page does
# not print its own "STATUS AS AT" date.
DEFAULT_STATUS_DATE = datetime.date(2026, 2, 3)
UNTC_PAGE_URL = (
    "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no={reference}"
    "&chapter={chapter}&clang=_en"
)
STATUS_SOURCE = (
    "United Nations Treaty Collection, Multilateral Treaties Deposited with the Secretary-General, "
    "Chapter {chapter}, status as at {day}"
)

HEADING_MAX_LENGTH = Reservation._meta.get_field("heading").max_length or 300

# The letter printed after a consent date in the participant table.
CONSENT_SUFFIXES = {
    "": ConsentType.RATIFICATION,
    "a": ConsentType.ACCESSION,
    "d": ConsentType.SUCCESSION,
    "A": ConsentType.ACCEPTANCE,
    "AA": ConsentType.APPROVAL,
}
MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}

TABLE_DATE_RE = re.compile(r"^(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})\s*([A-Za-z]{0,2})$")
# "25 July 1991", "4 Octobre 2002" (sic), "12 August 2003*"
LONG_DATE_RE = re.compile(r"(\d{1,2})\s+([A-Za-z]{3,10})\s+(\d{4})")
# A bare italic line in "Declarations and Reservations" that is a heading, not emphasis in the text.
DEC_HEADING_RE = re.compile(
    r"^(upon (signature|ratification|accession|succession|acceptance|approval)"
    r"|(interpretative )?declarations?|reservations?|understandings?|statement of understanding)"
    r"\b[^.\"“]*:?$",
    re.IGNORECASE,
)
OBJ_HEADING_RE = re.compile(r"^with regards? to the .*\bmade by\b", re.IGNORECASE)
SUBSEQUENT_RE = re.compile(r"^subsequently\b", re.IGNORECASE)
# "- 25 July 1991: with regard to the reservation made by Pakistan upon signature ...;"
LIST_LINE_RE = re.compile(r"^-\s*(\d{1,2}\s+[A-Za-z]+\s+\d{4})\s*:\s*(.+?)[;.]?$")


class UNTCParseError(ValueError):
    """The page cannot be imported as it is; the message says why and names the file."""


@dataclass(frozen=True)
class ParsedParticipant:
    name: str
    signature_date: datetime.date | None
    consent_date: datetime.date | None
    consent_type: str  # a ConsentType value, or "" when there is no consent date
    end_notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class ParsedReservation:
    participant: str
    order: int
    kind: str
    heading: str
    text: str
    date: datetime.date | None


@dataclass(frozen=True)
class ParsedObjection:
    objecting: str
    order: int
    heading: str
    text: str
    date: datetime.date | None
    # Where the reserving state is named: the heading, or the line of a "Subsequently..." list.
    regarding: str


@dataclass(frozen=True)
class ParsedEndNote:
    number: int
    text: str


@dataclass
class ParsedPage:
    source: str
    reference: str  # MTDSG number, e.g. "IV-11-c"
    chapter: int
    title: str
    status_as_of: datetime.date
    status_as_of_printed: bool  # False when DEFAULT_STATUS_DATE was used
    header_signatories: int
    header_parties: int
    participants: list[ParsedParticipant] = field(default_factory=list)
    reservations: list[ParsedReservation] = field(default_factory=list)
    objections: list[ParsedObjection] = field(default_factory=list)
    end_notes: list[ParsedEndNote] = field(default_factory=list)

    @property
    def source_url(self) -> str:
        return UNTC_PAGE_URL.format(reference=self.reference, chapter=self.chapter)

    @property
    def status_source(self) -> str:
        chapter = _to_roman(self.chapter)
        day = f"{self.status_as_of.day} {self.status_as_of:%B %Y}"
        return STATUS_SOURCE.format(chapter=chapter, day=day)

    @property
    def signatories(self) -> list[ParsedParticipant]:
        """Every participant that signed, including those that later became parties (that is
        what the header's "Signatories" counts)."""
        return [p for p in self.participants if p.signature_date]

    @property
    def parties(self) -> list[ParsedParticipant]:
        return [p for p in self.participants if p.consent_date]

    def participant(self, name: str) -> ParsedParticipant | None:
        return next((p for p in self.participants if p.name == name), None)


# --- small helpers -------------------------------------------------------------------------------


def _to_roman(number: int) -> str:
    out = ""
    for value, letters in ((50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while number >= value:
            out += letters
            number -= value
    return out + "I" * number


def _from_roman(text: str) -> int:
    total = 0
    for i, letter in enumerate(text):
        value = ROMAN[letter]
        if i + 1 < len(text) and ROMAN[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def clean_text(text: str) -> str:
    """Whitespace inside a paragraph collapsed; paragraphs (UNTC line breaks) kept as blank-line
    separated blocks."""
    lines = (_squash(line) for line in text.replace("\r", "").split("\n"))
    return "\n\n".join(line for line in lines if line)


def _month(name: str) -> int | None:
    return MONTHS.get(name[:3].lower())


def parse_long_date(text: str) -> datetime.date | None:
    """The first date written like "25 July 1991" in the text (None if there is none)."""
    for match in LONG_DATE_RE.finditer(text):
        month = _month(match[2])
        if month:
            return datetime.date(int(match[3]), month, int(match[1]))
    return None


def _inline_text(node: Tag | NavigableString) -> str:
    """Text of a node with <br> as a line break, comments and footnote markers dropped."""
    if isinstance(node, Comment):
        return ""
    if isinstance(node, NavigableString):
        return str(node)
    if node.name == "br":
        return "\n"
    if node.name in ("script", "style"):
        return ""
    return "".join(_inline_text(child) for child in node.children)


def _cell_name(cell: Tag) -> tuple[str, tuple[int, ...]]:
    """A participant cell: the UN name, and the end-note numbers of its superscripts."""
    notes: list[int] = []
    parts: list[str] = []
    for node in cell.descendants:
        if isinstance(node, Tag) and node.name in ("sup", "superscript"):
            notes.extend(int(n) for n in re.findall(r"\d+", node.get_text()))
        elif isinstance(node, NavigableString) and not isinstance(node, Comment):
            if not any(p.name in ("sup", "superscript") for p in node.parents if p is not cell):
                parts.append(str(node))
    return _squash("".join(parts)), tuple(notes)


def _find_id(soup: BeautifulSoup, suffix: str) -> Tag | None:
    return soup.find(id=re.compile(re.escape(suffix) + "$"))


# --- the page ------------------------------------------------------------------------------------


def parse_file(path: str | Path) -> ParsedPage:
    path = Path(path)
    try:
        html = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UNTCParseError(f"{path}: cannot read the file ({exc}).") from exc
    return parse_page(html, source=str(path))


def parse_page(html: str, *, source: str = "<page>") -> ParsedPage:
    soup = BeautifulSoup(html, "lxml")
    reference, chapter, title = _parse_reference(soup, source)
    signatories, parties = _parse_status_counts(soup, source)
    as_of = _parse_status_date(soup, source)
    page = ParsedPage(
        source=source,
        reference=reference,
        chapter=chapter,
        title=title,
        status_as_of=as_of or DEFAULT_STATUS_DATE,
        status_as_of_printed=as_of is not None,
        header_signatories=signatories,
        header_parties=parties,
    )
    page.participants = _parse_participants(soup, source)
    _check_counts(page)  # first: a truncated table shows here before anything else
    page.reservations = _parse_reservations(soup, page)
    page.objections = _parse_objections(soup, source)
    page.end_notes = _parse_end_notes(soup, source)
    _check(page)
    return page


def _parse_reference(soup: BeautifulSoup, source: str) -> tuple[str, int, str]:
    """The MTDSG number from the page header ("CHAPTER IV" + "11. c" -> "IV-11-c"), checked
    against the page's own address when it has one."""
    head = _find_id(soup, "rptHead_ctl00_tcHead")
    treaty = _find_id(soup, "rptTreaty_ctl00_tcTreaty")
    from_header = None
    title = ""
    if head is not None and treaty is not None:
        chapter_match = re.search(r"CHAPTER\s+([IVXL]+)", head.get_text(), re.IGNORECASE)
        lines = [_squash(line) for line in treaty.get_text().split("\n") if _squash(line)]
        number_match = re.fullmatch(r"(\d+)\.\s*([a-z]?)", lines[0]) if lines else None
        if chapter_match and number_match:
            from_header = "-".join(
                part for part in (chapter_match[1].upper(), *number_match.groups()) if part
            )
            title = " ".join(lines[1:])
    address = None
    form = soup.find("form", action=True)
    if form is not None:
        match = re.search(r"mtdsg_no=([A-Za-z0-9-]+)", form["action"])
        address = match[1] if match else None
    if from_header and address and from_header != address:
        raise UNTCParseError(
            f"{source}: the header says treaty {from_header} but the page address says {address}."
        )
    reference = from_header or address
    if not reference:
        raise UNTCParseError(f"{source}: no MTDSG reference (e.g. IV-11-c) found in the header.")
    chapter_roman = reference.split("-")[0]
    if not re.fullmatch(r"[IVXL]+", chapter_roman):
        raise UNTCParseError(f"{source}: cannot read the chapter of reference {reference!r}.")
    return reference, _from_roman(chapter_roman), title


def _parse_status_counts(soup: BeautifulSoup, source: str) -> tuple[int, int]:
    status = _find_id(soup, "rptStatus_ctl00_tcText")
    text = _squash(status.get_text()) if status is not None else ""
    match = re.search(r"Signatories\s*:\s*(\d+).*?Parties\s*:\s*(\d+)", text, re.IGNORECASE)
    if not match:
        raise UNTCParseError(
            f'{source}: no status counts ("Signatories : N. Parties : M") in the header.'
        )
    return int(match[1]), int(match[2])


def _parse_status_date(soup: BeautifulSoup, source: str) -> datetime.date | None:
    node = soup.find(string=re.compile(r"STATUS AS AT", re.IGNORECASE))
    if node is None:
        return None
    match = re.search(r"STATUS AS AT\s*:\s*(\d{2})-(\d{2})-(\d{4})", str(node), re.IGNORECASE)
    if not match:
        raise UNTCParseError(f"{source}: cannot read the status date in {_squash(node)!r}.")
    day, month, year = (int(g) for g in match.groups())
    return datetime.date(year, month, day)


def _parse_table_date(text: str, source: str, name: str) -> tuple[datetime.date | None, str]:
    text = _squash(text)
    if not text:
        return None, ""
    match = TABLE_DATE_RE.match(text)
    month = _month(match[2]) if match else None
    if not match or not month:
        raise UNTCParseError(f"{source}: cannot read the date {text!r} for {name}.")
    try:
        return datetime.date(int(match[3]), month, int(match[1])), match[4]
    except ValueError as exc:
        raise UNTCParseError(f"{source}: invalid date {text!r} for {name}.") from exc


def _parse_participants(soup: BeautifulSoup, source: str) -> list[ParsedParticipant]:
    table = _find_id(soup, "tblgrid")
    if table is None:
        raise UNTCParseError(f"{source}: no participant table (id ending 'tblgrid').")
    rows = table.find_all("tr")
    if not rows or "participant" not in rows[0].get_text().lower():
        raise UNTCParseError(f"{source}: the participant table has no 'Participant' header row.")
    participants: list[ParsedParticipant] = []
    seen: set[str] = set()
    for row in rows[1:]:
        cells = row.find_all("td", recursive=False)
        if len(cells) != 3:
            raise UNTCParseError(
                f"{source}: a participant row has {len(cells)} cells, expected 3: "
                f"{_squash(row.get_text(' '))!r}."
            )
        name, notes = _cell_name(cells[0])
        if not name:
            raise UNTCParseError(f"{source}: a participant row has no name.")
        if name in seen:
            raise UNTCParseError(f"{source}: participant {name!r} appears twice.")
        seen.add(name)
        signature, suffix = _parse_table_date(cells[1].get_text(), source, name)
        if suffix:
            raise UNTCParseError(
                f"{source}: unexpected letter {suffix!r} after the signature date of {name}."
            )
        consent, suffix = _parse_table_date(cells[2].get_text(), source, name)
        if consent is not None and suffix not in CONSENT_SUFFIXES:
            raise UNTCParseError(
                f"{source}: unknown kind of consent {suffix!r} after the date for {name}."
            )
        if signature is None and consent is None:
            raise UNTCParseError(f"{source}: participant {name} has neither signature nor consent.")
        if signature and consent and consent < signature:
            # The database refuses this (treaties_participation_consent_not_before_signature);
            # stop here so nothing is half-imported, and let a person look at the record.
            raise UNTCParseError(
                f"{source}: {name} consented ({consent}) before signing ({signature}); "
                "check the page."
            )
        participants.append(
            ParsedParticipant(
                name=name,
                signature_date=signature,
                consent_date=consent,
                consent_type=CONSENT_SUFFIXES[suffix].value if consent else "",
                end_notes=notes,
            )
        )
    return participants


# --- declarations, reservations and objections ---------------------------------------------------


@dataclass
class _Block:
    """One entry being assembled while walking a participant's text."""

    heading: str = ""
    text: str = ""
    date: datetime.date | None = None
    context: str = ""  # the "Upon signature:" / "Upon ratification:" heading in force

    def has_text(self) -> bool:
        return bool(self.text.strip())


def _tokens(div: Tag, is_heading) -> list[tuple[str, str]]:
    """The divText of a participant, flattened to ("date"|"heading"|"text"|"sep", value)."""
    tokens: list[tuple[str, str]] = []
    for child in div.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            tokens.append(("text", str(child)))
            continue
        classes = child.get("class") or []
        if child.name == "p" and "invisible" in classes:
            continue
        if child.name == "p" and "boldText" in classes:
            tokens.append(("sep", ""))
        elif child.name == "p" and child.get("align") == "right":
            tokens.append(("date", _squash(child.get_text())))
        elif child.name == "p" and child.get("align") == "left" and child.find("i"):
            tokens.append(("heading", _squash(child.get_text())))
        elif child.name == "i" and is_heading(_squash(child.get_text())):
            tokens.append(("heading", _squash(child.get_text())))
        elif child.name == "p":
            tokens.append(("text", "\n" + _inline_text(child) + "\n"))
        else:
            tokens.append(("text", _inline_text(child)))
    return tokens


def _date_token(value: str, source: str, who: str) -> datetime.date:
    day = parse_long_date(value)
    if day is None:
        raise UNTCParseError(f"{source}: cannot read the date {value!r} under {who}.")
    return day


def _participant_blocks(table: Tag | None) -> Iterable[tuple[str, Tag]]:
    if table is None:
        return
    for name_div in table.find_all(id=re.compile("divParticipant$")):
        text_div = name_div.find_next_sibling(id=re.compile("divText$"))
        name, _ = _cell_name(name_div)
        if text_div is not None:
            yield name, text_div


def reservation_kind(heading: str) -> str:
    lowered = heading.lower()
    reservation = "reserv" in lowered
    declaration = any(w in lowered for w in ("declar", "understanding", "statement"))
    if reservation and declaration:
        return ReservationKind.DECLARATION_AND_RESERVATION.value
    if reservation:
        return ReservationKind.RESERVATION.value
    if declaration:
        return ReservationKind.DECLARATION.value
    return ReservationKind.OTHER.value


def _reservation_date(block: _Block, participant: ParsedParticipant) -> datetime.date | None:
    """The date printed above the entry; else the date of the act its heading names (upon
    signature -> signature date); else, as the page says ("Unless otherwise indicated, the
    declarations and reservations were made upon ratification, accession or succession"), the
    date of consent."""
    if block.date is not None:
        return block.date
    said = f"{block.context} {block.heading}".lower()
    if "signature" in said and "ratification" not in said:
        return participant.signature_date
    return participant.consent_date or participant.signature_date


def _declaration_blocks(div: Tag, source: str, name: str) -> list[_Block]:
    """Split one state's declarations and reservations into entries: a new entry starts at a
    heading or a printed date that follows some text."""
    entries: list[_Block] = []
    block = _Block()
    for kind, value in _tokens(div, lambda t: bool(DEC_HEADING_RE.match(t))):
        if kind == "date":
            day = _date_token(value, source, name)
            if block.has_text():
                entries.append(block)
                block = _Block(date=day)
            else:  # a date printed between a heading and its text
                block.date, block.context = day, ""
        elif kind == "heading":
            if block.has_text():
                entries.append(block)
                block = _Block(date=block.date, context=block.context)
            if value.lower().startswith("upon "):
                block.context = value
            block.heading = f"{block.heading} {value}".strip()
        elif kind == "text":
            block.text += value
    if block.has_text():
        entries.append(block)
    return entries


def _parse_reservations(soup: BeautifulSoup, page: ParsedPage) -> list[ParsedReservation]:
    source = page.source
    result: list[ParsedReservation] = []
    for name, div in _participant_blocks(_find_id(soup, "dgDec")):
        participant = page.participant(name)
        entries = _declaration_blocks(div, source, name)
        if participant is None:
            if not entries:
                continue  # e.g. "Yugoslavia (former)": a heading with nothing under it
            raise UNTCParseError(
                f"{source}: declarations are given for {name!r}, who is not in the participant "
                "table."
            )
        for order, entry in enumerate(entries):
            result.append(
                ParsedReservation(
                    participant=name,
                    order=order,
                    kind=reservation_kind(entry.heading or entry.context),
                    heading=entry.heading,
                    text=clean_text(entry.text),
                    date=_reservation_date(entry, participant),
                )
            )
    return result


def _objection_entries(div: Tag, source: str, name: str) -> list[ParsedObjection]:
    """Split one state's objections into dated entries. A heading without a date of its own was
    sent with the date above it; each line of a "Subsequently, ... objections of the same nature
    ...:" list is an objection of its own, with its own date."""
    entries: list[ParsedObjection] = []
    block = _Block()
    listing = False

    def close(block: _Block) -> None:
        if block.has_text():
            entries.append(
                ParsedObjection(
                    objecting=name,
                    order=len(entries),
                    heading=block.heading,
                    text=clean_text(block.text),
                    date=block.date,
                    regarding=block.heading,
                )
            )

    for kind, value in _tokens(div, lambda t: bool(OBJ_HEADING_RE.match(t))):
        if kind == "date":
            listing = False
            day = _date_token(value, source, name)
            if block.has_text() or SUBSEQUENT_RE.match(block.heading):
                close(block)
                block = _Block(date=day)
            else:  # a date printed between a heading and its text
                block.date = day
        elif kind == "heading":
            listing = bool(SUBSEQUENT_RE.match(value))
            if block.has_text() or listing or SUBSEQUENT_RE.match(block.heading):
                close(block)
                block = _Block(date=block.date)
            block.heading = f"{block.heading} {value}".strip()
        elif kind == "text" and listing:
            for line in (_squash(x) for x in value.split("\n")):
                match = LIST_LINE_RE.match(line)
                if match:
                    entries.append(
                        ParsedObjection(
                            objecting=name,
                            order=len(entries),
                            heading=block.heading,
                            text=line,
                            date=_date_token(match[1], source, name),
                            regarding=match[2],
                        )
                    )
                elif line:
                    block.text += "\n" + line
        elif kind == "text":
            block.text += value
    close(block)
    return entries


def _parse_objections(soup: BeautifulSoup, source: str) -> list[ParsedObjection]:
    result: list[ParsedObjection] = []
    for name, div in _participant_blocks(_find_id(soup, "dgObj")):
        result.extend(_objection_entries(div, source, name))
    return result


def _parse_end_notes(soup: BeautifulSoup, source: str) -> list[ParsedEndNote]:
    table = _find_id(soup, "dgNotesAll")
    notes: list[ParsedEndNote] = []
    if table is None:
        return notes
    for div in table.find_all(id=re.compile("divNotesAll$")):
        anchor = div.find("a", attrs={"name": True})
        if anchor is None or not anchor["name"].isdigit():
            raise UNTCParseError(f"{source}: an end note without a number: {_squash(div.text)!r}.")
        number = int(anchor["name"])
        anchor.extract()
        notes.append(ParsedEndNote(number=number, text=clean_text(_inline_text(div))))
    return notes


def _check_counts(page: ParsedPage) -> None:
    """The parsed table must say what the page's own header says."""
    signed, parties = len(page.signatories), len(page.parties)
    if (signed, parties) != (page.header_signatories, page.header_parties):
        raise UNTCParseError(
            f"{page.source}: the participant table gives {signed} signatories and {parties} "
            f"parties but the page header says {page.header_signatories} signatories and "
            f"{page.header_parties} parties; the table looks truncated or broken."
        )


def _check(page: ParsedPage) -> None:
    source = page.source
    for item in [*page.reservations, *page.objections]:
        if len(item.heading) > HEADING_MAX_LENGTH:  # never cut a deposited text short
            raise UNTCParseError(
                f"{source}: a heading of {len(item.heading)} characters is longer than the "
                f"{HEADING_MAX_LENGTH} the database holds: {item.heading[:80]!r}..."
            )
    numbers = [n.number for n in page.end_notes]
    if len(numbers) != len(set(numbers)):
        raise UNTCParseError(f"{source}: end note numbers repeat.")
    missing = sorted({n for p in page.participants for n in p.end_notes} - set(numbers))
    if missing:
        raise UNTCParseError(
            f"{source}: participants refer to end notes {missing} that the page does not have."
        )


# --- the import ----------------------------------------------------------------------------------


class UNTCImportError(Exception):
    """The files cannot be imported; nothing was written. The message names the file and why."""


def _counts(label: str):
    return field(default_factory=lambda: ImportCounts(label=label))


@dataclass
class PageResult:
    page: ParsedPage
    treaty: Treaty
    participations: ImportCounts = _counts("participations")
    reservations: ImportCounts = _counts("reservations")
    objections: ImportCounts = _counts("objections")
    end_notes: ImportCounts = _counts("end notes")
    # Participations of this treaty in the database that the page does not list (kept unless
    # pruned: published data is never deleted silently).
    absent: list[str] = field(default_factory=list)

    @property
    def counts(self) -> list[ImportCounts]:
        return [self.participations, self.reservations, self.objections, self.end_notes]


@dataclass
class ImportResult:
    pages: list[PageResult]
    treaties: ImportCounts = _counts("treaties")
    states: ImportCounts = _counts("state UN names")

    @property
    def total(self) -> ImportCounts:
        total = ImportCounts(label="total")
        for counts in [self.treaties, self.states, *(c for p in self.pages for c in p.counts)]:
            total.inserted += counts.inserted
            total.updated += counts.updated
            total.unchanged += counts.unchanged
            total.deleted += counts.deleted
        return total


def import_files(paths: Sequence[str | Path], *, prune: bool = False) -> ImportResult:
    """Parse every file, then write them all in one transaction (all or nothing)."""
    pages = []
    for path in paths:
        try:
            pages.append(parse_file(path))
        except UNTCParseError as exc:
            raise UNTCImportError(str(exc)) from exc
    return import_pages(pages, prune=prune)


def import_pages(pages: Sequence[ParsedPage], *, prune: bool = False) -> ImportResult:
    seen: dict[str, str] = {}
    for page in pages:
        if page.reference in seen:
            raise UNTCImportError(
                f"{page.source} and {seen[page.reference]} are both pages of {page.reference}."
            )
        seen[page.reference] = page.source

    treaties = {t.untc_reference: t for t in Treaty.objects.exclude(untc_reference="")}
    for page in pages:
        if page.reference not in treaties:
            known = ", ".join(f"{ref} ({t.code})" for ref, t in sorted(treaties.items()))
            raise UNTCImportError(
                f"{page.source}: the page is for treaty {page.reference} "
                f"({page.title or 'untitled'}), which is not a treaty in the database "
                f"(known: {known or 'none'}; "
                "run `manage.py load_treaties` first)."
            )

    resolver = NameResolver()
    states = _resolve_names(pages, resolver)

    with transaction.atomic():
        result = ImportResult(pages=[])
        untc_names: dict[str, str] = {}
        for page in pages:
            for participant in page.participants:
                untc_names[states[participant.name].iso2] = participant.name
        for iso2, name in sorted(untc_names.items()):
            state = resolver.states[iso2]
            _, outcome = upsert(State, {"iso2": iso2}, {"untc_name": name})
            state.untc_name = name
            result.states.add(outcome)
        for page in pages:
            result.pages.append(
                _write_page(page, treaties[page.reference], states, resolver, result, prune)
            )
    return result


def _resolve_names(pages: Sequence[ParsedPage], resolver: NameResolver) -> dict[str, State]:
    """Every participant and objecting state on every page, or an error naming what is not."""
    states: dict[str, State] = {}
    problems: list[str] = []
    for page in pages:
        names = [p.name for p in page.participants] + [o.objecting for o in page.objections]
        by_state: dict[str, str] = {}
        for name in dict.fromkeys(names):
            try:
                state = resolver.resolve(name)
            except UnmappedName as exc:
                problems.append(f"{page.source}: participant {name!r}: {exc}")
                continue
            states[name] = state
            if name in {p.name for p in page.participants}:
                other = by_state.setdefault(state.iso2, name)
                if other != name:
                    problems.append(
                        f"{page.source}: participants {other!r} and {name!r} are both {state.iso2}"
                    )
    untc: dict[str, str] = {}
    for page in pages:
        for participant in page.participants:
            state = states.get(participant.name)
            if state is not None and untc.setdefault(state.iso2, participant.name) != (
                participant.name
            ):
                problems.append(
                    f"{page.source}: {state.iso2} is {participant.name!r} here but "
                    f"{untc[state.iso2]!r} on another page"
                )
    if problems:
        raise UNTCImportError(
            "Cannot map these UN names to states (add them to "
            "treaties/importers/untc_names.py:UN_NAME_TO_ISO2); nothing was written:\n  "
            + "\n  ".join(problems)
        )
    return states


def _write_page(
    page: ParsedPage,
    treaty: Treaty,
    states: dict[str, State],
    resolver: NameResolver,
    result: ImportResult,
    prune: bool,
) -> PageResult:
    out = PageResult(page=page, treaty=treaty)
    _, outcome = upsert(
        Treaty,
        {"pk": treaty.pk},
        {"status_as_of": page.status_as_of, "status_source": page.status_source},
    )
    result.treaties.add(outcome)

    notes: dict[int, EndNote] = {}
    for note in page.end_notes:
        obj, outcome = upsert(
            EndNote, {"treaty": treaty, "number": note.number}, {"text": note.text}
        )
        notes[note.number] = obj
        out.end_notes.add(outcome)
    stale_notes = EndNote.objects.filter(treaty=treaty).exclude(number__in=list(notes))
    out.end_notes.deleted += stale_notes.count()
    stale_notes.delete()

    linked: dict[int, set[int]] = {}
    for participation_id, note_id in Participation.end_notes.through.objects.filter(
        participation__treaty=treaty
    ).values_list("participation_id", "endnote_id"):
        linked.setdefault(participation_id, set()).add(note_id)
    participations: dict[str, Participation] = {}
    for parsed in page.participants:
        participation, outcome = upsert(
            Participation,
            {"state": states[parsed.name], "treaty": treaty},
            {
                "signature_date": parsed.signature_date,
                "consent_date": parsed.consent_date,
                "consent_type": parsed.consent_type,
                "source_url": page.source_url,
                "as_of": page.status_as_of,
                "publication_status": PublicationStatus.PUBLISHED,
            },
        )
        wanted = {notes[n].pk for n in parsed.end_notes}
        if outcome == "inserted":
            participation.end_notes.set(wanted)
        elif linked.get(participation.pk, set()) != wanted:
            participation.end_notes.set(wanted)
            outcome = "updated"
        participations[parsed.name] = participation
        out.participations.add(outcome)

    absent = (
        Participation.objects.filter(treaty=treaty, revision_of__isnull=True)
        .exclude(pk__in=[p.pk for p in participations.values()])
        .select_related("state")
    )
    out.absent = [p.state.name for p in absent]
    if prune and out.absent:
        out.participations.deleted += len(out.absent)
        absent.delete()

    kept: list[int] = []
    # A new or changed text is linked to the treaty provisions it names at once, as
    # `link_reservations` (and the bulk import) would: a refresh never leaves stale links.
    provisions, slugs_by_treaty = provision_slugs()
    for parsed in page.reservations:
        participation = participations[parsed.participant]
        reservation, outcome = upsert(
            Reservation,
            {"participation": participation, "order": parsed.order},
            {
                "kind": parsed.kind,
                "heading": parsed.heading,
                "text": parsed.text,
                "date": parsed.date,
            },
        )
        kept.append(reservation.pk)
        out.reservations.add(outcome)
        if outcome != "unchanged":
            link_reservation(reservation, provisions, slugs_by_treaty)
    # Declarations the page no longer gives for the participations it lists.
    stale = Reservation.objects.filter(participation__in=list(participations.values())).exclude(
        pk__in=kept
    )
    out.reservations.deleted += stale.count()
    stale.delete()

    objection_pks = []
    for parsed in page.objections:
        mentioned = resolver.mentioned(parsed.regarding)
        objection, outcome = upsert(
            Objection,
            {"treaty": treaty, "objecting_state": states[parsed.objecting], "order": parsed.order},
            {
                "reserving_state": mentioned.pop() if len(mentioned) == 1 else None,
                "heading": parsed.heading,
                "text": parsed.text,
                "date": parsed.date,
            },
        )
        objection_pks.append(objection.pk)
        out.objections.add(outcome)
    stale_objections = Objection.objects.filter(treaty=treaty).exclude(pk__in=objection_pks)
    out.objections.deleted += stale_objections.count()
    stale_objections.delete()
    return out


# --- the diff (UNTC refresh in the admin) --------------------------------------------------------


@dataclass
class Difference:
    """One thing a page would change: a participation, a declaration or reservation, an
    objection or an end note that is new, changed or gone."""

    section: str  # "participation", "reservation", "objection", "end note", "treaty"
    action: str  # "new", "changed", "removed", "not on the page"
    subject: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    text: str = ""


@dataclass
class PageDiff:
    reference: str
    treaty: str
    source: str
    differences: list[Difference] = field(default_factory=list)

    def count(self, section: str, action: str | None = None) -> int:
        return sum(
            1
            for d in self.differences
            if d.section == section and (action is None or d.action == action)
        )


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, (tuple, list)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _field_changes(pairs: Iterable[tuple[str, object, object]]) -> list[tuple[str, str, str]]:
    shown = ((name, _shown(old), _shown(new)) for name, old, new in pairs)
    return [(name, old, new) for name, old, new in shown if old != new]


def _excerpt(text: str, length: int = 160) -> str:
    text = _squash(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def _match_items(
    subject: str,
    section: str,
    current: list[tuple[int, tuple]],
    wanted: list[tuple[int, tuple]],
    fields: tuple[str, ...],
) -> list[Difference]:
    """Match a participant's stored and parsed entries by content (a withdrawn reservation
    shows as removed, not as every later one changed); entries left over at the same position
    are a change of that entry."""
    unmatched_current = list(current)
    unmatched_wanted: list[tuple[int, tuple]] = []
    for order, item in wanted:
        hit = next((c for c in unmatched_current if c[1] == item), None)
        if hit is None:
            unmatched_wanted.append((order, item))
        else:
            unmatched_current.remove(hit)
    out: list[Difference] = []
    by_order = {order: item for order, item in unmatched_current}
    for order, item in unmatched_wanted:
        old = by_order.pop(order, None)
        if old is not None:
            out.append(
                Difference(
                    section,
                    "changed",
                    f"{subject}, {section} {order + 1}",
                    _field_changes(zip(fields, old, item, strict=True)),
                    text=_excerpt(item[fields.index("text")]),
                )
            )
        else:
            out.append(
                Difference(
                    section,
                    "new",
                    f"{subject}, {section} {order + 1}",
                    _field_changes(zip(fields, (None,) * len(fields), item, strict=True)),
                    text=_excerpt(item[fields.index("text")]),
                )
            )
    for order, item in sorted(by_order.items()):
        out.append(
            Difference(
                section,
                "removed",
                f"{subject}, {section} {order + 1}",
                _field_changes(zip(fields, item, (None,) * len(fields), strict=True)),
                text=_excerpt(item[fields.index("text")]),
            )
        )
    return out


def diff_pages(pages: Sequence[ParsedPage]) -> list[PageDiff]:
    """What `import_pages(pages)` would change, item by item, read from the database without
    writing. Raises UNTCImportError for what import_pages would refuse (unknown treaty or names).

    Not listed: `source_url` and `as_of` of every participation (they follow the page's date,
    shown once as the treaty's "status as of"), and the reserving state of an objection (derived
    from its heading).
    """
    treaties = {t.untc_reference: t for t in Treaty.objects.exclude(untc_reference="")}
    for page in pages:
        if page.reference not in treaties:
            raise UNTCImportError(
                f"{page.source}: the page is for treaty {page.reference} "
                f"({page.title or 'untitled'}), which is not a treaty in the database."
            )
    states = _resolve_names(pages, NameResolver())
    result = []
    for page in pages:
        treaty = treaties[page.reference]
        diff = PageDiff(reference=page.reference, treaty=treaty.code, source=page.source)
        result.append(diff)
        out = diff.differences
        changes = _field_changes([("status as of", treaty.status_as_of, page.status_as_of)])
        if changes:
            out.append(Difference("treaty", "changed", str(treaty), changes))

        notes = {n.number: n.text for n in EndNote.objects.filter(treaty=treaty)}
        for note in page.end_notes:
            if note.number not in notes:
                out.append(
                    Difference("end note", "new", f"note {note.number}", text=_excerpt(note.text))
                )
            elif notes[note.number] != note.text:
                out.append(
                    Difference(
                        "end note",
                        "changed",
                        f"note {note.number}",
                        [("text", _excerpt(notes[note.number]), _excerpt(note.text))],
                    )
                )
        for number in sorted(set(notes) - {n.number for n in page.end_notes}):
            out.append(
                Difference("end note", "removed", f"note {number}", text=_excerpt(notes[number]))
            )

        stored = {
            p.state_id: p
            for p in Participation.objects.filter(treaty=treaty, revision_of__isnull=True)
            .select_related("state")
            .prefetch_related("end_notes", "reservations")
        }
        seen: set[int] = set()
        for parsed in page.participants:
            state = states[parsed.name]
            seen.add(state.pk)
            current = stored.get(state.pk)
            new = (
                ("signature", parsed.signature_date),
                ("consent to be bound", parsed.consent_date),
                ("kind of consent", parsed.consent_type),
                ("end notes", tuple(sorted(parsed.end_notes))),
            )
            if current is None:
                out.append(
                    Difference(
                        "participation",
                        "new",
                        state.name,
                        _field_changes((name, None, value) for name, value in new),
                    )
                )
                old_reservations: list[tuple[int, tuple]] = []
            else:
                old = (
                    current.signature_date,
                    current.consent_date,
                    current.consent_type,
                    tuple(sorted(n.number for n in current.end_notes.all())),
                )
                changes = _field_changes(
                    (name, was, value) for (name, value), was in zip(new, old, strict=True)
                )
                if changes:
                    out.append(Difference("participation", "changed", state.name, changes))
                old_reservations = [
                    (r.order, (r.kind, r.heading, r.text, r.date))
                    for r in current.reservations.all()
                ]
            wanted = [
                (r.order, (r.kind, r.heading, r.text, r.date))
                for r in page.reservations
                if r.participant == parsed.name
            ]
            out.extend(
                _match_items(
                    state.name,
                    "reservation",
                    old_reservations,
                    wanted,
                    ("kind", "heading", "text", "date"),
                )
            )
        for state_pk, participation in stored.items():
            if state_pk not in seen:
                out.append(
                    Difference(
                        "participation",
                        "not on the page",
                        participation.state.name,
                        text="kept: published data is never deleted by a refresh",
                    )
                )

        objections: dict[int, list[tuple[int, tuple]]] = {}
        names: dict[int, str] = {}
        for o in Objection.objects.filter(treaty=treaty).select_related("objecting_state"):
            objections.setdefault(o.objecting_state_id, []).append(
                (o.order, (o.heading, o.text, o.date))
            )
            names[o.objecting_state_id] = o.objecting_state.name
        parsed_objections: dict[int, list[tuple[int, tuple]]] = {}
        for o in page.objections:
            state = states[o.objecting]
            names[state.pk] = state.name
            parsed_objections.setdefault(state.pk, []).append(
                (o.order, (o.heading, o.text, o.date))
            )
        for state_pk in sorted(set(objections) | set(parsed_objections), key=names.get):
            out.extend(
                _match_items(
                    names[state_pk],
                    "objection",
                    objections.get(state_pk, []),
                    parsed_objections.get(state_pk, []),
                    ("heading", "text", "date"),
                )
            )
    return result
