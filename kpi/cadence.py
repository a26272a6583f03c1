"""Working the lead by the book: the cadence of calls and emails a lead gets before it is qualified out, and the
calls and emails logged before a lead's status moves forward (issue 11, "Working the lead by the book")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.activity import CREATED_DAY, DAY, DONE_AT, KIND, ROW, ActivityKind
from kpi.funnel import LEAD, LEAD_ID, OWNER_ID, REACHED_AT, STAGE, Stage, StageRules, owner_at, owner_change_rows
from kpi.ids import without_queues
from kpi.lookup import among, isin, positions, remap
from kpi.people import zone_of
from kpi.periods import Period, end_of_local_day, local_day
from kpi.schema import Activities, LeadHistory, Leads

A, H, L = Activities, LeadHistory, Leads

TOUCH_KINDS = (ActivityKind.CALL.value, ActivityKind.EMAIL.value)  # what a touch is: a completed call or email
# Columns of `touches` besides the activity's Id and OwnerId.
WHO_ID = A.WhoId
# Columns of `lead_states`, `qualified_out`, `cadence` and `logging_gaps`.
STATUS, CONVERTED, REASON = "status", "converted", "reason"
QUALIFIED_OUT_AT, TOUCHES, FIRST_TOUCH_DAY, BUSINESS_DAYS, MET = (
    "qualified_out_at", "touches", "first_touch_day", "business_days", "cadence_met")
WINDOW_START, LAST_TOUCH_AT = "window_start", "last_touch_at"
QUALIFIED_OUT, MISSES, GAPS = "qualified_out_qtd", "cadence_misses_qtd", "logging_gaps_qtd"  # per-ADR counts


@dataclass(frozen=True)
class LeadProcessRules:
    """The agreed way of working a lead: at least `min_touches` calls or emails over at least `min_business_days`
    business days before it is qualified out (a Lead Status in `closed_statuses`, with the reason in the Lead field
    `reason_field`), and a call or email logged in the `logging_days` business days before its status moves on."""

    min_touches: int = 6
    min_business_days: int = 10
    logging_days: int = 5
    closed_statuses: tuple[str, ...] = ("Closed - Not Converted", "Unqualified", "Disqualified")
    reason_field: str = L.Disqualified_Reason__c

    def __post_init__(self) -> None:
        if min(self.min_touches, self.min_business_days, self.logging_days) < 0:
            raise ValueError(f"min_touches, min_business_days and logging_days must be 0 or more, not "
                             f"{self.min_touches}, {self.min_business_days} and {self.logging_days}")


def rule(rules: LeadProcessRules = LeadProcessRules()) -> str:
    """The lead-process rules in words, as `rules` set them (the glossary shows the settings in force)."""
    return (f"A lead is qualified out by the first LeadHistory Status change into a closed status "
            f"({', '.join(rules.closed_statuses)}) that no conversion followed by the as-of date, at that moment, for "
            f"the owner then; its reason is Lead.{rules.reason_field}. The cadence is met when at least "
            f"{rules.min_touches} completed calls or emails (Task WhoId = the lead) were done at or before that "
            f"moment and the first of them came at least {rules.min_business_days} business days (Monday-Friday) "
            f"before the qualified-out day. A logging gap: a lead reached SAL or SQL (a LeadHistory moment) with no "
            f"completed call or email on it done at or before that moment on a day from {rules.logging_days} "
            f"business days before the day it moved.")


RULE = rule()


def touches(counted: pd.DataFrame, activities: pd.DataFrame, who_ids: pd.Series, as_of: pd.Timestamp) -> pd.DataFrame:
    """The completed calls and emails on these leads or contacts (Task WhoId) done on a day up to `as_of` and logged
    by then (`counted`: activity.counted_activities of `activities`). Columns: WhoId, Id (the task's), OwnerId (who
    did it), kind, day, done_at."""
    if not len(who_ids):  # nobody to look for: no pass over every activity
        counted = counted.iloc[0:0]
    on = among(activities[A.WhoId], who_ids) if len(who_ids) else np.zeros(len(activities), bool)
    rows = counted[ROW].to_numpy()
    picked = counted.loc[on[rows] & isin(counted[KIND], TOUCH_KINDS) & (counted[DAY] <= as_of).to_numpy()
                         & (counted[CREATED_DAY] <= as_of).to_numpy()]
    rows = picked[ROW].to_numpy()
    return pd.DataFrame({WHO_ID: activities[A.WhoId].array[rows], A.Id: activities[A.Id].array[rows],
                         A.OwnerId: activities[A.OwnerId].array[rows], KIND: picked[KIND].astype(str).array,
                         DAY: picked[DAY].array, DONE_AT: picked[DONE_AT].array})


def history_of(leads: pd.DataFrame, lead_history: pd.DataFrame) -> pd.DataFrame:
    """The history rows of these leads, with each row's lead position (funnel.LEAD) in `leads`."""
    if leads.empty:
        return lead_history.iloc[0:0].assign(**{LEAD: np.zeros(0, int)})
    where = positions(lead_history[H.LeadId], leads[L.Id])
    return lead_history.loc[where >= 0].assign(**{LEAD: where[where >= 0]})




