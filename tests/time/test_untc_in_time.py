"""Parties and signatories in time, against the real UN Treaty Collection pages.

The expected counts are computed here, independently of our importer, with a regular expression
over the participant table of the saved HTML (participant | signature | consent)."""

import datetime
import html
import re

import pytest
from django.conf import settings

from treaties.models import Participation

D = datetime.date
MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), 1)}
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S | re.I)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
DATE = re.compile(r"(\d{1,2})\s+([A-Z][a-z]{2})\s+(\d{4})")


def untc_rows(treaty: str) -> dict[str, tuple]:
    """{participant: (signature date, consent date)} from the participant table."""
    text = (settings.DATA_DIR / "untc" / f"{treaty}.html").read_text(encoding="utf-8")

    def day(cell):
        found = DATE.search(html.unescape(TAG.sub(" ", cell)).replace("\t", " "))
        if not found:
            return None
        d, m, y = found.groups()
        return D(int(y), MONTHS[m], int(d))

    # The participant table: from its first row (Afghanistan) on; rows above are the header.
    start = re.search(r"<tr[^>]*>\s*<td>(?:<a [^>]*>)?\s*Afghanistan", text, re.I).start()
    text = text[start : text.lower().index("</table>", start)]
    rows = {}
    for row in ROW.findall(text):
        cells = CELL.findall(row)
        if len(cells) != 3:
            continue
        # The name, without its end-note references (<SUP>2</SUP>).
        name = re.sub(r"<sup>.*?</sup>", "", cells[0], flags=re.S | re.I)
        name = " ".join(html.unescape(TAG.sub(" ", name)).split())
        signed, consented = day(cells[1]), day(cells[2])
        if name and (signed or consented):
            rows[name] = (signed, consented)
    return rows


def expected(treaty: str, on: datetime.date) -> tuple[int, int]:
    parties = signatories = 0
    for signed, consented in untc_rows(treaty).values():
        if consented and consented <= on:
            parties += 1
        elif signed and signed <= on:
            signatories += 1
    return parties, signatories


@pytest.fixture
def untc(db, reference_snapshots):
    """The states, treaties and the CRC and OPSC pages imported (`manage.py import_untc`)."""
    reference_snapshots.restore("untc_crc_opsc")


def test_the_independent_parse_agrees_with_the_page_headers():
    # The page headers (data/untc/README.md): OPSC 178 parties, 122 signatories; CRC 196, 140.
    assert len([r for r in untc_rows("opsc").values() if r[1]]) == 178
    assert len([r for r in untc_rows("opsc").values() if r[0]]) == 122
    assert len([r for r in untc_rows("crc").values() if r[1]]) == 196


DATES = [D(2000, 12, 31), D(2002, 1, 18), D(2005, 6, 30), D(2010, 12, 31), D(2026, 2, 3)]


@pytest.mark.parametrize("treaty", ["opsc", "crc"])
def test_parties_and_signatories_as_of_dates_match_the_untc_pages(api, untc, treaty):
    for on in [*DATES, D(1990, 9, 2)]:
        parties, signatories = expected(treaty, on)
        body = api.get(f"/api/v1/countries/?party_to={treaty}&as_of={on}&page_size=1").json()
        assert body["count"] == parties, (treaty, on)
        body = api.get(f"/api/v1/countries/?signatory_to={treaty}&as_of={on}&page_size=1").json()
        assert body["count"] == signatories, (treaty, on)
    # Before the treaty was open for signature nobody was bound.
    assert api.get(f"/api/v1/countries/?party_to={treaty}&as_of=1980-01-01").json()["count"] == 0


def test_timeline_of_opsc_counts_every_year_end(api, untc, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/stats/timeline/?treaty=opsc").json()
    assert body["as_of"] == "2026-02-03"
    series = {point["year"]: point for point in body["series"]}
    assert min(series) == 2000 and max(series) == 2026
    for year in (2000, 2002, 2008, 2015):
        parties, signatories = expected("opsc", D(year, 12, 31))
        assert (series[year]["parties"], series[year]["signatories"]) == (parties, signatories)
    assert (series[2026]["parties"], series[2026]["signatories"]) == expected("opsc", D(2026, 2, 3))
    assert series[2026]["parties"] == 178


def test_a_state_that_signed_late_and_one_that_never_ratified(api, untc):
    rows = untc_rows("opsc")
    # The United States signed in 2000 and ratified in 2002; Somalia signed OPSC only in 2005
    # and ratified in 2024 ... read from the page, not assumed:
    late = max(
        (name for name, (signed, consented) in rows.items() if signed and consented),
        key=lambda name: rows[name][0],
    )
    signed, consented = rows[late]
    participation = Participation.objects.get(treaty__code="opsc", state__untc_name=late)
    iso2 = participation.state.iso2
    before = signed - datetime.timedelta(days=1)
    for on, status in ((before, None), (signed, "signatory"), (consented, "party")):
        body = api.get(f"/api/v1/participations/?treaty=opsc&country={iso2}&as_of={on}").json()
        assert [r["status"] for r in body["results"]] == ([status] if status else []), (late, on)
    never = sorted(name for name, (s, c) in rows.items() if s and not c)
    assert never, "the page lists signatories that never ratified"
    state = Participation.objects.get(treaty__code="opsc", state__untc_name=never[0]).state
    for on in (D(2005, 1, 1), D(2026, 2, 3)):
        party = api.get(f"/api/v1/countries/?party_to=opsc&as_of={on}&page_size=500").json()
        assert state.iso2 not in {c["iso2"] for c in party["results"]}
    signatory = api.get("/api/v1/countries/?signatory_to=opsc&as_of=2026-02-03&page_size=500")
    assert state.iso2 in {c["iso2"] for c in signatory.json()["results"]}
