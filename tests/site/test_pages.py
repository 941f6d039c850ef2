"""The public pages, as a researcher reads them: content, citations, published records only,
"not assessed" never shown as "no", bad input shown as an error, bounded queries."""

import re

import pytest
from django.urls import reverse

from core.publication import PublicationStatus
from laws.models import Topic

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def refused(response, parameter: str, value: str = "") -> None:
    """A 400 page that names the parameter (and the value) the visitor gave."""
    assert response.status_code == 400
    errors = response.content.decode().split('class="errors"')[1].split("</div>")[0]
    assert f"<strong>{parameter}</strong>" in errors
    assert value in errors


def test_home_gives_headline_counts_map_and_table(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = client.get("/")
    assert response.status_code == 200
    body = text(response)
    # GB yes; FR partial; RU no; US not assessed.
    assert "1 state criminalises simple possession, 1 in part, 1 do not; 1 not yet assessed" in body
    html = response.content.decode()
    assert html.count('class="state st-') == 4
    assert 'aria-label="Russian Federation: No"' in html
    assert 'aria-label="United States: Not assessed"' in html
    assert 'href="/countries/gb/"' in html
    assert "Not assessed (1)" in body and "No (1)" in body
    # The accessible table under the map has one row per state.
    table = html.split('class="map-table"')[1]
    assert table.count('<th scope="row">') == 4


def test_home_map_by_treaty_status(client, world):
    response = client.get("/?treaty=opsc")
    html = response.content.decode()
    assert 'aria-label="France: Party"' in html
    # Russia's participation is a draft: no action, not "party".
    assert 'aria-label="Russian Federation: No action"' in html


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("indicator=nonsense", "indicator"),
        ("treaty=xyz", "treaty"),
        ("indicator=production&treaty=opsc", "treaty"),
    ],
)
def test_home_rejects_unknown_vocabulary(client, world, query, parameter):
    response = client.get(f"/?{query}")
    refused(response, parameter)
    assert "<svg" not in response.content.decode()  # no map drawn from a misread question


