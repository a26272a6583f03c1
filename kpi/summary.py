"""The rep and team scorecard behind the team view, the rep view and `python -m kpi summary`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from kpi import (activity, cadence, campaigns, channels, customers, forecast, funnel, goals, named_accounts, partners,
                 people, pipeline, plan, ramp, revenue, speed)
from kpi.config import Definitions
from kpi.lookup import among, remap
from kpi.periods import (FiscalCalendar, Period, Windows, elapsed_share, iso_week, last_quarters, month,
                         single_day)
from kpi.registry import CAMPAIGN_KEYS, KPIS, NAMED_KEYS, SUMMARY_KEYS, TARGETS, Unit
from kpi.schema import (Accounts, Activities, CampaignMembers, Campaigns, Contacts, Leads, Opportunities, Org, Problem,
                        Quotas, Users)

U = Users


@dataclass(frozen=True)
class Facts:
    """Per-record derivations of an org that hold whatever the as-of date or calendar: who is a rep, each
    activity's kind and day, each lead's stage days and owners, each user's targets. Made once per load."""

    org: Org
    people: pd.DataFrame
    activities: pd.DataFrame  # activity.counted_activities
    stages: pd.DataFrame  # funnel.stages_reached
    conversions: pd.DataFrame  # funnel.conversions
    targets: pd.DataFrame  # goals.user_targets
    definitions: Definitions  # what the as-of figures (speed to lead, untouched MQLs) are measured by
    meanings: pipeline.StageMeanings  # what each stage means, read off the whole org's current deals
    # When these facts are one viewer's share (access.restrict): the whole org, for statistics pooled over
    # everyone (the forecast's win rates) so a rep's forecast does not depend on who looks. Never listed.
    population: Org | None = None
    # The teams all of whose reps these facts hold (None: every team): only for those does a team's own plan line
    # stand for what the facts can show.
    whole_teams: frozenset[str] | None = None

    @property
    def whole_org(self) -> Org:
        return self.org if self.population is None else self.population


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
        conversions=funnel.conversions(org.leads, org.lead_history, zones, definitions.stages),
        targets=goals.user_targets(org.goals, roster.loc[roster[people.IS_REP]]),
        definitions=definitions,
        meanings=pipeline.stage_meanings(org.opportunities, org.opportunity_history),
    )


@dataclass(frozen=True)
class Simulation:
    """How the end-of-quarter forecast is simulated: trials, and the seed that makes it repeatable."""

    trials: int = forecast.TRIALS
    seed: int = 0


