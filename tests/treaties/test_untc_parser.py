"""Parsing the real UN Treaty Collection pages in data/untc/ (no database).

The facts asserted here were read off the saved HTML by hand.
"""

import datetime
from collections import Counter
from functools import cache

import pytest
from django.conf import settings

from treaties.importers.untc import (
    DEFAULT_STATUS_DATE,
    ParsedPage,
    UNTCParseError,
    parse_file,
    parse_page,
)

UNTC = settings.DATA_DIR / "untc"
HEADERS = {
    # file: (reference, signatories, parties), as the README and the page headers give them
    "crc": ("IV-11", 140, 196),
    "opac": ("IV-11-b", 130, 173),
    "opsc": ("IV-11-c", 122, 178),
    "opic": ("IV-11-d", 54, 53),
}


@cache
def page(name: str) -> ParsedPage:
    return parse_file(UNTC / f"{name}.html")


@cache
def html(name: str) -> str:
    return (UNTC / f"{name}.html").read_text(encoding="utf-8")


def participant(name: str, who: str):
    found = page(name).participant(who)
    assert found is not None, who
    return found


@pytest.mark.parametrize("name", sorted(HEADERS))
def test_parsed_counts_equal_the_page_header(name):
    reference, signatories, parties = HEADERS[name]
    parsed = page(name)
    assert parsed.reference == reference
    assert (parsed.header_signatories, parsed.header_parties) == (signatories, parties)
    assert len(parsed.signatories) == signatories
    assert len(parsed.parties) == parties
    assert parsed.status_as_of == datetime.date(2026, 2, 3)
    assert parsed.status_as_of_printed


def test_opsc_parties_by_kind_of_consent():
    kinds = Counter(p.consent_type for p in page("opsc").parties)
    assert kinds == {"ratification": 114, "accession": 63, "succession": 1}
    montenegro = participant("opsc", "Montenegro")
    assert (montenegro.consent_type, montenegro.consent_date) == (
        "succession",
        datetime.date(2006, 10, 23),
    )
    assert montenegro.end_notes == (4,)


def test_signatories_count_every_state_that_signed_including_later_parties():
    andorra = participant("opsc", "Andorra")
    assert andorra.signature_date == datetime.date(2000, 9, 7)
    assert (andorra.consent_date, andorra.consent_type) == (
        datetime.date(2001, 4, 30),
        "ratification",
    )
    cameroon = participant("opsc", "Cameroon")
    assert (cameroon.signature_date, cameroon.consent_date, cameroon.consent_type) == (
        datetime.date(2001, 10, 5),
        None,
        "",
    )
    # 122 signed; 8 of them have not (yet) become parties.
    signed_only = [p for p in page("opsc").signatories if p.consent_date is None]
    assert len(signed_only) == 8


def test_participant_rows_read_dates_kinds_and_un_names():
    afghanistan = participant("opsc", "Afghanistan")
    assert (afghanistan.signature_date, afghanistan.consent_date, afghanistan.consent_type) == (
        None,
        datetime.date(2002, 9, 19),
        "accession",
    )
    argentina = participant("opsc", "Argentina")
    assert (argentina.signature_date, argentina.consent_date) == (
        datetime.date(2002, 4, 1),
        datetime.date(2003, 9, 25),
    )
    # UN spellings are kept as printed; superscript note numbers are not part of the name.
    names = {p.name for p in page("opsc").participants}
    assert {"Netherlands (Kingdom of the)", "Türkiye", "Bahamas (The)"} <= names
    assert participant(
        "opsc", "United Kingdom of Great Britain and Northern Ireland"
    ).end_notes == (
        7,
        8,
        9,
    )


def test_crc_acceptance_signature_only_and_same_day_ratification():
    netherlands = participant("crc", "Netherlands (Kingdom of the)")
    assert (netherlands.consent_type, netherlands.consent_date) == (
        "acceptance",
        datetime.date(1995, 2, 6),
    )
    usa = participant("crc", "United States of America")
    assert (usa.signature_date, usa.consent_date) == (datetime.date(1995, 2, 16), None)
    holy_see = participant("crc", "Holy See")
    assert holy_see.signature_date == holy_see.consent_date == datetime.date(1990, 4, 20)
    assert Counter(p.consent_type for p in page("crc").parties)["succession"] == 8


def test_argentina_opsc_declaration_is_clean_text_with_its_paragraphs():
    (declaration,) = [r for r in page("opsc").reservations if r.participant == "Argentina"]
    assert (declaration.kind, declaration.heading) == ("declaration", "Declaration:")
    assert declaration.text.startswith(
        "With reference to article 2, the Argentine Republic would prefer a broader definition "
        "of sale of children"
    )
    assert "Concerning article 7, the Argentine Republic construes the term 'confiscation'" in (
        declaration.text
    )
    paragraphs = declaration.text.split("\n\n")
    assert len(paragraphs) == 4  # three on articles 2, 3 and 7, then the translator's note
    assert paragraphs[3].startswith("*Translator's note: The meaning of the Spanish term")
    assert "<" not in declaration.text and "\xa0" not in declaration.text
    # Made upon ratification (the page's general rule), so dated as the ratification.
    assert declaration.date == datetime.date(2003, 9, 25)


