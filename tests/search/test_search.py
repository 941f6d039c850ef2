"""Full-text search: the same answers on PostgreSQL and SQLite, any query text safe."""

import re

import pytest
from django.db import connection

from core.publication import PublicationStatus
from laws import search
from tests.factories import LawFactory, LawProvisionFactory, StateFactory


@pytest.fixture
def library(db):
    fr = StateFactory(iso2="FR", name="France")
    es = StateFactory(iso2="ES", name="Spain")
    ru = StateFactory(iso2="RU", name="Russian Federation")
    de = StateFactory(iso2="DE", name="Germany")
    gb = StateFactory(iso2="GB", name="United Kingdom")
    jp = StateFactory(iso2="JP", name="Japan")
    laws = {
        "fr": LawFactory(
            state=fr,
            title="Criminal Code",
            title_original="Code pénal",
            language="fr",
            citation="Code pénal art. 227-23",
        ),
        "es": LawFactory(
            state=es,
            title="Criminal Code",
            title_original="Código Penal",
            language="es",
            citation="Ley Orgánica 10/1995",
        ),
        "ru": LawFactory(
            state=ru,
            title="Criminal Code of the Russian Federation",
            title_original="Уголовный кодекс Российской Федерации",
            language="ru",
            citation="No. 63-FZ",
        ),
        "de": LawFactory(
            state=de,
            title="Criminal Code (Strafgesetzbuch)",
            title_original="Strafgesetzbuch",
            language="de",
            citation="StGB",
        ),
        "gb": LawFactory(
            state=gb,
            title="Protection of Children Act 1978",
            language="en",
            citation="1978 c. 37",
            full_text="It is an offence to take any indecent photograph of a child.",
        ),
        "jp": LawFactory(
            state=jp,
            title="Act on Child Prostitution and Child Pornography",
            title_original="児童買春、児童ポルノに係る行為等の規制及び処罰並びに児童の保護等に関する法律",
            language="ja",
            citation="Act No. 52 of 1999",
        ),
        "draft": LawFactory(
            state=gb,
            title="Online Safety Bill (draft)",
            language="en",
            citation="draft",
            publication_status=PublicationStatus.DRAFT,
        ),
    }
    LawProvisionFactory(
        law=laws["gb"],
        label="s. 1",
        heading="Indecent photographs of children",
        summary="Taking, distributing or possessing with a view to distribution.",
    )
    LawProvisionFactory(
        law=laws["de"],
        label="§ 184b",
        heading="Verbreitung, Erwerb und Besitz kinderpornographischer Inhalte",
        text="Wer <script>alert(1)</script> einen kinderpornographischen Inhalt besitzt ...",
    )
    LawProvisionFactory(
        law=laws["fr"],
        label="art. 227-23",
        heading="Pornographie enfantine",
        text="Le fait de détenir une image ou représentation d'un mineur "
        "à caractère pornographique.",
    )
    return laws


def countries_of(response):
    assert response.status_code == 200, response.content
    return [r["country"]["iso2"] for r in response.json()["results"]]


@pytest.mark.parametrize(
    "q, expected",
    [
        ('"code penal"', ["FR"]),  # accents ignored
        ("CÓDIGO", ["ES"]),  # case and accents ignored
        ("уголовный кодекс", ["RU"]),  # Cyrillic, Russian stemming on PostgreSQL
        ("strafgesetzbuch", ["DE"]),
        ('"criminal code" -russian', ["DE", "ES", "FR"]),  # a phrase, an exclusion
        ("penal OR strafgesetzbuch", ["DE", "ES", "FR"]),
        ("photograph", ["GB"]),  # full text
        ("1978", ["GB"]),  # citation
        ("児童ポルノ", ["JP"]),  # Japanese: part of a run without spaces
    ],
)
def test_law_search_in_several_languages(api, library, q, expected):
    assert sorted(countries_of(api.get("/api/v1/laws/", {"q": q}))) == expected


def test_typo_in_a_title_still_finds_it(api, library):
    body = api.get("/api/v1/laws/", {"q": "Strafgesetzbuhc"}).json()
    assert [r["country"]["iso2"] for r in body["results"]] == ["DE"]
    assert body["results"][0]["snippet"] is None  # no extract: matched by title similarity
    assert body["results"][0]["rank"] is not None


