"""Amounts in one currency before any sum: multi-currency orgs store each record in its own currency.

A record's amount is divided by its currency's rate (units per corporate unit): the dated rate whose range
holds the record's date (DatedConversionRate, as Salesforce's advanced currency management does for
opportunities by CloseDate), else the currency's one rate (CurrencyType). Without any rates, amounts in a
single currency are taken as the corporate currency; amounts in a second currency cannot be summed with them
and are left out, with a problem saying so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.schema import CurrencyRates as R
from kpi.schema import Problem

# Per table: the amount column and the date that picks a dated rate.
MONEY = {"opportunities": ("Amount", "CloseDate"), "quotas": ("QuotaAmount", "StartDate"),
         "campaigns": ("ActualCost", "StartDate")}
_CODE = "CurrencyIsoCode"


def corporate_currency(rates: pd.DataFrame, codes: pd.Series) -> str | None:
    """The currency sums are in: the one rates mark corporate, else the one whose every rate, dated or not,
    is 1 (rates are per corporate unit, so rates without IsCorporate still say it), else the only (or most
    used) code."""
    marked = rates.loc[rates[R.IsCorporate], R.IsoCode]
    if marked.empty:
        ones = (rates[R.ConversionRate] == 1).groupby(rates[R.IsoCode]).all()
        marked = pd.Series(ones.index[ones.to_numpy(bool)])
    if not marked.empty:
        return str(marked.iloc[0])
    counts = codes.dropna().value_counts()
    return str(counts.index[0]) if not counts.empty else None


def _rates_for(codes: pd.Series, days: pd.Series, rates: pd.DataFrame) -> pd.Series:
    """Each record's rate: the dated one covering its day, else its currency's single rate (NaN: none)."""
    single = rates.loc[rates[R.StartDate].isna()].drop_duplicates(R.IsoCode, keep="last")
    rate = codes.map(single.set_index(R.IsoCode)[R.ConversionRate]).astype(float)
    dated = rates.loc[rates[R.StartDate].notna()].sort_values(R.StartDate)
    asks = pd.DataFrame({"code": codes, "day": days, "at": np.arange(len(codes))}).dropna()
    if dated.empty or asks.empty:
        return rate
    found = pd.merge_asof(asks.sort_values("day"), dated, left_on="day", right_on=R.StartDate,
                          left_by="code", right_by=R.IsoCode, direction="backward")
    current = found[R.NextStartDate].isna() | (found["day"] < found[R.NextStartDate])
    found = found.loc[current & found[R.ConversionRate].notna()]
    values = rate.to_numpy(copy=True)
    values[found["at"].to_numpy()] = found[R.ConversionRate].to_numpy()
    return pd.Series(values, index=codes.index)


def to_corporate(tables: dict[str, pd.DataFrame], rates: pd.DataFrame) -> tuple[dict[str, pd.DataFrame], str | None,
                                                                            list[Problem]]:
    """Every amount in the corporate currency; the currency; the amounts that could not be converted."""
    present = {name: tables[name] for name in MONEY if name in tables}
    codes = pd.concat([frame[_CODE] for frame in present.values()]) if present else pd.Series(dtype="str")
    currency = corporate_currency(rates, codes)
    out, problems = dict(tables), []
    for name, frame in present.items():
        amount, day = MONEY[name]
        code = frame[_CODE].fillna(currency) if currency else frame[_CODE]
        foreign = code.notna() & (code != currency)
        if not foreign.any():
            continue
        rate = _rates_for(code.where(foreign), frame[day], rates) if not rates.empty else pd.Series(np.nan, frame.index)
        converted = frame[amount] / rate
        lost = foreign & rate.isna() & frame[amount].notna()
        if lost.any():
            where = "; add CurrencyType.csv, DatedConversionRate.csv or a rates file" if rates.empty else ""
            problems.append(Problem(name, f"{int(lost.sum())} amounts in {', '.join(sorted(code[lost].unique()))} "
                                          f"have no rate to {currency}{where}; they are left out of every sum",
                                    None, amount))
        out[name] = frame.assign(**{amount: converted.where(foreign, frame[amount])})
    return out, currency, problems