def test_declarations_upon_signature_and_upon_ratification_are_separate_and_dated():
    belgium = [r for r in page("opsc").reservations if r.participant == "Belgium"]
    assert [(r.heading, r.date) for r in belgium] == [
        ("Upon signature: Declaration:", datetime.date(2000, 9, 6)),
        ("Upon ratification: Declaration:", datetime.date(2006, 3, 17)),
    ]
    assert "'child pornography' is understood to mean the visual representation" in belgium[1].text


def test_reservation_kinds_follow_the_headings():
    opsc = {(r.participant, r.order): r for r in page("opsc").reservations}
    assert opsc["Syrian Arab Republic", 0].kind == "reservation"
    assert opsc["Syrian Arab Republic", 1].kind == "declaration"
    assert "article 3, paragraph 5" in opsc["United Arab Emirates", 0].text
    assert opsc["Denmark", 0].text.count("any visual representation") == 1
    crc = {(r.participant, r.order): r for r in page("crc").reservations}
    holy_see = [r for key, r in crc.items() if key[0] == "Holy See"]
    assert [(r.kind, r.heading) for r in holy_see] == [
        ("reservation", "Reservations:"),
        ("declaration", "Declaration:"),
    ]


def test_objections_are_dated_and_name_what_they_object_to():
    austria = [o for o in page("opsc").objections if o.objecting == "Austria"]
    assert len(austria) == 1
    assert austria[0].date == datetime.date(2002, 10, 4)  # printed "4 Octobre 2002"
    assert austria[0].heading == "With regard to the reservation made by Qatar upon accession:"
    assert "the Government of Austria objects to this reservation" in austria[0].text
    assert len(page("opsc").objections) == 15


def test_a_list_of_later_objections_gives_one_objection_each_with_its_own_date():
    finland = [o for o in page("crc").objections if o.objecting == "Finland"]
    listed = [(o.date, o.regarding) for o in finland if o.heading.startswith("Subsequently")]
    assert listed == [
        (
            datetime.date(1991, 7, 25),
            "with regard to the reservation made by Pakistan upon signature and confirmed upon "
            "ratification",
        ),
        (datetime.date(1993, 6, 9), "with regard to the reservation made by Qatar upon signature"),
        (
            datetime.date(1994, 6, 24),
            "with regard to the reservations made by the Syrian Arab Republic upon ratification",
        ),
        (
            datetime.date(1995, 9, 5),
            "with regard to the reservation made by Iran (Islamic Republic of) upon ratification",
        ),
    ]


def test_end_notes_are_numbered_with_their_text():
    notes = {n.number: n.text for n in page("opsc").end_notes}
    assert sorted(notes) == list(range(1, 13))
    assert notes[1] == "For the Kingdom of Belgium."
    assert notes[3].startswith("By a commmunication received on 10 October 2016")


def test_a_truncated_participant_table_is_refused():
    text = html("opsc")
    start = text.index("<td>Andorra<br")
    start = text.rindex("<tr", 0, start)
    end = text.index("</tr>", start) + len("</tr>")
    with pytest.raises(UNTCParseError) as error:
        parse_page(text[:start] + text[end:], source="opsc-truncated.html")
    message = str(error.value)
    assert "opsc-truncated.html" in message
    assert "121 signatories and 177 parties" in message
    assert "122 signatories and 178 parties" in message


def test_a_page_without_status_counts_is_refused():
    text = html("opic").replace("Signatories :", "Signed :")
    with pytest.raises(UNTCParseError, match="no status counts"):
        parse_page(text, source="opic.html")


def test_the_status_date_printed_on_the_page_is_preferred_to_the_date_saved():
    text = html("opic")
    later = parse_page(text.replace("STATUS AS AT : 03-02-2026", "STATUS AS AT : 04-03-2026"))
    assert (later.status_as_of, later.status_as_of_printed) == (datetime.date(2026, 3, 4), True)
    undated = parse_page(text.replace("STATUS AS AT : 03-02-2026 10:16:18 EDT", ""))
    assert (undated.status_as_of, undated.status_as_of_printed) == (DEFAULT_STATUS_DATE, False)


def test_header_and_address_must_name_the_same_treaty():
    text = html("opic").replace(
        'mtdsg_no=IV-11-d&amp;chapter=4&amp;clang=_en" id="aspnetForm',
        'mtdsg_no=IV-11-c&amp;chapter=4&amp;clang=_en" id="aspnetForm',
    )
    with pytest.raises(
        UNTCParseError, match="header says treaty IV-11-d but the page address says IV-11-c"
    ):
        parse_page(text, source="opic.html")
