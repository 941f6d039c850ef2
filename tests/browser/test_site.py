"""Every page type in headless Chromium: it loads, key content is there, the map draws every
state and navigates on click and keyboard, the language switch works, downloads parse, and
axe-core finds no WCAG A/AA violation."""

import csv
import io

import pytest
from openpyxl import load_workbook

from .conftest import axe_violations

pytestmark = pytest.mark.browser


def point_on(page, iso2: str) -> tuple[float, float]:
    """A point of the viewport where the state's own shape is hit (not just its bounding box:
    France's includes French Guiana, so the box's centre is in the Atlantic)."""
    point = page.evaluate(
        """(iso2) => {
            const link = document.querySelector(`svg a.state[data-iso2="${iso2}"]`);
            link.scrollIntoView({block: "center"});
            const box = link.getBoundingClientRect();
            for (let i = 1; i < 40; i++) for (let j = 1; j < 40; j++) {
                const x = box.left + box.width * i / 40, y = box.top + box.height * j / 40;
                const hit = document.elementFromPoint(x, y);
                if (hit && hit.closest("a.state") === link) return [x, y];
            }
            return null;
        }""",
        iso2,
    )
    assert point, f"{iso2} is not drawn where it can be pointed at"
    return point[0], point[1]


def test_map_draws_every_state_and_navigates(page, world):
    page.goto("/")
    states = page.locator("svg a.state")
    assert states.count() == 4  # every state in the database
    assert page.locator('svg a.state[data-iso2="FR"] path').count() == 1
    # Hover shows the state and its status.
    page.mouse.move(*point_on(page, "RU"))
    tooltip = page.locator(".map-tooltip")
    assert tooltip.is_visible() and tooltip.inner_text() == "Russian Federation: No"
    # A click opens the country.
    page.mouse.click(*point_on(page, "FR"))
    page.wait_for_url("**/countries/fr/")
    assert page.locator("h1").inner_text() == "France"


def test_map_keyboard_focus_and_enter(page, world):
    page.goto("/?treaty=opsc")
    link = page.locator('svg a.state[data-iso2="GB"]')
    link.focus()
    assert page.locator(".map-tooltip").inner_text() == "United Kingdom: Party"
    page.keyboard.press("Enter")
    page.wait_for_url("**/countries/gb/")


def test_map_layer_select_submits(page, world):
    page.goto("/")
    page.select_option("#layer-indicator", "production")
    page.wait_for_url("**/?indicator=production")
    assert page.locator('svg a.state[data-iso2="GB"]').get_attribute("aria-label") == (
        "United Kingdom: Yes"
    )


def test_skip_link_is_first_and_visible_on_focus(page, world):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    # Focused, it is shown in full inside the viewport, readable, and on top of the page.
    assert skip.is_visible() and skip.inner_text() == "Skip to main content"
    box = skip.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 1280
    assert 0 <= box["y"] and box["y"] + box["height"] <= 900
    assert box["width"] > 50 and box["height"] > 12  # not a 1-pixel clip
    centre = [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2]
    assert page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.skip-link') !== null", centre
    )
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert page.evaluate("document.activeElement.id") == "main"


def test_sortable_table(page, world):
    page.goto("/treaties/opsc/")
    table = page.locator("table.sortable").last
    header = table.locator("thead th").nth(4)  # consent to be bound
    header.locator("button").click()
    assert header.get_attribute("aria-sort") == "ascending"
    first = table.locator("tbody tr").first.locator("th").inner_text()
    assert first == "United States"  # 2002, the earliest consent


