"""Accounts and opportunities: existing customers, partners, and the deals of the period (converted leads,
AE-sourced new business, upsells, renewals) with their amounts, close-date schedule and outcome, calibrated
so each AE's won revenue lands on the intended attainment."""

from __future__ import annotations

from datetime import date

import numpy as np

from kpi.sources.sample_org.arrays import choose_rows, ids_in_order, lognormal, round100
from kpi.sources.sample_org.clock import DAY, HOUR, epoch_day
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.people import no_quota_revenue
from kpi.sources.sample_org.vocabulary import (ACCOUNT_PARTNER_TYPES, INDUSTRIES, LEAD_SOURCES, MM, NB, REN, SMB,
                                               UPG, companies)


class _Accounts:
    """Accounts collected part by part (name, owner, type, industry, employees, created)."""

    def __init__(self):
        self.parts = {k: [] for k in ("name", "owner", "type", "industry", "employees", "created")}
        self.count = 0

    def add(self, name, owner, typ, industry, employees, created) -> np.ndarray:
        """Add accounts; return their positions."""
        start = self.count
        for key, value in zip(self.parts, (name, owner, typ, industry, employees, created)):
            self.parts[key].append(np.asarray(value))
        self.count += len(name)
        return start + np.arange(len(name))

    def arrays(self) -> dict[str, np.ndarray]:
        return {key: np.concatenate(value) for key, value in self.parts.items()}


def add_deals(org: OrgState) -> None:
    """Set `org.acc` (account arrays), `org.deal` (opportunity arrays), `org.lead_account` and the ids."""
    rng = org.rng("opps")
    accounts = _Accounts()
    # Existing customers (renewals and upsells come from them); the new hires start without any.
    old = np.array([u for u in org.aes if not org.new_hire[u]], dtype=np.int64)
    cust, c_owner, c_created_day, c_arr = _customers(org, rng, accounts, old)
    _partners(org, rng, accounts, old)
    converted = _converted_leads(org, rng, accounts)
    deals = [converted, *_ae_sourced(org, rng, accounts, cust, c_owner, converted["owner"]),
             _renewals(org, rng, cust, c_owner, c_created_day)]
    arr_of_account = np.zeros(accounts.count)
    arr_of_account[cust] = c_arr
    org.deal = _priced_and_scheduled(org, rng, deals, arr_of_account)
    org.acc = accounts.arrays()
    _calibrate(org)
    org.account_ids, _ = ids_in_order("001", org.acc["created"].astype(float), 60_000_000)
    org.deal_ids, _ = ids_in_order("006", org.deal["created"], 30_000_000)


def _customers(org: OrgState, rng, accounts: _Accounts, old: np.ndarray):
    """Existing customers of the AEs: (account positions, owners, creation days, annual revenue)."""
    s = org.shape
    per = np.where(org.team[old] == SMB, s.customers_per_rep, max(1, round(0.6 * s.customers_per_rep)))
    per = np.maximum(1, np.round(per * np.sqrt(s.deal_scale))).astype(np.int64)
    c_owner = np.repeat(old, per)
    nc = len(c_owner)
    c_name, _ = companies(rng, nc)
    c_mm = org.team[c_owner] == MM
    c_created_day = rng.integers(epoch_day(date(2023, 1, 5)), org.start_day - 20, nc)
    c_created = org.business_time(rng, c_created_day, org.tz[c_owner])
    c_arr = round100(np.where(c_mm, lognormal(rng, 60_000, 0.45, nc, 25_000, 180_000),
                              lognormal(rng, 13_000, 0.45, nc, 5_000, 35_000)))
    cust = accounts.add(c_name, c_owner,
                        np.where(rng.random(nc) < 0.85, "Customer - Direct", "Customer - Channel"),
                        rng.integers(0, len(INDUSTRIES), nc),
                        np.where(c_mm, lognormal(rng, 500, 0.6, nc, 200, 4000),
                                 lognormal(rng, 60, 0.7, nc, 5, 199)).astype(np.int64), c_created)
    return cust, c_owner, c_created_day, c_arr


