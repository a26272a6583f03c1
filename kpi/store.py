"""The local store: the one folder where imported and pulled data lives, with every import's rows kept.

Layout under the root:
    manifest.json                         {"format": 1, "version": N, "tables": {table: snapshot path},
                                           "imports": [ImportRecord, oldest first]}
    snapshots/<table>.v<N>.parquet        the current rows of a table as of version N
    history/<table>/<import id>.parquet   the rows exactly as that import delivered them

A commit holds an exclusive lock on <root>/.lock, writes its files under new names, then replaces manifest.json
in one atomic rename: until then the store is exactly as before, whatever happens. Readers never lock: they read
the manifest once and open the files it names; a commit keeps the previous version's files for them.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from kpi.schema import DATETIME_DTYPE, TABLES, CurrencyRates, Quotas, Table

FORMAT = 1
MANIFEST = "manifest.json"
# How a delivered table meets the stored one. Tables with a unique Id upsert by it; the rest are replaced
# whole (goals: the file is the full set of targets), except these:
_UNION = {"lead_history", "opportunity_history"}  # no id of their own: keep every distinct row ever delivered
_KEYS = {"quotas": [Quotas.QuotaOwnerId, Quotas.StartDate, Quotas.IsQuantity],  # one quota per owner and period
         "currency_rates": [CurrencyRates.IsoCode, CurrencyRates.StartDate]}  # one rate per currency (and date)
Part = tuple[pd.DataFrame, set[str]]  # the rows one file delivered, and the columns that file had


class StoreError(Exception):
    """The store cannot be read: a missing or corrupt file, named in the message."""


@dataclass(frozen=True)
class FileRecord:
    """What one file of an import gave, so the import log can say where each table's rows came from."""

    name: str
    object: str | None
    table: str | None
    rows: int
    rejected: int
    first_day: str | None  # ISO date range the rows cover, or None
    last_day: str | None


@dataclass(frozen=True)
class ImportRecord:
    """One commit: when, from where, which files and how many rows per table it delivered."""

    id: int
    at: str  # UTC, 'YYYY-MM-DDTHH:MM:SSZ'
    source: str  # 'upload', 'folder /path', 'salesforce pull'
    files: tuple[FileRecord, ...]
    rows: dict[str, int]
    note: str = ""  # e.g. a pull's API calls and the org's daily allowance left

    @classmethod
    def from_json(cls, data: dict) -> ImportRecord:
        return cls(int(data["id"]), str(data["at"]), str(data["source"]),
                   tuple(FileRecord(**f) for f in data["files"]), {str(k): int(v) for k, v in data["rows"].items()},
                   str(data.get("note", "")))


@dataclass(frozen=True)
class _Manifest:
    """manifest.json parsed: the version, the snapshot file of each table and the import log."""

    version: int = 0
    tables: dict[str, str] = field(default_factory=dict)
    imports: tuple[ImportRecord, ...] = ()

    @classmethod
    def parse(cls, text: str) -> _Manifest:
        data = json.loads(text)
        if data["format"] != FORMAT:
            raise ValueError(f"format {data['format']!r}, expected {FORMAT}")
        return cls(int(data["version"]), {str(k): str(v) for k, v in data["tables"].items()},
                   tuple(ImportRecord.from_json(r) for r in data["imports"]))

    def dumps(self) -> str:
        return json.dumps({"format": FORMAT, "version": self.version, "tables": self.tables,
                           "imports": [asdict(r) for r in self.imports]}, indent=1)

    def files(self) -> set[str]:
        """Every file this version needs: its snapshots and every import's delivered rows."""
        return {*self.tables.values(), *(_history_path(t, r.id) for r in self.imports for t in r.rows)}