def lead_states(leads: pd.DataFrame, lead_history: pd.DataFrame, owner_zones: pd.Series, as_of: pd.Timestamp,
                stage_rules: StageRules = StageRules()) -> pd.DataFrame:
    """Each of `leads` as it stood at the end of `as_of`: its owner then (read at the end of the day in the current
    owner's zone; NA: a queue), its status then (at the end of the day in that owner's zone; the OldValue of the
    first Status change after it, else the current Status) and whether it was converted by then.
    Columns: LeadId, OwnerId, status, converted."""
    leads = leads.reset_index(drop=True)
    history, lead = history_of(leads, lead_history), np.arange(len(leads))
    days = pd.Series(as_of, index=leads.index)
    first_end = end_of_local_day(days, zone_of(leads[L.OwnerId], owner_zones))
    owners = without_queues(owner_at(lead, first_end, leads[L.OwnerId].to_numpy(dtype=object),
                             owner_change_rows(history, stage_rules)))
    day_end = end_of_local_day(days, zone_of(owners, owner_zones))
    status_rows = history.loc[isin(history[H.Field], stage_rules.status_fields)]
    status = owner_at(lead, day_end, leads[L.Status].to_numpy(dtype=object),
                      status_rows.assign(**{H.OldValue: status_rows[H.OldValue].fillna("")}))
    converted = leads[L.IsConverted] & (leads[L.ConvertedDate].isna() | (leads[L.ConvertedDate] <= as_of))
    return pd.DataFrame({LEAD_ID: leads[L.Id], OWNER_ID: owners.to_numpy(), STATUS: status,
                         CONVERTED: converted.to_numpy(bool)})


def reasons(leads: pd.DataFrame, rules: LeadProcessRules = LeadProcessRules()) -> pd.Series:
    """Lead id -> why it was qualified out: the lead's `reason_field` (NA when the table has no such column)."""
    field = rules.reason_field
    values = leads[field].astype("str") if field in leads.columns else pd.Series(pd.NA, index=leads.index, dtype="str")
    return pd.Series(values.to_numpy(), index=pd.Index(leads[L.Id], name=LEAD_ID), dtype="str")


