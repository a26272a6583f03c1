"""Source adapters: each returns the same canonical tables (`kpi.schema.Org`)."""

from __future__ import annotations

from pathlib import Path

from kpi.schema import Org
from kpi.sources.csv_folder import Progress, load_folder


class SourceError(ValueError):
    """The source cannot be read at all (as opposed to problems inside its files)."""


def load(source: str, goals_file: Path | None = None, export_zone: str = "UTC",
         progress: Progress | None = None) -> Org:
    """The org behind `source`: 'sample' (the bundled sample org) or a folder of CSV exports."""
    if goals_file is not None and not goals_file.is_file():
        raise SourceError(f"goals file {goals_file} does not exist")
    if source == "sample":
        from kpi.sources import sample
        return sample.load(goals_file, progress)
    if source == "salesforce":
        raise SourceError("a live Salesforce pull is not available yet: export CSV files and pass their folder")
    folder = Path(source)
    if not folder.is_dir():
        raise SourceError(f"{source} is not 'sample' nor a folder of Salesforce CSV exports")
    return load_folder(folder, goals_file, export_zone, progress)
