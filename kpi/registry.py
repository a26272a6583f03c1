"""The KPI registry: every metric defined once. Pages, the CLI, exports and the glossary read these entries."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from kpi import cadence, campaigns, customers, forecast, named_accounts, partners, plan, ramp


class Unit(StrEnum):
    COUNT = "count"
    CURRENCY = "currency"
    PERCENT = "percent"  # a ratio shown as a percentage
    MULTIPLE = "multiple"  # a ratio shown as 2.4x
    HOURS = "business hours"


class Grain(StrEnum):
    DAY = "as-of day"
    WEEK = "ISO week to date"
    MONTH = "calendar month to date"
    QTD = "fiscal quarter to date"
    QUARTER = "whole fiscal quarter"
    YEAR = "12 months to the as-of date"


class Direction(StrEnum):
    HIGHER = "higher is better"
    LOWER = "lower is better"
    NEUTRAL = "neither"


class Family(StrEnum):
    ACTIVITY = "Activity"
    FUNNEL = "Lead funnel"
    REVENUE = "Revenue"
    PIPELINE = "Pipeline and forecast"
    PARTNERS = "Partners"
    CUSTOMERS = "Customers and retention"
    PLAN = "Plan and ramp"
    CAMPAIGNS = "Campaigns and events"
    LEAD_PROCESS = "Named accounts and lead process"


@dataclass(frozen=True)
class KPI:
    """One metric. `numerator`/`denominator` name the KPIs a ratio is recomputed from; `target_of` names the
    KPI a target or goal is set for, and `goal` the goals-file (metric, period) it comes from; `needs` names
    the Salesforce objects without which the figure is unknown (null, not 0)."""

    name: str
    label: str
    family: Family
    unit: Unit
    grain: Grain
    direction: Direction
    formula: str
    help: str
    numerator: str | None = None
    denominator: str | None = None
    target_of: str | None = None
    goal: tuple[str, str] | None = None
    needs: tuple[str, ...] = ()

    def tooltip(self) -> str:
        """What a hover shows: the meaning, the formula and the span."""
        return f"{self.help}\n\nFormula: {self.formula}\n\nCounted over: {self.grain.value}."

    def format(self, value: float | None, compact: bool = False, currency: str | None = None) -> str:
        """The value as a person reads it ('—' when undefined); money in `currency` (default: dollars)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "—"
        if self.unit is Unit.CURRENCY:
            sign = money_sign(currency)
            return _money(value, sign) if compact else f"{sign}{value:,.0f}"
        if self.unit is Unit.PERCENT:
            return f"{value:.0%}"
        if self.unit is Unit.MULTIPLE:
            return f"{value:.1f}x"
        if self.unit is Unit.HOURS:
            return f"{value:,.1f} h"
        return f"{value:,.0f}"


_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def money_sign(currency: str | None) -> str:
    """What goes before an amount in `currency` (default: dollars): '€', or the code and a space."""
    return _SIGNS.get(currency or "USD", f"{currency} ")


def _money(value: float, sign: str) -> str:
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{sign}{value / size:,.1f}{suffix}"
    return f"{sign}{value:,.0f}"


_ACT, _FUN, _REV, _PIPE = Family.ACTIVITY, Family.FUNNEL, Family.REVENUE, Family.PIPELINE
_PART, _CUST, _PLAN = Family.PARTNERS, Family.CUSTOMERS, Family.PLAN
_CAMP, _PROC = Family.CAMPAIGNS, Family.LEAD_PROCESS
_DEALS, _LEADS, _LEAD_WORK = ("Opportunity",), ("Lead",), ("Lead", "Task")
_UP, _DOWN, _NEUTRAL = Direction.HIGHER, Direction.LOWER, Direction.NEUTRAL
_ACCOUNTS = ("Account",)
_DAY_RULE = ("An activity's day is when it was completed (a meeting: when it starts) in the owner's time zone, "
             "else its ActivityDate, else when it was created.")
_STAGE_RULE = ("A lead counts once per stage, on the first day it reached it (in the owner's time zone), for the "
               "owner it had then; a lead owned by a queue then counts for nobody.")


_SPEED_RULE = ("Speed to lead is measured in business hours (Monday-Friday 09:00-17:00 in the owner's time zone) "
               "from the moment the lead reached MQL (a LeadHistory Status row; a date-only MQL field gives no "
               "time, so no speed) to the first completed call or email on the lead (Task WhoId) at or after it, "
               "for the owner at MQL time.")
