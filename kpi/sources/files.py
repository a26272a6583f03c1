"""Export files of any name in, canonical tables out.

Each file (CSV in any encoding, a report's .xlsx, or a .zip of them) is read as text, recognised as the
Salesforce object its columns (or its name) say, its owner names matched to users, and conformed. The same
path serves a folder on the command line and files dropped on the Data page.
"""

from __future__ import annotations

import csv
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
import pyarrow as pa

from kpi.ids import EVENT_PREFIX
from kpi.schema import TABLES, Problem
from kpi.sources.conform import UnusableFile, conform, match_columns
from kpi.sources.csv_text import looks_like_html, read_text
from kpi.sources.labels import REPORT_LABELS, Mapping
from kpi.sources.names import Names, link_names
from kpi.store import Part, merge

Progress = Callable[[float, str], None]
EXTENSIONS = (".csv", ".xlsx", ".zip")


@dataclass(frozen=True)
class SalesforceObject:
    table: str
    signature: frozenset[str] = frozenset()  # columns (lowered API names and labels) only this object has


def _sig(*names: str) -> frozenset[str]:
    return frozenset(name.lower() for name in names)


_HISTORY = _sig("Field / Event", "OldValue", "Old Value", "NewValue", "New Value", "Edit Date")  # field history

# The objects the dashboard reads, in the order they are loaded (users first: other files name them; contacts after
# their accounts, campaign members after their campaigns and leads).
OBJECTS: dict[str, SalesforceObject] = {
    "User": SalesforceObject("users", _sig("Username", "Alias", "ProfileId", "LocaleSidKey", "LanguageLocaleKey",
                                           "TimeZoneSidKey", "Time Zone", "Profile", "Last Login", "FederationIdentifier")),
    "UserRole": SalesforceObject("user_roles", _sig("ParentRoleId", "RollupDescription", "DeveloperName",
                                                    "OpportunityAccessForAccountOwner", "Parent Role")),
    "Account": SalesforceObject("accounts", _sig("Industry", "BillingCity", "BillingState", "BillingCountry",
                                                 "NumberOfEmployees", "AnnualRevenue", "Website", "Billing City",
                                                 "Billing State/Province", "Employees", "Annual Revenue")),
    "Contact": SalesforceObject("contacts", _sig("MailingStreet", "MailingCity", "MailingState", "MailingPostalCode",
                                                 "MailingCountry", "ReportsToId", "AssistantName", "Birthdate",
                                                 "Mailing Street", "Mailing City", "Mailing State/Province",
                                                 "Mailing Zip/Postal Code", "Mailing Country", "Reports To",
                                                 "Contact Owner")),
    "Task": SalesforceObject("activities", _sig("TaskSubtype", "Task Subtype", "Priority", "CallType", "Call Type",
                                                "CallDisposition", "Call Result", "CallDurationInSeconds",
                                                "Call Duration", "Status", "IsClosed", "CompletedDateTime")),
    "Event": SalesforceObject("activities", _sig("StartDateTime", "EndDateTime", "DurationInMinutes",
                                                 "IsAllDayEvent", "Start", "End", "Duration", "All Day Event",
                                                 "Location", "ShowAs")),
    "Lead": SalesforceObject("leads", _sig("Company", "Company / Account", "IsConverted", "Converted",
                                           "ConvertedDate", "ConvertedAccountId", "Rating", "LeadSource",
                                           "Lead Source", "Status", "Lead Status", "FirstName", "LastName")),
    "LeadHistory": SalesforceObject("lead_history", _HISTORY),
    "Campaign": SalesforceObject("campaigns", _sig("BudgetedCost", "ExpectedRevenue", "ExpectedResponse", "NumberSent",
                                                   "NumberOfLeads", "NumberOfContacts", "NumberOfResponses",
                                                   "NumberOfOpportunities", "Budgeted Cost", "Expected Revenue",
                                                   "Expected Response (%)", "Num Sent", "Parent Campaign",
                                                   "Campaign Owner")),
    "CampaignMember": SalesforceObject("campaign_members", _sig("HasResponded", "FirstRespondedDate", "LeadOrContactId",
                                                                "LeadOrContactOwnerId", "CompanyOrAccount", "Responded",
                                                                "First Responded Date", "Member Status",
                                                                "Member First Associated Date")),
    "Opportunity": SalesforceObject("opportunities", _sig("StageName", "Stage", "Probability", "Probability (%)",
                                                          "ForecastCategory", "ForecastCategoryName", "Forecast Category",
                                                          "IsWon", "Won", "CloseDate", "Close Date", "Fiscal Period")),
    # Told from LeadHistory by the record column each needs (OpportunityId / 'Opportunity ID', LeadId / 'Lead ID');
    # a report's 'Opportunity Name' also says whose history a file without its id column is.
    "OpportunityFieldHistory": SalesforceObject("opportunity_history", _HISTORY | _sig("Opportunity Name")),
    "OpportunityPartner": SalesforceObject("opportunity_partners", _sig("AccountToId", "IsPrimary", "Role",
                                                                        "ReversePartnerId", "Partner Role")),
    "ForecastingQuota": SalesforceObject("quotas", _sig("QuotaQuantity", "PeriodId", "ForecastingTypeId",
                                                        "QuotaOwnerId", "QuotaAmount")),
    "CurrencyType": SalesforceObject("currency_rates", _sig("IsoCode", "ConversionRate", "IsCorporate",
                                                            "DecimalPlaces")),
    "DatedConversionRate": SalesforceObject("currency_rates", _sig("IsoCode", "ConversionRate", "NextStartDate")),
    "goals": SalesforceObject("goals", _sig("owner", "metric", "period", "target")),
    "named_accounts": SalesforceObject("named_accounts", _sig("account")),
}
# Objects of a full Data Export that later views read; recognised by name and passed over for now.
NOT_READ_YET = frozenset({"OpportunityHistory"})
_TASK_ONLY = _sig("TaskSubtype", "Task Subtype", "Status", "Priority", "CallType", "Call Result")
_EVENT_ONLY = _sig("StartDateTime", "EndDateTime", "DurationInMinutes", "Start", "End", "Duration")
_NEAR = 3  # a file naming this many columns of one object, and lacking some it needs, is said to look like it
_SUMMARY = re.compile(r"^(sum of|average of|avg of|max of|min of|record count$|count$)", re.IGNORECASE)
# The date a file's rows are spread over, for "date range covered".
_RANGE_COLUMN = {"activities": "ActivityDate", "leads": "CreatedDate", "lead_history": "CreatedDate",
                 "opportunities": "CloseDate", "opportunity_history": "CreatedDate", "quotas": "StartDate",
                 "users": "CreatedDate", "accounts": "CreatedDate", "currency_rates": "StartDate",
                 "contacts": "CreatedDate", "campaigns": "StartDate", "campaign_members": "CreatedDate"}


