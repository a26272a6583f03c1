"""A live pull from Salesforce through simple-salesforce, into the local store.

Each object is described first, so only fields the org has are asked for (an org without Forecasting or
campaigns, or without a custom stage-date field, still pulls), then counted: a large one comes through a Bulk
API 2.0 query job (a few calls for any size), the rest through the REST query and its 2,000-row pages. Records
are written as Data Loader files (API names) in a scratch folder and imported like any export, so a pull and an
export go through the one same reading; the store only changes once every object has arrived (a failure mid-pull
leaves the last good data current).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceError, SalesforceExpiredSession

from kpi.periods import FiscalCalendar
from kpi.schema import TABLES
from kpi.store import ImportRecord, Store

Progress = Callable[[float, str], None]
# Objects pulled, with the canonical table each feeds; the first pull windows the busy ones by SystemModstamp
# (accounts, their contacts and campaigns are read whole: a record of the window may name an old one).
OBJECTS = {"User": "users", "UserRole": "user_roles", "Account": "accounts", "Task": "activities",
           "Event": "activities", "Lead": "leads", "LeadHistory": "lead_history", "Opportunity": "opportunities",
           "OpportunityFieldHistory": "opportunity_history", "OpportunityPartner": "opportunity_partners",
           "ForecastingQuota": "quotas", "Contact": "contacts", "Campaign": "campaigns",
           "CampaignMember": "campaign_members"}
WINDOWED = frozenset({"Task", "Event", "Lead", "LeadHistory", "Opportunity", "OpportunityFieldHistory",
                      "CampaignMember"})
PULL_SOURCE = "salesforce pull"  # how the import log names a pull
_OVERLAP = pd.Timedelta(minutes=5)  # a later pull re-reads this much before the last one (clock skew, slow commits)
# Fields a pull needs beyond the canonical columns (Name comes from these where Name is not queryable).
_EXTRA = {"User": ("FirstName", "LastName"), "Lead": ("FirstName", "LastName"),
          "Event": ("EndDateTime", "DurationInMinutes")}


@dataclass(frozen=True)
class Bulk:
    """When an object goes through Bulk API 2.0 instead of REST pages, and how often a job is polled."""

    # REST pages are 2,000 rows, one API call each: 10,000 rows cost 5 calls there against about 4 for a bulk
    # job of any size (create, poll, a results page per 50,000 rows), and far less time. None: never bulk.
    from_rows: int | None = 10_000
    poll_seconds: float = 2.0


class PullError(RuntimeError):
    """A pull could not finish; the store is as it was. The message never holds a credential."""


@dataclass(frozen=True)
class Credentials:
    """Salesforce credentials from the environment (or Streamlit secrets passed in as a mapping)."""

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security_token: str | None = field(default=None, repr=False)
    domain: str | None = None
    consumer_key: str | None = None
    consumer_secret: str | None = field(default=None, repr=False)
    private_key_file: str | None = None
    instance_url: str | None = None
    access_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Credentials:
        return cls(**{f.name: environ.get(f"SALESFORCE_{f.name.upper()}") or None for f in fields(cls)})

    @property
    def flow(self) -> str:
        """Which login these credentials make: an existing token, JWT bearer, client credentials or password."""
        if self.access_token and self.instance_url:
            return "access token"
        if self.consumer_key and self.private_key_file and self.username:
            return "JWT bearer"
        if self.consumer_key and self.consumer_secret and not self.username:
            return "client credentials"
        if self.username and self.password:
            return "username and password"
        raise PullError("no Salesforce credentials: set SALESFORCE_ACCESS_TOKEN and SALESFORCE_INSTANCE_URL, or "
                        "SALESFORCE_USERNAME with SALESFORCE_CONSUMER_KEY and SALESFORCE_PRIVATE_KEY_FILE (JWT), or "
                        "SALESFORCE_CONSUMER_KEY and SALESFORCE_CONSUMER_SECRET with SALESFORCE_DOMAIN, or "
                        "SALESFORCE_USERNAME, SALESFORCE_PASSWORD and SALESFORCE_SECURITY_TOKEN")

    def secrets(self) -> list[str]:
        return [v for v in (self.password, self.security_token, self.consumer_secret, self.access_token) if v]

    def connect(self, session: requests.Session | None = None) -> Salesforce:
        """A client for these credentials (`session` lets tests route it to a local server)."""
        flow = self.flow
        common = {"session": session, **({"domain": self.domain} if self.domain else {})}
        with self.redacted(f"logging in ({flow})"):
            if flow == "access token":
                return Salesforce(session_id=self.access_token, instance_url=self.instance_url, session=session)
            if flow == "JWT bearer":
                return Salesforce(username=self.username, consumer_key=self.consumer_key,
                                  privatekey_file=self.private_key_file, **common)
            if flow == "client credentials":
                return Salesforce(consumer_key=self.consumer_key, consumer_secret=self.consumer_secret, **common)
            return Salesforce(username=self.username, password=self.password,
                              security_token=self.security_token or "", **common)

    @contextmanager
    def redacted(self, doing: str) -> Iterator[None]:
        """Any failure inside becomes a PullError that says what was being done and why, without secrets."""
        try:
            yield
        except PullError:
            raise
        except Exception as error:  # noqa: BLE001 - whatever the client raised, the user gets a reason
            raise PullError(f"{doing}: {_reason(error, self.secrets())}") from None


def _reason(error: BaseException, secrets: list[str]) -> str:
    """What went wrong, in words a user can act on; credentials blanked out."""
    if isinstance(error, SalesforceError):
        items = [item for item in error.content if isinstance(item, dict)] if isinstance(error.content, list) else []
        codes = {item.get("errorCode") for item in items}
        if "REQUEST_LIMIT_EXCEEDED" in codes:
            text = "the org's daily API request limit is reached; the last good data stays; retry after the " \
                   "rolling 24-hour window frees calls"
        elif "INVALID_SESSION_ID" in codes:
            text = "the session expired or is invalid; log in again (check the credentials)"
        else:
            messages = [item.get("message", "") for item in items] or [str(error.content)]
            text = f"Salesforce answered {error.status}: {'; '.join(messages)}"
    elif isinstance(error, requests.RequestException):
        text = f"the network failed ({type(error).__name__}); the last good data stays; the next pull starts again"
    else:
        text = str(error) or type(error).__name__
    for secret in secrets:
        text = text.replace(secret, "•••")
    return text


def default_window(today: pd.Timestamp, calendar: FiscalCalendar) -> pd.Timestamp:
    """The first pull's start: the current fiscal quarter and the two before it."""
    start = calendar.quarter(today).start
    for _ in range(2):
        start = calendar.quarter(start - pd.Timedelta(days=1)).start
    return start.tz_localize("UTC")


