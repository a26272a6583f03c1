"""Prospecting activity: calls, emails and meetings, each on its day in the owner's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

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
KIND, DAY, DONE_AT, IS_EVENT = "kind", "day", "done_at", A.IsEvent


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
    kind = pd.Series(pd.NA, index=activities.index, dtype="object")
    for column, mapping in ((A.TaskSubtype, rules.subtypes), (A.Type, rules.types)):
        named = activities[column].str.strip().str.lower().map(dict(mapping))
        kind = kind.fillna(named)
    subject = activities[A.Subject].str.lstrip().str.lower()
    for prefix, prefix_kind in rules.subject_prefixes:
        kind = kind.mask(kind.isna() & subject.str.startswith(prefix).fillna(False), prefix_kind.value)
    kind = kind.mask(activities[A.IsEvent], ActivityKind.MEETING.value)
    return kind.astype(KIND_DTYPE)


def is_completed(activities: pd.DataFrame, rules: ActivityRules = ActivityRules()) -> pd.Series:
    """Events always count; a Task counts when its Status is 'Completed' or it is closed."""
    done = activities[A.Status].str.strip().str.lower().isin(rules.completed_statuses)
    return activities[A.IsEvent] | activities[A.IsClosed] | done


def counted_activities(activities: pd.DataFrame, owner_zones: pd.Series,
                       rules: ActivityRules = ActivityRules()) -> pd.DataFrame:
    """The completed calls, emails and meetings, each with its kind, its day and the instant it was done.

    `owner_zones` maps a user id to its time zone. The day is CompletedDateTime (Event: StartDateTime) in the
    owner's zone, else ActivityDate, else CreatedDate in the owner's zone. `created_day` (the owner's day of
    CreatedDate) lets an as-of view ignore records logged later.
    """
    kind = activity_kind(activities, rules)
    keep = kind.notna() & is_completed(activities, rules)
    rows = activities.loc[keep]
    zones = rows[A.OwnerId].map(owner_zones)
    done_at = rows[A.CompletedDateTime].where(~rows[A.IsEvent], rows[A.StartDateTime])
    created_day = local_day(rows[A.CreatedDate], zones)
    day = local_day(done_at, zones).fillna(rows[A.ActivityDate]).fillna(created_day)
    return pd.DataFrame({
        A.Id: rows[A.Id], A.OwnerId: rows[A.OwnerId], A.WhoId: rows[A.WhoId], A.WhatId: rows[A.WhatId],
        A.Subject: rows[A.Subject], IS_EVENT: rows[A.IsEvent], KIND: kind[keep], DAY: day, DONE_AT: done_at.fillna(rows[A.CreatedDate]),
        "created_day": created_day.fillna(day),
    }).reset_index(drop=True)


def activities_in(counted: pd.DataFrame, period: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """The counted activities on a day of `period` that were logged by the end of `as_of`."""
    return counted.loc[period.contains(counted[DAY]) & (counted["created_day"] <= as_of)]


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
