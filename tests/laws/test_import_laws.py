"""The national-law loader (laws/importers/national.py): the real data in data/laws/states/, and
what it refuses (issue 11): answers without quoted, sourced text; unknown grades; forums, mirrors
and news; dates in the future or without the words that state them; a 'yes' for part of a state.
"""

import copy
import datetime
import io
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from core.publication import PublicationStatus
from laws.importers.errors import DataFileError
from laws.importers.national import Loader, import_national_law
from laws.models import Finding, FindingStatus, Law, LawProvision, Source
from laws.sources import refusal
from laws.timeline import with_period
from treaties.models import Jurisdiction

STATES_DIR = settings.DATA_DIR / "laws" / "states"
PUBLISHED = PublicationStatus.PUBLISHED
TODAY = datetime.date.today()


def import_laws(*args) -> str:
    out = io.StringIO()
    call_command("import_laws", *args, stdout=out)
    return out.getvalue()


def real_files() -> dict[str, dict]:
    return {
        p.stem.upper(): yaml.load(p.read_text(encoding="utf-8"), Loader=Loader)
        for p in sorted(STATES_DIR.glob("*.yaml"))
    }


@pytest.fixture
def national(db, reference_snapshots):
    """All the real data loaded as `make setup` does (`manage.py load_real_data`), with every
    state file in data/laws/states/ imported by `import_laws`."""
    reference_snapshots.restore("real_data")


# --- The real data ----------------------------------------------------------------------------


def test_every_state_file_loads_published_and_a_second_run_changes_nothing(national):
    # `national`: the files as the first run of `import_laws` wrote them on an empty database.
    files = real_files()
    laws = sum(len(d["laws"]) for d in files.values())
    provisions = sum(len(law["provisions"]) for d in files.values() for law in d["laws"])
    findings = sum(len(d["findings"]) for d in files.values())

    assert Law.objects.count() == Law.objects.published().count() == laws
    assert LawProvision.objects.filter(law__publication_status=PUBLISHED).count() == provisions
    assert Finding.objects.published().count() == findings
    assert set(Finding.objects.values_list("state__iso2", flat=True)) == {
        iso2 for iso2, data in files.items() if data["findings"]
    }

    second = import_laws()
    assert " 0 inserted, 0 updated" in second
    for line in second.splitlines()[1:]:
        assert " 0 inserted, 0 updated" in line and "deleted" not in line, line


def test_every_yes_and_partial_rests_on_quoted_text_read_on_a_graded_page(national):
    answers = Finding.objects.filter(status__in=[FindingStatus.YES, FindingStatus.PARTIAL])
    assert answers.count() > 100
    for finding in answers.prefetch_related("evidence__source", "evidence__indicators"):
        evidence = list(finding.evidence.all())
        assert evidence, finding
        for provision in evidence:
            assert provision.text.strip(), provision
            assert provision.source is not None, provision
            assert provision.source.grade in ("official", "authoritative", "secondary")
            assert provision.source.read_on <= TODAY
            assert finding.indicator in provision.indicators.all(), (finding, provision)


def test_no_source_anywhere_is_a_forum_mirror_blog_or_news_site_and_no_date_is_in_the_future(
    national,
):
    for source in Source.objects.all():
        assert refusal(source.url) is None, source.url
    # The review's named offenders, by host.
    hosts = {urlsplit(url).hostname for url in Source.objects.values_list("url", flat=True)}
    for host in ("forums.anandtech.com", "the-uncensored-wiki.org", "kangssolicitors.co.uk",
                 "newukrf.ru", "rt.com", "docest.com", "checkoutapi.com"):  # fmt: skip
        assert host not in hosts and "www." + host not in hosts
    dates = [
        d
        for row in LawProvision.objects.values_list("in_force_from", "in_force_to")
        for d in row
        if d
    ]
    dates += [
        d for row in Law.objects.values_list("date_in_force", "date_adopted") for d in row if d
    ]
    assert dates and max(dates) <= TODAY


def test_every_date_carries_the_words_that_state_it(national):
    dated = LawProvision.objects.filter(in_force_from__isnull=False)
    assert dated.exists()
    for provision in dated.select_related("in_force_from_source"):
        assert provision.in_force_from_source is not None, provision
        assert provision.in_force_from_quote.strip(), provision


def test_a_no_says_what_was_read_and_names_the_pages(national):
    noes = Finding.objects.filter(status=FindingStatus.NO)
    assert noes.exists()
    for finding in noes:
        assert finding.note.strip()
        assert finding.checked_sources.exists() or finding.evidence.exists(), finding


