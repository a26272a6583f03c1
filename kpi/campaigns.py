"""Campaigns and events: members and responders, how fast responders were worked, what their leads became (MQL,
qualified in or out), the opportunities, pipeline and wins a campaign sourced, its cost per SQL, the partners an
event recruited, and each ADR's queue of responders not yet worked (issue 11, "Campaigns and events")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi import cadence
from kpi.cadence import LeadProcessRules
from kpi.activity import DONE_AT
from kpi.funnel import DAY, LEAD_ID, STAGE, Stage, StageRules, owner_at, owner_change_rows
from kpi.ids import without_queues
from kpi.lookup import among, isin, positions, remap
from kpi.people import zone_of
from kpi.periods import Period, end_of_local_day, local_day
from kpi.revenue import CREATED_DAY, known_on
from kpi.schema import Accounts, CampaignMembers, Campaigns, Contacts, Leads, Opportunities
from kpi.speed import SpeedRules, business_hours_between

A, C, K, M, L, O = Accounts, Campaigns, Contacts, CampaignMembers, Leads, Opportunities


@dataclass(frozen=True)
class CampaignRules:
    """Which Campaign Types are events, and how long after an event a partner recruited among its members still
    counts as recruited through it."""

    event_types: tuple[str, ...] = ("Event", "Trade Show", "Conference", "Webinar")
    follow_up_days: int = 90

    def __post_init__(self) -> None:
        if self.follow_up_days < 0:
            raise ValueError(f"follow_up_days must be 0 or more, not {self.follow_up_days}")


def rule(rules: CampaignRules = CampaignRules(), sla_hours: float = 1.0) -> str:
    """The campaign rules in words, as `rules` and the speed-to-lead SLA set them (the glossary shows them)."""
    return ("A campaign member counts from its CreatedDate, for its ADR: the owner of its lead (LeadHistory) or "
            "contact at its response moment (non-responders: when added); a queue counts for nobody. A responder "
            "has HasResponded; it responded at its CreatedDate, or at the start of FirstRespondedDate (the owner's "
            "time zone) when that is later. It was touched within the SLA when the first completed call or email on "
            f"it at or after that moment came within {sla_hours:g} business hours (Monday-Friday 09:00-17:00 in the "
            "ADR's zone; one minute over is a breach). MQL, qualified in (SAL or SQL) and SQL: member leads that "
            "reached the stage by the as-of date; qualified out: member leads not converted whose status on the "
            "as-of date is a closed status. Opportunities, pipeline and won: opportunities whose primary campaign "
            "(CampaignId) it is, created by the as-of date, as they stood then; their count, their Amount and the "
            "Amount of those won by then. Cost per SQL = ActualCost / SQLs and pipeline per cost = pipeline / "
            "ActualCost; empty without a cost (or a cost of 0) or without SQLs. Events are campaigns of Type "
            f"{', '.join(rules.event_types)}: their prospects are their distinct member leads and contacts, the "
            "partners they recruited the partner accounts of their members (a contact's account, a converted lead's "
            f"account) recruited from the event's start through {rules.follow_up_days} days after its end.")


RULE = rule()

# Columns of the member table (`member_table`, `responses`), besides the CampaignMember's Id, CampaignId, LeadId
# and ContactId.
WHO, OWNER_ID, ZONE = "who", "OwnerId", "time_zone"  # the member's lead (or contact), its ADR, the ADR's zone
RESPONDER, RESPONDED_AT, MEMBER_DAY = "responder", "responded_at", "created_day"
FIRST_TOUCH_AT, FIRST_TOUCH_ID, HOURS, AGE_HOURS, IN_SLA, BREACH = (
    "first_touch_at", "first_touch_id", "hours", "age_hours", "touched_in_sla", "breach")
# What a member lead became (`lead_outcomes`), and the figures per campaign and per ADR (registry keys).
MQL, QUALIFIED_IN, SQL, QUALIFIED_OUT = "mql", "qualified_in", "sql", "qualified_out"
MEMBERS, RESPONDERS, OPPORTUNITIES, PIPELINE, WON, COST = (
    "members", "responders", "opportunities", "pipeline", "won", "cost")
COST_PER_SQL, PIPELINE_PER_COST, PROSPECTS, RECRUITED = (
    "cost_per_sql", "pipeline_per_cost", "prospects", "partners_recruited")
QUEUE = "queue"  # per ADR: responders waiting in the ADR's queue
COUNTS = (MEMBERS, RESPONDERS, IN_SLA, MQL, QUALIFIED_IN, SQL, QUALIFIED_OUT, OPPORTUNITIES)
AMOUNTS = (PIPELINE, WON)
IS_WON = "won_by_as_of"  # a campaign deal won with CloseDate on or before the as-of date (`campaign_deals`)
ORPHAN = "problem"  # what a left-out member names that is not in the data (`orphans`)




def orphans(campaign_members: pd.DataFrame, campaigns: pd.DataFrame, leads: pd.DataFrame,
            contacts: pd.DataFrame) -> pd.DataFrame:
    """The members that name what the data does not hold, each once, first of: a campaign not in Campaign, a lead
    not in Lead, a contact not in Contact (a member without a lead), neither a lead nor a contact. They are left
    out of every figure. Columns: Id, CampaignId, LeadId, ContactId, problem."""
    if campaign_members.empty:  # no member: no pass over every lead
        return campaign_members[[M.Id, M.CampaignId, M.LeadId, M.ContactId]].assign(**{ORPHAN: ""})
    lead, contact = campaign_members[M.LeadId], campaign_members[M.ContactId]
    problem = np.select(
        [~among(campaign_members[M.CampaignId], campaigns[C.Id]), lead.notna().to_numpy() & ~among(lead, leads[L.Id]),
         lead.isna().to_numpy() & contact.notna().to_numpy() & ~among(contact, contacts[K.Id]),
         (lead.isna() & contact.isna()).to_numpy()], ["campaign", "lead", "contact", "nobody"], default="")
    rows = campaign_members[[M.Id, M.CampaignId, M.LeadId, M.ContactId]].assign(**{ORPHAN: problem})
    return rows.loc[problem != ""].reset_index(drop=True)


def orphan_messages(left_out: pd.DataFrame, campaigns: pd.DataFrame) -> list[str]:
    """What `orphans` found, in one line: how many members name each kind of record the data lacks."""
    counts = left_out[ORPHAN].value_counts()
    said = {"campaign": f"a campaign not in the data (Campaign.csv has {len(campaigns):,} campaigns)",
            "lead": "a lead not in Lead.csv", "contact": "a contact not in Contact.csv",
            "nobody": "neither a lead nor a contact"}
    parts = []
    for kind in [kind for kind in said if kind in counts.index]:  # at most four kinds, not rows
        n = int(counts[kind])
        subject = f"{n:,} member{'s' if n > 1 else ''}" if not parts else f"{n:,}"
        parts.append(f"{subject} {'name' if n > 1 else 'names'} {said[kind]}")
    return [f"CampaignMember: {'; '.join(parts)}: left out of every figure"] if parts else []


def member_table(members: pd.DataFrame, leads: pd.DataFrame, lead_history: pd.DataFrame, contacts: pd.DataFrame,
                 owner_zones: pd.Series, as_of: pd.Timestamp, stage_rules: StageRules = StageRules()) -> pd.DataFrame:
    """One row per member (of `orphans`' complement) added by the end of `as_of`: its lead or contact (`who`), its
    ADR (NA: a queue, or a lead outside `leads`), the ADR's zone, whether it had responded by `as_of`, its response
    moment and the day it was added (RULE). Columns: Id, CampaignId, LeadId, ContactId, who, OwnerId, time_zone,
    responder, responded_at, created_day."""
    members = members.reset_index(drop=True)
    leads = (leads.loc[among(leads[L.Id], members[M.LeadId])] if len(members) else leads.iloc[0:0]).reset_index(
        drop=True)  # the members' leads only
    has_lead = members[M.LeadId].notna().to_numpy()
    lead = positions(members[M.LeadId], leads[L.Id])
    now = pd.Series(np.where(has_lead, np.append(leads[L.OwnerId].to_numpy(dtype=object), None)[lead],
                             remap(members[M.ContactId], contacts.set_index(K.Id)[K.OwnerId]).to_numpy(dtype=object)),
                    dtype="str")
    zone_now = zone_of(now, owner_zones)
    responded = members[M.FirstRespondedDate]
    responder = members[M.HasResponded] & (responded.isna() | (responded <= as_of))
    day_start = end_of_local_day(responded - pd.Timedelta(days=1), zone_now)
    created = members[M.CreatedDate]
    moment = created.mask(responder & day_start.notna() & (created.isna() | (day_start > created)), day_start)
    asked = moment.fillna(end_of_local_day(pd.Series(as_of, index=members.index), zone_now))
    known = lead >= 0
    history = cadence.history_of(leads, lead_history)
    adr = now.where(~has_lead)
    adr[known] = owner_at(lead[known], asked[known], leads[L.OwnerId].to_numpy(dtype=object),
                          owner_change_rows(history, stage_rules))
    adr = without_queues(adr)
    zone = zone_of(adr, owner_zones).where(adr.notna(), zone_now)
    out = members[[M.Id, M.CampaignId, M.LeadId, M.ContactId]].assign(**{
        WHO: members[M.LeadId].fillna(members[M.ContactId]), OWNER_ID: adr, ZONE: zone, RESPONDER: responder,
        RESPONDED_AT: moment.where(responder), MEMBER_DAY: local_day(created, zone)})
    return out.loc[(out[MEMBER_DAY].isna() | (out[MEMBER_DAY] <= as_of)).to_numpy()].reset_index(drop=True)


def responses(members: pd.DataFrame, touched: pd.DataFrame, as_of: pd.Timestamp,
              rules: SpeedRules = SpeedRules()) -> pd.DataFrame:
    """`member_table` with each responder's first completed call or email at or after its response moment
    (`touched`: cadence.touches of the members' leads and contacts), the business hours to it in the ADR's zone,
    an untouched responder's age (business hours to the end of `as_of`), whether it was touched within the SLA and
    whether the SLA is breached (over it, touched or not; one business minute over is a breach)."""
    asked = members.loc[members[RESPONDER].to_numpy(), [M.Id, WHO, RESPONDED_AT]]
    calls = touched[[cadence.WHO_ID, cadence.A.Id, DONE_AT]].rename(
        columns={cadence.WHO_ID: WHO, cadence.A.Id: FIRST_TOUCH_ID, DONE_AT: FIRST_TOUCH_AT})
    pairs = asked.merge(calls, on=WHO)
    first = (pairs.loc[pairs[FIRST_TOUCH_AT] >= pairs[RESPONDED_AT]].sort_values(FIRST_TOUCH_AT, kind="stable")
             .drop_duplicates(M.Id))
    out = members.merge(first[[M.Id, FIRST_TOUCH_AT, FIRST_TOUCH_ID]], on=M.Id, how="left")
    waiting = out[RESPONDER] & out[FIRST_TOUCH_AT].isna()
    day_end = end_of_local_day(pd.Series(as_of, index=out.index), out[ZONE])
    out[HOURS] = business_hours_between(out[RESPONDED_AT], out[FIRST_TOUCH_AT], out[ZONE], rules.hours)
    out[AGE_HOURS] = business_hours_between(out[RESPONDED_AT], day_end.where(waiting), out[ZONE], rules.hours)
    out[IN_SLA] = (out[HOURS] <= rules.sla_hours).to_numpy()
    out[BREACH] = (out[HOURS].fillna(out[AGE_HOURS]) > rules.sla_hours).to_numpy()
    return out


def lead_outcomes(lead_ids: pd.Series, leads: pd.DataFrame, lead_history: pd.DataFrame, stages: pd.DataFrame,
                  owner_zones: pd.Series, as_of: pd.Timestamp, rules: LeadProcessRules = LeadProcessRules(),
                  stage_rules: StageRules = StageRules()) -> pd.DataFrame:
    """What each of these leads was at the end of `as_of` (cadence.lead_states: owner, status, converted), whether
    it had reached MQL, SAL or SQL (qualified in) and SQL by then (`stages`: funnel.stages_reached), whether it was
    qualified out (not converted, a closed status) and why (the reason field, on qualified-out leads only)."""
    leads = leads.loc[among(leads[L.Id], lead_ids)] if len(lead_ids) else leads.iloc[0:0]  # these leads only
    states = cadence.lead_states(leads, lead_history, owner_zones, as_of, stage_rules)
    reached = stages.loc[(stages[DAY] <= as_of).to_numpy() & among(stages[LEAD_ID], lead_ids)] if len(lead_ids) \
        else stages.iloc[0:0]
    by_stage = {stage: reached.loc[(reached[STAGE] == stage).to_numpy(), LEAD_ID] for stage in Stage}
    out = states.assign(**{
        MQL: among(states[LEAD_ID], by_stage[Stage.MQL]), SQL: among(states[LEAD_ID], by_stage[Stage.SQL]),
        QUALIFIED_IN: among(states[LEAD_ID], by_stage[Stage.SAL]) | among(states[LEAD_ID], by_stage[Stage.SQL]),
        QUALIFIED_OUT: ~states[cadence.CONVERTED].to_numpy() & isin(states[cadence.STATUS], rules.closed_statuses)})
    out[cadence.REASON] = remap(out[LEAD_ID], cadence.reasons(leads, rules)).where(out[QUALIFIED_OUT])
    return out


def with_outcomes(members: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """The members with their lead's outcome flags and reason (a contact member: none of them)."""
    flags = outcomes.set_index(LEAD_ID)
    out = members.assign(**{flag: among(members[M.LeadId], flags.index[flags[flag].astype(bool).to_numpy()])
                            for flag in (MQL, QUALIFIED_IN, SQL, QUALIFIED_OUT)})
    return out.assign(**{cadence.REASON: remap(members[M.LeadId], flags[cadence.REASON]).astype("str")})


def campaign_deals(deals: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The opportunities with a primary campaign (CampaignId), created by `as_of` (`deals`: as they stood then, with
    their created day), each marked whether it was won with CloseDate on or before `as_of`."""
    rows = known_on(deals.loc[deals[O.CampaignId].notna().to_numpy()], as_of)
    return rows.assign(**{IS_WON: (rows[O.IsWon] & (rows[O.CloseDate] <= as_of)).to_numpy(bool)})


def figures_by(members: pd.DataFrame, deals: pd.DataFrame, key: str, deal_key: str) -> pd.DataFrame:
    """Per value of `key` (members) and `deal_key` (campaign_deals): members, responders, responders touched
    within the SLA, distinct member leads that reached MQL, qualified in, reached SQL and were qualified out
    (`with_outcomes`), and the opportunities, their Amount (pipeline) and the Amount won."""
    by = members.groupby(key)
    leads = members.loc[members[M.LeadId].notna().to_numpy()]
    distinct = {flag: leads.loc[leads[flag].to_numpy()].groupby(key)[M.LeadId].nunique()
                for flag in (MQL, QUALIFIED_IN, SQL, QUALIFIED_OUT)}
    won = deals.loc[deals[IS_WON].to_numpy()]
    table = pd.DataFrame({MEMBERS: by.size(), RESPONDERS: by[RESPONDER].sum(), IN_SLA: by[IN_SLA].sum(), **distinct,
                          OPPORTUNITIES: deals.groupby(deal_key).size(),
                          PIPELINE: deals.groupby(deal_key)[O.Amount].sum(),
                          WON: won.groupby(deal_key)[O.Amount].sum()})
    return table.reindex(columns=[*COUNTS, *AMOUNTS]).fillna(0).astype({k: int for k in COUNTS})


def campaign_table(campaigns: pd.DataFrame, figures: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """One row per campaign created by the end of `as_of` (index Id): Name, Type, Status, StartDate, EndDate, its
    `figures_by` CampaignId (0 without members or deals), its cost (ActualCost), cost per SQL and pipeline per cost."""
    created = campaigns[C.CreatedDate].dt.tz_convert(None).dt.normalize()
    rows = campaigns.loc[(created.isna() | (created <= as_of)).to_numpy()].set_index(C.Id)
    table = rows[[C.Name, C.Type, C.Status, C.StartDate, C.EndDate]].join(
        figures.reindex(rows.index).fillna(0).astype({k: int for k in COUNTS}))
    return with_costs(table.assign(**{COST: rows[C.ActualCost]}))


def with_costs(table: pd.DataFrame) -> pd.DataFrame:
    """cost per SQL = cost / SQLs and pipeline per cost = pipeline / cost, NaN (never infinity) without a cost, with
    a cost of 0, or (per SQL) without SQLs."""
    cost = table[COST].where(table[COST] > 0)
    return table.assign(**{COST_PER_SQL: cost / table[SQL].where(table[SQL] > 0), PIPELINE_PER_COST:
                           table[PIPELINE] / cost})


def active(members: pd.DataFrame, deals: pd.DataFrame, period: Period) -> pd.Index:
    """The campaigns with a member added or a campaign opportunity created on a day of `period`."""
    added = members.loc[period.contains(members[MEMBER_DAY]).to_numpy(), M.CampaignId]
    created = deals.loc[period.contains(deals[CREATED_DAY]).to_numpy(), O.CampaignId]
    return pd.Index(pd.concat([added, created]).unique(), dtype="str")


def events(table: pd.DataFrame, rules: CampaignRules = CampaignRules()) -> pd.DataFrame:
    """The rows of `campaign_table` that are events (Type one of `event_types`, in any case: orgs write 'event')."""
    return table.loc[table[C.Type].str.casefold().isin([t.casefold() for t in rules.event_types]).fillna(False)
                     .to_numpy()]


def recruited(event_rows: pd.DataFrame, members: pd.DataFrame, leads: pd.DataFrame, contacts: pd.DataFrame,
              partners: pd.DataFrame, as_of: pd.Timestamp, rules: CampaignRules = CampaignRules()) -> pd.DataFrame:
    """The partner accounts each event recruited (`partners`: partners.partner_accounts on `as_of`): linked to a
    member (a contact's AccountId, or the ConvertedAccountId of a lead converted by `as_of`) and recruited from the
    event's StartDate through `follow_up_days` after its EndDate (EndDate empty: StartDate). Columns: CampaignId,
    AccountId, Name, recruited, and the member's Id and who; one row per event and partner."""
    theirs = members.loc[among(members[M.CampaignId], event_rows.index)]
    converted = leads.loc[(leads[L.IsConverted] & (leads[L.ConvertedDate] <= as_of)).to_numpy()].set_index(L.Id)
    links = pd.concat([theirs.assign(AccountId=remap(theirs[M.ContactId], contacts.set_index(K.Id)[K.AccountId])),
                       theirs.assign(AccountId=remap(theirs[M.LeadId], converted[L.ConvertedAccountId]))])
    found = partners.set_index(A.Id)
    rows = links.loc[among(links["AccountId"], found.index)]
    day = found["recruited"].reindex(rows["AccountId"].to_numpy()).to_numpy()
    start = event_rows[C.StartDate].fillna(event_rows[C.EndDate]).reindex(rows[M.CampaignId].to_numpy()).to_numpy()
    end = (event_rows[C.EndDate].fillna(event_rows[C.StartDate]) + pd.Timedelta(days=rules.follow_up_days)).reindex(
        rows[M.CampaignId].to_numpy()).to_numpy()
    rows = rows.assign(**{A.Name: remap(rows["AccountId"], found[A.Name]), "recruited": day}).loc[
        (day >= start) & (day <= end) & (day <= as_of.to_datetime64())]
    return (rows.sort_values([M.CampaignId, "recruited"], kind="stable").drop_duplicates([M.CampaignId, "AccountId"])
            [[M.CampaignId, "AccountId", A.Name, "recruited", M.Id, WHO]].reset_index(drop=True))


def event_table(event_rows: pd.DataFrame, members: pd.DataFrame, recruits: pd.DataFrame) -> pd.DataFrame:
    """`events` with their prospects (distinct member leads and contacts) and the partners they recruited."""
    theirs = members.loc[among(members[M.CampaignId], event_rows.index)]
    return event_rows.assign(**{
        PROSPECTS: theirs.groupby(M.CampaignId)[WHO].nunique().reindex(event_rows.index, fill_value=0).astype(int),
        RECRUITED: recruits.groupby(M.CampaignId).size().reindex(event_rows.index, fill_value=0).astype(int)})


def queue(members: pd.DataFrame, outcomes: pd.DataFrame, owner_zones: pd.Series, as_of: pd.Timestamp,
          rules: LeadProcessRules = LeadProcessRules(), speed: SpeedRules = SpeedRules()) -> pd.DataFrame:
    """The ADR queues: responders (`responses`) with no call or email since they responded, whose lead is neither
    converted nor in a closed status at the end of `as_of`, each for the lead's owner then (`outcomes`:
    lead_outcomes; a queue counts for nobody); age = business hours from the response to the end of `as_of` in that
    owner's zone. One row per lead (its oldest such response), oldest first. Columns: LeadId, OwnerId, CampaignId,
    Id (the member), responded_at, age_hours."""
    waiting = members.loc[(members[RESPONDER] & members[FIRST_TOUCH_AT].isna() & members[M.LeadId].notna()).to_numpy()]
    state = outcomes.set_index(LEAD_ID)
    owner = remap(waiting[M.LeadId], state[OWNER_ID])
    open_lead = ~remap(waiting[M.LeadId], state[cadence.CONVERTED]).fillna(True).astype(bool) & ~isin(
        remap(waiting[M.LeadId], state[cadence.STATUS]), rules.closed_statuses)
    rows = waiting.assign(**{OWNER_ID: owner}).loc[open_lead.to_numpy() & owner.notna().to_numpy()]
    zones = zone_of(rows[OWNER_ID], owner_zones)
    day_end = end_of_local_day(pd.Series(as_of, index=rows.index), zones)
    rows = rows.assign(**{AGE_HOURS: business_hours_between(rows[RESPONDED_AT], day_end, zones, speed.hours)})
    rows = rows.sort_values(AGE_HOURS, ascending=False, kind="stable").drop_duplicates(M.LeadId)
    return rows.rename(columns={M.LeadId: LEAD_ID})[[LEAD_ID, OWNER_ID, M.CampaignId, M.Id, RESPONDED_AT,
                                                     AGE_HOURS]].reset_index(drop=True)


def qualified_out(members: pd.DataFrame) -> pd.DataFrame:
    """The member leads qualified out (`with_outcomes`), one row per campaign and lead, with the reason."""
    rows = members.loc[members[QUALIFIED_OUT].to_numpy()]
    return rows[[M.CampaignId, M.LeadId, OWNER_ID, M.Id, cadence.REASON]].reset_index(drop=True)


def gaps(campaigns: pd.DataFrame, campaign_members: pd.DataFrame, contacts: pd.DataFrame,
         missing: tuple[str, ...] = ()) -> list[str]:
    """What the data lacks for the campaign and event figures, each with what to export."""
    members = "CampaignMember (Id, CampaignId, LeadId, ContactId, HasResponded, FirstRespondedDate, CreatedDate)"
    if "Campaign" in missing or campaigns.empty:
        return [f"Campaign.csv is missing or empty, so there are no campaign or event figures: export Campaign (Id, "
                f"Name, Type, StartDate, EndDate, ActualCost) and {members}"]
    said = []
    if "CampaignMember" in missing or campaign_members.empty:
        said.append(f"CampaignMember.csv is missing or empty, so campaigns have no members, responders or "
                    f"prospects: export {members}")
    on_contacts = (campaign_members[M.LeadId].isna() & campaign_members[M.ContactId].notna()).sum()
    if contacts.empty and ("Contact" in missing or on_contacts):
        who = "s that are contacts are" if on_contacts > 1 else " that is a contact is"
        left = f"{on_contacts:,} campaign member{who} left out and " if on_contacts else ""
        said.append(f"Contact.csv is missing or empty, so {left}events recruit no partner through a contact: export "
                    "Contact (Id, AccountId, OwnerId, Name)")
    return said
