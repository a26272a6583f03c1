"""Revenue against quota: closed-won, attainment, pace, projection, coverage, win rate."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.periods import Period, local_day
from kpi.schema import Opportunities, Quotas

O, Q = Opportunities, Quotas
CREATED_DAY = "created_day"  # the owner's day of CreatedDate (column added by `with_created_day`)


def with_created_day(opportunities: pd.DataFrame, owner_zones: pd.Series) -> pd.DataFrame:
    """Opportunities with the day each was created, in its owner's time zone (for as-of views)."""
    zones = opportunities[O.OwnerId].map(owner_zones).fillna("UTC")
    return opportunities.assign(**{CREATED_DAY: local_day(opportunities[O.CreatedDate], zones)})


def known_on(opportunities: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The opportunities that existed at the end of `as_of` (created on or before it, or of unknown date)."""
    created = opportunities[CREATED_DAY]
    return opportunities.loc[created.isna() | (created <= as_of)]


def won_deals(opportunities: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Closed-won opportunities with CloseDate in the period."""
    return opportunities.loc[opportunities[O.IsWon] & period.contains(opportunities[O.CloseDate])]


def closed_deals(opportunities: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Closed opportunities (won or lost) with CloseDate in the period."""
    return opportunities.loc[opportunities[O.IsClosed] & period.contains(opportunities[O.CloseDate])]


def open_deals(opportunities: pd.DataFrame, window: Period) -> pd.DataFrame:
    """Open opportunities with CloseDate inside the window."""
    return opportunities.loc[~opportunities[O.IsClosed] & window.contains(opportunities[O.CloseDate])]


def coverage_window(quarter: Period, as_of: pd.Timestamp) -> Period:
    """Where open pipeline counts toward coverage: from the as-of date through the quarter's last day."""
    return Period(as_of, quarter.end, f"{as_of:%d %b} - {quarter.end:%d %b %Y}")


def deal_totals(opportunities: pd.DataFrame, quarter: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per owner: won amount and count, closed count (quarter to date), open pipeline in the coverage window;
    over the opportunities that existed at the end of `as_of`."""
    opportunities = known_on(opportunities, as_of)
    to_date = quarter.through(as_of)
    closed = closed_deals(opportunities, to_date)
    return pd.DataFrame({
        "revenue_qtd": won_deals(opportunities, to_date).groupby(O.OwnerId)[O.Amount].sum(),
        # Won among the closed, so a malformed row (won but not closed) cannot push the win rate past 100%.
        "won_count_qtd": closed.loc[closed[O.IsWon]].groupby(O.OwnerId).size(),
        "closed_count_qtd": closed.groupby(O.OwnerId).size(),
        "open_pipeline": open_deals(opportunities, coverage_window(quarter, as_of)).groupby(O.OwnerId)[O.Amount].sum(),
    }).fillna(0.0)


def quota(quotas: pd.DataFrame, quarter: Period, revenue_goals: pd.Series) -> pd.Series:
    """Owner -> revenue quota for the quarter: the sum of the owner's ForecastingQuota rows (IsQuantity false)
    whose StartDate falls inside it, else the owner's goals-file revenue quarter target."""
    rows = quotas.loc[~quotas[Q.IsQuantity] & quarter.contains(quotas[Q.StartDate])]
    forecast = rows.groupby(Q.QuotaOwnerId)[Q.QuotaAmount].sum(min_count=1).dropna()
    return forecast.combine_first(revenue_goals).rename("quota_quarter")


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NaN where the denominator is missing or not positive."""
    return numerator / denominator.where(denominator > 0)


def with_rates(totals: pd.DataFrame, elapsed: float | None) -> pd.DataFrame:
    """Rates recomputed from additive columns, so a team row of sums gets them the same way as a rep row.

    attainment = won / quota; pace = attainment / elapsed share; projection = won / elapsed share;
    coverage = open pipeline / (quota - won), empty when the quota is met; win rate = won / closed count.
    """
    share = np.nan if elapsed is None else elapsed
    attainment = ratio(totals["revenue_qtd"], totals["quota_quarter"])
    return totals.assign(
        attainment=attainment,
        pace=attainment / share,
        projection=totals["revenue_qtd"] / share,
        coverage=ratio(totals["open_pipeline"], totals["quota_quarter"] - totals["revenue_qtd"]),
        win_rate=ratio(totals["won_count_qtd"], totals["closed_count_qtd"]),
    )


def burn_up(opportunities: pd.DataFrame, quarter: Period, as_of: pd.Timestamp, owners: pd.Index) -> pd.DataFrame:
    """Cumulative closed-won amount of `owners` per day of the quarter through `as_of` (columns day, won)."""
    days = quarter.through(as_of).days()
    deals = won_deals(known_on(opportunities, as_of), quarter.through(as_of))
    won = deals.loc[deals[O.OwnerId].isin(owners)].groupby(O.CloseDate)[O.Amount].sum()
    return pd.DataFrame({"day": days, "won": won.reindex(days, fill_value=0.0).cumsum().to_numpy()})
