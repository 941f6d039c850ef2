"""The national loader's two writers write the same thing (laws/importers/national_bulk.py).

A state the database holds nothing of is inserted in bulk; every other state is written row by
row. A researcher, an editor reading a record's history and the change feed must not be able to
tell which writer wrote a state: the same rows, the same links, the same history rows with the
same links, reason and user, and the same refusals.
"""

import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.test.utils import CaptureQueriesContext

from core.history import change_reason
from hotpath.cache import current_version
from laws.importers.errors import DataFileError
from laws.importers.national import import_national_law
from laws.models import Finding, Law, LawProvision, Source
from tests.laws.test_import_laws import two_parts, variant, write
from treaties.models import Jurisdiction, State

STATES_DIR = settings.DATA_DIR / "laws" / "states"
# The kinds of state file there are: jurisdictions and a `yes` by parts (GB), a `partial` for one
# part (BA), `no` findings naming the pages checked (CK, JP), chained and dated wordings (PL),
# English texts beside the original (JP, CH), sources cited by address alone after their first use.
SAMPLE = ["gb", "ba", "ck", "pl", "jp", "ch"]
# Columns that say when a row was written, not what it says.
WHEN = {"created_at", "updated_at", "published_at", "last_public_change", "history_date"}


def sample(tmp_path: Path) -> Path:
    folder = tmp_path / "states"
    folder.mkdir()
    for code in SAMPLE:
        shutil.copy(STATES_DIR / f"{code}.yaml", folder)
    return folder


def natural_keys() -> dict[type, dict[int, tuple]]:
    """Each written record's key by what it is (a law by its state and citation, ...), so that
    two databases whose row ids differ can be compared."""
    keys: dict[type, dict[int, tuple]] = {
        Source: {pk: (url,) for pk, url in Source.objects.values_list("pk", "url")},
        Jurisdiction: {pk: (c,) for pk, c in Jurisdiction.objects.values_list("pk", "code")},
        Law: {pk: (s, c) for pk, s, c in Law.objects.values_list("pk", "state_id", "citation")},
    }
    keys[LawProvision] = {
        pk: (keys[Law][law], label)
        for pk, law, label in LawProvision.objects.values_list("pk", "law_id", "label")
    }
    keys[Finding] = {
        pk: (s, i, keys[Jurisdiction].get(j))
        for pk, s, i, j in Finding.objects.values_list(
            "pk", "state_id", "indicator_id", "jurisdiction_id"
        )
    }
    return keys


def written() -> dict[str, list]:
    """Every row of the national layer, its links, its history and its history's links, with
    ids replaced by natural keys and write times left out, sorted."""
    keys = natural_keys()
    tracked = [Source, Jurisdiction, Law, LawProvision, Finding]
    tables: list[tuple[type[models.Model], type[models.Model] | None]] = []
    for model in tracked:
        history = model.history.model
        tables.append((model, model))
        tables.append((history, model))
        for field in model._meta.local_many_to_many:
            tables.append((field.remote_field.through, None))
        for link_history in apps.get_models():
            if link_history.__name__.startswith(f"{history.__name__}_"):
                tables.append((link_history, None))
    history_keys = {}
    for model in tracked:
        for history_id, pk, kind in model.history.model.objects.values_list(
            "history_id", "id", "history_type"
        ):
            history_keys[(model.history.model, history_id)] = (keys[model].get(pk), kind)

    def key(model, field, value):
        if value is None:
            return None
        target = field.related_model
        if target in keys:
            return keys[target][value]
        if target is not None and (target, value) in history_keys:
            return history_keys[(target, value)]
        return value

    out = {}
    for table, record_model in tables:
        rows = []
        for row in table.objects.all():
            values = {}
            for field in table._meta.concrete_fields:
                name = field.name
                if name in WHEN or name in ("history_id", "m2m_history_id"):
                    continue
                value = getattr(row, field.attname)
                if name == "id":
                    # A record's own id (or its history row's): its natural key. A link row's id
                    # (and its history row's copy of it) says nothing.
                    value = keys[record_model][value] if record_model else None
                values[name] = key(table, field, value) if field.is_relation else value
            rows.append(repr(sorted(values.items())))
        out[table._meta.db_table] = sorted(rows)
    return out


def load(folder: Path, *, bulk: bool) -> tuple[dict[str, list], str, int]:
    """Import `folder` with one writer; return what it wrote, the counts and the queries made,
    then undo it all (a savepoint), so the other writer starts from the same database."""
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries, change_reason("import_laws"):
            counts = import_national_law(folder, bulk=bulk)
        rows = written()
        transaction.set_rollback(True)
    return rows, str(counts), len(queries)


def test_a_new_state_inserted_in_bulk_is_what_the_row_by_row_writer_writes(topics, tmp_path):
    folder = sample(tmp_path)
    slow, slow_counts, slow_queries = load(folder, bulk=False)
    fast, fast_counts, fast_queries = load(folder, bulk=True)

    assert fast_counts == slow_counts
    assert "findings: 0 inserted" not in fast_counts
    assert fast.keys() == slow.keys()
    for table in slow:
        assert fast[table] == slow[table], table
    # Every kind of row was compared, history and links included.
    assert all(slow[t] for t in ("laws_historicalfinding_evidence", "laws_finding_checked_sources"))
    assert all(slow[t] for t in ("treaties_historicaljurisdiction", "laws_lawprovision_indicators"))
    # ... in far fewer queries: a few per state, not about thirty per finding.
    findings = sum(1 for row in slow["laws_finding"])
    assert slow_queries > 20 * findings
    assert fast_queries < 30 * len(SAMPLE) + 20


def test_a_bulk_import_moves_the_public_data_stamp(topics, tmp_path):
    # Cached answers (hotpath.cache) are keyed by the stamp: an import must retire them.
    before = current_version()
    import_national_law(sample(tmp_path))
    assert current_version() != before
    assert Finding.objects.published().filter(state__iso2="GB").exists()


def test_a_state_with_any_record_is_written_row_by_row(topics, tmp_path):
    # An editor's draft law of Poland: the import must compare with it, never insert beside it.
    from tests.factories import LawFactory

    poland = State.objects.get(iso2="PL")
    draft = LawFactory(
        state=poland, citation="Dz.U. 1997 nr 88 poz. 553", publication_status="draft"
    )
    folder = sample(tmp_path)
    first = {c.label: c for c in import_national_law(folder).children}
    assert Law.objects.filter(state=poland, citation=draft.citation).count() == 1
    assert first["laws"].updated == 1  # the draft, compared and brought to the file's
    assert first["laws"].inserted == Law.objects.count() - 1
    # A second run compares every state row by row and changes nothing.
    again = {c.label: c for c in import_national_law(folder).children}
    assert all(c.inserted == c.updated == 0 for c in again.values())
    assert again["findings"].unchanged == Finding.objects.count()


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "row by row"])
def test_both_writers_refuse_a_yes_for_one_part_of_a_state_and_write_nothing(
    topics, tmp_path, bulk
):
    folder = write(tmp_path / "states", variant(two_parts))
    with pytest.raises(DataFileError, match="make it 'partial'"):
        import_national_law(folder, bulk=bulk)
    assert not Law.objects.exists() and not Finding.objects.exists()
    assert not Jurisdiction.objects.filter(code="GB-EAW").exists()
