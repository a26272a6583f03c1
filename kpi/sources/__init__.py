"""Source adapters: each returns the same canonical tables (`kpi.schema.Org`)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from kpi.currency import to_corporate
from kpi.schema import TABLES, Org, Problem
from kpi.sources.files import Batch, Progress, export_files, read_files
from kpi.sources.labels import Mapping
from kpi.store import FileRecord, ImportRecord, Store, StoreError

# The objects whose absence makes figures unknown (named in "missing"); rates are optional.
EXPECTED = ("User", "UserRole", "Task", "Event", "Lead", "LeadHistory", "Opportunity", "ForecastingQuota",
            "Account", "goals")
# Objects an org has only in part or may not use (history of the fields it tracks; partners on deals, which
# Opportunity's partner fields and Lead Source also give; campaigns, contacts and named accounts, whose own
# sections say which exports to add): their absence is in "missing" too, so `Org.has` answers, but global
# warnings (`gaps`) leave it out.
OPTIONAL = ("OpportunityFieldHistory", "OpportunityPartner", "Contact", "Campaign", "CampaignMember", "named_accounts")
STORE = Path(__file__).resolve().parents[2] / "data" / "store"
MAPPING_FILE = "mapping.toml"
DATE_ORDERS = {"auto": None, "day-first": True, "month-first": False}  # the setting's values -> day_first


class SourceError(ValueError):
    """The source cannot be read at all (as opposed to problems inside its files)."""


def store_root() -> Path:
    """The local store: KPI_STORE, else data/store beside the code."""
    return Path(os.environ.get("KPI_STORE") or STORE)


def mapping_for(folder: Path | None) -> Mapping:
    """The mapping file: KPI_MAPPING, else mapping.toml in `folder` (the exports or the store)."""
    path = Path(os.environ["KPI_MAPPING"]) if os.environ.get("KPI_MAPPING") else (
        folder / MAPPING_FILE if folder else None)
    try:
        return Mapping.load(path)
    except ValueError as error:
        raise SourceError(str(error)) from None


def org_of(tables: dict[str, pd.DataFrame], objects: set[str], problems: tuple[Problem, ...]) -> Org:
    """The Org these tables make: amounts in the corporate currency, and which expected objects are missing
    (an activity file with Event rows delivers Events too; a users report's role names deliver roles)."""
    rates = tables.get("currency_rates", TABLES["currency_rates"].empty())
    tables, currency, unconverted = to_corporate(tables, rates)
    activities = tables.get("activities")
    present = objects | ({"Event"} if activities is not None and activities["IsEvent"].any() else set())
    present |= {"UserRole"} if not tables.get("user_roles", pd.DataFrame()).empty else set()  # from a users report
    missing = tuple(obj for obj in (*EXPECTED, *OPTIONAL) if obj not in present)
    return Org.from_tables(tables, missing=missing, problems=(*problems, *unconverted), currency=currency)


def gaps(org: Org) -> tuple[str, ...]:
    """The missing objects a warning names: those whose absence leaves figures empty."""
    return tuple(obj for obj in org.missing if obj not in OPTIONAL)


def load_folder(folder: Path, goals_file: Path | None = None, export_zone: str = "UTC",
                progress: Progress | None = None, day_first: bool | None = None) -> Org:
    """Every export file in the folder, whatever its name; `goals_file` replaces the folder's goals.
    `day_first` fixes the day/month order of dates (None: inferred per file)."""
    paths = [p for p in export_files(folder) if not (goals_file and p.stem.lower() == "goals")]
    return _files_org(paths, folder, goals_file, export_zone, progress, day_first)


def _files_org(paths: list[Path], folder: Path, goals_file: Path | None, export_zone: str,
               progress: Progress | None, day_first: bool | None) -> Org:
    """The Org export files make, read with the mapping file beside them; a goals file read last wins."""
    batch = read_files([*paths, *([goals_file] if goals_file else [])], mapping_for(folder), export_zone,
                       progress=progress, day_first=day_first)
    return org_of(batch.tables, batch.objects, batch.problems)


def import_files(store: Store, paths: list[Path], source: str, export_zone: str = "UTC",
                 mapping: Mapping | None = None, progress: Progress | None = None,
                 day_first: bool | None = None,
                 deleted: dict[str, set[str]] | None = None, note: str = "") -> tuple[Batch, ImportRecord | None]:
    """Files read and merged into the store (rows replaced by Id); nothing is written when no file gave a
    table (nor any deletion), and a file that fails leaves what the store had of its object untouched.
    `deleted` (a pull's) names per table the Ids deleted in Salesforce; `note` goes into the import log."""
    known = store.tables()
    batch = read_files(paths, mapping or mapping_for(store.root), export_zone, known.get("users"),
                       known.get("user_roles"), progress, day_first)
    if not batch.parts and not any((deleted or {}).values()):
        return batch, None
    files = tuple(FileRecord(r.file, r.object, r.table, r.rows, r.rejected, r.first_day, r.last_day)
                  for r in batch.reports)
    return batch, store.commit(batch.parts, source, files, deleted=deleted, note=note)


def store_org(store: Store, goals_file: Path | None = None) -> Org:
    """The store's data as an Org; the objects it holds are those its imports delivered."""
    tables = store.tables()
    objects = {f.object for record in store.imports() for f in record.files if f.table and f.object}
    problems: tuple[Problem, ...] = ()
    if goals_file is not None:
        batch = read_files([goals_file])
        tables["goals"] = batch.tables.get("goals", TABLES["goals"].empty())
        objects, problems = objects | batch.objects, batch.problems
    return org_of(tables, objects, problems)


def load(source: str, goals_file: Path | None = None, export_zone: str = "UTC",
         progress: Progress | None = None, store: Path | None = None, day_first: bool | None = None) -> Org:
    """The org behind `source`: 'sample' (the bundled sample org), 'store' (the local store at `store`,
    default `store_root()`), or a folder or .zip of exports."""
    if goals_file is not None and not goals_file.is_file():
        raise SourceError(f"goals file {goals_file} does not exist")
    if source == "sample":
        from kpi.sources import sample
        return sample.load(goals_file, progress)
    if source in ("store", "salesforce"):
        local = Store(store or store_root())
        if source == "salesforce":  # pull into the store first, then read the store
            from kpi.sources import salesforce
            try:
                salesforce.pull(salesforce.Credentials.from_environment(), local, progress=progress)
            except salesforce.PullError as error:
                raise SourceError(f"the Salesforce pull failed: {error}") from None
        try:
            if local.is_empty():
                raise SourceError(f"the store {local.root} is empty: import exports first "
                                  "(python -m kpi import FILES, or the Data page)")
            return store_org(local, goals_file)
        except StoreError as error:
            raise SourceError(str(error)) from None
    path = Path(source)
    if path.is_file() and path.suffix.lower() == ".zip":
        return _files_org([path], path.parent, goals_file, export_zone, progress, day_first)
    if not path.is_dir():
        raise SourceError(f"{source} is not 'sample', 'store', a folder of Salesforce exports nor a .zip of them")
    return load_folder(path, goals_file, export_zone, progress, day_first)


def freshness(records: list[ImportRecord], now: pd.Timestamp) -> str | None:
    """'pulled 12 minutes ago' / 'imported 3 hours ago' for the newest import, or None without one."""
    from kpi.sources.salesforce import PULL_SOURCE  # (the client library loads only when it is needed)
    if not records:
        return None
    minutes = int((now - pd.Timestamp(records[-1].at)).total_seconds() // 60)
    ago = (f"{minutes} minute{'s' if minutes != 1 else ''}" if minutes < 120 else
           f"{minutes // 60} hours" if minutes < 48 * 60 else f"{minutes // 1440} days")
    return f"{'pulled' if records[-1].source == PULL_SOURCE else 'imported'} {ago} ago"
