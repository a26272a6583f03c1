"""The calendar the KPIs are counted in: fiscal quarters, ISO weeks, months, business days, time zones."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd



@dataclass(frozen=True)
class Period:
    """A span of whole days, both ends included."""

    start: pd.Timestamp
    end: pd.Timestamp
    name: str

    def through(self, day: pd.Timestamp) -> Period:
        """The part of this period up to and including `day` ("to date")."""
        return Period(self.start, min(self.end, day), f"{self.name} to date")

    def contains(self, days: pd.Series) -> pd.Series:
        """Which of these days lie inside the period."""
        return (days >= self.start) & (days <= self.end)

    def days(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="D")


def parse_day(text: str) -> pd.Timestamp:
    """A YYYY-MM-DD date typed by a person (command line, URL); ValueError for anything else."""
    shaped = isinstance(text, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce") if shaped else pd.NaT
    if pd.isna(parsed) or not 1900 <= parsed.year <= 2199:
        raise ValueError(f"{text!r} is not a date (YYYY-MM-DD)")
    return parsed


def day(value: object) -> pd.Timestamp:
    """A date (string, date or timestamp) as a naive midnight Timestamp, the engine's day type."""
    stamp = pd.Timestamp(value)
    return (stamp.tz_localize(None) if stamp.tzinfo else stamp).normalize()


@dataclass(frozen=True)
class FiscalCalendar:
    """Fiscal years starting on the first of `start_month`, named by the calendar year in which they end
    (Salesforce's default) or, with `named_by_end_year=False`, the year in which they start."""

    start_month: int = 1
    named_by_end_year: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.start_month <= 12:
            raise ValueError(f"fiscal year start month must be 1-12, not {self.start_month}")

    def quarter(self, on: pd.Timestamp) -> Period:
        """The fiscal quarter containing `on`, named like 'FY2027 Q3'."""
        months_in = (on.month - self.start_month) % 12
        year_start = on.year if on.month >= self.start_month else on.year - 1
        ends_next_year = self.start_month != 1
        name_year = year_start + (1 if ends_next_year and self.named_by_end_year else 0)
        number = months_in // 3 + 1
        start = pd.Timestamp(year_start, self.start_month, 1) + pd.DateOffset(months=3 * (number - 1))
        end = start + pd.DateOffset(months=3) - pd.Timedelta(days=1)
        return Period(start, end, f"FY{name_year} Q{number}")


def iso_week(on: pd.Timestamp) -> Period:
    """The ISO week (Monday to Sunday) containing `on`."""
    start = on - pd.Timedelta(days=on.weekday())
    year, week, _ = on.isocalendar()
    return Period(start, start + pd.Timedelta(days=6), f"{year}-W{week:02d}")


def month(on: pd.Timestamp) -> Period:
    """The calendar month containing `on`."""
    start = on.replace(day=1)
    return Period(start, start + pd.offsets.MonthEnd(0), start.strftime("%b %Y"))


def last_weeks(on: pd.Timestamp, weeks: int) -> Period:
    """The `weeks` ISO weeks ending with the one containing `on`, through `on`."""
    start = iso_week(on).start - pd.Timedelta(weeks=weeks - 1)
    return Period(start, on, f"last {weeks} weeks")


def last_quarters(calendar: FiscalCalendar, on: pd.Timestamp, quarters: int) -> list[Period]:
    """The `quarters` fiscal quarters ending with the one containing `on`, oldest first; that one through `on`."""
    shown = [calendar.quarter(on)]
    while len(shown) < quarters:
        shown.insert(0, calendar.quarter(shown[0].start - pd.Timedelta(days=1)))
    return [*shown[:-1], Period(shown[-1].start, on, shown[-1].name)]


def single_day(on: pd.Timestamp) -> Period:
    return Period(on, on, on.strftime("%a %d %b %Y"))


def business_days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Monday-Friday days from `start` through `end`, both included (0 when end is before start)."""
    return int(np.busday_count(start.date(), (end + pd.Timedelta(days=1)).date())) if end >= start else 0


def business_days_elapsed(period: Period, days: pd.DatetimeIndex) -> np.ndarray:
    """For each day, the business days from the period's start through that day."""
    return np.busday_count(period.start.date(), (days + pd.Timedelta(days=1)).values.astype("datetime64[D]"))


def elapsed_share(period: Period, as_of: pd.Timestamp) -> float | None:
    """Business days from the period's start through `as_of` / business days in the period (None if 0)."""
    total = business_days(period.start, period.end)
    done = business_days(period.start, min(as_of, period.end))
    return done / total if total and done else None


def local_day(instants: pd.Series, zones: pd.Series) -> pd.Series:
    """The calendar day of each UTC instant in the time zone beside it (NaT stays NaT)."""
    out = np.full(len(instants), np.datetime64("NaT"), dtype="datetime64[us]")
    known = instants.notna().to_numpy()
    for zone in zones.dropna().unique():  # one vectorised conversion per time zone, not per row
        rows = (zones == zone).to_numpy() & known
        wall = instants[rows].dt.tz_convert(zone).dt.tz_localize(None).to_numpy()
        out[rows] = wall.astype("datetime64[D]")
    return pd.Series(out, index=instants.index)


def end_of_local_day(days: pd.Series, zones: pd.Series) -> pd.Series:
    """The UTC instant at which each day ends in the time zone beside it (midnight that starts the next day)."""
    out = pd.Series(pd.NaT, index=days.index, dtype="datetime64[us, UTC]")
    for zone in zones.dropna().unique():
        rows = (zones == zone).to_numpy() & days.notna().to_numpy()
        midnights = days[rows] + pd.Timedelta(days=1)
        out[rows] = midnights.dt.tz_localize(zone, ambiguous=np.zeros(len(midnights), bool),
                                             nonexistent="shift_forward").dt.tz_convert("UTC")
    return out


@dataclass(frozen=True)
class Windows:
    """The periods a summary counts over, for one as-of date: today, the ISO week and the calendar month
    to date, and the fiscal quarter (whole, and to date)."""

    as_of: pd.Timestamp
    today: Period
    week: Period
    month: Period
    quarter: Period
    qtd: Period

    @classmethod
    def at(cls, as_of: pd.Timestamp, calendar: FiscalCalendar) -> Windows:
        quarter = calendar.quarter(as_of)
        return cls(as_of, single_day(as_of), iso_week(as_of).through(as_of), month(as_of).through(as_of),
                   quarter, quarter.through(as_of))
