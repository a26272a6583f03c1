"""Who is who: reps, managers, teams, roles and time zones, derived from User and UserRole."""

from __future__ import annotations

from zoneinfo import available_timezones

import pandas as pd

from kpi.lookup import remap
from kpi.periods import local_day
from kpi.schema import UserRoles, Users

U = Users
# Columns of the roster (`roster`), besides Id, Name and Email.
TEAM, ROLE, TIME_ZONE, MANAGER, IS_MANAGER, IS_REP = "team", "role", "time_zone", "manager", "is_manager", "is_rep"
CREATED_DAY = "created_day"  # the day the user was created, in the user's zone
_ZONES = frozenset(available_timezones())


def role_names(users: pd.DataFrame, user_roles: pd.DataFrame) -> pd.Series:
    """Each user's role: the name of the user's UserRole when there is one, else User.Title."""
    names = users[U.UserRoleId].map(user_roles.set_index(UserRoles.Id)[UserRoles.Name]).astype("str")
    return names.fillna(users[U.Title])


def roster(users: pd.DataFrame, user_roles: pd.DataFrame, default_zone: str = "UTC") -> pd.DataFrame:
    """One row per user with team, role, time zone, manager, and whether the user is a manager.

    A manager is a user whom others report to (ManagerId). A user's team is Department when set, else the
    manager's name. Nobody is a rep yet: see `mark_reps`.
    """
    names = users.set_index(U.Id)[U.Name]
    is_manager = users[U.Id].isin(users[U.ManagerId].dropna())
    human = users[U.UserType].isna() | users[U.UserType].eq("Standard")
    zone = users[U.TimeZoneSidKey].where(users[U.TimeZoneSidKey].isin(_ZONES), default_zone)
    manager = users[U.ManagerId].map(names)
    return pd.DataFrame({
        U.Id: users[U.Id], U.Name: users[U.Name], U.Email: users[U.Email], U.IsActive: users[U.IsActive],
        TEAM: users[U.Department].fillna(manager).fillna("No team"), ROLE: role_names(users, user_roles),
        TIME_ZONE: zone, MANAGER: manager, IS_MANAGER: is_manager, "_human": human,
        CREATED_DAY: local_day(users[U.CreatedDate], zone),
    }).reset_index(drop=True)


def mark_reps(people: pd.DataFrame, candidates: pd.Index) -> pd.DataFrame:
    """The roster with `is_rep`: active Standard users, not managers, among `candidates` (users who own
    activities, leads or opportunities, or have a quota or a goal of their own)."""
    is_rep = people[U.IsActive] & people["_human"] & ~people[IS_MANAGER] & people[U.Id].isin(candidates)
    return people.drop(columns="_human").assign(**{IS_REP: is_rep})


def reps(people: pd.DataFrame, team: str | None = None, as_of: pd.Timestamp | None = None) -> pd.DataFrame:
    """The reps, optionally of one team, indexed by user id and ordered by name. With `as_of`, users created
    after that day are left out: figures stand as the data stood then."""
    rows = people.loc[people[IS_REP] & (people[TEAM].eq(team) if team else True)
                      & (people[CREATED_DAY].isna() | (people[CREATED_DAY] <= as_of) if as_of is not None else True)]
    return rows.set_index(U.Id).sort_values(U.Name)


def zones(people: pd.DataFrame) -> pd.Series:
    """User id -> time zone, for converting instants to each owner's day."""
    return people.set_index(U.Id)[TIME_ZONE]


def teams_of(people: pd.DataFrame) -> pd.Series:
    """User id -> team."""
    return people.set_index(U.Id)[TEAM]


def teams(people: pd.DataFrame) -> list[str]:
    """Team names that have at least one rep, in alphabetical order."""
    return sorted(people.loc[people[IS_REP], TEAM].unique())


def zone_of(owner_ids: pd.Series, owner_zones: pd.Series) -> pd.Series:
    """Each owner's time zone (`owner_zones`: user id -> zone, as `zones` gives); UTC for a queue or an unknown
    user."""
    return remap(owner_ids, owner_zones).fillna("UTC")
