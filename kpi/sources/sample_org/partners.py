"""The partner programme, added after everything else from its own random stream (so every earlier draw, and
every figure the older files give, stays as it was): partner accounts' recruitment and certification, the
partner on 'Partner Referral' deals (Opportunity.PartnerAccountId) and OpportunityPartner rows.

- Recruited (Partner_Recruited_Date__c): the account's CreatedDate day in the owner's zone; a few were
  recruited 3-14 days before their record was made. Two partners become a 'Service Provider' and a 'Reseller'.
- Certified ('Certified', Certified_Date__c 20-50 days after recruitment, one late: 61-90 days); two
  partners recruited over 60 days before the anchor are not certified by it (overdue: 'In Progress',
  'Not Started'); recent ones are certified or not yet.
- Partner Referral deals: about 60% name a partner recruited before the deal was created (PartnerAccountId);
  about 70% of those have a primary OpportunityPartner row (Role 'Reseller' or 'Service Provider') for the
  same partner. One non-primary row sits beside a primary one, another on a deal with no primary row (its
  PartnerAccountId, not the non-primary partner, sourced it).
- One certified partner is quiet (no sourced deal created in the 100 days before the anchor); another has a
  sourced deal created in the last 80 days.
- Channels (the partner's Account Type: 'Channel Partner / Reseller', 'Reseller', 'Partner' sell as a reseller,
  'Service Provider', 'Installation Partner' as a service provider, anything else or no partner is direct): each
  team wins a deal through a reseller and one through a service provider in each of the last two quarters; where
  the draws above gave it none, a won deal of the quarter without a partner (a Partner Referral one when there
  is, else an AE-sourced new-business deal, which becomes a Partner Referral) is given one (PartnerAccountId
  only) recruited before the deal was created.
"""

from __future__ import annotations

import numpy as np

from kpi.sources.sample_org.clock import DAY
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.vocabulary import MM, NB, PARTNER_TYPES, REN, SMB

CERTIFIED, IN_PROGRESS, NOT_STARTED = "Certified", "In Progress", "Not Started"
DEADLINE = 60  # days from recruitment to certification before a partner is overdue
SHARE_NAMED, SHARE_PRIMARY = 0.6, 0.7
QUIET_DAYS, ACTIVE_DAYS = 100, 80  # margins around the 90-day window
RESELLER, SERVICE_PROVIDER = "reseller", "service_provider"  # a deal's channel by its partner's Account Type:
RESELLER_TYPES = ("Channel Partner / Reseller", "Reseller", "Partner")
SERVICE_PROVIDER_TYPES = ("Service Provider", "Installation Partner")  # any other type, or no partner: direct


def add_partner_programme(org: OrgState) -> None:
    """Set `org.partner` (per account: recruited and certified epoch days, NaN when none; status text),
    `org.deal_partner` (per deal: the partner account's position, -1 when none) and `org.opp_partners`
    (OpportunityPartner rows: deal, account, primary, role, created)."""
    rng = org.rng("partners")
    a = org.acc
    partners = np.flatnonzero(np.isin(a["type"].astype(object), PARTNER_TYPES))
    a["type"] = _two_more_types(rng, a["type"].astype(object), partners)
    recruited = np.full(org.acc["created"].shape, np.nan)
    owner = a["owner"].astype(np.int64)[partners]
    day = org.local_day(a["created"].astype(float)[partners], org.tz[owner])
    earlier = rng.random(len(partners)) < 0.2
    day = np.where(earlier, day - rng.integers(3, 15, len(partners)), day)
    recruited[partners] = day
    status, certified = _certification(org, rng, day)
    org.partner = dict(recruited=recruited, status=np.full(len(recruited), "", dtype=object),
                       certified=np.full(len(recruited), np.nan))
    org.partner["status"][partners] = status
    org.partner["certified"][partners] = certified
    org.deal_partner, org.opp_partners = _sourced_deals(org, rng, partners, day, status)


