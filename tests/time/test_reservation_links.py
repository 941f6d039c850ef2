"""The reservation linker on the real OPSC and CRC declarations and reservations."""

import io

import pytest
from django.conf import settings
from django.core.management import call_command

from treaties.linking import provisions_named
from treaties.models import Reservation

OPSC = {
    "opsc-art-2",
    "opsc-art-2-a",
    "opsc-art-2-c",
    "opsc-art-3",
    "opsc-art-3-1",
    "opsc-art-3-1-a",
    "opsc-art-3-1-c",
    "opsc-art-3-5",
}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("with a reservation regarding article 3, paragraph 5.", {"opsc-art-3-5"}),
        (
            "a reservation in respect of paragraph 5 of article 3 of the second protocol.",
            {"opsc-art-3-5"},
        ),
        ("understands that Article 3(1)(a)(ii) of the aforementioned Protocol", {"opsc-art-3-1-a"}),
        (
            'interprets the word "any representation" in article 2 c) of the Protocol',
            {"opsc-art-2-c"},
        ),
        ("the words 'any representation' in article 2 paragraph (c), shall", {"opsc-art-2-c"}),
        (
            "pursuant to article 3 of the Optional Protocol to the Convention on the Rights of the "
            "Child on the involvement of children in armed conflict, declares",
            set(),
        ),
        ("on the basis of article 28 of the Constitution", set()),
        ("Concerning article 7 of the Optional Protocol", set()),  # not a provision we hold
        ("a reservation to the Protocol as a whole", set()),
    ],
)
def test_article_references(text, expected):
    assert provisions_named(text, "opsc", OPSC) == expected


@pytest.fixture
def untc(db, reference_snapshots):
    """The states, treaties and the CRC and OPSC pages imported (`manage.py import_untc`)."""
    reference_snapshots.restore("untc_crc_opsc")


def links(iso2: str, treaty: str) -> set[str]:
    return {
        provision.slug
        for reservation in Reservation.objects.filter(
            participation__state__iso2=iso2, participation__treaty__code=treaty
        ).prefetch_related("treaty_provisions")
        for provision in reservation.treaty_provisions.all()
    }


def test_links_on_the_real_pages_and_idempotent(untc):
    first = io.StringIO()
    call_command("link_reservations", stdout=first)
    assert links("SY", "opsc") == {"opsc-art-3-5", "opsc-art-3-1-a"}
    assert links("AE", "opsc") == {"opsc-art-3-5"}
    assert links("KW", "opsc") == {"opsc-art-3-5"}
    for iso2 in ("DK", "SE"):
        assert links(iso2, "opsc") == {"opsc-art-2-c"}
    assert links("MY", "opsc") == {"opsc-art-2-c", "opsc-art-3-1-a"}
    assert "opsc-art-3-1" in links("US", "opsc")
    # Belarus cites the armed-conflict protocol; El Salvador its Constitution; Colombia art. 7.
    for iso2 in ("BY", "SV", "CO"):
        assert links(iso2, "opsc") == set()
    # CRC: "article 1 of the Convention" is the CRC's own article 1.
    assert "crc-art-1" in links("AR", "crc")
    second = io.StringIO()
    call_command("link_reservations", stdout=second)
    assert "0 inserted, 0 updated, 0 removed" in second.getvalue()


def test_the_untc_import_links_what_it_writes_and_the_history_records_it(untc):
    # Linked at import: no separate `link_reservations` run needed.
    assert links("SY", "opsc") == {"opsc-art-3-5", "opsc-art-3-1-a"}
    syria = (
        Reservation.objects.filter(
            participation__state__iso2="SY", participation__treaty__code="opsc"
        )
        .exclude(treaty_provisions=None)
        .distinct()
        .get()
    )
    # An editor's slip: the text no longer names the articles, and the links were cleared.
    syria.text = "Reservation (text pending)."
    syria.save()
    syria.treaty_provisions.clear()
    assert links("SY", "opsc") == set()

    # A refresh from the page puts the text back and, with it, the links.
    page = str(settings.DATA_DIR / "untc" / "opsc.html")
    call_command("import_untc", page, stdout=io.StringIO())
    assert links("SY", "opsc") == {"opsc-art-3-5", "opsc-art-3-1-a"}
    latest = syria.history.order_by("-history_date", "-history_id").first()
    assert {p.treatyprovision.slug for p in latest.treaty_provisions.all()} == {
        "opsc-art-3-5",
        "opsc-art-3-1-a",
    }
    # Nothing left for the command to do.
    out = io.StringIO()
    call_command("link_reservations", stdout=out)
    assert "0 inserted" in out.getvalue() and "0 removed" in out.getvalue()