class Store:
    """Parquet snapshots of the canonical tables under `root`, switched atomically by manifest.json."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def is_empty(self) -> bool:
        return self._manifest().version == 0

    def version(self) -> int:
        """0 when empty; changes on every commit, so it can key a cache of what tables() returns."""
        return self._manifest().version

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every canonical table the store holds, typed as the schema declares (columns it gained since are
        added empty), all from one version."""
        manifest = self._manifest()
        return {name: self._read(manifest.tables[name], spec) for name, spec in TABLES.items()
                if name in manifest.tables}

    def imports(self) -> list[ImportRecord]:
        return list(self._manifest().imports)

    def history(self, table: str) -> pd.DataFrame:
        """Every row version each import delivered, oldest first, with its `_import` id and `_imported_at` time,
        so views can show how a record changed between imports."""
        spec = TABLES[table]
        parts = [self._read(_history_path(table, r.id), spec)
                 .assign(_import=r.id, _imported_at=pd.Timestamp(r.at).as_unit("us"))
                 for r in self._manifest().imports if table in r.rows]
        empty = spec.empty().assign(_import=pd.Series(dtype="int64"), _imported_at=pd.Series(dtype=DATETIME_DTYPE))
        return pd.concat(parts, ignore_index=True).astype(empty.dtypes.to_dict()) if parts else empty

    def commit(self, delivered: dict[str, list[Part]], source: str, files: tuple[FileRecord, ...],
               now: pd.Timestamp | None = None, deleted: dict[str, set[str]] | None = None,
               note: str = "") -> ImportRecord:
        """Merge the delivered tables into a new version and log the import: all of it lands or none of it.

        Each table comes as the parts its files gave, merged in order, each with the columns its file had: a
        replaced row keeps its stored value in the others, so an export with fewer columns never wipes what a
        fuller one gave. `deleted` names, per table, the Ids deleted in Salesforce since: their rows go.
        """
        deleted = {name: ids for name, ids in (deleted or {}).items() if ids}
        unknown = sorted(set(delivered) - set(TABLES))
        if unknown:
            raise ValueError(f"not canonical tables: {unknown}")
        with self._locked():
            old = self._manifest()
            record = ImportRecord(max((r.id for r in old.imports), default=0) + 1, _stamp(now), source, tuple(files),
                                  {name: sum(len(frame) for frame, _ in parts) for name, parts in delivered.items()},
                                  note)
            snapshots = {name: f"snapshots/{name}.v{old.version + 1}.parquet" for name in {*delivered, *deleted}
                         if name in delivered or name in old.tables}
            new = _Manifest(old.version + 1, {**old.tables, **snapshots}, (*old.imports, record))
            self._switch(self._writes(old, new, delivered, deleted), new)
            self._prune(old, new)
        return record

    def _writes(self, old: _Manifest, new: _Manifest, delivered: dict[str, list[Part]],
                deleted: dict[str, set[str]]) -> Iterator[tuple[str, pd.DataFrame]]:
        """What a commit writes, one table in memory at a time: the rows as delivered, then the merged table
        (without the deleted Ids)."""
        for name in (n for n in TABLES if n in new.tables and new.tables[n] != old.tables.get(n)):
            spec = TABLES[name]
            parts = [(_conform(frame, spec), columns) for frame, columns in delivered.get(name, [])]
            if parts:
                yield _history_path(name, new.imports[-1].id), pd.concat([f for f, _ in parts], ignore_index=True)
            stored = self._read(old.tables[name], spec) if name in old.tables else spec.empty()
            merged = merge(name, stored, parts)
            gone = deleted.get(name)
            yield new.tables[name], merged.loc[~merged["Id"].isin(list(gone))].reset_index(drop=True) if gone else merged

    def _manifest(self) -> _Manifest:
        path = self.root / MANIFEST
        try:
            return _Manifest.parse(path.read_text())
        except FileNotFoundError:
            return _Manifest()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
            raise StoreError(f"{path} is unreadable or corrupt: {e!r}") from e

    def _read(self, relative: str, spec: Table) -> pd.DataFrame:
        path = self.root / relative
        try:
            frame = pq.read_table(path).to_pandas()
        except (OSError, pa.ArrowException) as e:
            raise StoreError(f"{path} is missing or corrupt: {e}") from e
        return _conform(frame, spec)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer at a time: a second one waits here until the first has switched the manifest."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield  # closing the file releases the lock, also when the process dies

    def _switch(self, writes: Iterator[tuple[str, pd.DataFrame]], new: _Manifest) -> None:
        """Write the new files, then replace manifest.json: the rename is the commit. A failure before it
        removes whatever this commit wrote, leaving the store exactly as it was."""
        made: list[Path] = []
        try:
            for relative, frame in writes:
                made.append(self.root / relative)
                _durable_write(made[-1], lambda f, frame=frame: pq.write_table(
                    pa.Table.from_pandas(frame, preserve_index=False), f))
            for folder in {path.parent for path in made}:
                _fsync_dir(folder)
            _durable_write(self.root / MANIFEST, lambda f: f.write(new.dumps().encode()))
        except BaseException:
            for path in made:
                path.unlink(missing_ok=True)
            raise
        _fsync_dir(self.root)

    def _prune(self, old: _Manifest, new: _Manifest) -> None:
        """Remove snapshots neither of the last two versions names, and what writers killed mid-commit left.
        Runs after the switch: a failure here only leaves files for the next commit to remove."""
        keep = {self.root / p for p in old.files() | new.files()}
        found = [*self.root.glob("snapshots/*"), *self.root.glob("history/*/*"), *self.root.glob(".*.tmp")]
        with suppress(OSError):
            for path in set(found) - keep:
                path.unlink(missing_ok=True)