def test_country_profile(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(17):
        response = client.get("/countries/gb/")
    assert response.status_code == 200
    html = response.content.decode()
    body = text(response)
    assert "<h1>United Kingdom</h1>" in html
    # Treaty participation with dates and kind of consent, and the reservation's full text.
    assert "20 February 2009" in body and "Ratification" in body
    assert "The United Kingdom declares that it reads article 3" in body
    # Findings with the cited provision linked to its anchor on the law page.
    assert f'href="/laws/{world.gb_act.pk}/#provision-{world.gb_s1.pk}"' in html
    assert "PCA 1978 s. 1(1)(a)" in body
    # Not assessed, not "no".
    row = html.split('id="indicator-covers_virtual_material"')[1].split("</tr>")[0]
    assert "Not assessed" in row and ">No<" not in row
    # Sources, as-of and the citation.
    assert "as of 3 February 2026" in body
    assert "Cite this page" in body and "http://testserver/countries/gb/" in body


def test_country_no_finding_shows_its_explanation(client, world):
    html = client.get("/countries/ru/").content.decode()
    findings = html.split('<section id="findings"')[1].split("</section>")[0]
    assert "Only possession for distribution is an offence" in findings
    # The draft OPSC participation of Russia is not shown: no action on either treaty.
    treaties = html.split('<section id="treaties"')[1].split("</section>")[0]
    assert "Party" not in treaties and treaties.count("No action") == 2


def test_country_hides_drafts(client, world):
    body = text(client.get("/countries/us/"))
    assert "Secret Draft Statute" not in body
    row = client.get("/countries/us/").content.decode().split('id="indicator-production"')[1]
    assert "Not assessed" in row.split("</tr>")[0]


def test_country_code_is_case_insensitive_and_unknown_is_404(client, world):
    response = client.get("/countries/GB/")
    assert response.status_code == 301 and response["Location"] == "/countries/gb/"
    assert client.get("/countries/zz/").status_code == 404


def test_law_page_has_anchored_provisions(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get(f"/laws/{world.gb_act.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="provision-{world.gb_s160.pk}"' in html
    assert "Simple possession" in text(response)
    assert 'href="https://legislation.example.org/act"' in html
    assert client.get(f"/laws/{world.draft_law.pk}/").status_code == 404


def test_law_list_filters(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/laws/?kind=code")
    body = text(response)
    assert "Penal Code" in body and "Protection of Children Act" not in body
    assert "Secret Draft Statute" not in text(client.get("/laws/"))
    refused(client.get("/laws/?country=ZZ"), "country", "“ZZ”")
    refused(client.get("/laws/?indicator=flying"), "indicator", "“flying”")


def test_treaty_page(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = client.get("/treaties/opsc/")
    assert response.status_code == 200
    body = text(response)
    html = response.content.decode()
    assert "3 states shown" not in body  # all four states are listed
    assert "4 states shown" in body
    assert "New parties per year" in body and "<rect" in html
    # Who is not yet a party: Russia (draft participation counts as no action).
    universal = body.split("Not yet parties")[1]
    assert "Russian Federation" in universal and "France" not in universal.split("Provisions")[0]
    crc = text(client.get("/treaties/crc/"))
    assert "signed 16 February 1995" in crc  # the US signed the CRC, not yet a party


def test_treaty_page_filters(client, world):
    body = text(client.get("/treaties/opsc/?region=americas"))
    assert "1 state shown" in body
    refused(client.get("/treaties/opsc/?status=married"), "status", "“married”")
    missing = client.get("/treaties/nope/")
    assert missing.status_code == 404 and "OPSC" not in text(missing)


def test_compare_matrix(client, world, django_assert_max_num_queries):
    url = "/compare/?countries=GB,FR,US&indicators=production,simple_possession"
    with django_assert_max_num_queries(10):
        response = client.get(url)
    html = response.content.decode()
    matrix = html.split('class="data matrix')[1]
    assert matrix.count('<th scope="row">') == 3
    us_row = matrix.split("United States")[1].split("</tr>")[0]
    assert us_row.count("Not assessed") == 2
    fr_row = matrix.split("France")[1].split("</tr>")[0]
    assert "Partial" in fr_row and f"#provision-{world.fr_art.pk}" in fr_row


def matrix_rows(response) -> list[str]:
    matrix = response.content.decode().split('class="data matrix')[1].split("</table>")[0]
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', matrix)


def test_compare_by_region_and_bad_input(client, world):
    assert matrix_rows(client.get("/compare/?region=europe")) == [
        "France",
        "Russian Federation",
        "United Kingdom",
    ]
    refused(client.get("/compare/?format=docx"), "format", "“docx”")


def test_compare_keeps_the_valid_entries_and_names_the_others(client, world):
    """Issue 13.3: one bad entry never throws the request away."""
    response = client.get("/compare/?countries=gb,xx,france&indicators=production,teleportation")
    assert response.status_code == 200
    assert matrix_rows(response) == ["United Kingdom", "France"]
    notes = text(response).split("Not understood")[1].split("Download")[0]
    assert "“xx”" in notes and "“teleportation”" in notes and "“france”" not in notes
    # The question that was understood is the only column.
    head = response.content.decode().split("<thead>")[1].split("</thead>")[0]
    assert "Production" in head and "Simple possession" not in head
    # The exports are of what is shown, named by code: they never fail on the bad entry.
    html = response.content.decode()
    assert 'href="?countries=GB%2CFR&amp;indicators=production&amp;format=csv"' in html
    # A file cannot carry a note: an export asked for directly with a bad entry is a 400.
    bad = client.get("/compare/?countries=gb,xx&format=csv")
    assert bad.status_code == 400 and "“xx”" in text(bad)
    # In Arabic, the note is translated and its list uses the Arabic comma.
    arabic = text(client.get("/ar/compare/?countries=xx,yy,fr"))
    assert "لم يُفهم" in arabic and "“xx”، “yy”" in arabic


@pytest.mark.parametrize(
    "entries",
    [
        "GBR,FRA",  # ISO 3166 alpha-3
        "united kingdom,FRANCE",
        "United-Kingdom,France.",  # punctuation and spacing as typed
        "Royaume-Uni,france",
        "Reino Unido,Francia",
        "Великобритания,Франция",
        "المملكة المتحدة,فرنسا",
    ],
)
def test_compare_accepts_names_in_every_language(client, world, entries):
    for prefix in ("", "/ar"):
        response = client.get(f"{prefix}/compare/", {"countries": entries})
        assert response.status_code == 200
        assert len(matrix_rows(response)) == 2
        assert "Not understood" not in text(response) and "لم يُفهم" not in text(response)


def test_compare_has_a_country_picker(client, world):
    response = client.get("/compare/?countries=GB&countries=US")
    html = response.content.decode()
    picker = html.split('class="country-picker"')[1].split("</fieldset>")[0]
    # Every state, by region, with the chosen ones ticked and their region open.
    assert picker.count('type="checkbox" name="countries"') == 4
    assert re.search(r'value="GB" checked', picker) and re.search(r'value="US" checked', picker)
    assert not re.search(r'value="FR" checked', picker)
    assert picker.count("<details open>") == 2  # Americas and Europe both hold a chosen state
    # Ticking boxes is the same as typing codes.
    assert matrix_rows(response) == ["United Kingdom", "United States"]


def test_countries_list(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/countries/?region=europe")
    body = text(response)
    assert "3 countries" in body and "United States" not in body


def test_topic_page_sanitises_the_explainer(client, world, django_assert_max_num_queries):
    Topic.objects.filter(pk=world.topic.pk).update(
        definition="<p>Material <strong>depicting</strong> a child.</p><script>alert(1)</script>"
        '<a href="javascript:alert(1)" onclick="x()">bad</a>',
        references='<ol><li><a href="https://example.org/icmec">ICMEC review</a></li></ol>',
    )
    with django_assert_max_num_queries(12):
        response = client.get("/topics/csam/")
    html = response.content.decode()
    assert "<strong>depicting</strong>" in html
    assert "<script>alert" not in html and "javascript:" not in html and "onclick" not in html
    assert '<a href="https://example.org/icmec" rel="noopener noreferrer">' in html
    body = text(response)
    # Only the US has no published finding (its one finding is a draft).
    assert "1 state has no published finding on this topic yet" in body
    not_assessed = html.split("States not yet assessed on this topic")[1]
    assert "United States" in not_assessed and "France" not in not_assessed
    refused(client.get("/topics/csam/?indicator=nope"), "indicator", "“nope”")


def test_only_the_embed_page_may_be_framed(client, world):
    embed = client.get("/embed/map/?indicator=production")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert 'target="_top"' in embed.content.decode()
    assert client.get("/")["X-Frame-Options"] == "DENY"
    refused(client.get("/embed/map/?treaty=none"), "treaty", "“none”")


def test_drafts_change_nothing_until_published(client, world):
    before = client.get("/?indicator=production").content.decode()
    assert 'aria-label="United States: Not assessed"' in before
    for (
        finding
    ) in world.us.findings.all():  # published as the workflow does (save: the stamp moves)
        finding.publication_status = PublicationStatus.PUBLISHED
        finding.save()
    after = client.get("/?indicator=production").content.decode()
    assert 'aria-label="United States: Yes"' in after


def test_every_page_is_reachable_from_reverse(client, world):
    """Each page, reached by name, shows its own heading (not an error page)."""
    for name, args, heading in [
        ("public:home", [], "Which states criminalise child sexual abuse material?"),
        ("public:downloads", [], "Downloads"),
        ("public:search", [], "Search"),
        ("public:country_list", [], "Countries"),
        ("public:law_list", [], "Laws"),
        ("public:compare", [], "Compare states"),
        ("public:query", [], "Find states"),
        ("public:topic", ["csam"], "Child sexual abuse material"),
        ("public:country", ["fr"], "France"),
        ("public:treaty", ["opsc"], "Optional Protocol"),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S)
        assert h1 and heading in re.sub(r"<[^>]+>", "", h1.group(1)), (name, h1)


def test_country_findings_say_whether_a_treaty_binds_the_state(client, world):
    from laws.models import IndicatorBasis
    from tests.factories import TreatyProvisionFactory

    article = TreatyProvisionFactory(treaty=world.opsc, slug="opsc-art-3-1-c", label="art. 3(1)(c)")
    IndicatorBasis.objects.create(indicator=world.production, provision=article, kind="requires")
    html = client.get("/countries/gb/").content.decode()
    row = html.split('id="indicator-production"')[1].split("</tr>")[0]
    assert 'href="/treaties/opsc/#opsc-art-3-1-c"' in row
    assert "Party" in row and "since 20 February 2009" in row
    ru_row = client.get("/countries/ru/").content.decode().split('id="indicator-production"')[1]
    assert "No action" in ru_row.split("</tr>")[0]  # Russia's OPSC participation is a draft


def sections(html: str) -> list[str]:
    return re.findall(r'<section id="([a-z-]+)"', html)


def test_country_page_puts_the_findings_first_and_folds_the_treaty_texts(client, world):
    """Issue 13.2: the answer first; declarations, reservations, notes and objections folded,
    each with its count."""
    html = client.get("/countries/gb/").content.decode()
    assert sections(html) == ["findings", "treaties", "laws", "sources"]
    toc = html.split('class="toc"')[1].split("</nav>")[0]
    assert toc.index("#findings") < toc.index("#treaties")
    treaties = html.split('<section id="treaties"')[1].split("</section>")[0]
    folded = re.findall(r"<details[^>]*>\s*<summary>(.*?)</summary>", treaties, re.S)
    assert [re.sub(r"<[^>]+>|\s+", " ", f).split() for f in folded] == [
        ["Declarations", "and", "reservations:", "OPSC", "(1)"]
    ]
    # The text is there, inside the fold.
    assert "reads article 3" in treaties.split("<details")[1]


def test_country_finding_shows_text_source_dates_and_scope(client, world):
    """Issue 11 on the country page: each cited provision's verbatim text (original and
    English), its source as one translated sentence with grade, URL and date read, the dates in
    force, and the part of the state the finding covers."""
    import datetime

    from tests.factories import JurisdictionFactory, SourceFactory

    legifrance = SourceFactory(
        url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000043409305",
        grade="official",
        publisher="Légifrance",
        read_on=datetime.date(2026, 12, 6),
    )
    translation = SourceFactory(
        url="https://sherloc.unodc.org/cld/fr-penal-code.html",
        grade="authoritative",
        publisher="UNODC SHERLOC",
        read_on=datetime.date(2026, 12, 5),
    )
    art = world.fr_art
    art.text = "Le fait, en vue de sa diffusion, de fixer, d'enregistrer ou de transmettre l'image"
    art.text_language = "fr"
    art.source = legifrance
    art.text_en = "The act, with a view to its dissemination, of fixing, recording or transmitting"
    art.text_en_source = translation
    art.in_force_from = datetime.date(1994, 3, 1)
    art.save()
    eaw = JurisdictionFactory(state=world.gb, code="GB-EAW", name="England and Wales")
    JurisdictionFactory(state=world.gb, code="GB-SCT", name="Scotland")
    world.gb_act.jurisdiction = eaw
    world.gb_act.save()

    html = client.get("/countries/fr/").content.decode()
    row = html.split('id="indicator-production"')[1].split("</tr>")[0]
    assert '<blockquote lang="fr" dir="auto">' in row and "de fixer, d&#x27;enregistrer" in row
    assert '<blockquote lang="en" dir="auto">' in row and "with a view to its dissemination" in row
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", row))
    assert "Verified against Légifrance (official source, read on 6 December 2026)." in plain
    assert (
        "English text, from UNODC SHERLOC (authoritative source, read on 5 December 2026):" in plain
    )
    assert f'href="{legifrance.url}"' in row and f'href="{translation.url}"' in row
    assert "In force from 1 March 1994" in plain
    assert "In effect from 1 March 1994" in plain
    assert "Covers: the whole state" in plain
    # Two pages of one publisher, read the same day: named once, each page linked.
    second = SourceFactory(
        url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000000000002",
        publisher="Légifrance",
        read_on=datetime.date(2026, 12, 6),
    )
    from tests.factories import LawProvisionFactory

    other = LawProvisionFactory(law=world.fr_code, label="art. 227-24", source=second)
    world.fr_art.findings.get(indicator=world.production).evidence.add(other)
    again = client.get("/countries/fr/").content.decode()
    row = again.split('id="indicator-production"')[1].split("</tr>")[0]
    verified = row.split('class="small verified">')[1].split("</p>")[0]
    assert verified.count("Légifrance") == 1 and f'href="{second.url}">[2]</a>' in verified
    # A wording whose end was read but not its start: the page says so rather than nothing.
    other.in_force_to = datetime.date(2013, 8, 5)
    other.save()
    page = client.get("/countries/fr/").content.decode()
    row = page.split('id="indicator-production"')[1].split("</tr>")[0]
    assert "In force until 5 August 2013 (start not known)" in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", "", row)
    )
    # The United Kingdom's evidence is the law of England and Wales only: said, and undated.
    gb = client.get("/countries/gb/").content.decode()
    gb_row = re.sub(
        r"<[^>]+>", "", gb.split('id="indicator-simple_possession"')[1].split("</tr>")[0]
    )
    assert "Covers: England and Wales (not Scotland)" in re.sub(r"\s+", " ", gb_row)
    assert "Since when: not known" in re.sub(r"\s+", " ", gb_row)
    # Translated, as one sentence.
    fr = client.get("/fr/countries/fr/").content.decode()
    fr_row = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fr.split('id="indicator-production"')[1]))
    assert "Vérifié sur Légifrance (source officielle, consultée le 6 décembre 2026)." in fr_row
    assert (
        "Applicable depuis le 1 mars 1994" in fr_row and "Portée : l’ensemble de l’État" in fr_row
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/countries/",
        "/countries/gb/",
        "/laws/",
        "/treaties/opsc/",
        "/compare/",
        "/topics/csam/",
        "/search/?q=possession",
        "/downloads/",
    ],
)
def test_no_parameter_is_silently_ignored(client, world, path):
    """Issue 13.1: a parameter the page does not use is said on the page."""
    response = client.get(path + ("&" if "?" in path else "?") + "colour=blue")
    assert response.status_code == 200
    note = text(response).split("Not understood")[1][:120]
    assert "colour" in note and "shows its answer without it" in note
    assert "Not understood" not in text(client.get(path))


def test_an_ignored_query_parameter_points_to_the_query_builder(client, world):
    response = client.get("/countries/?criminalises=production,simple_possession&region=europe")
    html = response.content.decode()
    assert "<bdi>criminalises</bdi>" in html
    assert 'href="/query/?criminalises=production%2Csimple_possession">' in html
    fr = client.get("/fr/countries/?criminalises=production").content.decode()
    assert 'href="/fr/query/?criminalises=production">' in fr and "Non compris" in fr


def test_an_export_with_an_unknown_parameter_is_refused(client, world):
    response = client.get("/countries/?criminalises=production&format=csv")
    assert response.status_code == 400 and "criminalises" in text(response)
    assert client.get("/countries/?region=europe&format=csv").status_code == 200
    # The dataset is a file too: a parameter it does not read is refused, by name.
    response = client.get("/downloads/dataset.zip?format=json")
    assert response.status_code == 400 and "format" in text(response)


def test_favicon(client, world):
    """Issue 13.8: browsers ask for /favicon.ico whatever the page says; not a 404."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/vnd.microsoft.icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert '<link rel="icon" href="/favicon.ico"' in client.get("/").content.decode()


def test_search_refine_panel_lists_only_what_can_narrow_the_results(client, world):
    """Issue 13.8: no facet with (0): nothing to refine when nothing matches."""
    empty = client.get("/search/?q=zzzzqqqq").content.decode()
    panel = empty.split('<aside class="facets"')[1].split("</aside>")[0]
    assert "(0)" not in panel and "Nothing to refine: no result." in panel
    found = client.get("/search/?q=possession").content.decode()
    panel = found.split('<aside class="facets"')[1].split("</aside>")[0]
    assert "(0)" not in panel and re.search(r"\(\d+\)", panel)


def test_law_page_shows_each_provision_text_with_its_source(client, world):
    """Issue 11.2: the verbatim text (original and English) with where and when it was read."""
    import datetime

    from tests.factories import SourceFactory

    art = world.fr_art
    art.text = "Le fait de fixer l'image d'un mineur"
    art.text_language = "fr"
    art.source = SourceFactory(
        url="https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000043409305",
        publisher="Légifrance",
        read_on=datetime.date(2026, 12, 6),
    )
    art.text_en = "The act of fixing the image of a minor"
    art.text_en_source = SourceFactory(
        url="https://sherloc.unodc.org/cld/fr.html",
        grade="authoritative",
        publisher="UNODC SHERLOC",
        read_on=datetime.date(2026, 12, 5),
    )
    art.save()
    response = client.get(f"/laws/{world.fr_code.pk}/")
    html = response.content.decode()
    assert '<blockquote class="legal-text" lang="fr" dir="auto">' in html
    assert '<blockquote class="legal-text" lang="en" dir="auto">' in html
    body = text(response)
    assert "Text as read at Légifrance (official source, read on 6 December 2026)." in body
    assert (
        "English text, from UNODC SHERLOC (authoritative source, read on 5 December 2026):" in body
    )
    assert f'href="{art.source.url}"' in html
    fr = text(client.get(f"/fr/laws/{world.fr_code.pk}/"))
    assert (
        "Texte tel que lu sur Légifrance (source officielle, consultée le 6 décembre 2026)." in fr
    )
