"""Leads: when they arrive and from where, when each moves through the funnel (MQL, first touch, SAL, SQL,
conversion, closing or recycling, a comeback), and what that leaves behind: status history, the days ADRs work
each lead, and the stage date fields."""

from __future__ import annotations

import numpy as np

from kpi.ids import make_ids
from kpi.sources.sample_org.arrays import ascii_names, cat, expand_days, lognormal
from kpi.sources.sample_org.clock import BH, DAY, ET, HOUR, is_weekday
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.lead_owners import hand_over, owner_at, route_leads, tz_of
from kpi.sources.sample_org.vocabulary import (FIRST_NAMES, INDUSTRIES, LAST_NAMES, LEAD_HOURS, LEAD_SOURCE_P,
                                               LEAD_SOURCES, S_CNC, S_CONVERTED, S_MQL, S_MQL_ALT, S_OPEN,
                                               S_RECYCLED, S_SAL, S_SAL_ALT, S_SQL, S_WORKING, SRC_OUTBOUND,
                                               companies)


def add_leads(org: OrgState) -> None:
    """Set the lead arrays on `org` (one row per lead, in creation order)."""
    rng = org.rng("leads")
    _arrivals(org, rng)
    queued = route_leads(org, rng)
    times, labels, autos, tz_worker = _funnel(org, rng, queued)
    hand_over(org, rng, times, labels)
    _status_events(org, times, labels, autos)
    _activity_windows(org, times, tz_worker)
    _stage_dates(org, times)
    org.lead_ids = make_ids("00Q", 150_000_000 + np.arange(org.n_leads))  # leads are sorted by time


def _arrivals(org: OrgState, rng) -> None:
    """Creation times (busy business hours, quiet weekends and holidays), people, companies and sources."""
    s = org.shape
    days = np.arange(org.start_day, org.anchor_day + 1)
    factor = np.where(is_weekday(days), 1.0, s.weekend_lead_factor)
    factor[np.isin(days, org.holidays)] = 0.3
    day = np.repeat(days, rng.poisson(s.leads_per_business_day * factor))
    local = day * DAY + rng.choice(24, size=len(day), p=LEAD_HOURS / LEAD_HOURS.sum()) * HOUR
    local = local + rng.integers(0, HOUR, len(day))
    created = org.to_utc(local.astype(float), ET)
    order = np.argsort(created, kind="stable")
    created = created[order]
    keep = created <= org.end
    created = created[keep]
    n = len(created)
    org.n_leads = n
    org.lead_created = created

    org.lead_source = rng.choice(len(LEAD_SOURCES), size=n, p=LEAD_SOURCE_P)
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(LAST_NAMES), n)
    org.lead_first = np.array(FIRST_NAMES, dtype=object)[first]
    org.lead_last = np.array(LAST_NAMES, dtype=object)[last]
    company, domain = companies(rng, n)
    org.lead_company = company
    org.lead_email = cat(ascii_names(FIRST_NAMES)[first], ".", ascii_names(LAST_NAMES)[last], "@", domain)
    org.lead_mm = rng.random(n) < s.mm_lead_share
    org.lead_employees = np.where(org.lead_mm, lognormal(rng, 450, 0.6, n, 200, 4000),
                                  lognormal(rng, 45, 0.8, n, 5, 199)).astype(np.int64)
    org.lead_industry = rng.integers(0, len(INDUSTRIES), n)


