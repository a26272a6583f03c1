"""One org written the ways Salesforce exports it, for tests that load every form and expect the same figures.

The input is a folder of Data Loader CSVs (API-name headers, 18-character ids, UTC ISO 8601 date-times), as
`kpi.sources.sample_org.write_sample_org` writes it.

- `normalise` rewrites that folder without what a report cannot carry, so that every form holds the same
  information: date-times floored to whole minutes and read as a report's wall clock reads them back, amounts
  rounded to cents with their currency code, user full names unique.
- `write_report_csvs` writes each object as a report's "Export Details" CSV: field labels, 15-character ids,
  people and queues by name, roles by name (no UserRole file), local wall-clock date-times in a `Locale`,
  formatted amounts, 1/0 checkboxes, a UTF-8 byte-order mark and the report footer, under file names that are
  not object names (so the files are recognised by their columns).
- `write_report_workbooks` writes the same reports as .xlsx: opportunities as a "Formatted Report" grouped by
  owner (title rows, a merged owner column, subtotal and grand-total rows, footer lines), leads as a formatted
  report without groups, the others as "Details Only" sheets.

ForecastingQuota has no standard report type, so it stays a Data Loader CSV in every form; goals.csv and
named_accounts.csv are copied unchanged; OpportunityFieldHistory and OpportunityPartner are copied as Data Loader
CSVs too. An object's report is written when the folder has its Data Loader file (Contact, Campaign and
CampaignMember come only from orgs that use them), with the columns that file has (a report lists the fields the
org has).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import openpyxl
import pandas as pd

from kpi.sources.files import OBJECTS
from kpi.sources.labels import REPORT_LABELS

ORG_NAME = "Brightpath Software"
CURRENCY = "USD"  # the org's one currency: Data Loader rows carry its code, reports print it with each amount
GENERATED_BY = "Jane Doe"
GENERATED_AT = dt.datetime(2026, 11, 25, 9, 14)
AS_LOADED = ("ForecastingQuota.csv", "OpportunityFieldHistory.csv", "OpportunityPartner.csv",
             "goals.csv", "named_accounts.csv")  # copied into every form
_ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"
_AMOUNTS = {"Opportunity.csv": "Amount", "ForecastingQuota.csv": "QuotaAmount", "Campaign.csv": "ActualCost"}
_OWN_FILES = ("goals.csv", "named_accounts.csv")  # the dashboard's own files, not Salesforce's
_FIELD_LABELS = {"Status": "Lead Status", "Owner": "Lead Owner"}  # a field-history report's 'Field / Event'
_STANDARD_TIME = {"America/New_York": "Eastern Standard Time", "America/Los_Angeles": "Pacific Standard Time",
                  "America/Chicago": "Central Standard Time", "Europe/Berlin": "Central European Standard Time",
                  "Europe/London": "Greenwich Mean Time"}


# Data Loader files ----------------------------------------------------------------------------------------------

def read_loader_csv(path: Path) -> pd.DataFrame:
    """A Data Loader CSV as text, empty cells ''."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def write_loader_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _utc(cells: pd.Series) -> pd.Series:
    return pd.to_datetime(cells.replace("", None), format="ISO8601", utc=True)


def _iso(times: pd.Series) -> pd.Series:
    return times.dt.strftime("%Y-%m-%dT%H:%M:%S.000Z").fillna("")


def _as_wall_clock_reads_back(times: pd.Series, zones: tuple[str, ...]) -> pd.Series:
    """Each instant as a report's wall clock in each zone reads back: in the hour repeated when clocks go back
    the wall clock cannot tell the two readings apart, and the reader takes the first (daylight) one."""
    known = times.notna()
    for zone in zones:
        wall = times[known].dt.tz_convert(zone).dt.tz_localize(None)
        back = wall.dt.tz_localize(zone, ambiguous=np.ones(len(wall), bool), nonexistent="shift_forward")
        times = times.copy()
        times[known] = back.dt.tz_convert("UTC")
    return times


