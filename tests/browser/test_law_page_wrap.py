"""A long unbroken text wraps on the public law page (issue 12: a 100 KB summary without a space
made the page 946,949 px wide)."""

import pytest

from laws.models import Law, LawProvision

pytestmark = pytest.mark.browser


def test_a_100_kb_unbroken_summary_and_text_wrap_within_the_window(page, world):
    law = world.gb_act
    provision = law.provisions.first()
    LawProvision.objects.filter(pk=provision.pk).update(
        summary="x" * 100_000, text="https://example.org/" + "y" * 5_000
    )
    Law.objects.filter(pk=law.pk).update(title_original="Z" * 400)
    page.goto(f"/laws/{law.pk}/")
    assert page.locator(f"#provision-{provision.pk}").is_visible()
    scroll, window = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= window, f"the page is {scroll} px wide in a {window} px window"
