"""The rep and team scorecard behind the team view, the rep view and `python -m kpi summary`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi import activity, funnel, goals, people, revenue
from kpi.config import Definitions
from kpi.periods import FiscalCalendar, Windows, elapsed_share
from kpi.registry import KPIS, SUMMARY_KEYS, Unit
from kpi.schema import Activities, Leads, Opportunities, Org, Quotas, Users

U = Users


@dataclass(frozen=True)
class Facts:
    """Per-record derivations of an org that hold whatever the as-of date or calendar: who is a rep, each
    activity's kind and day, each lead's stage days and owners, each user's targets. Made once per load."""

    org: Org
    people: pd.DataFrame
    activities: pd.DataFrame  # activity.counted_activities
    stages: pd.DataFrame  # funnel.stages_reached
    opportunities: pd.DataFrame  # revenue.with_created_day
    targets: pd.DataFrame  # goals.user_targets


def prepare(org: Org, definitions: Definitions = Definitions()) -> Facts:
    """Derive the facts every view of this org is computed from."""
    roster = people.roster(org.users, org.user_roles, definitions.default_time_zone)
    owners = pd.Index(pd.concat([org.activities[Activities.OwnerId], org.leads[Leads.OwnerId],
                                 org.opportunities[Opportunities.OwnerId], org.quotas[Quotas.QuotaOwnerId]]).unique())
    roster = people.mark_reps(roster, owners.union(goals.named_users(org.goals, roster)))
    zones = people.zones(roster)
    return Facts(
        org=org, people=roster,
        activities=activity.counted_activities(org.activities, zones, definitions.activity),
        stages=funnel.stages_reached(org.leads, org.lead_history, zones, definitions.stages),
        opportunities=revenue.with_created_day(org.opportunities, zones),
        targets=goals.user_targets(org.goals, roster.loc[roster[people.IS_REP]]),
    )


_TARGETS = {"calls_target_day": ("calls", "day"), "emails_target_day": ("emails", "day"),
            "meetings_target_day": ("meetings", "day"), "activities_target_day": ("activities", "day"),
            "sal_goal_week": ("sal", "week"), "sql_goal_week": ("sql", "week"),
            "sal_goal_month": ("sal", "month"), "sql_goal_month": ("sql", "month")}


def rep_table(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar = FiscalCalendar(),
              team: str | None = None) -> pd.DataFrame:
    """One row per rep (of `team`, or all), indexed by user id: name, team and every scorecard KPI."""
    w = Windows.at(as_of, calendar)
    reps = people.reps(facts.people, team, as_of)
    today = activity.activity_counts(facts.activities, w.today, as_of).add_suffix("_today")
    week = activity.activity_counts(facts.activities, w.week, as_of)[["activities"]].add_suffix("_week")
    stage_week = funnel.stage_counts(facts.stages, w.week)[["sal", "sql"]].add_suffix("_week")
    stage_month = funnel.stage_counts(facts.stages, w.month)[["sal", "sql"]].add_suffix("_month")
    deals = revenue.deal_totals(facts.opportunities, w.quarter, as_of)
    counts = pd.concat([today, week, stage_week, stage_month, deals], axis=1).reindex(reps.index).fillna(0)
    targets = pd.DataFrame({key: goals.target(facts.targets, *goal) for key, goal in _TARGETS.items()})
    targets = targets.reindex(reps.index)
    targets["quota_quarter"] = revenue.quota(facts.org.quotas, w.quarter,
                                             goals.target(facts.targets, "revenue", "quarter")).reindex(reps.index)
    table = pd.concat([reps[[U.Name, people.TEAM]], counts, targets], axis=1)
    return revenue.with_rates(table, elapsed_share(w.quarter, as_of))


_TARGET_COLUMNS = (*_TARGETS, "quota_quarter")
_RATES = ("attainment", "pace", "projection", "coverage", "win_rate")


def team_row(reps: pd.DataFrame, as_of: pd.Timestamp, calendar: FiscalCalendar = FiscalCalendar()) -> pd.Series:
    """The team's totals: counts and amounts summed; targets and quotas summed over the reps that have one
    (empty when none has); rates recomputed from those sums, never averaged."""
    counts = reps.drop(columns=[U.Name, people.TEAM, *_TARGET_COLUMNS, *_RATES]).sum()
    targets = reps[list(_TARGET_COLUMNS)].sum(min_count=1)
    sums = pd.concat([counts, targets]).to_frame().T
    return revenue.with_rates(sums, elapsed_share(calendar.quarter(as_of), as_of)).iloc[0]