_FORECAST_RULE = forecast.METHOD
_CAMPAIGN_RULE = campaigns.RULE
_CAMPAIGN, _MEMBERS = ("Campaign",), ("Campaign", "CampaignMember")
_CAMPAIGN_DEALS = ("Campaign", "Opportunity")
_NAMED, _NAMED_MEETINGS = ("Account", "Task"), ("Account", "Task", "Event")
_LEAD_PROCESS = ("Lead", "LeadHistory", "Task")
# A Task of Type 'Meeting' is a meeting too, so meeting counts need both objects.
_TASKS, _ALL_ACTIVITY = ("Task",), ("Task", "Event")


def _activity(kind: str, what: str, needs: tuple[str, ...]) -> KPI:
    return KPI(f"{kind}s_today", f"{kind.capitalize()}s today", _ACT, Unit.COUNT, Grain.DAY, _UP,
               f"count of {what} with day = as-of date",
               f"{what.capitalize()} the rep did on the as-of date. {_DAY_RULE}", needs=needs)


def _target(name: str, label: str, family: Family, grain: Grain, metric: str, period: str, of: str,
            unit: Unit = Unit.COUNT) -> KPI:
    return KPI(name, label, family, unit, grain, _NEUTRAL,
               f"goals file: metric '{metric}', period '{period}'",
               "Set in the goals file. The most specific row wins (a User Id or email over a role over '*'), "
               "separately for each metric and period; goals are never converted between periods. No row: no "
               "target. A team's target is the sum over its reps that have one.", target_of=of, goal=(metric, period))


def _stage(stage: str, grain: Grain, period_word: str) -> list[KPI]:
    name, upper = f"{stage}_{period_word}", stage.upper()
    statuses = {"sal": "'SAL', 'Sales Accepted', 'Accepted'", "sql": "'SQL', 'Sales Qualified', 'Qualified'"}[stage]
    return [
        KPI(name, f"{upper}s this {period_word}", _FUN, Unit.COUNT, grain, _UP,
            f"leads first reaching {upper} on a day of the {grain.value}",
            f"Leads that reached {upper} (Lead Status {statuses}; from LeadHistory, else the {upper}_Date__c field; "
            f"{'a converted lead without an SQL date counts on ConvertedDate; ' if stage == 'sql' else ''}"
            f"{_STAGE_RULE}", needs=("Lead",)),
        _target(f"{stage}_goal_{period_word}", f"{upper} goal this {period_word}", _FUN, grain, stage,
                period_word, name),
    ]


def _qtd_stage(stage: str) -> KPI:
    upper = stage.upper()
    return KPI(f"{stage}_qtd", f"{upper}s QTD", _FUN, Unit.COUNT, Grain.QTD, _UP,
               f"leads first reaching {upper} on a day of the quarter to date",
               f"Leads that reached {upper} this quarter. {_STAGE_RULE}", needs=_LEADS)


def _cohort(first: str, second: str) -> list[KPI]:
    a, b = first.upper(), second.upper()
    return [
        KPI(f"{first}_cohort_{second}", f"{a}s QTD that reached {b}", _FUN, Unit.COUNT, Grain.QTD, _UP,
            f"of the leads reaching {a} in the quarter to date, those reaching {b} by the as-of date",
            f"The converted part of the {a} cohort, whoever owned the lead when it reached {b}.", needs=_LEADS),
        KPI(f"{first}_to_{second}_cohort", f"{a} → {b} (cohort)", _FUN, Unit.PERCENT, Grain.QTD, _UP,
            f"{a}s of the quarter to date that reached {b} by the as-of date / {a}s of the quarter to date",
            f"Cohort conversion: the {a}s of the quarter, followed to the as-of date, so leads that convert late "
            f"are not lost to the next period. The cohort belongs to the owner at {a}. A team's rate is "
            f"recomputed from its sums.", numerator=f"{first}_cohort_{second}", denominator=f"{first}_qtd",
            needs=_LEADS),
    ]