@dataclass(frozen=True)
class FileReport:
    """What one file gave: the object it holds, rows read and rejected, the dates it covers, what was wrong."""

    file: str
    object: str | None  # None: not recognised (or not readable)
    table: str | None  # None: recognised but not read by the dashboard (yet), or not recognised
    rows: int = 0
    rejected: int = 0
    first_day: str | None = None
    last_day: str | None = None
    problems: tuple[Problem, ...] = ()
    columns: tuple[str, ...] = ()  # the file's own columns, to match by hand when not recognised


@dataclass(frozen=True)
class Batch:
    """What a set of files gave: per table, each file's rows and columns (in loading order), and a report per
    file."""

    parts: dict[str, list[Part]] = field(default_factory=dict)
    reports: tuple[FileReport, ...] = ()

    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        """Each table the files make together: a later file's rows replace earlier ones by Id, in the columns
        it has (as an import into the store does)."""
        return {name: merge(name, TABLES[name].empty(), parts) for name, parts in self.parts.items()}

    @property
    def objects(self) -> set[str]:
        return {r.object for r in self.reports if r.table is not None}

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(p for r in self.reports for p in r.problems)


def export_files(folder: Path) -> list[Path]:
    """The folder's export files (.csv, .xlsx, .zip in any case), in name order."""
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())


def _names_name(columns: set[str]) -> set[str]:
    """A file with FirstName and LastName gives a Name."""
    return columns | ({"name"} if {"lastname", "last name"} & columns else set())


