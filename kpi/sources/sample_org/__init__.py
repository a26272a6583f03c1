"""A seeded, deterministic sample Salesforce org: an inside-sales floor written as Data Loader-style CSV files.

`write_sample_org(folder, OrgShape(), seed)` writes User, UserRole, Account, Lead, LeadHistory, Task, Event,
Opportunity, OpportunityFieldHistory, OpportunityPartner, ForecastingQuota, Contact, Campaign and CampaignMember
CSV files (API-name headers) and a goals.csv.
Same shape and seed give byte-identical files. Everything is vectorised with numpy / pandas; the only
Python loops run over people, quarters, event kinds or id digits, never over records.

How the org behaves (the facts the KPI engine is exercised with):

- People, in this order (User ids depend only on the position, never on the seed): VP Inside Sales; the ADR,
  SMB and Mid-Market managers; the active ADRs; one ADR who left on `OrgShape.departure` (IsActive false,
  still owns old leads and tasks); the SMB account managers (the last one hired `new_hire_weeks` before the
  anchor); the mid-market AEs (the second-to-last one hired `mm_hire_weeks` before it; the last one has no
  ForecastingQuota: a goals.csv `revenue` row instead); 'Automated Process' (UserType AutomatedProcess);
  'Marketing Ops' (writes the marketing-automation status changes: MQL, re-MQL and the recycling of untouched
  MQLs).
- The two new hires (with the default shape: the SMB rep hired on 2026-10-13, six weeks before the anchor, and
  the mid-market AE hired on 2026-08-11, fifteen weeks before it): User.CreatedDate is the day before the hire
  day and they own nothing dated before it (no existing customers or partners, no deal, account, activity or
  meeting booking earlier; leads are converted to them from a week after it); their activities ramp up over
  three weeks; their ForecastingQuota starts in the month after the hire month, at 50%, then 75%, then 100% of
  a full month (`people.ramp_months`).
- Three more reps took over an existing book inside the data's span (`book_takeovers`: the third ADR on
  2026-04-06, the third SMB rep on 2026-04-13, the second mid-market AE on 2026-05-11): only their
  User.CreatedDate says so (the records before it stand for the book); their first months are what the ramp
  curves of their roles are the median of, beside the new hires'.
- Performance by design, in the anchor's quarter (pace = attainment / elapsed share): SMB rep 1 and
  mid-market AE 1 well ahead (~1.45 / ~1.35), SMB rep 2 and mid-market AE 2 well behind (~0.45 / ~0.40),
  the others between 0.85 and 1.15, the new hires ~0.6 of a ramped quota; ADR 1 is the busiest ADR, the
  last active ADR the quietest (and the one whose calls/day goal is set by email).
- goals.csv (owner, metric, period, target, channel, quarter): goals that hold in every quarter (no channel,
  no quarter), then the teams' plan for the anchor's quarter and the one before ('team:<team>' rows, period
  quarter, e.g. 'FY2026 Q4'): SMB and Mid-Market revenue by channel (direct, reseller, service_provider),
  pipeline created, partners recruited and certified and new customers; ADR activities, SAL and SQL. The
  earlier quarter's lines sit within about -15%..+20% of what it delivered, the anchor quarter's within about
  ±15% of its full-quarter run rate, so some lines run ahead and some behind (`goals._plan`).
- Leads: statuses 'Open - Not Contacted', 'MQL' / 'Marketing Qualified', 'Working - Contacted',
  'SAL' / 'Sales Accepted', 'SQL', 'Closed - Converted', 'Closed - Not Converted', 'Recycled'.
  Queues 'Inbound Lead Queue' and 'Partner Lead Queue'. LeadHistory starts at `history_start` (midnight
  America/Los_Angeles): leads created before it have no history rows at all.
- Contacts and named accounts (`prospecting`): 1-3 contacts at each customer and partner account (owned by the
  account's owner) and at each named account. Each active ADR has 12-20 named accounts ('Prospect' accounts owned
  by an SMB or mid-market rep or the VP, Account.Named_ADR__c = the ADR) and works them outbound: completed calls
  and emails on a contact (WhoId), the account (WhatId, AccountId) on days they worked in the 58 days to the
  anchor, in business hours. As of the anchor ~70% of ADR 1's named accounts were touched in the last 30 days,
  falling to ~30% for the last active ADR; some were touched only before that, some never. Task.AccountId is set
  on every task as Salesforce sets it (WhatId account, the WhatId opportunity's account, or the WhoId contact's;
  empty on tasks on leads).
- Campaigns (`campaigns`): eleven over the data's last three fiscal quarters (email nurtures, content
  syndications, webinars, a 'Trade Show' and a 'Conference'); events cost the most, one nurture cost 0 and the
  running one has no ActualCost. Leads a campaign made (by LeadSource: Webinar, Trade Show, Content Download)
  join it when created and responded then; recycled leads join the running nurture ('Sent'), those re-qualified
  during it responded; customer contacts are invited to webinars and events. About a third of the members
  responded. Touched responders were touched at their ADR's speed (some within the 1-hour SLA, most later); each
  active ADR has a few responders nobody has called or emailed since responding (their queue). People from two
  partners recruited within 90 days after the trade show, and one after the conference, attended them (contacts
  at the partner accounts): the events recruited those partners. Opportunity.CampaignId: a converted lead's
  last campaign before conversion, and a few deals sourced by those partners or opened after an event.
- The lead process: every 'Closed - Not Converted' lead has a Lead.Disqualified_Reason__c ('No budget', 'No
  response', 'Competitor', 'Not a fit', 'Duplicate'). Of the leads qualified out in the anchor's quarter, many
  were closed too early (fewer than 6 calls and emails, or fewer than 10 business days since the first touch),
  the rest met that cadence: both come from the funnel's own closings, nothing was changed for them.
- Times: activities run through the end of the anchor day in the owner's time zone; every other record and
  history row is created no later than the anchor day 23:59:59 UTC.

The parts, run in this order on one shared `core.OrgState`: `people`, `leads` (with `lead_owners`), `deals`,
`deal_history`, `activities`, then `partners` (the partner programme: added after those, from its own random
stream, so it changes nothing the others made but Account.Type of two partners and, where a team won nothing
through a reseller or a service provider in one of the last two quarters, the partner of one won deal), then
`prospecting` and `campaigns` (added last, each from its own random stream: they change no record or value made
before them, only add records, files and columns; their only effect on earlier figures is the ADRs' outbound
calls and emails, which add to ADR activity counts); then `tables`, `goals` and the table functions of
`prospecting` and `campaigns` turn the arrays into CSV frames (goals.csv is set from the activities made before
the outbound ones, so its targets do not move). `vocabulary` holds the names and codes, `clock` the calendar, time
zones and date formats, `arrays` the shared vectorised helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from kpi.sources.sample_org.activities import activity_tables
from kpi.sources.sample_org.campaigns import add_campaigns, campaign_member_table, campaign_table
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.deal_history import add_deal_history
from kpi.sources.sample_org.deals import add_deals
from kpi.sources.sample_org.goals import goals_table, quota_table
from kpi.sources.sample_org.leads import add_leads
from kpi.sources.sample_org.partners import add_partner_programme
from kpi.sources.sample_org.people import add_people
from kpi.sources.sample_org.prospecting import add_prospecting, contact_table, task_table
from kpi.sources.sample_org.tables import (account_table, lead_history_table, lead_table,
                                           opportunity_history_table, opportunity_partner_table, opportunity_table,
                                           role_table, user_table)

__all__ = ["OrgShape", "write_sample_org"]


@dataclass(frozen=True)
class OrgShape:
    """Size and behaviour of the sample org. Every knob has a default; `large()` is the benchmark org."""

    anchor: date = date(2026, 11, 24)  # "today" of the sample: data runs through the end of this day (Tuesday)
    start: date = date(2026, 4, 1)  # first day of data: two full fiscal quarters before the anchor's quarter
    adrs: int = 8  # active ADRs (team "ADR"); the departed ADR comes on top
    smb_reps: int = 8  # SMB account managers (team "SMB"), the new hire included
    mm_reps: int = 6  # mid-market AEs (team "Mid-Market")
    leads_per_business_day: float = 40.0
    weekend_lead_factor: float = 0.2  # a weekend day's leads relative to a business day's
    history_start: date = date(2026, 5, 1)  # LeadHistory tracking switched on (midnight America/Los_Angeles)
    departure: date | None = date(2026, 8, 14)  # last day of the ADR who left (None: nobody left)
    new_hire_weeks: int | None = 6  # the last SMB rep was hired this many weeks before the anchor (None: no hire)
    mm_hire_weeks: int | None = 15  # the second-to-last mid-market AE was hired this many weeks before the anchor
    # (team, position in the team, day): reps whose User record was created that day, inside the data's span, to
    # take over an existing book; only User.CreatedDate (their hire day for the ramp curves) changes.
    book_takeovers: tuple[tuple[int, int, date], ...] = ((0, 2, date(2026, 4, 6)), (1, 2, date(2026, 4, 13)),
                                                         (2, 1, date(2026, 5, 11)))
    holidays: tuple[date, ...] = (date(2026, 5, 25), date(2026, 7, 3), date(2026, 9, 7))  # quiet weekdays
    mql_rate: float = 0.70  # share of leads that become MQLs
    sal_rate: float = 0.62  # share of MQLs accepted (SAL)
    sql_rate: float = 0.42  # share of SALs qualified (SQL)
    convert_rate: float = 0.58  # share of SQLs converted to an account and an opportunity
    untouched_share: float = 0.08  # MQLs never called or emailed
    queue_share: float = 0.10  # leads that arrive in a queue
    mm_lead_share: float = 0.30  # converted leads big enough for a mid-market AE
    evening_share: float = 0.045  # activities between 18:00 and 23:30 local
    open_task_share: float = 0.05  # open tasks among all tasks
    customers_per_rep: int = 10  # existing customers (renewals, upsells) per SMB rep; mid-market 60% of it
    self_sourced_per_rep_month: float = 0.5  # AE self-sourced new business per month
    upsells_per_rep_month: float = 0.4
    deal_scale: float = 1.0  # multiplies self-sourced deals; existing customers and upsells grow with its root
    quota_scale: float = 1.0  # multiplies quotas and revenue goals (keep near deal volume)
    warm_pipeline_days: int = 90  # AE-sourced deals may be created this long before `start` (open at start)

    @classmethod
    def large(cls) -> OrgShape:
        """Benchmark org: 200 reps, ~1,000,000 Task+Event rows, ~200,000 leads, ~100,000 opportunities."""
        return cls(adrs=30, smb_reps=96, mm_reps=74, leads_per_business_day=1090.0,
                   deal_scale=70.0, quota_scale=7.0)


def write_sample_org(folder: Path, shape: OrgShape = OrgShape(), seed: int = 0) -> dict[str, int]:
    """Write the org's CSV files into `folder` (created if missing); return rows written per file name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in _build(shape, seed).items():
        frame.to_csv(folder / name, index=False, lineterminator="\n", encoding="utf-8")
        written[name] = len(frame)
    return written


def _build(shape: OrgShape, seed: int) -> dict[str, pd.DataFrame]:
    """Every table of the org, by file name. The parts run in order, each adding to the shared state."""
    org = OrgState(shape, seed)
    add_people(org)
    add_leads(org)
    add_deals(org)
    add_deal_history(org)
    tasks, events = activity_tables(org)
    add_partner_programme(org)  # from its own stream: it changes none of the values above
    add_prospecting(org)  # from their own streams too: they only add records and columns
    add_campaigns(org)
    return {
        "User.csv": user_table(org),
        "UserRole.csv": role_table(),
        "Account.csv": account_table(org),
        "Lead.csv": lead_table(org),
        "LeadHistory.csv": lead_history_table(org),
        "Task.csv": task_table(org, tasks),
        "Event.csv": events,
        "Opportunity.csv": opportunity_table(org),
        "OpportunityFieldHistory.csv": opportunity_history_table(org),
        "OpportunityPartner.csv": opportunity_partner_table(org),
        "ForecastingQuota.csv": quota_table(org),
        "Contact.csv": contact_table(org),
        "Campaign.csv": campaign_table(org),
        "CampaignMember.csv": campaign_member_table(org),
        "goals.csv": goals_table(org),
    }
