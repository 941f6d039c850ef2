"""Five languages: prefixed URLs, <html lang/dir>, translated strings, localised country names
and dates, a language switch of plain links (no cookie)."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "prefix, lang, direction, heading",
    [
        ("", "en", "ltr", "Which states criminalise child sexual abuse material?"),
        ("/fr", "fr", "ltr", "Quels États incriminent les contenus pédocriminels ?"),
        (
            "/es",
            "es",
            "ltr",
            "¿Qué Estados tipifican como delito el material de abuso sexual infantil?",
        ),
        (
            "/ru",
            "ru",
            "ltr",
            "Какие государства криминализируют материалы сексуального насилия над детьми?",
        ),
        ("/ar", "ar", "rtl", "ما الدول التي تجرّم مواد الاعتداء الجنسي على الأطفال؟"),
    ],
)
def test_home_in_five_languages(client, world, prefix, lang, direction, heading):
    html = client.get(f"{prefix}/").content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(
    "prefix, name, date",
    [
        ("", "United Kingdom", "20 February 2009"),
        ("/fr", "Royaume-Uni", "20 février 2009"),
        ("/es", "Reino Unido", "20 de febrero de 2009"),
        ("/ru", "Великобритания", "20 февраля 2009"),
        ("/ar", "المملكة المتحدة", "20 فبراير 2009"),
    ],
)
def test_country_names_and_dates_are_localised(client, world, prefix, name, date):
    html = client.get(f"{prefix}/countries/gb/").content.decode()
    assert f"<h1>{name}</h1>" in html
    assert date in html


def test_statuses_and_vocabulary_are_translated(client, world):
    html = client.get("/fr/countries/us/").content.decode()
    assert "Non évalué" in html and "Not assessed" not in html
    assert "Simple détention" in html  # the indicator's name
    assert "Amérique du Nord" in html  # the sub-region


def test_links_stay_in_the_chosen_language(client, world):
    html = client.get("/fr/").content.decode()
    assert 'href="/fr/countries/gb/"' in html and 'href="/countries/gb/"' not in html


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/countries/", 200),
        ("/countries/gb/", 200),
        ("/laws/", 200),
        ("/search/?q=possession", 200),
        ("/downloads/", 200),
        ("/compare/", 200),
        ("/query/?criminalises=production", 200),
        ("/embed/map/", 200),
        ("/?indicator=nonsense", 400),
        ("/countries/zz/", 404),
    ],
)
def test_public_pages_set_no_cookie(client, world, path, status):
    """The language switch is a set of links: no CSRF token, so no csrftoken cookie (issue 14.3);
    nor on an error page."""
    for prefix in ("", "/fr"):
        response = client.get(prefix + path)
        assert response.status_code == status
        assert "Set-Cookie" not in response.headers and not response.cookies, prefix + path
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_language_switch_links_to_the_same_page_in_each_language(client, world):
    html = client.get("/compare/?countries=GB").content.decode()
    switch = html[html.index('class="language-switch"') :]
    switch = switch[: switch.index("</nav>")]
    assert 'href="/fr/compare/?countries=GB" lang="fr" hreflang="fr"' in switch
    assert 'href="/ar/compare/?countries=GB" lang="ar" hreflang="ar"' in switch
    assert 'href="/compare/?countries=GB" lang="en" hreflang="en" aria-current="page"' in switch
    # From a prefixed page, English is the unprefixed page and the current language is marked.
    html = client.get("/ar/compare/?countries=GB").content.decode()
    switch = html[html.index('class="language-switch"') :]
    assert 'href="/compare/?countries=GB" lang="en"' in switch
    assert 'href="/ar/compare/?countries=GB" lang="ar" hreflang="ar" aria-current="page"' in switch
    # No remembered choice: an unprefixed page is English whatever an old cookie says.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client.get("/compare/")
    assert response.status_code == 200 and response.headers["Content-Language"] == "en"


def test_api_and_admin_are_not_language_prefixed(client, world):
    assert client.get("/fr/api/v1/").status_code == 404
    assert client.get("/fr/admin/").status_code == 404
    assert client.get("/admin/").status_code == 302


def test_every_site_string_is_translated():
    """No UI string of the site is left untranslated in any of the four catalogues."""
    from babel.messages.pofile import read_po

    for lang in ("fr", "es", "ru", "ar"):
        with open(settings.BASE_DIR / "locale" / lang / "LC_MESSAGES" / "django.po", "rb") as f:
            catalog = read_po(f)
        missing = [
            m.id
            for m in catalog
            if m.id
            and any(path.startswith("public/") for path, _line in m.locations)
            and not (all(m.string) if isinstance(m.string, tuple) else m.string)
        ]
        assert missing == [], (lang, missing)


@pytest.mark.parametrize("prefix", ["/fr", "/es", "/ru", "/ar"])
def test_svg_coordinates_are_not_localised(client, world, prefix):
    """A French decimal comma in cx="12,5" would throw the map's markers off the map."""
    import re

    from treaties.models import State

    # Malta is drawn as a marker (too small to see as a shape).
    State.objects.filter(pk=world.ru.pk).update(m49="470", iso2="MT", iso3="MLT", name="Malta")
    html = client.get(f"{prefix}/").content.decode()
    circles = re.findall(r'<circle cx="([^"]+)" cy="([^"]+)"', html)
    assert circles
    for cx, cy in circles:
        float(cx), float(cy)
    bars = re.findall(r'<rect x="([^"]+)"', client.get(f"{prefix}/treaties/opsc/").content.decode())
    assert bars and all(float(x) >= 0 for x in bars)