def _category(name: str, category: str) -> KPI:
    return KPI(f"pipeline_{name}", f"Forecast: {category}", _PIPE, Unit.CURRENCY, Grain.QUARTER, _UP,
               f"sum of Amount of open opportunities with ForecastCategoryName '{category}' closing from the "
               f"as-of date through quarter end",
               f"The forecast roll-up's {category} line, as the deals stood at the end of the as-of date "
               f"(OpportunityFieldHistory; without it, as they are now).", needs=_DEALS)


def _forecast(percentile: int) -> KPI:
    meaning = {10: "a bad quarter: 9 in 10 simulated quarters end higher",
               50: "the middle outcome", 90: "a good quarter: only 1 in 10 simulated quarters ends higher"}
    return KPI(f"forecast_p{percentile}", f"Forecast P{percentile}", _PIPE, Unit.CURRENCY, Grain.QUARTER, _UP,
               f"{percentile}th percentile of closed-won QTD + simulated wins by quarter end",
               f"End-of-quarter revenue, {meaning[percentile]}. {_FORECAST_RULE}", needs=_DEALS)


ENTRIES: tuple[KPI, ...] = (
    _activity("call", "completed calls", _TASKS),
    _activity("email", "completed emails", _TASKS),
    _activity("meeting", "meetings", _ALL_ACTIVITY),
    KPI("activities_today", "Activities today", _ACT, Unit.COUNT, Grain.DAY, _UP,
        "calls + emails + meetings with day = as-of date",
        f"All prospecting activity on the as-of date. Only completed Tasks count; every Event is a meeting. "
        f"A Task's kind is decided by TaskSubtype, then Type, then a Subject starting 'Call' or 'Email'. {_DAY_RULE}",
        needs=_ALL_ACTIVITY),
    _target("calls_target_day", "Daily call target", _ACT, Grain.DAY, "calls", "day", "calls_today"),
    _target("emails_target_day", "Daily email target", _ACT, Grain.DAY, "emails", "day", "emails_today"),
    _target("meetings_target_day", "Daily meeting target", _ACT, Grain.DAY, "meetings", "day", "meetings_today"),
    _target("activities_target_day", "Daily activity target", _ACT, Grain.DAY, "activities", "day",
            "activities_today"),
    KPI("activities_week", "Activities this week", _ACT, Unit.COUNT, Grain.WEEK, _UP,
        "calls + emails + meetings from Monday through the as-of date",
        f"All prospecting activity in the ISO week (Monday start) up to and including the as-of date. {_DAY_RULE}",
        needs=_ALL_ACTIVITY),
    *_stage("sal", Grain.WEEK, "week"),
    *_stage("sql", Grain.WEEK, "week"),
    *_stage("sal", Grain.MONTH, "month"),
    *_stage("sql", Grain.MONTH, "month"),
    KPI("revenue_qtd", "Closed-won QTD", _REV, Unit.CURRENCY, Grain.QTD, _UP,
        "sum of Amount of opportunities with IsWon and CloseDate in the quarter to date",
        "Revenue booked this fiscal quarter through the as-of date, to the opportunity owner.", needs=_DEALS),
    KPI("quota_quarter", "Quota", _REV, Unit.CURRENCY, Grain.QUARTER, _NEUTRAL,
        "sum of ForecastingQuota.QuotaAmount (IsQuantity false) with StartDate in the quarter, "
        "else the goals file's revenue/quarter target",
        "The rep's revenue quota for the whole fiscal quarter (monthly quota rows add up). No quota: empty, and "
        "attainment, pace and coverage are empty too.", target_of="revenue_qtd"),
    KPI("attainment", "Attainment", _REV, Unit.PERCENT, Grain.QTD, _UP, "closed-won QTD / quota",
        "Share of the quarter's quota already closed-won. A team's attainment is its summed won over its summed "
        "quota, never an average of reps.", numerator="revenue_qtd", denominator="quota_quarter"),
    KPI("pace", "Pace", _REV, Unit.PERCENT, Grain.QTD, _UP, "attainment / elapsed share",
        "Attainment relative to how much of the quarter has gone by: 100% means exactly on pace. Elapsed share = "
        "business days (Mon-Fri) from quarter start through the as-of date / business days in the quarter.",
        numerator="attainment", denominator="elapsed_share"),
    KPI("projection", "Projection", _REV, Unit.CURRENCY, Grain.QUARTER, _UP, "closed-won QTD / elapsed share",
        "Where the quarter ends if the rep keeps closing at the same rate (linear projection).",
        numerator="revenue_qtd", denominator="elapsed_share"),
    KPI("coverage", "Coverage", _REV, Unit.MULTIPLE, Grain.QUARTER, _UP,
        "open pipeline closing from the as-of date through quarter end / (quota - closed-won QTD)",
        "How many times the open pipeline covers the quota still to close. Empty when the quota is already met. "
        "A team's coverage pools its reps: one rep's surplus offsets another's shortfall.",
        numerator="open_pipeline"),
    KPI("win_rate", "Win rate", _REV, Unit.PERCENT, Grain.QTD, _UP, "won count / closed count",
        "Of the opportunities closed (IsClosed) with CloseDate in the quarter to date, the share won. An open "
        "deal past its close date is not closed.", numerator="won_count_qtd", denominator="closed_count_qtd"),
    KPI("won_count_qtd", "Deals won QTD", _REV, Unit.COUNT, Grain.QTD, _UP,
        "count of closed opportunities with IsWon and CloseDate in the quarter to date",
        "Deals closed won this quarter.", needs=_DEALS),
    KPI("closed_count_qtd", "Deals closed QTD", _REV, Unit.COUNT, Grain.QTD, _NEUTRAL,
        "count of opportunities with IsClosed and CloseDate in the quarter to date",
        "Deals closed this quarter, won or lost.", needs=_DEALS),
    KPI("open_pipeline", "Open pipeline", _REV, Unit.CURRENCY, Grain.QUARTER, _UP,
        "sum of Amount of open opportunities with CloseDate from the as-of date through quarter end",
        "The open deals that can still close this quarter (IsClosed false, CloseDate not in the past).",
        needs=_DEALS),
    KPI("elapsed_share", "Quarter elapsed", _REV, Unit.PERCENT, Grain.QTD, _NEUTRAL,
        "business days from quarter start through the as-of date / business days in the quarter",
        "How much of the fiscal quarter has gone by, counting Monday-Friday."),
    *(_qtd_stage(stage) for stage in ("mql", "sal", "sql")),
    KPI("converted_qtd", "Converted QTD", _FUN, Unit.COUNT, Grain.QTD, _UP,
        "count of leads with IsConverted and ConvertedDate in the quarter to date",
        "Leads converted this quarter, for the owner at the end of the conversion day.", needs=_LEADS),
    *_cohort("mql", "sal"),
    *_cohort("sal", "sql"),
    KPI("speed_to_lead_median_h", "Speed to lead (median)", _FUN, Unit.HOURS, Grain.QTD, _DOWN,
        "median business hours from MQL time to the first completed call or email, over the QTD MQLs touched",
        f"{_SPEED_RULE} A team's median pools its reps' leads.", needs=_LEAD_WORK),
    KPI("speed_to_lead_p90_h", "Speed to lead (90th percentile)", _FUN, Unit.HOURS, Grain.QTD, _DOWN,
        "90th percentile (linear) of business hours from MQL time to first touch, over the QTD MQLs touched",
        f"The slow tail of speed to lead: 9 in 10 touched MQLs were worked faster. {_SPEED_RULE}",
        needs=_LEAD_WORK),
    KPI("sla_breaches_qtd", "SLA breaches QTD", _FUN, Unit.COUNT, Grain.QTD, _DOWN,
        "QTD MQLs whose speed to lead exceeds the SLA (untouched: once the hours to the end of the as-of day do)",
        f"MQLs worked later than the SLA (default 1 business hour), or not worked and already past it. "
        f"{_SPEED_RULE}", needs=_LEAD_WORK),
    KPI("untouched_mql", "Untouched MQLs", _FUN, Unit.COUNT, Grain.DAY, _DOWN,
        "leads in an MQL status on the as-of date with no completed call or email since their MQL time",
        "The MQLs waiting for a first call or email now, for the owner on the as-of date (who should act).",
        needs=_LEAD_WORK),
    *(_category(name, category) for name, category in (
        ("commit", "Commit"), ("best_case", "Best Case"), ("pipeline", "Pipeline"))),
    KPI("pipeline_open", "Open pipeline by category", _PIPE, Unit.CURRENCY, Grain.QUARTER, _UP,
        "Commit + Best Case + Pipeline (Omitted left out)",
        "The forecast roll-up's open total: open deals closing from the as-of date through quarter end, as they "
        "stood at the end of the as-of date, without Omitted ones.", needs=_DEALS),
    KPI("pipeline_created_qtd", "Pipeline created QTD", _PIPE, Unit.CURRENCY, Grain.QTD, _UP,
        "sum of Amount of opportunities created on a day of the quarter to date",
        "New pipeline this quarter: every opportunity created (owner's day), whatever its stage now.",
        needs=_DEALS),
    _target("pipeline_created_goal_quarter", "Pipeline created goal", _PIPE, Grain.QUARTER, "pipeline_created",
            "quarter", "pipeline_created_qtd", Unit.CURRENCY),
    KPI("hygiene_open_flagged", "Deals needing attention", _PIPE, Unit.COUNT, Grain.DAY, _DOWN,
        "open deals with a past close date, no amount, a stage unchanged 30+ days, or a close date moved 3+ times",
        "What a weekly review asks about. A deal with several flags counts once; the Pipeline page lists each "
        "deal with its reasons.", needs=_DEALS),
    *(_forecast(p) for p in (10, 50, 90)),
    KPI("forecast_p_quota", "Chance to hit quota", _PIPE, Unit.PERCENT, Grain.QUARTER, _UP,
        "share of simulated quarters in which closed-won QTD + simulated wins reach the quota",
        f"The likelihood of reaching quota this quarter. Empty without a quota. {_FORECAST_RULE}", needs=_DEALS),
    KPI("recruited_qtd", "Partners recruited QTD", _PART, Unit.COUNT, Grain.QTD, _UP,
        "partner accounts whose recruited day falls in the quarter to date",
        f"New reseller and service-provider partners. {partners.RULE}", needs=_ACCOUNTS),
    KPI("recruited_goal_quarter", "Partners recruited goal", _PART, Unit.COUNT, Grain.QUARTER, _UP,
        "sum of the reps' partners_recruited quarter goals (goals file)",
        "The quarter's recruiting goal; empty when no rep has one."),
    KPI("certified_qtd", "Partners certified QTD", _PART, Unit.COUNT, Grain.QTD, _UP,
        "partners whose Certified_Date__c (status Certified) falls in the quarter to date", partners.RULE,
        needs=_ACCOUNTS),
    KPI("overdue_certification", "Certification overdue", _PART, Unit.COUNT, Grain.DAY, _DOWN,
        "partners not certified on the as-of date and recruited more than 60 days before it",
        "Partners to chase for certification: 60 days after recruiting is on time, 61 is overdue.",
        needs=_ACCOUNTS),
    KPI("median_days_to_certify", "Median days to certify", _PART, Unit.COUNT, Grain.YEAR, _DOWN,
        "median of (certified day - recruited day) over partners certified in the 12 months to the as-of date",
        "How long certification takes; empty when nobody was certified in the 12 months.", needs=_ACCOUNTS),
    KPI("sourced_pipeline", "Partner-sourced pipeline", _PART, Unit.CURRENCY, Grain.QUARTER, _UP,
        "Amount of open partner-sourced opportunities closing from the as-of date through quarter end",
        f"Pipeline the partners brought, as the deals stood on the as-of date. {partners.RULE}", needs=_DEALS),
    KPI("sourced_won_qtd", "Partner-sourced won QTD", _PART, Unit.CURRENCY, Grain.QTD, _UP,
        "Amount of won partner-sourced opportunities with CloseDate in the quarter to date", partners.RULE,
        needs=_DEALS),
    KPI("quiet", "Quiet partners", _PART, Unit.COUNT, Grain.DAY, _DOWN,
        "certified partners with no sourced opportunity created in the 90 days ending on the as-of date",
        "Certified partners who have gone quiet: worth a call.", needs=_ACCOUNTS),
    KPI("new_12m", "New customers (12 months)", _CUST, Unit.COUNT, Grain.YEAR, _UP,
        "accounts whose first won deal closed from the same day 12 months ago through the as-of date",
        customers.RULE, needs=_DEALS),
    KPI("underperforming", "New customers to help", _CUST, Unit.COUNT, Grain.DAY, _DOWN,
        "new customers below half the expected ramp at their age, or with no completed activity in 30 days",
        customers.RULE, needs=_DEALS),
    KPI("renewals_due_quarter", "Renewals due", _CUST, Unit.COUNT, Grain.QUARTER, _NEUTRAL,
        "renewal opportunities (Type contains 'Renewal') with CloseDate in the quarter, open or closed",
        customers.RULE, needs=_DEALS),
    KPI("renewals_won_qtd", "Renewals won QTD", _CUST, Unit.COUNT, Grain.QTD, _UP,
        "renewals closed won with CloseDate in the quarter to date", customers.RULE, needs=_DEALS),
    KPI("renewals_lost_qtd", "Renewals lost QTD", _CUST, Unit.COUNT, Grain.QTD, _DOWN,
        "renewals closed lost with CloseDate in the quarter to date", customers.RULE, needs=_DEALS),
    KPI("gross_renewal_rate", "Gross renewal rate", _CUST, Unit.PERCENT, Grain.QTD, _UP,
        "won renewal Amount / (won + lost renewal Amount), renewals closed in the quarter to date",
        "Retention by value; empty when no renewal closed yet.", needs=_DEALS),
    KPI("churned_qtd", "Churned customers QTD", _CUST, Unit.COUNT, Grain.QTD, _DOWN,
        "accounts with a renewal lost in the quarter to date and no renewal won in it",
        "Customers lost at renewal; other won deals do not offset a lost renewal.", needs=_DEALS),
    KPI("plan_quarter", "Plan", _PLAN, Unit.COUNT, Grain.QUARTER, _NEUTRAL,
        "the quarter's target of a plan line: a team line of the goals file (owner team:<team>), else the sum of "
        "its reps' quarter goals (revenue: their quotas)", plan.RULE),
    KPI("actual_qtd", "Actual QTD", _PLAN, Unit.COUNT, Grain.QTD, _UP,
        "what the plan line counts, over the quarter to date (revenue: won Amount by channel; partners, customers, "
        "activities, SALs, SQLs: records)", plan.RULE),
    KPI("tenure_months", "Tenure (months)", _PLAN, Unit.COUNT, Grain.DAY, _NEUTRAL,
        "whole calendar months from the rep's hire day to the as-of date", ramp.RULE),
    KPI("ramping", "Ramping", _PLAN, Unit.COUNT, Grain.DAY, _NEUTRAL,
        "a rep in tenure months 0 to 5 (team: how many of its reps are)", ramp.RULE),
    KPI("named_accounts", "Named accounts", _PROC, Unit.COUNT, Grain.DAY, _NEUTRAL,
        "accounts named for the ADR: named_accounts.csv, else Account.Named_ADR__c, else Account.OwnerId",
        f"The accounts the ADR prospects outbound. {named_accounts.RULE}", needs=_ACCOUNTS),
    KPI("named_touched_30d", "Named accounts touched (30 days)", _PROC, Unit.COUNT, Grain.MONTH, _UP,
        "named accounts with a completed call or email on them or one of their contacts in the 30 days ending on "
        "the as-of date", f"Named accounts worked lately, by anyone. {named_accounts.RULE}", needs=_NAMED),
    KPI("named_coverage", "Named-account coverage", _PROC, Unit.PERCENT, Grain.MONTH, _UP,
        "named accounts touched in 30 days / named accounts",
        f"The share of the ADR's named accounts worked lately; empty without named accounts. A team's is recomputed "
        f"from its sums. {named_accounts.RULE}", numerator="named_touched_30d", denominator="named_accounts",
        needs=_NAMED),
    KPI("named_meetings_30d", "Meetings on named accounts (30 days)", _PROC, Unit.COUNT, Grain.MONTH, _UP,
        "meetings on named accounts (or their contacts) in the 30 days ending on the as-of date",
        f"Meetings set with the ADR's named accounts, by anyone. {named_accounts.RULE}", needs=_NAMED_MEETINGS),
    KPI("named_opportunities_30d", "Opportunities on named accounts (30 days)", _PROC, Unit.COUNT, Grain.MONTH, _UP,
        "opportunities created on named accounts in the 30 days ending on the as-of date",
        f"New deals on the ADR's named accounts, whoever owns them. {named_accounts.RULE}",
        needs=(*_ACCOUNTS, *_DEALS)),
    KPI("qualified_out_qtd", "Leads qualified out QTD", _PROC, Unit.COUNT, Grain.QTD, _NEUTRAL,
        "leads first moved into a closed status on a day of the quarter to date (and not converted since)",
        f"Leads the ADR closed without conversion, for the owner at that moment. {cadence.RULE}",
        needs=_LEAD_PROCESS),
    KPI("cadence_misses_qtd", "Qualified out too early QTD", _PROC, Unit.COUNT, Grain.QTD, _DOWN,
        "leads qualified out on a day of the quarter to date without the cadence (6 calls or emails over 10 "
        "business days) met",
        f"Leads given up before the agreed cadence, for the owner when they were qualified out. {cadence.RULE}",
        needs=_LEAD_PROCESS),
    KPI("logging_gaps_qtd", "Moved on without a logged touch QTD", _PROC, Unit.COUNT, Grain.QTD, _DOWN,
        "leads that reached SAL or SQL in the quarter to date with no call or email logged in the 5 business days "
        "before", f"What 'document every call and email in Salesforce' means in numbers. {cadence.RULE}",
        needs=_LEAD_PROCESS),
    KPI("members", "Members", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "campaign members added by the as-of date", f"Leads and contacts in the campaign. {_CAMPAIGN_RULE}",
        needs=_MEMBERS),
    KPI("responders", "Responders", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "members with HasResponded (FirstRespondedDate on or before the as-of date)",
        f"Members who responded: the ADRs' work. {_CAMPAIGN_RULE}", needs=_MEMBERS),
    KPI("touched_in_sla", "Responders touched within SLA", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "responders whose first completed call or email after responding came within the SLA (business hours)",
        f"Responders worked fast enough. {_CAMPAIGN_RULE}", needs=(*_MEMBERS, *_LEAD_WORK)),
    KPI("mql", "MQLs", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "member leads that reached MQL by the as-of date", f"{_CAMPAIGN_RULE}", needs=(*_MEMBERS, *_LEADS)),
    KPI("qualified_in", "Qualified in", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "member leads that reached SAL or SQL by the as-of date", f"{_CAMPAIGN_RULE}", needs=(*_MEMBERS, *_LEADS)),
    KPI("sql", "SQLs", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "member leads that reached SQL by the as-of date", f"What cost per SQL divides by. {_CAMPAIGN_RULE}",
        needs=(*_MEMBERS, *_LEADS)),
    KPI("qualified_out", "Qualified out", _CAMP, Unit.COUNT, Grain.DAY, _NEUTRAL,
        "member leads not converted whose status on the as-of date is a closed status",
        f"Member leads closed without conversion, each with its reason. {_CAMPAIGN_RULE}",
        needs=(*_MEMBERS, *_LEADS)),
    KPI("opportunities", "Opportunities", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "opportunities whose primary campaign (CampaignId) it is, created by the as-of date",
        f"Deals the campaign sourced. {_CAMPAIGN_RULE}", needs=_CAMPAIGN_DEALS),
    KPI("pipeline", "Campaign pipeline", _CAMP, Unit.CURRENCY, Grain.DAY, _UP,
        "sum of Amount of the campaign's opportunities, as they stood on the as-of date",
        f"Pipeline the campaign sourced, open or closed. {_CAMPAIGN_RULE}", needs=_CAMPAIGN_DEALS),
    KPI("won", "Campaign won", _CAMP, Unit.CURRENCY, Grain.DAY, _UP,
        "sum of Amount of the campaign's opportunities won with CloseDate on or before the as-of date",
        f"Revenue the campaign sourced. {_CAMPAIGN_RULE}", needs=_CAMPAIGN_DEALS),
    KPI("cost", "Cost", _CAMP, Unit.CURRENCY, Grain.DAY, _DOWN, "Campaign.ActualCost",
        "What the campaign cost (ActualCost, in the corporate currency); empty when not set.", needs=_CAMPAIGN),
    KPI("cost_per_sql", "Cost per SQL", _CAMP, Unit.CURRENCY, Grain.DAY, _DOWN, "ActualCost / SQLs",
        f"What one sales-qualified lead cost; empty without a cost, with a cost of 0, or without SQLs. "
        f"{_CAMPAIGN_RULE}", numerator="cost", denominator="sql", needs=(*_MEMBERS, *_LEADS)),
    KPI("pipeline_per_cost", "Pipeline per cost", _CAMP, Unit.MULTIPLE, Grain.DAY, _UP, "pipeline / ActualCost",
        f"Pipeline sourced per unit of cost; empty without a cost or with a cost of 0 (never infinite). "
        f"{_CAMPAIGN_RULE}", numerator="pipeline", denominator="cost", needs=_CAMPAIGN_DEALS),
    KPI("prospects", "Prospects", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "distinct member leads and contacts of an event", f"Whom the event let the team meet. {_CAMPAIGN_RULE}",
        needs=_MEMBERS),
    KPI("partners_recruited", "Partners recruited", _CAMP, Unit.COUNT, Grain.DAY, _UP,
        "partner accounts of an event's members recruited from its start through 90 days after its end",
        f"Whether the event was worth attending for recruiting. {_CAMPAIGN_RULE} {partners.RULE}",
        needs=(*_MEMBERS, *_ACCOUNTS)),
    KPI("queue", "Responders waiting", _CAMP, Unit.COUNT, Grain.DAY, _DOWN,
        "responders with no call or email since responding whose lead is open, for its owner on the as-of date",
        f"The ADR's queue, oldest first by business hours waiting. {_CAMPAIGN_RULE}", needs=(*_MEMBERS, *_LEAD_WORK)),
)