def test_the_united_kingdoms_law_is_the_law_of_its_three_jurisdictions(national):
    assert list(Jurisdiction.objects.filter(state__iso2="GB").values_list("code", flat=True)) == [
        "GB-EAW",
        "GB-SCT",
        "GB-NIR",
    ]
    finding = Finding.objects.get(state__iso2="GB", indicator__slug="child_under_18")
    assert finding.status == FindingStatus.YES
    covered = set(finding.evidence.values_list("law__jurisdiction__code", flat=True))
    assert covered == {"GB-EAW", "GB-SCT", "GB-NIR"}


def test_england_and_wales_simple_possession_since_29_september_1988_as_the_source_says(
    national,
):
    s160 = LawProvision.objects.get(law__state__iso2="GB", label__startswith="s. 160")
    assert s160.law.jurisdiction.code == "GB-EAW"
    assert s160.in_force_from == datetime.date(1988, 9, 29)
    assert s160.in_force_from_source.grade == "official"
    assert "160" in s160.text


def test_as_of_answers_follow_each_states_dated_history(national, api):
    """`as_of` on the real data: the United Kingdom punished simple possession from the day its
    last part did (Northern Ireland, 27 December 1988); Japan from 15 July 2015 (the 2014
    amendment's penalty); a state is either counted, or not yet, or listed as undated, never
    two of these."""

    def possession(as_of):
        body = api.get(
            "/api/v1/countries/", {"criminalises": "simple_possession", "as_of": as_of}
        ).json()
        found = {row["iso2"] for row in body["results"]}
        undated = set(body["undated"]["countries"])
        assert not found & undated and body["undated"]["count"] == len(undated)
        return found, undated

    found, undated = possession("2005-12-31")
    assert "GB" in found and "JP" not in found | undated
    found, undated = possession("1988-12-26")
    assert "GB" not in found | undated  # Northern Ireland not yet covered
    found, _ = possession("2016-01-01")
    assert {"GB", "JP"} <= found


# --- What the loader refuses (synthetic files in a temporary folder) -------------------------

SOURCE = {
    "url": "https://example.org/kenya/test-act/s-2",
    "grade": "official",
    "publisher": "Test Gazette",
    "read_on": datetime.date(2026, 1, 5),
}
BASE = {
    "state": "KE",
    "jurisdictions": [],
    "laws": [
        {
            "key": "ta",
            "title": "Test Act",
            "language": "en",
            "kind": "act",
            "citation": "No. 1 of 2001",
            "status": "in_force",
            "source_url": "https://example.org/kenya/test-act",
            "date_in_force": datetime.date(2001, 3, 1),
            "date_in_force_source": {"url": SOURCE["url"], "quote": "commences on 1 March 2001"},
            "provisions": [
                {
                    "label": "s. 2",
                    "heading": "Offence",
                    "text": "A person who makes or possesses a prohibited image offends.",
                    "text_language": "en",
                    "summary": "Making and possessing.",
                    "indicators": ["production", "simple_possession"],
                    "in_force_from": datetime.date(2001, 3, 1),
                    "in_force_from_source": {"url": SOURCE["url"], "quote": "1 March 2001"},
                    "source": SOURCE,
                }
            ],
        }
    ],
    "findings": {
        "production": {"status": "yes", "evidence": ["ta :: s. 2"]},
        "accessing": {
            "status": "no",
            "note": "s. 2 has no offence of viewing.",
            "checked": [SOURCE["url"]],
        },
    },
}


def write(folder: Path, data: dict) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{data['state'].lower()}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def variant(change) -> dict:
    data = copy.deepcopy(BASE)
    change(data)
    return data


def refused(tmp_path, data) -> str:
    with pytest.raises(DataFileError) as error:
        import_national_law(write(tmp_path / "states", data))
    assert not Law.objects.exists() and not Finding.objects.exists()  # nothing written
    return str(error.value)


