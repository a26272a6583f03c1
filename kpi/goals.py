"""Goals: which goals-file row sets each user's target, per metric and period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.ids import to_18
from kpi.people import ROLE
from kpi.schema import TEAM_OWNER, Goals, Users

G, U = Goals, Users
# Columns of the resolved-targets table (`user_targets`).
USER_ID, RANK = "user_id", "rank"
USER_ID_PATTERN = r"^005\w{12}(\w{3})?$"  # an owner that is a User Id (15 or 18 characters)
# How specific an owner is: an Id or email beats a role, which beats '*'.
_BY_USER, _BY_ROLE, _BY_EVERYONE = 2, 1, 0


def _matches(goals: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Every (goal row, user) pair the row's owner names, with how specific the naming is. A team's own plan
    line ('team:<team>') names no user."""
    goals = goals.loc[~is_team_row(goals)]
    owner = goals[G.owner].str.strip()
    rows = goals.assign(_order=np.arange(len(goals)), _id=to_18(owner.where(owner.str.match(USER_ID_PATTERN))),
                        _email=owner.str.lower().where(owner.str.contains("@")), _role=owner.str.lower())
    users = people[[U.Id, U.Email, ROLE]].assign(_email=people[U.Email].str.lower(),
                                                  _role=people[ROLE].str.strip().str.lower())
    # Merge only on keys that are present: pandas would pair a missing email with another missing email.
    by_id = rows.dropna(subset="_id").merge(users[[U.Id]], left_on="_id", right_on=U.Id).assign(**{RANK: _BY_USER})
    by_email = (rows.dropna(subset="_email").merge(users[[U.Id, "_email"]].dropna(subset="_email"), on="_email")
                .assign(**{RANK: _BY_USER}))
    plain = rows.loc[rows["_id"].isna() & rows["_email"].isna()]
    by_role = (plain.loc[plain["_role"] != "*"].merge(users[[U.Id, "_role"]].dropna(subset="_role"), on="_role")
               .assign(**{RANK: _BY_ROLE}))
    everyone = plain.loc[plain["_role"] == "*"].merge(users[[U.Id]], how="cross").assign(**{RANK: _BY_EVERYONE})
    matched = pd.concat([by_id, by_email, by_role, everyone], ignore_index=True)
    return matched.rename(columns={U.Id: USER_ID})[[USER_ID, G.metric, G.period, G.target, G.channel, G.quarter,
                                                    RANK, "_order"]]


def is_team_row(goals: pd.DataFrame) -> pd.Series:
    """Rows that set a team's own plan line (owner 'team:<team>')."""
    return goals[G.owner].str.strip().str.casefold().str.startswith(TEAM_OWNER)


def user_targets(goals: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Every goal row each user is named by, with how specifically (`target` picks the one in force)."""
    return _matches(goals, people).sort_values([RANK, "_order"], kind="stable").reset_index(drop=True)


def named_users(goals: pd.DataFrame, people: pd.DataFrame) -> pd.Index:
    """Users that a goal names by Id, email or role (a '*' row alone names nobody in particular)."""
    matched = _matches(goals, people)
    return pd.Index(matched.loc[matched[RANK] > _BY_EVERYONE, USER_ID].unique())


def _in_force(rows: pd.DataFrame, metric: str, period: str, quarter: str | None, channel: str | None) -> pd.DataFrame:
    """The rows for one metric, period and channel (None: rows without one) that hold in `quarter` (rows without
    a quarter hold in every one; None: only those), a row naming the quarter ahead of one that does not."""
    picked = rows.loc[(rows[G.metric] == metric) & (rows[G.period] == period)
                      & (rows[G.channel].isna() if channel is None else rows[G.channel].eq(channel))
                      & (rows[G.quarter].isna() | rows[G.quarter].eq(quarter))]
    return picked.assign(_dated=picked[G.quarter].notna())


def target(targets: pd.DataFrame, metric: str, period: str, *, quarter: str | None,
           channel: str | None = None) -> pd.Series:
    """User id -> target for one metric, period and channel in a fiscal quarter (users without one are absent):
    the most specific owner wins, decided separately for each (metric, period, channel); among rows equally
    specific, one naming the quarter beats one that does not, then the later row in the file. No row, no target."""
    rows = _in_force(targets, metric, period, quarter, channel).sort_values([RANK, "_dated", "_order"], kind="stable")
    return rows.drop_duplicates(USER_ID, keep="last").set_index(USER_ID)[G.target].rename(None)


def team_of_row(goals: pd.DataFrame) -> pd.Series:
    """The team a 'team:<team>' row names (as written, stripped); NaN on other rows."""
    owner = goals[G.owner].str.strip()
    return owner.str[len(TEAM_OWNER):].str.strip().where(is_team_row(goals))


def team_targets(goals: pd.DataFrame, metric: str, *, quarter: str, channel: str | None = None) -> pd.Series:
    """Team name (case-folded) -> the team's own quarterly plan line for a metric and channel: its 'team:<team>'
    rows, one naming the quarter ahead of one that does not, then the later row in the file."""
    rows = goals.assign(_team=team_of_row(goals).str.casefold(), _order=np.arange(len(goals))).dropna(subset="_team")
    rows = _in_force(rows, metric, "quarter", quarter, channel).sort_values(["_dated", "_order"], kind="stable")
    return rows.drop_duplicates("_team", keep="last").set_index("_team")[G.target].rename_axis(None).rename(None)