KPIS: dict[str, KPI] = {entry.name: entry for entry in ENTRIES}

TARGETS: dict[str, tuple[str, str]] = {k.name: k.goal for k in ENTRIES if k.goal}  # KPI -> (metric, period)

# The per-rep keys of `python -m kpi summary` (DESIGN.md), in contract order.
SUMMARY_KEYS: tuple[str, ...] = (
    "calls_today", "emails_today", "meetings_today", "activities_today", "calls_target_day", "activities_week",
    "sal_week", "sal_goal_week", "sql_week", "sql_goal_week", "sal_month", "sal_goal_month", "sql_month",
    "sql_goal_month", "revenue_qtd", "quota_quarter", "attainment", "pace", "projection", "coverage", "win_rate",
    "mql_qtd", "sal_qtd", "sql_qtd", "converted_qtd", "mql_to_sal_cohort", "sal_to_sql_cohort",
    "speed_to_lead_median_h", "speed_to_lead_p90_h", "sla_breaches_qtd", "untouched_mql", "pipeline_commit",
    "pipeline_best_case", "pipeline_pipeline", "pipeline_open", "pipeline_created_qtd",
    "pipeline_created_goal_quarter", "hygiene_open_flagged", "forecast_p10", "forecast_p50", "forecast_p90",
    "forecast_p_quota", "named_accounts", "named_touched_30d", "named_coverage", "cadence_misses_qtd",
)
# The top-level `partners` and `customers` sections of `python -m kpi summary` (DESIGN.md), in contract order.
PARTNER_KEYS: tuple[str, ...] = ("recruited_qtd", "recruited_goal_quarter", "certified_qtd", "overdue_certification",
                                 "median_days_to_certify", "sourced_pipeline", "sourced_won_qtd", "quiet")
