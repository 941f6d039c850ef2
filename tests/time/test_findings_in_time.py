"""Findings in time (factories): the effective period, `as_of` on findings and countries, the
indicator timeline and the treaty gaps."""

import datetime

import pytest

from laws.models import FindingStatus, Law, LawStatus
from laws.timeline import holding, with_period
from tests.factories import (
    FindingFactory,
    IndicatorFactory,
    LawFactory,
    LawProvisionFactory,
    ParticipationFactory,
    ReservationFactory,
    StateFactory,
    TreatyFactory,
    TreatyProvisionFactory,
)

D = datetime.date


@pytest.fixture
def timeline(db):
    """Four states and simple possession:
    AA  yes since 2004-05-01 (provision's own date)
    BB  yes since 2010-01-01 (provision's own date), ended 2015-12-31 (its law repealed)
    CC  yes, undated (its law's date in force says nothing of when the provision's wording began)
    DD  partial since 2012-07-01 (set by an editor)
    """
    indicator = IndicatorFactory(slug="simple_possession")
    aa, bb, cc, dd = (StateFactory(iso2=c) for c in ("AA", "BB", "CC", "DD"))
    FindingFactory(
        state=aa,
        indicator=indicator,
        evidence=[LawProvisionFactory(law__state=aa, in_force_from=D(2004, 5, 1))],
    )
    law_bb = LawFactory(
        state=bb,
        status=LawStatus.REPEALED,
        date_in_force=D(2010, 1, 1),
        date_repealed=D(2015, 12, 31),
    )
    FindingFactory(
        state=bb,
        indicator=indicator,
        evidence=[LawProvisionFactory(law=law_bb, in_force_from=D(2010, 1, 1))],
    )
    law_cc = LawFactory(state=cc, status=LawStatus.AMENDED, date_in_force=D(1999, 11, 1))
    FindingFactory(state=cc, indicator=indicator, evidence=[LawProvisionFactory(law=law_cc)])
    FindingFactory(
        state=dd,
        indicator=indicator,
        status=FindingStatus.PARTIAL,
        effective_from=D(2012, 7, 1),
    )
    return indicator


def test_effective_periods_are_derived_and_never_invented(timeline):
    from laws.models import Finding

    periods = {
        f.state.iso2: (f.period_from, f.period_to, f.dated)
        for f in with_period(Finding.objects.select_related("state"))
    }
    assert periods == {
        "AA": (D(2004, 5, 1), None, True),
        "BB": (D(2010, 1, 1), D(2015, 12, 31), True),
        "CC": (None, None, False),
        "DD": (D(2012, 7, 1), None, True),
    }


def test_a_laws_date_in_force_never_dates_a_provision_it_may_have_re_enacted(db, api):
    """A new law re-enacting an offence an older law already punished (the UAE's Decree-Law
    34/2021 after Decree-Law 5/2012): its date in force says when the new wording began, not
    when the conduct became punishable. Its undated provision leaves the finding undated, so an
    `as_of` before the new law reports the state as undated, never as not yet criminalising."""
    from laws.models import Finding

    indicator = IndicatorFactory(slug="distribution")
    ae = StateFactory(iso2="AE")
    law = LawFactory(state=ae, status=LawStatus.IN_FORCE, date_in_force=D(2022, 1, 2))
    FindingFactory(state=ae, indicator=indicator, evidence=[LawProvisionFactory(law=law)])

    finding = with_period(Finding.objects.all()).get()
    assert (finding.period_from, finding.dated) == (None, False)
    body = api.get("/api/v1/countries/?criminalises=distribution&as_of=2015-06-30").json()
    assert body["results"] == []
    assert body["undated"] == {"count": 1, "countries": ["AE"]}
    detail = api.get("/api/v1/countries/ae/").json()
    [answer] = [f for f in detail["findings"] if f["indicator"] == "distribution"]
    assert (answer["period_from"], answer["dated"]) == (None, False)