def test_typo_in_a_country_name(api, library):
    names = [c["iso2"] for c in api.get("/api/v1/countries/", {"q": "Grmany"}).json()["results"]]
    assert names == ["DE"]


def test_results_come_best_first_with_rank_and_marked_snippet(api, library):
    results = api.get("/api/v1/laws/", {"q": "child"}).json()["results"]
    assert {r["country"]["iso2"] for r in results} == {"GB", "JP"}
    ranks = [r["rank"] for r in results]
    assert ranks == sorted(ranks, reverse=True) and all(rank > 0 for rank in ranks)
    assert all("<mark>" in r["snippet"].lower() or "<mark>" in r["snippet"] for r in results)
    plain = api.get("/api/v1/laws/").json()["results"]
    assert {r["rank"] for r in plain} == {None} and {r["snippet"] for r in plain} == {None}


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL cuts a law's snippet per provision"
)
def test_a_laws_snippet_comes_from_the_provisions_that_match(api, db):
    """The extract under a law shows the words that matched, from the provision that holds
    them, with no neighbouring provision's words run into it; a title match does not hide it."""
    state = StateFactory(iso2="IE", name="Ireland")
    law = LawFactory(state=state, title="Child Trafficking and Pornography Act 1998", language="en")
    LawProvisionFactory(
        law=law, order=1, label="s. 2", heading="Interpretation", text="alpha " * 40 + "wherein"
    )
    LawProvisionFactory(
        law=law,
        order=2,
        label="s. 6",
        heading="Possession of child pornography",
        text="Any person who knowingly has in his possession any child pornography is guilty.",
    )
    LawProvisionFactory(
        law=law, order=3, label="s. 7", heading="Penalties", text="thereupon " + "omega " * 40
    )
    for q in ("possession", "pornography possession"):
        (hit,) = api.get("/api/v1/laws/", {"q": q}).json()["results"]
        snippet = hit["snippet"]
        assert "<mark>possession</mark>" in snippet.lower(), snippet
        assert "knowingly" in snippet
        for other in ("alpha", "wherein", "thereupon", "omega", "Interpretation", "Penalties"):
            assert other not in snippet, snippet


def test_drafts_never_found(api, library):
    assert countries_of(api.get("/api/v1/laws/", {"q": "online safety"})) == []


def test_search_combines_with_filters(api, library):
    assert countries_of(api.get("/api/v1/laws/", {"q": "criminal code", "country": "es"})) == ["ES"]


def test_provision_search_escapes_html_but_marks_matches(api, library):
    body = api.get("/api/v1/provisions/", {"q": "inhalt"}).json()
    (hit,) = body["results"]
    assert hit["country"]["iso2"] == "DE" and hit["label"] == "§ 184b"
    assert "<script>" not in hit["snippet"]
    assert "&lt;script&gt;" in hit["snippet"] or "script" not in hit["snippet"]
    assert "<mark>" in hit["snippet"]
    assert hit["url"].endswith(f"/api/v1/laws/{hit['law']['id']}/#provision-{hit['id']}")


def test_provision_search_in_french_ignores_accents(api, library):
    assert countries_of(api.get("/api/v1/provisions/", {"q": "detenir representation"})) == ["FR"]


HOSTILE = [
    "a & b | !c",
    "':*",
    "\\",
    "'",
    '"',
    '""',
    "-",
    "OR",
    "OR OR OR",
    "-child",
    "!!!",
    "(child",
    "child)",
    "child:*",
    "child <-> code",
    "%",
    "%s",
    "_",
    "*",
    "NEAR(a b)",
    '"unterminated phrase',
    "ç" * 900,
    "child " * 40,
    "\u200b\u202e",
    "🙂",
    "x" * 10_000,
    "a\x00b",
]


@pytest.mark.parametrize("q", HOSTILE)
@pytest.mark.parametrize("endpoint", ["laws", "provisions", "countries"])
def test_hostile_query_text_is_a_result_or_a_400_never_a_500(api, library, endpoint, q):
    response = api.get(f"/api/v1/{endpoint}/", {"q": q})
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 400:
        assert "q" in response.json()["errors"]


