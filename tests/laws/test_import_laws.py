import datetime
import decimal
import io

import pytest
from django.core.management import CommandError, call_command

from laws.importers.errors import DataFileError
from laws.importers.starter_set import import_starter_set
from laws.models import Finding, FindingStatus, Indicator, Law, LawKind, LawProvision, LawStatus
from treaties.models import State

from .conftest import append_csv, csv_line, edit_csv

STARTER_STATES = {
    "AR", "AU", "BR", "CA", "DE", "FR", "GB", "IE", "IN", "JP",
    "KE", "KR", "NG", "NL", "PH", "RU", "SE", "TR", "US", "ZA",
}  # fmt: skip


def import_laws(*args) -> str:
    out = io.StringIO()
    call_command("import_laws", *args, stdout=out)
    return out.getvalue()


def nothing_written() -> bool:
    return not (Law.objects.exists() or LawProvision.objects.exists() or Finding.objects.exists())


# --- The real starter set -------------------------------------------------------------------


def test_the_starter_set_loads_with_the_counts_its_readme_gives(topics):
    output = import_laws()

    assert "laws: 33 inserted, 0 updated, 0 unchanged" in output
    assert "provisions: 71 inserted, 0 updated, 0 unchanged" in output
    assert "findings: 170 inserted, 0 updated, 0 unchanged" in output
    assert Law.objects.count() == 33
    assert LawProvision.objects.count() == 71
    assert Finding.objects.count() == 170
    assert set(Law.objects.values_list("state__iso2", flat=True)) == STARTER_STATES
    assert set(Finding.objects.values_list("state__iso2", flat=True)) == STARTER_STATES
    assert set(
        Finding.objects.filter(status=FindingStatus.NO).values_list(
            "state__iso2", "indicator__slug"
        )
    ) == {("RU", "simple_possession"), ("JP", "covers_virtual_material")}
    # Everything is published, so the public API shows it.
    assert Law.objects.published().count() == 33
    assert Finding.objects.published().count() == 170


def test_importing_twice_changes_nothing(starter_set):
    before = {
        "laws": list(Law.objects.values_list("pk", "updated_at")),
        "provisions": list(LawProvision.objects.values_list("pk", "updated_at")),
        "findings": list(Finding.objects.values_list("pk", "updated_at")),
        "evidence": list(Finding.evidence.through.objects.values_list("pk", flat=True)),
    }
    output = import_laws()

    assert "laws: 0 inserted, 0 updated, 33 unchanged" in output
    assert "provisions: 0 inserted, 0 updated, 71 unchanged" in output
    assert "findings: 0 inserted, 0 updated, 170 unchanged" in output
    assert list(Law.objects.values_list("pk", "updated_at")) == before["laws"]
    assert list(LawProvision.objects.values_list("pk", "updated_at")) == before["provisions"]
    assert list(Finding.objects.values_list("pk", "updated_at")) == before["findings"]
    # Evidence links were not rewritten either.
    assert list(Finding.evidence.through.objects.values_list("pk", flat=True)) == before["evidence"]


def test_a_changed_row_and_changed_evidence_are_updated(starter_set, laws_copy):
    findings = laws_copy / "findings.csv"
    line = csv_line(findings, country_iso2="GB", indicator="simple_possession")
    edit_csv(findings, line, evidence_provisions="Criminal Justice Act 1988 c. 33 :: s. 160")
    provisions = laws_copy / "provisions.csv"
    line = csv_line(provisions, country_iso2="GB", label="s. 160")
    edit_csv(provisions, line, conduct="simple_possession")

    output = import_laws(str(laws_copy))

    assert "findings: 0 inserted, 1 updated, 169 unchanged" in output
    assert "provisions: 0 inserted, 1 updated, 70 unchanged" in output
    finding = Finding.objects.get(state__iso2="GB", indicator__slug="simple_possession")
    assert [str(p) for p in finding.evidence.all()] == ["Criminal Justice Act 1988 c. 33, s. 160"]
    s160 = LawProvision.objects.get(law__state__iso2="GB", label="s. 160")
    assert list(s160.indicators.values_list("slug", flat=True)) == ["simple_possession"]