def test_as_of_on_findings_and_countries(api, timeline):
    def findings(on):
        body = api.get(f"/api/v1/findings/?indicator=simple_possession&as_of={on}").json()
        return sorted(r["country"]["iso2"] for r in body["results"])

    assert findings("2003-12-31") == []
    assert findings("2004-05-01") == ["AA"]
    assert findings("2013-01-01") == ["AA", "BB", "DD"]
    assert findings("2015-12-31") == ["AA", "BB", "DD"]  # the end date is inclusive
    assert findings("2016-01-01") == ["AA", "DD"]
    today = api.get("/api/v1/findings/?indicator=simple_possession").json()["results"]
    assert {r["country"]["iso2"]: r["dated"] for r in today} == {
        "AA": True,
        "BB": True,
        "CC": False,
        "DD": True,
    }

    def countries(query):
        return sorted(c["iso2"] for c in api.get(f"/api/v1/countries/?{query}").json()["results"])

    assert countries("criminalises=simple_possession&as_of=2013-01-01") == ["AA", "BB"]
    assert countries("criminalises=simple_possession") == ["AA", "BB", "CC"]
    assert countries("finding=simple_possession:partial&as_of=2012-01-01") == []
    assert countries("finding=simple_possession:partial&as_of=2012-07-01") == ["DD"]
    # Undated CC is not known to hold in 2013: not assessed then, never "no".
    unassessed = api.get(
        "/api/v1/findings/?indicator=simple_possession&status=not_assessed&as_of=2013-01-01"
    ).json()["results"]
    assert sorted(r["country"]["iso2"] for r in unassessed) == ["CC"]


def test_indicator_timeline_counts_dated_findings_and_reports_undated_apart(api, timeline):
    body = api.get("/api/v1/stats/timeline/?indicator=simple_possession").json()
    series = {p["year"]: (p["yes"], p["partial"]) for p in body["series"]}
    assert min(series) == 2004
    assert series[2004] == (1, 0)
    assert series[2012] == (2, 1)
    assert series[2015] == (2, 1)
    assert series[2016] == (1, 1)
    assert body["undated"] == {"yes": 1, "partial": 0, "no": 0}


def test_holding_is_everything_today(timeline):
    from laws.models import Finding

    assert holding(Finding.objects.all(), None).count() == 4


@pytest.fixture
def gaps(timeline):
    opsc = TreatyFactory(code="opsc")
    art3 = TreatyProvisionFactory(treaty=opsc, slug="opsc-art-3", label="Art. 3")
    art3_1 = TreatyProvisionFactory(treaty=opsc, slug="opsc-art-3-1", parent=art3)
    art3_1_c = TreatyProvisionFactory(treaty=opsc, slug="opsc-art-3-1-c", parent=art3_1)
    art3_5 = TreatyProvisionFactory(treaty=opsc, slug="opsc-art-3-5", parent=art3)
    from laws.models import IndicatorBasis

    IndicatorBasis.objects.create(indicator=timeline, provision=art3_1_c, kind="recommends")
    from treaties.models import State

    states = {s.iso2: s for s in State.objects.all()}
    ee = StateFactory(iso2="EE")
    FindingFactory(state=ee, indicator=timeline, status=FindingStatus.NO, note="Reviewed.")
    for iso2, consent in (("AA", D(2003, 1, 1)), ("CC", D(2005, 1, 1)), ("DD", D(2011, 1, 1))):
        ParticipationFactory(state=states[iso2], treaty=opsc, consent_date=consent)
    ee_part = ParticipationFactory(state=ee, treaty=opsc, consent_date=D(2002, 1, 1))
    ff = ParticipationFactory(
        state=StateFactory(iso2="FF"), treaty=opsc, consent_date=D(2004, 1, 1)
    )
    to_art3 = ReservationFactory(participation=ee_part, text="A reservation to article 3.")
    to_art3.treaty_provisions.set([art3])
    adoption = ReservationFactory(participation=ff, order=1, text="Article 3, paragraph 5.")
    adoption.treaty_provisions.set([art3_5])
    return opsc


