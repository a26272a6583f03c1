"""The weekly review as an Excel workbook (`python -m kpi review --out review.xlsx`): one sheet per table, the
numbers typed (numbers as numbers, dates as dates, rates as percentages), header rows frozen, filters on.

Salesforce text stays text: every text cell is stored as a string cell, never a formula, and one that a
spreadsheet would read as a formula (kpi.exports.FORMULA_STARTS) is also marked quote-prefixed, so editing it in
Excel keeps it text. The text itself is unchanged.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kpi import activity, people, plan
from kpi.channels import CHANNEL
from kpi.exports import FORMULA_STARTS
from kpi.periods import FiscalCalendar, last_weeks
from kpi.registry import KPIS, SUMMARY_KEYS, Unit
from kpi.review import MONEY, WEEKLY_LABELS, Review
from kpi.schema import Opportunities, Users
from kpi.summary import Facts, records_behind

O = Opportunities
SHEETS = ("Team", "Reps", "Activities by day", "SAL and SQL", "Revenue", "This week", "Wins", "Risks", "Plan",
          "Plan by rep", "About")
ACTIVITY_WEEKS = 4
FORMATS = {Unit.COUNT: "General", Unit.CURRENCY: "#,##0", Unit.PERCENT: "0%", Unit.MULTIPLE: '0.0"x"',
           Unit.HOURS: "0.0"}
DATE, DATETIME = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"
_MAX_TEXT = 32_767  # Excel's limit for one cell
_STAGE_KEYS = ("sal_week", "sql_week", "sal_month", "sql_month")
_REVENUE_KEYS = {"revenue_qtd": "revenue_qtd", "coverage": "open_pipeline"}  # records_behind name -> KPI shown


def _format(name: str) -> str:
    return FORMATS[KPIS[name].unit]


def _team(review: Review) -> tuple[pd.DataFrame, dict]:
    keys = list(SUMMARY_KEYS)
    frame = pd.DataFrame({"KPI": [KPIS[k].label for k in keys], "Value": review.team[keys].astype(float).to_numpy(),
                          "Unit": [KPIS[k].unit.value for k in keys], "Key": keys})
    return frame, {"Value": [_format(k) for k in keys]}


def _reps(review: Review) -> tuple[pd.DataFrame, dict]:
    keys = list(SUMMARY_KEYS)
    frame = review.reps[[Users.Name, people.TEAM, *keys]].rename(
        columns={Users.Name: "Name", people.TEAM: "Team", **{k: KPIS[k].label for k in keys}})
    return frame, {KPIS[k].label: _format(k) for k in keys}


def _activities(review: Review, facts: Facts) -> tuple[pd.DataFrame, dict]:
    """Calls, emails and meetings per business day of the last ACTIVITY_WEEKS weeks and rep."""
    period = last_weeks(review.as_of, ACTIVITY_WEEKS)
    per_rep = [activity.daily_activity(facts.activities, period, review.as_of, pd.Index([rep]))
               .reset_index().assign(Rep=name) for rep, name in review.reps[Users.Name].items()]
    columns = ["Day", "Rep", "Calls", "Emails", "Meetings"]
    if not per_rep:
        return pd.DataFrame(columns=columns), {}
    frame = pd.concat(per_rep, ignore_index=True).rename(
        columns={"day": "Day", "calls": "Calls", "emails": "Emails", "meetings": "Meetings"})
    return frame.sort_values(["Day", "Rep"], kind="stable")[columns], {}


def _records(review: Review, facts: Facts, calendar: FiscalCalendar, names: dict[str, str]) -> list[pd.DataFrame]:
    """The records behind each of `names` (records_behind name -> KPI shown), tagged with the KPI's label."""
    reps = review.reps[Users.Name]
    return [records_behind(facts, name, review.reps.index, review.as_of, calendar)
            .assign(counted_in=KPIS[shown].label, rep=lambda f: f["OwnerId"].map(reps)) for name, shown in names.items()]


def _stage_leads(review: Review, facts: Facts, calendar: FiscalCalendar) -> tuple[pd.DataFrame, dict]:
    rows = pd.concat(_records(review, facts, calendar, {k: k for k in _STAGE_KEYS}), ignore_index=True)
    frame = pd.DataFrame({
        "Counted in": rows["counted_in"], "Stage": rows["stage"].astype(str).str.upper(), "Day": rows["day"],
        "Rep": rows["rep"], "Lead Id": rows["LeadId"], "Lead": rows["Name"], "Company": rows["Company"],
        "Status": rows["Status"], "Lead source": rows["LeadSource"], "Reached at": rows["reached_at"]})
    return frame, {}


