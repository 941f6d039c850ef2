"""A search of the laws list seen before under the same data version runs as one statement
kept for its query string (laws/api/law_search.py), its rows turned into the JSON directly.
The answer must be the one the search and the serializer give, byte for byte, the first time
and from the kept statement: for every kind of value, typo fallbacks (the vocabulary, then
titles), no match, pages, filters with `q`; a publication is seen at once, a draft never."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers

from core.publication import PublicationStatus
from laws.api.law_search import law_searches
from laws.api.serializers import LawListSerializer
from laws.models import LawKind
from tests.factories import (
    JurisdictionFactory,
    LawFactory,
    LawProvisionFactory,
    StateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PUBLIC_CACHE_ENABLED = False  # every request reaches the view
    law_searches.clear()
    yield
    law_searches.clear()


@pytest.fixture
def library():
    nz = StateFactory(iso2="NZ", name="New Zealand")
    fr = StateFactory(iso2="FR", name="France")
    gb = StateFactory(iso2="GB", name="United Kingdom")
    scotland = JurisdictionFactory(state=gb, code="GB-SCT", name="Scotland")
    laws = {
        "nz": LawFactory(
            state=nz,
            title="Films, Videos, and Publications Classification Act 1993",
            title_original="Ture Whakarōpū Kiriata 1993 — « ünïcode » <b>&amp;</b>",
            language="mi",
            citation="1993 No 94",
            year_enacted=1993,
            date_adopted=datetime.date(1993, 8, 26),
            date_in_force=datetime.date(1994, 10, 1),
            date_repealed=datetime.date(2024, 1, 1),
            source_url="https://www.legislation.govt.nz/act/public/1993/0094/latest/",
            verified=True,
            verification_source="NZ Legislation, checked 2026",
            full_text="Objectionable publications: child pornography is an offence <here>.",
        ),
        "fr": LawFactory(
            state=fr,
            title="Criminal Code",
            title_original="Code pénal",
            language="fr",
            kind=LawKind.CODE,
            citation="Code pénal art. 227-23",
            year_enacted=None,
            source_url="",
            verified=False,
            full_text="La pornographie enfantine est punie.",
        ),
        "scot": LawFactory(
            state=gb,
            jurisdiction=scotland,
            title="Civic Government (Scotland) Act 1982",
            title_original="",
            language="",
            citation="1982 c. 45",
            year_enacted=1982,
            full_text="Indecent photographs of children: an offence in Scotland.",
        ),
        "gb": LawFactory(
            state=gb,
            title="Protection of Children Act 1978",
            language="en",
            citation="1978 c. 37",
            year_enacted=1978,
            full_text="It is an offence to take any indecent photograph of a child.",
        ),
        "draft": LawFactory(
            state=gb,
            title="Online Safety Act (draft of a protection of children act)",
            language="en",
            citation="draft",
            full_text="Indecent photographs of children online.",
            publication_status=PublicationStatus.DRAFT,
        ),
    }
    LawProvisionFactory(
        law=laws["gb"],
        label="s. 1",
        heading="Indecent photographs of children",
        summary="Taking, distributing or possessing with a view to distribution.",
    )
    return laws


URLS = [
    "/api/v1/laws/?q=indecent",
    "/api/v1/laws/?q=offence&page_size=1",  # paging: links, count
    "/api/v1/laws/?q=offence&page_size=1&page=2",
    "/api/v1/laws/?q=offence&page_size=1&page=3",
    "/api/v1/laws/?q=children&country=gb&year_min=1980",  # filters combined with q
    "/api/v1/laws/?q=children&kind=act&format=json",
    '/api/v1/laws/?q="indecent photographs" -scotland',
    "/api/v1/laws/?q=pornography",  # widened through the vocabulary (other languages)
    "/api/v1/laws/?q=pornogrphy",  # a typo of a vocabulary term
    "/api/v1/laws/?q=Clasification",  # a typo of a title's word: similar titles
    "/api/v1/laws/?q=zzyzx",  # no match at all
    "/api/v1/laws/?q=children&country=fr",  # a filter leaving none of the matches
    "/api/v1/laws/?q=publications&status=in_force&updated_since=2000-01-01",
]


def drf_walk(serializer, law):
    return serializers.ModelSerializer.to_representation(serializer, law)


def test_the_kept_answer_is_todays_byte_for_byte(api, library, monkeypatch):
    answers = {}
    for url in URLS:
        first = api.get(url)
        assert first.status_code == 200, (url, first.content)
        answers[url] = first.content
    kept = dict(law_searches.entries)
    assert len(kept) == len(URLS)
    for url in URLS:
        again = api.get(url)
        assert again.content == answers[url], url
    assert law_searches.entries == kept  # answered from the kept statements, none made again
    # The reference: the search through the ORM and DRF's field-by-field walk, nothing kept.
    monkeypatch.setattr(LawListSerializer, "to_representation", drf_walk)
    monkeypatch.setattr(type(law_searches), "lookup", lambda self, key: None)
    for url in URLS:
        assert api.get(url).content == answers[url], url
    bodies = {url: api.get(url).json() for url in URLS}
    assert {r["id"] for r in bodies[URLS[0]]["results"]} == {library["gb"].pk, library["scot"].pk}
    assert "page=3" in bodies["/api/v1/laws/?q=offence&page_size=1&page=2"]["next"]
    assert bodies["/api/v1/laws/?q=offence&page_size=1&page=3"]["previous"]
    assert bodies["/api/v1/laws/?q=pornogrphy"]["count"] >= 1
    titles = bodies["/api/v1/laws/?q=Clasification"]["results"]
    assert [r["id"] for r in titles] == [library["nz"].pk] and titles[0]["snippet"] is None
    assert bodies["/api/v1/laws/?q=zzyzx"] == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }
    nz = next(r for r in bodies["/api/v1/laws/?q=pornography"]["results"] if r["country"])
    assert "<mark>" in nz["snippet"] and nz["rank"] > 0
    every_law = [r for body in bodies.values() for r in body["results"]]
    assert library["draft"].pk not in {r["id"] for r in every_law}
    assert any(r["jurisdiction"] for r in every_law) and any(r["date_repealed"] for r in every_law)


def searches(captured) -> list[str]:
    """The statements of a request, without the test's savepoints and time-limit settings (in
    a test's transaction `time_limit` sets the timeout in a savepoint of its own)."""
    return [
        q["sql"]
        for q in captured
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "SELECT set_config"))
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/laws/?q=indecent&page_size=1&page=2",
        "/api/v1/laws/?q=pornogrphy&country=nz,fr",
        "/api/v1/laws/?q=Clasification",
        "/api/v1/laws/?q=zzyzx",
    ],
)
def test_a_repeated_search_is_at_most_two_queries(api, library, url):
    first = api.get(url)
    with CaptureQueriesContext(connection) as captured:
        again = api.get(url)
    assert again.content == first.content
    statements = searches(captured.captured_queries)
    # The data version's stamp, and the kept statement (candidates, page and count).
    assert len(statements) <= 2, statements
    assert "crin_legal_dataversion" in statements[0]
    if connection.vendor == "postgresql" or "zzyzx" not in url:
        assert len(statements) == 2
    else:  # SQLite compares titles in Python: none close, nothing to run again
        assert len(statements) == 1


