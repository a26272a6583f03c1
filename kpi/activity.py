"""Prospecting activity: calls, emails and meetings, each on its day in the owner's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from kpi.lookup import isin, lowered, remap
from kpi.periods import Period, local_day
from kpi.schema import Activities

A = Activities


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MEETING = "meeting"


KINDS = [k.value for k in ActivityKind]
KIND_DTYPE = pd.CategoricalDtype(KINDS)
# Columns of the counted-activities table (`counted_activities`).
KIND, DAY, DONE_AT, CREATED_DAY, ROW, IS_EVENT = "kind", "day", "done_at", "created_day", "row", A.IsEvent


@dataclass(frozen=True)
class ActivityRules:
    """Which field values name an activity kind (compared without regard to case)."""

    subtypes: tuple[tuple[str, ActivityKind], ...] = (
        ("call", ActivityKind.CALL), ("email", ActivityKind.EMAIL), ("listemail", ActivityKind.EMAIL))
    types: tuple[tuple[str, ActivityKind], ...] = (
        ("call", ActivityKind.CALL), ("email", ActivityKind.EMAIL), ("meeting", ActivityKind.MEETING))
    subject_prefixes: tuple[tuple[str, ActivityKind], ...] = (
        ("call", ActivityKind.CALL), ("email", ActivityKind.EMAIL))
    completed_statuses: tuple[str, ...] = ("completed",)


def activity_kind(activities: pd.DataFrame, rules: ActivityRules = ActivityRules()) -> pd.Series:
    """Each activity's kind: an Event is a meeting; a Task's kind comes from the first of TaskSubtype, Type,
    Subject prefix that names one. A value outside the lists does not decide; undecided Tasks are NA."""
    codes = np.array(remap(activities[A.TaskSubtype], _codes(rules.subtypes), lowered), dtype=float)
    undecided = np.isnan(codes)
    codes[undecided] = np.array(remap(activities[A.Type][undecided], _codes(rules.types), lowered), dtype=float)
    undecided = np.isnan(codes) & ~activities[A.IsEvent].to_numpy()
    subject = activities[A.Subject][undecided].str.lstrip().str.lower()  # only the Tasks no field decided
    for prefix, kind in reversed(rules.subject_prefixes):  # reversed: the first matching prefix is written last
        named = subject.str.startswith(prefix).to_numpy(bool, na_value=False)
        codes[np.flatnonzero(undecided)[named]] = KINDS.index(kind.value)
    codes[activities[A.IsEvent].to_numpy()] = KINDS.index(ActivityKind.MEETING.value)
    return pd.Series(pd.Categorical.from_codes(np.nan_to_num(codes, nan=-1).astype(int), dtype=KIND_DTYPE),
                     index=activities.index)


def _codes(pairs: tuple[tuple[str, ActivityKind], ...]) -> dict[str, int]:
    return {name: KINDS.index(kind.value) for name, kind in pairs}


def is_completed(activities: pd.DataFrame, rules: ActivityRules = ActivityRules()) -> pd.Series:
    """Events always count; a Task counts when its Status is 'Completed' or it is closed."""
    done = isin(activities[A.Status], rules.completed_statuses, lowered)
    return activities[A.IsEvent] | activities[A.IsClosed] | done


def counted_activities(activities: pd.DataFrame, owner_zones: pd.Series,
                       rules: ActivityRules = ActivityRules()) -> pd.DataFrame:
    """The completed calls, emails and meetings, each with its kind, its day and the instant it was done.

    `owner_zones` maps a user id to its time zone. The day is CompletedDateTime (Event: StartDateTime) in the
    owner's zone, else ActivityDate, else CreatedDate in the owner's zone. `created_day` (the owner's day of
    CreatedDate) lets an as-of view ignore records logged later; `row` is the record's position in
    `activities` (see `details`).
    """
    kind = activity_kind(activities, rules)
    keep = kind.notna().to_numpy() & is_completed(activities, rules).to_numpy()
    # Only typed columns are copied: the owner as a category, the rest found through `row` when shown.
    owner = activities[A.OwnerId].astype("category")[keep]
    zones = remap(owner, owner_zones)
    is_event = activities[A.IsEvent][keep]
    done_at = activities[A.CompletedDateTime][keep].where(~is_event, activities[A.StartDateTime][keep])
    created = activities[A.CreatedDate][keep]
    created_day = local_day(created, zones)
    day = local_day(done_at, zones).fillna(activities[A.ActivityDate][keep]).fillna(created_day)
    return pd.DataFrame({
        ROW: np.flatnonzero(keep), A.OwnerId: owner, IS_EVENT: is_event, KIND: kind[keep], DAY: day,
        DONE_AT: done_at.fillna(created), CREATED_DAY: created_day.fillna(day),
    }).reset_index(drop=True)


def details(counted: pd.DataFrame, activities: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Counted activities with more of their record's columns (Id, Subject, WhoId...), for drill-downs."""
    picked = activities[columns].iloc[counted[ROW].to_numpy()].set_axis(counted.index)
    return pd.concat([picked, counted.drop(columns=[ROW])], axis=1)


def activities_in(counted: pd.DataFrame, period: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """The counted activities on a day of `period` that were logged by the end of `as_of`."""
    return counted.loc[period.contains(counted[DAY]) & (counted[CREATED_DAY] <= as_of)]


def activity_counts(counted: pd.DataFrame, period: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """Calls, emails, meetings and activities (their sum) per owner over the period."""
    rows = activities_in(counted, period, as_of)
    counts = pd.crosstab(rows[A.OwnerId], rows[KIND], dropna=False).reindex(columns=KINDS, fill_value=0)
    counts.columns = [f"{k}s" for k in KINDS]
    counts["activities"] = counts.sum(axis=1)
    return counts


def daily_activity(counted: pd.DataFrame, period: Period, as_of: pd.Timestamp, owners: pd.Index) -> pd.DataFrame:
    """Calls, emails and meetings per business day of the period, summed over `owners` (0 on quiet days)."""
    rows = activities_in(counted, period, as_of)
    rows = rows.loc[rows[A.OwnerId].isin(owners)]
    business_days = period.days()[period.days().day_of_week < 5]
    daily = pd.crosstab(rows[DAY], rows[KIND], dropna=False).reindex(index=business_days, columns=KINDS, fill_value=0)
    daily.columns = [f"{k}s" for k in KINDS]
    return daily.rename_axis("day")