def _revenue(review: Review, facts: Facts, calendar: FiscalCalendar) -> tuple[pd.DataFrame, dict]:
    rows = pd.concat(_records(review, facts, calendar, _REVENUE_KEYS), ignore_index=True)
    frame = pd.DataFrame({
        "Counted in": rows["counted_in"], "Rep": rows["rep"], "Opportunity Id": rows[O.Id],
        "Opportunity": rows[O.Name], "Stage": rows[O.StageName], "Amount": rows[O.Amount],
        "Close date": rows[O.CloseDate], "Forecast category": rows[O.ForecastCategoryName], "Won": rows[O.IsWon]})
    return frame, {"Amount": FORMATS[Unit.CURRENCY]}


def _this_week(review: Review) -> tuple[pd.DataFrame, dict]:
    team = review.weekly.reset_index().assign(rep=f"Team: {review.team_name}")
    reps = review.rep_weekly.reset_index().assign(rep=lambda f: f["rep"].map(review.reps[Users.Name]))
    rows = pd.concat([team, reps], ignore_index=True)
    frame = pd.DataFrame({"Rep": rows["rep"], "Metric": rows["metric"].map(WEEKLY_LABELS),
                          "This week": rows["this_week"], "Last week": rows["last_week"], "Change": rows["change"]})
    money = [FORMATS[Unit.CURRENCY if m in MONEY else Unit.COUNT] for m in rows["metric"]]
    return frame, {"This week": money, "Last week": money, "Change": money}


def _wins(review: Review) -> tuple[pd.DataFrame, dict]:
    w = review.wins
    frame = pd.DataFrame({"Rep": w["rep"], "Opportunity Id": w[O.Id], "Opportunity": w[O.Name],
                          "Amount": w[O.Amount], "Close date": w[O.CloseDate]})
    return frame, {"Amount": FORMATS[Unit.CURRENCY]}


def _risks(review: Review) -> tuple[pd.DataFrame, dict]:
    """Reps behind pace, deals slipping out of the quarter, MQLs breaching the SLA: one row each."""
    behind, slipping, sla = review.behind_pace, review.slipping, review.sla_breaches
    parts = [
        pd.DataFrame({"Risk": "Behind pace", "Rep": behind[Users.Name], "Pace": behind["pace"],
                      "Attainment": behind["attainment"], "Closed-won QTD": behind["revenue_qtd"],
                      "Quota": behind["quota_quarter"]}),
        pd.DataFrame({"Risk": "Slipping deal", "Rep": slipping["rep"], "Record Id": slipping[O.Id],
                      "Record": slipping[O.Name], "Amount": slipping["amount"],
                      "Close date before": slipping["close_date_before"],
                      "Close date after": slipping["close_date_after"], "Detail": slipping["reason"]}),
        pd.DataFrame({"Risk": "SLA breach", "Rep": sla["rep"], "Record Id": sla["LeadId"], "MQL at": sla["mql_at"],
                      "Business hours": sla["hours"].where(sla["hours"].notna(), sla["age_hours"]),
                      "Detail": sla["first_touch_at"].notna().map({True: "first touched after the SLA",
                                                                   False: "not touched yet"})}),
    ]
    columns = ["Risk", "Rep", "Record Id", "Record", "Pace", "Attainment", "Closed-won QTD", "Quota", "Amount",
               "Close date before", "Close date after", "MQL at", "Business hours", "Detail"]
    kept = [p for p in parts if len(p)]
    frame = pd.concat(kept, ignore_index=True).reindex(columns=columns) if kept else pd.DataFrame(columns=columns)
    money = FORMATS[Unit.CURRENCY]
    return frame, {"Pace": _format("pace"), "Attainment": _format("attainment"), "Closed-won QTD": money,
                   "Quota": money, "Amount": money, "Business hours": FORMATS[Unit.HOURS]}