def test_gaps_split_parties_by_finding_with_the_relevant_reservations(
    api, gaps, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        body = api.get("/api/v1/gaps/?treaty=opsc&indicator=simple_possession").json()
    assert body["parties"] == 5
    assert body["counts"] == {"yes": 2, "partial": 1, "no": 1, "not_assessed": 1}
    gaps = {k: [g["country"]["iso2"] for g in v] for k, v in body["gaps"].items()}
    assert gaps == {"no": ["EE"], "partial": ["DD"], "not_assessed": ["FF"]}
    (ee,) = body["gaps"]["no"]
    assert [r["provisions"] for r in ee["reservations"]] == [["opsc-art-3"]]
    # FF's reservation to article 3(5) (adoption) does not bear on 3(1)(c).
    assert body["gaps"]["not_assessed"][0]["reservations"] == []


def test_gaps_as_of_a_past_date(api, gaps):
    body = api.get("/api/v1/gaps/?treaty=opsc&indicator=simple_possession&as_of=2004-06-01").json()
    # Parties then: EE (2002), AA (2003), FF (2004); AA's finding holds since 2004-05-01.
    assert body["parties"] == 3
    assert body["counts"] == {"yes": 1, "partial": 0, "no": 0, "not_assessed": 2}
    rows = {g["country"]["iso2"]: g for g in body["gaps"]["not_assessed"]}
    assert rows["EE"]["current_status"] == "no"  # undated "no": not known in 2004


def test_gaps_list_only_the_reservations_in_force_on_the_day(api, gaps):
    from treaties.models import Reservation

    Reservation.objects.filter(participation__state__iso2="EE").update(
        date=D(2002, 1, 1), withdrawn_date=D(2008, 1, 1)
    )
    url = "/api/v1/gaps/?treaty=opsc&indicator=simple_possession"
    (ee,) = api.get(url).json()["gaps"]["no"]
    assert ee["reservations"] == []  # withdrawn in 2008
    then = api.get(f"{url}&as_of=2005-06-01").json()["gaps"]["not_assessed"]
    (ee,) = [g for g in then if g["country"]["iso2"] == "EE"]
    assert [(r["date"], r["withdrawn_date"]) for r in ee["reservations"]] == [
        ("2002-01-01", "2008-01-01")
    ]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("treaty=opsc", "indicator"),
        ("treaty=nope&indicator=simple_possession", "treaty"),
        ("treaty=opsc&indicator=nope", "indicator"),
        ("treaty=opsc&indicator=simple_possession&as_of=2010-02-30", "as_of"),
        ("treaty=opsc&indicator=simple_possession&as_of=yesterday", "as_of"),
        ("treaty=opsc&indicator=simple_possession&year=2010", "year"),
    ],
)
def test_gaps_reject_bad_parameters_by_name(api, gaps, query, parameter):
    response = api.get(f"/api/v1/gaps/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("", "non_field_errors"),
        ("treaty=opsc&indicator=simple_possession", "non_field_errors"),
        ("treaty=OPSCX", "treaty"),
        ("indicator=x%00y", "indicator"),
        ("treaty=opsc&as_of=2010-01-01", "as_of"),
    ],
)
def test_timeline_rejects_bad_parameters_by_name(api, gaps, query, parameter):
    response = api.get(f"/api/v1/stats/timeline/?{query}")
    assert response.status_code == 400
    assert parameter in response.json()["errors"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/countries/?as_of=2010-13-01",
        "/api/v1/countries/?party_to=opsc&as_of=10-01-2010",
        "/api/v1/participations/?as_of=٢٠١٠-٠١-٠١",
        "/api/v1/findings/?as_of=2010-01-01&as_of=2011-01-01",
    ],
)
def test_as_of_rejects_malformed_dates(api, gaps, url):
    response = api.get(url)
    assert response.status_code == 400
    assert "as_of" in response.json()["errors"]


