"""`manage.py import_untc` against the real pages in data/untc/, and against broken copies."""

import datetime
from functools import cache
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F

from tests.factories import ParticipationFactory
from treaties.importers.untc import ParsedPage, import_pages, parse_file
from treaties.models import EndNote, Objection, Participation, Reservation, State, Treaty

pytestmark = pytest.mark.django_db

UNTC = settings.DATA_DIR / "untc"
ALL_FILES = [str(UNTC / f"{name}.html") for name in ("crc", "opac", "opsc", "opic")]


@cache
def page(name: str) -> ParsedPage:
    """Each real page is parsed once per test session; the writes happen in each test."""
    return parse_file(UNTC / f"{name}.html")


@pytest.fixture
def reference_data(reference):
    """The real states and treaties (loaded once per session: tests/snapshots.py)."""


def run(*files, prune=False) -> str:
    out = StringIO()
    call_command("import_untc", *files, *(["--prune"] if prune else []), stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Participation, Reservation, Objection, EndNote)
    }


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> str:
    text = (UNTC / f"{name}.html").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / f"{name}-broken.html"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return str(path)


def test_all_four_pages_load_with_the_header_counts(reference_data):
    run(*ALL_FILES)
    expected = {"crc": (140, 196), "opac": (130, 173), "opsc": (122, 178), "opic": (54, 53)}
    for code, (signed, parties) in expected.items():
        rows = Participation.objects.for_treaty(code)
        assert rows.filter(signature_date__isnull=False).count() == signed, code
        assert rows.parties().count() == parties, code
    opsc = Participation.objects.for_treaty("opsc")
    assert opsc.filter(consent_type="accession").count() == 63
    assert list(opsc.filter(consent_type="succession").values_list("state__iso2", flat=True)) == [
        "ME"
    ]
    assert not Participation.objects.exclude(publication_status="published").exists()


def test_rerunning_changes_nothing(db, reference_snapshots):
    reference_snapshots.restore("untc_all")  # the rows a first run wrote (tests/snapshots.py)
    before = row_counts()
    second = run(*ALL_FILES)
    assert row_counts() == before
    total = sum(before.values()) + 4 + 197  # + the 4 treaties' status and 197 states' UN names
    assert f"total: 0 inserted, 0 updated, {total} unchanged" in second
    assert "participations: 0 inserted, 0 updated, 186 unchanged" in second


def test_participations_carry_dates_kind_source_and_end_notes(reference_data):
    import_pages([page("opsc")])
    argentina = Participation.objects.get(treaty__code="opsc", state__iso2="AR")
    assert (argentina.signature_date, argentina.consent_date, argentina.consent_type) == (
        datetime.date(2002, 4, 1),
        datetime.date(2003, 9, 25),
        "ratification",
    )
    assert argentina.source_url == (
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-11-c"
        "&chapter=4&clang=_en"
    )
    assert argentina.as_of == datetime.date(2026, 2, 3)
    afghanistan = Participation.objects.get(treaty__code="opsc", state__iso2="AF")
    assert (afghanistan.signature_date, afghanistan.consent_type) == (None, "accession")
    assert afghanistan.status() == "party"
    assert Participation.objects.get(treaty__code="opsc", state__iso2="CM").status() == "signatory"
    gb = Participation.objects.get(treaty__code="opsc", state__iso2="GB")
    assert sorted(gb.end_notes.values_list("number", flat=True)) == [7, 8, 9]
    opsc = Treaty.objects.get(code="opsc")
    assert opsc.status_as_of == datetime.date(2026, 2, 3)
    assert opsc.status_source == (
        "United Nations Treaty Collection, Multilateral Treaties Deposited with the "
        "Secretary-General, Chapter IV, status as at 3 February 2026"
    )


def test_un_spellings_map_to_iso_codes_and_are_recorded(reference_data):
    import_pages([page("opsc")])
    for iso2, untc_name in {
        "NL": "Netherlands (Kingdom of the)",
        "TR": "Türkiye",
        "BS": "Bahamas (The)",
        "BO": "Bolivia (Plurinational State of)",
        "KP": "Democratic People's Republic of Korea",
        "GB": "United Kingdom of Great Britain and Northern Ireland",
    }.items():
        state = State.objects.get(iso2=iso2)
        assert state.untc_name == untc_name
        assert state.participations.filter(treaty__code="opsc").exists(), iso2