def _partners(org: OrgState, rng, accounts: _Accounts, old: np.ndarray) -> None:
    """Partner accounts recruited over the period."""
    n_partners = max(4, int(round(0.8 * len(org.aes))))
    p_owner = rng.choice(old, n_partners)
    p_name, _ = companies(rng, n_partners)
    p_day = rng.integers(org.start_day, org.anchor_day, n_partners)
    accounts.add(p_name, p_owner, rng.choice(np.array(ACCOUNT_PARTNER_TYPES, dtype=object), n_partners),
                 np.full(n_partners, 0), rng.integers(10, 150, n_partners),
                 org.business_time(rng, p_day, org.tz[p_owner]))


def _converted_leads(org: OrgState, rng, accounts: _Accounts) -> dict:
    """Converted leads: the opportunity goes to an SMB or mid-market rep (by company size)."""
    aes = org.aes
    conv = np.flatnonzero(org.converted)
    tC = org.tC[conv]
    owner = np.full(len(conv), -1)
    for t in (SMB, MM):
        members = aes[org.team[aes] == t]
        sel = np.flatnonzero((org.lead_mm[conv] == (t == MM)))
        if len(members) == 0 or len(sel) == 0:
            continue
        weight = (0.7 + 0.3 * org.pace[members]) * np.where(org.new_hire[members], 0.6, 1.0)
        ready = tC[sel][:, None] >= (org.first_day[members] + 7)[None, :] * DAY
        owner[sel] = members[choose_rows(rng, ready * weight[None, :] + 1e-12)]
    if (owner < 0).any():  # a team with nobody: the other team takes the deal
        owner[owner < 0] = aes[choose_rows(rng, np.ones((int((owner < 0).sum()), len(aes))))]
    conv_acc = accounts.add(org.lead_company[conv], owner, np.full(len(conv), "Prospect"),
                            org.lead_industry[conv], org.lead_employees[conv], tC)
    org.lead_account = np.full(org.n_leads, -1)
    org.lead_account[conv] = conv_acc
    return dict(owner=owner, typ=np.full(len(conv), NB), account=conv_acc, created=tC,
                source=np.array(LEAD_SOURCES, dtype=object)[org.lead_source[conv]], lead=conv,
                renewal_day=np.full(len(conv), np.nan))


def _ae_sourced(org: OrgState, rng, accounts: _Accounts, cust, c_owner, converted_owner) -> list[dict]:
    """AE-sourced new business and upsells, spread over each AE's working days. Before `start` (fading out over
    its first month) new business also arrives at the rate converted leads bring it later: that pipeline
    stands in for deals converted from leads older than the data."""
    s, aes = org.shape, org.aes
    deals = []
    data_days = np.arange(org.start_day, org.anchor_day + 1)
    n_workdays = max(1, int(org.is_workday(data_days).sum()))
    inflow = {}
    for t in (SMB, MM):
        members = aes[(org.team[aes] == t) & ~org.new_hire[aes]]
        inflow[t] = (converted_owner[np.isin(converted_owner, members)].size / max(1, len(members)) / n_workdays)
    for u in aes:
        lo = max(org.warm_day, int(org.first_day[u]))
        hired = org.to_utc(np.array([org.first_day[u] * DAY + 8 * HOUR], float), org.tz[[u]])[0]  # no earlier
        days = np.arange(lo, org.anchor_day + 1)
        days = days[org.is_workday(days)]
        months = len(days) / 21.0
        form = 0.6 + 0.4 * org.pace[u]
        own_rate = s.self_sourced_per_rep_month * s.deal_scale * form / 21.0 * (1.6 if org.new_hire[u] else 1)
        weight = own_rate + inflow[org.team[u]] * np.clip((org.start_day + 30 - days) / 30.0, 0.0, 1.0)
        n_ss = rng.poisson(weight.sum())
        mine = cust[c_owner == u]
        n_up = rng.poisson(s.upsells_per_rep_month * np.sqrt(s.deal_scale) * form * months) if len(mine) else 0
        for count, typ in ((n_ss, NB), (n_up, UPG)):
            if count == 0:
                continue
            chosen = rng.choice(days, count, p=weight / weight.sum() if typ == NB else None)
            created = org.business_time(rng, chosen, np.full(count, org.tz[u]))
            if typ == NB:
                name, _ = companies(rng, count)
                mm = org.team[u] == MM
                account = accounts.add(name, np.full(count, u), np.full(count, "Prospect"),
                                       rng.integers(0, len(INDUSTRIES), count),
                                       (lognormal(rng, 450, 0.6, count, 200, 4000) if mm
                                        else lognormal(rng, 45, 0.8, count, 5, 199)).astype(np.int64),
                                       np.maximum(created - rng.uniform(0, 20, count) * DAY, hired))
                source = rng.choice(np.array(["Outbound Prospecting", "Partner Referral", "Trade Show",
                                              "Webinar", ""], dtype=object), count,
                                    p=[0.55, 0.2, 0.1, 0.05, 0.1])
                inbound = rng.choice(np.array(LEAD_SOURCES[:5], dtype=object), count)
                warm = rng.random(count) * weight[np.searchsorted(days, chosen)] >= own_rate
                source = np.where(warm, inbound, source)
            else:
                account = rng.choice(mine, count)
                source = np.full(count, "", dtype=object)
            deals.append(dict(owner=np.full(count, u), typ=np.full(count, typ), account=account,
                              created=created, source=source, lead=np.full(count, -1),
                              renewal_day=np.full(count, np.nan)))
    return deals


