"""manage.py make_release: published data only, checksums that verify, the same bytes twice."""

import csv
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command

from core.publication import PublicationStatus
from laws.models import Finding, Law
from treaties.models import Participation

RELEASED = "2026-11-28"


def make_release(output, version="1.0", released=RELEASED):
    out = io.StringIO()
    call_command(
        "make_release", "--output", str(output), "--version", version, "--date", released,
        stdout=out,
    )  # fmt: skip
    return output / f"crin-legal-data-{version}"


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as handle:  # CSV files carry a BOM
        return list(csv.DictReader(handle))


@pytest.fixture
def data(db, reference_snapshots):
    # The bulk-format set and the OPSC page (`manage.py import_untc data/untc/opsc.html`).
    reference_snapshots.restore("starter_set_opsc")
    # A draft law with a provision, a withdrawn finding and a draft participation: none of them
    # may appear in a release.
    # (Set directly: withdrawing the law through save() now withdraws the findings resting on
    # it; the release must still leave out evidence in an unpublished law, however it came to be.)
    Law.objects.filter(citation="Criminal Justice Act 1988 c. 33").update(
        publication_status=PublicationStatus.DRAFT
    )
    finding = Finding.objects.get(state__iso2="JP", indicator__slug="simple_possession")
    finding.publication_status = PublicationStatus.WITHDRAWN
    finding.save()
    participation = Participation.objects.get(state__iso2="FR", treaty__code="opsc")
    participation.publication_status = PublicationStatus.DRAFT
    participation.save()


def test_a_release_holds_published_records_only(data, tmp_path):
    release = make_release(tmp_path)

    laws = read_csv(release / "laws.csv")
    assert len(laws) == Law.objects.published().count() == 32
    assert "Criminal Justice Act 1988 c. 33" not in {r["citation"] for r in laws}
    provisions = read_csv(release / "provisions.csv")
    assert not [p for p in provisions if p["law_citation"] == "Criminal Justice Act 1988 c. 33"]
    findings = read_csv(release / "findings.csv")
    # Every published finding (the starter set's count moves as states are assessed).
    assert len(findings) == Finding.objects.published().count() > 150
    assert ("JP", "simple_possession") not in {
        (f["country_iso2"], f["indicator"]) for f in findings
    }
    # GB's simple-possession finding is published, but one of its two provisions is in the draft
    # law: only the published evidence is listed.
    gb = next(
        f for f in findings if (f["country_iso2"], f["indicator"]) == ("GB", "simple_possession")
    )
    assert gb["evidence_provisions"] == "Coroners and Justice Act 2009 c. 25 :: s. 62 (with s. 66)"
    participations = read_csv(release / "participations.csv")
    assert ("FR", "opsc") not in {(p["country_iso2"], p["treaty"]) for p in participations}
    assert len(participations) == Participation.objects.published().count()
    reservations = read_csv(release / "reservations.csv")
    assert "FR" not in {r["country_iso2"] for r in reservations}
    assert {"AR", "US"} <= {r["country_iso2"] for r in reservations}
    # JSON holds the same rows as CSV.
    assert len(json.loads((release / "findings.json").read_text())) == len(findings)
    readme = (release / "README.md").read_text()
    assert f"dataset release 1.0 ({RELEASED})" in readme
    assert "OPSC (opsc, UNTC IV-11-c): participation as of 2026-02-03" in readme
    assert "| `evidence_provisions` |" in readme  # every column is described


def test_checksums_verify_and_a_rerun_gives_the_same_bytes(data, tmp_path):
    first = make_release(tmp_path / "a")
    second = make_release(tmp_path / "b")

    lines = (first / "SHA256SUMS").read_text().splitlines()
    names = sorted(p.name for p in first.iterdir() if p.name != "SHA256SUMS")
    assert [line.split("  ")[1] for line in lines] == names
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((first / name).read_bytes()).hexdigest() == digest
    for name in [*names, "SHA256SUMS"]:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # Only the release date (and what it is printed in) differs on another day.
    third = make_release(tmp_path / "c", released="2027-01-01")
    differing = {p.name for p in first.iterdir() if p.read_bytes() != (third / p.name).read_bytes()}
    assert differing == {"README.md", "SHA256SUMS"}


def test_an_existing_release_is_never_overwritten(data, tmp_path):
    release = make_release(tmp_path)
    before = (release / "laws.csv").read_bytes()
    law = Law.objects.published().first()
    law.title = "Changed since the release"
    law.save()

    with pytest.raises(CommandError, match="already exists; a release is never overwritten"):
        make_release(tmp_path)
    assert (release / "laws.csv").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [release.name]  # no half-written staging