def recognise(file: str, columns: list[str], mapping: Mapping) -> str | None:
    """The Salesforce object a file holds: the one its name says, else the one whose columns it matches best
    (every required column present; ties are not guessed). None for an object not read yet.
    Raises UnusableFile when nothing fits, or when the file names more columns of an object it lacks a needed
    column of than of any it fits, explaining what to do."""
    lowered = _names_name({str(c).strip().lower() for c in columns})
    stem = Path(file).stem.lower()
    by_name = {name.lower(): name for name in [*OBJECTS, *NOT_READ_YET]}
    if stem in by_name:
        return by_name[stem] if by_name[stem] in OBJECTS else None
    summary_columns = [c for c in columns if _SUMMARY.match(str(c).strip())]
    if summary_columns and not {"id"} & lowered:
        raise UnusableFile(Problem(file, f"holds only a report's summary rows ({', '.join(summary_columns[:3])}); "
                                         "export the report with 'Details Only' (Export > Details Only)"))
    scores, near = {}, {}
    for name, obj in OBJECTS.items():
        aliases = mapping.aliases(obj.table)
        matched = {aliases[c] for c in lowered if c in aliases}
        lacking = [c for c in TABLES[obj.table].required() if c not in matched]
        score = len(matched) + len(lowered & obj.signature)
        if not lacking:
            scores[name] = score
        else:
            near[name] = (score, lacking)
    if "Task" in scores and "Event" in scores:  # activities: an Event file has Event columns and no Task ones
        scores.pop("Task" if lowered & _EVENT_ONLY and not lowered & _TASK_ONLY else "Event")
    best = sorted(scores.items(), key=lambda item: -item[1])
    closest = sorted(near.items(), key=lambda item: -item[1][0])
    # A file naming more columns of a near object than of any it fits is that object's export short of a column
    # (a CampaignMember file without CampaignId fits Contact by its Id alone).
    if closest and closest[0][1][0] >= _NEAR and closest[0][1][0] > max((s for _, s in best), default=0) \
            and (len(closest) == 1 or closest[0][1][0] > closest[1][1][0]):
        name, (_, lacking) = closest[0]  # a report without its id column, most often
        labels = REPORT_LABELS.get(OBJECTS[name].table, {})
        named = ", ".join(f"{c} ('{labels[c][0]}')" if c in labels else c for c in lacking)
        article = "an" if name[0] in "AEIOU" else "a"
        raise UnusableFile(Problem(file, f"looks like {article} {name} export but lacks {named}; add "
                                         f"{'it' if len(lacking) == 1 else 'them'} to the report and export again, "
                                         "or match the columns on the Data page"))
    if best and (len(best) == 1 or best[0][1] > best[1][1]):
        return best[0][0]
    shown = ", ".join(map(str, columns[:8])) + (", ..." if len(columns) > 8 else "")
    if best:
        raise UnusableFile(Problem(file, f"could hold {' or '.join(n for n, s in best if s == best[0][1])}; "
                                         "name the file after the object (e.g. Lead.csv) or match its columns on "
                                         "the Data page"))
    raise UnusableFile(Problem(file, f"has columns no object we read is known by ({shown}); match them to an "
                                     "object on the Data page, or add them to the mapping file"))


def header_score(mapping: Mapping) -> Callable[[list[str]], int]:
    """How many cells of a row name a column of some table: finds the header under a report's title rows."""
    known = {name for obj in OBJECTS.values() for name in mapping.aliases(obj.table)}
    return lambda cells: sum(str(c).strip().lower() in known for c in cells if c is not None)


def _read(path: Path, shown: str, mapping: Mapping) -> tuple[pd.DataFrame, list[Problem]]:
    """One file's cells as text, named `shown` in problems."""
    try:
        if path.suffix.lower() == ".zip":  # only an archive `_expand` could not open gets here
            with path.open("rb") as handle:
                head = handle.read(1024)
            if head.strip() and not looks_like_html(head):  # those get their own message below
                raise UnusableFile(Problem(shown, "is not a readable .zip archive: it is damaged or cut off; "
                                                  "download it again"))
        if path.suffix.lower() == ".xlsx":
            from kpi.sources.workbook import read_workbook
            text, problems = read_workbook(path, header_score(mapping))
        else:
            text, problems = read_text(path)
    except (pa.ArrowInvalid, UnicodeError, csv.Error) as error:
        raise UnusableFile(Problem(shown, f"cannot be read as CSV: {error}")) from None
    except UnusableFile as error:
        raise UnusableFile(Problem(shown, error.problem.message, error.problem.row, error.problem.column)) from None
    if text.empty:  # an export whose filter matched nothing: not an error, but worth saying
        problems = [*problems, Problem(shown, "has a header but no rows")]
    return text, [Problem(shown, p.message, p.row, p.column) for p in problems]


def _expand(paths: list[Path], scratch: Path) -> Iterator[tuple[Path, str]]:
    """Each file with the name problems will use; a .zip gives its members ('export.zip/Task.csv')."""
    for path in paths:
        if path.suffix.lower() != ".zip":
            yield path, path.name
            continue
        try:
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.namelist() if Path(m).suffix.lower() in EXTENSIONS[:2]
                           and not Path(m).name.startswith(("._", "~$"))]
                for member in members:
                    target = scratch / str(len(list(scratch.iterdir()))) / Path(member).name
                    target.parent.mkdir()
                    target.write_bytes(archive.read(member))
                    yield target, f"{path.name}/{member}"
        except zipfile.BadZipFile:
            yield path, path.name  # read as what it is not, it gets its own message


def _mark_events(text: pd.DataFrame, is_event: bool) -> pd.DataFrame:
    """Event files are Events; an id with the Event prefix 00U is an Event in any file."""
    prefixed = text["Id"].str.startswith(EVENT_PREFIX).fillna(False)
    return text.assign(IsEvent=(prefixed | is_event).astype(str))