def test_query_count_is_constant_in_the_number_of_hits(api, library, django_assert_num_queries):
    def count_queries():
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/api/v1/laws/", {"q": "code"}).status_code == 200
        return len(ctx.captured_queries)

    # Warm (another URL, so not a cached response): the parse of a query text is memoised.
    api.get("/api/v1/laws/", {"q": "code", "page_size": 49})
    before = count_queries()
    for n in range(15):
        LawFactory(title=f"Penal Code {n}", citation=f"PC {n}")
    api.get("/api/v1/laws/", {"q": "code", "page_size": 48})  # the data changed: warm again
    assert count_queries() == before


def test_a_slow_search_is_cancelled(db):
    heavy = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT count(*) FROM n"
    )
    with pytest.raises(search.SearchTimeout):
        with search.time_limit(0.05):
            with connection.cursor() as cursor:
                cursor.execute(heavy)
    # The connection is usable afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone()[0] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_outside_a_transaction_each_query_carries_the_limit_and_nothing_outlives_it():
    heavy = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) "
        "SELECT count(*) FROM n"
    )
    assert connection.get_autocommit()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        default = cursor.fetchone()[0]
    with search.time_limit(0.05):
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")  # no BEGIN, no SET: in the same round trip
            assert cursor.fetchone()[0] == "50ms"
            # The query's own rows come back, not the settings' (psycopg 2 and 3 alike).
            cursor.execute("SELECT 42, %s", ["x"])
            assert cursor.fetchall() == [(42, "x")]
    with pytest.raises(search.SearchTimeout):
        with search.time_limit(0.05):
            with connection.cursor() as cursor:
                cursor.execute(heavy)
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == default
    assert connection.execute_wrappers == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statement_timeout")
def test_a_limit_inside_a_limit_is_one_setting_the_tighter_then_the_outer_again():
    """The laws list runs its search under a limit inside its own: each query carries one
    setting (one wrapper, not one per limit), the inner block the tighter limit, and after it
    the outer's."""
    from laws.search.engines.postgresql import _LocalSettings

    def current():
        with connection.cursor() as cursor:
            cursor.execute("SHOW statement_timeout")
            return cursor.fetchone()[0]

    def wrappers():
        return sum(isinstance(w, _LocalSettings) for w in connection.execute_wrappers)

    default = current()
    with search.time_limit(5):
        assert current() == "5s" and wrappers() == 1
        with search.time_limit(0.2):
            assert current() == "200ms" and wrappers() == 1
            with search.time_limit(3):  # a looser limit inside never loosens it
                assert current() == "200ms" and wrappers() == 1
        assert current() == "5s"
    assert connection.execute_wrappers == [] and current() == default


@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="needs a deadline that passes within a tiny query"
)
def test_a_timeout_is_a_503_json(api, library, monkeypatch):
    monkeypatch.setattr(search.timelimit, "TIMEOUT", 0.0)
    response = api.get("/api/v1/laws/", {"q": "code"})
    assert response.status_code == 503
    assert "took too long" in response.json()["detail"]


def test_parser_reads_web_search_syntax():
    parsed = search.parse('child "indecent image" OR photo -virtual')
    assert parsed.websearch() == 'child "indecent image" OR photo -virtual'
    assert parsed.fts5() == '("child" AND ("indecent image" OR "photo")) NOT "virtual"'
    with pytest.raises(search.SearchQueryError):
        search.parse("-only -negative")


@pytest.mark.parametrize("q", ["", "indecent OR besitz OR pornographie"])
def test_provisions_list_query_count_is_constant(api, library, q):
    from django.test.utils import CaptureQueriesContext

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/provisions/", {"q": q, "page_size": 500} if q else {})
            assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    # Warm (another URL, so not a cached response): the parse of a query text is memoised.
    api.get("/api/v1/provisions/", {"q": q, "page_size": 499} if q else {"page_size": 499})
    before, hits = count_queries()
    for n in range(10):
        LawProvisionFactory(law=library["gb"], heading=f"Indecent pseudo-photographs {n}")
    api.get("/api/v1/provisions/", {"q": q, "page_size": 498} if q else {"page_size": 498})
    after, more_hits = count_queries()
    assert after == before and more_hits == hits + 10


def ranks_of(api, path, q, **params):
    response = api.get(path, {"q": q, **params})
    assert response.status_code == 200, response.content
    return [(r["id"], r["rank"]) for r in response.json()["results"]]