def scorecard(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar = FiscalCalendar(),
              team: str | None = None, simulation: Simulation = Simulation(),
              deals: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """One row per rep (of `team`, or all), indexed by user id: name, team and every scorecard KPI; and the
    team's row: counts and amounts summed, targets summed over the reps that have one (empty when none has),
    rates recomputed from those sums (never averaged), medians and the forecast from the pooled records.
    `deals`: `deals_as_of` that day, when the caller has it already."""
    w = Windows.at(as_of, calendar)
    reps = people.reps(facts.people, team, as_of)
    zones = people.zones(facts.people)
    speeds, untouched = lead_work(facts, as_of, calendar)
    measured = speed.speed_figures(speeds)
    today = activity.activity_counts(facts.activities, w.today, as_of).add_suffix("_today")
    week = activity.activity_counts(facts.activities, w.week, as_of)[["activities"]].add_suffix("_week")
    stage_week = funnel.stage_counts(facts.stages, w.week)[["sal", "sql"]].add_suffix("_week")
    stage_month = funnel.stage_counts(facts.stages, w.month)[["sal", "sql"]].add_suffix("_month")
    # Every deal figure reads the deals as they stood (field history).
    deals_then = deals_as_of(facts, as_of) if deals is None else deals
    deals = revenue.deal_totals(deals_then, w.quarter, as_of)
    open_deals = pipeline.pipeline_totals(deals_then, facts.org.opportunity_history, w.quarter, as_of, zones,
                                          facts.definitions.hygiene)
    named = named_accounts.touched_counts(*_named(facts, as_of, reps.index)[:2])
    misses = cadence.miss_counts(qualified_out_cadence(facts, as_of, w.qtd.start), w.qtd)
    counts = pd.concat([today, week, stage_week, stage_month, _funnel_qtd(facts, w),
                        measured[speed.BREACHES], speed.untouched_counts(untouched), deals,
                        open_deals, named, misses], axis=1).reindex(reps.index).fillna(0)
    in_quarter = partial(goals.target, facts.targets, quarter=w.quarter.name)
    targets = pd.DataFrame({key: in_quarter(*goal) for key, goal in TARGETS.items()}).reindex(reps.index)
    targets["quota_quarter"] = quota_of(facts, w.quarter).reindex(reps.index)
    predicted = _forecast(facts, deals_then, w, calendar, reps.index, targets["quota_quarter"], simulation)
    pooled = pd.concat([speed.pooled_speed_figures(speeds, reps.index)[_SPEED], predicted.loc[forecast.TEAM]])
    table = pd.concat([reps[[U.Name, people.TEAM]], counts, targets,
                       measured[_SPEED].reindex(reps.index), predicted.drop(forecast.TEAM)],
                      axis=1)
    # A figure whose export is missing is unknown, and so is every rate made from it.
    table, pooled = _unknown_as_null(facts.org, table), _unknown_as_null(facts.org, pooled)
    share = elapsed_share(w.quarter, as_of)
    reps_table = _cohort_rates(revenue.with_rates(table, share))
    return reps_table, _team_row(reps_table, pooled, share)


_SPEED = [speed.MEDIAN, speed.P90]


def quota_of(facts: Facts, quarter: Period) -> pd.Series:
    """Owner -> revenue quota for a quarter: ForecastingQuota, else the goals' revenue quarter target in force."""
    return revenue.quota(facts.org.quotas, quarter, goals.target(facts.targets, "revenue", "quarter",
                                                                 quarter=quarter.name))


def _forecast(facts: Facts, deals_then: pd.DataFrame, w: Windows, calendar: FiscalCalendar, owners: pd.Index,
              quota: pd.Series, simulation: Simulation) -> pd.DataFrame:
    """The end-of-quarter simulation for those of `owners` who sell (own an opportunity or have a quota: an ADR
    gets no run-rate of deals), with its team row (forecast.TEAM) from the pooled trials."""
    rates = forecast.measured_rates(facts.whole_org.opportunities, facts.whole_org.opportunity_history,
                                    forecast.measured_quarters(calendar, w.quarter))
    sellers = owners[among(owners, deals_then[Opportunities.OwnerId]) | quota.reindex(owners).notna().to_numpy()]
    if sellers.empty:  # nobody sells here (ADRs): no forecast, rather than a team forecast of 0
        return pd.DataFrame(index=[*owners, forecast.TEAM], columns=forecast.FORECAST_COLUMNS, dtype=float)
    deals, won = forecast.deals_to_forecast(deals_then, w.quarter, w.as_of)
    predicted = forecast.simulate(deals.loc[deals[Opportunities.OwnerId].isin(sellers)], won.reindex(sellers),
                                  quota.reindex(sellers), rates, (w.quarter.end - w.as_of).days, simulation.trials,
                                  simulation.seed)
    return predicted.reindex([*owners, forecast.TEAM])


def _funnel_qtd(facts: Facts, w: Windows) -> pd.DataFrame:
    """Per owner: leads reaching each stage and converted in QTD, and the MQL and SAL cohorts' conversions."""
    converted = facts.conversions.loc[w.qtd.contains(facts.conversions[funnel.DAY])]
    return pd.concat([
        funnel.stage_counts(facts.stages, w.qtd).add_suffix("_qtd"),
        converted.groupby(funnel.OWNER_ID).size().rename("converted_qtd"),
        funnel.cohort_conversion(facts.stages, w.qtd, w.as_of, funnel.Stage.MQL, funnel.Stage.SAL)[
            funnel.REACHED].rename("mql_cohort_sal"),
        funnel.cohort_conversion(facts.stages, w.qtd, w.as_of, funnel.Stage.SAL, funnel.Stage.SQL)[
            funnel.REACHED].rename("sal_cohort_sql"),
    ], axis=1)


def _cohort_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Cohort conversion and named-account coverage recomputed from their counts (so a team's is its sums' ratio)."""
    return table.assign(mql_to_sal_cohort=revenue.ratio(table["mql_cohort_sal"], table["mql_qtd"]),
                        sal_to_sql_cohort=revenue.ratio(table["sal_cohort_sql"], table["sal_qtd"]),
                        named_coverage=named_accounts.named_coverage(table))


def unknown(org: Org, names: list[str]) -> list[str]:
    """The KPIs among `names` that need an object the source did not deliver: unknown, so null, not 0."""
    return [name for name in names if name in KPIS and set(KPIS[name].needs) & set(org.missing)]


def _unknown_as_null(org: Org, figures: pd.DataFrame | pd.Series) -> pd.DataFrame | pd.Series:
    names = unknown(org, list(figures.columns if isinstance(figures, pd.DataFrame) else figures.index))
    figures = figures.copy()
    figures[names] = float("nan")
    return figures


_TARGET_COLUMNS = (*TARGETS, "quota_quarter")
_RATES = ("attainment", "pace", "projection", "coverage", "win_rate", "mql_to_sal_cohort", "sal_to_sql_cohort",
          "named_coverage")


def _team_row(reps: pd.DataFrame, pooled: pd.Series, share: float | None) -> pd.Series:
    """Counts and amounts summed; targets summed over the reps that have one; rates recomputed from the sums;
    the `pooled` figures (medians, forecast) as measured over all the team's records."""
    counts = reps.drop(columns=[U.Name, people.TEAM, *_TARGET_COLUMNS, *_RATES, *pooled.index])
    # Over no reps a count is 0; a count no rep can know (its export is missing) stays unknown.
    counts = counts.sum(min_count=1) if len(counts) else counts.sum()
    targets = reps[list(_TARGET_COLUMNS)].sum(min_count=1)
    sums = pd.concat([counts, targets, pooled]).to_frame().T
    return _cohort_rates(revenue.with_rates(sums, share)).iloc[0]


def _json_records(frame: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: whole counts as ints, flags as booleans, NaN as None."""
    out = frame.astype(object).where(frame.notna(), None)
    whole = [k for k in frame.columns if k in KPIS and KPIS[k].unit is Unit.COUNT and frame[k].dtype != bool
             and frame[k].dropna().mod(1).eq(0).all()]  # (a flag, such as `ramping`, stays true/false)
    out[whole] = frame[whole].astype("Int64").astype(object).where(frame[whole].notna(), None)
    return out.to_dict("records")


def summary(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar = FiscalCalendar(),
            team: str | None = None, simulation: Simulation = Simulation()) -> dict:
    """The `python -m kpi summary` document (DESIGN.md): as-of date, fiscal quarter, each rep, the team, the
    partners, the customers, the plan and the campaigns (with `team` or for a viewer's facts: counted over the
    members and opportunities of the listed reps)."""
    deals = deals_as_of(facts, as_of)
    reps, team_figures = scorecard(facts, as_of, calendar, team, simulation, deals)
    keys = list(SUMMARY_KEYS)
    tenure = ramp_status(facts, as_of).reindex(reps.index)
    rows = pd.concat([reps[[U.Name, people.TEAM, *keys]], tenure], axis=1).rename(columns={U.Name: "name"})
    records = _json_records(rows.rename_axis("id").reset_index())  # (ramping: a JSON true/false)
    everyone = whole_org_deals(facts, as_of, deals)
    seen = (partner_view(facts, as_of, calendar, reps.index, deals, everyone),
            customer_view(facts, as_of, calendar, reps.index, deals, everyone))
    listed = None if team is None and facts.population is None else reps.index  # --team, --viewer: their members
    return {"as_of": f"{as_of:%Y-%m-%d}", "fiscal_quarter": calendar.quarter(as_of).name,
            "reps": records,
            "team": {**_json_records(team_figures[keys].to_frame().T)[0],
                     TENURE: None, RAMPING: int(tenure[RAMPING].sum()),
                     "waterfall": waterfall(facts, as_of, calendar, reps.index)[0]},
            "partners": seen[0].figures, "customers": seen[1].figures,
            "plan": plan_figures(plan_view(facts, as_of, calendar.quarter(as_of), reps.index,
                                           delivered(facts, as_of, deals, everyone, seen)).teams),
            "campaigns": campaign_view(facts, as_of, calendar, listed, deals).figures}


TENURE, RAMPING = "tenure_months", "ramping"


def ramp_status(facts: Facts, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per user: whole tenure months on `as_of` (NA without a hire day) and whether they are ramping."""
    rules = facts.definitions.ramp
    tenure = ramp.tenure_months(ramp.hire_days(facts.people, facts.org.users, rules), as_of)
    return pd.DataFrame({TENURE: tenure, RAMPING: ramp.ramping(tenure, rules)})


def with_ramped_targets(reps: pd.DataFrame, team_row: pd.Series, facts: Facts, as_of: pd.Timestamp,
                        calendar: FiscalCalendar = FiscalCalendar()) -> tuple[pd.DataFrame, pd.Series]:
    """The scorecard (`scorecard`'s rows and team row) with every target and quota of a ramping rep scaled to
    its ramped share over the target's own period (ramp.ramped_target: the whole day, ISO week, month or
    quarter), and the rates and the team's sums recomputed from them."""
    rules, quarter = facts.definitions.ramp, calendar.quarter(as_of)
    periods = {"day": single_day(as_of), "week": iso_week(as_of), "month": month(as_of), "quarter": quarter}
    hire = ramp.hire_days(facts.people, facts.org.users, rules).reindex(reps.index)
    ramping = ramp_status(facts, as_of)[RAMPING].reindex(reps.index, fill_value=False)
    scaled = reps.copy()
    for column in _TARGET_COLUMNS:
        period = periods[TARGETS[column][1]] if column in TARGETS else quarter
        scaled[column] = ramp.ramped_target(reps[column], hire, period, rules).where(ramping, reps[column])
    share = elapsed_share(quarter, as_of)
    scaled = _cohort_rates(revenue.with_rates(scaled, share))
    pooled = team_row[[*_SPEED, *forecast.FORECAST_COLUMNS]]
    return scaled, _team_row(scaled, pooled, share)


@dataclass(frozen=True)
class RampView:
    """New reps against their role's ramp curve (the Plan page's ramp section)."""

    hire: pd.Series  # rep id -> hire day
    status: pd.DataFrame  # ramp_status of the reps
    monthly: pd.DataFrame  # ramp.monthly: each rep's complete tenure months inside the data
    curve: pd.DataFrame  # ramp.curve per role
    firsts: pd.DataFrame  # ramp.firsts: days to the first SQL and the first won deal
    data_start: pd.Timestamp  # the first day every export covers


def data_start(facts: Facts, deals: pd.DataFrame) -> pd.Timestamp:
    """The first day that activities, leads and deals all cover: a tenure month before it would count a rep's
    activities before the exports begin as none."""
    firsts = [facts.activities[activity.DAY].min(), facts.stages[funnel.DAY].min(), deals[revenue.CREATED_DAY].min()]
    known = [day for day in firsts if pd.notna(day)]
    return max(known) if known else pd.NaT


def ramp_view(facts: Facts, as_of: pd.Timestamp, owners: pd.Index, deals: pd.DataFrame) -> RampView:
    """The ramp of `owners` on `as_of` (`deals`: `deals_as_of` that day); curves over `owners` by role."""
    rules = facts.definitions.ramp
    hire = ramp.hire_days(facts.people, facts.org.users, rules).reindex(owners)
    start = data_start(facts, deals)
    monthly = ramp.monthly(hire, as_of, start, facts.activities, facts.stages, revenue.known_on(deals, as_of),
                           rules.months)
    roles = facts.people.set_index(U.Id)[people.ROLE]
    return RampView(hire, ramp_status(facts, as_of).reindex(owners), monthly, ramp.curve(monthly, roles),
                    ramp.firsts(hire, facts.stages.loc[facts.stages[funnel.DAY] <= as_of],
                                revenue.known_on(deals, as_of)), start)


@dataclass(frozen=True)
class PlanView:
    """One quarter's plan against what it delivered, for a set of reps (the Plan page, the summary's `plan`)."""

    quarter: Period
    window: Period  # the quarter through the as-of date
    partial_from: pd.Timestamp | None  # the day the exports begin, when inside the quarter: actuals from it only
    teams: pd.DataFrame  # plan.lines per team
    reps: pd.DataFrame  # plan.lines per rep (the `team` column holds the rep's id)
    delivered: plan.Delivered


def delivered(facts: Facts, as_of: pd.Timestamp, deals: pd.DataFrame, everyone: pd.DataFrame | None = None,
              seen: tuple[PartnerView, CustomerView] | None = None) -> plan.Delivered:
    """What plan actuals count on `as_of` (`deals`: `deals_as_of` that day; `everyone`: `whole_org_deals`, from
    which customers' first deals are read, the same for whoever looks; `seen`: the partner and customer views of
    that day, when the caller has them, whose deal sourcing and customers are read rather than made again)."""
    rules, org = facts.definitions, facts.org
    sourced = partners.sourcing(deals, org.opportunity_partners, rules.partners) if seen is None else seen[0].sourced
    found = (customers.customers(whole_org_deals(facts, as_of, deals) if everyone is None else everyone,
                                 facts.whole_org.accounts, as_of, rules.customers) if seen is None else seen[1].found)
    logged = facts.activities.loc[facts.activities[activity.CREATED_DAY] <= as_of]
    return plan.Delivered(
        data_start(facts, deals),
        channels.by_partner(revenue.known_on(sourced, as_of), facts.whole_org.accounts, rules.channels), logged,
        facts.stages, partners.partner_accounts(org.accounts, people.zones(facts.people), as_of, rules.partners), found)


def plan_view(facts: Facts, as_of: pd.Timestamp, quarter: Period, owners: pd.Index,
              done: plan.Delivered) -> PlanView:
    """The plan of `quarter` (the as-of date's or an earlier one) for `owners` and their teams, against what
    `done` holds through the as-of date. Pace is measured on the quarter's business days elapsed by then."""
    window = quarter.through(as_of)
    actual = plan.actuals(done, window, owners)
    # Unknown, not 0: a line whose export is missing, and a quarter that ended before every export began.
    actual[[key for key, line in zip(plan.KEYS, plan.LINES) if set(plan.needs(*line)) & set(facts.org.missing)]] = \
        float("nan")
    if quarter.end < done.since:
        actual[:] = float("nan")
    rep_plans = plan.rep_plans(facts.targets, quota_of(facts, quarter), quarter.name, owners)
    teams = people.teams_of(facts.people).reindex(owners)
    share = elapsed_share(quarter, as_of)
    return PlanView(quarter, window, done.since if quarter.start < done.since <= quarter.end else None,
                    plan.lines(plan.team_plans(facts.org.goals, rep_plans, teams, quarter.name, facts.whole_teams),
                               actual.groupby(teams).sum(min_count=1), share),
                    plan.lines(rep_plans, actual, share), done)


# What the records behind a plan line show, per metric: the record's id and name, then what it was counted by.
_PLAN_RECORDS = {
    "revenue": [Opportunities.Id, Opportunities.Name, Opportunities.StageName, Opportunities.Amount,
                Opportunities.CloseDate, channels.CHANNEL],
    "pipeline_created": [Opportunities.Id, Opportunities.Name, Opportunities.StageName, Opportunities.Amount,
                         revenue.CREATED_DAY, channels.CHANNEL],
    "partners_recruited": [Accounts.Id, Accounts.Name, Accounts.Type, partners.RECRUITED, partners.CERTIFIED],
    "partners_certified": [Accounts.Id, Accounts.Name, Accounts.Type, partners.RECRUITED, partners.CERTIFIED],
    "new_customers": [Accounts.Id, Accounts.Name, customers.FIRST_DEAL],
    "activities": [Activities.Id, Activities.Subject, Activities.WhoId, activity.KIND, activity.DAY],
    "sal": [funnel.LEAD_ID, funnel.STAGE, funnel.DAY], "sql": [funnel.LEAD_ID, funnel.STAGE, funnel.DAY]}


def plan_records(facts: Facts, view: PlanView, metric: str, channel: str | None, owners: pd.Index) -> pd.DataFrame:
    """The records a plan line's actual counts for `owners` in the view's quarter to date (plan.records), with
    their owner's id: what the page lists under the line."""
    rows = plan.records(view.delivered, metric, channel, view.window)
    rows = rows.loc[among(rows[plan.OWNER], owners)]
    if metric == "activities":
        rows = activity.details(rows, facts.org.activities, [Activities.Id, Activities.Subject, Activities.WhoId])
    return rows[[*_PLAN_RECORDS[metric], plan.OWNER, plan.VALUE]].reset_index(drop=True)


PLAN_QUARTERS = 5  # the quarter under way and the four before it (the Plan page, the review's plan sheet)


def plan_views(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar, owners: pd.Index,
               deals: pd.DataFrame, quarters: int = PLAN_QUARTERS) -> list[PlanView]:
    """`plan_view` of the `quarters` whole fiscal quarters up to the one holding `as_of`, oldest first (`deals`:
    `deals_as_of` that day)."""
    done = delivered(facts, as_of, deals)
    return [plan_view(facts, as_of, calendar.quarter(q.start), owners, done)
            for q in last_quarters(calendar, as_of, quarters)]


def plan_figures(lines: pd.DataFrame) -> list[dict]:
    """The summary's `plan`: one object per team and line (DESIGN.md), counts as whole numbers."""
    keys = [plan.TEAM, plan.METRIC, channels.CHANNEL, plan.PLAN, plan.ACTUAL, plan.ATTAINMENT, plan.PACE]
    rows = lines[keys].astype(object).where(lines[keys].notna(), None)
    for column in (plan.PLAN, plan.ACTUAL):  # a whole count as an int (JSON 3, not 3.0); unknown stays null
        values = lines[column]
        whole = ~lines[plan.METRIC].isin(plan.AMOUNTS) & values.notna() & values.mod(1).eq(0)
        rows.loc[whole, column] = [int(v) for v in values[whole]]
    return rows.to_dict("records")


@dataclass(frozen=True)
class PartnerView:
    """The partners of a set of owners (the Partners page and the summary's `partners` section)."""

    partners: pd.DataFrame  # partners.partner_table of the partner accounts the owners own
    sourced: pd.DataFrame  # every deal as it stood, with partners.sourcing's columns
    figures: dict  # the summary's `partners` section (null without the Account export)


def partner_view(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar, owners: pd.Index,
                 deals: pd.DataFrame, everyone: pd.DataFrame | None = None) -> PartnerView:
    """`deals`: `deals_as_of` that day; `everyone`: `whole_org_deals` (computed when not given). Which deals a
    partner sourced first and last (quiet partners) is read off the whole org, the same for whoever looks."""
    rules, quarter = facts.definitions.partners, calendar.quarter(as_of)
    found = partners.partner_accounts(facts.org.accounts, people.zones(facts.people), as_of, rules)
    mine = found.loc[among(found[Accounts.OwnerId], owners)]
    sourced = partners.sourcing(deals, facts.org.opportunity_partners, rules)
    every = sourced if facts.population is None else partners.sourcing(
        whole_org_deals(facts, as_of) if everyone is None else everyone, facts.whole_org.opportunity_partners, rules)
    table = partners.partner_table(mine, sourced, quarter, as_of, rules, every)
    goal = goals.target(facts.targets, "partners_recruited", "quarter", quarter=quarter.name).reindex(owners).sum(
        min_count=1)
    section = partners.figures(table, sourced, owners, quarter, as_of, None if pd.isna(goal) else float(goal))
    return PartnerView(table, sourced, section if facts.org.has("Account") else dict.fromkeys(section))


@dataclass(frozen=True)
class CustomerView:
    """The customers of a set of owners (the Customers page and the summary's `customers` section)."""

    new: pd.DataFrame  # customers.new_customers the owners own
    cohorts: pd.DataFrame  # customers.cohort_paths of those
    ramp: pd.Series  # customers.expected_ramp over the whole org's customers of the owners' new customers' teams
    retention: pd.DataFrame  # customers.retention per owner
    renewals: pd.DataFrame  # the owners' renewals closing in the quarter
    churned: pd.DataFrame  # customers.churned of the owners
    former: pd.DataFrame  # customers.former: the owners' accounts typed as former customers
    figures: dict  # the summary's `customers` section (null without the Opportunity export)
    found: pd.DataFrame  # customers.customers: every customer of the whole org


def customer_view(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar, owners: pd.Index,
                  deals: pd.DataFrame, everyone: pd.DataFrame | None = None) -> CustomerView:
    """`deals`: `deals_as_of` that day; `everyone`: `whole_org_deals` (computed when not given). The expected
    ramp is the whole org's (the same whoever looks)."""
    rules, quarter = facts.definitions.customers, calendar.quarter(as_of)
    deals = customers.with_kinds(deals, rules)
    everyone = deals if facts.population is None else customers.with_kinds(
        whole_org_deals(facts, as_of) if everyone is None else everyone, rules)
    found = customers.customers(everyone, facts.whole_org.accounts, as_of, rules)
    booked = customers.bookings(everyone, found, as_of)
    teams = remap(found[Accounts.OwnerId], people.teams_of(facts.people)).fillna("No team")
    new = customers.new_customers(found, booked, teams, facts.activities, facts.org.activities, deals, as_of, rules)
    new = new.loc[among(new[Accounts.OwnerId], owners)]
    shown = teams.isin(teams.reindex(new.index).unique())  # the ramp of the selection's teams
    mine = deals.loc[among(deals[Opportunities.OwnerId], owners)]
    renewals = customers.renewals(mine)
    section = customers.figures(new, deals, owners, quarter, as_of)
    return CustomerView(
        new, customers.cohort_paths(found.loc[new.index], booked),
        customers.expected_ramp(customers.cumulative(booked, found), found, shown.map({True: "shown"}))
        .reindex(["shown"]).iloc[0].rename("expected"),
        customers.retention(mine, quarter, as_of),
        renewals.loc[quarter.contains(renewals[Opportunities.CloseDate])], customers.churned(mine, quarter, as_of),
        customers.former(facts.org.accounts.loc[among(facts.org.accounts[Accounts.OwnerId], owners)], rules),
        section if facts.org.has("Opportunity") else dict.fromkeys(section), found)


def whole_org_deals(facts: Facts, as_of: pd.Timestamp, deals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every deal of the org as it stood on `as_of`, for figures that must not depend on who looks: for facts
    that are no viewer's share, `deals` (their `deals_as_of`) when given."""
    if facts.population is None:
        return deals_as_of(facts, as_of) if deals is None else deals
    org, zones = facts.whole_org, people.zones(facts.people)
    return revenue.with_created_day(pipeline.state_on(org.opportunities, org.opportunity_history, as_of, zones,
                                                      rates=org.currency_rates, meanings=facts.meanings), zones)


def waterfall(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar,
              owners: pd.Index) -> tuple[dict[str, float], pd.DataFrame]:
    """Last week's open pipeline to this week's for `owners` (pipeline.waterfall): the bars and the deals."""
    return pipeline.waterfall(facts.org.opportunities, facts.org.opportunity_history, calendar.quarter(as_of),
                              as_of, people.zones(facts.people), owners, rates=facts.org.currency_rates,
                              meanings=facts.meanings)


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
    rows = _DEAL_RECORDS[name](deals_as_of(facts, as_of), w)
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


def deals_as_of(facts: Facts, as_of: pd.Timestamp) -> pd.DataFrame:
    """The opportunities as they stood at the end of `as_of` (each in its owner's zone), with their created day."""
    zones = people.zones(facts.people)
    return revenue.with_created_day(pipeline.state_on(facts.org.opportunities, facts.org.opportunity_history, as_of,
                                                      zones, rates=facts.org.currency_rates,
                                                      meanings=facts.meanings), zones)


def hygiene_list(facts: Facts, deals: pd.DataFrame, as_of: pd.Timestamp, owners: pd.Index) -> pd.DataFrame:
    """The open deals of `owners` that need attention on `as_of` (`deals`: `deals_as_of` that day), with their
    reasons (what the count counts)."""
    flags = pipeline.hygiene_flags(deals, facts.org.opportunity_history, as_of, people.zones(facts.people),
                                   facts.definitions.hygiene)
    return flags.loc[flags[Opportunities.OwnerId].isin(owners)]


def lead_work(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar,
              owners: pd.Index | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """For `owners` (None: everyone's): speed to lead of each MQL of the quarter to date (speed.lead_speeds), and the MQLs
    untouched at the end of `as_of` (speed.untouched_mqls): the records behind the speed-to-lead figures."""
    w = Windows.at(as_of, calendar)
    zones = people.zones(facts.people)
    speeds = speed.lead_speeds(facts.stages, facts.activities, facts.org.activities, zones, w.qtd, as_of,
                               facts.definitions.speed)
    untouched = speed.untouched_mqls(facts.org.leads, facts.org.lead_history, facts.activities, facts.org.activities,
                                     zones, as_of, facts.definitions.speed, facts.definitions.stages)
    if owners is None:
        return speeds, untouched
    return (speeds.loc[speeds[funnel.OWNER_ID].isin(owners)],
            untouched.loc[untouched[funnel.OWNER_ID].isin(owners)])


def backtest(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar = FiscalCalendar(), quarters: int = 4,
             every_weeks: int | None = None, simulation: Simulation = Simulation()) -> tuple[pd.DataFrame, dict]:
    """The forecast replayed over the `quarters` ended quarters before the one holding `as_of`
    (forecast.backtest, with the deals as they stood from pipeline.state_at and each quarter's quotas). For one
    viewer's facts: the forecasts of the reps they see, replayed on the whole org as the live forecast is."""
    past = forecast.measured_quarters(calendar, calendar.quarter(as_of), quarters)
    owners = None if facts.population is None else people.reps(facts.people).index
    return forecast.backtest(facts.whole_org.opportunities, facts.whole_org.opportunity_history, past,
                             partial(pipeline.state_at, meanings=facts.meanings), calendar, partial(quota_of, facts),
                             owners=owners,
                             every_weeks=every_weeks, trials=simulation.trials, seed=simulation.seed)


def _activities_on(facts: Facts, who: pd.Series | None = None, accounts: pd.Series | None = None,
                   window: Period | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counted activities (activity.counted_activities) and the activity table they index, holding every activity
    on these leads or contacts (WhoId) or accounts (AccountId, WhatId, or one of their contacts), at least those
    done in `window` (when given): the facts' own; for one viewer's share, the whole org's on them, since anyone's
    call counts whoever looks."""
    if facts.population is None:
        return facts.activities, facts.org.activities
    raw, contacts = facts.whole_org.activities, facts.whole_org.contacts
    if window is not None:  # a day either side holds every zone's day; only these rows are counted again
        raw = raw.loc[_near(raw, window)]
    accounts = pd.Series(dtype="str") if accounts is None else accounts
    persons = pd.concat([pd.Series(dtype="str") if who is None else who,
                         contacts.loc[among(contacts[Contacts.AccountId], accounts), Contacts.Id]])
    on = (among(raw[Activities.WhoId], persons) | among(raw[Activities.AccountId], accounts)
          | among(raw[Activities.WhatId], accounts))
    subset = raw.loc[on].reset_index(drop=True)
    return activity.counted_activities(subset, people.zones(facts.people), facts.definitions.activity), subset


def _near(activities: pd.DataFrame, window: Period) -> np.ndarray:
    """Activities whose completion, start, date or creation falls within a day of `window` (in UTC): a superset of
    those whose day (activity.counted_activities) lies in it."""
    start = (window.start - pd.Timedelta(days=1)).tz_localize("UTC")
    end = (window.end + pd.Timedelta(days=2)).tz_localize("UTC")
    instants = [activities[c] for c in (Activities.CompletedDateTime, Activities.StartDateTime, Activities.CreatedDate)]
    dated = activities[Activities.ActivityDate]
    return np.logical_or.reduce([((t >= start) & (t < end)).to_numpy() for t in instants]
                                + [((dated >= window.start) & (dated <= window.end)).to_numpy()])


def _named(facts: Facts, as_of: pd.Timestamp,
           owners: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame, list[Problem], Period]:
    """The named accounts of `owners` on `as_of` (named_accounts.assignments), the activities on them in the window
    (named_accounts.account_activities), the named-accounts file's problems, and the window."""
    whole, window = facts.whole_org, facts.definitions.named_accounts.window(as_of)
    pairs, problems = named_accounts.assignments(whole.named_accounts, whole.users, whole.accounts, as_of, owners)
    counted, raw = _activities_on(facts, accounts=pairs[named_accounts.ACCOUNT_ID], window=window)
    linked = named_accounts.account_activities(counted, raw, whole.contacts, pairs[named_accounts.ACCOUNT_ID],
                                               window, as_of)
    return pairs, linked, problems, window


@dataclass(frozen=True)
class NamedView:
    """The named accounts of a set of ADRs (the named-accounts section of the funnel page)."""

    reps: pd.DataFrame  # per ADR (index OwnerId): registry NAMED_KEYS (0, and null coverage, without named accounts)
    accounts: pd.DataFrame  # named_accounts.coverage with the account's Name: one row per ADR and named account
    untouched: pd.DataFrame  # named_accounts.untouched: the named accounts no call or email touched in the window
    touches: pd.DataFrame  # named_accounts.account_activities on the named accounts (records behind touched, meetings)
    opportunities: pd.DataFrame  # opportunities created in the window on their named accounts (records behind)
    source: str  # where named accounts come from: named_accounts.FROM_FILE, FROM_FIELD or FROM_OWNER
    problems: list[Problem]  # named_accounts.csv rows skipped (unknown owner or account), by row and column
    window: Period  # the days a touch counts on


def named_view(facts: Facts, as_of: pd.Timestamp, owners: pd.Index, deals: pd.DataFrame | None = None) -> NamedView:
    """`deals`: `whole_org_deals` that day (computed when not given): opportunities on a named account count
    whoever owns them."""
    everyone = whole_org_deals(facts, as_of) if deals is None else deals
    pairs, linked, problems, window = _named(facts, as_of, owners)
    mine = named_accounts.coverage(pairs, linked, everyone, window)
    accounts = facts.whole_org.accounts
    figures = named_accounts.rep_figures(mine).reindex(owners)
    figures = figures.fillna({k: 0 for k in NAMED_KEYS if k != named_accounts.COVERAGE}).astype(
        {k: int for k in NAMED_KEYS if k != named_accounts.COVERAGE})
    theirs = mine[named_accounts.ACCOUNT_ID]
    created = everyone.loc[window.contains(everyone[revenue.CREATED_DAY]).to_numpy()
                           & among(everyone[Opportunities.AccountId], theirs)]
    return NamedView(
        _unknown_as_null(facts.org, figures),
        mine.assign(**{Accounts.Name: remap(mine[named_accounts.ACCOUNT_ID],
                                            accounts.set_index(Accounts.Id)[Accounts.Name])}),
        named_accounts.untouched(mine, accounts),
        linked.loc[among(linked[named_accounts.ACCOUNT_ID], theirs)].sort_values(activity.DONE_AT).reset_index(
            drop=True),
        created[_DEAL_COLUMNS + [Opportunities.AccountId, revenue.CREATED_DAY]].sort_values(revenue.CREATED_DAY),
        named_accounts.source_of(facts.whole_org.named_accounts, accounts), problems, window)


def qualified_out_cadence(facts: Facts, as_of: pd.Timestamp, since: pd.Timestamp | None = None) -> pd.DataFrame:
    """The leads qualified out by `as_of` (from `since`, when given; cadence.qualified_out) with the touches they
    got and whether the cadence was met (cadence.cadence)."""
    rules, zones = facts.definitions, people.zones(facts.people)
    out = cadence.qualified_out(facts.org.leads, facts.org.lead_history, zones, as_of, rules.lead_process,
                                rules.stages, since)
    return cadence.cadence(out, facts.activities, facts.org.activities, as_of, rules.lead_process)


@dataclass(frozen=True)
class LeadProcessView:
    """How a set of ADRs work their leads by the book over a period (the lead-process part of the funnel page)."""

    reps: pd.DataFrame  # per ADR (index OwnerId): qualified_out_qtd, cadence_misses_qtd, logging_gaps_qtd (the period)
    qualified_out: pd.DataFrame  # cadence.cadence rows qualified out in the period, with the lead's Name and Company
    misses: pd.DataFrame  # those of them that did not meet the cadence (cadence.cadence_misses)
    touches: pd.DataFrame  # cadence.touches_of the misses: the calls and emails each one got, oldest first
    logging_gaps: pd.DataFrame  # cadence.logging_gaps with the lead's Name and Company
    period: Period
    messages: list[str]  # cadence.gaps: what to configure when the reason field is lacking


def lead_process_view(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar, owners: pd.Index,
                      period: Period | None = None) -> LeadProcessView:
    """`period`: default the fiscal quarter to date."""
    rules, period = facts.definitions.lead_process, period or calendar.quarter(as_of).through(as_of)
    rows = qualified_out_cadence(facts, as_of, period.start)
    rows = rows.loc[period.contains(rows[funnel.DAY]).to_numpy() & among(rows[funnel.OWNER_ID], owners)]
    misses = cadence.cadence_misses(rows, period)
    gaps = cadence.logging_gaps(facts.stages, facts.activities, facts.org.activities, period, as_of, rules)
    gaps = gaps.loc[among(gaps[funnel.OWNER_ID], owners)]
    names = facts.org.leads.set_index(Leads.Id)[[Leads.Name, Leads.Company]]
    reps = pd.DataFrame({cadence.QUALIFIED_OUT: rows.groupby(funnel.OWNER_ID).size(),
                         cadence.MISSES: cadence.miss_counts(rows, period),
                         cadence.GAPS: cadence.gap_counts(gaps)}).reindex(owners).fillna(0).astype(int)
    return LeadProcessView(
        _unknown_as_null(facts.org, reps), rows.join(names, on=funnel.LEAD_ID).reset_index(drop=True),
        misses.join(names, on=funnel.LEAD_ID).reset_index(drop=True),
        cadence.touches_of(misses, facts.activities, facts.org.activities, as_of),
        gaps.join(names, on=funnel.LEAD_ID), period, cadence.gaps(facts.org.leads, rules))


@dataclass(frozen=True)
class CampaignView:
    """Campaigns and events as a set of ADRs worked them (the Campaigns page and the summary's `campaigns`)."""

    campaigns: pd.DataFrame  # per campaign (index Id): Name, Type, Status, StartDate, EndDate, CAMPAIGN_FIGURES
    adrs: pd.DataFrame  # per ADR (index OwnerId): the figures of the ADR's members and opportunities, and `queue`
    events: pd.DataFrame  # the event campaigns' rows with prospects and partners_recruited
    recruited: pd.DataFrame  # campaigns.recruited: the partners each event recruited (records behind the count)
    members: pd.DataFrame  # every member counted, with responses and lead outcomes (records behind the counts)
    deals: pd.DataFrame  # campaigns.campaign_deals counted (records behind opportunities, pipeline, won)
    queue: pd.DataFrame  # campaigns.queue: untouched responders by owner, oldest first, with their age in hours
    qualified_out: pd.DataFrame  # campaigns.qualified_out: member leads qualified out with their reason
    orphans: pd.DataFrame  # campaigns.orphans: members left out (their campaign, lead or contact is not in the data)
    messages: list[str]  # the orphans said, and what the data lacks (campaigns.gaps)
    figures: list[dict]  # the summary's `campaigns`: the campaigns active in QTD (null where an export is missing)


def _campaign_members(facts: Facts, as_of: pd.Timestamp,
                      owners: pd.Index | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The members left out (campaigns.orphans, over the whole org), the members counted (of `owners`' ADRs, or
    all) with their responses and their leads' outcomes, and those outcomes (campaigns.lead_outcomes)."""
    rules, whole, zones = facts.definitions, facts.whole_org, people.zones(facts.people)
    left_out = campaigns.orphans(whole.campaign_members, whole.campaigns, whole.leads, whole.contacts)
    known = whole.campaign_members.loc[~among(whole.campaign_members[CampaignMembers.Id],
                                              left_out[CampaignMembers.Id])]
    members = campaigns.member_table(known, facts.org.leads, facts.org.lead_history, whole.contacts, zones, as_of,
                                     rules.stages)
    if owners is not None:
        members = members.loc[among(members[campaigns.OWNER_ID], owners)]
    counted, raw = _activities_on(facts, who=members[campaigns.WHO])
    members = campaigns.responses(members, cadence.touches(counted, raw, members[campaigns.WHO], as_of), as_of,
                                  rules.speed)
    outcomes = campaigns.lead_outcomes(members[CampaignMembers.LeadId].dropna(), facts.org.leads,
                                       facts.org.lead_history, facts.stages, zones, as_of, rules.lead_process,
                                       rules.stages)
    return left_out, campaigns.with_outcomes(members, outcomes), outcomes


def _adr_figures(members: pd.DataFrame, sourced: pd.DataFrame, waiting: pd.DataFrame,
                 owners: pd.Index | None) -> pd.DataFrame:
    """Per ADR (`owners`, or every ADR with a member, a campaign opportunity or a queue): campaigns.figures_by over
    their members and opportunities, and their queue (0 where they have none)."""
    queued = waiting.groupby(campaigns.OWNER_ID).size()
    adrs = campaigns.figures_by(members, sourced, campaigns.OWNER_ID, Opportunities.OwnerId)
    index = adrs.index.union(queued.index) if owners is None else owners
    return adrs.reindex(index).assign(**{campaigns.QUEUE: queued.reindex(index)}).fillna(0).astype(
        {k: int for k in (*campaigns.COUNTS, campaigns.QUEUE)})


def campaign_view(facts: Facts, as_of: pd.Timestamp, calendar: FiscalCalendar, owners: pd.Index | None = None,
                  deals: pd.DataFrame | None = None) -> CampaignView:
    """`owners`: count only the members whose ADR, and the opportunities whose owner, is one of them (None: every
    member and campaign opportunity); `deals`: `deals_as_of` that day (computed when not given)."""
    rules, whole, zones = facts.definitions, facts.whole_org, people.zones(facts.people)
    left_out, members, outcomes = _campaign_members(facts, as_of, owners)
    sourced = campaigns.campaign_deals(deals_as_of(facts, as_of) if deals is None else deals, as_of)
    if owners is not None:
        sourced = sourced.loc[among(sourced[Opportunities.OwnerId], owners)]
    table = campaigns.campaign_table(whole.campaigns, campaigns.figures_by(
        members, sourced, CampaignMembers.CampaignId, Opportunities.CampaignId), as_of)
    waiting = campaigns.queue(members, outcomes, zones, as_of, rules.lead_process, rules.speed)
    waiting = waiting if owners is None else waiting.loc[among(waiting[campaigns.OWNER_ID], owners)]
    adrs = _adr_figures(members, sourced, waiting, owners)
    event_rows = campaigns.events(table, rules.campaigns)
    accounts = whole.accounts if len(event_rows) else whole.accounts.iloc[0:0]  # no event: no partner to find
    recruits = campaigns.recruited(event_rows, members, whole.leads, whole.contacts, partners.partner_accounts(
        accounts, zones, as_of, rules.partners), as_of, rules.campaigns)
    active = table.loc[among(table.index, campaigns.active(members, sourced, calendar.quarter(as_of).through(as_of)))]
    return CampaignView(
        _unknown_as_null(facts.org, table), _unknown_as_null(facts.org, adrs),
        _unknown_as_null(facts.org, campaigns.event_table(event_rows, members, recruits)), recruits, members,
        sourced, waiting, campaigns.qualified_out(members), left_out,
        campaigns.orphan_messages(left_out, whole.campaigns) + campaigns.gaps(
            whole.campaigns, whole.campaign_members, whole.contacts, whole.missing),
        campaign_figures(active, facts.org))


def campaign_figures(table: pd.DataFrame, org: Org) -> list[dict]:
    """The summary's `campaigns` (issue 11): one object per row of `table` (campaigns.campaign_table), ordered by
    start day and name: id, name and type as text, counts as whole numbers, amounts as numbers, null where undefined
    or where an export the figure needs is missing."""
    if table.empty:
        return []
    rows = table.sort_values([Campaigns.StartDate, Campaigns.Name], kind="stable", na_position="last")
    rows = _unknown_as_null(org, rows[[Campaigns.Name, Campaigns.Type, *CAMPAIGN_KEYS]])
    out = rows.rename_axis("id").reset_index().rename(columns={Campaigns.Name: "name", Campaigns.Type: "type"})
    return _json_records(out.astype({"id": object, "name": object, "type": object}))