def _json_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: whole counts as ints, NaN as None."""
    out = frame.astype(object).where(frame.notna(), None)
    whole = [k for k in frame.columns if k in KPIS and KPIS[k].unit is Unit.COUNT
             and frame[k].dropna().mod(1).eq(0).all()]
    out[whole] = frame[whole].astype("Int64").astype(object).where(frame[whole].notna(), None)
    return out.to_dict("records")


def summary(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar = FiscalCalendar(),
            team: str | None = None) -> dict:
    """The `python -m kpi summary` document (DESIGN.md): as-of date, fiscal quarter, each rep, the team."""
    reps = rep_table(facts, as_of, calendar, team)
    keys = list(SUMMARY_KEYS)
    rows = reps[[U.Name, people.TEAM, *keys]].rename(columns={U.Name: "name"}).rename_axis("id").reset_index()
    return {"as_of": f"{as_of:%Y-%m-%d}", "fiscal_quarter": calendar.quarter(as_of).name,
            "reps": _json_records(rows),
            "team": _json_records(team_row(reps, as_of, calendar)[keys].to_frame().T)[0]}


def default_as_of(facts: Facts) -> pd.Timestamp:
    """The day the data stands at: the source's own (the sample's anchor), else the newest day a Task was
    done, else the newest meeting day, else today."""
    if facts.org.default_as_of is not None:
        return facts.org.default_as_of
    done = facts.activities
    for rows in (done.loc[~done[activity.IS_EVENT]], done):
        if rows[activity.DAY].notna().any():
            return rows[activity.DAY].max()
    return pd.Timestamp.today().normalize()


def records_behind(facts: Facts, name: str, owners: pd.Index, as_of: pd.Timestamp,
                   calendar: FiscalCalendar = FiscalCalendar()) -> pd.DataFrame:
    """The records a KPI counts for these owners: what a drill-down lists under the number.

    Selected by the same functions that count them, so a list's length (or Amount sum) is the number shown.
    """
    w = Windows.at(as_of, calendar)
    deals = revenue.known_on(facts.opportunities, as_of)
    kind_of = {"calls_today": "call", "emails_today": "email", "meetings_today": "meeting"}
    if name in ("activities_today", "activities_week", *kind_of):
        rows = activity.activities_in(facts.activities, w.today if name.endswith("today") else w.week, as_of)
        rows = rows.loc[rows[Activities.OwnerId].isin(owners)]
        if name in kind_of:
            rows = rows.loc[rows[activity.KIND] == kind_of[name]]
        shown = [Activities.Id, Activities.Subject, Activities.WhoId]
        return activity.details(rows, facts.org.activities, shown)[[
            *shown, activity.KIND, activity.DAY, activity.DONE_AT, Activities.OwnerId]].sort_values(activity.DONE_AT)
    if name in ("sal_week", "sql_week", "sal_month", "sql_month"):
        stage, span = name.split("_")
        rows = funnel.stage_leads(facts.stages, facts.org.leads, getattr(w, span))
        return rows.loc[(rows[funnel.STAGE] == stage) & rows[funnel.OWNER_ID].isin(owners)].sort_values(funnel.DAY)
    selections = {"revenue_qtd": lambda: revenue.won_deals(deals, w.qtd),
                  "win_rate": lambda: revenue.closed_deals(deals, w.qtd),
                  "coverage": lambda: revenue.open_deals(deals, revenue.coverage_window(w.quarter, as_of))}
    rows = selections[name]()
    columns = [Opportunities.Id, Opportunities.Name, Opportunities.StageName, Opportunities.Amount,
               Opportunities.CloseDate, Opportunities.ForecastCategoryName, Opportunities.IsWon, Opportunities.OwnerId]
    return rows.loc[rows[Opportunities.OwnerId].isin(owners), columns].sort_values(Opportunities.CloseDate)


_FUNNEL = ("sal_week", "sql_week", "sal_month", "sql_month", "sal_goal_week", "sql_goal_week", "sal_goal_month",
           "sql_goal_month")


def sells(row: pd.Series) -> bool:
    """Whether a scorecard row (a rep or a team) carries revenue: a quota, closed-won or open pipeline.
    Views leave revenue out for those who do not (ADRs)."""
    return bool(pd.notna(row["quota_quarter"]) or row["revenue_qtd"] > 0 or row["open_pipeline"] > 0)


def qualifies(row: pd.Series) -> bool:
    """Whether a scorecard row qualifies leads: SAL/SQL goals, or SALs/SQLs counted this week or month."""
    return bool((row[list(_FUNNEL)].fillna(0) > 0).any())