def test_reimport_restores_evidence_and_conduct_changed_in_the_database(starter_set):
    finding = Finding.objects.get(state__iso2="GB", indicator__slug="simple_possession")
    finding.evidence.set(finding.evidence.filter(label="s. 160"))
    s160 = LawProvision.objects.get(law__state__iso2="GB", label="s. 160")
    s160.indicators.clear()

    output = import_laws()

    assert "provisions: 0 inserted, 1 updated, 70 unchanged" in output
    assert "findings: 0 inserted, 1 updated, 169 unchanged" in output
    assert finding.evidence.count() == 2
    assert s160.indicators.count() == 2


def test_gb_simple_possession_cites_the_criminal_justice_act_1988_s160(starter_set):
    finding = Finding.objects.get(state__iso2="GB", indicator__slug="simple_possession")
    assert finding.status == FindingStatus.YES
    assert finding.evidence_citation == "CJA 1988 s. 160; CJA 2009 s. 62"
    assert {(p.law.citation, p.label) for p in finding.evidence.all()} == {
        ("Criminal Justice Act 1988 c. 33", "s. 160"),
        ("Coroners and Justice Act 2009 c. 25", "s. 62 (with s. 66)"),
    }
    s160 = LawProvision.objects.get(law__citation="Criminal Justice Act 1988 c. 33", label="s. 160")
    assert s160.max_penalty_years == decimal.Decimal("5")
    assert set(s160.indicators.values_list("slug", flat=True)) == {
        "simple_possession",
        "covers_virtual_material",
    }
    assert s160.heading == "Possession of indecent photograph of child"
    assert "simple possession" in s160.summary


def test_russia_does_not_criminalise_simple_possession_and_says_why(starter_set):
    finding = Finding.objects.get(state__iso2="RU", indicator__slug="simple_possession")
    assert finding.status == FindingStatus.NO
    assert "only with the purpose of distribution" in finding.note
    # The evidence shows what the law does cover.
    assert [p.label for p in finding.evidence.all()] == ["art. 242.1 (parts 1-2)"]


def test_law_fields_are_read_from_their_columns(starter_set):
    jp = Law.objects.get(state__iso2="JP")
    assert jp.citation == "Act No. 52 of 1999"
    assert (
        jp.title_original
        == "児童買春、児童ポルノに係る行為等の規制及び処罰並びに児童の保護等に関する法律"
    )
    assert (jp.language, jp.kind, jp.status) == ("ja", LawKind.ACT, LawStatus.AMENDED)
    assert (jp.year_enacted, jp.date_in_force) == (1999, datetime.date(1999, 11, 1))
    assert Law.objects.get(citation="Republic Act No. 9775").status == LawStatus.REPEALED
    stgb = Law.objects.get(state__iso2="DE")
    assert stgb.kind == LawKind.CODE
    us_2252 = Law.objects.get(citation="18 U.S.C. § 2252")
    assert us_2252.year_enacted is None  # SOURCES.md: year of enactment not verified
    # Life imprisonment has no number of years.
    kr_11 = LawProvision.objects.get(law__state__iso2="KR", label="art. 11")
    assert kr_11.max_penalty_years is None


def test_provisions_keep_their_order_within_each_law(starter_set):
    pca = Law.objects.get(citation="Protection of Children Act 1978 c. 37")
    assert list(pca.provisions.values_list("label", "order")) == [
        ("s. 1(1)(a)", 1),
        ("s. 1(1)(b)-(d), s. 1(2)", 2),
        ("s. 7", 3),
    ]


