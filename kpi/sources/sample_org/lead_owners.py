"""Who owns each lead when: a queue or an ADR at creation, the ADR who picks a queued lead up, a manager's
rebalancing, and the hand-over of a leaving ADR's unfinished leads. The owner is o0 until ch1, o1 until ch2,
then o2 (ch = inf: no change); owner codes are user indexes, or -1/-2 for the two queues."""

from __future__ import annotations

import numpy as np

from kpi.sources.sample_org.arrays import choose_rows
from kpi.sources.sample_org.clock import BH, DAY, ET, HOUR
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.vocabulary import LEAD_SOURCE_P, S_OPEN, SRC_OUTBOUND, SRC_PARTNER, TERMINAL


def owner_at(org: OrgState, t, rows=None):
    """Owner code (user index, or -1/-2 for the queues) of leads `rows` (default: all) at times t."""
    rows = slice(None) if rows is None else rows
    t = np.asarray(t, float)
    return np.where(t < org.ch1[rows], org.o0[rows], np.where(t < org.ch2[rows], org.o1[rows], org.o2[rows]))


def tz_of(org: OrgState, owner):
    """Time zone of owner codes (queues work in New York)."""
    return np.where(owner >= 0, org.tz[np.maximum(owner, 0)], ET)


def _pick_adr(org: OrgState, rng, t, exclude=None):
    """An ADR taking leads at time t (equal odds); -1 when none is available."""
    a = org.adrs
    start = org.first_day[a] * DAY
    w = ((t[:, None] >= start[None, :]) & (t[:, None] <= org.route_until[a][None, :])).astype(float)
    if exclude is not None:
        w[exclude[:, None] == a[None, :]] = 0.0
    has = w.sum(axis=1) > 0
    k = choose_rows(rng, np.where(has[:, None], w, 1.0))
    return np.where(has, a[k], -1)


def route_leads(org: OrgState, rng) -> np.ndarray:
    """Owners: queue or ADR at creation; queued leads are picked up later; a few are rebalanced. Returns
    which leads arrived in a queue."""
    s, n, created = org.shape, org.n_leads, org.lead_created
    src = org.lead_source
    outbound = src == SRC_OUTBOUND
    p_out = LEAD_SOURCE_P[SRC_OUTBOUND]
    queued = ~outbound & (rng.random(n) < s.queue_share / (1 - p_out))
    queue_code = np.where(src == SRC_PARTNER, -2, -1)
    wait = np.exp(rng.normal(np.log(3 * HOUR), 1.2, n))
    wait += (rng.random(n) < 0.04) * rng.uniform(5, 40, n) * BH
    taken = org.bh_after(created, ET, wait)
    taken = np.where(queued & (taken <= org.end), taken, np.inf)
    pick_at_create = _pick_adr(org, rng, created)
    pick_at_take = _pick_adr(org, rng, np.where(np.isfinite(taken), taken, created))
    rebalance = ~queued & (rng.random(n) < 0.04)
    moved = org.bh_after(created, ET, rng.uniform(8, 160, n) * HOUR)
    new_owner = _pick_adr(org, rng, np.where(np.isfinite(moved), moved, created), exclude=pick_at_create)
    rebalance &= (moved <= org.end) & (new_owner >= 0)
    org.o0 = np.where(queued, queue_code, pick_at_create)
    org.ch1 = np.where(queued, taken, np.where(rebalance, moved, np.inf))
    org.o1 = np.where(queued, pick_at_take, np.where(rebalance, new_owner, -9))
    org.ch2 = np.full(n, np.inf)
    org.o2 = np.full(n, -9)
    org.ch1_by_manager = rebalance.copy()
    org.ch2_by_manager = np.zeros(n, bool)
    return queued


def hand_over(org: OrgState, rng, times, labels) -> None:
    """The departed ADR's unfinished leads go to other ADRs on the last day; the comeback of a recycled lead
    the leaver kept does not happen (its times in `times` become NaN)."""
    n, created = org.n_leads, org.lead_created
    tM2, tS2, tX2 = times[6:]
    for u in np.flatnonzero(org.departed):
        leave = org.leave_utc[u]
        status = np.full(n, S_OPEN)
        for t, lab in zip(times, labels):
            status = np.where(t <= leave, lab, status)
        hit = (owner_at(org, np.full(n, leave)) == u) & (created <= leave) & ~np.isin(status, TERMINAL)
        heir = _pick_adr(org, rng, np.full(n, leave), exclude=np.full(n, u))
        hit &= heir >= 0
        first_change = hit & (org.o0 == u) & (org.ch1 > leave)
        second_change = hit & ~first_change
        org.ch1 = np.where(first_change, leave, org.ch1)
        org.o1 = np.where(first_change, heir, org.o1)
        org.ch1_by_manager |= first_change
        org.ch2 = np.where(first_change, np.inf, np.where(second_change, leave, org.ch2))
        org.o2 = np.where(second_change, heir, org.o2)
        org.ch2_by_manager |= second_change
        # Recycled leads the leaver kept do not come back to them.
        gone = np.isfinite(tM2) & (owner_at(org, np.where(np.isfinite(tM2), tM2, 0)) == u)
        for t in (tM2, tS2, tX2):
            t[gone] = np.nan
