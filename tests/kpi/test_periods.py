import pandas as pd
import pytest

from kpi.periods import (FiscalCalendar, Windows, business_days, elapsed_share, end_of_local_day, iso_week,
                         last_quarters, last_weeks, local_day, month)

T = pd.Timestamp


@pytest.mark.parametrize("start, on, name, first, last", [
    (1, "2026-11-24", "FY2026 Q4", "2026-10-01", "2026-12-31"),  # Salesforce default: January start
    (2, "2026-11-24", "FY2027 Q4", "2026-11-01", "2027-01-31"),  # Feb 2026 - Jan 2027 ends in 2027
    (2, "2026-01-15", "FY2026 Q4", "2025-11-01", "2026-01-31"),
    (4, "2026-04-01", "FY2027 Q1", "2026-04-01", "2026-06-30"),  # April start (e.g. UK, Japan)
    (11, "2026-11-24", "FY2027 Q1", "2026-11-01", "2027-01-31"),
    (7, "2026-06-30", "FY2026 Q4", "2026-04-01", "2026-06-30"),
])
def test_fiscal_quarters_are_named_by_the_year_the_fiscal_year_ends(start, on, name, first, last):
    quarter = FiscalCalendar(start).quarter(T(on))
    assert (quarter.name, quarter.start, quarter.end) == (name, T(first), T(last))


def test_fiscal_years_can_be_named_by_their_start_year():
    assert FiscalCalendar(2, named_by_end_year=False).quarter(T("2026-11-24")).name == "FY2026 Q4"


def test_iso_week_month_and_last_weeks():
    week = iso_week(T("2026-11-24"))
    assert (week.start, week.end, week.name) == (T("2026-11-23"), T("2026-11-29"), "2026-W48")
    assert iso_week(T("2027-01-01")).name == "2026-W53"  # ISO week-numbering year
    assert (month(T("2026-02-10")).start, month(T("2026-02-10")).end) == (T("2026-02-01"), T("2026-02-28"))
    span = last_weeks(T("2026-11-24"), 4)
    assert (span.start, span.end) == (T("2026-11-02"), T("2026-11-24"))


def test_business_days_and_elapsed_share():
    assert business_days(T("2026-11-23"), T("2026-11-29")) == 5  # Mon-Sun
    assert business_days(T("2026-11-28"), T("2026-11-29")) == 0  # a weekend
    q4 = FiscalCalendar().quarter(T("2026-11-24"))
    # October 2026 has 22 business days, 2-24 November 17, the quarter 66 (22 + 21 + 23).
    assert elapsed_share(q4, T("2026-11-24")) == pytest.approx(39 / 66)
    assert elapsed_share(q4, T("2027-03-01")) == 1.0  # past the quarter: all of it
    # A quarter starting on a Saturday: nothing elapsed on its first day.
    assert elapsed_share(FiscalCalendar().quarter(T("2022-10-01")), T("2022-10-01")) is None


def test_windows_count_up_to_and_including_the_as_of_date():
    w = Windows.at(T("2026-11-24"), FiscalCalendar())
    assert (w.week.start, w.week.end) == (T("2026-11-23"), T("2026-11-24"))
    assert (w.month.start, w.month.end) == (T("2026-11-01"), T("2026-11-24"))
    assert (w.qtd.start, w.qtd.end, w.quarter.end) == (T("2026-10-01"), T("2026-11-24"), T("2026-12-31"))


def test_local_days_and_day_ends_across_daylight_saving():
    instants = pd.Series(pd.to_datetime(["2026-03-08T04:30:00Z", "2026-03-09T03:30:00Z", None], utc=True))
    zones = pd.Series(["America/New_York"] * 3)
    # 04:30 UTC on 8 March is 23:30 EST on the 7th; 03:30 UTC on 9 March is 23:30 EDT on the 8th.
    assert local_day(instants, zones).dt.strftime("%d").tolist()[:2] == ["07", "08"]
    assert local_day(instants, zones).isna().tolist() == [False, False, True]
    ends = end_of_local_day(pd.Series([T("2026-03-07"), T("2026-03-08")]), zones[:2])
    # The 7th ends at midnight EST (05:00 UTC); the 8th (clocks forward) ends at midnight EDT (04:00 UTC).
    assert ends.dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2026-03-08 05:00", "2026-03-09 04:00"]


def test_typed_dates_must_be_year_month_day():
    from kpi.periods import parse_day
    assert parse_day("2026-11-24") == T("2026-11-24")
    for text in ("", "NaT", "2026-11", "24/11/2026", "9999-12-31", "now"):
        with pytest.raises(ValueError, match="is not a date"):
            parse_day(text)


def test_last_quarters_end_with_the_current_one_to_date():
    shown = last_quarters(FiscalCalendar(2), pd.Timestamp("2026-11-24"), 3)  # fiscal year from February
    assert [q.name for q in shown] == ["FY2027 Q2", "FY2027 Q3", "FY2027 Q4"]
    assert (shown[0].start, shown[-1].start, shown[-1].end) == (
        pd.Timestamp("2026-05-01"), pd.Timestamp("2026-11-01"), pd.Timestamp("2026-11-24"))
