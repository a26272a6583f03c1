"""The lead funnel: when each lead first reached MQL, SAL and SQL, and whose it was then."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from kpi.ids import to_18, without_queues
from kpi.lookup import among, isin, positions, remap
from kpi.people import zone_of
from kpi.periods import Period, end_of_local_day, local_day
from kpi.schema import DATE_DTYPE, DATETIME_DTYPE, LeadHistory, Leads, Opportunities

L, H, O = Leads, LeadHistory, Opportunities


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


LEAD = "_lead"  # a lead's position in the Lead table: joins on integers, not on id strings


def _first_reach_from_history(history: pd.DataFrame, rules: StageRules) -> pd.DataFrame:
    """The first Status change into each stage, per lead and stage (lead, stage code, reached_at)."""
    status_rows = history.loc[isin(history[H.Field], rules.status_fields)]
    codes = {status: STAGES.index(stage) for status, stage in rules.stage_of_status().items()}
    stage = remap(status_rows[H.NewValue], codes)
    return (status_rows.assign(**{STAGE: stage}).dropna(subset=[STAGE]).astype({STAGE: int})
            .groupby([LEAD, STAGE])[H.CreatedDate].min().rename(REACHED_AT).reset_index())


def _first_reach_from_fields(leads: pd.DataFrame) -> pd.DataFrame:
    """Stage dates from MQL_Date__c / SAL_Date__c / SQL_Date__c; a converted lead with no SQL date is SQL on
    its ConvertedDate (lead, stage code, day)."""
    sql_date = leads[L.SQL_Date__c].fillna(leads[L.ConvertedDate].where(leads[L.IsConverted]))
    dated = pd.DataFrame({LEAD: np.arange(len(leads)), 0: leads[L.MQL_Date__c].to_numpy(),
                          1: leads[L.SAL_Date__c].to_numpy(), 2: sql_date.to_numpy()})
    return dated.melt(id_vars=LEAD, var_name=STAGE, value_name=DAY).dropna(subset=[DAY]).astype({STAGE: int})


def owner_change_rows(history: pd.DataFrame, rules: StageRules) -> pd.DataFrame:
    """The id rows of owner changes (Salesforce writes each change twice: with names and with ids)."""
    owner_rows = history.loc[isin(history[H.Field], rules.owner_fields)]
    # Without a DataType column (report exports), an id-looking OldValue marks the id row.
    untyped = owner_rows[H.DataType].isna().to_numpy().copy()
    untyped[untyped] = owner_rows.loc[untyped, H.OldValue].str.match(r"^00[5G]\w{12}(\w{3})?$").fillna(False)
    id_rows = owner_rows.loc[isin(owner_rows[H.DataType], ("EntityId",)) | untyped]
    return id_rows.assign(**{H.OldValue: to_18(id_rows[H.OldValue])})


def owner_at(leads: np.ndarray, moments: pd.Series, current_owners: np.ndarray,
             owner_changes: pd.DataFrame) -> np.ndarray:
    """Each lead's owner at a moment: the OldValue of its first owner change after the moment, else its
    current owner. `leads` are positions in the Lead table, `current_owners` its OwnerId column."""
    owners = current_owners[leads]
    changed = np.isin(leads, owner_changes[LEAD].to_numpy())  # most leads never changed owner
    asks = pd.DataFrame({LEAD: leads[changed], "at": moments.array[changed],
                         "_ask": np.flatnonzero(changed)}).sort_values("at")
    changes = owner_changes[[LEAD, H.CreatedDate, H.OldValue]].rename(columns={H.CreatedDate: "at"}).sort_values("at")
    found = pd.merge_asof(asks, changes, on="at", by=LEAD, direction="forward", allow_exact_matches=False)
    before_a_change = found[H.OldValue].notna().to_numpy()
    owners[found["_ask"].to_numpy()[before_a_change]] = found[H.OldValue].to_numpy(dtype=object)[before_a_change]
    return owners


def stages_reached(leads: pd.DataFrame, lead_history: pd.DataFrame, owner_zones: pd.Series,
                   rules: StageRules = StageRules()) -> pd.DataFrame:
    """One row per lead and stage it ever reached: the first moment (NaT when only a date field says it),
    the day (in the owner's time zone), and the owner then (NA when a queue owned it).

    Per lead and stage, LeadHistory's first Status change into the stage wins; without one, the stage's date
    field; for SQL, finally the ConvertedDate of a converted lead.
    """
    where = positions(lead_history[H.LeadId], leads[L.Id])
    history = lead_history.loc[where >= 0].assign(**{LEAD: where[where >= 0]})
    from_history = _first_reach_from_history(history, rules)
    from_fields = _first_reach_from_fields(leads)
    known = _keys(from_history)
    from_fields = from_fields.loc[~np.isin(_keys(from_fields), known)]
    current_owners = leads[L.OwnerId].to_numpy(dtype=object)

    # A date-only stage is placed at the end of its day, in the current owner's zone, to find the owner then.
    current_zones = zone_of(pd.Series(current_owners[from_fields[LEAD]], dtype="str"), owner_zones)
    date_only_end = end_of_local_day(from_fields[DAY], current_zones.set_axis(from_fields.index))
    reached = pd.concat([
        from_history.assign(**{DAY: _nat(from_history, DATE_DTYPE), "_at": from_history[REACHED_AT]}),
        from_fields.assign(**{REACHED_AT: _nat(from_fields, DATETIME_DTYPE), "_at": date_only_end}),
    ], ignore_index=True)
    owners = pd.Series(owner_at(reached[LEAD].to_numpy(), reached["_at"], current_owners,
                                owner_change_rows(history, rules)), dtype="str")
    reached[OWNER_ID] = without_queues(owners)
    zones = zone_of(reached[OWNER_ID], owner_zones)
    reached[DAY] = reached[DAY].fillna(local_day(reached[REACHED_AT], zones))
    reached[LEAD_ID] = leads[L.Id].to_numpy(dtype=object)[reached[LEAD]]
    reached[STAGE] = pd.Categorical.from_codes(reached[STAGE], categories=STAGES)
    return reached.astype({LEAD_ID: "str"})[[LEAD_ID, STAGE, REACHED_AT, DAY, OWNER_ID]]


def _nat(rows: pd.DataFrame, dtype: str) -> pd.Series:
    """An empty (NaT) column of the given type, so concatenation keeps the type without converting."""
    return pd.Series(pd.NaT, index=rows.index, dtype=dtype)


def _keys(rows: pd.DataFrame) -> np.ndarray:
    """One integer per (lead, stage), for set operations on pairs."""
    return rows[LEAD].to_numpy() * len(STAGES) + rows[STAGE].to_numpy()


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


def conversions(leads: pd.DataFrame, lead_history: pd.DataFrame, owner_zones: pd.Series,
                rules: StageRules = StageRules()) -> pd.DataFrame:
    """Each converted lead on its ConvertedDate, for the owner it had at the end of that day (NA: a queue)."""
    converted = leads.loc[leads[L.IsConverted] & leads[L.ConvertedDate].notna()]
    where = positions(lead_history[H.LeadId], leads[L.Id])
    history = lead_history.loc[where >= 0].assign(**{LEAD: where[where >= 0]})
    current_owners = leads[L.OwnerId].to_numpy(dtype=object)
    zones = zone_of(converted[L.OwnerId], owner_zones)
    day_end = end_of_local_day(converted[L.ConvertedDate], zones)
    owners = pd.Series(owner_at(positions(converted[L.Id], leads[L.Id]), day_end, current_owners,
                                owner_change_rows(history, rules)), dtype="str")
    return pd.DataFrame({LEAD_ID: converted[L.Id].to_numpy(), DAY: converted[L.ConvertedDate].to_numpy(),
                         OWNER_ID: without_queues(owners).to_numpy()})


COHORT, REACHED = "cohort", "reached"  # columns of `cohort_conversion`


def cohort_conversion(reached: pd.DataFrame, period: Period, as_of: pd.Timestamp, first: Stage,
                      second: Stage) -> pd.DataFrame:
    """Per owner at `first`: the leads that first reached `first` on a day of the period (the cohort) and how
    many of them reached `second` by the end of `as_of`, whoever owned them then. A cohort keeps counting its
    late converters, so a week whose leads convert slowly is not undercounted."""
    cohort = reached.loc[(reached[STAGE] == first) & period.contains(reached[DAY]) & reached[OWNER_ID].notna()]
    later = reached.loc[(reached[STAGE] == second) & (reached[DAY] <= as_of), LEAD_ID]
    return pd.DataFrame({COHORT: cohort.groupby(OWNER_ID).size(),
                         REACHED: cohort.loc[among(cohort[LEAD_ID], later)].groupby(OWNER_ID).size()}).fillna(0)


FUNNEL_STEPS = ("mql", "sal", "sql", "opportunity", "won")  # columns of `funnel_cohorts`


def funnel_cohorts(reached: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame, period: Period,
                   as_of: pd.Timestamp, owners: pd.Index, by: str) -> pd.DataFrame:
    """The MQLs of the period whose owner at MQL is one of `owners`, grouped by `by` ('week': the ISO week of
    the MQL day, or a Lead column such as LeadSource), with how many of them had reached SAL, SQL, an
    opportunity (converted into one by `as_of`) and a won deal by the end of `as_of`: cohort counts."""
    mql = reached.loc[(reached[STAGE] == Stage.MQL) & period.contains(reached[DAY]) & reached[OWNER_ID].isin(owners)]
    by_stage = {stage: reached.loc[(reached[STAGE] == stage) & (reached[DAY] <= as_of), LEAD_ID]
                for stage in (Stage.SAL, Stage.SQL)}
    details = leads.set_index(L.Id).reindex(mql[LEAD_ID])
    converted = (details[L.IsConverted] & (details[L.ConvertedDate] <= as_of)).to_numpy(bool)
    deals = opportunities.set_index(O.Id)
    deal = details[L.ConvertedOpportunityId].where(converted)
    won = deal.map(deals[O.IsWon] & (deals[O.CloseDate] <= as_of)).fillna(False).astype(bool).to_numpy()
    group = (mql[DAY] - pd.to_timedelta(mql[DAY].dt.day_of_week, unit="D")).to_numpy() if by == "week" \
        else details[by].fillna("(none)").to_numpy()
    steps = pd.DataFrame({by: group, "mql": 1, "sal": among(mql[LEAD_ID], by_stage[Stage.SAL]),
                          "sql": among(mql[LEAD_ID], by_stage[Stage.SQL]),
                          "opportunity": deal.notna().to_numpy(), "won": won})
    return steps.groupby(by)[list(FUNNEL_STEPS)].sum().astype(int)


RECEIVER, OPPORTUNITY = "received_by", "opportunity_id"  # columns of `handoffs`


def handoffs(reached: pd.DataFrame, leads: pd.DataFrame, opportunities: pd.DataFrame, period: Period,
             owners: pd.Index) -> pd.DataFrame:
    """The SQLs of the period produced by `owners` (the owner at SQL), each with the opportunity the lead was
    converted into (if any): who received it, its amount and stage."""
    sql = reached.loc[(reached[STAGE] == Stage.SQL) & period.contains(reached[DAY]) & reached[OWNER_ID].isin(owners)]
    lead = leads.set_index(L.Id).reindex(sql[LEAD_ID])
    deals = opportunities.set_index(O.Id).reindex(lead[L.ConvertedOpportunityId])
    return pd.DataFrame({LEAD_ID: sql[LEAD_ID].to_numpy(), L.Name: lead[L.Name].to_numpy(), DAY: sql[DAY].to_numpy(),
                         OWNER_ID: sql[OWNER_ID].to_numpy(), OPPORTUNITY: lead[L.ConvertedOpportunityId].to_numpy(),
                         RECEIVER: deals[O.OwnerId].to_numpy(), O.Amount: deals[O.Amount].to_numpy(),
                         O.StageName: deals[O.StageName].to_numpy()})