def soql_datetime(moment: pd.Timestamp) -> str:
    """A SOQL datetime literal (UTC); the only value a pull puts into a query, formatted, never pasted."""
    return pd.Timestamp(moment).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _described(sf: Salesforce, obj: str) -> set[str]:
    """The fields the org's describe lists for `obj` (none when the org lacks it, e.g. no Forecasting, or hides it
    from this user, as it does an object the user may not read)."""
    try:
        return {f["name"] for f in getattr(sf, obj).describe()["fields"]}
    except SalesforceError as error:
        if error.status == 404:
            return set()
        raise


def _query(obj: str, listed: set[str], since: pd.Timestamp | None, deletions: bool,
           custom: Iterable[str] = ()) -> tuple[list[str], str]:
    """The fields to select from `obj` and the SOQL after them (`FROM obj WHERE ...`): the canonical columns
    (and a few helpers) the org has, changed since `since` (history rows, never modified, by CreatedDate); with
    IsDeleted when deletions are wanted. No fields: the org lacks the object. `custom`: fields the mapping file
    names for this object's table (any case)."""
    by_case = {name.lower(): name for name in listed}
    wanted = [*TABLES[OBJECTS[obj]].columns(), *_EXTRA.get(obj, ()), *(["IsDeleted"] if deletions else []), *custom]
    names = [by_case[name.lower()] for name in dict.fromkeys(wanted) if name.lower() in by_case]
    if not names:
        return [], ""
    stamp = "CreatedDate" if obj.endswith("History") else "SystemModstamp"
    where = f" WHERE {stamp} >= {soql_datetime(since)}" if since is not None and stamp in listed else ""
    return names, f"FROM {obj}{where}"


def last_pull(store: Store) -> pd.Timestamp | None:
    """When the newest pull into the store was made (None: never), to pull only what changed since."""
    pulls = [record.at for record in store.imports() if record.source == PULL_SOURCE]
    return pd.Timestamp(pulls[-1]) if pulls else None