def test_the_coverage_the_data_readme_states_is_the_coverage_of_the_data(national):
    """data/laws/README.md tells researchers how many states are assessed, on how many
    indicators, region by region, and how many findings are dated: those figures are the data's."""
    import re
    from collections import defaultdict

    from laws.models import Indicator
    from treaties.models import State

    readme = (settings.DATA_DIR / "laws" / "README.md").read_text(encoding="utf-8")
    indicators = Indicator.objects.count()
    assessed: dict[str, set] = defaultdict(set)
    for iso2, slug in (
        Finding.objects.published()
        .filter(revision_of=None)
        .values_list("state__iso2", "indicator__slug")
    ):
        assessed[iso2].add(slug)
    regions = dict(State.objects.values_list("iso2", "region__name"))
    names = dict(State.objects.values_list("iso2", "name"))
    by_region: dict[str, tuple[set, dict]] = defaultdict(lambda: (set(), {}))
    for iso2, slugs in assessed.items():
        full, some = by_region[regions[iso2]]
        if len(slugs) == indicators:
            full.add(names[iso2])
        else:
            some[names[iso2]] = len(slugs)

    headline = re.search(r"(\d+) states have at least one finding; \*\*(\d+) are assessed", readme)
    assert headline, "the README's coverage sentence"
    assert int(headline[1]) == len(assessed)
    assert int(headline[2]) == sum(len(full) for full, _ in by_region.values())
    table = re.findall(r"^\| (\w+) \| (\d+) \| (\d+) \| (.*) \|$", readme, re.M)
    assert {row[0] for row in table} == set(by_region)
    for region, n_full, n_some, listed in table:
        full, some = by_region[region]
        assert (int(n_full), int(n_some)) == (len(full), len(some)), region
        named_full, _, named_some = listed.partition("; ")
        assert set(named_full.split(", ")) == full, region
        assert dict(re.findall(r"([^,]+?) \((\d+)\)(?:, |$)", named_some)) == {
            name: str(count) for name, count in some.items()
        }, region

    answers = with_period(
        Finding.objects.published().filter(
            revision_of=None, status__in=[FindingStatus.YES, FindingStatus.PARTIAL]
        )
    )
    dated = sum(1 for finding in answers if finding.dated)
    stated = re.search(r"(\d+) of the (\d+) `yes`/`partial` findings are dated", readme)
    assert stated, "the README's dated-findings sentence"
    assert (int(stated[1]), int(stated[2])) == (dated, len(answers))
    at_least = sum(1 for finding in answers if not finding.dated and finding.known_from)
    stated = re.search(r"(\d+) more are known to hold \*\*since at least\*\* a day", readme)
    assert stated, "the README's since-at-least sentence"
    assert int(stated[1]) == at_least


def test_a_good_file_loads(topics, tmp_path):
    counts = import_national_law(write(tmp_path / "states", BASE))
    finding = Finding.objects.get(state__iso2="KE", indicator__slug="production")
    assert finding.publication_status == PUBLISHED
    assert finding.evidence.get().source.url == SOURCE["url"]
    assert Finding.objects.get(indicator__slug="accessing").checked_sources.count() == 1
    assert [str(c) for c in counts.children][:1] == ["sources: 1 inserted, 0 updated, 0 unchanged"]


def _set(path, value):
    def change(data):
        target = data
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


PROVISION = ("laws", 0, "provisions", 0)


def _undated_but_earlier_wording_unread(data):
    provision = data["laws"][0]["provisions"][0]
    provision.update(in_force_from=None, in_force_from_source=None, earlier_wording_unread="true")


@pytest.mark.parametrize(
    "change, message",
    [
        (_set((*PROVISION, "text"), ""), "'text' is required"),
        (_set((*PROVISION, "source"), None), "needs its 'source'"),
        (_set((*PROVISION, "source"), {**SOURCE, "grade": "excellent"}), "grade 'excellent'"),
        (
            _set((*PROVISION, "source"), {**SOURCE, "url": "https://forums.anandtech.com/t/1"}),
            "is not a source: forums.anandtech.com is a forum",
        ),
        (
            _set((*PROVISION, "source"), {**SOURCE, "url": "https://en.wikipedia.org/wiki/X"}),
            "an encyclopaedia",
        ),
        (_set((*PROVISION, "in_force_from"), datetime.date(2099, 1, 1)), "is in the future"),
        (_set((*PROVISION, "in_force_from_source"), None), "needs 'in_force_from_source'"),
        (_set(("laws", 0, "language"), "english"), "not an ISO 639-1 language code"),
        (_set(("laws", 0, "date_adopted"), datetime.date(2031, 1, 1)), "is in the future"),
        (_set((*PROVISION, "indicators"), ["distribution"]), "is not tagged 'production'"),
        (_set((*PROVISION, "indicators"), ["prodution"]), "not in the vocabulary"),
        (_set(("findings", "production", "evidence"), []), "must cite the provisions"),
        (_set(("findings", "accessing", "checked"), []), "must list the pages read"),
        (_set(("findings", "accessing", "note"), ""), "must say what was reviewed"),
        (_set(("state",), "XX"), "not the ISO 3166-1 alpha-2 code"),
        (_set((*PROVISION, "earlier_wording_unread"), "maybe"), "'maybe' is not true or false"),
        (_undated_but_earlier_wording_unread, "needs the day this wording took effect"),
    ],
)
def test_the_loader_refuses_what_would_make_an_answer_untrue(topics, tmp_path, change, message):
    assert message in refused(tmp_path, variant(change))