def test_a_publication_is_seen_at_once_and_a_draft_never(api, library):
    url = "/api/v1/laws/?q=indecent"
    api.get(url)
    assert api.get(url).json()["count"] == 2
    draft = library["draft"]
    draft.full_text = "Indecent photographs, still a draft."
    draft.save()
    assert api.get(url).json()["count"] == 2
    assert draft.pk not in {r["id"] for r in api.get(url).json()["results"]}
    draft.publication_status = PublicationStatus.PUBLISHED
    draft.save()
    published = api.get(url).json()
    assert published["count"] == 3 and draft.pk in {r["id"] for r in published["results"]}
    assert api.get(url).json() == published  # kept again, under the new version
    draft.publication_status = PublicationStatus.DRAFT
    draft.save()
    assert draft.pk not in {r["id"] for r in api.get(url).json()["results"]}
    library["gb"].delete()
    left = api.get(url).json()
    assert left["count"] == 1 and [r["id"] for r in left["results"]] == [library["scot"].pk]


def test_bad_input_is_never_kept(api, library):
    for _ in range(2):
        assert api.get("/api/v1/laws/?q=-indecent").status_code == 400
        assert api.get("/api/v1/laws/?q=indecent&country=xx").status_code == 400
        assert api.get("/api/v1/laws/?q=indecent&page=9").status_code == 404
        assert api.get("/api/v1/laws/?q=indecent&page_size=0").status_code == 400
    assert law_searches.entries == {}


def test_a_page_past_the_end_is_a_404_even_after_a_kept_page(api, library):
    url = "/api/v1/laws/?q=indecent&page_size=1&page=2"
    assert api.get(url).status_code == api.get(url).status_code == 200
    library["gb"].delete()
    gone = api.get(url)
    assert gone.status_code == 404 and "1 page(s)" in gone.json()["detail"]


def test_csv_and_a_derived_queryset_are_never_kept(api, library):
    assert api.get("/api/v1/laws/?q=indecent&format=csv").status_code == 200
    assert law_searches.entries == {}


def test_the_kept_statement_runs_under_the_time_limit(api, library, monkeypatch):
    from contextlib import contextmanager

    from laws import search

    url = "/api/v1/laws/?q=indecent"
    first = api.get(url)
    assert first.status_code == 200 and law_searches.entries
    within, limit = [], search.time_limit

    def record(execute, sql, params, many, context):
        within.append(sql)
        return execute(sql, params, many, context)

    @contextmanager
    def recorded_limit(*args, **kwargs):
        with limit(*args, **kwargs), connection.execute_wrapper(record):
            yield

    monkeypatch.setattr(search, "time_limit", recorded_limit)
    assert api.get(url).content == first.content
    assert [sql for sql in within if "crin_candidates" in sql]
    assert not [sql for sql in within if "crin_legal_dataversion" in sql]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
@pytest.mark.parametrize("url", ["/api/v1/laws/?q=indecent", "/api/v1/laws/?q=Clasification"])
def test_a_repeated_search_is_planned_once_per_connection(api, library, url):
    """The kept statement runs prepared, with its values written in (no parameters): PostgreSQL
    plans it once for the connection and every repeat only executes it, with the same answer.
    (With parameters, the first five runs are each planned afresh.)"""
    first = api.get(url).content
    for _ in range(6):
        assert api.get(url).content == first
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT parameter_types, generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE NOT from_sql AND statement LIKE %s",
            ['%"laws_law"."title"%'],
        )
        (kept,) = cursor.fetchall()
    # No parameters; six runs, every one on the plan made once (none planned afresh).
    assert kept == ([], 6, 0), kept
