"""The quarterly business plan: each plan line's target for a team and its reps, against what the quarter
delivered (DESIGN.md "Keys that later issues add": the summary's `plan`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi import goals
from kpi.activity import DAY as ACTIVITY_DAY
from kpi.channels import CHANNEL, CHANNELS
from kpi.customers import FIRST_DEAL
from kpi.funnel import DAY as STAGE_DAY
from kpi.funnel import OWNER_ID, STAGE
from kpi.partners import CERTIFIED, RECRUITED
from kpi.periods import Period
from kpi.revenue import CREATED_DAY, ratio, won_deals
from kpi.schema import Accounts, Activities, Opportunities

O, A = Opportunities, Accounts
METRIC, OWNER, VALUE = "metric", "owner", "value"  # `records`: each record's owner and what it adds
PLAN, ACTUAL, ATTAINMENT, PACE, PROJECTION = "plan_quarter", "actual_qtd", "attainment", "pace", "projection"
TEAM = "team"
# The plan's lines, in the order the page and the summary list them: (metric, channel or None).
LINES: tuple[tuple[str, str | None], ...] = (
    ("revenue", None), *(("revenue", c) for c in CHANNELS), ("pipeline_created", None),
    ("partners_recruited", None), ("partners_certified", None), ("new_customers", None), ("activities", None),
    ("sal", None), ("sql", None))
KEYS = [metric if channel is None else f"{metric}:{channel}" for metric, channel in LINES]  # a line's column name
AMOUNTS = frozenset({"revenue", "pipeline_created"})  # lines counted in money; the others count records
# The exports a line's actual is counted from: without one, the actual is unknown (null), never 0.
NEEDS = {"revenue": ("Opportunity",), "pipeline_created": ("Opportunity",), "partners_recruited": ("Account",),
         "partners_certified": ("Account",), "new_customers": ("Opportunity",), "activities": ("Task", "Event"),
         "sal": ("Lead",), "sql": ("Lead",)}


def needs(metric: str, channel: str | None) -> tuple[str, ...]:
    """The exports a line's actual is counted from (a channel is told by the partner account's Type)."""
    return NEEDS[metric] + (("Account",) if channel is not None else ())


RULE = ("A quarter's plan is the goals file's quarter rows in force in it: a row naming the quarter ('FY2026 Q4') "
        "beats one naming none. A team's plan line is its own row (owner 'team:SMB') when the plan sets one, else "
        "the sum of its reps' quarter goals; revenue over every channel is the reps' quota (ForecastingQuota, else "
        "the goals' revenue row). Actuals count the quarter to the as-of date for the reps listed: revenue is won "
        "Amount by CloseDate (by channel: see the channel rule), pipeline created by created day, partners "
        "recruited and certified on their days (partner accounts the reps own), new customers on their first won "
        "deal (accounts the reps own), activities, SALs and SQLs as everywhere. Attainment = actual / plan; pace = "
        "attainment / share of the quarter's business days gone (1 for a past quarter); projection = actual / "
        "that share.")
LABELS = {"revenue": "Revenue", "pipeline_created": "Pipeline created", "partners_recruited": "Partners recruited",
          "partners_certified": "Partners certified", "new_customers": "New customers", "activities": "Activities",
          "sal": "SALs", "sql": "SQLs"}
CHANNEL_LABELS = {"direct": "direct", "reseller": "resellers", "service_provider": "service providers"}


def label(metric: str, channel: str | None) -> str:
    """How a plan line is named on screen: 'Revenue', 'Revenue · resellers'."""
    return LABELS[metric] + ("" if channel is None or pd.isna(channel) else f" · {CHANNEL_LABELS[channel]}")


@dataclass(frozen=True)
class Delivered:
    """What the plan's actuals count, as it all stood at the end of the as-of date."""

    since: pd.Timestamp  # the first day every export covers: a quarter that ended before it has no known actuals
    deals: pd.DataFrame  # deals as they stood, created by then (revenue.known_on), with CREATED_DAY and CHANNEL
    activities: pd.DataFrame  # activity.counted_activities logged by then
    stages: pd.DataFrame  # funnel.stages_reached
    partners: pd.DataFrame  # partners.partner_accounts on the as-of date
    customers: pd.DataFrame  # customers.customers on the as-of date