def test_participation_status_as_of(api, gaps):
    body = api.get("/api/v1/participations/?treaty=opsc&as_of=2004-06-01&status=party").json()
    assert sorted(r["country"]["iso2"] for r in body["results"]) == ["AA", "EE", "FF"]
    body = api.get("/api/v1/participations/?treaty=opsc&as_of=2001-01-01").json()
    assert body["count"] == 0


def test_the_country_detail_derives_the_same_periods_as_the_sql(api, timeline):
    """The country detail derives each finding's period in Python from its evidence rows
    (laws.timeline.period); `with_period` derives it in SQL for the lists and `as_of`. Both must
    give the same answer, here on every rule at once."""
    from core.publication import PublicationStatus
    from laws.models import Finding

    ee = StateFactory(iso2="EE")
    several = [
        # the earliest start, the latest end, when every cited provision has both
        LawProvisionFactory(law__state=ee, in_force_from=D(2008, 3, 1), in_force_to=D(2020, 1, 1)),
        LawProvisionFactory(
            law=LawFactory(state=ee, date_in_force=D(2006, 1, 1), date_repealed=D(2022, 6, 30)),
            in_force_from=D(2006, 1, 1),
        ),
        # an amended law's provision with its own date counts; a draft law's never does
        LawProvisionFactory(
            law=LawFactory(state=ee, status=LawStatus.AMENDED),
            in_force_from=D(2011, 1, 1),
            in_force_to=D(2015, 1, 1),
        ),
        LawProvisionFactory(law=LawFactory(state=ee), in_force_from=D(1990, 1, 1)),
    ]
    FindingFactory(state=ee, indicator=timeline, evidence=several)
    # (A published finding never cites a draft now; rows from before that rule must not count.)
    Law.objects.filter(pk=several[-1].law_id).update(publication_status=PublicationStatus.DRAFT)
    ff = StateFactory(iso2="FF")
    mixed = [  # one end unknown: the end stays open; an editor's end wins over none
        LawProvisionFactory(law__state=ff, in_force_from=D(2001, 1, 1), in_force_to=D(2009, 1, 1)),
        LawProvisionFactory(law__state=ff, in_force_from=D(2003, 1, 1)),
    ]
    FindingFactory(state=ff, indicator=timeline, evidence=mixed)
    gg = StateFactory(iso2="GG")
    FindingFactory(
        state=gg,
        indicator=timeline,
        effective_to=D(2018, 1, 1),
        evidence=[LawProvisionFactory(law__state=gg, in_force_from=D(2002, 2, 2))],
    )

    hh = StateFactory(iso2="HH")  # a law's date in force never stands in for its provision's
    FindingFactory(
        state=hh,
        indicator=timeline,
        evidence=[LawProvisionFactory(law=LawFactory(state=hh, date_in_force=D(2012, 1, 1)))],
    )
    ii = StateFactory(iso2="II")  # a wording that replaced one not read: "since at least"
    FindingFactory(
        state=ii,
        indicator=timeline,
        evidence=[
            LawProvisionFactory(law__state=ii, in_force_from=D(2009, 9, 9)),
            LawProvisionFactory(
                law__state=ii, in_force_from=D(2015, 10, 1), earlier_wording_unread=True
            ),
        ],
    )

    def iso(value):
        return value.isoformat() if value else None

    sql = {
        f.state.iso2: (iso(f.period_from), iso(f.period_to), f.dated, iso(f.known_from))
        for f in with_period(Finding.objects.select_related("state"))
    }
    assert sql["EE"] == ("2006-01-01", "2022-06-30", True, "2006-01-01")
    assert sql["FF"] == ("2001-01-01", None, True, "2001-01-01")
    assert sql["GG"] == ("2002-02-02", "2018-01-01", True, "2002-02-02")
    assert sql["HH"] == (None, None, False, None)
    # Its start is unknown (the earlier wording may go back further than 2009), but it is known
    # to hold since the earliest wording read.
    assert sql["II"] == (None, None, False, "2009-09-09")
    for iso2, expected in sql.items():
        detail = api.get(f"/api/v1/countries/{iso2}/").json()
        (finding,) = [f for f in detail["findings"] if f["indicator"] == "simple_possession"]
        answer = tuple(finding[k] for k in ("period_from", "period_to", "dated", "known_from"))
        assert answer == expected, iso2