# The keys of each object of the top-level `plan` list besides team, metric and channel (DESIGN.md), and the
# per-rep ramp keys, which the scorecard does not compute (summary.plan_view, summary.ramp_status).
PLAN_KEYS: tuple[str, ...] = ("plan_quarter", "actual_qtd", "attainment", "pace")
RAMP_KEYS: tuple[str, ...] = ("tenure_months", "ramping")
CUSTOMER_KEYS: tuple[str, ...] = ("new_12m", "underperforming", "renewals_due_quarter", "renewals_won_qtd",
                                  "renewals_lost_qtd", "gross_renewal_rate", "churned_qtd")
# The keys of each object of the top-level `campaigns` list besides id, name and type (issue 11), in contract order;
# the figures of a campaign's row on the Campaigns page (those and more); an event's; an ADR's named accounts.
CAMPAIGN_KEYS: tuple[str, ...] = ("members", "responders", "mql", "qualified_in", "qualified_out", "opportunities",
                                  "pipeline", "won", "cost", "cost_per_sql")
CAMPAIGN_FIGURES: tuple[str, ...] = ("members", "responders", "touched_in_sla", "mql", "qualified_in", "sql",
                                     "qualified_out", "opportunities", "pipeline", "won", "cost", "cost_per_sql",
                                     "pipeline_per_cost")
EVENT_KEYS: tuple[str, ...] = ("prospects", "partners_recruited")
NAMED_KEYS: tuple[str, ...] = ("named_accounts", "named_touched_30d", "named_coverage", "named_meetings_30d",
                               "named_opportunities_30d")