def test_every_record_shows_its_source_and_secondary_sources_are_visible(starter_set):
    assert not Law.objects.filter(source_url="").exists()
    assert not Law.objects.filter(verification_source="").exists()
    assert not LawProvision.objects.filter(verification_source="").exists()
    assert Law.objects.filter(verified=False).count() == 0
    # Rows resting on secondary sources say so.
    assert "secondary" in Law.objects.get(citation="18 U.S.C. § 2252A").verification_source
    sorma = LawProvision.objects.get(law__citation="Act 32 of 2007", label="s. 20")
    assert sorma.verification_source == "legalfundi.com (summary of the Act)"
    # A finding's provenance is that of its evidence.
    finding = Finding.objects.get(state__iso2="ZA", indicator__slug="production")
    assert "Act 32 of 2007, s. 20: legalfundi.com (summary of the Act)" in (
        finding.verification_source
    )
    assert not Finding.objects.filter(verification_source="").exists()


def test_effective_dates_are_not_invented(starter_set):
    # Instrument dates in force say nothing of when a provision began to apply (JP's simple
    # possession offence dates from 2014, its Act from 1999), so none is derived.
    assert not Finding.objects.filter(effective_from__isnull=False).exists()


def test_not_assessed_is_never_stored_as_no(starter_set):
    # SOURCES.md: Ireland's and Turkey's age-18 indicator is not asserted; nothing is stored.
    assert not Finding.objects.filter(state__iso2="IE", indicator__slug="child_under_18").exists()
    assert not Finding.objects.filter(state__iso2="TR", indicator__slug="child_under_18").exists()
    assert not Finding.objects.filter(state__iso2="NL", indicator__slug="defines_csam").exists()
    # States outside the starter set have no findings at all.
    assert not Finding.objects.exclude(state__iso2__in=STARTER_STATES).exists()
    assert Finding.objects.count() == len(STARTER_STATES) * Indicator.objects.count() - 50


# --- Broken input: a clear message naming file and line, and nothing written ------------------


def test_an_unknown_country_names_the_file_and_line(topics, laws_copy):
    laws = laws_copy / "laws.csv"
    line = csv_line(laws, citation="Act No. 52 of 1999")
    edit_csv(laws, line, country_iso2="XX")

    with pytest.raises(CommandError) as excinfo:
        import_laws(str(laws_copy))

    assert f"laws.csv, line {line}: unknown country 'XX'" in str(excinfo.value)
    assert nothing_written()


def test_an_unknown_indicator_is_refused(topics, laws_copy):
    findings = laws_copy / "findings.csv"
    line = csv_line(findings, country_iso2="GB", indicator="production")
    edit_csv(findings, line, indicator="producton")
    provisions = laws_copy / "provisions.csv"
    conduct_line = csv_line(provisions, country_iso2="GB", label="s. 160")
    edit_csv(provisions, conduct_line, conduct="simple_possesion")

    with pytest.raises(DataFileError) as excinfo:
        import_starter_set(laws_copy)

    assert f"findings.csv, line {line}: unknown indicator 'producton'" in excinfo.value.errors[1]
    assert excinfo.value.errors[0] == (
        f"provisions.csv, line {conduct_line}: unknown indicator 'simple_possesion' in 'conduct'."
    )
    assert nothing_written()


def test_evidence_that_does_not_resolve_is_refused(topics, laws_copy):
    findings = laws_copy / "findings.csv"
    line = csv_line(findings, country_iso2="GB", indicator="simple_possession")
    # s. 160 exists, but in Britain's law, not Russia's: evidence must be of the same state.
    edit_csv(
        findings,
        csv_line(findings, country_iso2="RU", indicator="simple_possession"),
        evidence_provisions="Criminal Justice Act 1988 c. 33 :: s. 160",
    )
    edit_csv(findings, line, evidence_provisions="Criminal Justice Act 1988 c. 33 :: s. 161")

    with pytest.raises(CommandError) as excinfo:
        import_laws(str(laws_copy))

    message = str(excinfo.value)
    assert f"findings.csv, line {line}: evidence Criminal Justice Act 1988 c. 33 :: s. 161" in (
        message
    )
    assert "does not resolve to a row of provisions.csv for RU" in message
    assert nothing_written()


