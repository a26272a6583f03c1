"""Contacts and the ADRs' outbound prospecting, added after the partner programme from their own random stream
(so every earlier draw, record and field value stays as it was): Contact rows, the ADRs' named accounts
(Account.Named_ADR__c), their outbound calls and emails (new Task rows), and Task.AccountId on every task.

- Contacts: 1-3 at each customer and partner account (owned by the account's owner; a customer won from a
  converted lead has that lead's person as its first contact, created at the conversion), 1-3 at each named
  account; `campaigns` adds the people met at an event.
- Named accounts: 12-20 'Prospect' accounts per active ADR (Named_ADR__c), owned by an SMB or mid-market rep
  who was there when the account was made, or by the VP; made at least 75 days before the anchor.
- Outbound prospecting: completed calls and emails by the named ADR (WhoId a contact of the account, WhatId and
  AccountId the account) on days the ADR worked in the 58 days to the anchor, 09:00-17:00 in the ADR's zone. As
  of the anchor the share of named accounts touched in the 30 days to it falls from ~70% for ADR 1 (the busiest)
  to ~30% for the last active ADR (the quietest); some accounts were touched only 32-58 days before the anchor,
  some never. At most a handful of such tasks per ADR and day.
- Task.AccountId, as Salesforce sets it: the WhatId account, or the account of the WhatId opportunity, or the
  account of the WhoId contact; empty for tasks on leads only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.sources.sample_org.arrays import ascii_names, assign, bool_text, cat, choose_rows, ids_in_order, lognormal
from kpi.sources.sample_org.clock import fmt_date, fmt_datetime
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.vocabulary import (ADR, CONTACT_TITLES, FIRST_NAMES, INDUSTRIES, LAST_NAMES, MM,
                                               OUTBOUND_CALL_SUBJECTS, OUTBOUND_EMAIL_SUBJECTS, PARTNER_TYPES,
                                               companies)

NAMED_PER_ADR = (12, 20)  # named accounts per active ADR, inclusive
COVERAGE = (0.70, 0.30)  # share touched in the 30 days to the anchor: ADR 1 (busiest) .. the last active ADR
RECENT = (0, 27)  # days before the anchor of touches inside the 30-day window (a margin for time zones)
STALE = (32, 58)  # days before the anchor of the earlier touches
CONTACT_BASE, NAMED_BASE, TASK_BASE = 2_000_000, 69_000_000, 99_000_000  # id counters, clear of the others'


def add_prospecting(org: OrgState) -> None:
    """Set `org.named` (the named accounts' arrays), `org.contacts` (per contact: account as a position in
    `all_account_ids(org)`, owner, names, title, created) and `org.outbound` (the outbound tasks' arrays)."""
    rng = org.rng("prospects")
    org.named = _named_accounts(org, rng)
    org.named_ids, _ = ids_in_order("001", org.named["created"], NAMED_BASE)
    org.contacts = {k: np.zeros(0, t) for k, t in (("account", np.int64), ("owner", np.int64), ("first", object),
                                                   ("last", object), ("title", object), ("created", float))}
    _customer_and_partner_contacts(org, rng)
    n_acc = len(org.account_ids)
    named = n_acc + np.arange(len(org.named["owner"]))
    per = rng.integers(1, 4, len(named))
    account = np.repeat(named, per)
    owner = np.repeat(org.named["owner"], per)
    made = np.repeat(org.named["created"], per)
    day = org.local_day(made, org.tz[owner]) + rng.integers(0, 6, len(account))
    add_contacts(org, rng, account, owner, np.maximum(org.business_time(rng, day, org.tz[owner]), made + 60))
    org.outbound = _outbound_tasks(org, rng)


def all_account_ids(org: OrgState) -> np.ndarray:
    """The Ids of the org's accounts, then of the named accounts (contacts' `account` positions point here)."""
    return np.concatenate([org.account_ids, org.named_ids])


def contact_ids(org: OrgState) -> np.ndarray:
    """Contact Ids, issued in creation order."""
    ids, _ = ids_in_order("003", org.contacts["created"], CONTACT_BASE, org.contacts["account"])
    return ids


def add_contacts(org: OrgState, rng, account, owner, created, first=None, last=None) -> np.ndarray:
    """Add contacts (names drawn unless given); return their positions."""
    n = len(account)
    if first is None:
        first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), n)]
        last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), n)]
    title = np.array(CONTACT_TITLES, dtype=object)[rng.integers(0, len(CONTACT_TITLES), n)]
    start = len(org.contacts["account"])
    for key, value in zip(("account", "owner", "first", "last", "title", "created"),
                          (account, owner, first, last, title, created)):
        org.contacts[key] = np.concatenate([org.contacts[key], np.asarray(value, org.contacts[key].dtype)])
    return start + np.arange(n)