def _funnel(org: OrgState, rng, queued):
    """When each lead changes status, with the status and whether marketing automation made the change:
    lists (times, labels, autos) in the order MQL, Working, SAL, SQL, Converted, closed or recycled, and
    after a comeback re-MQL, re-SAL, closed. Also returns the time zone of the ADR who works each lead."""
    s, n, created = org.shape, org.n_leads, org.lead_created
    outbound = org.lead_source == SRC_OUTBOUND
    p_out = LEAD_SOURCE_P[SRC_OUTBOUND]

    # Marketing qualification (marketing automation, any hour).
    will_mql = ~outbound & (rng.random(n) < min(0.99, s.mql_rate / (1 - p_out)))
    instant = rng.random(n) < 0.55
    delay = np.where(instant, rng.integers(30, 900, n), np.round(lognormal(rng, 5 * DAY, 0.9, n, HOUR, 90 * DAY)))
    tM = np.where(will_mql, created + delay, np.nan)
    tM[tM > org.end] = np.nan
    mql_label = np.where(rng.random(n) < 0.15, S_MQL_ALT, S_MQL)
    sal_label = np.where(rng.random(n) < 0.2, S_SAL_ALT, S_SAL)

    # Work starts when both the lead is an MQL (or worked without MQL) and an ADR owns it.
    assigned = np.where(queued, org.ch1, created)
    ws = np.full(n, np.nan)
    is_mql = np.isfinite(tM)
    ws[is_mql] = np.maximum(tM, assigned)[is_mql]
    ws[outbound] = created[outbound]
    worked_plain = ~will_mql & ~outbound & (rng.random(n) < 0.3)
    ws[worked_plain] = (np.maximum(created, assigned) + rng.uniform(0.5, 3, n) * DAY)[worked_plain]
    ws[~np.isfinite(ws) | (ws > org.end)] = np.nan
    worker = owner_at(org, np.where(np.isfinite(ws), ws, 0))
    worker = np.where(np.isfinite(ws), worker, -9)
    tzw = tz_of(org, worker)

    # First touch: business hours after work starts (rep's own speed), or never.
    untouched = is_mql & (rng.random(n) < s.untouched_share)
    speed = org.speed[np.maximum(worker, 0)]
    touch_delay = np.where(outbound, rng.uniform(0.05, 2, n) * HOUR,
                           np.where(worked_plain, rng.uniform(0.5, 16, n) * HOUR,
                                    lognormal(rng, 1.6 * HOUR, 1.1, n, 60, 30 * BH) * speed))
    t1_local = org.cal.local(org.cal.bh(org.to_local(ws, tzw)) + np.round(touch_delay))
    t1_local[untouched | ~np.isfinite(ws) | (t1_local >= (org.anchor_day + 1) * DAY)] = np.nan
    T1 = org.to_utc(t1_local, tzw)
    touched = np.isfinite(T1)
    org.first_touch = T1

    # Outcomes after the first touch.
    p_sal = np.where(is_mql, s.sal_rate / (1 - s.untouched_share), np.where(outbound, 0.3, 0.0))
    sal = touched & (rng.random(n) < p_sal)
    work_step = touched & (~sal | (rng.random(n) < 0.4))
    tW = np.where(work_step, T1 + rng.integers(120, 900, n), np.nan)
    sal_wait = np.where(rng.random(n) < 0.4, rng.uniform(0.3, 4, n), rng.uniform(8, 32, n)) * HOUR
    tS = np.where(sal, org.bh_after(T1, tzw, sal_wait), np.nan)
    sql = sal & (rng.random(n) < s.sql_rate)
    direct = sal & ~sql & (rng.random(n) < 0.04)
    tQ = np.where(sql, org.bh_after(tS, tzw, rng.uniform(2, 12, n) * 5 / 7 * BH), np.nan)
    converted = sql & (rng.random(n) < s.convert_rate)
    tC = np.where(converted, org.bh_after(tQ, tzw, rng.uniform(1, 4, n) * BH),
                  np.where(direct, org.bh_after(tS, tzw, rng.uniform(2, 8, n) * BH), np.nan))
    r = rng.random(n)
    tX = np.full(n, np.nan)
    labX = np.full(n, S_CNC)
    autoX = np.zeros(n, bool)
    m = sql & ~converted & (r < 0.6)
    tX[m] = org.bh_after(tQ, tzw, rng.uniform(5, 20, n) * BH)[m]
    sal_only = sal & ~sql & ~direct
    m = sal_only & (r < 0.85)
    tX[m] = org.bh_after(tS, tzw, np.where(r < 0.4, rng.uniform(3, 20, n), rng.uniform(5, 25, n)) * BH)[m]
    labX[sal_only & (r >= 0.4)] = S_RECYCLED
    m = touched & ~sal & (r < 0.85)
    tX[m] = org.bh_after(T1, tzw, np.where(r < 0.45, rng.uniform(3, 15, n), rng.uniform(5, 20, n)) * BH)[m]
    labX[touched & ~sal & (r >= 0.45)] = S_RECYCLED
    m = untouched & (r < 0.7)
    tX[m] = (tM + 21 * DAY)[m]
    labX[m] = S_RECYCLED
    autoX[m] = True
    # Some recycled SALs come back: marketing re-qualifies them, an ADR accepts them again.
    comeback = sal_only & is_mql & np.isfinite(tX) & (labX == S_RECYCLED) & (rng.random(n) < 0.3)
    tM2 = np.where(comeback, tX + np.round(rng.uniform(15, 60, n) * DAY), np.nan)
    tS2 = org.bh_after(tM2, tzw, rng.uniform(2, 24, n) * HOUR)
    tX2 = np.where(rng.random(n) < 0.5, org.bh_after(tS2, tzw, rng.uniform(5, 15, n) * BH), np.nan)

    times = [tM, tW, tS, tQ, tC, tX, tM2, tS2, tX2]
    labels = [mql_label, np.full(n, S_WORKING), sal_label, np.full(n, S_SQL), np.full(n, S_CONVERTED), labX,
              mql_label, sal_label, np.full(n, S_CNC)]
    autos = [np.ones(n, bool), np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool),
             autoX, np.ones(n, bool), np.zeros(n, bool), np.zeros(n, bool)]
    return times, labels, autos, tzw


def _happened(org: OrgState, t: np.ndarray) -> np.ndarray:
    """The times that fell by the end of the anchor day; NaN for the rest."""
    return np.where(np.isfinite(t) & (t <= org.end), t, np.nan)