def test_declarations_and_objections_are_stored_with_the_states_they_concern(reference_data):
    import_pages([page("opsc")])
    declaration = Reservation.objects.get(
        participation__treaty__code="opsc", participation__state__iso2="AR"
    )
    assert declaration.kind == "declaration"
    assert "the Argentine Republic would prefer a broader definition of sale of children" in (
        declaration.text
    )
    austria = Objection.objects.get(treaty__code="opsc", objecting_state__iso2="AT")
    assert austria.reserving_state.iso2 == "QA"
    assert austria.date == datetime.date(2002, 10, 4)
    # "teh United Arab Emirates" (sic) is still found by its exact name in the heading.
    gb = Objection.objects.get(treaty__code="opsc", objecting_state__iso2="GB")
    assert gb.reserving_state.iso2 == "AE"
    # "Turkey" in the objections is the state the table calls "Türkiye".
    assert set(
        Objection.objects.filter(treaty__code="opsc", reserving_state__iso2="TR").values_list(
            "objecting_state__iso2", flat=True
        )
    ) == {"CY", "SE"}


def test_an_objection_naming_several_states_is_stored_with_each_of_them(reference_data):
    import_pages([page("crc")])
    germany = Objection.objects.filter(treaty__code="crc", objecting_state__iso2="DE")
    both = germany.filter(heading__contains="Malaysia upon accession and Qatar")
    assert sorted(o.reserving_state.iso2 for o in both) == ["MY", "QA"]
    assert len({(o.heading, o.text, o.date) for o in both}) == 1  # one text, one record each
    assert germany.get(date=datetime.date(1992, 6, 25)).reserving_state.iso2 == "MM"
    # "- 14 June 1996: with regard to the reservation made by Botswana upon accession and
    # Turkey upon ratification;" in the Netherlands' list.
    netherlands = Objection.objects.filter(treaty__code="crc", objecting_state__iso2="NL")
    assert sorted(
        netherlands.filter(date=datetime.date(1996, 6, 14)).values_list(
            "reserving_state__iso2", flat=True
        )
    ) == ["BW", "TR"]
    # The first Netherlands objection names five states in its heading: five records.
    first = netherlands.filter(heading__startswith="With regard to the reservations made by Dji")
    assert sorted(first.values_list("reserving_state__iso2", flat=True)) == [
        "DJ",
        "ID",
        "IR",
        "PK",
        "SY",
    ]
    # Every objection of the CRC names its reserving state now, and none names its own author.
    assert not Objection.objects.filter(treaty__code="crc", reserving_state__isnull=True).exists()
    assert not Objection.objects.filter(objecting_state=F("reserving_state")).exists()


def test_swedens_later_crc_objections_are_records_of_their_own(reference_data):
    import_pages([page("crc")])
    sweden = Objection.objects.filter(treaty__code="crc", objecting_state__iso2="SE")
    # The page: the objection to Indonesia's reservation (20 September 1991), then "Subsequently,
    # the Secretary-General received, from the Government of Sweden, objections of the same
    # nature ..." with one dated line per state, then the objection to Somalia's (2016).
    assert [(o.date.isoformat(), o.reserving_state.iso2) for o in sweden.order_by("order")] == [
        ("1991-09-20", "ID"),
        ("1991-09-20", "PK"),
        ("1992-08-26", "JO"),
        ("1994-03-29", "SY"),
        ("1995-09-01", "IR"),
        ("1996-06-26", "MY"),
        ("1997-03-18", "SA"),
        ("1998-02-09", "OM"),
        ("2016-04-18", "SO"),
    ]
    indonesia = sweden.get(reserving_state__iso2="ID")
    assert indonesia.text.endswith(
        'entry into force of the Convention between Sweden and the Republic of Indonesia."'
    )
    oman = sweden.get(reserving_state__iso2="OM")
    assert oman.text == (
        "- 9 February 1998: with regard to the reservation made by Oman upon accession."
    )


def test_the_netherlands_declaration_on_the_uae_reservation_names_the_uae(reference_data):
    import_pages([page("crc")])
    declaration = Objection.objects.get(
        treaty__code="crc", objecting_state__iso2="NL", text__startswith="Moreover"
    )
    assert "reservation made by the Government of the United Arab Emirates" in declaration.text
    assert declaration.reserving_state.iso2 == "AE"
    assert declaration.heading == ""


