"""A dated, versioned release of the published data, for researchers to download and cite.

`build_release(output, version=..., released=...)` writes `<output>/crin-legal-data-<version>/`:
the dataset's files (laws/dataset.py: one CSV and one JSON file per table, a README with the
columns, sources, as-of dates and suggested citation) and SHA256SUMS (`sha256sum -c
SHA256SUMS` verifies it). Only published records go in: drafts, records in review and withdrawn
ones never do, nor evidence resting on an unpublished law. The same data and the same release
date give the same bytes. An existing release directory is never overwritten; the release is
written to a temporary directory and renamed into place, so a failure leaves nothing
half-written.
"""

from __future__ import annotations

import datetime
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .dataset import dataset_files


class ReleaseError(Exception):
    pass


@dataclass
class Release:
    directory: Path
    counts: dict[str, int]
    files: dict[str, str]  # name -> sha256


def build_release(output: Path, *, version: str, released: datetime.date) -> Release:
    """Write the release; raise ReleaseError if its directory already exists."""
    if not version or "/" in version or version.startswith("."):
        raise ReleaseError(f"invalid version {version!r}.")
    target = Path(output) / f"crin-legal-data-{version}"
    if target.exists():
        raise ReleaseError(f"{target} already exists; a release is never overwritten.")
    files, counts = dataset_files(released=released, version=version)
    sums = {name: hashlib.sha256(content).hexdigest() for name, content in files.items()}
    files["SHA256SUMS"] = "".join(f"{sums[n]}  {n}\n" for n in sorted(sums)).encode()

    Path(output).mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".release-", dir=output))
    staging.chmod(0o755)  # mkdtemp makes it private; a release is for everyone to read
    try:
        for name, content in files.items():
            (staging / name).write_bytes(content)
        staging.rename(target)  # fails if the target appeared meanwhile
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ReleaseError(f"cannot write {target}: {exc}") from exc
    return Release(directory=target, counts=counts, files=sums)
