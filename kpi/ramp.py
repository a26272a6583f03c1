"""New-rep ramp: tenure months from the hire day, a team ramp curve per role, days to the first SQL and win, and
targets scaled down while a rep ramps."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi import activity, funnel
from kpi.lookup import remap
from kpi.people import CREATED_DAY, ROLE
from kpi.periods import Period
from kpi.revenue import CREATED_DAY as DEAL_CREATED_DAY
from kpi.schema import Opportunities, Users

O, U = Opportunities, Users
OWNER, TENURE_MONTH, REPS = O.OwnerId, "tenure_month", "reps"  # columns of `monthly` and `curve`
FIGURES = ("activities", "sal", "sql", "pipeline_created", "won")  # per rep and tenure month
DAYS_TO_FIRST_SQL, DAYS_TO_FIRST_WIN = "days_to_first_sql", "days_to_first_win"


@dataclass(frozen=True)
class RampRules:
    """Where the hire day comes from, how long a rep ramps, and the share of the full target in each month."""

    hire_date_field: str = U.CreatedDate
    months: int = 6
    shares: tuple[float, ...] = (0.2, 0.4, 0.6, 0.8, 1.0, 1.0)

    def __post_init__(self) -> None:
        if self.months < 1 or any(share < 0 for share in self.shares):
            raise ValueError(f"months must be 1 or more and shares 0 or more, not {self.months} and {list(self.shares)}")


def rule(rules: RampRules = RampRules()) -> str:
    """The ramp rule in words, as `rules` set it (the glossary shows the settings in force)."""
    shares = ", ".join(f"{share:.0%}" for share in rules.shares[:rules.months])
    return (f"A rep's hire day is the User's {rules.hire_date_field} (CreatedDate: the day the user was created, in "
            "the user's time zone). Tenure month k starts k calendar months after the hire day, on the same day of "
            "the month (the month's last day when it is shorter): hired 15 July, month 4 starts 15 November. A rep "
            f"is ramping in tenure months 0 to {rules.months - 1}. While ramping, the target is a share of the full "
            f"target: {shares} in months 0 to {rules.months - 1} (100% for a month the list does not reach), 100% "
            "after, nothing before the hire day; a period's ramped target is the full target times the average "
            "share over its business days (Monday to Friday). The team ramp curve of a role is, per tenure month, "
            "the median activities, SALs, SQLs, pipeline created and won Amount of the role's reps who had that "
            "whole tenure month inside the data. Days to first SQL and to first win count from the hire day to the "
            "first SQL and the first won CloseDate on or after it.")


RULE = rule()


def hire_days(roster: pd.DataFrame, users: pd.DataFrame, rules: RampRules = RampRules()) -> pd.Series:
    """User id -> hire day (NaT when unknown): the roster's created day (the user's zone) for CreatedDate, else
    the day of the Users column `rules.hire_date_field` as it is."""
    if rules.hire_date_field == U.CreatedDate:
        people = roster.set_index(U.Id) if U.Id in roster.columns else roster  # `reps` output is indexed
        return people[CREATED_DAY].dt.normalize().rename(None)
    column = users[rules.hire_date_field] if rules.hire_date_field in users.columns \
        else pd.Series(pd.NaT, index=users.index)
    days = pd.to_datetime(column, errors="coerce")
    days = days.dt.tz_localize(None) if days.dt.tz is not None else days  # a datetime mapped in: keep its day
    return days.dt.normalize().set_axis(pd.Index(users[U.Id], name=U.Id)).rename(None)


def gaps(users: pd.DataFrame, rules: RampRules = RampRules()) -> list[str]:
    """What the data lacks for hire days, with what to export or configure."""
    field = rules.hire_date_field
    if field in users.columns and users[field].notna().any():
        return []
    what = "is not in the Users table" if field not in users.columns else "is empty for every user"
    fallback = "" if field == U.CreatedDate else f', or set [ramp] hire_date_field = "{U.CreatedDate}" in settings.toml'
    return [f"User.{field} {what}, so no rep has a hire day: export User.{field}, map your org's hire-date field "
            f"to it in mapping.toml [users]{fallback}"]


def _parts(days: pd.Series | pd.DatetimeIndex | list) -> np.ndarray:
    """Year, month, day and days in the month of each day (4 rows, float: NaN for NaT)."""
    index = pd.DatetimeIndex(days)
    return np.array([index.year, index.month, index.day, index.days_in_month], dtype=float)


def _tenure(hire: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Tenure month on day `on` of a rep hired on `hire` (`_parts` arrays that broadcast): calendar months between
    them, less one before the anniversary day (clipped to the month's end). Negative before the hire day."""
    months = (on[0] - hire[0]) * 12 + (on[1] - hire[1])
    return months - (on[2] < np.minimum(hire[2], on[3]))


def tenure_months(hire: pd.Series, as_of: pd.Timestamp) -> pd.Series:
    """Each rep's tenure month on `as_of` (the last k whose start is on or before it); NA when the hire day is
    unknown or after `as_of`."""
    k = _tenure(_parts(hire), _parts([as_of]))
    return pd.Series(np.where(k >= 0, k, np.nan), index=hire.index).astype("Int64")


def ramping(tenure: pd.Series, rules: RampRules = RampRules()) -> pd.Series:
    """Whether each rep is in a ramp month (tenure known and below `rules.months`)."""
    return tenure.lt(rules.months).fillna(False).astype(bool)


def _month_start(hire: pd.Series, k: int) -> pd.Series:
    """The first day of tenure month k (pandas shifts months vectorised, clipping to the month's end)."""
    return hire + pd.DateOffset(months=k)


