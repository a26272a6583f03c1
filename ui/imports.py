"""Files dropped on the Data page: kept for the session, checked by the engine, imported into the local store."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from kpi.periods import FiscalCalendar
from kpi.schema import TABLES, Problem
from kpi.sources import MAPPING_FILE, import_files, mapping_for, salesforce, store_root
from kpi.sources.files import OBJECTS, Batch, FileReport, read_files
from kpi.sources.labels import Mapping
from kpi.store import ImportRecord, Store

_STAGED = "staged_upload"


@dataclass(frozen=True)
class Staged:
    """Uploaded files saved in a folder of their own, and what the engine made of them."""

    key: str
    folder: Path
    batch: Batch

    @property
    def paths(self) -> list[Path]:
        return _saved(self.folder)


def _saved(folder: Path) -> list[Path]:
    """The uploads in upload order; each in a folder of its own, as two uploads may share a name."""
    return sorted(folder.glob("*/*"), key=lambda path: int(path.parent.name))


def _key(uploads: list, zone: str, day_first: bool | None, mapping: Mapping) -> str:
    digest = hashlib.sha256(f"{zone}{day_first}{sorted(mapping.columns.items())}".encode())
    for upload in uploads:
        digest.update(upload.name.encode() + upload.getvalue())
    return digest.hexdigest()


def staged(uploads: list, zone: str, day_first: bool | None) -> Staged | None:
    """The uploads, checked once per distinct set of files, time zone, date order and mapping (a rerun reuses
    the check)."""
    if not uploads:
        return None
    store = Store(store_root())
    mapping = mapping_for(store.root)
    key = _key(uploads, zone, day_first, mapping)
    current = st.session_state.get(_STAGED)
    if current is not None and current.key == key:
        return current
    folder = Path(tempfile.mkdtemp(prefix="kpi-upload-"))
    for number, upload in enumerate(uploads):
        (folder / str(number)).mkdir()
        (folder / str(number) / Path(upload.name).name).write_bytes(upload.getvalue())
    known = store.tables()
    bar = st.progress(0.0, text="Checking the files…")
    batch = read_files(_saved(folder), mapping, zone, known.get("users"), known.get("user_roles"),
                       lambda done, step: bar.progress(done, text=f"{step}…"), day_first)
    bar.empty()
    if current is not None:
        shutil.rmtree(current.folder, ignore_errors=True)
    st.session_state[_STAGED] = Staged(key, folder, batch)
    return st.session_state[_STAGED]


def commit(files: Staged, zone: str, day_first: bool | None) -> ImportRecord | None:
    """The checked files merged into the store, with progress; None when no file gave a table."""
    bar = st.progress(0.0, text="Importing…")
    _, record = import_files(Store(store_root()), files.paths, "upload", zone,
                             progress=lambda done, step: bar.progress(0.95 * done, text=f"{step}…"),
                             day_first=day_first)
    bar.empty()
    st.session_state.pop(_STAGED, None)
    shutil.rmtree(files.folder, ignore_errors=True)
    return record


def file_table(reports: tuple[FileReport, ...]) -> pd.DataFrame:
    return pd.DataFrame([{
        "file": r.file, "recognised as": r.object or "not recognised",
        "rows read": r.rows - r.rejected if r.table else 0, "rows rejected": r.rejected,
        "from": r.first_day, "to": r.last_day,
        "status": "ok" if r.table and not r.problems else
                  ("not used yet" if r.object and not r.table and not r.problems else
                   f"{len(r.problems)} problem{'s' if len(r.problems) != 1 else ''}")} for r in reports])


def problem_table(problems: Iterable[Problem]) -> pd.DataFrame:
    return pd.DataFrame([{"file": p.file, "row": p.row, "column": p.column, "problem": p.message}
                         for p in problems], columns=["file", "row", "column", "problem"])


def history_table(records: list[ImportRecord]) -> pd.DataFrame:
    return pd.DataFrame([{"import": r.id, "at (UTC)": r.at.replace("T", " ").rstrip("Z"), "from": r.source,
                          "files": len(r.files), "rows": sum(r.rows.values()),
                          "tables": ", ".join(f"{name} {rows:,}" for name, rows in r.rows.items()),
                          "note": r.note}
                         for r in reversed(records)])


def suggested(table: str, columns: tuple[str, ...], mapping: Mapping) -> dict[str, str | None]:
    """For each column of `table`, the file column already known to name it (None: none)."""
    aliases = mapping.aliases(table)
    found = {aliases[c.strip().lower()]: c for c in reversed(columns) if c.strip().lower() in aliases}
    return {column: found.get(column) for column in TABLES[table].columns()}


def save_mapping(obj: str, matches: dict[str, str]) -> Path:
    """The user's column matches for `obj` added to the store's mapping file (file column -> canonical)."""
    root = store_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / MAPPING_FILE
    mapping_for(root).with_columns(OBJECTS[obj].table, {source: column for column, source in matches.items()}).save(path)
    st.session_state.pop(_STAGED, None)
    return path


def refresh(credentials: salesforce.Credentials, calendar: FiscalCalendar) -> str:
    """Pull from Salesforce into the store with progress; what happened, in a sentence (PullError if not)."""
    bar = st.progress(0.0, text="Logging in to Salesforce…")
    try:
        record, use = salesforce.pull(credentials, Store(store_root()), calendar=calendar,
                                      progress=lambda done, step: bar.progress(done, text=f"{step}…"))
    finally:
        bar.empty()
    return f"Pull {record.id} is stored ({sum(record.rows.values()):,} rows); {use}."


def credentials() -> salesforce.Credentials:
    """Salesforce credentials: SALESFORCE_* keys of .streamlit/secrets.toml over the environment's."""
    try:
        secrets = {key: str(value) for key, value in st.secrets.items() if key.startswith("SALESFORCE_")}
    except (FileNotFoundError, StreamlitSecretNotFoundError):  # no secrets file: the environment alone
        secrets = {}
    return salesforce.Credentials.from_environment({**os.environ, **secrets})
