"""Time in the sample org: epoch days, business days and hours, the two time zones, fiscal quarters, and the
Salesforce text forms of dates and date-times. Times are float seconds since the epoch (NaN = never)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

DAY = 86_400
HOUR = 3_600
BH = 8 * HOUR  # business hours in one business day (09:00-17:00)
TZ_NAMES = ("America/New_York", "America/Los_Angeles")
ET, PT = 0, 1


def epoch_day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def is_weekday(days: np.ndarray) -> np.ndarray:
    """Monday-Friday, for epoch days."""
    return (days + 3) % 7 < 5


class Calendar:
    """Business days (Monday-Friday) and business hours (09:00-17:00 local) as a continuous clock."""

    def __init__(self, first_day: int, last_day: int):
        self.first = first_day
        days = np.arange(first_day, last_day + 1)
        self.is_bd = is_weekday(days)
        self.before = np.concatenate([[0], np.cumsum(self.is_bd)])  # business days before each day
        self.bd_days = days[self.is_bd]

    def bh(self, local: np.ndarray) -> np.ndarray:
        """Business-hour clock reading (seconds) at local times; NaN stays NaN."""
        ok = np.isfinite(local)
        value = np.where(ok, local, self.first * DAY)
        d = np.floor(value / DAY)
        i = np.clip(d - self.first, 0, len(self.is_bd) - 1).astype(np.int64)
        within = np.where(self.is_bd[i], np.clip(value - d * DAY - 9 * HOUR, 0, BH), 0)
        return np.where(ok, self.before[i] * BH + within, np.nan)

    def local(self, clock: np.ndarray) -> np.ndarray:
        """Local time at a business-hour clock reading (inverse of `bh`); NaN beyond the calendar."""
        ok = np.isfinite(clock)
        value = np.where(ok, clock, 0)
        k = np.floor(value / BH).astype(np.int64)
        ok &= (k >= 0) & (k < len(self.bd_days))
        k = np.clip(k, 0, len(self.bd_days) - 1)
        return np.where(ok, self.bd_days[k] * DAY + 9 * HOUR + (value - k * BH), np.nan)


def convert_zone(values: np.ndarray, tz: np.ndarray, to_utc: bool) -> np.ndarray:
    """Local times (zone codes ET / PT per value) to UTC, or UTC to local when `to_utc` is false; NaN stays NaN."""
    values = np.asarray(values, float)
    tz = np.broadcast_to(np.asarray(tz), values.shape)
    out = np.full(values.shape, np.nan)
    ok = np.isfinite(values)
    for code, name in enumerate(TZ_NAMES):
        m = ok & (tz == code)
        if not m.any():
            continue
        index = pd.DatetimeIndex(values[m].astype(np.int64).astype("datetime64[s]"))
        if to_utc:
            index = index.tz_localize(name, ambiguous=np.zeros(len(index), bool),
                                      nonexistent="shift_forward").tz_convert("UTC")
        else:
            index = index.tz_localize("UTC").tz_convert(name)
        out[m] = index.tz_localize(None).as_unit("s").asi8
    return out


def fiscal_quarters(start: date, anchor: date) -> list[tuple[int, int]]:
    """(first day, last day) of each fiscal quarter (January fiscal start) from `start` through `anchor`."""
    out = []
    year, month = start.year, 3 * ((start.month - 1) // 3) + 1
    while date(year, month, 1) <= anchor:
        nxt = (year + (month + 3 > 12), (month + 2) % 12 + 1)
        out.append((epoch_day(date(year, month, 1)), epoch_day(date(*nxt, 1)) - 1))
        year, month = nxt
    return out


def month_starts(quarters: list[tuple[int, int]]) -> list[list[int]]:
    """The epoch days the three months of each quarter start on."""
    out = []
    for first, _ in quarters:
        d0 = pd.Timestamp(first * DAY, unit="s")
        out.append([epoch_day((d0 + pd.DateOffset(months=i)).date()) for i in range(3)])
    return out


def quarter_name(first_day: int) -> str:
    """'FY2026 Q4' for the quarter starting on that epoch day (January fiscal start: the fiscal year is named
    by the calendar year it ends in, which is the quarter's own)."""
    d = pd.Timestamp(first_day * DAY, unit="s")
    return f"FY{d.year} Q{(d.month - 1) // 3 + 1}"


def fmt_datetime(t: np.ndarray) -> np.ndarray:
    """'2026-11-24T14:03:11.000Z' for UTC seconds; '' for NaN."""
    out = np.full(len(t), "", dtype=object)
    ok = np.isfinite(t)
    if ok.any():
        text = np.datetime_as_string(t[ok].astype(np.int64).astype("datetime64[s]"), unit="s")
        out[ok] = np.char.add(text, ".000Z")
    return out


def fmt_date(days: np.ndarray) -> np.ndarray:
    """'2026-11-24' for epoch days; '' for NaN."""
    days = np.asarray(days, dtype=float)
    out = np.full(len(days), "", dtype=object)
    ok = np.isfinite(days)
    if ok.any():
        out[ok] = np.datetime_as_string(days[ok].astype(np.int64).astype("datetime64[D]"), unit="D")
    return out