def _plan(lines: pd.DataFrame, first: dict[str, pd.Series]) -> tuple[pd.DataFrame, dict]:
    """Plan lines (plan.lines) as a sheet: the `first` columns, the line, plan and actual (money or a count, per
    line), attainment, pace and projection."""
    money = [FORMATS[Unit.CURRENCY if m in plan.AMOUNTS else Unit.COUNT] for m in lines[plan.METRIC]]
    frame = pd.DataFrame({**first, "Line": [plan.label(m, c) for m, c in zip(lines[plan.METRIC], lines[CHANNEL])],
                          "Plan": lines[plan.PLAN], "Actual": lines[plan.ACTUAL],
                          "Attainment": lines[plan.ATTAINMENT], "Pace": lines[plan.PACE],
                          "Projection": lines[plan.PROJECTION]})
    return frame, {"Plan": money, "Actual": money, "Projection": money, "Attainment": _format("attainment"),
                   "Pace": _format("pace")}


def _about(review: Review, freshness: str, currency: str | None) -> tuple[pd.DataFrame, dict]:
    rows = [("As of", review.as_of), ("Fiscal quarter", review.quarter), ("Team", review.team_name),
            ("Data freshness", freshness), ("Amounts in", currency or "the org's corporate currency")]
    return pd.DataFrame(rows, columns=["Field", "Value"]), {}


def _text(value: object) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:_MAX_TEXT]


def _cells(column: pd.Series) -> tuple[list, str | None, bool]:
    """A column's values as Excel takes them, its date format (None: not dates), and whether it was in UTC."""
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
        utc = True
    else:
        utc = False
    if pd.api.types.is_datetime64_any_dtype(column):
        timed = utc or bool((column.dropna() != column.dropna().dt.normalize()).any())
        return [None if pd.isna(v) else v.to_pydatetime() for v in column], DATETIME if timed else DATE, utc
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        return [None if pd.isna(v) else v.item() if hasattr(v, "item") else v for v in column], None, False
    values = []
    for v in column.astype(object):
        if isinstance(v, pd.Timestamp):
            v = v.tz_convert("UTC").tz_localize(None) if v.tzinfo else v
            values.append(v.to_pydatetime())
        elif v is None or (not isinstance(v, str) and pd.isna(v)):
            values.append(None)
        elif isinstance(v, (bool, int, float)):
            values.append(v)
        else:
            values.append(_text(v))
    return values, None, False


def _put(sheet: Worksheet, row: int, col: int, value: object, number_format: str | None) -> int:
    """Write one cell; text is always a string cell (never a formula). Returns the width it needs."""
    cell = sheet.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
        return len(value)
    if isinstance(value, dt.datetime) and not number_format:
        number_format = DATE if value == dt.datetime.combine(value.date(), dt.time()) else DATETIME
    if number_format and value is not None:
        cell.number_format = number_format
    return 16 if number_format == DATETIME else 10 if value is not None else 0


def _sheet(book: Workbook, title: str, frame: pd.DataFrame, formats: dict) -> None:
    """One table on its own sheet: a bold, frozen header row, a filter over the table, typed cells."""
    sheet = book.create_sheet(title)
    rows = len(frame)
    for col, header in enumerate(frame.columns, start=1):
        values, date_format, utc = _cells(frame[header])
        name = f"{header} (UTC)" if utc else str(header)
        width = _put(sheet, 1, col, _text(name), None)
        sheet.cell(row=1, column=col).font = Font(bold=True)
        given = formats.get(header)
        per_row = given if isinstance(given, list) else [given or date_format] * rows
        for row, (value, number_format) in enumerate(zip(values, per_row), start=2):
            width = max(width, _put(sheet, row, col, value, number_format))
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 50)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(len(frame.columns), 1))}{rows + 1}"


def workbook_bytes(review: Review, facts: Facts, calendar: FiscalCalendar, freshness: str,
                   currency: str | None = None) -> bytes:
    """The review as an .xlsx: the team row, the reps, activities by day, the SAL/SQL leads and the revenue deals
    behind the numbers, this week against last, wins, risks, the quarterly plan against actual (the teams' last
    five quarters, the reps' quarter under way), and what it is as of (SHEETS, in that order)."""
    tables = [_team(review), _reps(review), _activities(review, facts), _stage_leads(review, facts, calendar),
              _revenue(review, facts, calendar), _this_week(review), _wins(review), _risks(review),
              _plan(review.plan, {"Quarter": review.plan["quarter"], "Team": review.plan[plan.TEAM]}),
              _plan(review.rep_plan, {"Rep": review.rep_plan["rep"]}), _about(review, freshness, currency)]
    book = Workbook()
    book.remove(book.active)
    for title, (frame, formats) in zip(SHEETS, tables):
        _sheet(book, title, frame, formats)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
