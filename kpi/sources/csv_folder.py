"""A folder of Data Loader / Data Export CSV files, one per Salesforce object (User.csv, Task.csv, ...)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from kpi.ids import EVENT_PREFIX
from kpi.schema import TABLES, Org, Problem
from kpi.sources.conform import UnusableFile, conform

# File (object) name -> canonical table. Task and Event both become activities.
OBJECT_TABLES = {"User": "users", "UserRole": "user_roles", "Task": "activities", "Event": "activities",
                 "Lead": "leads", "LeadHistory": "lead_history", "Opportunity": "opportunities",
                 "ForecastingQuota": "quotas", "Account": "accounts", "goals": "goals"}
Progress = Callable[[float, str], None]


def _decode(raw: bytes) -> bytes:
    """UTF-8 bytes without a byte-order mark, from UTF-8, UTF-16 (with BOM) or cp1252 (weekly Data Export)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16").encode("utf-8")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace").encode("utf-8")


def read_text(path: Path) -> tuple[pd.DataFrame, list[Problem]]:
    """Every cell as text (empty cells NA), indexed by spreadsheet row (the header is row 1), and the rows
    that could not be read (a different number of fields than the header, e.g. a report's footer lines)."""
    data = _decode(path.read_bytes())
    if not data.strip():
        return pd.DataFrame(), []
    uneven: list[str] = []
    table = pacsv.read_csv(
        io.BytesIO(data),
        parse_options=pacsv.ParseOptions(newlines_in_values=True,
                                         invalid_row_handler=lambda row: uneven.append(row.text) or "skip"),
        convert_options=pacsv.ConvertOptions(column_types=_all_text(data), strings_can_be_null=True),
    )
    if uneven:  # rare: read again record by record, to number every row exactly
        return _read_uneven(data, path.name)
    frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=float("nan"))}.get)
    frame.index = pd.RangeIndex(2, len(frame) + 2)
    return frame, []


def _read_uneven(data: bytes, file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """The slow, exact reading of a file with rows of the wrong width: those rows are reported and skipped,
    blank lines are passed over."""
    header, *records = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    kept = {row: record for row, record in enumerate(records, start=2) if len(record) == len(header)}
    problems = [Problem(file, f"has {len(record)} fields where the header has {len(header)} "
                              f"({','.join(record)[:60]!r}); row skipped", row)
                for row, record in enumerate(records, start=2) if record and len(record) != len(header)]
    frame = pd.DataFrame(list(kept.values()), index=list(kept), columns=header, dtype="str")
    return frame.replace("", pd.NA).astype("str"), problems


def _all_text(data: bytes) -> dict[str, pa.DataType]:
    """Every column read as a string (ids like 00123 and zip codes must not become numbers)."""
    header = next(csv.reader(io.StringIO(data[:65536].decode("utf-8", errors="ignore"))))
    return dict.fromkeys(header, pa.string())


def _full_name(text: pd.DataFrame) -> pd.DataFrame:
    """Name from FirstName and LastName when a file has no Name column (Lead and User exports)."""
    columns = {c.lower(): c for c in text.columns}
    if "name" in columns or "lastname" not in columns:
        return text
    first = text[columns["firstname"]].fillna("") if "firstname" in columns else ""
    return text.assign(Name=(first + " " + text[columns["lastname"]].fillna("")).str.strip())


def _mark_events(is_event: bool) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """Task rows are Tasks and Event rows are Events; an id with the Event prefix 00U is an Event anywhere."""
    def mark(text: pd.DataFrame) -> pd.DataFrame:
        id_column = next((c for c in text.columns if c.lower() == "id"), None)
        if id_column is None:
            return text  # conform reports the missing Id
        prefixed = text[id_column].str.startswith(EVENT_PREFIX).fillna(False)
        return text.assign(IsEvent=(prefixed | is_event).astype(str))
    return mark


_DERIVE = {"User": _full_name, "Lead": _full_name, "Task": _mark_events(False), "Event": _mark_events(True)}


def csv_files(folder: Path) -> list[Path]:
    """The folder's CSV files, whatever the case of their extension, in name order."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())


def _find(folder: Path, name: str) -> Path | None:
    return next((p for p in csv_files(folder) if p.stem.lower() == name.lower()), None)


def load_folder(folder: Path, goals_file: Path | None = None, export_zone: str = "UTC",
                progress: Progress | None = None) -> Org:
    """Read every object file the folder has; say which are missing and what is wrong in the rest.
    `goals_file` replaces the folder's goals.csv; `export_zone` is the zone of date-times without an offset."""
    parts: dict[str, list[pd.DataFrame]] = {}
    problems: list[Problem] = []
    missing: list[str] = []
    for step, (obj, table_name) in enumerate(OBJECT_TABLES.items()):
        path = goals_file if obj == "goals" and goals_file else _find(folder, obj)
        if progress:
            progress(step / len(OBJECT_TABLES), f"Reading {obj}")
        if path is None or not path.is_file():
            missing.append(obj)
            continue
        try:
            text, unreadable = read_text(path)
            if text.columns.empty:
                raise UnusableFile(Problem(path.name, "is empty"))
            frame, found = conform(text, TABLES[table_name], path.name, _DERIVE.get(obj), export_zone)
        except UnusableFile as error:
            problems.append(error.problem)
            missing.append(obj)
            continue
        except (pa.ArrowInvalid, UnicodeError, csv.Error) as error:
            problems.append(Problem(path.name, f"cannot be read as CSV: {error}"))
            missing.append(obj)
            continue
        problems += unreadable
        parts.setdefault(table_name, []).append(frame)
        problems += found
    if progress:
        progress(1.0, "Loaded")
    tables = {name: pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
              for name, frames in parts.items()}
    return Org.from_tables(tables, missing=tuple(missing), problems=tuple(problems))
