"""Reference data loaded once per test session, put back in each test that asks for it.

Loading the real states, treaties and topics through their commands takes seconds (hundreds of
saves, each with its history row and signals); dozens of tests need them. A `Snapshot` runs the
loading once, in a transaction it rolls back, and keeps every row the loading wrote (history rows
included); `restore()` writes those same rows in one bulk insert per table, inside the test's own
transaction, so tests stay isolated exactly as before. Database triggers (the search index) fire
on the insert as they did on the saves. The rows are turned into the database's values once, and
put back with PostgreSQL's COPY (SQLite: one prepared insert per table), not as model instances
through the ORM each time: the real data is tens of thousands of rows, restored in dozens of tests.

What a snapshot cannot replay is a change to a row that existed before the loading (only new rows
are kept): `capture` refuses such a loading, except for the data-version stamp, which `restore`
moves on as any write does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from hotpath.cache import bump_data_version
from hotpath.models import DataVersion

# Rows a loading may change in place: the stamp every public write moves on.
MAY_CHANGE = {DataVersion}


def _tables():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _rows(model) -> dict:
    fields = [field.attname for field in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    return {row[pk]: row for row in model._base_manager.values(*fields)}


@dataclass
class Snapshot:
    rows: list[tuple[type, list[dict]]]
    # What the loading returned (a test world's objects, whose rows `restore` puts back with
    # the same primary keys).
    value: object = None
    # Per table: its columns and the rows as the database takes them (made on the first restore).
    _prepared: list[tuple[type, list[str], list[tuple]]] | None = None

    def _prepare(self) -> list[tuple[type, list[str], list[tuple]]]:
        if self._prepared is None:
            self._prepared = []
            for model, rows in self.rows:
                fields = model._meta.concrete_fields
                values = [
                    tuple(f.get_db_prep_save(row[f.attname], connection) for f in fields)
                    for row in rows
                ]
                self._prepared.append((model, [f.column for f in fields], values))
        return self._prepared

    @classmethod
    def capture(cls, load: Callable[[], None]) -> Snapshot:
        tables = _tables()
        with transaction.atomic():
            before = {model: _rows(model) for model in tables}
            value = load()
            rows = []
            for model in tables:
                after = _rows(model)
                old = before[model]
                changed = [pk for pk, row in old.items() if after.get(pk) != row]
                if changed and model not in MAY_CHANGE:
                    raise RuntimeError(
                        f"{model._meta.label}: the loading changed rows that existed before it "
                        f"({changed[:5]}); a snapshot keeps new rows only"
                    )
                new = [row for pk, row in after.items() if pk not in old]
                if new:
                    rows.append((model, new))
            transaction.set_rollback(True)
        return cls(rows, value)

    def restore(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for model, columns, values in self._prepare():
                table, names = quote(model._meta.db_table), ", ".join(map(quote, columns))
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                        for row in values:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)
            models = [model for model, _rows in self.rows]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            bump_data_version()
