"""Campaigns and the lead process, added last from their own random stream (so every earlier draw, record and
field value stays as it was): Campaign and CampaignMember rows, Opportunity.CampaignId and
Lead.Disqualified_Reason__c.

- Campaigns (`SPECS`): in each of the data's last three fiscal quarters an email nurture, a content
  syndication and a webinar, and two events: a 'Trade Show' in the first of them and a 'Conference' in the
  last. Events cost the most; one nurture cost 0 and the running one has no ActualCost yet. Owners: Marketing
  Ops, the SMB manager (the trade show) and the VP (the conference).
- Leads a campaign made join it when they are created (member CreatedDate = the lead's, FirstRespondedDate its
  day in the owner's zone, so the response moment is the creation): 'Webinar' leads made in the two weeks up to a
  webinar ('Registered' or 'Attended'), 'Trade Show' leads made from an event's first day to ten days after it
  ('Attended'), ~70% of the 'Content Download' leads made while a syndication runs ('Responded'). Those nobody
  has touched join only when made in the last week, so each ADR's queue of untouched responders stays short.
- Recycled leads join the nurture running when (or after) they were recycled ('Sent'); those marketing
  re-qualified (a comeback MQL) during it responded that day, when someone worked them since or the day is
  recent. On top, 1-3 recycled leads of each active ADR answered the current nurture in the last two weeks
  and nobody has called or emailed them since: the ADR's queue.
- Customer contacts are invited to webinars ('Sent', ~30% 'Attended') and events ('Registered', half
  'Attended'). At each event, people from one or two partners recruited within 90 days after it (a new contact
  at the partner account, made at the event) 'Attended': the events recruited those partners. When no partner
  was recruited in the 90 days after an event's planned dates, the event is moved to 15-45 days before a
  partner's recruitment.
- Opportunity.CampaignId: for a deal converted from a lead, the campaign the lead joined last before its
  conversion; up to three deals sourced by the partners an event recruited, and up to three 'Trade Show' deals
  an AE opened in the 45 days after an event, name the event.
- Lead.Disqualified_Reason__c: a reason from `REASONS` for every lead in 'Closed - Not Converted'.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.sources.sample_org.arrays import bool_text, ids_in_order
from kpi.sources.sample_org.clock import DAY, ET, HOUR, PT, fmt_date, fmt_datetime, quarter_name
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.lead_owners import owner_at, tz_of
from kpi.sources.sample_org.prospecting import add_contacts, contact_ids
from kpi.sources.sample_org.vocabulary import LEAD_SOURCES, NB, S_CNC, S_MQL, S_MQL_ALT, S_RECYCLED, SMB

EMAIL, CONTENT, WEBINAR, TRADE_SHOW, CONFERENCE = "Email", "Content Syndication", "Webinar", "Trade Show", "Conference"
EVENTS = (TRADE_SHOW, CONFERENCE)
# (name, Type, quarter among the data's last three, first day's offset in it, days, ActualCost (NaN: none), owner)
SPECS = (
    ("Email Nurture - Recycled Leads", EMAIL, 0, 5, 85, 1_200.0, "mops"),
    ("Content Syndication - Buyer's Guide", CONTENT, 0, 14, 70, 12_500.0, "mops"),
    ("Webinar: Forecasting That Works", WEBINAR, 0, 49, 1, 3_000.0, "mops"),
    ("SaaS Connect", TRADE_SHOW, 0, 69, 3, 38_000.0, "smb_manager"),
    ("Email Nurture - Summer Re-engagement", EMAIL, 1, 6, 86, 0.0, "mops"),
    ("Content Syndication - Analyst Report", CONTENT, 1, 14, 78, 14_000.0, "mops"),
    ("Webinar: Building a Partner Channel", WEBINAR, 1, 49, 1, 2_500.0, "mops"),
    ("RevOps Summit", CONFERENCE, 2, 12, 3, 45_000.0, "vp"),
    ("Email Nurture - Year-End Offer", EMAIL, 2, 4, 75, np.nan, "mops"),
    ("Webinar: Planning for Next Year", WEBINAR, 2, 42, 1, 3_500.0, "mops"),
    ("Content Syndication - Year-End Buyer's Guide", CONTENT, 2, 14, 78, 11_000.0, "mops"),
)
RECRUITS = {TRADE_SHOW: 2, CONFERENCE: 1}  # partners an event recruited (at most)
FOLLOW_UP = 90  # days after an event within which a partner met there counts as recruited through it
RECENT_UNTOUCHED = 7  # days: untouched leads a campaign made join it only when made this recently
RECENT_RESPONSE = 14  # days: a response nobody followed up stays only when this recent
REASONS = ("No budget", "No response", "Competitor", "Not a fit", "Duplicate")
REASON_P = (0.22, 0.30, 0.14, 0.24, 0.10)
SENT, RESPONDED, REGISTERED, ATTENDED = "Sent", "Responded", "Registered", "Attended"


def add_campaigns(org: OrgState) -> None:
    """Set `org.campaigns`, `org.members`, `org.deal_campaign` and `org.lead_reason`."""
    rng = org.rng("campaigns")
    org.campaigns = _campaigns(org, rng)
    recruits = _place_events(org, rng)
    parts = [_made_by_campaigns(org, rng), _nurtured(org, rng), _invited_contacts(org, rng),
             _met_at_events(org, rng, recruits)]
    org.members = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    org.deal_campaign = _deal_campaigns(org, rng, recruits)
    reason = np.array(REASONS, dtype=object)[rng.choice(len(REASONS), org.n_leads, p=REASON_P)]
    org.lead_reason = np.where(org.lead_status == S_CNC, reason, "").astype(object)


def _campaigns(org: OrgState, rng) -> dict[str, np.ndarray]:
    quarters = org.quarters[-3:]
    shift = 3 - len(quarters)  # fewer quarters of data: the later quarters' campaigns only
    keep = [s for s in SPECS if s[2] - shift >= 0]
    first = _weekday(np.array([quarters[s[2] - shift][0] + s[3] for s in keep], np.int64))
    owners = {"mops": org.mops_user, "vp": org.vp, "smb_manager": org.manager_of[SMB]}
    owner = np.array([owners[s[6]] for s in keep], np.int64)
    made = first - rng.integers(20, 46, len(keep))
    year = np.array([quarter_name(quarters[s[2] - shift][0])[2:6] for s in keep], dtype=object)
    name = np.array([s[0] for s in keep], dtype=object)
    typ = np.array([s[1] for s in keep], dtype=object)
    name = np.where(np.isin(typ, EVENTS), name + " " + year, name)
    return dict(name=name, type=typ, first=first, last=first + np.array([s[4] for s in keep]) - 1,
                cost=np.array([s[5] for s in keep], float), owner=owner,
                created=org.business_time(rng, made, org.tz[owner]))


def _place_events(org: OrgState, rng) -> dict[int, np.ndarray]:
    """The partners each event recruited (campaign position -> partner account positions). An event with no
    partner recruited from its first day through 90 days after its last is moved before one that was."""
    c = org.campaigns
    recruited = org.partner["recruited"]
    partners = np.flatnonzero(np.isfinite(recruited) & (recruited <= org.anchor_day))
    taken = np.zeros(0, np.int64)
    out = {}
    for e in np.flatnonzero(np.isin(c["type"], EVENTS)):
        free = partners[~np.isin(partners, taken)]
        fits = free[(recruited[free] >= c["first"][e]) & (recruited[free] <= c["last"][e] + FOLLOW_UP)]
        if len(fits) == 0:
            later = free[recruited[free] >= org.start_day + 50]
            if len(later) == 0:
                continue
            target = later[np.argmin(np.abs(recruited[later] - c["last"][e]))]
            days = c["last"][e] - c["first"][e]
            c["first"][e] = _weekday(np.array([int(recruited[target]) - int(rng.integers(15, 46))]))[0]
            c["last"][e] = c["first"][e] + days
            made = org.business_time(rng, [c["first"][e] - 30], org.tz[[c["owner"][e]]])[0]
            c["created"][e] = min(c["created"][e], made)
            fits = free[(recruited[free] >= c["first"][e]) & (recruited[free] <= c["last"][e] + FOLLOW_UP)]
        chosen = rng.choice(fits, min(RECRUITS[c["type"][e]], len(fits)), replace=False)
        out[int(e)] = np.sort(chosen)
        taken = np.concatenate([taken, chosen])
    return out


def _weekday(days: np.ndarray) -> np.ndarray:
    """Epoch days, a Saturday or Sunday moved to the Monday after."""
    return days + np.select([(days + 3) % 7 == 5, (days + 3) % 7 == 6], [2, 1], 0)


def _members(campaign, lead, contact, status, responded, frd, created) -> dict[str, np.ndarray]:
    n = len(campaign)
    return dict(campaign=np.asarray(campaign, np.int64), lead=np.broadcast_to(lead, n).astype(np.int64),
                contact=np.broadcast_to(contact, n).astype(np.int64),
                status=np.broadcast_to(np.asarray(status, dtype=object), n).astype(object),
                responded=np.broadcast_to(responded, n).astype(bool), frd=np.asarray(frd, float),
                created=np.asarray(created, float))


def _response_day(org: OrgState, t: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """The local day (the lead's owner's zone then; a queue's: New York) of moments t."""
    return org.local_day(t, tz_of(org, owner_at(org, t, lead)))


def _touched_since(org: OrgState, lead: np.ndarray, created: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Whether each lead had a completed call or email at or after its response moment: the member's creation,
    or the start of the response day in the owner's zone then, whichever is later."""
    last = np.full(org.n_leads, -np.inf)
    np.maximum.at(last, org.lead_touches["lead"], org.lead_touches["t"])
    tz = tz_of(org, owner_at(org, created, lead))
    moment = np.maximum(created, org.to_utc(np.where(np.isfinite(day), day, 0) * DAY, tz))
    return last[lead] >= moment


def _made_by_campaigns(org: OrgState, rng) -> dict[str, np.ndarray]:
    """Leads a webinar, event or syndication made: members from their creation, responders at once."""
    c = org.campaigns
    day = org.local_day(org.lead_created, ET)
    source = np.array(LEAD_SOURCES, dtype=object)[org.lead_source]
    worked = np.isfinite(org.first_touch) | (org.lead_created >= (org.anchor_day - RECENT_UNTOUCHED + 1) * DAY)
    parts = []
    for i, typ in enumerate(c["type"]):
        if typ == EMAIL:
            continue
        if typ == WEBINAR:
            hit = (source == "Webinar") & (day >= c["first"][i] - 14) & (day <= c["first"][i])
            status = np.where(rng.random(org.n_leads) < 0.65, ATTENDED, REGISTERED)
        elif typ in EVENTS:
            hit = (source == "Trade Show") & (day >= c["first"][i]) & (day <= c["last"][i] + 10)
            status = np.full(org.n_leads, ATTENDED, dtype=object)
        else:
            hit = (source == "Content Download") & (day >= c["first"][i]) & (day <= c["last"][i])
            hit &= rng.random(org.n_leads) < 0.7
            status = np.full(org.n_leads, RESPONDED, dtype=object)
        m = np.flatnonzero(hit & worked)
        t = org.lead_created[m]
        parts.append(_members(np.full(len(m), i), m, -1, status[m], True, _response_day(org, t, m), t))
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _nurtured(org: OrgState, rng) -> dict[str, np.ndarray]:
    """Recycled leads in the nurture running when (or after) they were recycled; comebacks responded; 1-3 recent
    unanswered responders per active ADR."""
    c, ev = org.campaigns, org.ev
    nurtures = np.flatnonzero(c["type"] == EMAIL)
    start = org.to_utc(c["first"][nurtures] * DAY + 9.0 * HOUR, np.full(len(nurtures), PT))
    stop = np.minimum(org.to_utc((c["last"][nurtures] + 1) * DAY - 1.0, np.full(len(nurtures), PT)), org.end)
    recycled = ev["new"] == S_RECYCLED
    lead, r = ev["lead"][recycled], ev["t"][recycled]
    k = np.searchsorted(stop - 3 * DAY, r)  # the first nurture still running three days after the recycling
    ok = (k < len(nurtures)) & (org.lead_owner[lead] >= 0)
    lead, r, k = lead[ok], r[ok], k[ok]
    ok = r >= start[k] - 60 * DAY
    lead, r, k = lead[ok], r[ok], k[ok]
    created = np.maximum(start[k], r + rng.uniform(1, 3, len(r)) * DAY)
    ok = created <= stop[k]
    lead, k, created = lead[ok], k[ok], created[ok]
    # Comebacks: marketing re-qualified the lead during the nurture (an MQL after its recycling).
    again = np.full(org.n_leads, np.inf)
    mql = np.isin(ev["new"], (S_MQL, S_MQL_ALT))
    recycled_at = np.full(org.n_leads, np.inf)
    np.minimum.at(recycled_at, ev["lead"][recycled], ev["t"][recycled])
    later = mql & (ev["t"] > recycled_at[ev["lead"]])
    np.minimum.at(again, ev["lead"][later], ev["t"][later])
    back = again[lead]
    comeback = (back > created) & (back <= stop[k])
    frd = np.where(comeback, _response_day(org, np.where(comeback, back, 0), lead), np.nan)
    comeback &= _touched_since(org, lead, created, frd) | (frd >= org.anchor_day - RECENT_RESPONSE)
    frd = np.where(comeback, frd, np.nan)
    # The current nurture's recent unanswered responders: 1-3 recycled leads per active ADR.
    current = np.flatnonzero((c["first"][nurtures] <= org.anchor_day) & (c["last"][nurtures] >= org.anchor_day))
    if len(current):
        able = ((k == current[0]) & ~comeback & (org.lead_status[lead] == S_RECYCLED)
                & (created <= org.end - 3 * DAY))
        owner = org.lead_owner[lead]
        for adr in org.adrs[org.active[org.adrs]]:
            mine = np.flatnonzero(able & (owner == adr))
            pick = rng.choice(mine, min(len(mine), int(rng.integers(1, 4))), replace=False)
            lo = np.maximum(org.local_day(created[pick], tz_of(org, owner[pick])) + 1,
                            org.anchor_day - RECENT_RESPONSE + 1)
            day = np.minimum(lo + np.floor(rng.random(len(pick)) * (org.anchor_day + 1 - lo)), org.anchor_day)
            quiet = ~_touched_since(org, lead[pick], created[pick], day)
            frd[pick[quiet]] = day[quiet]
            comeback[pick[quiet]] = True
    return _members(nurtures[k], lead, -1, np.where(comeback, RESPONDED, SENT), comeback, frd, created)


def _invited_contacts(org: OrgState, rng) -> dict[str, np.ndarray]:
    """Customer contacts invited to webinars (~30% attend) and registered for events (half attend)."""
    c, contacts = org.campaigns, org.contacts
    types = np.concatenate([org.acc["type"].astype(object).astype(str),
                            np.full(len(org.named["owner"]), "Prospect")])
    customer = np.char.startswith(types[contacts["account"]].astype(str), "Customer")
    parts = []
    for i in np.flatnonzero(np.isin(c["type"], (WEBINAR,) + EVENTS)):
        event = c["type"][i] in EVENTS
        lead_days = 21 if event else 14
        sent = org.to_utc(np.array([(c["first"][i] - lead_days) * DAY + 9.0 * HOUR]), np.array([PT]))[0]
        able = np.flatnonzero(customer & (contacts["created"] < sent) & (sent <= org.end))
        chosen = able[rng.random(len(able)) < (0.04 if event else 0.12)]
        came = (rng.random(len(chosen)) < (0.5 if event else 0.3)) & (c["first"][i] <= org.anchor_day)
        status = np.where(came, ATTENDED, REGISTERED if event else SENT)
        created = sent + rng.uniform(0, 3 * DAY if event else 600, len(chosen))
        created = np.minimum(created, org.end)
        parts.append(_members(np.full(len(chosen), i), -1, chosen, status, came,
                              np.where(came, float(c["first"][i]), np.nan), created))
    if not parts:
        return _members([], -1, -1, SENT, False, [], [])
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _met_at_events(org: OrgState, rng, recruits: dict[int, np.ndarray]) -> dict[str, np.ndarray]:
    """People from the partners each event recruited: a contact at the partner account, made at the event."""
    c = org.campaigns
    parts = []
    for e, partners in recruits.items():
        if c["first"][e] > org.anchor_day:
            continue
        per = rng.integers(1, 3, len(partners))
        account = np.repeat(partners, per)
        owner = org.acc["owner"].astype(np.int64)[account]
        day = c["first"][e] + rng.integers(0, c["last"][e] - c["first"][e] + 1, len(account))
        met = np.minimum(org.business_time(rng, day, org.tz[owner]), org.end - 60)
        who = add_contacts(org, rng, account, owner, met)
        parts.append(_members(np.full(len(who), e), -1, who, ATTENDED, True, org.local_day(met, org.tz[owner]),
                              met + 60))
    if not parts:
        return _members([], -1, -1, SENT, False, [], [])
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


def _deal_campaigns(org: OrgState, rng, recruits: dict[int, np.ndarray]) -> np.ndarray:
    """Each deal's primary campaign (-1: none): a converted lead's last campaign before its conversion; an event
    for up to three deals its partners sourced and up to three 'Trade Show' deals opened in the 45 days after it."""
    d, m, c = org.deal, org.members, org.campaigns
    out = np.full(len(d["owner"]), -1, np.int64)
    on_lead = m["lead"] >= 0
    lead, created, campaign = m["lead"][on_lead], m["created"][on_lead], m["campaign"][on_lead]
    before = org.converted[lead] & (created <= org.tC[lead])
    order = np.lexsort((created[before], lead[before]))
    last = np.full(org.n_leads, -1, np.int64)
    last[lead[before][order]] = campaign[before][order]  # the latest one wins
    from_lead = d["lead"] >= 0
    out[from_lead] = last[d["lead"][from_lead]]
    for e, partners in recruits.items():
        sourced = np.isin(org.deal_partner, partners) & (out < 0)
        sourced = np.flatnonzero(sourced & (d["c_day"] >= org.partner["recruited"][np.maximum(org.deal_partner, 0)]))
        out[rng.choice(sourced, min(3, len(sourced)), replace=False)] = e
        opened = np.flatnonzero((d["source"] == "Trade Show") & (d["lead"] < 0) & (d["typ"] == NB) & (out < 0)
                                & (d["c_day"] >= c["first"][e]) & (d["c_day"] <= c["last"][e] + 45))
        out[rng.choice(opened, min(3, len(opened)), replace=False)] = e
    return out


def campaign_ids(org: OrgState) -> np.ndarray:
    """Campaign Ids, issued in creation order."""
    ids, _ = ids_in_order("701", org.campaigns["created"], 12_000)
    return ids


def campaign_table(org: OrgState) -> pd.DataFrame:
    c = org.campaigns
    _, order = ids_in_order("701", c["created"], 12_000)
    status = np.select([c["last"] < org.anchor_day, c["first"] <= org.anchor_day], ["Completed", "In Progress"],
                       "Planned")
    frame = pd.DataFrame({
        "Id": campaign_ids(org), "Name": c["name"], "Type": c["type"], "Status": status,
        "StartDate": fmt_date(c["first"]), "EndDate": fmt_date(c["last"]), "ActualCost": c["cost"],
        "OwnerId": org.user_id[c["owner"]], "IsActive": bool_text(c["last"] >= org.anchor_day),
        "CreatedDate": fmt_datetime(c["created"])})
    return frame.iloc[order].reset_index(drop=True)


def campaign_member_table(org: OrgState) -> pd.DataFrame:
    m = org.members
    ids, order = ids_in_order("00v", m["created"], 8_000_000, m["campaign"])
    lead_id = np.where(m["lead"] >= 0, org.lead_ids[np.maximum(m["lead"], 0)], "")
    contact_id = np.where(m["contact"] >= 0, contact_ids(org)[np.maximum(m["contact"], 0)], "")
    frame = pd.DataFrame({
        "Id": ids, "CampaignId": campaign_ids(org)[m["campaign"]], "LeadId": lead_id, "ContactId": contact_id,
        "Status": m["status"], "HasResponded": bool_text(m["responded"]), "FirstRespondedDate": fmt_date(m["frd"]),
        "CreatedDate": fmt_datetime(m["created"])})
    return frame.iloc[order].reset_index(drop=True)


def opportunity_campaign_ids(org: OrgState) -> np.ndarray:
    """Opportunity.CampaignId per deal (org.deal order); '' for none."""
    dc = org.deal_campaign
    return np.where(dc >= 0, campaign_ids(org)[np.maximum(dc, 0)], "").astype(object)