def test_language_switch_links_keep_the_page_and_set_no_cookie(page, world):
    page.goto("/countries/gb/")
    page.click('.language-switch a[lang="fr"]')
    page.wait_for_url("**/fr/countries/gb/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Royaume-Uni"
    page.goto("/fr/treaties/opsc/")
    page.click('.language-switch a[lang="ar"]')
    page.wait_for_url("**/ar/treaties/opsc/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator('.language-switch a[aria-current="page"]').inner_text() == "العربية"
    page.click('.language-switch a[lang="en"]')
    page.wait_for_url(lambda url: url.endswith("/treaties/opsc/") and "/ar/" not in url)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.context.cookies() == []  # issue 14.3: no csrftoken, no language cookie


def test_compare_picker_and_entries_not_understood(page, world):
    page.goto("/compare/?countries=gb,xx,france")
    rows = page.locator("table.matrix tbody th")
    assert rows.all_inner_texts() == ["United Kingdom", "France"]
    assert "“xx”" in page.locator(".errors").inner_text()
    # The picker: the chosen states are ticked; ticking the United States adds it.
    assert page.locator('.country-picker input[value="GB"]').is_checked()
    page.locator(".country-picker summary", has_text="Americas").click()
    page.locator('.country-picker input[value="US"]').check()
    page.fill("#f-countries", "")
    page.click(".compare-form button[type=submit]")
    page.wait_for_url("**/compare/?*")
    assert sorted(rows.all_inner_texts()) == ["France", "United Kingdom", "United States"]
    assert page.locator(".errors").count() == 0


def test_query_builder_form_gives_a_clean_shareable_url(page, world):
    page.goto("/query/")
    page.check('input[name="criminalises"][value="production"]')
    page.check('input[name="party_to"][value="opsc"]')
    page.click(".query-form button[type=submit]")
    page.wait_for_url("**/query/?*")
    # Unanswered fields stay out of the link.
    assert page.url.endswith("/query/?party_to=opsc&criminalises=production")
    assert page.locator(".result-list a").all_inner_texts() == ["France", "United Kingdom"]
    assert page.locator("svg a.state.st-match").count() == 2
    assert page.locator("h2#answer-title").inner_text() == "2 states answer the question"


def test_country_page_answers_first_and_folds_the_treaty_texts(page, world):
    page.goto("/countries/gb/")
    # The answer is on the first screen; the reservation's text is folded under its count.
    assert page.locator("#findings-title").bounding_box()["y"] < 900
    summary = page.locator("details.treaty-texts summary").first
    assert summary.inner_text() == "Declarations and reservations: OPSC (1)"
    text = page.locator("details.treaty-texts .legal-text").first
    assert not text.is_visible()
    summary.click()
    assert text.is_visible() and "reads article 3" in text.inner_text()


def test_downloads_parse_with_the_right_rows(page, world):
    page.goto("/countries/?region=europe")
    with page.expect_download() as info:
        page.click("a:text-is('CSV')")
    raw = info.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs (issue 13.7)
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert sorted(r["iso2"] for r in rows) == ["FR", "GB", "RU"]
    page.goto("/compare/?countries=GB,US&indicators=production")
    with page.expect_download() as info:
        page.click("a:text-is('XLSX')")
    sheet = load_workbook(io.BytesIO(info.value.path().read_bytes())).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[1][:3] == ["GB", "United Kingdom", "yes"]
    assert values[2][:3] == ["US", "United States", "not_assessed"]


PAGES = [
    "/",
    "/?treaty=opsc",
    "/countries/",
    "/countries/gb/",
    "/countries/ru/",
    "/laws/",
    "LAW",
    "/treaties/opsc/",
    "/compare/?countries=GB,FR,US,RU",
    "/compare/?countries=gb,xx,france",
    "/query/?criminalises=production&party_to=opsc",
    "/query/?criminalises=production&as_of=2005-12-31",
    "/ar/query/?finding=simple_possession:no&colour=blue",
    "/search/?q=possession",
    "/search/?type=country&indicator=simple_possession&status=not_assessed",
    "/topics/csam/",
    "/downloads/",
    "/embed/map/?indicator=production",
    "/ar/",
    "/ar/countries/gb/",
    "/ru/compare/",
    "/?indicator=nonsense",
]


REFUSED = {"/?indicator=nonsense", "/ar/query/?finding=simple_possession:no&colour=blue"}


@pytest.mark.parametrize("path", PAGES)
def test_no_accessibility_violations(page, world, path):
    if path == "LAW":
        path = f"/laws/{world.gb_act.pk}/"
    response = page.goto(path)
    assert response.status == (400 if path in REFUSED else 200)
    # Open the collapsed tables, so their content is checked too.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert axe_violations(page) == []
