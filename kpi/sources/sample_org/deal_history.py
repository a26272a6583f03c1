"""What happened to each opportunity along the way: amount changes, stage changes and close-date moves (the
OpportunityFieldHistory), the current amount, stage and close date, and the accounts that became customers."""

from __future__ import annotations

import numpy as np

from kpi.sources.sample_org.arrays import round100
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.vocabulary import MM, PATH_LEN, PATHS, REN


def add_deal_history(org: OrgState) -> None:
    """Set `org.amount_history`, `org.stage_history`, `org.close_history` (dicts of deal, t, old, new) and the
    deals' current_amount, stage and close_date."""
    rng = org.rng("opps", 2)
    _amounts(org, rng)
    _stages(org, rng)
    _close_dates(org)
    _won_accounts(org)


def _amounts(org: OrgState, rng) -> None:
    """Amount changes (chains of 1-2 earlier amounts); a few open deals have no or a zero amount."""
    d = org.deal
    n = len(d["owner"])
    c, close_time = d["created"], d["close_time"]
    n_changes = rng.choice([0, 1, 2], n, p=[0.8, 0.15, 0.05])
    amounts = np.zeros((n, 3))
    amounts[:, 2] = d["amount"]
    amounts[:, 1] = round100(d["amount"] * rng.uniform(0.6, 1.4, n))
    amounts[:, 0] = round100(amounts[:, 1] * rng.uniform(0.7, 1.3, n))
    high = np.where(d["team"] == MM, 180_000, 35_000)
    amounts[:, :2] = np.clip(amounts[:, :2], np.where(d["team"] == MM, 25_000, 5_000)[:, None], high[:, None])
    for j in (1, 0):  # every change changes something: nudge by 500 inside the team's range
        later = amounts[:, j + 1]
        amounts[:, j] = np.where(amounts[:, j] == later, np.where(later + 500 <= high, later + 500, later - 500),
                                 amounts[:, j])
    span = np.where(d["zombie"], 0.4, 0.9) * (close_time - c)
    amount_t = c[:, None] + np.sort(rng.uniform(0.05, 1.0, (n, 2)), axis=1) * span[:, None]
    amount_ok = (np.arange(2)[None, :] >= 2 - n_changes[:, None]) & (amount_t <= org.end)
    # Current amount: the value after the last change that happened, else the chain's first value.
    first_idx = 2 - n_changes
    done = amount_ok.sum(axis=1)
    current = amounts[np.arange(n), first_idx + done]
    hygiene = ~d["closed"] & (rng.random(n) < 0.03)
    blank = hygiene & (rng.random(n) < 0.67)
    current = np.where(blank, np.nan, np.where(hygiene, 0.0, current))
    amount_ok &= ~hygiene[:, None]
    d["current_amount"] = current
    rows = np.nonzero(amount_ok)
    org.amount_history = dict(deal=rows[0], t=amount_t[rows], old=amounts[rows[0], rows[1]],
                              new=amounts[rows[0], rows[1] + 1])


def _stages(org: OrgState, rng) -> None:
    """Stage paths: won deals along one of two paths, lost ones after reaching some stage; a deal that never
    closes (zombie) stops short of its last step."""
    d = org.deal
    n = len(d["owner"])
    zombie, c, close_time = d["zombie"], d["created"], d["close_time"]
    tmpl = np.where(d["won"], np.where((rng.random(n) < 0.3) & (d["typ"] != REN), 1, 0),
                    2 + rng.choice(5, n, p=[0.2, 0.3, 0.25, 0.15, 0.1]))
    tmpl = np.where(zombie, 0, tmpl)
    n_trans = PATH_LEN[tmpl] - zombie.astype(int)
    n_inter = PATH_LEN[tmpl] - 1
    frac = rng.uniform(0.05, 0.9, (n, 4))
    frac[np.arange(4)[None, :] >= n_inter[:, None]] = 2.0  # unused columns sort last
    frac = np.sort(frac, axis=1) * np.where(zombie, 0.4, 1.0)[:, None]
    inter_t = c[:, None] + frac * (close_time - c)[:, None]
    times = np.concatenate([inter_t, np.full((n, 1), np.nan)], axis=1)
    times[np.arange(n), n_inter] = close_time
    stage = PATHS[tmpl]
    idx = np.arange(5)[None, :]
    exists = idx < n_trans[:, None]
    happened = exists & (times <= org.end)
    prev_stage = np.concatenate([np.zeros((n, 1), np.int64), stage[:, :-1]], axis=1)
    done = happened.sum(axis=1)
    d["stage"] = np.where(done > 0, stage[np.arange(n), np.maximum(done - 1, 0)], 0)
    rows = np.nonzero(happened)
    org.stage_history = dict(deal=rows[0], t=times[rows], old=prev_stage[rows], new=stage[rows])


def _close_dates(org: OrgState) -> None:
    """Close dates: slips that happened, then the day the deal actually closed."""
    d = org.deal
    n = len(d["owner"])
    D, closed, close_time = d["D"], d["closed"], d["close_time"]
    slips = np.nonzero(d["slip_ok"])
    close_hist = [dict(deal=slips[0], t=d["slip_time"][slips], old=D[slips[0], slips[1]],
                       new=D[slips[0], slips[1] + 1])]
    scheduled = D[np.arange(n), d["slips_done"]]
    moved = closed & (d["actual"] != scheduled)
    m = np.flatnonzero(moved)
    close_hist.append(dict(deal=m, t=close_time[m], old=scheduled[m], new=d["actual"][m]))
    org.close_history = {key: np.concatenate([h[key] for h in close_hist]) for key in close_hist[0]}
    d["close_date"] = np.where(closed, d["actual"], scheduled)


def _won_accounts(org: OrgState) -> None:
    """Accounts whose deals were won are customers now."""
    d = org.deal
    won_accounts = d["account"][d["closed"] & d["won"]]
    acc_type = org.acc["type"].astype(object)
    acc_type[np.intersect1d(won_accounts, np.flatnonzero(acc_type == "Prospect"))] = "Customer - Direct"
    org.acc["type"] = acc_type