def test_an_edited_record_is_restored_from_the_page(reference_data):
    import_pages([page("opsc")])
    Participation.objects.filter(treaty__code="opsc", state__iso2="AR").update(
        consent_date=datetime.date(2004, 1, 1)
    )
    output = run(str(UNTC / "opsc.html"))
    assert "participations: 0 inserted, 1 updated, 185 unchanged" in output
    restored = Participation.objects.get(treaty__code="opsc", state__iso2="AR")
    assert restored.consent_date == datetime.date(2003, 9, 25)


def test_participations_missing_from_the_page_are_reported_and_pruned_only_on_request(
    reference_data,
):
    import_pages([page("opsc")])
    opsc = Treaty.objects.get(code="opsc")
    somewhere = State.objects.exclude(participations__treaty=opsc).order_by("iso2").first()
    ParticipationFactory(state=somewhere, treaty=opsc)

    output = run(str(UNTC / "opsc.html"))
    assert f"1 participations not on the page, kept; use --prune to delete: {somewhere.name}" in (
        output
    )
    assert Participation.objects.filter(treaty=opsc, state=somewhere).exists()

    output = run(str(UNTC / "opsc.html"), prune=True)
    assert "deleted (--prune)" in output
    assert not Participation.objects.filter(treaty=opsc, state=somewhere).exists()
    assert Participation.objects.filter(treaty=opsc).count() == 186


def test_an_unmappable_name_stops_everything_and_names_the_participant(reference_data, tmp_path):
    broken = broken_copy(tmp_path, "opsc", "<td>Afghanistan<br", "<td>Afghanistania<br")
    with pytest.raises(CommandError) as error:
        run(str(UNTC / "opic.html"), broken)
    message = str(error.value)
    assert "'Afghanistania'" in message
    assert broken in message
    # All or nothing: the good file given alongside was not written either.
    assert row_counts() == {"Participation": 0, "Reservation": 0, "Objection": 0, "EndNote": 0}
    assert not State.objects.exclude(untc_name="").exists()
    assert Treaty.objects.get(code="opic").status_as_of is None


