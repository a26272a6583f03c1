"""The lead funnel: when each lead first reached MQL, SAL and SQL, and whose it was then."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from kpi.ids import QUEUE_PREFIX, to_18
from kpi.periods import Period, end_of_local_day, local_day
from kpi.schema import DATE_DTYPE, DATETIME_DTYPE, LeadHistory, Leads

L, H = Leads, LeadHistory


class Stage(StrEnum):
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"


STAGES = [s.value for s in Stage]
# Columns of the stage-reached table (`stages_reached`).
LEAD_ID, STAGE, REACHED_AT, DAY, OWNER_ID = "LeadId", "stage", "reached_at", "day", "OwnerId"


@dataclass(frozen=True)
class StageRules:
    """Lead Status values that mean each stage, and the fields that name status and owner in history."""

    mql_statuses: tuple[str, ...] = ("MQL", "Marketing Qualified")
    sal_statuses: tuple[str, ...] = ("SAL", "Sales Accepted", "Accepted")
    sql_statuses: tuple[str, ...] = ("SQL", "Sales Qualified", "Qualified")
    status_fields: tuple[str, ...] = ("Status", "Lead Status")
    owner_fields: tuple[str, ...] = ("Owner", "OwnerId", "Lead Owner")

    def stage_of_status(self) -> dict[str, str]:
        return {status: stage for stage, statuses in ((Stage.MQL, self.mql_statuses), (Stage.SAL, self.sal_statuses),
                                                      (Stage.SQL, self.sql_statuses)) for status in statuses}


_DATE_FIELDS = {Stage.MQL: L.MQL_Date__c, Stage.SAL: L.SAL_Date__c, Stage.SQL: L.SQL_Date__c}


def _first_reach_from_history(lead_history: pd.DataFrame, rules: StageRules) -> pd.DataFrame:
    """The first Status change into each stage, per lead and stage (LeadId, stage, reached_at)."""
    status_rows = lead_history.loc[lead_history[H.Field].isin(rules.status_fields)]
    stage = status_rows[H.NewValue].map(rules.stage_of_status())
    firsts = (status_rows.assign(**{STAGE: stage}).dropna(subset=[STAGE])
              .groupby([H.LeadId, STAGE])[H.CreatedDate].min().rename(REACHED_AT).reset_index())
    return firsts


def _first_reach_from_fields(leads: pd.DataFrame) -> pd.DataFrame:
    """Stage dates from MQL_Date__c / SAL_Date__c / SQL_Date__c; a converted lead with no SQL date is SQL on
    its ConvertedDate (LeadId, stage, day)."""
    sql_date = leads[L.SQL_Date__c].fillna(leads[L.ConvertedDate].where(leads[L.IsConverted]))
    dated = pd.DataFrame({LEAD_ID: leads[L.Id], Stage.MQL.value: leads[L.MQL_Date__c],
                          Stage.SAL.value: leads[L.SAL_Date__c], Stage.SQL.value: sql_date})
    return dated.melt(id_vars=LEAD_ID, var_name=STAGE, value_name=DAY).dropna(subset=[DAY])


def owner_change_rows(lead_history: pd.DataFrame, rules: StageRules) -> pd.DataFrame:
    """The id rows of owner changes (Salesforce writes each change twice: with names and with ids)."""
    owner_rows = lead_history.loc[lead_history[H.Field].isin(rules.owner_fields)]
    id_rows = owner_rows.loc[owner_rows[H.DataType].eq("EntityId").fillna(False)
                             | (owner_rows[H.DataType].isna() & owner_rows[H.OldValue].str.match(r"^00[5G]\w{12}(\w{3})?$").fillna(False))]
    return id_rows.assign(**{H.OldValue: to_18(id_rows[H.OldValue])})


def owner_at(lead_ids: pd.Series, moments: pd.Series, current_owner: pd.Series,
             owner_changes: pd.DataFrame) -> pd.Series:
    """Each lead's owner at a moment: the OldValue of its first owner change after the moment, else its
    current owner (`current_owner` maps lead id to OwnerId)."""
    keys = {LEAD_ID: "str", "at": DATETIME_DTYPE}
    asks = pd.DataFrame({LEAD_ID: lead_ids.to_numpy(), "at": moments.to_numpy(), "_row": range(len(lead_ids))})
    changes = (owner_changes[[H.LeadId, H.CreatedDate, H.OldValue]]
               .rename(columns={H.LeadId: LEAD_ID, H.CreatedDate: "at"}).astype(keys).sort_values("at"))
    found = pd.merge_asof(asks.astype(keys).sort_values("at"), changes, on="at", by=LEAD_ID,
                          direction="forward", allow_exact_matches=False).sort_values("_row")
    owners = found[H.OldValue].fillna(found[LEAD_ID].map(current_owner))
    return pd.Series(owners.to_numpy(), index=lead_ids.index, dtype="str")


def stages_reached(leads: pd.DataFrame, lead_history: pd.DataFrame, owner_zones: pd.Series,
                   rules: StageRules = StageRules()) -> pd.DataFrame:
    """One row per lead and stage it ever reached: the first moment (NaT when only a date field says it),
    the day (in the owner's time zone), and the owner then (NA when a queue owned it).

    Per lead and stage, LeadHistory's first Status change into the stage wins; without one, the stage's date
    field; for SQL, finally the ConvertedDate of a converted lead.
    """
    history = lead_history.loc[lead_history[H.LeadId].isin(leads[L.Id])]
    from_history = _first_reach_from_history(history, rules)
    from_fields = _first_reach_from_fields(leads)
    known = pd.MultiIndex.from_frame(from_history[[LEAD_ID, STAGE]])
    from_fields = from_fields.loc[~pd.MultiIndex.from_frame(from_fields[[LEAD_ID, STAGE]]).isin(known)]
    current_owner = leads.set_index(L.Id)[L.OwnerId]

    # A date-only stage is placed at the end of its day, in the current owner's zone, to find the owner then.
    current_zones = from_fields[LEAD_ID].map(current_owner).map(owner_zones).fillna("UTC")
    date_only_end = end_of_local_day(from_fields[DAY], current_zones)
    reached = pd.concat([
        from_history.assign(**{DAY: pd.NaT, "_at": from_history[REACHED_AT]}),
        from_fields.assign(**{REACHED_AT: pd.NaT, "_at": date_only_end}),
    ], ignore_index=True).astype({REACHED_AT: DATETIME_DTYPE, "_at": DATETIME_DTYPE, DAY: DATE_DTYPE})
    owners = owner_at(reached[LEAD_ID], reached["_at"], current_owner, owner_change_rows(history, rules))
    reached[OWNER_ID] = owners.mask(owners.str.startswith(QUEUE_PREFIX).fillna(True))
    timed = reached[REACHED_AT].notna()
    zones = reached[OWNER_ID].map(owner_zones).fillna("UTC")
    reached[DAY] = reached[DAY].where(~timed, local_day(reached[REACHED_AT], zones))
    return reached.drop(columns="_at")[[LEAD_ID, STAGE, REACHED_AT, DAY, OWNER_ID]]


def stage_counts(reached: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Leads that first reached each stage on a day of the period, per owner then (columns mql, sal, sql)."""
    rows = reached.loc[period.contains(reached[DAY]) & reached[OWNER_ID].notna()]
    return (pd.crosstab(rows[OWNER_ID], rows[STAGE]).reindex(columns=STAGES, fill_value=0))


def stage_leads(reached: pd.DataFrame, leads: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The records behind `stage_counts`: each lead with the stage, day and owner it is counted for."""
    rows = reached.loc[period.contains(reached[DAY]) & reached[OWNER_ID].notna()]
    details = leads[[L.Id, L.Name, L.Company, L.Status, L.LeadSource]].rename(columns={L.Id: LEAD_ID})
    return rows.merge(details, on=LEAD_ID, how="left")


def weekly_stage_counts(reached: pd.DataFrame, period: Period, owners: pd.Index) -> pd.DataFrame:
    """Leads first reaching each stage per ISO week (indexed by the week's Monday) of the period, for `owners`."""
    rows = reached.loc[period.contains(reached[DAY]) & reached[OWNER_ID].isin(owners)]
    mondays = pd.date_range(period.start - pd.Timedelta(days=period.start.weekday()), period.end, freq="W-MON")
    week = rows[DAY] - pd.to_timedelta(rows[DAY].dt.day_of_week, unit="D")
    counts = pd.crosstab(week, rows[STAGE], dropna=False).reindex(index=mondays, columns=STAGES, fill_value=0)
    return counts.rename_axis("week")
