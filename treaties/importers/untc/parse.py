"""Parse a saved UN Treaty Collection (UNTC) status page: pure, no database.

A status page (https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-11-c...)
holds, for one treaty: a header (MTDSG reference, "Status: Signatories : N. Parties : M", and a
"STATUS AS AT" timestamp), the participant table, the declarations and reservations, the
objections and the numbered end notes. See data/untc/README.md.

`parse_page` returns a `ParsedPage` and raises `UNTCParseError` when the page cannot be read or
when what it parsed disagrees with the page's own header counts (that is how a truncated or broken
table is caught).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from django.utils.translation import gettext

from treaties.models import ConsentType, Reservation, ReservationKind

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


@dataclass(frozen=True)
class ParsedWithdrawal:
    """A declaration or reservation that an end note says was withdrawn, and when: the page
    drops a withdrawn text from "Declarations and Reservations" and quotes it in a note."""

    note: int
    announcement: str  # "On 28 September 2015, the Government of ... withdrawal of ..."
    withdrawn: datetime.date  # the date the announcement gives (the depositary's)
    kind: str  # a ReservationKind value, from the announcement's words
    text: str  # the withdrawn text as the note quotes it; the announcement where it quotes none
    # Participants whose entries cite the note (the table, or "Declarations and Reservations"):
    # who withdrew, where the announcement does not name a state the resolver knows.
    cited_by: tuple[str, ...] = ()


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
    withdrawals: list[ParsedWithdrawal] = field(default_factory=list)

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


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def clean_text(text: str) -> str:
    """Whitespace inside a paragraph collapsed; paragraphs (UNTC line breaks) kept as blank-line
    separated blocks."""
    lines = (squash(line) for line in text.replace("\r", "").split("\n"))
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
    return squash("".join(parts)), tuple(notes)


def _find_id(soup: BeautifulSoup, suffix: str) -> Tag | None:
    return soup.find(id=re.compile(re.escape(suffix) + "$"))


# --- the page ------------------------------------------------------------------------------------


def parse_file(path: str | Path) -> ParsedPage:
    path = Path(path)
    try:
        html = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UNTCParseError(
            gettext("%(path)s: cannot read the file (%(exc)s).") % {"path": path, "exc": exc}
        ) from exc
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
    page.withdrawals = _parse_withdrawals(page, _note_citations(soup, page))
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
        lines = [squash(line) for line in treaty.get_text().split("\n") if squash(line)]
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
            gettext(
                "%(source)s: the header says treaty %(from_header)s but the page address says "
                "%(address)s."
            )
            % {"source": source, "from_header": from_header, "address": address}
        )
    reference = from_header or address
    if not reference:
        raise UNTCParseError(
            gettext("%(source)s: no MTDSG reference (e.g. IV-11-c) found in the header.")
            % {"source": source}
        )
    chapter_roman = reference.split("-")[0]
    if not re.fullmatch(r"[IVXL]+", chapter_roman):
        raise UNTCParseError(
            gettext("%(source)s: cannot read the chapter of reference %(reference)s.")
            % {"source": source, "reference": repr(reference)}
        )
    return reference, _from_roman(chapter_roman), title


def _parse_status_counts(soup: BeautifulSoup, source: str) -> tuple[int, int]:
    status = _find_id(soup, "rptStatus_ctl00_tcText")
    text = squash(status.get_text()) if status is not None else ""
    match = re.search(r"Signatories\s*:\s*(\d+).*?Parties\s*:\s*(\d+)", text, re.IGNORECASE)
    if not match:
        raise UNTCParseError(
            gettext('%(source)s: no status counts ("Signatories : N. Parties : M") in the header.')
            % {"source": source}
        )
    return int(match[1]), int(match[2])


def _parse_status_date(soup: BeautifulSoup, source: str) -> datetime.date | None:
    node = soup.find(string=re.compile(r"STATUS AS AT", re.IGNORECASE))
    if node is None:
        return None
    match = re.search(r"STATUS AS AT\s*:\s*(\d{2})-(\d{2})-(\d{4})", str(node), re.IGNORECASE)
    if not match:
        raise UNTCParseError(
            gettext("%(source)s: cannot read the status date in %(text)s.")
            % {"source": source, "text": repr(squash(node))}
        )
    day, month, year = (int(g) for g in match.groups())
    return datetime.date(year, month, day)


def _parse_table_date(text: str, source: str, name: str) -> tuple[datetime.date | None, str]:
    text = squash(text)
    if not text:
        return None, ""
    match = TABLE_DATE_RE.match(text)
    month = _month(match[2]) if match else None
    if not match or not month:
        raise UNTCParseError(
            gettext("%(source)s: cannot read the date %(text)s for %(name)s.")
            % {"source": source, "text": repr(text), "name": name}
        )
    try:
        return datetime.date(int(match[3]), month, int(match[1])), match[4]
    except ValueError as exc:
        raise UNTCParseError(
            gettext("%(source)s: invalid date %(text)s for %(name)s.")
            % {"source": source, "text": repr(text), "name": name}
        ) from exc


def _parse_participants(soup: BeautifulSoup, source: str) -> list[ParsedParticipant]:
    table = _find_id(soup, "tblgrid")
    if table is None:
        raise UNTCParseError(
            gettext("%(source)s: no participant table (id ending 'tblgrid').") % {"source": source}
        )
    rows = table.find_all("tr")
    if not rows or "participant" not in rows[0].get_text().lower():
        raise UNTCParseError(
            gettext("%(source)s: the participant table has no 'Participant' header row.")
            % {"source": source}
        )
    participants: list[ParsedParticipant] = []
    seen: set[str] = set()
    for row in rows[1:]:
        cells = row.find_all("td", recursive=False)
        if len(cells) != 3:
            raise UNTCParseError(
                gettext("%(source)s: a participant row has %(count)s cells, expected 3: %(row)s.")
                % {"source": source, "count": len(cells), "row": repr(squash(row.get_text(" ")))}
            )
        name, notes = _cell_name(cells[0])
        if not name:
            raise UNTCParseError(
                gettext("%(source)s: a participant row has no name.") % {"source": source}
            )
        if name in seen:
            raise UNTCParseError(
                gettext("%(source)s: participant %(name)s appears twice.")
                % {"source": source, "name": repr(name)}
            )
        seen.add(name)
        signature, suffix = _parse_table_date(cells[1].get_text(), source, name)
        if suffix:
            raise UNTCParseError(
                gettext(
                    "%(source)s: unexpected letter %(suffix)s after the signature date of %(name)s."
                )
                % {"source": source, "suffix": repr(suffix), "name": name}
            )
        consent, suffix = _parse_table_date(cells[2].get_text(), source, name)
        if consent is not None and suffix not in CONSENT_SUFFIXES:
            raise UNTCParseError(
                gettext(
                    "%(source)s: unknown kind of consent %(suffix)s after the date for %(name)s."
                )
                % {"source": source, "suffix": repr(suffix), "name": name}
            )
        if signature is None and consent is None:
            raise UNTCParseError(
                gettext("%(source)s: participant %(name)s has neither signature nor consent.")
                % {"source": source, "name": name}
            )
        if signature and consent and consent < signature:
            # The database refuses this (treaties_participation_consent_not_before_signature);
            # stop here so nothing is half-imported, and let a person look at the record.
            raise UNTCParseError(
                gettext(
                    "%(source)s: %(name)s consented (%(consent)s) before signing "
                    "(%(signature)s); check the page."
                )
                % {"source": source, "name": name, "consent": consent, "signature": signature}
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
            tokens.append(("date", squash(child.get_text())))
        elif child.name == "p" and child.get("align") == "left" and child.find("i"):
            tokens.append(("heading", squash(child.get_text())))
        elif child.name == "i" and is_heading(squash(child.get_text())):
            tokens.append(("heading", squash(child.get_text())))
        elif child.name == "p":
            tokens.append(("text", "\n" + _inline_text(child) + "\n"))
        else:
            tokens.append(("text", _inline_text(child)))
    return tokens


def _date_token(value: str, source: str, who: str) -> datetime.date:
    day = parse_long_date(value)
    if day is None:
        raise UNTCParseError(
            gettext("%(source)s: cannot read the date %(value)s under %(who)s.")
            % {"source": source, "value": repr(value), "who": who}
        )
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
                gettext(
                    "%(source)s: declarations are given for %(name)s, who is not in the "
                    "participant table."
                )
                % {"source": source, "name": repr(name)}
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


def _regarding(block: _Block) -> str:
    """Where a block names the reserving state(s): its own heading; else (no heading, or the
    heading of a list that came before it) the first paragraph of its text, before any quoted
    text (a quotation names other states in passing)."""
    if block.heading and not SUBSEQUENT_RE.match(block.heading):
        return block.heading
    first = clean_text(block.text).split("\n\n")[0]
    return re.split(r"[\"“]", first, maxsplit=1)[0].strip()


def _list_intro(line: str) -> bool:
    line = squash(line)
    return bool(SUBSEQUENT_RE.match(line)) and "same nature" in line.lower()


def _objection_entries(div: Tag, source: str, name: str) -> list[ParsedObjection]:
    """Split one state's objections into dated entries. A heading without a date of its own was
    sent with the date above it; each line of a "Subsequently, ... objections of the same nature
    ...:" list (an italic heading, or a plain paragraph) is an objection of its own, with its own
    date; text after such a list is an entry of its own again."""
    entries: list[ParsedObjection] = []
    block = _Block()
    listing = False  # inside a "Subsequently ..." list
    listed = False  # the list has given at least one entry

    def close(block: _Block) -> None:
        if block.has_text():
            entries.append(
                ParsedObjection(
                    objecting=name,
                    order=len(entries),
                    heading=block.heading,
                    text=clean_text(block.text),
                    date=block.date,
                    regarding=_regarding(block),
                )
            )

    for kind, value in _tokens(div, lambda t: bool(OBJ_HEADING_RE.match(t))):
        if kind == "date":
            listing = listed = False
            day = _date_token(value, source, name)
            if block.has_text() or SUBSEQUENT_RE.match(block.heading):
                close(block)
                block = _Block(date=day)
            else:  # a date printed between a heading and its text
                block.date = day
        elif kind == "heading":
            listing, listed = bool(SUBSEQUENT_RE.match(value)), False
            if block.has_text() or listing or SUBSEQUENT_RE.match(block.heading):
                close(block)
                block = _Block(date=block.date)
            block.heading = f"{block.heading} {value}".strip()
        elif kind == "text":
            lines = value.split("\n")
            if not listing:
                intro = next((i for i, raw in enumerate(lines) if _list_intro(raw)), None)
                if intro is None:
                    block.text += value
                    continue
                # The list's introduction printed as a paragraph, not as a heading.
                block.text += "\n".join(lines[:intro])
                close(block)
                block = _Block(date=block.date, heading=squash(lines[intro]))
                listing, listed = True, False
                lines = lines[intro + 1 :]
            for raw in lines:
                line = squash(raw)
                match = LIST_LINE_RE.match(line)
                if match:
                    listed = True
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
                elif line and listed:
                    # Text after the list: a communication of its own (undated here).
                    listing = listed = False
                    close(block)
                    block = _Block()
                    block.text += line + "\n"
                elif line and listing:
                    block.text += "\n" + line
                elif not listing:
                    block.text += raw + "\n"
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
            raise UNTCParseError(
                gettext("%(source)s: an end note without a number: %(text)s.")
                % {"source": source, "text": repr(squash(div.text))}
            )
        number = int(anchor["name"])
        anchor.extract()
        notes.append(ParsedEndNote(number=number, text=clean_text(_inline_text(div))))
    return notes


# An end note paragraph that announces a withdrawal: a date, a government (or state) and a word
# of withdrawing; not a partial withdrawal (the reservation stays, narrowed), not an objection's.
WITHDRAW_RE = re.compile(r"\bwithdr(?:aw|awal|awn|ew|aws)\b", re.IGNORECASE)
# A paragraph that starts another communication ends the text a withdrawal quotes.
NOTICE_RE = re.compile(
    r"^(on|subsequently|further|furthermore|moreover|in this regard|by a communication|"
    r"in a communication|in a note|it should be noted)\b",
    re.IGNORECASE,
)


def _is_withdrawal(paragraph: str) -> bool:
    lowered = paragraph.lower()
    return bool(
        WITHDRAW_RE.search(paragraph)
        and paragraph[:1] not in "\"“”'[(.…"
        and parse_long_date(paragraph) is not None
        and ("government" in lowered or "state of" in lowered)
        and "partial" not in lowered
        and "objection" not in lowered
    )


def _introduces_withdrawal(paragraph: str, following: str) -> bool:
    """A dated communication "of the following:" whose next paragraph withdraws something."""
    return bool(
        paragraph.rstrip().endswith("the following:")
        and not WITHDRAW_RE.search(paragraph)
        and parse_long_date(paragraph) is not None
        and "government" in paragraph.lower()
        and WITHDRAW_RE.search(following)
        and "partial" not in following.lower()
    )


def _note_citations(soup: BeautifulSoup, page: ParsedPage) -> dict[int, list[str]]:
    """Which participants cite each end note: in the participant table, and beside their name
    or inside their text under "Declarations and Reservations"."""
    cited: dict[int, list[str]] = {}
    for participant in page.participants:
        for number in participant.end_notes:
            cited.setdefault(number, []).append(participant.name)
    table = _find_id(soup, "dgDec")
    if table is not None:
        for name_div in table.find_all(id=re.compile("divParticipant$")):
            name, notes = _cell_name(name_div)
            text_div = name_div.find_next_sibling(id=re.compile("divText$"))
            if text_div is not None:
                for node in text_div.find_all(["sup", "superscript"]):
                    notes += tuple(int(n) for n in re.findall(r"\d+", node.get_text()))
            for number in notes:
                if name not in cited.setdefault(number, []):
                    cited[number].append(name)
    return cited


# A caption inside a withdrawal's quoted text that says what follows: "The text of the withdrawn
# reservations read as follows:", "Declaration:", "Reservations:".
CAPTION_RE = re.compile(
    r"^(the text of the [^.:]{0,40}?\b(reservations?|declarations?)\b[^.:]{0,40}?follows?:"
    r"|(declarations?|reservations?):)$",
    re.IGNORECASE,
)


def _after_introduction(quoted: list[str]) -> list[str]:
    """The quoted text without the note's own words before it: where one of the first two
    paragraphs introduces the text ("The reservations made upon accession read as follow:"),
    what comes before it and the introduction itself are the note's, not the state's."""
    for i, paragraph in enumerate(quoted[:2]):
        line = paragraph.strip()
        if (
            line.lower().endswith(("as follows:", "as follow:"))
            and not CAPTION_RE.match(line)
            and i + 1 < len(quoted)
        ):
            return quoted[i + 1 :]
    return quoted


def _by_caption(announcement: str, quoted: list[str]) -> list[tuple[str, list[str]]]:
    """The quoted paragraphs of one withdrawal, split where captions name a declaration and a
    reservation apart (Austria's, Liechtenstein's, Tunisia's): one entry each, the caption
    giving its kind (the first caption may end the announcement itself). With fewer than two
    captions, one entry of all the paragraphs."""
    groups: list[tuple[str, list[str]]] = []
    last_sentence = re.split(r"(?<=\.)\s+", announcement.strip())[-1]
    if CAPTION_RE.match(last_sentence):
        groups.append((last_sentence, []))
    for paragraph in quoted:
        if CAPTION_RE.match(paragraph.strip()):
            groups.append((paragraph.strip(), []))
        elif groups:
            groups[-1][1].append(paragraph)
        else:
            groups.append(("", [paragraph]))
    captioned = [g for g in groups if g[0] and g[1]]
    if len(captioned) < 2 or len(captioned) != len(groups):
        return [("", quoted)]
    return captioned


def _parse_withdrawals(page: ParsedPage, cited: dict[int, list[str]]) -> list[ParsedWithdrawal]:
    """Every withdrawal the end notes announce, with the text they quote: the paragraphs after
    the announcement up to the next communication (or the note's end)."""
    found: list[ParsedWithdrawal] = []
    for note in page.end_notes:
        current: tuple[str, list[str]] | None = None

        def finish(current: tuple[str, list[str]], note: ParsedEndNote = note) -> None:
            announcement, quoted = current
            quoted = _after_introduction(quoted)
            for caption, paragraphs in _by_caption(announcement, quoted):
                found.append(
                    ParsedWithdrawal(
                        note=note.number,
                        announcement=announcement,
                        withdrawn=parse_long_date(announcement),
                        kind=reservation_kind(caption or announcement),
                        text="\n\n".join(paragraphs) or announcement,
                        cited_by=tuple(cited.get(note.number, ())),
                    )
                )

        paragraphs = note.text.split("\n\n")
        for i, paragraph in enumerate(paragraphs):
            following = paragraphs[i + 1] if i + 1 < len(paragraphs) else ""
            if _introduces_withdrawal(paragraph, following):
                # "... informed the Secretary-General of the following:" and then the
                # government's words "... is hereby withdrawn:": one announcement.
                paragraphs[i + 1] = f"{paragraph}\n\n{following}"
                if current is not None:
                    finish(current)
                    current = None
                continue
            if _is_withdrawal(paragraph):
                if current is not None:
                    finish(current)
                current = (paragraph, [])
            elif current is not None and NOTICE_RE.match(paragraph):
                finish(current)
                current = None
            elif current is not None:
                current[1].append(paragraph)
        if current is not None:
            finish(current)
    return found


def _check_counts(page: ParsedPage) -> None:
    """The parsed table must say what the page's own header says."""
    signed, parties = len(page.signatories), len(page.parties)
    if (signed, parties) != (page.header_signatories, page.header_parties):
        raise UNTCParseError(
            gettext(
                "%(source)s: the participant table gives %(signed)s signatories and %(parties)s "
                "parties but the page header says %(header_signatories)s signatories and "
                "%(header_parties)s parties; the table looks truncated or broken."
            )
            % {
                "source": page.source,
                "signed": signed,
                "parties": parties,
                "header_signatories": page.header_signatories,
                "header_parties": page.header_parties,
            }
        )


def _check(page: ParsedPage) -> None:
    source = page.source
    for item in [*page.reservations, *page.objections]:
        if len(item.heading) > HEADING_MAX_LENGTH:  # never cut a deposited text short
            raise UNTCParseError(
                gettext(
                    "%(source)s: a heading of %(length)s characters is longer than the %(max)s "
                    "the database holds: %(heading)s..."
                )
                % {
                    "source": source,
                    "length": len(item.heading),
                    "max": HEADING_MAX_LENGTH,
                    "heading": repr(item.heading[:80]),
                }
            )
    numbers = [n.number for n in page.end_notes]
    if len(numbers) != len(set(numbers)):
        raise UNTCParseError(gettext("%(source)s: end note numbers repeat.") % {"source": source})
    missing = sorted({n for p in page.participants for n in p.end_notes} - set(numbers))
    if missing:
        raise UNTCParseError(
            gettext(
                "%(source)s: participants refer to end notes %(missing)s that the page does not "
                "have."
            )
            % {"source": source, "missing": missing}
        )
