"""Goals: which goals-file row sets each user's target, per metric and period."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.ids import to_18
from kpi.people import ROLE
from kpi.schema import Goals, Users

G, U = Goals, Users
# Columns of the resolved-targets table (`user_targets`).
USER_ID, RANK = "user_id", "rank"
# How specific an owner is: an Id or email beats a role, which beats '*'.
_BY_USER, _BY_ROLE, _BY_EVERYONE = 2, 1, 0


def _matches(goals: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Every (goal row, user) pair the row's owner names, with how specific the naming is."""
    owner = goals[G.owner].str.strip()
    rows = goals.assign(_order=np.arange(len(goals)), _id=to_18(owner.where(owner.str.match(r"^005\w{12}(\w{3})?$"))),
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
    return matched.rename(columns={U.Id: USER_ID})[[USER_ID, G.metric, G.period, G.target, RANK, "_order"]]


def user_targets(goals: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Each user's target per (metric, period): the most specific row naming the user wins, decided separately
    for each (metric, period); among rows equally specific, the later row in the file. No row, no target."""
    matched = _matches(goals, people).sort_values([RANK, "_order"])
    best = matched.drop_duplicates([USER_ID, G.metric, G.period], keep="last")
    return best.drop(columns="_order").reset_index(drop=True)


def named_users(goals: pd.DataFrame, people: pd.DataFrame) -> pd.Index:
    """Users that a goal names by Id, email or role (a '*' row alone names nobody in particular)."""
    matched = _matches(goals, people)
    return pd.Index(matched.loc[matched[RANK] > _BY_EVERYONE, USER_ID].unique())


def target(targets: pd.DataFrame, metric: str, period: str) -> pd.Series:
    """User id -> target for one metric and period (users without one are absent)."""
    rows = targets.loc[(targets[G.metric] == metric) & (targets[G.period] == period)]
    return rows.set_index(USER_ID)[G.target]