def merge(name: str, stored: pd.DataFrame, parts: list[Part]) -> pd.DataFrame:
    """`stored` with each delivered part merged in, in order (the files of one import, or of one folder)."""
    for frame, columns in parts:
        stored = _merge(name, stored, frame, columns)
    return stored


def _merge(name: str, stored: pd.DataFrame, delivered: pd.DataFrame, present: set[str]) -> pd.DataFrame:
    """The table after one file: union for history rows, upsert by key, else the delivered table."""
    if name in _UNION:
        return pd.concat([stored, delivered], ignore_index=True).drop_duplicates(ignore_index=True)
    id_column = TABLES[name].columns().get("Id")
    key = _KEYS.get(name) or (["Id"] if id_column is not None and id_column.unique else None)
    return _upsert(stored, delivered, key, present) if key else delivered


def _upsert(stored: pd.DataFrame, delivered: pd.DataFrame, key: list[str], present: set[str]) -> pd.DataFrame:
    """Delivered rows replace stored rows with the same key in the columns the file had; new keys are added
    after the stored rows, and stored rows not delivered stay. Within one delivery the last row of a key wins."""
    new = delivered.drop_duplicates(key, keep="last")
    if stored.empty:
        return new.reset_index(drop=True)
    at = stored.set_index(key).index.get_indexer(new.set_index(key).index)  # stored position of each row, or -1
    hit = at >= 0
    merged = stored.copy()
    for column in (c for c in merged.columns if c in present and c not in key):
        merged.iloc[at[hit], merged.columns.get_loc(column)] = new[column].array[hit]
    return pd.concat([merged, new[~hit]], ignore_index=True) if not hit.all() else merged


def _conform(frame: pd.DataFrame, spec: Table) -> pd.DataFrame:
    """The frame with exactly the schema's columns, in order and typed; a column the schema gained after the
    file was written is added with its default (booleans False unless said otherwise, else empty)."""
    empty = spec.empty()
    return pd.DataFrame({
        column: frame[column] if column in frame else pd.Series(declared.metadata["default"], index=frame.index,
                                                                  dtype=empty[column].dtype)
        for column, declared in spec.columns().items()}).astype(empty.dtypes.to_dict()).reset_index(drop=True)


def _history_path(table: str, import_id: int) -> str:
    return f"history/{table}/{import_id}.parquet"


def _stamp(now: pd.Timestamp | None) -> str:
    now = pd.Timestamp.now(tz="UTC") if now is None else pd.Timestamp(now)
    return (now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def _durable_write(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write through a temp file in the same folder, on disk before it is renamed: the path is whole or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    """Make the renames in a folder durable, so the manifest never names a file a power cut could lose."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
