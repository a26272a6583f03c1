"""The weekly review: what the team looks at together once a week, in a fixed order of sections. One model
feeds the review page, the deck, the workbook and the digest, so they always say the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi import pipeline, plan, revenue, speed
from kpi.periods import FiscalCalendar, iso_week
from kpi.schema import Opportunities, Users
from kpi.summary import Facts, deals_as_of, lead_work, plan_views, scorecard, waterfall

O = Opportunities
HEADLINE = ("revenue_qtd", "quota_quarter", "attainment", "pace", "projection", "forecast_p50", "forecast_p_quota")
# This week against last: the week to date against the same days of the week before.
WEEKLY = ("activities_week", "sal_week", "sql_week", "pipeline_created_week", "won_week")
WEEKLY_LABELS = {"activities_week": "Activities", "sal_week": "SALs", "sql_week": "SQLs",
                 "pipeline_created_week": "Pipeline created", "won_week": "Closed-won"}
MONEY = frozenset({"pipeline_created_week", "won_week"})
# Goals a rep can hit this week, each with the figure it is for.
GOALS = {"sal_goal_week": "sal_week", "sql_goal_week": "sql_week", "activities_target_day": "activities_today",
         "calls_target_day": "calls_today"}
BEHIND_PACE = 0.9  # a rep under 90% of pace is behind


@dataclass(frozen=True)
class Review:
    """The week's review of a team (or the whole floor) as of a day."""

    as_of: pd.Timestamp
    quarter: str
    team_name: str
    reps: pd.DataFrame  # the scorecard rows (summary.scorecard)
    team: pd.Series  # the team row
    weekly: pd.DataFrame  # index WEEKLY (+ per rep in `rep_weekly`): this_week, last_week, change
    rep_weekly: pd.DataFrame  # (rep, metric) -> this_week, last_week, change
    goals_hit: pd.DataFrame  # (rep, goal) -> figure, target, hit
    wins: pd.DataFrame  # deals won this week: Id, Name, OwnerId, rep, Amount, CloseDate
    behind_pace: pd.DataFrame  # reps under BEHIND_PACE of pace: Name, pace, attainment, revenue_qtd, quota_quarter
    waterfall: dict[str, float]  # last week's open pipeline to this week's (pipeline.waterfall)
    slipping: pd.DataFrame  # deals pushed out of the quarter this week (the waterfall's pushed_out bar)
    sla_breaches: pd.DataFrame  # MQLs of this week worked later than the SLA (or still waiting past it)
    plan: pd.DataFrame  # plan.lines of the teams, the quarter under way and the four before ('quarter' column)
    rep_plan: pd.DataFrame  # plan.lines of the reps, the quarter under way ('rep': the rep's name)


def _week_figures(deals: pd.DataFrame, as_of: pd.Timestamp, owners: pd.Index) -> pd.DataFrame:
    """Per owner, the week to date of `as_of`: pipeline created and closed-won (`deals` as they stood then)."""
    week = iso_week(as_of).through(as_of)
    return pd.DataFrame({
        "pipeline_created_week": pipeline.pipeline_created(deals, week),
        "won_week": revenue.won_deals(deals, week).groupby(O.OwnerId)[O.Amount].sum(),
    }).reindex(owners).fillna(0.0)


def _weekly(now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"this_week": now, "last_week": before, "change": now - before})


def weekly_review(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar = FiscalCalendar(),
                  team: str | None = None, floor: str = "whole sales floor") -> Review:
    """Everything the weekly review shows, computed once; `floor` names all of `facts`' reps (no `team`)."""
    reps, team_row = scorecard(facts, as_of, calendar, team)
    last = as_of - pd.Timedelta(days=7)
    reps_before, _ = scorecard(facts, last, calendar, team)
    deals = deals_as_of(facts, as_of)
    this_week = pd.concat([reps[["activities_week", "sal_week", "sql_week"]],
                           _week_figures(deals, as_of, reps.index)], axis=1)[list(WEEKLY)]
    last_week = pd.concat([reps_before[["activities_week", "sal_week", "sql_week"]].reindex(reps.index).fillna(0),
                           _week_figures(deals_as_of(facts, last), last, reps.index)], axis=1)[list(WEEKLY)]
    rep_weekly = _weekly(this_week.stack(), last_week.stack()).rename_axis(["rep", "metric"])
    weekly = _weekly(this_week.sum(), last_week.sum()).rename_axis("metric")

    goals = pd.concat({goal: pd.DataFrame({"figure": reps[figure], "target": reps[goal]})
                       for goal, figure in GOALS.items()}, names=["goal", "rep"]).dropna(subset=["target"])
    goals = goals.assign(hit=goals["figure"] >= goals["target"]).swaplevel().sort_index()

    week = iso_week(as_of).through(as_of)
    names = reps[Users.Name]
    won = revenue.won_deals(deals, week)
    wins = won.loc[won[O.OwnerId].isin(reps.index), [O.Id, O.Name, O.OwnerId, O.Amount, O.CloseDate]]
    behind = reps.loc[reps["pace"] < BEHIND_PACE, [Users.Name, "pace", "attainment", "revenue_qtd", "quota_quarter"]]
    totals, moved = waterfall(facts, as_of, calendar, reps.index)
    speeds, _ = lead_work(facts, as_of, calendar, reps.index)
    views = plan_views(facts, as_of, calendar, reps.index, deals)
    quarters = pd.concat({v.quarter.name: v.teams for v in views}, names=["quarter"]).reset_index(0)
    breaches = speeds.loc[speeds[speed.BREACH] & week.contains(speeds[speed.MQL_AT].dt.tz_convert(None).dt.normalize())]
    return Review(
        as_of=as_of, quarter=calendar.quarter(as_of).name, team_name=team or floor, reps=reps,
        team=team_row, weekly=weekly, rep_weekly=rep_weekly, goals_hit=goals,
        wins=wins.assign(rep=wins[O.OwnerId].map(names)).sort_values(O.Amount, ascending=False),
        behind_pace=behind.sort_values("pace"), waterfall=totals,
        slipping=moved.loc[moved["bar"] == "pushed_out"].assign(rep=lambda f: f[O.OwnerId].map(names)),
        sla_breaches=breaches.assign(rep=breaches["OwnerId"].map(names)),
        plan=_said(quarters).reset_index(drop=True),
        rep_plan=_said(views[-1].reps).assign(rep=lambda f: f[plan.TEAM].map(names)),
    )


def _said(lines: pd.DataFrame) -> pd.DataFrame:
    """The plan lines with something to say: a plan, or an actual other than 0."""
    return lines.loc[lines[plan.PLAN].notna() | lines[plan.ACTUAL].fillna(0).ne(0)]
