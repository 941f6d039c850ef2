import datetime

import pytest
from django.core.management import call_command
from django.db.models import F

from treaties.models import Region, State, Treaty, TreatyProvision, UNStatus
from treaties.reference import ReferenceDataError, load_states, load_treaties

pytestmark = pytest.mark.django_db


def test_every_untc_participant_is_a_state_with_codes_and_regions():
    counts = load_states()
    assert counts.inserted == 197
    assert State.objects.filter(un_status=UNStatus.MEMBER).count() == 193
    assert set(
        State.objects.filter(un_status=UNStatus.OBSERVER).values_list("iso2", flat=True)
    ) == {
        "VA",
        "PS",
    }
    assert set(State.objects.filter(un_status=UNStatus.OTHER).values_list("iso2", flat=True)) == {
        "CK",
        "NU",
    }
    gb = State.objects.get(iso2="GB")
    assert (gb.iso3, gb.m49, gb.region.slug, gb.subregion.slug) == (
        "GBR",
        "826",
        "europe",
        "northern-europe",
    )
    # Namibia's code "NA" must not be read as a missing value.
    assert State.objects.get(iso2="NA").name == "Namibia"
    assert State.objects.get(iso2="BR").region.name == "Americas"
    assert State.objects.get(iso2="TR").name == "Türkiye"
    # Every state sits in a sub-region whose parent is its region.
    assert not State.objects.exclude(subregion__parent=F("region")).exists()
    assert Region.objects.filter(parent__isnull=True).count() == 5


def test_loading_states_twice_changes_nothing():
    load_states()
    before = list(State.objects.values_list("iso2", "name", "region_id", "subregion_id"))
    counts = load_states()
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 197)
    assert list(State.objects.values_list("iso2", "name", "region_id", "subregion_id")) == before


def test_a_members_file_with_unreadable_codes_is_refused(tmp_path):
    bad = tmp_path / "members.csv"
    bad.write_text("iso2,iso3,numeric,iso_name,un_member\nXX,,abc,Nowhere,1\n", encoding="utf-8")
    with pytest.raises(ReferenceDataError, match="line 2"):
        load_states(bad)
    assert State.objects.count() == 0


def test_treaties_and_the_opsc_provision_tree():
    counts = load_treaties()
    assert counts.inserted == 4
    opsc = Treaty.objects.get(code="opsc")
    assert opsc.untc_reference == "IV-11-c"
    assert opsc.entry_into_force == datetime.date(2002, 1, 18)
    art_3_1_c = TreatyProvision.objects.get(slug="opsc-art-3-1-c")
    assert art_3_1_c.parent.slug == "opsc-art-3-1"
    assert art_3_1_c.parent.parent.slug == "opsc-art-3"
    assert "possessing" in art_3_1_c.text
    assert TreatyProvision.objects.filter(treaty=opsc).count() == 14
    assert "eighteen" in TreatyProvision.objects.get(slug="crc-art-1").text
    again = load_treaties()
    assert (again.inserted, again.updated) == (0, 0)
    assert again.children[0].unchanged == TreatyProvision.objects.count()


def test_commands_print_counts():
    from io import StringIO

    out = StringIO()
    call_command("load_states", stdout=out)
    assert "states: 197 inserted, 0 updated, 0 unchanged" in out.getvalue()


def test_the_m49_file_is_what_country_converter_says():
    """data/m49_regions.csv (which the site reads, without country_converter and its pandas) is
    the table of the pinned country_converter: an upgrade that moves a state to another
    sub-region or renames it fails here until tools/m49_regions.py writes the file again."""
    import importlib.util
    import sys

    from django.conf import settings

    spec = importlib.util.spec_from_file_location(
        "m49_regions", settings.BASE_DIR / "tools" / "m49_regions.py"
    )
    tool = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("m49_regions", tool)
    spec.loader.exec_module(tool)
    assert (settings.DATA_DIR / "m49_regions.csv").read_text(encoding="utf-8") == tool.rendered()