def test_drafts_do_not_change_public_ranks(api, library):
    """Issue 12.5: public answers, ranks included, depend on published rows only."""
    gb, de = library["gb"], library["de"]
    LawProvisionFactory(law=gb, label="s. 2", heading="Sexual offences against children")
    LawProvisionFactory(law=de, label="§ 176", heading="Sexueller Missbrauch von Kindern")
    LawFactory(state=gb.state, title="Sexual Offences Act 2003", citation="2003 c. 42")
    before_laws = ranks_of(api, "/api/v1/laws/", "sexual")
    before_provisions = ranks_of(api, "/api/v1/provisions/", "sexual")
    assert before_laws and before_provisions
    # Drafts full of the word, in a language no published law is written in, and a draft
    # provision of a published law's working copy.
    for n in range(5):
        draft = LawFactory(
            state=gb.state,
            title=f"Sexual exploitation bill {n}",
            title_original=f"Legge sullo sfruttamento sessuale {n}",
            language="it",
            full_text="sexual " * 20,
            publication_status=PublicationStatus.DRAFT,
        )
        LawProvisionFactory(law=draft, heading="Sexual abuse", text="sexual sexual sexual")
    assert ranks_of(api, "/api/v1/laws/", "sexual", page_size=49) == before_laws
    assert ranks_of(api, "/api/v1/provisions/", "sexual", page_size=49) == before_provisions


def test_law_search_matches_provision_texts_best_first(api, library):
    """Issue 11.2: law search matches the provisions' verbatim text (original and English),
    headings and summaries: the laws whose provisions are about possession, best first."""
    gb, de, fr = library["gb"], library["de"], library["fr"]
    cja = LawFactory(state=gb.state, title="Criminal Justice Act 1988", citation="1988 c. 33")
    LawProvisionFactory(
        law=cja,
        label="s. 160",
        heading="Possession of indecent photograph of child",
        summary="Simple possession of an indecent photograph of a child.",
        text="It is an offence for a person to have any indecent photograph of a child "
        "in his possession.",
    )
    # German text, with an English translation that says possession.
    LawProvisionFactory(
        law=de,
        label="§ 184b(3)",
        heading="Besitz",
        text="Wer einen kinderpornographischen Inhalt besitzt ...",
        text_en="Whoever undertakes to obtain possession of child pornographic content, or "
        "possesses such content ...",
    )
    # Only a passing mention, deep in a long text.
    finances = LawFactory(state=fr.state, title="Loi de finances", language="fr")
    LawProvisionFactory(
        law=finances,
        label="art. 1",
        heading="Dispositions générales",
        text="Dispositions diverses. " * 40 + "possession",
    )
    body = api.get("/api/v1/laws/", {"q": "possession"}).json()
    found = [r["id"] for r in body["results"]]
    # (the 1978 Act's s. 1 summary says "possessing": the same stem; the Code pénal's
    # art. 227-23 "détenir", which the vocabulary reads as possession)
    assert set(found) == {cja.pk, de.pk, fr.pk, gb.pk, finances.pk}
    # A heading that says it before a summary that does, before a passing mention; laws that
    # say it only in another language (the vocabulary's equivalents: "détenir") after those.
    assert found.index(cja.pk) < found.index(gb.pk) < found.index(finances.pk)
    assert found.index(finances.pk) < found.index(fr.pk)
    assert all("<mark>" in r["snippet"] for r in body["results"])
    # A summary, and an English text, are searched too.
    assert [r["id"] for r in api.get("/api/v1/laws/", {"q": "obtain"}).json()["results"]] == [de.pk]
    # A provision's later change is searched at once (the law's index follows its provisions).
    provision = cja.provisions.get()
    provision.text = provision.text.replace("possession", "keeping")
    provision.heading = "Indecent photograph of child"
    provision.summary = ""
    provision.save()
    found = [
        r["id"]
        for r in api.get("/api/v1/laws/", {"q": "possession", "page_size": 49}).json()["results"]
    ]
    assert cja.pk not in found
    provision.delete()
    assert not api.get("/api/v1/laws/", {"q": "keeping"}).json()["results"]