def normalise(folder: Path, zones: tuple[str, ...]) -> None:
    """Rewrite the Data Loader CSVs in `folder` to carry only what every form carries (see the module doc).
    `zones` are the time zones the reports will be written in."""
    for path in sorted(folder.glob("*.csv")):
        if path.name in _OWN_FILES:
            continue
        frame = read_loader_csv(path)
        for column in frame.columns:
            filled = frame[column] != ""
            if filled.any() and frame.loc[filled, column].str.fullmatch(_ISO).all():
                floored = _utc(frame[column]).dt.floor("min")
                frame[column] = _iso(_as_wall_clock_reads_back(floored, zones))
        if path.name in _AMOUNTS and _AMOUNTS[path.name] in frame:
            amount = _AMOUNTS[path.name]
            values = pd.to_numeric(frame[amount].replace("", None)).round(2)
            frame[amount] = values.map(lambda v: f"{v:.2f}", na_action="ignore").fillna("")
            frame["CurrencyIsoCode"] = CURRENCY
        write_loader_csv(frame, path)
    _unique_user_names(folder)


def _unique_user_names(folder: Path) -> None:
    """Users' full names made unique (a report names people by full name), and the names in LeadHistory's
    owner-change rows rewritten from their id rows so that they name the same users."""
    users = read_loader_csv(folder / "User.csv")
    repeat = users.groupby(users["Name"].str.lower()).cumcount()
    if repeat.any():
        users["LastName"] = users["LastName"].where(repeat == 0, users["LastName"] + " " + (repeat + 1).astype(str))
        users["Name"] = (users["FirstName"] + " " + users["LastName"]).str.strip()
        write_loader_csv(users, folder / "User.csv")
    if not (folder / "LeadHistory.csv").is_file():
        return
    history = read_loader_csv(folder / "LeadHistory.csv")
    names = dict(zip(users["Id"], users["Name"]))
    text_rows, id_rows = _owner_change_pairs(history)
    for column in ("OldValue", "NewValue"):
        ids = history.loc[id_rows, column].to_numpy()
        history.loc[text_rows, column] = [names.get(i, text) for i, text in zip(ids, history.loc[text_rows, column])]
    write_loader_csv(history, folder / "LeadHistory.csv")


def _owner_change_pairs(history: pd.DataFrame) -> tuple[pd.Index, pd.Index]:
    """Each owner change's name row and its id row (Salesforce writes both, same lead and time), aligned."""
    owner = history["Field"] == "Owner"
    by_id = history["DataType"] == "EntityId"
    key = ["LeadId", "CreatedDate"]
    names = history.loc[owner & ~by_id, key].reset_index()
    ids = history.loc[owner & by_id, key].reset_index()
    pairs = names.merge(ids, on=key, suffixes=("_name", "_id"), validate="one_to_one")
    if len(pairs) != len(names) or len(pairs) != len(ids):
        raise ValueError("LeadHistory: owner changes without both a name row and an id row")
    return pd.Index(pairs["index_name"]), pd.Index(pairs["index_id"])


def queue_names(history: pd.DataFrame) -> dict[str, str]:
    """Queue id -> queue name, from owner-change pairs (the name row shows what the id row's queue is called)."""
    text_rows, id_rows = _owner_change_pairs(history)
    found = {}
    for column in ("OldValue", "NewValue"):
        found |= {i: name for i, name in zip(history.loc[id_rows, column], history.loc[text_rows, column])
                  if i.startswith("00G")}
    return found


# Reports --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    label: str
    source: str  # the Data Loader column
    kind: str  # id, text, person, role, field, datetime, date, money, bool, zone, number


def _labelled(table: str, column: str, kind: str = "text") -> Column:
    """A canonical column under its first report label."""
    return Column(REPORT_LABELS[table][column][0], column, kind)


@dataclass(frozen=True)
class Report:
    obj: str  # the Data Loader file's object
    title: str
    file: str  # the file name without extension: never the object's name
    columns: tuple[Column, ...]


