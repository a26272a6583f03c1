"""The rep and team scorecard behind the team view, the rep view and `python -m kpi summary`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi import activity, funnel, goals, people, revenue
from kpi.config import Definitions
from kpi.periods import FiscalCalendar, Windows, elapsed_share
from kpi.registry import KPIS, SUMMARY_KEYS, TARGETS, Unit
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
    counts[unknown(facts.org, list(counts.columns))] = float("nan")
    targets = pd.DataFrame({key: goals.target(facts.targets, *goal) for key, goal in TARGETS.items()})
    targets = targets.reindex(reps.index)
    targets["quota_quarter"] = revenue.quota(facts.org.quotas, w.quarter,
                                             goals.target(facts.targets, "revenue", "quarter")).reindex(reps.index)
    table = pd.concat([reps[[U.Name, people.TEAM]], counts, targets], axis=1)
    return revenue.with_rates(table, elapsed_share(w.quarter, as_of))


def unknown(org: Org, names: list[str]) -> list[str]:
    """The KPIs among `names` that need an object the source did not deliver: unknown, so null, not 0."""
    return [name for name in names if set(KPIS[name].needs) & set(org.missing)]


_TARGET_COLUMNS = (*TARGETS, "quota_quarter")
_RATES = ("attainment", "pace", "projection", "coverage", "win_rate")


def team_row(reps: pd.DataFrame, as_of: pd.Timestamp, calendar: FiscalCalendar = FiscalCalendar()) -> pd.Series:
    """The team's totals: counts and amounts summed; targets and quotas summed over the reps that have one
    (empty when none has); rates recomputed from those sums, never averaged."""
    counts = reps.drop(columns=[U.Name, people.TEAM, *_TARGET_COLUMNS, *_RATES])
    # Over no reps a count is 0; a count no rep can know (its export is missing) stays unknown.
    counts = counts.sum(min_count=1) if len(counts) else counts.sum()
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


# What each drill-down lists: activities (window, kind), leads (window, stage), or deals (a selection).
_ACTIVITY_RECORDS = {"calls_today": ("today", "call"), "emails_today": ("today", "email"),
                     "meetings_today": ("today", "meeting"), "activities_today": ("today", None),
                     "activities_week": ("week", None)}
_STAGE_RECORDS = {"sal_week": ("week", "sal"), "sql_week": ("week", "sql"), "sal_month": ("month", "sal"),
                  "sql_month": ("month", "sql")}
_DEAL_RECORDS = {"revenue_qtd": lambda deals, w: revenue.won_deals(deals, w.qtd),
                 "win_rate": lambda deals, w: revenue.closed_deals(deals, w.qtd),
                 "coverage": lambda deals, w: revenue.open_deals(deals, revenue.coverage_window(w.quarter, w.as_of))}
_DEAL_COLUMNS = [Opportunities.Id, Opportunities.Name, Opportunities.StageName, Opportunities.Amount,
                 Opportunities.CloseDate, Opportunities.ForecastCategoryName, Opportunities.IsWon, Opportunities.OwnerId]


def records_behind(facts: Facts, name: str, owners: pd.Index, as_of: pd.Timestamp,
                   calendar: FiscalCalendar = FiscalCalendar()) -> pd.DataFrame:
    """The records a KPI counts for these owners: what a drill-down lists under the number.

    Selected by the same functions that count them, so a list's length (or Amount sum) is the number shown.
    """
    w = Windows.at(as_of, calendar)
    if name in _ACTIVITY_RECORDS:
        span, kind = _ACTIVITY_RECORDS[name]
        rows = activity.activities_in(facts.activities, getattr(w, span), as_of)
        rows = rows.loc[rows[Activities.OwnerId].isin(owners) & (rows[activity.KIND].eq(kind) if kind else True)]
        shown = [Activities.Id, Activities.Subject, Activities.WhoId]
        return activity.details(rows, facts.org.activities, shown)[[
            *shown, activity.KIND, activity.DAY, activity.DONE_AT, Activities.OwnerId]].sort_values(activity.DONE_AT)
    if name in _STAGE_RECORDS:
        span, stage = _STAGE_RECORDS[name]
        rows = funnel.stage_leads(facts.stages, facts.org.leads, getattr(w, span))
        return rows.loc[(rows[funnel.STAGE] == stage) & rows[funnel.OWNER_ID].isin(owners)].sort_values(funnel.DAY)
    rows = _DEAL_RECORDS[name](revenue.known_on(facts.opportunities, as_of), w)
    return rows.loc[rows[Opportunities.OwnerId].isin(owners), _DEAL_COLUMNS].sort_values(Opportunities.CloseDate)


_FUNNEL = ("sal_week", "sql_week", "sal_month", "sql_month", "sal_goal_week", "sql_goal_week", "sal_goal_month",
           "sql_goal_month")


def sells(row: pd.Series) -> bool:
    """Whether a scorecard row (a rep or a team) carries revenue: a quota, closed-won or open pipeline.
    Views leave revenue out for those who do not (ADRs)."""
    return bool(pd.notna(row["quota_quarter"]) or row["revenue_qtd"] > 0 or row["open_pipeline"] > 0)


def qualifies(row: pd.Series) -> bool:
    """Whether a scorecard row qualifies leads: SAL/SQL goals, or SALs/SQLs counted this week or month."""
    return bool((row[list(_FUNNEL)].fillna(0) > 0).any())
