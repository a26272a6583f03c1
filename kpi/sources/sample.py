"""The bundled sample org: written by the seeded generator into data/sample/, then read like any export."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from kpi.periods import day
from kpi.schema import Org
from kpi.sources import sample_org
from kpi.sources import load_folder
from kpi.sources.files import Progress

FOLDER = Path(__file__).resolve().parents[2] / "data" / "sample"
SEED = 0
ANCHOR = day(sample_org.OrgShape().anchor)
_STAMP = ".generator"


def fingerprint() -> str:
    """Changes whenever any module of the generator package or the seed does, so a stale sample is rewritten."""
    digest = hashlib.sha256()
    for module in sorted(Path(sample_org.__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    digest.update(str(SEED).encode())
    return digest.hexdigest()


def ensure(folder: Path = FOLDER) -> Path:
    """The sample folder, written first if missing or made by another version of the generator. Written into
    a temporary folder and renamed, so a reader never sees half a sample."""
    stamp = folder / _STAMP
    if stamp.is_file() and stamp.read_text() == fingerprint():
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    fresh = Path(tempfile.mkdtemp(prefix=".sample-", dir=folder.parent))
    sample_org.write_sample_org(fresh, sample_org.OrgShape(), SEED)
    (fresh / _STAMP).write_text(fingerprint())
    old = folder.with_name(f".old-sample-{os.getpid()}")
    if folder.exists():
        folder.rename(old)
    try:
        fresh.rename(folder)
    except OSError:  # another process wrote it at the same moment: theirs is as good as ours
        shutil.rmtree(fresh, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)
    return folder


def load(goals_file: Path | None = None, progress: Progress | None = None) -> Org:
    """The sample org, as of its anchor date."""
    org = load_folder(ensure(), goals_file, "UTC", progress)
    return replace(org, default_as_of=ANCHOR)