@pytest.mark.parametrize(
    ("prefix", "crc", "article"),
    [("/fr", "CIDE", "Article"), ("/es", "CDN", "Artículo"), ("/ru", "КПР", "Статья")],
)
def test_treaty_abbreviations_and_articles_are_translated(client, world, prefix, crc, article):
    """Issue 13.5: CRC is CIDE/CDN/КПР; "Article" in a treaty citation is translated."""
    from laws.models import IndicatorBasis
    from tests.factories import TreatyProvisionFactory

    art = TreatyProvisionFactory(treaty=world.opsc, slug="opsc-art-3-1-c", label="Article 3(1)(c)")
    IndicatorBasis.objects.create(indicator=world.production, provision=art, kind="requires")
    html = client.get(f"{prefix}/countries/gb/").content.decode()
    treaties = html.split('<section id="treaties"')[1].split("</section>")[0]
    assert f">{crc}</abbr>" in treaties and ">CRC</abbr>" not in treaties
    row = html.split('id="indicator-production"')[1].split("</tr>")[0]
    assert f"{article} 3(1)(c)" in row and "Article 3(1)(c)" not in row.replace(
        f"{article} 3(1)(c)", ""
    )
    assert f"{article} 3(1)(c)" in client.get(f"{prefix}/treaties/opsc/").content.decode()
    # English keeps the UN's abbreviation and "Article".
    english = client.get("/countries/gb/").content.decode()
    assert ">CRC</abbr>" in english and "Article 3(1)(c)" in english


def test_arabic_pages_isolate_left_to_right_text(client, world):
    """Issue 13.4: English passages on Arabic pages are isolated (<bdi>, dir="auto"), so their
    punctuation stays where it belongs; Arabic lists use the Arabic comma."""
    html = client.get("/ar/countries/gb/").content.decode()
    findings = html.split('<section id="findings"')[1].split("</section>")[0]
    assert "<bdi>Protection of Children Act 1978 c. 37, s. 1(1)(a)</bdi>" in findings
    assert '<p dir="auto">PCA 1978 s. 1(1)(a)</p>' in findings
    assert '<p class="note" dir="auto">' in client.get("/ar/countries/ru/").content.decode()
    law = client.get(f"/ar/laws/{world.gb_act.pk}/").content.decode()
    assert "<h1><bdi>Protection of Children Act 1978</bdi></h1>" in law
    assert "<bdi>s. 160</bdi>" in law
    arabic = client.get("/ar/compare/?countries=xx,yy,gb").content.decode()
    assert "“xx”، “yy”" in arabic