def _by_tenure(owners: pd.Series, days: pd.Series, values: pd.Series | int, hire: pd.Series) -> pd.Series:
    """Sum of `values` per (owner, tenure month of the day); records before the hire day or of unknown owners
    are left out."""
    owners = owners.astype("str")
    k = _tenure(_parts(remap(owners, hire)), _parts(days))
    keep = k >= 0
    values = pd.Series(values, index=owners.index)[keep]
    return values.groupby([owners.to_numpy()[keep], k[keep].astype(int)]).sum()


def monthly(hire: pd.Series, as_of: pd.Timestamp, data_start: pd.Timestamp, activities: pd.DataFrame,
            stages: pd.DataFrame, deals: pd.DataFrame, months: int) -> pd.DataFrame:
    """One row per rep with a hire day and tenure month k < `months` lying wholly inside the data (from
    `data_start` through `as_of`): activities (counted_activities, logged by `as_of`), SALs and SQLs
    (stages_reached), pipeline created (Amount by created day) and won Amount (CloseDate) in that month."""
    hire = hire.dropna()
    grid = pd.concat([pd.DataFrame({OWNER: hire.index, TENURE_MONTH: k, "_first": _month_start(hire, k).to_numpy(),
                                    "_last": (_month_start(hire, k + 1) - pd.Timedelta(days=1)).to_numpy()})
                      for k in range(months)], ignore_index=True)
    grid = grid.loc[(grid["_first"] >= data_start) & (grid["_last"] <= as_of), [OWNER, TENURE_MONTH]]
    logged = activities.loc[activities[activity.CREATED_DAY] <= as_of]
    sal, sql = (stages.loc[stages[funnel.STAGE] == s] for s in (funnel.Stage.SAL, funnel.Stage.SQL))
    won = deals.loc[deals[O.IsWon]]
    counts = pd.DataFrame({
        "activities": _by_tenure(logged[activity.A.OwnerId], logged[activity.DAY], 1, hire),
        "sal": _by_tenure(sal[funnel.OWNER_ID], sal[funnel.DAY], 1, hire),
        "sql": _by_tenure(sql[funnel.OWNER_ID], sql[funnel.DAY], 1, hire),
        "pipeline_created": _by_tenure(deals[O.OwnerId], deals[DEAL_CREATED_DAY], deals[O.Amount], hire),
        "won": _by_tenure(won[O.OwnerId], won[O.CloseDate], won[O.Amount], hire),
    }, columns=list(FIGURES))
    # Complete months with nothing in them count as 0, not as missing.
    keys = pd.MultiIndex.from_frame(grid)
    figures = counts.reindex(keys, fill_value=0).fillna(0).astype({"activities": int, "sal": int, "sql": int})
    return figures.reset_index()


def curve(monthly_rows: pd.DataFrame, roles: pd.Series) -> pd.DataFrame:
    """The team ramp curve: per role and tenure month, the median of each figure over the reps who had that
    month inside the data (`monthly`), and how many reps that is."""
    role = remap(monthly_rows[OWNER], roles).fillna("No role").rename(ROLE)
    by = monthly_rows.groupby([role, monthly_rows[TENURE_MONTH]])
    return by[list(FIGURES)].median().assign(**{REPS: by.size()}).reset_index()


def _first_on_or_after(owners: pd.Series, days: pd.Series, hire: pd.Series) -> pd.Series:
    """Per owner, the first of `days` on or after the owner's hire day."""
    owners = owners.astype("str")
    after = (days >= remap(owners, hire)).to_numpy(bool)
    return days[after].groupby(owners[after]).min()


def firsts(hire: pd.Series, stages: pd.DataFrame, deals: pd.DataFrame) -> pd.DataFrame:
    """Per rep: days from the hire day to the first SQL (stages_reached) and to the first won CloseDate, each on or
    after the hire day; NaN when none."""
    sql = stages.loc[stages[funnel.STAGE] == funnel.Stage.SQL]
    won = deals.loc[deals[O.IsWon]]
    first_sql = _first_on_or_after(sql[funnel.OWNER_ID], sql[funnel.DAY], hire).reindex(hire.index)
    first_win = _first_on_or_after(won[O.OwnerId], won[O.CloseDate], hire).reindex(hire.index)
    return pd.DataFrame({DAYS_TO_FIRST_SQL: (first_sql - hire).dt.days.astype(float),
                         DAYS_TO_FIRST_WIN: (first_win - hire).dt.days.astype(float)})


def _share(tenure: np.ndarray, rules: RampRules) -> np.ndarray:
    """The share of the full target in each tenure month: 0 before the hire day, 1 past ramp or when unknown."""
    # Entry `months` (1.0) is every month past ramp; months the tuple does not reach are 1.0 too.
    table = np.array([*(rules.shares[k] if k < len(rules.shares) else 1.0 for k in range(rules.months)), 1.0])
    k = np.nan_to_num(tenure, nan=rules.months)
    return np.where(k < 0, 0.0, table[np.clip(k, 0, rules.months).astype(int)])


def ramped_target(full: pd.Series, hire: pd.Series, period: Period, rules: RampRules = RampRules()) -> pd.Series:
    """Each rep's target for the period: `full` times the mean, over the period's business days, of the share of
    the tenure month the rep is in that day (RULE). A rep with no hire day keeps the full target."""
    days = period.days()[period.days().day_of_week < 5]  # the days periods.business_days counts
    if not len(days):
        return full.copy()
    tenure = _tenure(_parts(hire.reindex(full.index))[:, :, None], _parts(days)[:, None, :])
    return full * _share(tenure, rules).mean(axis=1)