@pytest.mark.django_db
def test_as_of_reads_each_findings_period_from_one_view_not_a_subquery_per_rule():
    """The period rules once ran as ~30 correlated subqueries per finding, and PostgreSQL's
    statement timeout cut an `as_of` request under load (a 503 for the researcher): the answer
    now joins the view `laws_findingperiod` once."""
    from laws.timeline import holding, published_findings

    sql = str(holding(published_findings(), datetime.date(2005, 12, 31)).query)
    assert "laws_findingperiod" in sql
    assert sql.count("SELECT") == 1


@pytest.fixture
def since_at_least(timeline):
    """EE: yes on a wording in force since 2015-10-01 that replaced an earlier one, not read
    (Norway's 2005 Penal Code § 311, in force 2015, after the 1902 Code's § 204a)."""
    ee = StateFactory(iso2="EE", name="Eeland")
    FindingFactory(
        state=ee,
        indicator=timeline,
        evidence=[
            LawProvisionFactory(
                law__state=ee,
                label="§ 311",
                in_force_from=D(2015, 10, 1),
                earlier_wording_unread=True,
            )
        ],
    )
    return ee


def test_a_wording_that_replaced_an_unread_one_holds_since_at_least_its_day(api, since_at_least):
    """After the wording's day the finding is known to hold and counts; before it, it is
    undated: reported apart, never a "not yet" and never a "no"."""

    def answer(on):
        body = api.get(f"/api/v1/countries/?criminalises=simple_possession&as_of={on}").json()
        return sorted(c["iso2"] for c in body["results"]), body["undated"]

    assert answer("2016-06-30") == (["AA", "EE"], {"count": 1, "countries": ["CC"]})
    assert answer("2015-10-01") == (["AA", "BB", "EE"], {"count": 1, "countries": ["CC"]})
    assert answer("2015-09-30") == (["AA", "BB"], {"count": 2, "countries": ["CC", "EE"]})
    unassessed = api.get(
        "/api/v1/findings/?indicator=simple_possession&status=not_assessed&as_of=2014-01-01"
    ).json()["results"]
    assert sorted(r["country"]["iso2"] for r in unassessed) == ["CC", "EE"]

    timeline = api.get("/api/v1/stats/timeline/?indicator=simple_possession").json()
    points = {p["year"]: (p["yes"], p["partial"], p["undated"]) for p in timeline["series"]}
    assert points[2014] == (2, 1, 2)  # AA, BB; DD; CC and EE left out as undated
    assert points[2015] == (3, 1, 1)  # EE from 1 October 2015; CC still undated
    assert timeline["undated"] == {"yes": 1, "partial": 0, "no": 0}  # CC: no lower bound


def test_the_country_page_says_since_at_least_and_which_wording(client, since_at_least):
    import re

    page = client.get("/countries/ee/")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert (
        "In effect since at least 1 October 2015 (an earlier wording of the law was not read)"
        in text
    )
    assert "In force from 1 October 2015 (this wording; an earlier one was not read)" in text
    assert "In effect from 1 October 2015" not in text


@pytest.mark.django_db
def test_an_earlier_wording_not_read_needs_the_day_the_wording_read_began():
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError, transaction

    from laws.models import LawProvision

    provision = LawProvisionFactory(earlier_wording_unread=False)
    provision.earlier_wording_unread = True
    with pytest.raises(ValidationError, match="took effect"):
        provision.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        LawProvision.objects.filter(pk=provision.pk).update(earlier_wording_unread=True)