def records(delivered: Delivered, metric: str, channel: str | None, window: Period) -> pd.DataFrame:
    """The records a plan line's actual counts in `window`, each with its `owner` and the `value` it adds (an
    Amount, or 1): won deals (CloseDate), deals created (their owner's day), partners recruited or certified,
    new customers (first won deal), completed activities (their day), leads reaching SAL or SQL (first day)."""
    d = delivered
    if metric == "revenue":
        rows = won_deals(d.deals, window)
        rows = rows if channel is None else rows.loc[rows[CHANNEL].eq(channel).to_numpy()]
        return rows.assign(**{OWNER: rows[O.OwnerId], VALUE: rows[O.Amount].fillna(0.0)})
    if metric == "pipeline_created":
        rows = d.deals.loc[window.contains(d.deals[CREATED_DAY])]
        return rows.assign(**{OWNER: rows[O.OwnerId], VALUE: rows[O.Amount].fillna(0.0)})
    if metric in ("partners_recruited", "partners_certified"):
        rows = d.partners.loc[window.contains(d.partners[RECRUITED if metric == "partners_recruited" else CERTIFIED])]
        return rows.assign(**{OWNER: rows[A.OwnerId], VALUE: 1.0})
    if metric == "new_customers":
        rows = d.customers.loc[window.contains(d.customers[FIRST_DEAL])]
        return rows.reset_index().assign(**{OWNER: rows[A.OwnerId].to_numpy(), VALUE: 1.0})
    if metric == "activities":
        rows = d.activities.loc[window.contains(d.activities[ACTIVITY_DAY])]
        return rows.assign(**{OWNER: rows[Activities.OwnerId], VALUE: 1.0})
    rows = d.stages.loc[window.contains(d.stages[STAGE_DAY]) & d.stages[STAGE].eq(metric)]
    return rows.assign(**{OWNER: rows[OWNER_ID], VALUE: 1.0})


def actuals(delivered: Delivered, window: Period, owners: pd.Index) -> pd.DataFrame:
    """Owner x line (KEYS): each line's actual over `window` (0 where nothing was delivered)."""
    sums = {key: records(delivered, *line, window).groupby(OWNER)[VALUE].sum() for key, line in zip(KEYS, LINES)}
    return pd.DataFrame(sums, index=owners, columns=KEYS).fillna(0.0)


def rep_plans(targets: pd.DataFrame, quota: pd.Series, quarter: str, owners: pd.Index) -> pd.DataFrame:
    """Owner x line (KEYS): each rep's plan for the quarter (NaN: none). Revenue over every channel is the
    quota; the other lines are quarter goals (`goals.target`, by channel for revenue's channel lines)."""
    plans = {key: quota if line == ("revenue", None) else
             goals.target(targets, line[0], "quarter", quarter=quarter, channel=line[1]) for key, line in zip(KEYS, LINES)}
    return pd.DataFrame({key: plan.reindex(owners) for key, plan in plans.items()}, index=owners, columns=KEYS)


def team_plans(goals_table: pd.DataFrame, plans: pd.DataFrame, teams: pd.Series, quarter: str,
               whole: frozenset[str] | None = None) -> pd.DataFrame:
    """Team x line: the team's own line ('team:<team>' rows, the name matched without regard to case) where the
    plan sets one, else the sum of its reps' plans (NaN when none has one). `teams`: rep id -> team, for the reps
    in `plans`; `whole`: the teams all of whose reps are in `plans` (None: all) — a team seen in part is measured
    against its part's sum, never the whole team's line."""
    summed = plans.groupby(teams.reindex(plans.index)).sum(min_count=1)
    own = pd.DataFrame({key: goals.team_targets(goals_table, metric, quarter=quarter, channel=channel)
                        for key, (metric, channel) in zip(KEYS, LINES)})
    own = own.reindex(index=summed.index.str.casefold(), columns=KEYS).set_axis(summed.index)
    if whole is not None:
        own.loc[~summed.index.isin(list(whole))] = float("nan")
    return own.fillna(summed)


def gaps(goals_table: pd.DataFrame, teams: list[str]) -> list[str]:
    """Team lines ('team:<team>') of the goals that name no team of the data: they would set nothing."""
    named = goals.team_of_row(goals_table).dropna()
    unknown = sorted(set(named.loc[~named.str.casefold().isin([t.casefold() for t in teams])]))
    return [f"The plan's team line{'s' if len(unknown) > 1 else ''} for {', '.join(unknown)} name{'' if len(unknown) > 1 else 's'} "
            f"no team of the data (teams: {', '.join(teams)}): fix the owner (team:<team>) in the goals file"] \
        if unknown else []


def lines(plans: pd.DataFrame, done: pd.DataFrame, elapsed: float | None) -> pd.DataFrame:
    """One row per (row of `plans`, line): plan, actual, attainment (actual / plan; NaN without a positive
    plan), pace (attainment / elapsed share) and linear projection (actual / elapsed share)."""
    share = float("nan") if not elapsed else elapsed
    long = pd.concat({PLAN: plans[KEYS].stack(future_stack=True), ACTUAL: done[KEYS].stack(future_stack=True)},
                     axis=1).rename_axis([TEAM, "line"]).reset_index()
    metric_channel = pd.DataFrame(dict(zip(KEYS, LINES)), index=[METRIC, CHANNEL]).T
    long = long.join(metric_channel, on="line").drop(columns="line")
    attainment = ratio(long[ACTUAL], long[PLAN])
    return long[[TEAM, METRIC, CHANNEL, PLAN, ACTUAL]].assign(
        **{ATTAINMENT: attainment, PACE: attainment / share, PROJECTION: long[ACTUAL] / share})