def test_a_bad_date_or_number_is_refused(topics, laws_copy):
    laws = laws_copy / "laws.csv"
    date_line = csv_line(laws, citation="Coroners and Justice Act 2009 c. 25")
    edit_csv(laws, date_line, date_in_force="06/04/2010")
    provisions = laws_copy / "provisions.csv"
    number_line = csv_line(provisions, label="s. 160")
    edit_csv(provisions, number_line, max_penalty_years="five")

    with pytest.raises(DataFileError) as excinfo:
        import_starter_set(laws_copy)

    assert excinfo.value.errors == [
        f"laws.csv, line {date_line}: 'date_in_force' is '06/04/2010', not a date (YYYY-MM-DD).",
        f"provisions.csv, line {number_line}: 'max_penalty_years' is 'five', not a number of "
        "years (e.g. 10 or 2.5).",
    ]
    assert nothing_written()


def test_duplicates_and_orphan_provisions_are_refused(topics, laws_copy):
    findings = laws_copy / "findings.csv"
    first = csv_line(findings, country_iso2="RU", indicator="simple_possession")
    duplicate = append_csv(
        findings,
        country_iso2="RU",
        indicator="simple_possession",
        status="yes",
        verified="yes",
        evidence_provisions="Federal Law No. 63-FZ of 13 June 1996 :: art. 242.1 (parts 1-2)",
    )
    orphan = append_csv(
        laws_copy / "provisions.csv",
        country_iso2="GB",
        law_citation="Sexual Offences Act 2003 c. 42",
        label="s. 45",
        verified="yes",
    )

    with pytest.raises(DataFileError) as excinfo:
        import_starter_set(laws_copy)

    assert excinfo.value.errors == [
        f"provisions.csv, line {orphan}: no law 'Sexual Offences Act 2003 c. 42' of GB in "
        "laws.csv.",
        f"findings.csv, line {duplicate}: duplicate finding RU 'simple_possession' "
        f"(first on line {first}).",
    ]
    assert nothing_written()


def test_finding_rules_are_checked_before_writing(topics, laws_copy):
    findings = laws_copy / "findings.csv"
    no_note = csv_line(findings, country_iso2="RU", indicator="simple_possession")
    edit_csv(findings, no_note, note="")
    no_evidence = csv_line(findings, country_iso2="GB", indicator="production")
    edit_csv(findings, no_evidence, evidence_provisions="")
    not_assessed = csv_line(findings, country_iso2="GB", indicator="distribution")
    edit_csv(findings, not_assessed, status="not_assessed")

    with pytest.raises(DataFileError) as excinfo:
        import_starter_set(laws_copy)

    errors = "\n".join(excinfo.value.errors)
    assert f"line {no_evidence}: a 'yes' finding must cite at least one provision" in errors
    assert f"line {not_assessed}: status 'not_assessed' is not stored" in errors
    assert f"line {no_note}: a 'no' finding must explain what was reviewed" in errors
    assert nothing_written()


def test_a_failed_reimport_leaves_the_database_as_it_was(starter_set, laws_copy):
    findings = laws_copy / "findings.csv"
    edit_csv(
        findings,
        csv_line(findings, country_iso2="JP", indicator="simple_possession"),
        note="Changed note that must not be written.",
    )
    edit_csv(findings, csv_line(findings, country_iso2="KR", indicator="accessing"), status="yse")

    with pytest.raises(CommandError, match="'status' is 'yse'"):
        import_laws(str(laws_copy))

    finding = Finding.objects.get(state__iso2="JP", indicator__slug="simple_possession")
    assert finding.note.startswith("Criminalised by the 2014 amendment")


def test_laws_cannot_be_imported_before_the_reference_data(db):
    with pytest.raises(CommandError) as excinfo:
        import_laws()
    assert "laws.csv, line 2: unknown country 'GB'" in str(excinfo.value)
    assert "findings.csv, line 2: unknown indicator 'defines_csam'" in str(excinfo.value)
    assert not State.objects.exists() and nothing_written()


def test_a_missing_column_is_reported(topics, laws_copy):
    path = laws_copy / "laws.csv"
    text = path.read_text(encoding="utf-8").replace(",verification_source\n", "\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as excinfo:
        import_starter_set(laws_copy)
    assert "laws.csv, line 1: missing column(s): verification_source." in excinfo.value.errors
    assert nothing_written()