def test_a_truncated_table_stops_everything(reference_data, tmp_path):
    text = (UNTC / "opac.html").read_text(encoding="utf-8")
    cut = text.index("<td>Zambia")  # drop the table's last rows (Zambia, Zimbabwe)
    end = text.index("</table>", cut)
    path = tmp_path / "opac-truncated.html"
    path.write_text(text[: text.rindex("<tr", 0, cut)] + text[end:], encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(str(UNTC / "opsc.html"), str(path))
    assert "opac-truncated.html" in str(error.value)
    assert "but the page header says 130 signatories and 173 parties" in str(error.value)
    assert not Participation.objects.exists()


def test_a_page_for_an_unknown_treaty_is_refused(reference_data, tmp_path):
    text = (UNTC / "opic.html").read_text(encoding="utf-8")
    path = tmp_path / "other.html"
    path.write_text(text.replace("IV-11-d", "IV-99-z").replace("11. d", "99. z"), "utf-8")
    with pytest.raises(CommandError) as error:
        run(str(path))
    assert f"{path}: the page is for treaty IV-99-z" in str(error.value)
    assert "not a treaty in the database" in str(error.value)
    assert not Participation.objects.exists()


def test_states_must_be_loaded_first(tmp_path):
    call_command("load_treaties", stdout=StringIO())
    with pytest.raises(CommandError, match="run `manage.py load_states` first"):
        run(str(UNTC / "opic.html"))


def withdrawn(iso2: str, treaty: str):
    return Reservation.objects.filter(
        participation__state__iso2=iso2,
        participation__treaty__code=treaty,
        withdrawn_date__isnull=False,
    ).order_by("order")


def test_withdrawn_reservations_are_recorded_with_the_date_the_end_notes_give(reference_data, api):
    import_pages([page("crc"), page("opsc")])
    # CRC end note 3: "On 28 September 2015, the Government of the Republic of Austria notified
    # the Secretary-General of its withdrawal of the reservations to Articles 13, 15 and 17, as
    # well as its declarations to Art. 38 (2) and (3)", with their text.
    # The note quotes them under two captions ("The text of the withdrawn reservations read as
    # follows:", "The text of the withdrawn declarations ..."): two records, one of each kind.
    reservations, declarations = withdrawn("AT", "crc")
    assert {reservations.withdrawn_date, declarations.withdrawn_date} == {
        datetime.date(2015, 9, 28)
    }
    assert (reservations.kind, declarations.kind) == ("reservation", "declaration")
    assert reservations.text.startswith('"1. Article 13 and article 15 of the Convention')
    assert "2. Article 17 will be applied to the extent that it is compatible" in (
        reservations.text
    )
    assert "only male Austrian citizens are subject to compulsory military service" in (
        declarations.text
    )
    assert "Article 17" not in declarations.text
    # Note 12: Liechtenstein's, the first caption ending the announcement itself.
    assert [(r.kind, r.text[:40]) for r in withdrawn("LI", "crc")] == [
        ("declaration", "“According to the legislation of the Pri"),
        ("reservation", "“The Principality of Liechtenstein reser"),
    ]
    # Note 9: Egypt's reservation "made upon signature and confirmed upon ratification".
    (egypt,) = withdrawn("EG", "crc")
    assert egypt.withdrawn_date == datetime.date(2003, 7, 31)
    assert egypt.kind == "reservation"
    assert egypt.date == egypt.participation.signature_date
    assert "the system of adoption existing in certain other bodies of positive law" in egypt.text
    # Notes 35, 36 and 37: Germany's declarations and reservations, in two notifications.
    assert [(r.withdrawn_date.isoformat(), r.kind) for r in withdrawn("DE", "crc")] == [
        ("2010-07-15", "declaration"),
        ("2010-07-15", "reservation"),
        ("2010-11-01", "declaration"),
    ]
    # Note 62: Thailand withdrew its three reservations one at a time (the note quotes none).
    assert [r.withdrawn_date.isoformat() for r in withdrawn("TH", "crc")] == [
        "1997-04-11",
        "2010-12-13",
        "2024-08-30",
    ]
    # Note 65: the United Kingdom's, the second told as "informed the Secretary-General of the
    # following:" and, in its own words, "... is hereby withdrawn:".
    uk = withdrawn("GB", "crc")
    assert [r.withdrawn_date.isoformat() for r in uk] == ["1997-04-18", "1999-08-03", "2008-11-18"]
    assert uk[1].text.startswith("[(d)] Employment legislation in the United Kingdom")
    # Note 50: Oman's, the note's own words before the text ("The reservations made upon
    # accession read as follow:") left out of it.
    oman = withdrawn("OM", "crc")
    assert oman[0].withdrawn_date == datetime.date(2014, 12, 9)
    assert oman[0].text.startswith('1. The words "or to public safety" should be added')
    # Note 11 (cited by Iran and others) also tells of Pakistan's and Indonesia's withdrawals.
    assert [r.withdrawn_date.isoformat() for r in withdrawn("PK", "crc")] == ["1997-07-23"]
    assert [r.withdrawn_date.isoformat() for r in withdrawn("ID", "crc")] == ["2005-02-02"]
    # OPSC notes 11 and 12: Qatar's general reservation and Viet Nam's reservation to art. 5.
    (qatar,) = withdrawn("QA", "opsc")
    assert qatar.withdrawn_date == datetime.date(2008, 6, 18)
    assert "general reservation regarding any provisions in the protocol" in qatar.text
    (viet_nam,) = withdrawn("VN", "opsc")
    assert viet_nam.withdrawn_date == datetime.date(2009, 3, 26)
    assert "makes its reservation to article 5 (1), (2), (3), and (4)" in viet_nam.text
    # Qatar's CRC reservation was withdrawn in part only (note 54): it stays in force.
    assert not withdrawn("QA", "crc").exists()
    # The reservations in force are those "Declarations and Reservations" gives, first.
    in_force = Reservation.objects.filter(withdrawn_date__isnull=True)
    assert in_force.count() == len(page("crc").reservations) + len(page("opsc").reservations)

    # The API shows them, with their date of withdrawal.
    body = api.get("/api/v1/countries/AT/").json()
    (crc,) = [p for p in body["participations"] if p["treaty"] == "crc"]
    assert [(r["kind"], r["withdrawn_date"]) for r in crc["reservations"]] == [
        ("reservation", "2015-09-28"),
        ("declaration", "2015-09-28"),
    ]

    # A second import changes nothing.
    output = run(str(UNTC / "crc.html"), str(UNTC / "opsc.html"))
    assert "reservations: 0 inserted, 0 updated" in output
