"""kpi/workbook.py (named apart from tests/kpi/sources/test_workbook.py, which reads Salesforce report workbooks)."""

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from factories import org, uid, user
from kpi import plan
from kpi.periods import FiscalCalendar
from kpi.registry import KPIS
from kpi.review import weekly_review
from kpi.sources import load
from kpi.summary import default_as_of, prepare, summary
from kpi.workbook import SHEETS, workbook_bytes

CALENDAR = FiscalCalendar()


def opened(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def table(sheet) -> list[dict]:
    """The sheet's rows as dicts keyed by the header row."""
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def column(sheet, header: str) -> list:
    headers = [c.value for c in sheet[1]]
    return [row[headers.index(header)] for row in sheet.iter_rows(min_row=2)]


@pytest.fixture(scope="module")
def sample():
    facts = prepare(load("sample"))
    as_of = default_as_of(facts)
    review = weekly_review(facts, as_of, CALENDAR, "SMB")
    return facts, as_of, opened(workbook_bytes(review, facts, CALENDAR, "sample data, generated"))


@pytest.fixture(scope="module")
def doc(sample):
    facts, as_of, _ = sample
    return summary(facts, as_of, CALENDAR, team="SMB")


def test_one_sheet_per_table_in_order(sample):
    assert sample[2].sheetnames == list(SHEETS)


def test_every_table_has_a_frozen_header_and_a_filter(sample):
    for sheet in sample[2]:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
        assert sheet["A1"].font.bold, sheet.title


@pytest.mark.parametrize("key", ["revenue_qtd", "attainment", "sal_week", "quota_quarter", "activities_week"])
def test_reps_sheet_holds_the_summary_numbers_as_numbers(sample, doc, key):
    rows = {row["Name"]: row for row in table(sample[2]["Reps"])}
    assert set(rows) == {rep["name"] for rep in doc["reps"]}
    for rep in doc["reps"]:
        cell = rows[rep["name"]][KPIS[key].label]
        if rep[key] is None:
            assert cell is None
        else:
            assert isinstance(cell, (int, float)) and not isinstance(cell, bool)
            assert cell == pytest.approx(rep[key])


def test_reps_sheet_headers_are_the_registry_labels_and_rates_are_percentages(sample):
    sheet = sample[2]["Reps"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Name", "Team", KPIS["calls_today"].label, KPIS["emails_today"].label]
    attainment = [c for c in column(sheet, KPIS["attainment"].label) if c.value is not None]
    assert attainment and all(c.number_format == "0%" and c.data_type == "n" for c in attainment)
    assert all(c.number_format == "#,##0" for c in column(sheet, KPIS["revenue_qtd"].label) if c.value is not None)


@pytest.mark.parametrize("key", ["revenue_qtd", "quota_quarter", "attainment", "activities_week", "pipeline_open"])
def test_team_sheet_holds_the_team_row(sample, doc, key):
    rows = {row["Key"]: row for row in table(sample[2]["Team"])}
    assert rows[key]["KPI"] == KPIS[key].label
    assert rows[key]["Value"] == pytest.approx(doc["team"][key])


def test_dates_are_dates_and_amounts_add_up(sample, doc):
    book = sample[2]
    days = [c for c in column(book["Activities by day"], "Day")]
    assert days and all(isinstance(c.value, dt.datetime) and c.is_date for c in days)
    assert book["About"]["B2"].value == dt.datetime(2026, 11, 24) and book["About"]["B2"].is_date
    won = [r["Amount"] for r in table(book["Revenue"]) if r["Counted in"] == KPIS["revenue_qtd"].label]
    assert sum(won) == pytest.approx(doc["team"]["revenue_qtd"])
    open_deals = [r["Amount"] for r in table(book["Revenue"]) if r["Counted in"] == KPIS["open_pipeline"].label]
    assert open_deals and all(r["Close date"].date() >= dt.date(2026, 11, 24) for r in table(book["Revenue"])
                              if r["Counted in"] == KPIS["open_pipeline"].label)
    calls = sum(r["Calls"] for r in table(book["Activities by day"]) if r["Day"] == dt.datetime(2026, 11, 24))
    assert calls == doc["team"]["calls_today"]


def test_no_formula_anywhere(sample):
    assert not [c.coordinate for sheet in sample[2] for row in sheet.iter_rows() for c in row if c.data_type == "f"]


# Salesforce text a spreadsheet would run as a formula: it must come back as the same text.
REP_NAME = '=HYPERLINK("http://x","y")'
DEAL_NAMES = ("@SUM(A1)", "-2+3", "+1", "\tTab", "=1+1")
AS_OF = pd.Timestamp("2026-11-24")


def hostile_org():
    rep = user(1)
    return org(
        users=[{"Id": rep, "Name": REP_NAME, "IsActive": True, "Department": "SMB", "Title": "AE",
                "TimeZoneSidKey": "America/New_York"}],
        activities=[{"Id": uid("00T", 1), "OwnerId": rep, "TaskSubtype": "Call", "Status": "Completed",
                     "Subject": "=cmd|' /C calc'!A0", "CompletedDateTime": "2026-11-24T15:00:00Z"}],
        opportunities=[
            {"Id": uid("006", 1), "Name": DEAL_NAMES[0], "OwnerId": rep, "Amount": 30_000,
             "CloseDate": "2026-11-24", "IsWon": True, "IsClosed": True, "StageName": "Closed Won"},
            *({"Id": uid("006", n), "Name": name, "OwnerId": rep, "Amount": 10_000, "CloseDate": "2026-12-15",
               "StageName": "@Prospecting", "ForecastCategoryName": "Pipeline"}
              for n, name in enumerate(DEAL_NAMES[1:], start=2))],
        quotas=[{"QuotaOwnerId": rep, "StartDate": f"2026-{m}-01", "QuotaAmount": 100_000} for m in (10, 11, 12)],
    )


@pytest.fixture(scope="module")
def hostile():
    facts = prepare(hostile_org())
    review = weekly_review(facts, AS_OF, CALENDAR, "SMB")
    return opened(workbook_bytes(review, facts, CALENDAR, "-1 day old", currency="=EUR"))


def test_formula_like_text_stays_text(hostile):
    cells = [c for sheet in hostile for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in (REP_NAME, *DEAL_NAMES, "@Prospecting", "-1 day old", "=EUR"):
        assert text in texts, text
        assert texts[text].data_type == "s" and texts[text].quotePrefix, text
    assert [r["Name"] for r in table(hostile["Reps"])] == [REP_NAME]
    assert {r["Opportunity"] for r in table(hostile["Revenue"])} == set(DEAL_NAMES)
    assert [r["Opportunity"] for r in table(hostile["Wins"])] == ["@SUM(A1)"]


def test_negative_numbers_stay_numbers(sample):
    changes = column(sample[2]["This week"], "Change")
    assert all(c.data_type == "n" for c in changes) and any(c.value < 0 for c in changes)


def test_the_plan_sheets_are_the_summarys_plan_and_the_quarters_before(sample, doc):
    book = sample[2]
    rows = table(book["Plan"])
    now = [r for r in rows if r["Quarter"] == "FY2026 Q4"]
    # The quarter under way, line by line, as `summary --team SMB` says it (lines with a plan or an actual).
    said = [p for p in doc["plan"] if p["plan_quarter"] is not None or p["actual_qtd"]]
    assert [(r["Team"], r["Line"]) for r in now] == [("SMB", plan.label(p["metric"], p["channel"])) for p in said]
    for r, p in zip(now, said):
        assert (r["Plan"], r["Actual"]) == (p["plan_quarter"], pytest.approx(p["actual_qtd"]))
        assert r["Attainment"] == (pytest.approx(p["attainment"]) if p["attainment"] is not None else None)
    # Five quarters, oldest first; money lines formatted as money, rates as percentages.
    assert list(dict.fromkeys(r["Quarter"] for r in rows)) == ["FY2025 Q4", "FY2026 Q1", "FY2026 Q2", "FY2026 Q3",
                                                              "FY2026 Q4"]
    sheet = book["Plan"]
    headers = [c.value for c in sheet[1]]
    first = sheet.cell(row=2 + [r["Line"] for r in rows].index("Revenue"), column=headers.index("Plan") + 1)
    assert first.number_format == "#,##0"
    rated = 2 + next(i for i, r in enumerate(rows) if r["Attainment"] is not None)
    assert sheet.cell(row=rated, column=headers.index("Attainment") + 1).number_format == "0%"
    # Per rep: each SMB rep's lines of the quarter under way.
    reps = table(book["Plan by rep"])
    assert {r["Rep"] for r in reps} <= {r["name"] for r in doc["reps"]}
    quota = {r["Rep"]: r["Plan"] for r in reps if r["Line"] == "Revenue"}
    assert quota == {r["name"]: r["quota_quarter"] for r in doc["reps"] if r["quota_quarter"] is not None}