_U, _L, _H, _A, _O, _C = "users", "leads", "lead_history", "activities", "opportunities", "accounts"
_K, _P, _M = "contacts", "campaigns", "campaign_members"
REPORTS = (
    Report("User", "All Users", "report1700000000001", (
        _labelled(_U, "Id", "id"), _labelled(_U, "Name"), Column("Username", "Username", "text"),
        _labelled(_U, "Email"), _labelled(_U, "IsActive", "bool"), _labelled(_U, "UserType"),
        _labelled(_U, "UserRoleId", "role"), _labelled(_U, "ManagerId", "person"), _labelled(_U, "Department"),
        _labelled(_U, "Title"), _labelled(_U, "TimeZoneSidKey", "zone"), _labelled(_U, "CreatedDate", "datetime"))),
    Report("Lead", "All Leads", "report1700000000002", (
        _labelled(_L, "Id", "id"), _labelled(_L, "Name"), _labelled(_L, "Company"), Column("Email", "Email", "text"),
        _labelled(_L, "OwnerId", "person"), _labelled(_L, "Status"), _labelled(_L, "LeadSource"),
        _labelled(_L, "CreatedDate", "datetime"), _labelled(_L, "IsConverted", "bool"),
        _labelled(_L, "ConvertedDate", "date"), _labelled(_L, "ConvertedOpportunityId", "id"),
        _labelled(_L, "ConvertedAccountId", "id"), _labelled(_L, "Disqualified_Reason__c"),
        _labelled(_L, "MQL_Date__c", "date"),
        _labelled(_L, "SAL_Date__c", "date"), _labelled(_L, "SQL_Date__c", "date"))),
    Report("LeadHistory", "Lead History", "Lead History Report", (
        _labelled(_H, "LeadId", "id"), _labelled(_H, "Field", "field"), _labelled(_H, "OldValue"),
        _labelled(_H, "NewValue"), _labelled(_H, "CreatedDate", "datetime"))),
    Report("Task", "Tasks and Calls", "report1700000000004", (
        _labelled(_A, "Id", "id"), _labelled(_A, "OwnerId", "person"), _labelled(_A, "WhoId", "id"),
        _labelled(_A, "WhatId", "id"), _labelled(_A, "AccountId", "id"), _labelled(_A, "Subject"),
        _labelled(_A, "Type"), _labelled(_A, "TaskSubtype"), _labelled(_A, "Status"), _labelled(_A, "IsClosed", "bool"),
        _labelled(_A, "ActivityDate", "date"), _labelled(_A, "CompletedDateTime", "datetime"),
        _labelled(_A, "CreatedDate", "datetime"))),
    Report("Event", "Meetings", "report1700000000005", (
        _labelled(_A, "Id", "id"), _labelled(_A, "OwnerId", "person"), _labelled(_A, "WhoId", "id"),
        _labelled(_A, "WhatId", "id"), _labelled(_A, "Subject"), _labelled(_A, "Type"),
        _labelled(_A, "StartDateTime", "datetime"), Column("End", "EndDateTime", "datetime"),
        Column("Duration", "DurationInMinutes", "number"), _labelled(_A, "ActivityDate", "date"),
        _labelled(_A, "CreatedDate", "datetime"))),
    Report("Opportunity", "My Opportunities", "My Opportunities", (
        _labelled(_O, "OwnerId", "person"), _labelled(_O, "Id", "id"), _labelled(_O, "Name"),
        _labelled(_O, "AccountId", "id"), _labelled(_O, "StageName"), _labelled(_O, "Amount", "money"),
        Column("Probability (%)", "Probability", "number"), _labelled(_O, "CloseDate", "date"),
        _labelled(_O, "CreatedDate", "datetime"), _labelled(_O, "IsClosed", "bool"), _labelled(_O, "IsWon", "bool"),
        _labelled(_O, "ForecastCategoryName"), _labelled(_O, "Type"), _labelled(_O, "LeadSource"),
        _labelled(_O, "PartnerAccountId", "id"), _labelled(_O, "CampaignId", "id"))),
    Report("Account", "Accounts", "report1700000000007", (
        _labelled(_C, "Id", "id"), _labelled(_C, "Name"), _labelled(_C, "OwnerId", "person"), _labelled(_C, "Type"),
        Column("Industry", "Industry", "text"), Column("Employees", "NumberOfEmployees", "number"),
        _labelled(_C, "CreatedDate", "datetime"), _labelled(_C, "Partner_Recruited_Date__c", "date"),
        _labelled(_C, "Certification_Status__c"), _labelled(_C, "Certified_Date__c", "date"),
        _labelled(_C, "Named_ADR__c", "person"))),
    Report("Contact", "Contacts & Accounts", "report1700000000008", (
        _labelled(_K, "Id", "id"), _labelled(_K, "Name"), _labelled(_K, "AccountId", "id"),
        _labelled(_K, "OwnerId", "person"), Column("Email", "Email", "text"), Column("Title", "Title", "text"),
        _labelled(_K, "CreatedDate", "datetime"))),
    Report("Campaign", "Campaigns", "report1700000000009", (
        _labelled(_P, "Id", "id"), _labelled(_P, "Name"), _labelled(_P, "Type"), _labelled(_P, "Status"),
        _labelled(_P, "StartDate", "date"), _labelled(_P, "EndDate", "date"), _labelled(_P, "ActualCost", "money"),
        Column("Budgeted Cost", "BudgetedCost", "money"), _labelled(_P, "OwnerId", "person"),
        _labelled(_P, "CreatedDate", "datetime"))),
    Report("CampaignMember", "Campaign Members", "report1700000000010", (
        Column("Campaign Name", "CampaignName", "text"), _labelled(_M, "CampaignId", "id"),
        _labelled(_M, "Id", "id"), _labelled(_M, "LeadId", "id"), _labelled(_M, "ContactId", "id"),
        _labelled(_M, "Status"), _labelled(_M, "HasResponded", "bool"), _labelled(_M, "FirstRespondedDate", "date"),
        _labelled(_M, "CreatedDate", "datetime"))),
)


