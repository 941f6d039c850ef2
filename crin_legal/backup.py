"""Backups: a dump of the whole database plus a manifest of what it holds, checked on restore.

- PostgreSQL: `pg_dump --format=custom` / `pg_restore --single-transaction` (all or nothing).
- SQLite: the sqlite3 online backup API (a consistent copy while the site serves).

The manifest (`<backup>.manifest.json`) holds the row count of every table of the project's
models and a SHA-256 of the published data (every published row of every public model, all
fields, in primary-key order). `manage.py restore` recomputes both after restoring and fails
if anything differs.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connections

PROJECT_APPS = ("treaties", "laws", "hotpath", "access", "auth", "otp_totp")
PUBLIC_APPS = ("treaties", "laws")


def engine(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in {"postgresql", "sqlite"}:
        raise ValueError(f"Unsupported database: {vendor}")
    return vendor


def row_counts(alias: str = "default") -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in PROJECT_APPS and model._meta.managed:
            counts[model._meta.label] = model._default_manager.using(alias).count()
    return dict(sorted(counts.items()))


def published_checksum(alias: str = "default") -> str:
    digest = hashlib.sha256()
    for model in sorted(apps.get_models(), key=lambda m: m._meta.label):
        if model._meta.app_label not in PUBLIC_APPS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields]
        rows = model._default_manager.using(alias).order_by("pk")
        if "publication_status" in fields:
            rows = rows.filter(publication_status="published")
        digest.update(model._meta.label.encode())
        for row in rows.values_list(*fields).iterator(chunk_size=2000):
            digest.update(json.dumps(row, default=str, ensure_ascii=False).encode())
    return digest.hexdigest()


def manifest(alias: str = "default") -> dict:
    return {
        "engine": engine(alias),
        "row_counts": row_counts(alias),
        "published_checksum": published_checksum(alias),
    }


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name + ".manifest.json")


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    db = settings.DATABASES[alias]
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(f"{name} is not installed (PostgreSQL client tools).")
    return found


def backup(path: Path, alias: str = "default") -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    kind = engine(alias)
    if kind == "postgresql":
        args, env = _pg_env(alias)
        subprocess.run(
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "--file",
                str(path),
                *args,
            ],
            env=env,
            check=True,
        )
    else:
        tmp = path.with_name(path.name + ".partial")
        source = sqlite3.connect(settings.DATABASES[alias]["NAME"])
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        tmp.replace(path)
    info = manifest(alias)
    manifest_path(path).write_text(json.dumps(info, indent=1, sort_keys=True))
    return info


def restore(path: Path, alias: str = "default") -> None:
    kind = engine(alias)
    connections[alias].close()
    if kind == "postgresql":
        args, env = _pg_env(alias)
        subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                *args,
                str(path),
            ],
            env=env,
            check=True,
        )
    else:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(settings.DATABASES[alias]["NAME"])
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    connections[alias].close()


def is_empty(alias: str = "default") -> bool:
    tables = connections[alias].introspection.table_names()
    from treaties.models import State

    return State._meta.db_table not in tables or not State.objects.using(alias).exists()