def _status_events(org: OrgState, times, labels, autos) -> None:
    """Status events that happened (by the end of the anchor day), in order per lead; the current status;
    the times of the first MQL, SAL, SQL, conversion and closing."""
    n = org.n_leads
    ev_lead = np.concatenate([np.arange(n)] * len(times))
    ev_t = np.concatenate(times)
    ev_label = np.concatenate(labels)
    ev_auto = np.concatenate(autos)
    ok = np.isfinite(ev_t) & (ev_t <= org.end)
    ev_lead, ev_t, ev_label, ev_auto = ev_lead[ok], ev_t[ok], ev_label[ok], ev_auto[ok]
    order = np.lexsort((ev_t, ev_lead))
    ev_lead, ev_t, ev_label, ev_auto = ev_lead[order], ev_t[order], ev_label[order], ev_auto[order]
    new_lead = np.concatenate([[True], ev_lead[1:] != ev_lead[:-1]]) if len(ev_lead) else np.zeros(0, bool)
    ev_old = np.where(new_lead, S_OPEN, np.concatenate([[S_OPEN], ev_label[:-1]]))
    org.ev = dict(lead=ev_lead, t=ev_t, new=ev_label, old=ev_old, auto=ev_auto)
    status = np.full(n, S_OPEN)
    status[ev_lead] = ev_label  # the last event of each lead wins (sorted by time)
    org.lead_status = status
    tM, _, tS, tQ, tC, tX = times[:6]
    org.tM, org.tS, org.tQ, org.tC = _happened(org, tM), _happened(org, tS), _happened(org, tQ), _happened(org, tC)
    org.tX = _happened(org, tX)


def _activity_windows(org: OrgState, times, tzw) -> None:
    """The days an ADR keeps working a lead after the first touch (and after a comeback), as (owner, day,
    lead) pairs; and the designated first touches (one completed call or email at the first touch, by the
    owner then)."""
    n, T1 = org.n_leads, org.first_touch
    tM2, tS2, tX2 = times[6:]
    stop = np.fmin(org.tC, org.tX)
    stop = np.where(np.isfinite(stop), stop, org.end + DAY)
    w1_end = np.fmin(stop, T1 + 21 * DAY)
    m2 = _happened(org, tM2)
    stop2 = np.where(np.isfinite(_happened(org, tX2)), tX2, org.end + DAY)
    w2_end = np.fmin(stop2, np.where(np.isfinite(tS2), tS2, m2) + 10 * DAY)
    w_lead = np.concatenate([np.arange(n), np.arange(n)])
    w_start = np.concatenate([T1, m2])
    w_end = np.concatenate([w1_end, w2_end])
    w_tz = np.concatenate([tzw, tzw])
    okw = np.isfinite(w_start)
    w_lead, w_start, w_end, w_tz = w_lead[okw], w_start[okw], w_end[okw], w_tz[okw]
    first_day = org.local_day(w_start, w_tz).astype(np.int64) + 1
    last_day = np.minimum(org.local_day(np.minimum(w_end, org.end + DAY), w_tz), org.anchor_day)
    rows, pday = expand_days(first_day, last_day.astype(np.int64))
    plead = w_lead[rows]
    powner = np.where(pday * DAY + 17 * HOUR < org.ch1[plead], org.o0[plead],
                      np.where(pday * DAY + 17 * HOUR < org.ch2[plead], org.o1[plead], org.o2[plead]))
    change_day1 = np.floor(org.to_local(np.where(np.isfinite(org.ch1), org.ch1, np.nan), ET) / DAY)
    change_day2 = np.floor(org.to_local(np.where(np.isfinite(org.ch2), org.ch2, np.nan), ET) / DAY)
    okp = (powner >= 0) & (change_day1[plead] != pday) & (change_day2[plead] != pday)
    okp &= pday <= org.last_day[np.maximum(powner, 0)]
    org.lead_pairs = (powner[okp], pday[okp], plead[okp])

    f = np.flatnonzero(np.isfinite(T1))
    org.first_touch_leads = f
    org.first_touch_owner = owner_at(org, T1[f], f)


def _stage_dates(org: OrgState, times) -> None:
    """Stage date fields: the owner's local date of the first time each stage was reached; conversion; the
    current owner; whether the lead's history is tracked."""
    tM2, tS2, _ = times[6:]

    def stage_day(t):
        ok = np.isfinite(t)
        owner = owner_at(org, np.where(ok, t, 0))
        return np.where(ok, org.local_day(t, tz_of(org, owner)), np.nan)

    org.mql_day = stage_day(np.fmin(org.tM, _happened(org, tM2)))
    org.sal_day = stage_day(np.fmin(org.tS, _happened(org, tS2)))
    org.sql_day = stage_day(org.tQ)
    org.converted = np.isfinite(org.tC)
    org.converted_day = stage_day(org.tC)
    org.lead_owner = np.where(np.isfinite(org.ch2), org.o2, np.where(np.isfinite(org.ch1), org.o1, org.o0))
    org.lead_history_on = org.lead_created >= org.history_cutoff