def test_a_wording_that_replaced_one_not_read_dates_its_findings_since_at_least(topics, tmp_path):
    """`earlier_wording_unread: true` keeps the provision's date but makes it a lower bound: the
    findings citing it are undated, and known to hold from that day."""
    import_national_law(
        write(
            tmp_path / "states",
            variant(_set((*PROVISION, "earlier_wording_unread"), "true")),
        )
    )
    finding = with_period(Finding.objects.filter(indicator__slug="production")).get()
    provision = finding.evidence.get()
    assert provision.earlier_wording_unread is True
    assert (finding.dated, finding.period_from) == (False, None)
    assert finding.known_from == provision.in_force_from is not None


def two_parts(data):
    """The base file made the United Kingdom's, in two parts, its law England and Wales' only."""
    data["state"] = "GB"
    data["jurisdictions"] = [
        {"code": "GB-EAW", "name": "England and Wales"},
        {"code": "GB-SCT", "name": "Scotland"},
    ]
    data["laws"][0]["jurisdiction"] = "GB-EAW"


def test_a_yes_for_one_jurisdiction_of_a_state_is_refused_and_partial_is_accepted(topics, tmp_path):
    assert "make it 'partial'" in refused(tmp_path, variant(two_parts))

    def partial(data):
        two_parts(data)
        data["findings"]["production"]["status"] = "partial"

    import_national_law(write(tmp_path / "ok", variant(partial)))
    finding = Finding.objects.get(state__iso2="GB", indicator__slug="production")
    assert finding.status == FindingStatus.PARTIAL


def test_records_only_an_import_wrote_are_withdrawn_when_the_files_drop_them(topics, tmp_path):
    import_national_law(write(tmp_path / "v1", BASE))
    kept_by_editor = Finding.objects.get(indicator__slug="accessing")
    kept_by_editor._history_user = _editor()
    kept_by_editor.note = "An editor's own explanation."
    kept_by_editor.save()

    without = variant(lambda d: d["findings"].pop("production") and d["findings"].pop("accessing"))
    counts = import_national_law(write(tmp_path / "v2", without))

    production = Finding.objects.get(indicator__slug="production")
    assert production.publication_status == PublicationStatus.WITHDRAWN
    assert Finding.objects.get(pk=kept_by_editor.pk).publication_status == PUBLISHED
    assert "withdrawn (no longer in the files): 0 inserted, 1 updated, 0 unchanged" in [
        str(c) for c in counts.children
    ]


def _editor():
    from tests.factories import UserFactory

    return UserFactory(username="editor-of-record")


def test_the_command_names_every_problem_with_its_file(topics, tmp_path):
    bad = variant(_set((*PROVISION, "source"), {**SOURCE, "grade": "excellent"}))
    folder = write(tmp_path / "states", bad)
    with pytest.raises(CommandError) as error:
        import_laws(str(folder))
    assert "ke.yaml law ta provision 1 (s. 2) source: grade 'excellent'" in str(error.value)
    assert "nothing was written" in str(error.value)


# --- Since when: a state-level yes from the day every part of the state was covered ----------


def test_a_yes_by_jurisdictions_holds_for_the_state_from_the_last_part_covered(topics, tmp_path):
    def parts(data):
        data["state"] = "GB"
        data["jurisdictions"] = [
            {"code": "GB-EAW", "name": "England and Wales"},
            {"code": "GB-SCT", "name": "Scotland"},
        ]
        scot = copy.deepcopy(data["laws"][0])
        scot.update(key="sa", citation="Scottish Test Act", jurisdiction="GB-SCT")
        scot["provisions"][0]["in_force_from"] = datetime.date(2005, 10, 7)
        data["laws"][0]["jurisdiction"] = "GB-EAW"
        data["laws"].append(scot)
        data["findings"] = {
            "production": {"status": "yes", "evidence": ["ta :: s. 2", "sa :: s. 2"]},
            "simple_possession": {"status": "partial", "evidence": ["ta :: s. 2", "sa :: s. 2"]},
        }

    import_national_law(write(tmp_path / "states", variant(parts)))
    periods = dict(
        with_period(Finding.objects.filter(state__iso2="GB")).values_list(
            "indicator__slug", "period_from"
        )
    )
    assert periods == {
        "production": datetime.date(2005, 10, 7),  # the whole state, once Scotland was covered
        "simple_possession": datetime.date(2001, 3, 1),  # partial: from the first part covered
    }