def _named_accounts(org: OrgState, rng) -> dict[str, np.ndarray]:
    """12-20 prospects per active ADR, owned by a rep already there on the day it was made, or by the VP."""
    adrs = org.adrs[org.active[org.adrs]]
    per = rng.integers(NAMED_PER_ADR[0], NAMED_PER_ADR[1] + 1, len(adrs))
    adr = np.repeat(adrs, per)
    n = len(adr)
    day = rng.integers(min(org.start_day, org.anchor_day - 120), org.anchor_day - 75, n)
    able = np.concatenate([org.aes, [org.vp]])
    weight = np.where(able == org.vp, 0.1 * len(org.aes), 1.0)
    ready = org.first_day[able][None, :] <= day[:, None] - 1
    owner = able[choose_rows(rng, ready * weight[None, :])]
    name, _ = companies(rng, n)
    big = (org.team[owner] == MM) | ((owner == org.vp) & (rng.random(n) < 0.5))
    employees = np.where(big, lognormal(rng, 500, 0.6, n, 200, 4000), lognormal(rng, 60, 0.7, n, 10, 199))
    return dict(adr=adr, owner=owner, name=name, industry=rng.integers(0, len(INDUSTRIES), n),
                employees=employees.astype(np.int64), created=org.business_time(rng, day, org.tz[owner]))


def _customer_and_partner_contacts(org: OrgState, rng) -> None:
    """1-3 contacts per customer and partner account; a customer won from a converted lead has the lead's person
    first, made at the conversion; the others within 30 days of the account (by the anchor day)."""
    a = org.acc
    types = a["type"].astype(object).astype(str)
    chosen = np.flatnonzero(np.char.startswith(types, "Customer") | np.isin(types, PARTNER_TYPES))
    per = rng.integers(1, 4, len(chosen))
    account = np.repeat(chosen, per)
    rank = np.arange(len(account)) - np.repeat(np.cumsum(per) - per, per)
    owner = a["owner"].astype(np.int64)[account]
    made = a["created"].astype(float)[account]
    day = org.local_day(made, org.tz[owner]) + rng.integers(0, 31, len(account))
    created = np.maximum(org.business_time(rng, day, org.tz[owner]), made + 60)
    lead_of = np.full(len(types), -1)
    has = org.lead_account >= 0
    lead_of[org.lead_account[has]] = np.flatnonzero(has)
    lead = np.where(rank == 0, lead_of[account], -1)
    from_lead = lead >= 0
    created = np.where(from_lead, org.tC[np.maximum(lead, 0)], created)
    keep = created <= org.end
    first = np.array(FIRST_NAMES, dtype=object)[rng.integers(0, len(FIRST_NAMES), len(account))]
    last = np.array(LAST_NAMES, dtype=object)[rng.integers(0, len(LAST_NAMES), len(account))]
    first = np.where(from_lead, org.lead_first[np.maximum(lead, 0)], first)
    last = np.where(from_lead, org.lead_last[np.maximum(lead, 0)], last)
    add_contacts(org, rng, account[keep], owner[keep], created[keep], first[keep], last[keep])


def _outbound_tasks(org: OrgState, rng) -> dict[str, np.ndarray]:
    """Each ADR's calls and emails on their named accounts: the touched share of the 30-day window set by the
    ADR's rank (busiest first), a few more accounts touched only earlier, the rest never."""
    named = org.named
    adrs = org.adrs[org.active[org.adrs]]
    share = np.linspace(COVERAGE[0], COVERAGE[1], len(adrs)) if len(adrs) > 1 else np.array([COVERAGE[0]])
    rank = np.searchsorted(adrs, named["adr"])
    n = len(rank)
    order = np.lexsort((rng.random(n), rank))  # a random order of each ADR's accounts
    count = np.bincount(rank, minlength=len(adrs))
    place = np.empty(n, np.int64)
    place[order] = np.arange(n) - np.repeat(np.cumsum(count) - count, count)
    touched = np.round(share * count).astype(np.int64)[rank]
    recent = place < touched
    stale = ~recent & (place < touched + (count[rank] - touched) // 2)
    # Touches per account and window: recent ones 1-4, some of them with 1-2 earlier; stale ones 1-3.
    k_recent = np.where(recent, np.minimum(1 + rng.poisson(1.3, n), 4), 0)
    earlier_too = recent & (rng.random(n) < 0.4)
    k_stale = np.where(stale, rng.integers(1, 4, n), np.where(earlier_too, rng.integers(1, 3, n), 0))
    account = np.concatenate([np.repeat(np.arange(n), k_recent), np.repeat(np.arange(n), k_stale)])
    window = np.concatenate([np.zeros(k_recent.sum(), np.int64), np.ones(k_stale.sum(), np.int64)])
    adr = named["adr"][account]
    day = _worked_day(org, rng, adr, window)
    ok = day >= 0
    account, adr, day = account[ok], adr[ok], day[ok]
    t = org.business_time(rng, day, org.tz[adr], 9, 17)
    contacts = org.contacts
    n_acc = len(org.account_ids)
    who = assign(rng, account + n_acc, contacts["account"], np.arange(len(contacts["account"])))
    call = rng.random(len(t)) < org.call_share[adr]
    subject = np.where(call, _pick(rng, OUTBOUND_CALL_SUBJECTS, len(t)), _pick(rng, OUTBOUND_EMAIL_SUBJECTS, len(t)))
    return dict(owner=adr, account=account + n_acc, contact=who, day=day, t=t,
                created=t + rng.integers(60, 600, len(t)), call=call, subject=subject)


def _pick(rng, options: tuple[str, ...], n: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), n)]