def _renewals(org: OrgState, rng, cust, c_owner, c_created_day) -> dict:
    """Renewals of existing customers falling due in the period (opened 45-75 days ahead)."""
    anniversary = (c_created_day - epoch_day(date(2023, 1, 1))) % 365 + epoch_day(date(2026, 1, 1))
    due = (anniversary >= org.warm_day + 60) & (anniversary <= org.anchor_day + 75)
    opened_day = anniversary - rng.integers(45, 76, len(c_owner))
    opened_day += np.select([(opened_day + 3) % 7 == 5, (opened_day + 3) % 7 == 6], [2, 1], 0)  # to Monday
    due &= opened_day <= org.anchor_day
    ren = np.flatnonzero(due)
    return dict(owner=c_owner[ren], typ=np.full(len(ren), REN), account=cust[ren],
                created=org.business_time(rng, opened_day[ren], org.tz[c_owner[ren]]),
                source=np.full(len(ren), "", dtype=object), lead=np.full(len(ren), -1),
                renewal_day=anniversary[ren].astype(float))


def _priced_and_scheduled(org: OrgState, rng, deals: list[dict], arr_of_account: np.ndarray) -> dict:
    """All deals with amount, planned close date and its slips (pushes of 14-40 days), early losses,
    pulled-in wins, and whether and when they closed. Deals closed before the data starts are left out."""
    d = {k: np.concatenate([x[k] for x in deals]) for k in deals[0]}
    d["created"] = np.minimum(d["created"], org.end)
    n = len(d["owner"])
    team = org.team[d["owner"]]
    mm = team == MM
    typ = d["typ"]
    amount = np.where(mm, lognormal(rng, 62_000, 0.5, n, 25_000, 180_000),
                      lognormal(rng, 13_500, 0.45, n, 5_000, 35_000))
    amount = np.where(typ == UPG, np.where(mm, lognormal(rng, 35_000, 0.4, n, 25_000, 120_000),
                                           lognormal(rng, 8_000, 0.4, n, 5_000, 25_000)), amount)
    amount = np.where(typ == REN, arr_of_account[d["account"]] * rng.uniform(0.95, 1.15, n), amount)
    amount = round100(np.where(mm, np.clip(amount, 25_000, 180_000), np.clip(amount, 5_000, 35_000)))

    # Schedule: planned close date, slips, early losses, pulled-in wins.
    tz = org.tz[d["owner"]]
    c = d["created"]
    c_day = org.local_day(c, tz).astype(np.int64)
    cycle = np.where(mm, lognormal(rng, 62, 0.4, n, 30, 150), lognormal(rng, 24, 0.35, n, 10, 60))
    cycle = np.where(typ == UPG, np.where(mm, lognormal(rng, 35, 0.35, n, 15, 90),
                                          lognormal(rng, 18, 0.35, n, 7, 45)), cycle)
    d0 = np.where(typ == REN, d["renewal_day"], c_day + np.round(cycle)).astype(np.int64)
    d0 = np.maximum(d0, c_day + 3)
    k = np.where(rng.random(n) < 0.38, rng.choice([1, 2, 3, 4], n, p=[0.45, 0.3, 0.15, 0.1]), 0)
    push = rng.integers(14, 41, (n, 4))
    D = np.zeros((n, 5), np.int64)
    D[:, 0] = d0
    slip_day = np.full((n, 4), np.iinfo(np.int64).max // 2)
    prev = c_day.copy()
    for j in range(1, 5):
        active = j <= k
        D[:, j] = D[:, j - 1] + np.where(active, push[:, j - 1], 0)
        sd = np.maximum(D[:, j - 1] + rng.integers(-6, 4, n), np.maximum(prev + 1, c_day + 1))
        slip_day[:, j - 1] = np.where(active, sd, slip_day[:, j - 1])
        prev = np.where(active, sd, prev)
    dk = D[np.arange(n), k]
    zombie = (typ != REN) & (rng.random(n) < 0.06) & (dk <= org.anchor_day - 10)
    p_win = np.where(typ == REN, 0.8, np.where(typ == UPG, 0.45, 0.27)) * (0.75 + 0.25 * org.pace[d["owner"]])
    won = rng.random(n) < p_win
    last_slip = np.where(k > 0, slip_day[np.arange(n), np.maximum(k - 1, 0)], c_day)
    pulled = won & (rng.random(n) < 0.12)
    actual = np.where(pulled, np.minimum(dk, np.maximum(dk - rng.integers(3, 16, n),
                                                         np.maximum(c_day + 3, last_slip + 1))), dk)
    early = ~won & (rng.random(n) < 0.85)
    early_day = c_day + np.ceil(rng.uniform(0.2, 0.95, n) * (dk - c_day)).astype(np.int64)
    actual = np.where(early, np.maximum(early_day, c_day + 1), actual)
    close_time = org.business_time(rng, actual, tz, 9, 18)
    closed = ~zombie & (close_time <= org.end)
    slip_time = np.stack([org.business_time(rng, np.minimum(slip_day[:, j], org.anchor_day + 900), tz)
                          for j in range(4)], axis=1)
    jj = np.arange(4)[None, :]
    slip_ok = (jj < k[:, None]) & ((slip_day < actual[:, None]) | zombie[:, None]) & (slip_time <= org.end)
    slips_done = slip_ok.sum(axis=1)
    keep = ~(closed & (close_time < org.start_utc))
    deal = dict(owner=d["owner"], typ=typ, account=d["account"], created=c, source=d["source"],
                lead=d["lead"], amount=amount, tz=tz, c_day=c_day, D=D, k=k, slip_time=slip_time,
                slip_ok=slip_ok, slips_done=slips_done, zombie=zombie, won=won, actual=actual,
                close_time=close_time, closed=closed, team=team)
    return {key: value[keep] for key, value in deal.items()}


def _calibrate(org: OrgState) -> None:
    """Set which closed deals were won so each AE's won amount per quarter lands on the intended attainment
    (the anchor's quarter: pace x elapsed share); the best of many random orders is kept. At least one renewal
    closed in the anchor's quarter is lost."""
    rng = org.rng("calibrate")
    d = org.deal
    won = d["won"].copy()
    elapsed = org.elapsed_share()
    for u in org.aes:
        for q, (first, last) in enumerate(org.quarters):
            quota = org.quota[u, q] if not org.no_quota[u] else no_quota_revenue(org)
            if not np.isfinite(quota):
                continue
            target = quota * (org.pace[u] * elapsed if q == len(org.quarters) - 1 else org.attain[u, q])
            pool = np.flatnonzero((d["owner"] == u) & d["closed"] & (d["actual"] >= first) &
                                  (d["actual"] <= min(last, org.anchor_day)))
            if len(pool) == 0:
                continue
            amounts = d["amount"][pool]
            keys = rng.random((64, len(pool))) - 0.9 * (d["typ"][pool] == REN)[None, :]
            orders = np.argsort(keys, axis=1, kind="stable")
            sums = np.concatenate([np.zeros((64, 1)), np.cumsum(amounts[orders], axis=1)], axis=1)
            miss = np.abs(sums - target)
            best_len = miss.argmin(axis=1)
            best = miss[np.arange(64), best_len].argmin()
            chosen = np.zeros(len(pool), bool)
            chosen[orders[best, : best_len[best]]] = True
            won[pool] = chosen
    # The anchor's quarter has a lost renewal among its closed ones (retention and churn need one): the smallest.
    first, last = org.quarters[-1]
    renewals = np.flatnonzero((d["typ"] == REN) & d["closed"] & (d["actual"] >= first) & (d["actual"] <= last))
    if len(renewals) >= 2 and won[renewals].all():
        won[renewals[np.argmin(d["amount"][renewals])]] = False
    d["won"] = won
