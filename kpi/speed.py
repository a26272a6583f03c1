"""Speed to lead: business hours from the moment a lead became an MQL to its first call or email, the SLA on
it, and the MQLs still waiting for a first touch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

import numpy as np
import pandas as pd

from kpi.activity import CREATED_DAY, DONE_AT, KIND, ROW, ActivityKind
from kpi.funnel import (DAY, LEAD, LEAD_ID, OWNER_ID, REACHED_AT, STAGE, Stage, StageRules, owner_at,
                        owner_change_rows)
from kpi.ids import without_queues
from kpi.lookup import among, isin, positions
from kpi.people import zone_of
from kpi.periods import Period, end_of_local_day
from kpi.schema import Activities, LeadHistory, Leads

A, H, L = Activities, LeadHistory, Leads

# Columns of the per-lead tables (`lead_speeds`, `untouched_mqls`), besides LeadId and OwnerId.
MQL_AT, FIRST_TOUCH_AT, FIRST_TOUCH_ID = "mql_at", "first_touch_at", "first_touch_id"
HOURS, AGE_HOURS, BREACH = "hours", "age_hours", "breach"
# The summary keys (DESIGN.md "Lead funnel") these figures fill.
MEDIAN, P90, BREACHES, UNTOUCHED = "speed_to_lead_median_h", "speed_to_lead_p90_h", "sla_breaches_qtd", "untouched_mql"

_US_PER_DAY, _US_PER_HOUR = 86_400_000_000, 3_600_000_000
_END = "_end"  # the end of the as-of day in the owner's zone, per lead


def _microseconds(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


@dataclass(frozen=True)
class BusinessHours:
    """The working week: `weekdays` (Monday = 0) from `start` to `end` on the wall clock of a time zone."""

    weekdays: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: time = time(9)
    end: time = time(17)

    def __post_init__(self) -> None:
        if not self.weekdays or not set(self.weekdays) <= set(range(7)):
            raise ValueError(f"business weekdays must be some of 0 (Monday) to 6, not {self.weekdays}")
        if self.end <= self.start:
            raise ValueError(f"business hours must end after they start, not {self.start}-{self.end}")

    def weekmask(self) -> list[bool]:
        """Monday to Sunday, which are working days (numpy's busday weekmask)."""
        return [weekday in self.weekdays for weekday in range(7)]


@dataclass(frozen=True)
class SpeedRules:
    """How speed to lead is measured: the working week, the SLA in business hours, and which activity kinds
    are a touch."""

    hours: BusinessHours = field(default_factory=BusinessHours)
    sla_hours: float = 1.0
    touch_kinds: tuple[str, ...] = (ActivityKind.CALL.value, ActivityKind.EMAIL.value)

    @classmethod
    def with_sla(cls, text: str) -> SpeedRules:
        """The default rules with the SLA a user typed (a setting, an option); ValueError when it is no number of
        hours, 0 or more."""
        try:
            hours = float(text)
        except ValueError:
            hours = -1.0
        if not hours >= 0:
            raise ValueError(f"{text!r} is not a number of business hours, 0 or more")
        return cls(sla_hours=hours)


def business_hours_between(start: pd.Series, end: pd.Series, zones: pd.Series,
                           hours: BusinessHours = BusinessHours()) -> pd.Series:
    """Working hours from each start to its end (UTC instants; naive ones are read as UTC), on the wall clock
    of the IANA zone beside them, so daylight saving moves the working day with the clocks.

    NaN where an end or the zone is missing; 0 when the end is not after the start. Aligned by position,
    indexed like `start`.
    """
    first, last = pd.to_datetime(start, utc=True), pd.to_datetime(end, utc=True)
    known = first.notna().to_numpy() & last.notna().to_numpy()
    codes, names = pd.factorize(zones.to_numpy(dtype=object))
    out = np.full(len(first), np.nan)
    for code, zone in enumerate(names):  # one vectorised conversion per time zone, not per row
        rows = np.flatnonzero((codes == code) & known)
        out[rows] = _wall_clock_hours(_wall_clock(first.array[rows], zone), _wall_clock(last.array[rows], zone),
                                      hours)
    return pd.Series(out, index=start.index)


def _wall_clock(instants: pd.api.extensions.ExtensionArray, zone: str) -> np.ndarray:
    """UTC instants as the zone's wall-clock time, in microseconds since 1970-01-01 00:00 on that clock."""
    local = pd.DatetimeIndex(instants).tz_convert(zone).tz_localize(None)
    return local.to_numpy(dtype="datetime64[us]").view(np.int64)


def _wall_clock_hours(start: np.ndarray, end: np.ndarray, hours: BusinessHours) -> np.ndarray:
    """Business hours between wall-clock times: whole working days from start's day up to end's day, plus the
    part of end's day worked before end, less the part of start's day worked before start."""
    mask = hours.weekmask()
    start_day, end_day = start // _US_PER_DAY, end // _US_PER_DAY
    whole = np.busday_count(start_day.astype("datetime64[D]"), end_day.astype("datetime64[D]"), weekmask=mask)
    opens, closes = _microseconds(hours.start), _microseconds(hours.end)

    def worked_before(t: np.ndarray, day: np.ndarray) -> np.ndarray:
        on_a_working_day = np.is_busday(day.astype("datetime64[D]"), weekmask=mask)
        return np.where(on_a_working_day, np.clip(t - day * _US_PER_DAY, opens, closes) - opens, 0)

    span = whole * (closes - opens) + worked_before(end, end_day) - worked_before(start, start_day)
    return np.where(end > start, span, 0) / _US_PER_HOUR



def _touches(counted: pd.DataFrame, activities: pd.DataFrame, lead_ids: pd.Series,
             rules: SpeedRules) -> pd.DataFrame:
    """The completed calls and emails on these leads (unique ids; Task WhoId): when done and logged, and the
    task's id."""
    on_lead = positions(activities[A.WhoId], lead_ids) >= 0  # most activities are on other records
    rows = counted[ROW].to_numpy()
    calls = counted.loc[on_lead[rows] & counted[KIND].isin(rules.touch_kinds).to_numpy()]
    rows = calls[ROW].to_numpy()
    return pd.DataFrame({LEAD_ID: activities[A.WhoId].array[rows], DONE_AT: calls[DONE_AT].array,
                         CREATED_DAY: calls[CREATED_DAY].array, FIRST_TOUCH_ID: activities[A.Id].array[rows]})


def _first_touches(leads: pd.DataFrame, touches: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per lead (LeadId, mql_at, _end), its earliest touch at or after mql_at (any time when mql_at is NaT),
    done before `_end` and logged by `as_of`: LeadId, first_touch_at, first_touch_id."""
    pairs = leads[[LEAD_ID, MQL_AT, _END]].merge(touches, on=LEAD_ID)
    done = pairs[DONE_AT]
    counts = ((pairs[MQL_AT].isna() | (done >= pairs[MQL_AT])) & (done < pairs[_END])
              & (pairs[CREATED_DAY] <= as_of))
    first = pairs.loc[counts].sort_values(DONE_AT, kind="stable").drop_duplicates(LEAD_ID)
    return first[[LEAD_ID, DONE_AT, FIRST_TOUCH_ID]].rename(columns={DONE_AT: FIRST_TOUCH_AT})


def lead_speeds(stages: pd.DataFrame, counted: pd.DataFrame, activities: pd.DataFrame, owner_zones: pd.Series,
                period: Period, as_of: pd.Timestamp, rules: SpeedRules = SpeedRules()) -> pd.DataFrame:
    """Speed to lead of each lead that first reached MQL on a day of `period` (through `as_of`) at a known
    moment (a LeadHistory row: a date-only MQL has none) while a rep owned it, for that rep.

    The first touch is the earliest completed call or email on the lead (Task WhoId) at or after the MQL
    moment, done before the end of `as_of` and logged by then. `hours`: business hours from MQL to first touch
    in the owner's zone. An untouched lead has `age_hours` instead, MQL to the end of `as_of`. `breach`: the
    hours, or the age, exceed the SLA. `stages` is `funnel.stages_reached`, `counted` `activity.counted_activities`
    of `activities`. Columns: LeadId, OwnerId, mql_at, first_touch_at, first_touch_id, hours, age_hours, breach.
    """
    mql = stages.loc[(stages[STAGE] == Stage.MQL) & period.contains(stages[DAY]) & (stages[DAY] <= as_of)
                     & stages[OWNER_ID].notna() & stages[REACHED_AT].notna(), [LEAD_ID, OWNER_ID, REACHED_AT]]
    mql = mql.rename(columns={REACHED_AT: MQL_AT}).reset_index(drop=True)
    zones = zone_of(mql[OWNER_ID], owner_zones)
    mql[_END] = end_of_local_day(pd.Series(as_of, index=mql.index), zones)
    first = _first_touches(mql, _touches(counted, activities, mql[LEAD_ID], rules), as_of)
    rows = mql.merge(first, on=LEAD_ID, how="left")
    untouched = rows[FIRST_TOUCH_AT].isna()
    rows[HOURS] = business_hours_between(rows[MQL_AT], rows[FIRST_TOUCH_AT], zones, rules.hours)
    rows[AGE_HOURS] = business_hours_between(rows[MQL_AT], rows[_END].where(untouched), zones, rules.hours)
    rows[BREACH] = rows[HOURS].fillna(rows[AGE_HOURS]) > rules.sla_hours
    return rows.drop(columns=_END)


def speed_figures(speeds: pd.DataFrame) -> pd.DataFrame:
    """Per owner at MQL (index OwnerId): the median and 90th percentile (linear interpolation, numpy's default)
    of speed to lead over the touched leads (NaN when none is touched), and the SLA breaches (touched or not).
    Owners without an MQL in `speeds` are absent: their breaches are 0 and their median and p90 null."""
    by_owner = speeds.groupby(OWNER_ID)
    return pd.DataFrame({MEDIAN: by_owner[HOURS].median(), P90: by_owner[HOURS].quantile(0.9),
                         BREACHES: by_owner[BREACH].sum().astype(int)})


def pooled_speed_figures(speeds: pd.DataFrame, owners: pd.Index) -> pd.Series:
    """The same figures for a team: over the pooled leads of `owners` (a median of all their leads, not a
    median of the reps' medians); breaches summed."""
    rows = speeds.loc[speeds[OWNER_ID].isin(owners)]
    touched = rows[HOURS].dropna()
    return pd.Series({MEDIAN: touched.median(), P90: touched.quantile(0.9), BREACHES: int(rows[BREACH].sum())})


def untouched_mqls(leads: pd.DataFrame, lead_history: pd.DataFrame, counted: pd.DataFrame,
                   activities: pd.DataFrame, owner_zones: pd.Series, as_of: pd.Timestamp,
                   rules: SpeedRules = SpeedRules(), stage_rules: StageRules = StageRules()) -> pd.DataFrame:
    """The leads in an MQL status at the end of `as_of` with no completed call or email on them since they
    became MQL, for their owner then (NA: a queue, which counts for nobody). The owner is read at the end of
    the day in the current owner's zone; status and touches at the end of the day in that owner's.

    A status is the OldValue of the first Status history row after the moment, else the current Status.
    `mql_at` starts the current MQL spell: the last history row into an MQL status from another status; without
    one, the start of MQL_Date__c (a later date: not yet an MQL), else CreatedDate. `age_hours`: business hours
    from then to the end of `as_of`. Columns: LeadId, OwnerId, mql_at, age_hours.
    """
    leads = leads.loc[_maybe_mql(leads, lead_history, as_of, stage_rules)].reset_index(drop=True)
    where = positions(lead_history[H.LeadId], leads[L.Id])
    history = lead_history.loc[where >= 0].assign(**{LEAD: where[where >= 0]})
    lead = np.arange(len(leads))
    owners, zones, day_end = _owner_at_day_end(leads, history, owner_zones, as_of, stage_rules)
    status_rows = history.loc[isin(history[H.Field], stage_rules.status_fields)]
    status = owner_at(lead, day_end, leads[L.Status].to_numpy(dtype=object),
                      status_rows.assign(**{H.OldValue: status_rows[H.OldValue].fillna("")}))
    since = _mql_spell_start(leads, status_rows, day_end, zones, stage_rules)
    created = leads[L.CreatedDate]
    waiting = (np.isin(status, stage_rules.mql_statuses) & (created.isna() | (created < day_end))
               & (since.isna() | (since < day_end))).to_numpy()
    rows = pd.DataFrame({LEAD_ID: leads[L.Id], OWNER_ID: owners, MQL_AT: since,
                         _END: day_end, "_zone": zones}).loc[waiting].reset_index(drop=True)
    touched = _first_touches(rows, _touches(counted, activities, rows[LEAD_ID], rules), as_of)[LEAD_ID]
    rows = rows.loc[~among(rows[LEAD_ID], touched)].reset_index(drop=True)
    rows[AGE_HOURS] = business_hours_between(rows[MQL_AT], rows[_END], rows["_zone"], rules.hours)
    return rows[[LEAD_ID, OWNER_ID, MQL_AT, AGE_HOURS]]


def _maybe_mql(leads: pd.DataFrame, lead_history: pd.DataFrame, as_of: pd.Timestamp,
               stage_rules: StageRules) -> np.ndarray:
    """A quick superset of the leads in an MQL status at the end of `as_of`: an MQL now, or with a Status
    change since the as-of day began in UTC (no zone's day ends before that)."""
    late = (isin(lead_history[H.Field], stage_rules.status_fields)
            & (lead_history[H.CreatedDate] >= as_of.tz_localize("UTC")).to_numpy())
    changed = lead_history.loc[late, H.LeadId].unique()
    return isin(leads[L.Status], stage_rules.mql_statuses) | isin(leads[L.Id], changed)


def _owner_at_day_end(leads: pd.DataFrame, history: pd.DataFrame, owner_zones: pd.Series, as_of: pd.Timestamp,
                      stage_rules: StageRules) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each lead's owner at the end of `as_of` in its current owner's zone (NA: a queue), that owner's zone
    (UTC for a queue) and the end of `as_of` in it."""
    days = pd.Series(as_of, index=leads.index)
    day_end = end_of_local_day(days, zone_of(leads[L.OwnerId], owner_zones))
    owners = pd.Series(owner_at(np.arange(len(leads)), day_end, leads[L.OwnerId].to_numpy(dtype=object),
                                owner_change_rows(history, stage_rules)), index=leads.index, dtype="str")
    owners = without_queues(owners)
    zones = zone_of(owners, owner_zones)
    return owners, zones, end_of_local_day(days, zones)


def _mql_spell_start(leads: pd.DataFrame, status_rows: pd.DataFrame, day_end: pd.Series, zones: pd.Series,
                     stage_rules: StageRules) -> pd.Series:
    """When each lead last entered an MQL status (from a status that is not one) by its `day_end`; without such
    a history row, the start of its MQL_Date__c in its owner's zone, else its CreatedDate."""
    mql = stage_rules.mql_statuses
    entries = status_rows.loc[isin(status_rows[H.NewValue], mql) & ~isin(status_rows[H.OldValue], mql),
                              [LEAD, H.CreatedDate]].sort_values(H.CreatedDate)
    asks = pd.DataFrame({LEAD: np.arange(len(leads)), "_at": day_end.array}).sort_values("_at")
    found = pd.merge_asof(asks, entries.assign(_at=entries[H.CreatedDate]), on="_at", by=LEAD,
                          direction="backward").set_index(LEAD)[H.CreatedDate].sort_index()
    dated = end_of_local_day(leads[L.MQL_Date__c] - pd.Timedelta(days=1), zones)  # the MQL day's start
    return pd.Series(found.array, index=leads.index).fillna(dated).fillna(leads[L.CreatedDate])


def untouched_counts(untouched: pd.DataFrame) -> pd.Series:
    """Untouched MQLs per owner on the as-of date (index OwnerId; a queue's count for nobody). A team's is
    the sum over its reps."""
    return untouched.groupby(OWNER_ID).size().rename(UNTOUCHED)