def _text(value: object) -> str:
    """A JSON value as a Data Loader cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _write(path: Path, names: list[str], records: Iterable[dict]) -> set[str]:
    """Records as a Data Loader file, as they stream in; returns the Ids of deleted ones (left out)."""
    deleted = set()
    columns = [name for name in names if name != "IsDeleted"]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for record in records:
            if record.get("IsDeleted") is True:
                deleted.add(record["Id"])
            else:
                writer.writerow([_text(record.get(name)) for name in columns])
    return deleted


def _bulk_pages(path: Path, pages: Iterable[str]) -> set[str]:
    """Bulk 2.0 result pages (CSV, API-name header, null as empty) appended to one Data Loader file; returns
    the Ids of deleted rows (left out), as `_write` does for REST records."""
    deleted: set[str] = set()
    with path.open("w", newline="", encoding="utf-8") as out:
        for number, page in enumerate(pages):
            rows = pd.read_csv(io.StringIO(page), dtype=str, keep_default_na=False)
            if "IsDeleted" in rows:
                gone = rows["IsDeleted"].str.lower() == "true"
                deleted.update(rows.loc[gone, "Id"])
                rows = rows.loc[~gone].drop(columns="IsDeleted")
            rows.to_csv(out, index=False, header=number == 0)
    return deleted


def _fetch(sf: Salesforce, obj: str, names: list[str], tail: str, deletions: bool, path: Path,
           bulk: Bulk) -> set[str]:
    """One object's rows into a Data Loader file at `path`: counted first, then through a Bulk API 2.0 query
    job when there are enough of them, else the REST query. Returns the Ids deleted since the last pull."""
    soql = f"SELECT {', '.join(names)} {tail}"
    if bulk.from_rows is None or \
            sf.query(f"SELECT COUNT() {tail}", include_deleted=deletions)["totalSize"] < bulk.from_rows:
        return _write(path, names, sf.query_all_iter(soql, include_deleted=deletions))
    job = getattr(sf.bulk2, obj)
    return _bulk_pages(path, (job.query_all if deletions else job.query)(soql, max_records=50_000,
                                                                        wait=bulk.poll_seconds))


@dataclass(frozen=True)
class ApiUse:
    """API requests a pull made, beside what the org has left of its rolling 24-hour allowance."""

    calls: int
    remaining: int | None
    daily_max: int | None

    def __str__(self) -> str:
        left = f"; {self.remaining:,} of {self.daily_max:,} left today" if self.daily_max else ""
        return f"{self.calls:,} API calls{left}"


def _counted(session: requests.Session | None) -> tuple[requests.Session, list[int]]:
    """A session that counts the API requests made through it (logins are not API calls)."""
    session = session or requests.Session()
    calls = [0]

    def count(response: requests.Response, *_, **__) -> None:
        calls[0] += "/services/data/" in response.url

    session.hooks["response"].append(count)
    return session, calls


def _use(sf: Salesforce, calls: list[int]) -> ApiUse:
    """The calls counted, and the org's remaining daily requests (from /limits, itself one more call)."""
    try:
        daily = sf.limits()["DailyApiRequests"]
        return ApiUse(calls[0], int(daily["Remaining"]), int(daily["Max"]))
    except (SalesforceError, requests.RequestException, KeyError, TypeError):
        return ApiUse(calls[0], None, None)


def check_connection(credentials: Credentials, session: requests.Session | None = None) -> str:
    """Log in and read the org's limits: what a user needs to know the credentials work."""
    session, calls = _counted(session)
    sf = credentials.connect(session)
    with credentials.redacted("reading the org's limits"):
        use = _use(sf, calls)
    return f"Connected to {sf.sf_instance} ({credentials.flow}); {use}"


def pull(credentials: Credentials, store: Store, since: pd.Timestamp | None = None,
         session: requests.Session | None = None, progress: Progress | None = None,
         calendar: FiscalCalendar = FiscalCalendar(), bulk: Bulk = Bulk()) -> tuple[ImportRecord, ApiUse]:
    """Every object the dashboard reads, pulled and imported as one import: all of it or, on any failure,
    none of it (PullError says why). The first pull takes the busy objects from `since`; later ones take every
    object's rows changed since the last pull (with a few minutes' overlap) and the Ids deleted since (queryAll).
    `since` defaults to the current fiscal quarter of `calendar` and the two before it. Also returns the API
    calls it made and what the org has left. Objects of `bulk.from_rows` rows or more come through Bulk API 2.0."""
    since = since if since is not None else default_window(pd.Timestamp.today().normalize(), calendar)
    from kpi.sources import import_files, mapping_for  # (the sources package imports this module's siblings)
    mapping = mapping_for(store.root)
    session, calls = _counted(session)
    sf = credentials.connect(session)
    previous = last_pull(store)
    changed_since = previous - _OVERLAP if previous is not None else None
    deleted: dict[str, set[str]] = {}
    with tempfile.TemporaryDirectory(prefix="kpi-pull-") as scratch:
        paths = []
        for step, obj in enumerate(OBJECTS):
            if progress:
                progress(0.8 * step / len(OBJECTS), f"Pulling {obj}")
            with credentials.redacted(f"pulling {obj}"):
                listed = _described(sf, obj)
                # Deleted rows leave the store by Id: tables without one (quotas, history) take none.
                deletions = previous is not None and "IsDeleted" in listed and "Id" in TABLES[OBJECTS[obj]].columns()
                names, tail = _query(obj, listed, changed_since if previous is not None else
                                     (since if obj in WINDOWED else None), deletions,
                                     mapping.columns.get(OBJECTS[obj], {}))
                if not names:
                    continue
                path = Path(scratch) / f"{obj}.csv"
                try:
                    gone = _fetch(sf, obj, names, tail, deletions, path, bulk)
                except SalesforceExpiredSession:  # only Bulk 2.0 does not log in again by itself: once, anew
                    sf = credentials.connect(session)
                    gone = _fetch(sf, obj, names, tail, deletions, path, bulk)
                deleted.setdefault(OBJECTS[obj], set()).update(gone)
            paths.append(path)
        use = _use(sf, calls)  # before the import, so the import log keeps what the pull cost
        if progress:
            progress(0.8, "Importing into the store")
        batch, record = import_files(store, paths, PULL_SOURCE, deleted=deleted, note=str(use))
    if record is None:
        raise PullError("the pull brought no usable rows: " + "; ".join(str(p) for p in batch.problems[:3]))
    return record, use