def qualified_out(leads: pd.DataFrame, lead_history: pd.DataFrame, owner_zones: pd.Series, as_of: pd.Timestamp,
                  rules: LeadProcessRules = LeadProcessRules(), stage_rules: StageRules = StageRules(),
                  since: pd.Timestamp | None = None) -> pd.DataFrame:
    """The leads qualified out by the end of `as_of` (and, given `since`, on or after that day): their first
    LeadHistory Status change into a closed status, unless the lead was converted by `as_of`. The moment
    (`qualified_out_at`), the ADR (the owner then; NA: a queue), the day in that ADR's zone, the closed status and
    the reason (RULE). A lead with no such history row has no moment and is not here. Columns: LeadId, OwnerId,
    qualified_out_at, day, status, reason."""
    into = lead_history.loc[isin(lead_history[H.NewValue], rules.closed_statuses)]  # few rows: then the field
    closing = into.loc[isin(into[H.Field], stage_rules.status_fields)]
    first = closing.sort_values(H.CreatedDate, kind="stable").drop_duplicates(H.LeadId)
    if since is not None:  # a day earlier in UTC is earlier in every zone
        first = first.loc[(first[H.CreatedDate] >= (since - pd.Timedelta(days=1)).tz_localize("UTC")).to_numpy()]
    leads = leads.loc[among(leads[L.Id], first[H.LeadId])].reset_index(drop=True)
    first = history_of(leads, first)
    converted = (leads[L.IsConverted] & (leads[L.ConvertedDate].isna() | (leads[L.ConvertedDate] <= as_of))).to_numpy()
    first = first.loc[~converted[first[LEAD].to_numpy()]]
    # Only the owner changes of these leads are read, not their whole history.
    moves = lead_history.loc[isin(lead_history[H.Field], stage_rules.owner_fields)]
    history = history_of(leads, moves)
    owners = without_queues(owner_at(first[LEAD].to_numpy(), first[H.CreatedDate], leads[L.OwnerId].to_numpy(dtype=object),
                             owner_change_rows(history, stage_rules)))
    moment = first[H.CreatedDate].reset_index(drop=True)
    out = pd.DataFrame({LEAD_ID: leads[L.Id].to_numpy(dtype=object)[first[LEAD].to_numpy()], OWNER_ID: owners,
                        QUALIFIED_OUT_AT: moment, DAY: local_day(moment, zone_of(owners, owner_zones)),
                        STATUS: first[H.NewValue].to_numpy()}).astype({LEAD_ID: "str"})
    out[REASON] = remap(out[LEAD_ID], reasons(leads, rules))
    return out.loc[(out[DAY] <= as_of) & (out[DAY] >= since if since is not None else True)].reset_index(drop=True)


def cadence(qualified: pd.DataFrame, counted: pd.DataFrame, activities: pd.DataFrame, as_of: pd.Timestamp,
            rules: LeadProcessRules = LeadProcessRules()) -> pd.DataFrame:
    """`qualified_out` with the calls and emails each lead got at or before it was qualified out: how many
    (`touches`), the first one's day, the business days from that day to the qualified-out day (numpy busday_count,
    Monday-Friday; NaN without a touch) and whether the cadence was met (RULE)."""
    done = touches(counted, activities, qualified[LEAD_ID], as_of).rename(columns={WHO_ID: LEAD_ID})
    pairs = qualified[[LEAD_ID, QUALIFIED_OUT_AT]].merge(done[[LEAD_ID, DONE_AT, DAY]], on=LEAD_ID)
    before = pairs.loc[pairs[DONE_AT] <= pairs[QUALIFIED_OUT_AT]].groupby(LEAD_ID)
    ids = qualified[LEAD_ID].to_numpy()
    out = qualified.assign(**{TOUCHES: before.size().reindex(ids, fill_value=0).to_numpy().astype(int),
                              FIRST_TOUCH_DAY: before[DAY].min().reindex(ids).to_numpy()})
    known = out[FIRST_TOUCH_DAY].notna().to_numpy() & out[DAY].notna().to_numpy()
    days = np.full(len(out), np.nan)
    days[known] = np.busday_count(out[FIRST_TOUCH_DAY].to_numpy()[known].astype("datetime64[D]"),
                                  out[DAY].to_numpy()[known].astype("datetime64[D]"))
    out[BUSINESS_DAYS] = days
    out[MET] = (out[TOUCHES] >= rules.min_touches).to_numpy() & (np.nan_to_num(days, nan=-1) >= rules.min_business_days)
    return out