@pytest.fixture
def possession(library):
    """Provisions that say possession in five languages, and a law of the UK about it."""
    gb = library["gb"]
    cja = LawFactory(state=gb.state, title="Criminal Justice Act 1988", citation="1988 c. 33")
    s160 = LawProvisionFactory(
        law=cja,
        label="s. 160",
        heading="Possession of indecent photograph of child",
        text="It is an offence for a person to have any indecent photograph of a child "
        "in his possession.",
    )
    es = LawProvisionFactory(
        law=library["es"],
        label="art. 189.5",
        heading="Posesión de pornografía infantil",
        text="La posesión de material pornográfico en cuya elaboración se hubieran utilizado "
        "personas menores de edad.",
    )
    ru = LawProvisionFactory(
        law=library["ru"],
        label="ст. 242.1",
        heading="Изготовление и оборот материалов",
        text="Изготовление, хранение или перемещение через Государственную границу.",
    )
    return {"cja": cja, "s160": s160, "es": es, "ru": ru}


def provision_ids(api, q, **params):
    response = api.get("/api/v1/provisions/", {"q": q, "page_size": 100, **params})
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


def test_a_legal_term_in_any_language_finds_the_same_provisions(api, library, possession):
    """Issue 13.6: the vocabulary per indicator (data/search/vocabulary.csv) makes a query in
    any of the site's languages, or a law's, find the same provisions."""
    english = set(provision_ids(api, "possession"))
    expected = {
        possession["s160"].pk,
        possession["es"].pk,
        possession["ru"].pk,
        *library["de"].provisions.values_list("pk", flat=True),  # Besitz, besitzt
        *library["fr"].provisions.values_list("pk", flat=True),  # détenir
        *library["gb"].provisions.values_list("pk", flat=True),  # possessing
    }
    assert english == expected
    for n, q in enumerate(["posesión", "POSESION", "Besitz", "détention", "хранение", "حيازة"]):
        assert set(provision_ids(api, q, page=1, page_size=90 - n)) == english, q
    # The laws, likewise.
    laws = {r["id"] for r in api.get("/api/v1/laws/", {"q": "possession"}).json()["results"]}
    assert laws == {r["id"] for r in api.get("/api/v1/laws/", {"q": "posesión"}).json()["results"]}
    # A word that names no indicator is not widened.
    assert provision_ids(api, "оборот") == [possession["ru"].pk]


def test_the_words_typed_come_before_their_equivalents(api, library, possession):
    """Same provisions whatever the language of the query, the ones in the words typed first."""
    english = provision_ids(api, "possession")
    spanish = provision_ids(api, "posesión")
    assert set(english) == set(spanish)
    assert english[0] == possession["s160"].pk
    assert spanish[0] == possession["es"].pk


def test_the_spanish_site_finds_by_posesion_what_the_english_one_finds_by_possession(
    client, library, possession
):
    def provisions_on(url):
        body = client.get(url).content.decode()
        return set(re.findall(r"#provision-(\d+)", body))

    english = provisions_on("/search/?q=possession&type=provision")
    assert str(possession["s160"].pk) in english and str(possession["es"].pk) in english
    assert provisions_on("/es/search/?q=posesi%C3%B3n&type=provision") == english


def test_typos_and_law_titles_find_provisions(api, library, possession):
    """A typo finds provisions too; a law's name finds its provisions (StGB → § 184b)."""
    assert set(provision_ids(api, "posession")) == set(provision_ids(api, "possession"))
    stgb = library["de"].provisions.get()
    assert [
        r["country"]["iso2"]
        for r in api.get("/api/v1/laws/", {"q": "Strafgesetzbuch"}).json()["results"]
    ] == ["DE"]
    assert provision_ids(api, "Strafgesetzbuch") == [stgb.pk]
    # A typo in the law's name: provisions whose law's title is close.
    assert provision_ids(api, "Strafgesetzbuhc") == [stgb.pk]
    # A typo in a heading.
    assert possession["s160"].pk in provision_ids(api, "indecnet photograph")


def test_the_site_orders_results_by_relevance_as_the_api(client, api, library, possession):
    """Issue 13.6: the best provision for "possession" (the UK's s. 160) is on page 1, however
    many laws mention the word; laws come in the API's order."""
    for n in range(25):
        law = LawFactory(state=library["fr"].state, title=f"Loi de finances {n}", language="fr")
        LawProvisionFactory(
            law=law,
            heading="Dispositions diverses",
            text="Dispositions diverses. " * 30 + "possession",
        )
    page = client.get("/search/?q=possession").content.decode()
    assert f"#provision-{possession['s160'].pk}" in page

    def listed(kind, pattern):
        found, number = [], 1
        while True:
            body = client.get(f"/search/?q=possession&type={kind}&page={number}").content
            hits = body.decode().split('class="hits"')[1].split("</ol>")[0]
            found += [int(i) for i in re.findall(pattern, hits)]
            if f"page={number + 1}" not in body.decode():
                return found
            number += 1

    api_laws = api.get("/api/v1/laws/", {"q": "possession", "page_size": 100}).json()["results"]
    assert listed("law", r'href="/laws/(\d+)/"') == [r["id"] for r in api_laws]
    assert listed("provision", r"#provision-(\d+)") == provision_ids(api, "possession")