def _zone_label(zone: str) -> str:
    """'(GMT-05:00) Eastern Standard Time (America/New_York)', as a users report shows a time zone."""
    winter = dt.datetime(2026, 1, 15, tzinfo=ZoneInfo(zone))
    minutes = int(winter.utcoffset().total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    name = _STANDARD_TIME.get(zone, winter.tzname())
    return f"(GMT{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}) {name} ({zone})"


def reports_of(folder: Path) -> tuple[Report, ...]:
    """The reports of the objects whose Data Loader file the folder has (see the module doc)."""
    return tuple(report for report in REPORTS if (folder / f"{report.obj}.csv").is_file())


def _full_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A report's full name from FirstName and LastName, where the Data Loader file has no Name."""
    if "Name" in frame or "LastName" not in frame:
        return frame
    return frame.assign(Name=(frame.get("FirstName", "") + " " + frame["LastName"]).str.strip())


def report_frames(folder: Path) -> dict[str, pd.DataFrame]:
    """Per object, the report's columns under their labels, typed: date-times as UTC instants, dates as
    dates, amounts as floats, checkboxes as bools, people, queues and roles by name, ids 15 characters."""
    reports = reports_of(folder)
    loader = {report.obj: _full_names(read_loader_csv(folder / f"{report.obj}.csv")) for report in reports}
    users = loader["User"]
    users_by_id = dict(zip(users["Id"], users["Name"]))
    people = users_by_id | queue_names(loader["LeadHistory"])
    user_roles = read_loader_csv(folder / "UserRole.csv")
    roles = dict(zip(user_roles["Id"], user_roles["Name"]))
    history = loader["LeadHistory"]
    history = history.loc[history["DataType"] != "EntityId"]  # a report shows the name rows
    if history.duplicated(["LeadId", "CreatedDate"]).any():  # minutes only: their order would be lost
        raise ValueError("LeadHistory: two changes of one lead in one minute; a report cannot order them")
    loader["LeadHistory"] = history.iloc[::-1]  # newest first, as a field-history report sorts by Edit Date
    if "CampaignMember" in loader and "Campaign" in loader:  # a members report names each member's campaign
        names = dict(zip(loader["Campaign"]["Id"], loader["Campaign"]["Name"]))
        loader["CampaignMember"]["CampaignName"] = loader["CampaignMember"]["CampaignId"].map(names).fillna("")
    frames = {}
    for report in reports:
        source = loader[report.obj]
        frames[report.obj] = pd.DataFrame({
            c.label: _typed(source[c.source], c.kind, people, roles, f"{report.obj}.{c.source}")
            for c in report.columns if c.source in source}).reset_index(drop=True)
    return frames


def _as_shown(report: Report, frame: pd.DataFrame) -> Report:
    """The report with the columns its frame has (those of the fields the org has)."""
    return replace(report, columns=tuple(c for c in report.columns if c.label in frame))


def _typed(cells: pd.Series, kind: str, people: dict, roles: dict, where: str) -> pd.Series:
    """A Data Loader column's text as typed report values (NA when empty); a person, role or field with no
    name to print is an error, never a silent blank."""
    empty = cells == ""
    if kind == "id":
        return cells.str.slice(0, 15).where(~empty)
    if kind in ("person", "role", "field"):
        names = {"person": people, "role": roles, "field": _FIELD_LABELS}[kind]
        unknown = sorted(set(cells[~empty]) - set(names))
        if unknown:
            raise ValueError(f"{where}: no name for {unknown[:3]}")
        return cells.map(names).where(~empty)
    if kind == "datetime":
        return _utc(cells)
    if kind == "date":
        return pd.to_datetime(cells.replace("", None), format="%Y-%m-%d")
    if kind in ("money", "number"):
        return pd.to_numeric(cells.replace("", None))
    if kind == "bool":
        return cells.str.lower().map({"true": True, "false": False, "1": True, "0": False})
    if kind == "zone":
        return cells.map(_zone_label, na_action="ignore").where(~empty)
    return cells.where(~empty)


# CSV ("Export Details") -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Locale:
    """How a user's locale prints dates, date-times and amounts in a report export."""

    name: str
    zone: str  # the exporting user's time zone (pass it as --export-tz)
    date: Callable[[pd.Series], pd.Series]  # naive dates -> text
    time: Callable[[pd.Series], pd.Series]  # local wall clock -> text, minutes only
    money: Callable[[float], str]
    day_first: bool
    generated: str  # the footer's 'Generated By:' time


def _us_date(days: pd.Series) -> pd.Series:
    return days.dt.month.astype("Int64").astype(str) + "/" + days.dt.day.astype("Int64").astype(str) + "/" \
        + days.dt.year.astype("Int64").astype(str)


def _us_time(wall: pd.Series) -> pd.Series:
    hour = wall.dt.hour.fillna(0).astype(int)  # empty cells are blanked by the caller
    twelve = (hour % 12).replace(0, 12).astype(str)
    return _us_date(wall) + " " + twelve + ":" + wall.dt.strftime("%M") + " " + np.where(hour < 12, "AM", "PM")


def _de_money(value: float) -> str:
    """'1.234,00 $': decimal comma, the currency's symbol after the number (as the de_DE locale prints it)."""
    symbol = {"USD": "$", "EUR": "€", "GBP": "£"}[CURRENCY]
    return f"{value:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".") + f" {symbol}"


EN_US = Locale("en_US", "America/New_York", _us_date, _us_time, lambda v: f"{CURRENCY} {v:,.2f}", day_first=False,
               generated="11/25/2026, 9:14 AM")
DE_DE = Locale("de_DE", "Europe/Berlin", lambda d: d.dt.strftime("%d.%m.%Y"), lambda t: t.dt.strftime("%d.%m.%Y %H:%M"),
               _de_money, day_first=True, generated="25.11.2026, 09:14")


def _footer(title: str, locale: Locale) -> list[str]:
    return [title, "Confidential Information - Do Not Distribute",
            "Copyright © 2000-2026 salesforce.com, inc. All rights reserved.",
            f"Generated By:  {GENERATED_BY}  {locale.generated}", ORG_NAME]


def _text_cells(frame: pd.DataFrame, report: Report, locale: Locale) -> pd.DataFrame:
    """The report's cells as the locale prints them ('' for empty)."""
    out, days = {}, []
    for column in report.columns:
        values = frame[column.label]
        if column.kind in ("datetime", "date"):
            wall = values.dt.tz_convert(locale.zone).dt.tz_localize(None) if column.kind == "datetime" else values
            text = (locale.time if column.kind == "datetime" else locale.date)(wall)
            days.append(wall.dt.day.dropna())
        elif column.kind == "money":
            text = values.map(locale.money, na_action="ignore")
        elif column.kind == "bool":
            text = values.map({True: "1", False: "0"})
        elif column.kind == "number":
            text = values.map(lambda v: f"{v:g}", na_action="ignore")
        else:
            text = values
        out[column.label] = pd.Series(text, index=frame.index).where(values.notna(), "").astype(object)
    days = pd.concat(days) if days else pd.Series(dtype=float)
    if locale.day_first and len(days) and not (days > 12).any():  # the loader decides the order once per file
        raise ValueError(f"{report.obj}: every date has a day <= 12, so the file reads month-first (the documented "
                         "rule); a day-first test needs a day > 12 in each report")
    return pd.DataFrame(out)


def write_report_csvs(source: Path, out: Path, locale: Locale) -> None:
    """Each object as a report's 'Export Details' CSV in `out` (see the module doc)."""
    out.mkdir(parents=True, exist_ok=True)
    frames = report_frames(source)
    for report in reports_of(source):
        report = _as_shown(report, frames[report.obj])
        cells = _text_cells(frames[report.obj], report, locale)
        with (out / f"{report.file}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            writer.writerow(cells.columns)
            writer.writerows(cells.itertuples(index=False, name=None))
            writer.writerow([])
            writer.writerows([line] for line in _footer(report.title, locale))
    _copy_as_loaded(source, out)


def _copy_as_loaded(source: Path, out: Path) -> None:
    for name in AS_LOADED:  # no report type for quotas; goals and named accounts are the dashboard's own files
        if (source / name).is_file():
            shutil.copyfile(source / name, out / name)


# XLSX ("Formatted Report" and "Details Only") -------------------------------------------------------------------

_XLSX_DATE = "m/d/yyyy"
_XLSX_TIME = "m/d/yyyy h:mm AM/PM"
_XLSX_MONEY = f'"{CURRENCY}" #,##0.00'


def _cell_values(frame: pd.DataFrame, report: Report, zone: str) -> pd.DataFrame:
    """Typed cells as a workbook holds them: local wall-clock date-times, dates, numbers, 1/0, text; None empty."""
    out = {}
    for column in report.columns:
        values = frame[column.label]
        if column.kind in ("datetime", "date"):
            wall = values.dt.tz_convert(zone).dt.tz_localize(None) if column.kind == "datetime" else values
            values = wall.map(lambda t: t.to_pydatetime(), na_action="ignore")
        elif column.kind == "bool":
            values = values.map({True: 1, False: 0})
        elif column.kind == "number":
            values = values.map(lambda v: int(v) if float(v).is_integer() else float(v), na_action="ignore")
        out[column.label] = values.astype(object).where(values.notna(), None)
    return pd.DataFrame(out)


def _formats(report: Report) -> dict[int, str]:
    """Number format per 1-based column."""
    by_kind = {"datetime": _XLSX_TIME, "date": _XLSX_DATE, "money": _XLSX_MONEY}
    return {i: by_kind[c.kind] for i, c in enumerate(report.columns, start=1) if c.kind in by_kind}


def _put_rows(sheet, rows: list[list], formats: dict[int, str]) -> None:
    """Rows from the sheet's first row on; empty cells stay unwritten; dates and amounts get their format."""
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(number, column, value)
            if column in formats and not isinstance(value, str):
                cell.number_format = formats[column]


def _title_rows(report: Report) -> list[list]:
    return [[report.title], [ORG_NAME], [f"As of {GENERATED_AT:%m/%d/%Y %I:%M %p}"],
            [f"Filtered By: {report.title}"], []]


def _footer_rows() -> list[list]:
    return [[], ["Confidential Information - Do Not Distribute"],
            ["Copyright © 2000-2026 salesforce.com, inc. All rights reserved."],
            [f"Generated By: {GENERATED_BY} {GENERATED_AT:%m/%d/%Y %I:%M %p}"]]


def _details_only(sheet, cells: pd.DataFrame, report: Report) -> None:
    _put_rows(sheet, [list(cells.columns), *map(list, cells.itertuples(index=False, name=None))], _formats(report))


def _formatted(sheet, cells: pd.DataFrame, report: Report) -> None:
    """Title rows, the header, the details, a grand total row and the footer."""
    rows = [*_title_rows(report), list(cells.columns), *map(list, cells.itertuples(index=False, name=None)),
            [f"Grand Total ({len(cells)} records)"], *_footer_rows()]
    _put_rows(sheet, rows, _formats(report))


def _grouped(sheet, cells: pd.DataFrame, report: Report, group: str, total: str) -> None:
    """Title rows, the header, then per value of `group` (the first column) its rows, the value in one cell
    merged down the rows, and a subtotal row summing `total`; a grand total row and the footer."""
    labels = list(cells.columns)
    at = labels.index(total)
    rows = [*_title_rows(report), labels]
    merges = []
    ordered = cells.assign(_key=cells[group].fillna("")).sort_values("_key", kind="stable").drop(columns="_key")
    for _, members in ordered.groupby(ordered[group].fillna(""), sort=False):
        first = len(rows) + 1
        for position, row in enumerate(members.itertuples(index=False, name=None)):
            rows.append([row[0] if position == 0 else None, *row[1:]])
        if len(members) > 1:
            merges.append((first, len(rows)))
        subtotal = [None, "Subtotal", *[None] * (len(labels) - 2)]
        subtotal[at] = float(pd.to_numeric(members[total]).sum())
        rows.append(subtotal)
    grand = [f"Grand Total ({len(cells)} records)", *[None] * (len(labels) - 1)]
    grand[at] = float(pd.to_numeric(cells[total]).sum())
    rows += [grand, *_footer_rows()]
    _put_rows(sheet, rows, _formats(report))
    for first, last in merges:
        sheet.merge_cells(start_row=first, start_column=1, end_row=last, end_column=1)


def write_report_workbooks(source: Path, out: Path, zone: str) -> None:
    """Each object as a report's .xlsx in `out`, date-times as wall clock in `zone` (see the module doc).
    Amounts are number cells, so a report with amounts (opportunities, campaigns) carries its currency column."""
    out.mkdir(parents=True, exist_ok=True)
    frames = report_frames(source)
    for report in reports_of(source):
        frame = frames[report.obj]
        report = _as_shown(report, frame)
        labels = REPORT_LABELS[OBJECTS[report.obj].table]
        if any(c.kind == "money" for c in report.columns) and "CurrencyIsoCode" in labels:
            label = labels["CurrencyIsoCode"][0]
            report = replace(report, columns=(*report.columns, Column(label, "CurrencyIsoCode", "text")))
            frame = frame.assign(**{label: CURRENCY})
        cells = _cell_values(frame, report, zone)
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = report.title[:31]
        if report.obj == "Opportunity":
            _grouped(sheet, cells, report, cells.columns[0], REPORT_LABELS[_O]["Amount"][0])
        elif report.obj == "Lead":
            _formatted(sheet, cells, report)
        else:
            _details_only(sheet, cells, report)
        book.save(out / f"{report.file}.xlsx")
    _copy_as_loaded(source, out)