def _full_name(text: pd.DataFrame) -> pd.DataFrame:
    """Name from FirstName and LastName when a file has no Name column (Lead and User exports)."""
    columns = {str(c).strip().lower().replace(" ", ""): c for c in text.columns}
    if "name" in columns or "fullname" in columns or "lastname" not in columns:
        return text
    first = text[columns["firstname"]].fillna("") if "firstname" in columns else ""
    return text.assign(Name=(first + " " + text[columns["lastname"]].fillna("")).str.strip())


def _day_range(frame: pd.DataFrame, table: str) -> tuple[str | None, str | None]:
    column = _RANGE_COLUMN.get(table)
    if column is None or frame.empty or frame[column].isna().all():
        return None, None
    days = frame[column]
    return f"{days.min():%Y-%m-%d}", f"{days.max():%Y-%m-%d}"


@dataclass
class _Recognised:
    report: FileReport
    text: pd.DataFrame | None = None  # columns already canonical
    columns: set[str] = field(default_factory=set)
    labelled: bool = False  # a report export (headed by labels): its date-times are in the exporting user's zone


def _recognise_file(path: Path, shown: str, mapping: Mapping) -> _Recognised:
    try:
        raw, problems = _read(path, shown, mapping)
    except UnusableFile as error:
        return _Recognised(FileReport(shown, None, None, problems=(error.problem,)))
    columns = tuple(map(str, raw.columns))

    def unread(obj: str | None, *more: Problem) -> _Recognised:  # a file that gives no table
        return _Recognised(FileReport(shown, obj, None, len(raw), problems=(*problems, *more), columns=columns))

    try:
        obj = recognise(path.name, list(raw.columns), mapping)
    except UnusableFile as error:  # its columns can still be matched by hand
        return unread(None, error.problem)
    if obj is None:  # an object not read yet: its file's own problems do not matter
        return _Recognised(FileReport(shown, Path(path.name).stem, None, len(raw), columns=columns))
    table = OBJECTS[obj].table
    report = FileReport(shown, obj, table, len(raw), problems=tuple(problems), columns=columns)
    try:
        text = match_columns(_full_name(raw), TABLES[table], shown, mapping.aliases(table))
    except UnusableFile as error:
        return unread(obj, error.problem)
    provided = {str(c) for c in text.columns[text.notna().any()]} | set(TABLES[table].required())
    if table == "activities":
        text = _mark_events(text, obj == "Event")
        provided.add("IsEvent")
    api_names = {c.lower() for c in TABLES[table].required()}
    labelled = not api_names <= {str(c).strip().lower() for c in raw.columns}
    return _Recognised(report, text, provided, labelled)


def read_files(paths: list[Path], mapping: Mapping = Mapping(), export_zone: str = "UTC",
               known_users: pd.DataFrame | None = None, known_roles: pd.DataFrame | None = None,
               progress: Progress | None = None, day_first: bool | None = None) -> Batch:
    """Read, recognise and conform every file; users first, so owner names in other files match them.
    `known_users` / `known_roles` are those already in the store; `day_first` as in `conform`."""
    with tempfile.TemporaryDirectory(prefix="kpi-import-") as scratch:
        expanded = list(_expand(paths, Path(scratch)))
        recognised = []
        for step, (path, shown) in enumerate(expanded):
            if progress:
                progress(0.5 * step / max(len(expanded), 1), f"Reading {shown}")
            recognised.append(_recognise_file(path, shown, mapping))
    order = list(OBJECTS)
    recognised.sort(key=lambda r: order.index(r.report.object) if r.report.table else len(order))
    names = Names.of([r.text for r in recognised if r.report.table == "users"], known_users,
                     [r.text for r in recognised if r.report.table == "user_roles"], known_roles)
    parts: dict[str, list[Part]] = {}
    reports = []
    for step, item in enumerate(recognised):
        report = item.report
        if item.text is None:
            reports.append(report)
            continue
        if progress:
            progress(0.5 + 0.5 * step / len(recognised), f"Checking {report.file}")
        text, linked = link_names(item.text, report.table, report.file, names)
        frame, found = conform(text, TABLES[report.table], report.file, day_first=day_first,
                               export_zone=export_zone if item.labelled else "UTC")  # Data Loader writes UTC
        if not frame.empty:  # a file whose every row failed delivers nothing (it must not replace goals or rates)
            parts.setdefault(report.table, []).append((frame, item.columns))
        first, last = _day_range(frame, report.table)
        reports.append(FileReport(report.file, report.object, report.table, report.rows, report.rows - len(frame),
                                  first, last, (*report.problems, *linked, *found), report.columns))
    if names.new_roles is not None:  # role names in a users report with no UserRole file
        parts.setdefault("user_roles", []).append((names.new_roles, {"Id", "Name"}))
    if progress:
        progress(1.0, "Read")
    return Batch(parts, tuple(reports))

