import io
import json

import pytest
from django.core.management import CommandError, call_command

from laws.models import BasisKind, Indicator, IndicatorBasis, Topic

from .conftest import TOPIC_FILE

INDICATORS = [
    "defines_csam",
    "child_under_18",
    "covers_virtual_material",
    "production",
    "distribution",
    "import_export",
    "offering_selling",
    "possession_for_distribution",
    "simple_possession",
    "accessing",
    "isp_reporting",
]


def load_topics(*args) -> str:
    out = io.StringIO()
    call_command("load_topics", *args, stdout=out)
    return out.getvalue()


def bases(slug: str) -> dict[str, tuple[str, str]]:
    return {
        b.provision.slug: (b.kind, b.note)
        for b in IndicatorBasis.objects.filter(indicator__slug=slug).select_related("provision")
    }


def test_the_csam_topic_has_its_eleven_indicators_in_order(reference):
    output = load_topics()
    assert "topics: 1 inserted" in output
    assert "indicators: 11 inserted" in output
    topic = Topic.objects.get(slug="csam")
    assert topic.name == "Child sexual abuse material"
    assert list(topic.indicators.values_list("slug", flat=True)) == INDICATORS
    assert all(i.question for i in topic.indicators.all())


def test_indicators_point_at_the_treaty_provisions_behind_them(reference):
    load_topics()
    # The conduct OPSC art. 3(1)(c) names is required.
    for slug in ("production", "distribution", "import_export", "offering_selling"):
        assert bases(slug)["opsc-art-3-1-c"][0] == BasisKind.REQUIRES
    assert bases("possession_for_distribution")["opsc-art-3-1-c"][0] == BasisKind.REQUIRES
    production = Indicator.objects.get(slug="production")
    assert "opsc-art-3-1-c" in production.treaty_provisions.values_list("slug", flat=True)
    # Simple possession is not required by the text: only possession "for the above purposes" is.
    kind, note = bases("simple_possession")["opsc-art-3-1-c"]
    assert kind == BasisKind.RECOMMENDS
    assert "for the above purposes" in note
    assert bases("accessing")["opsc-art-3-1-c"][0] == BasisKind.RECOMMENDS
    # Definitions come from art. 2(c); the age from CRC art. 1.
    assert bases("defines_csam")["opsc-art-2-c"][0] == BasisKind.DEFINES
    assert bases("child_under_18")["crc-art-1"][0] == BasisKind.DEFINES
    # OPSC arts. 1-3 say nothing of internet service providers: no basis is claimed.
    assert bases("isp_reporting") == {}


def test_loading_topics_twice_changes_nothing(reference):
    load_topics()
    before = list(IndicatorBasis.objects.values_list("indicator__slug", "provision__slug", "kind"))
    output = load_topics()
    assert "topics: 0 inserted, 0 updated, 1 unchanged" in output
    assert "indicators: 0 inserted, 0 updated, 11 unchanged" in output
    assert f"treaty bases: 0 inserted, 0 updated, {len(before)} unchanged" in output
    after = list(IndicatorBasis.objects.values_list("indicator__slug", "provision__slug", "kind"))
    assert after == before


def test_an_edited_file_updates_only_what_changed(reference, tmp_path):
    load_topics()
    data = json.loads(TOPIC_FILE.read_text(encoding="utf-8"))
    production = next(i for i in data["indicators"] if i["slug"] == "production")
    production["question"] = "Is making child sexual abuse material an offence?"
    production["bases"] = [b for b in production["bases"] if b["provision"] == "opsc-art-3-1-c"]
    edited = tmp_path / "csam.json"
    edited.write_text(json.dumps(data), encoding="utf-8")

    output = load_topics(str(edited))

    assert "indicators: 0 inserted, 1 updated, 10 unchanged" in output
    assert "1 deleted" in output
    assert Indicator.objects.get(slug="production").question.startswith("Is making")
    assert set(bases("production")) == {"opsc-art-3-1-c"}


def test_an_unknown_treaty_provision_is_refused_and_nothing_is_written(reference, tmp_path):
    data = json.loads(TOPIC_FILE.read_text(encoding="utf-8"))
    data["indicators"][3]["bases"][0]["provision"] = "opsc-art-3-1-z"
    data["indicators"][4]["bases"][0]["kind"] = "obliges"
    broken = tmp_path / "csam.json"
    broken.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError) as excinfo:
        load_topics(str(broken))

    message = str(excinfo.value)
    assert "unknown treaty provision 'opsc-art-3-1-z'" in message
    assert "indicator 'production'" in message
    # Every problem is reported, not just the first.
    assert "basis kind 'obliges'" in message
    assert not Topic.objects.exists()
    assert not Indicator.objects.exists()


def test_topics_cannot_be_loaded_before_the_treaties(db):
    with pytest.raises(CommandError, match="unknown treaty provision 'opsc-art-3-1-c'"):
        load_topics()
    assert not Indicator.objects.exists()


def test_a_file_that_is_not_json_names_the_line(reference, tmp_path):
    broken = tmp_path / "csam.json"
    broken.write_text('{\n  "slug": "csam",\n  "name": \n}\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 4"):
        load_topics(str(broken))


def test_the_explainer_is_seeded_once_and_an_editors_text_is_kept(reference):
    load_topics()
    topic = Topic.objects.get(slug="csam")
    assert "art. 3(1)(c)" in topic.obligations
    assert "CRC/C/156" in topic.references
    assert topic.references.count("<li>") == 7

    topic.definition = "<p>An editor's reviewed definition.</p>"
    topic.save()
    output = load_topics()

    topic.refresh_from_db()
    assert topic.definition == "<p>An editor's reviewed definition.</p>"
    assert "topics: 0 inserted, 0 updated, 1 unchanged" in output


def test_an_unknown_explainer_field_is_refused(reference, tmp_path):
    data = json.loads(TOPIC_FILE.read_text(encoding="utf-8"))
    data["explainer"]["summary"] = "<p>?</p>"
    broken = tmp_path / "topic.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="unknown explainer field 'summary'"):
        load_topics(str(broken))
    assert not Topic.objects.exists()