def _worked_day(org: OrgState, rng, adr: np.ndarray, window: np.ndarray) -> np.ndarray:
    """A day in the window (0: recent, 1: stale) on which the ADR made calls or emails (-1 when none)."""
    log = {k: np.concatenate(v) for k, v in org.completed_activities.items()}
    owner, day = log["owner"], log["day"]
    ago = org.anchor_day - day
    pair_window = np.select([(ago >= RECENT[0]) & (ago <= RECENT[1]), (ago >= STALE[0]) & (ago <= STALE[1])],
                            [0, 1], -1)
    ok = (org.team[owner] == ADR) & (pair_window >= 0) & org.is_workday(day)
    keys = np.unique(np.stack([owner[ok] * 2 + pair_window[ok], day[ok]]), axis=1)
    return assign(rng, adr * 2 + window, keys[0], keys[1])


def named_account_table(org: OrgState) -> pd.DataFrame:
    """Account rows of the named accounts (Type 'Prospect', Named_ADR__c the ADR), in creation order."""
    n = org.named
    order = np.argsort(n["created"], kind="stable")
    blank = np.full(len(order), "", dtype=object)
    frame = pd.DataFrame({
        "Id": org.named_ids, "Name": n["name"], "OwnerId": org.user_id[n["owner"]],
        "Type": np.full(len(order), "Prospect", dtype=object),
        "Industry": np.array(INDUSTRIES, dtype=object)[n["industry"]], "NumberOfEmployees": n["employees"],
        "CreatedDate": fmt_datetime(n["created"]), "Partner_Recruited_Date__c": blank,
        "Certification_Status__c": blank, "Certified_Date__c": blank, "Named_ADR__c": org.user_id[n["adr"]]})
    return frame.iloc[order].reset_index(drop=True)


def contact_table(org: OrgState) -> pd.DataFrame:
    """Contact rows (ids in creation order)."""
    c = org.contacts
    ids, order = ids_in_order("003", c["created"], CONTACT_BASE, c["account"])
    email = cat(ascii_names(c["first"]), ".", ascii_names(c["last"]), "@",
                _account_domains(org)[c["account"]])
    frame = pd.DataFrame({
        "Id": ids, "AccountId": all_account_ids(org)[c["account"]], "OwnerId": org.user_id[c["owner"]],
        "FirstName": c["first"], "LastName": c["last"], "Name": cat(c["first"], " ", c["last"]),
        "Email": email, "Title": c["title"], "CreatedDate": fmt_datetime(c["created"])})
    return frame.iloc[order].reset_index(drop=True)


def _account_domains(org: OrgState) -> np.ndarray:
    """A web domain per account (all_account_ids order), from its name."""
    names = np.concatenate([org.acc["name"].astype(object), org.named["name"].astype(object)])
    words = pd.Series(names, dtype=object).str.replace(r"(,? (Inc\.|LLC|Group|Co\.|Partners|Corp\.|Holdings))$", "",
                                                       regex=True)
    return cat(ascii_names(words.to_numpy(dtype=object)), ".com")


def task_table(org: OrgState, tasks: pd.DataFrame) -> pd.DataFrame:
    """The tasks with AccountId (from WhatId, else the WhoId contact's account), then the outbound tasks."""
    deal_account = pd.Series(org.account_ids[org.deal["account"]], index=org.deal_ids)
    what = tasks["WhatId"]
    account = what.where(what.str.startswith("001"), what.map(deal_account)).fillna("")
    out = org.outbound
    n = len(out["t"])
    ids, order = ids_in_order("00T", out["created"], TASK_BASE, out["owner"])
    kind = np.where(out["call"], "Call", "Email").astype(object)
    accounts = all_account_ids(org)[out["account"]]
    outbound = pd.DataFrame({
        "Id": ids, "OwnerId": org.user_id[out["owner"]], "WhoId": contact_ids(org)[out["contact"]],
        "WhatId": accounts, "Subject": out["subject"], "Type": kind, "TaskSubtype": kind,
        "Status": np.full(n, "Completed", dtype=object), "IsClosed": bool_text(np.ones(n, bool)),
        "ActivityDate": fmt_date(out["day"]), "CompletedDateTime": fmt_datetime(out["t"]),
        "CreatedDate": fmt_datetime(out["created"]), "AccountId": accounts}).iloc[order]
    return pd.concat([tasks.assign(AccountId=account), outbound], ignore_index=True)