def cadence_misses(rows: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The leads of `cadence` qualified out on a day of `period` by an ADR without meeting the cadence."""
    return rows.loc[period.contains(rows[DAY]) & rows[OWNER_ID].notna() & ~rows[MET]]


def miss_counts(rows: pd.DataFrame, period: Period) -> pd.Series:
    """Per ADR (index OwnerId): leads qualified out in `period` without meeting the cadence (`cadence_misses_qtd`
    over the quarter to date). A team's is the sum over its reps."""
    return cadence_misses(rows, period).groupby(OWNER_ID).size().rename(MISSES)


def touches_of(rows: pd.DataFrame, counted: pd.DataFrame, activities: pd.DataFrame,
               as_of: pd.Timestamp) -> pd.DataFrame:
    """The calls and emails behind `cadence` rows (e.g. the misses): those on each lead done at or before its
    qualified-out moment, oldest first. Columns: LeadId, Id, OwnerId, kind, day, done_at."""
    done = touches(counted, activities, rows[LEAD_ID], as_of).rename(columns={WHO_ID: LEAD_ID})
    pairs = done.merge(rows[[LEAD_ID, QUALIFIED_OUT_AT]], on=LEAD_ID)
    return (pairs.loc[pairs[DONE_AT] <= pairs[QUALIFIED_OUT_AT]].drop(columns=QUALIFIED_OUT_AT)
            .sort_values([LEAD_ID, DONE_AT], kind="stable").reset_index(drop=True))


def logging_gaps(stages: pd.DataFrame, counted: pd.DataFrame, activities: pd.DataFrame, period: Period,
                 as_of: pd.Timestamp, rules: LeadProcessRules = LeadProcessRules()) -> pd.DataFrame:
    """Leads whose status moved forward (reached SAL or SQL at a LeadHistory moment, `stages` =
    funnel.stages_reached) on a day of `period` up to `as_of` while an ADR owned them, with no completed call or
    email on the lead done at or before that moment on a day from `window_start` = np.busday_offset(day,
    -logging_days, roll='backward'). Columns: LeadId, stage, reached_at, day, OwnerId, window_start,
    last_touch_at (the latest call or email before the moment, any day; NaT: none)."""
    moved = stages.loc[isin(stages[STAGE], (Stage.SAL.value, Stage.SQL.value)) & stages[REACHED_AT].notna().to_numpy()
                       & period.contains(stages[DAY]).to_numpy() & (stages[DAY] <= as_of).to_numpy()
                       & stages[OWNER_ID].notna().to_numpy()].reset_index(drop=True)
    moved[WINDOW_START] = pd.Series(np.busday_offset(moved[DAY].to_numpy().astype("datetime64[D]"),
                                                     -rules.logging_days, roll="backward"), dtype="datetime64[us]")
    done = touches(counted, activities, moved[LEAD_ID], as_of).rename(columns={WHO_ID: LEAD_ID})
    pairs = moved[[LEAD_ID, STAGE, REACHED_AT, WINDOW_START]].merge(done[[LEAD_ID, DAY, DONE_AT]], on=LEAD_ID)
    pairs = pairs.loc[pairs[DONE_AT] <= pairs[REACHED_AT]]
    key = [LEAD_ID, STAGE]
    logged = pairs.loc[pairs[DAY] >= pairs[WINDOW_START], key].drop_duplicates()
    last = pairs.groupby(key, observed=True)[DONE_AT].max().rename(LAST_TOUCH_AT).reset_index()
    out = moved.merge(logged.assign(_logged=True), on=key, how="left").merge(last, on=key, how="left")
    return out.loc[out["_logged"].isna(), [*moved.columns, LAST_TOUCH_AT]].reset_index(drop=True)


def gap_counts(gaps_rows: pd.DataFrame) -> pd.Series:
    """Logging gaps per ADR (index OwnerId)."""
    return gaps_rows.groupby(OWNER_ID).size().rename(GAPS)


def gaps(leads: pd.DataFrame, rules: LeadProcessRules = LeadProcessRules()) -> list[str]:
    """What the data lacks for the qualified-out reasons, with what to export or configure."""
    field = rules.reason_field
    if field in leads.columns and leads[field].notna().any():
        return []
    what = "is not in the Leads table" if field not in leads.columns else "is empty for every lead"
    return [f"Lead.{field} {what}, so qualified-out leads show no reason: export Lead.{field}, map your org's "
            f"disqualification reason field to {L.Disqualified_Reason__c} in mapping.toml [leads], or name a Lead "
            "field that holds the reason under [lead_process] reason_field in settings.toml"]