def _two_more_types(rng, types: np.ndarray, partners: np.ndarray) -> np.ndarray:
    """One partner a 'Service Provider', another a 'Reseller', taken from the types more than two partners have
    (Account.Type feeds no other figure)."""
    values, counts = np.unique(types[partners].astype(str), return_counts=True)
    common = partners[np.isin(types[partners].astype(str), values[counts > 2])]
    if len(common) >= 2:
        types[rng.choice(common, 2, replace=False)] = ["Service Provider", "Reseller"]
    return types


def _certification(org: OrgState, rng, recruited: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each partner's status and certified day (NaN unless certified)."""
    n = len(recruited)
    age = org.anchor_day - recruited
    status = np.full(n, CERTIFIED, dtype=object)
    after = rng.integers(20, 51, n).astype(float)
    old = np.flatnonzero(age > DEADLINE)
    overdue = rng.choice(old, min(2, len(old)), replace=False)
    status[overdue] = [IN_PROGRESS, NOT_STARTED][:len(overdue)]
    late = np.setdiff1d(old[age[old] >= DEADLINE + 2], overdue)
    if len(late):
        one = late[np.argmax(age[late])]  # the longest-standing one took longest
        after[one] = rng.integers(DEADLINE + 1, min(age[one], 90) + 1)
    young = age <= DEADLINE
    not_yet = young & ((after > age) | (rng.random(n) < 0.4))
    status[not_yet] = np.where(rng.random(n) < 0.6, IN_PROGRESS, NOT_STARTED)[not_yet]
    return status, np.where(status == CERTIFIED, recruited + after, np.nan)


def _sourced_deals(org: OrgState, rng, partners: np.ndarray, recruited: np.ndarray,
                   status: np.ndarray) -> tuple[np.ndarray, dict]:
    d = org.deal
    n = len(d["owner"])
    deal_partner = np.full(n, -1, np.int64)
    referral = np.flatnonzero(d["source"] == "Partner Referral")
    c_day = d["c_day"][referral]
    eligible = recruited[None, :] < c_day[:, None]  # referral deal x partner: recruited before the deal
    certified = np.flatnonzero(status == CERTIFIED)
    quiet, active = _quiet_and_active(rng, certified, recruited, org.anchor_day)
    if quiet >= 0:
        eligible[:, quiet] &= c_day < org.anchor_day - QUIET_DAYS
    named = eligible.any(axis=1) & (rng.random(len(referral)) < SHARE_NAMED)
    choice = np.where(named, _pick(rng, eligible), -1)
    if active >= 0:
        recent = (c_day >= org.anchor_day - ACTIVE_DAYS) & eligible[:, active]
        if recent.any() and not (recent & (choice == active)).any():
            choice[rng.choice(np.flatnonzero(recent))] = active
    has = choice >= 0
    deal_partner[referral[has]] = partners[choice[has]]
    rows = _rows(org, rng, partners, referral[has], choice[has], eligible[has], quiet)
    _every_channel(org, rng, deal_partner, partners, recruited, quiet)
    return deal_partner, rows


def _every_channel(org: OrgState, rng, deal_partner: np.ndarray, partners: np.ndarray, recruited: np.ndarray,
                   quiet: int) -> None:
    """Each team wins through a reseller and through a service provider in each of the last two quarters: where
    it has no such won deal, one of its won deals closed in the quarter without a partner (a Partner Referral
    one when there is, else an AE-sourced new-business one, made a Partner Referral) names a partner of that
    kind recruited before the deal was created."""
    d, types = org.deal, org.acc["type"].astype(object)[partners]
    won = d["closed"] & d["won"]
    kind = np.full(len(d["owner"]), "", dtype=object)
    kind[deal_partner >= 0] = types_channel(org.acc["type"].astype(object)[deal_partner[deal_partner >= 0]])
    for team in (SMB, MM):
        for first, last in org.quarters[-2:]:
            in_q = won & (d["team"] == team) & (d["close_date"] >= first) & (d["close_date"] <= last)
            for channel in (RESELLER, SERVICE_PROVIDER):
                if (in_q & (kind == channel)).any():
                    continue
                able = np.flatnonzero(types_channel(types) == channel)
                if 0 <= quiet:
                    able = able[able != quiet]
                free = np.flatnonzero(in_q & (deal_partner < 0) & (d["typ"] != REN))
                free = free[(recruited[able][None, :] < d["c_day"][free][:, None]).any(axis=1)]
                if len(free) == 0:
                    continue
                referral = free[d["source"][free] == "Partner Referral"]
                own = free[(d["typ"][free] == NB) & (d["lead"][free] < 0)]  # AE-sourced: becomes a referral
                if len(referral) == 0 and len(own) == 0:
                    continue
                deal = int(rng.choice(referral if len(referral) else own))
                d["source"][deal] = "Partner Referral"
                pick = able[recruited[able] < d["c_day"][deal]]
                deal_partner[deal] = partners[int(rng.choice(pick))]
                kind[deal] = channel


def types_channel(types: np.ndarray) -> np.ndarray:
    """The channel ('reseller', 'service_provider', else 'direct') a partner of each Account Type sells through."""
    types = np.asarray(types, dtype=object).astype(str)
    return np.select([np.isin(types, RESELLER_TYPES), np.isin(types, SERVICE_PROVIDER_TYPES)],
                     [RESELLER, SERVICE_PROVIDER], "direct").astype(object)


def _quiet_and_active(rng, certified: np.ndarray, recruited: np.ndarray, anchor: int) -> tuple[int, int]:
    """A certified partner with no deal lately and one (recruited in time to have one) with a recent deal."""
    able = certified[recruited[certified] < anchor - ACTIVE_DAYS]
    if len(certified) < 2 or len(able) == 0:
        return -1, -1
    active = int(rng.choice(able))
    return int(rng.choice(certified[certified != active])), active


def _pick(rng, eligible: np.ndarray) -> np.ndarray:
    """A random eligible column per row (0 for rows with none)."""
    if eligible.shape[0] == 0 or eligible.shape[1] == 0:
        return np.zeros(eligible.shape[0], np.int64)
    cum = np.cumsum(eligible, axis=1)
    u = np.floor(rng.random(eligible.shape[0]) * np.maximum(cum[:, -1], 1))
    return np.minimum((cum <= u[:, None]).sum(axis=1), eligible.shape[1] - 1)


def _rows(org: OrgState, rng, partners, deals, choice, eligible, quiet) -> dict:
    """OpportunityPartner rows: a primary one for most named deals, and two non-primary ones."""
    primary = rng.random(len(deals)) < SHARE_PRIMARY
    role = np.where(rng.random(len(deals)) < 0.5, "Reseller", "Service Provider").astype(object)
    rows = [dict(deal=deals[primary], account=partners[choice[primary]], primary=np.ones(primary.sum(), bool),
                 role=role[primary])]
    others = eligible.copy()
    others[np.arange(len(deals)), choice] = False
    if 0 <= quiet < others.shape[1]:
        others[:, quiet] = False
    for among, extra_role in ((primary, "Consultant"), (~primary, "System Integrator")):
        candidates = np.flatnonzero(among & others.any(axis=1))
        if len(candidates):
            i = rng.choice(candidates)
            rows.append(dict(deal=deals[[i]], account=partners[[_pick(rng, others[[i]])[0]]],
                             primary=np.zeros(1, bool), role=np.array([extra_role], dtype=object)))
    out = {key: np.concatenate([r[key] for r in rows]) for key in rows[0]}
    created = org.deal["created"][out["deal"]] + rng.uniform(60, 2 * DAY, len(out["deal"]))
    out["created"] = np.minimum(created, org.end)
    return out