def test_the_vocabulary_covers_every_indicator_in_the_five_languages():
    import json
    from collections import defaultdict
    from pathlib import Path

    from laws.search.vocabulary import read

    topic = json.loads((Path(__file__).resolve().parents[2] / "data/topics/csam.json").read_text())
    slugs = {i["slug"] for i in topic["indicators"]}
    languages = defaultdict(set)
    for entry in read():
        assert entry.indicator in slugs, entry
        assert re.fullmatch(r"[a-z]{2}", entry.language), entry
        assert entry.words, entry
        languages[entry.indicator].add(entry.language)
    assert set(languages) == slugs
    for slug, held in languages.items():
        assert {"en", "fr", "es", "ru", "ar"} <= held, slug


def test_provisions_written_in_bulk_are_searched_with_their_laws(api, library):
    """A bulk insert, update and delete of provisions (one statement each) re-index their laws."""
    from laws.models import LawProvision

    gb, fr = library["gb"], library["fr"]
    LawProvision.objects.bulk_create(
        [
            LawProvision(law=gb, label="s. 9", heading="Quillwort offences", order=90),
            LawProvision(law=fr, label="art. 9", heading="Délit de quillwort", order=90),
            LawProvision(law=fr, label="art. 10", heading="Quillwort aggravé", order=91),
        ]
    )
    found = {r["id"] for r in api.get("/api/v1/laws/", {"q": "quillwort"}).json()["results"]}
    assert found == {gb.pk, fr.pk}
    LawProvision.objects.filter(law=fr, order__gte=90).update(heading="Autre")
    found = {
        r["id"]
        for r in api.get("/api/v1/laws/", {"q": "quillwort", "page_size": 49}).json()["results"]
    }
    assert found == {gb.pk}
    LawProvision.objects.filter(law=gb, order=90).delete()
    assert not api.get("/api/v1/laws/", {"q": "quillwort", "page_size": 48}).json()["results"]


@pytest.mark.parametrize("function", ["search_laws", "search_provisions"])
def test_a_search_is_two_queries_on_both_engines(library, function):
    """Issue 15 (Q2): the ids of the matches (and their count), then the page with ranks and
    snippets; nothing else per search (no data-version read for the query's languages: every
    installed configuration reads it, known once per process)."""
    from django.test.utils import CaptureQueriesContext

    from laws.models import Law, LawProvision

    queryset = (
        Law.objects.published()
        if function == "search_laws"
        else LawProvision.objects.filter(law__publication_status="published")
    )
    run = getattr(search, function)
    list(run(queryset, "criminal OR photograph OR besitz"))  # warm: the parsed query is kept
    with CaptureQueriesContext(connection) as ctx:
        found = run(queryset, "criminal OR photograph OR besitz")
        assert found.count() > 0 and all(r.rank is not None for r in found)
    assert len(ctx.captured_queries) == 2, [q["sql"][:120] for q in ctx.captured_queries]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's search objects")
def test_the_search_migrations_run_on_a_database_that_holds_laws(api, library):
    """A search migration (`reinstall_search`) on a database with laws and provisions, in one
    transaction as `migrate` runs it: the documents are recomputed, which updates each law
    twice, and the indexes are created after. PostgreSQL refuses CREATE INDEX on a table with
    deferred checks pending; the migration must not fail there, and the search answers the
    same afterwards."""
    before = api.get("/api/v1/laws/", {"q": "pornographie"}).json()["results"]
    assert before
    with connection.schema_editor(atomic=False) as editor:
        search.install(editor)
    after = api.get("/api/v1/laws/", {"q": "pornographie"}).json()["results"]
    assert [(r["id"], r["rank"], r["snippet"]) for r in after] == [
        (r["id"], r["rank"], r["snippet"]) for r in before
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT crin_ts_config('fr')::text, crin_ts_config('xx')::text")
        assert cursor.fetchone() == ("crin_french", "crin_simple")
