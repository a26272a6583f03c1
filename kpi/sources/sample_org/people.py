"""The org's users: who they are, their teams and time zones, when they worked, how busy and how good each
rep is, and the AEs' quotas and attainment targets."""

from __future__ import annotations

from datetime import date

import numpy as np

from kpi.ids import make_ids
from kpi.sources.sample_org.arrays import ascii_names, cat, round100
from kpi.sources.sample_org.clock import DAY, ET, HOUR, PT, epoch_day, month_starts
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.vocabulary import ADR, DOMAIN, FIRST_NAMES, LAST_NAMES, MM, SMB


def add_people(org: OrgState) -> None:
    """Set the user arrays on `org` (one row per user, in id order)."""
    rng = org.rng("users")
    _roster(org)
    _names(org, rng)
    _time_zones(org, rng)
    _employment(org, rng)
    _behaviour(org, rng)
    _quotas(org, rng)
    _departures(org)


def no_quota_revenue(org: OrgState) -> float:
    """The goals-file quarterly revenue target of the mid-market AE without ForecastingQuota."""
    return 360_000.0 * org.shape.quota_scale


RAMP = (0.5, 0.75)  # a new hire's quota share in their first and second full month (then 1.0)


def ramp_months(org: OrgState, u: int, q: int) -> list[tuple[int, float]]:
    """A new hire's quota months in quarter q: (month of the quarter 0-2, share of a full month's quota) for
    each month that starts after the hire day (the hire month itself carries no quota)."""
    starts = month_starts(org.quarters)
    after = [(q2, i) for q2, months in enumerate(starts) for i, day in enumerate(months) if day > org.hire_day[u]]
    return [(i, RAMP[k] if k < len(RAMP) else 1.0) for k, (q2, i) in enumerate(after) if q2 == q]


def _roster(org: OrgState) -> None:
    """Who is who: kind, team and role of each user; User ids depend only on the position."""
    s = org.shape
    people = []  # in id order; kind: vp, manager, rep, auto (Automated Process), mops (Marketing Ops)

    def add(kind, team, role, **extra):
        people.append(dict(kind=kind, team=team, role=role, **extra))

    add("vp", -1, "VP Inside Sales")
    for team, role in ((ADR, "ADR Manager"), (SMB, "SMB Manager"), (MM, "Mid-Market Manager")):
        add("manager", team, role)
    for i in range(s.adrs):
        add("rep", ADR, "ADR", pos=i)
    if s.departure is not None:
        add("rep", ADR, "ADR", pos=s.adrs, departed=True)
    for i in range(s.smb_reps):
        hired = s.new_hire_weeks is not None and i == s.smb_reps - 1 and s.smb_reps > 1
        add("rep", SMB, "SMB Account Manager", pos=i, hire_weeks=s.new_hire_weeks if hired else None)
    for i in range(s.mm_reps):  # the second-to-last AE is the hire: the last one has no ForecastingQuota
        hired = s.mm_hire_weeks is not None and i == s.mm_reps - 2 and s.mm_reps > 2
        add("rep", MM, "Mid-Market AE", pos=i, no_quota=(i == s.mm_reps - 1 and s.mm_reps > 1),
            hire_weeks=s.mm_hire_weeks if hired else None)
    add("auto", -1, None)
    add("mops", -1, None)
    n = len(people)
    org.n_users = n
    org.user_id = make_ids("005", 4_100_000 + np.arange(n))
    org.team = np.array([p["team"] for p in people])
    org.role = np.array([p["role"] for p in people], dtype=object)
    org.pos = np.array([p.get("pos", -1) for p in people])
    org.departed = np.array([p.get("departed", False) for p in people])
    org.hire_weeks = np.array([p.get("hire_weeks") or 0 for p in people])
    org.new_hire = np.array([p.get("hire_weeks") is not None for p in people])
    org.no_quota = np.array([p.get("no_quota", False) for p in people])
    org.is_rep = np.array([p["kind"] for p in people], dtype=object) == "rep"
    org.vp = 0
    org.manager_of = {t: 1 + t for t in (ADR, SMB, MM)}
    org.auto_user = n - 2
    org.mops_user = n - 1


def _names(org: OrgState, rng) -> None:
    """Unique first/last combinations drawn per seed; the two system users are fixed."""
    named = org.n_users - 2
    combo = rng.choice(len(FIRST_NAMES) * len(LAST_NAMES), size=named, replace=False)
    first = np.array(FIRST_NAMES, dtype=object)[combo // len(LAST_NAMES)]
    last = np.array(LAST_NAMES, dtype=object)[combo % len(LAST_NAMES)]
    org.first_name = np.concatenate([first, ["", "Marketing"]]).astype(object)
    org.last_name = np.concatenate([last, ["Automated Process", "Ops"]]).astype(object)
    org.full_name = np.where(org.first_name == "", org.last_name,
                             cat(org.first_name, " ", org.last_name)).astype(object)
    email = cat(ascii_names(org.first_name), ".", ascii_names(org.last_name), "@", DOMAIN)
    email[org.auto_user] = ""
    org.email = email
    org.username = np.where(email == "", "autoproc@00d5g000004brightpath.org", email).astype(object)


def _time_zones(org: OrgState, rng) -> None:
    """Each team mixes New York and Los Angeles."""
    tz = np.zeros(org.n_users, np.int8)
    tz[[1, 3]] = ET
    tz[2] = PT
    tz[org.auto_user] = PT
    for t in (ADR, SMB, MM):
        members = np.flatnonzero(org.is_rep & (org.team == t))
        n_pt = max(1, int(round(0.4 * len(members)))) if len(members) > 1 else 0
        zones = np.zeros(len(members), np.int8)
        zones[:n_pt] = PT
        tz[members] = rng.permutation(zones)
    org.tz = tz


def _employment(org: OrgState, rng) -> None:
    """First and last working day, the new hires' start, and when each User record was created."""
    s, n = org.shape, org.n_users
    org.first_day = np.full(n, org.warm_day - 400)
    org.last_day = np.full(n, org.anchor_day)
    created_day = rng.integers(epoch_day(date(2023, 6, 1)), epoch_day(date(2026, 2, 20)), n)
    created_day[: 4] = rng.integers(epoch_day(date(2022, 3, 1)), epoch_day(date(2023, 5, 1)), 4)
    created_day[[org.auto_user, org.mops_user]] = epoch_day(date(2022, 1, 10))
    hire = org.anchor_day - 7 * org.hire_weeks[org.new_hire]
    org.first_day[org.new_hire] = hire
    created_day[org.new_hire] = hire - 1
    # Reps whose User record was made inside the data's span: they took over a book (the records before their
    # day stand for it), and their first months give the ramp curves something to be the median of.
    for team, pos, day in s.book_takeovers:
        rep = np.flatnonzero(org.is_rep & (org.team == team) & (org.pos == pos) & ~org.new_hire & ~org.departed)
        created_day[rep] = epoch_day(day)
    org.hire_day = org.first_day.copy()
    if org.departed.any():
        org.last_day[org.departed] = epoch_day(s.departure)
    org.active = ~org.departed
    created = created_day * DAY + rng.integers(14 * HOUR, 23 * HOUR, n)
    org.user_created = created.astype(float)


def _behaviour(org: OrgState, rng) -> None:
    """Per rep: busy-ness (calls+emails per business day), call share, speed to lead, meetings and pace."""
    n, team = org.n_users, org.team
    adr_mu = np.array([74, 68, 64, 61, 57, 54, 51, 48], float)
    adr_call = np.array([0.58, 0.57, 0.56, 0.54, 0.55, 0.52, 0.55, 0.50])
    adr_speed = np.array([0.6, 0.9, 0.8, 1.2, 1.0, 1.5, 2.2, 1.1])
    smb_mu = np.array([24, 20, 22, 18, 26, 16, 21, 19], float)
    mm_mu = np.array([18, 15, 20, 14, 17, 16], float)
    smb_meet = np.array([2.6, 1.8, 2.2, 2.0, 3.0, 1.6, 2.4, 1.5])
    mm_meet = np.array([3.2, 2.0, 2.8, 2.4, 3.0, 2.2])
    pace_cycle = np.array([1.1, 0.95, 1.0, 0.85, 1.15, 0.9, 1.05])
    org.mu = np.zeros(n)
    org.call_share = np.full(n, 0.5)
    org.speed = np.ones(n)
    org.meet_mu = np.zeros(n)
    org.pace = np.ones(n)
    jitter = rng.uniform(-1, 1, n)
    for u in np.flatnonzero(org.is_rep):
        p = org.pos[u]
        if team[u] == ADR:
            org.mu[u] = adr_mu[p % 8] + jitter[u] * (1.5 if p < 8 else 3.0)
            org.call_share[u] = adr_call[p % 8]
            org.speed[u] = adr_speed[p % 8]
            org.meet_mu[u] = 0.15
            if org.departed[u]:
                org.mu[u], org.speed[u] = 56.0, 1.3
        else:
            mus, meets = (smb_mu, smb_meet) if team[u] == SMB else (mm_mu, mm_meet)
            org.mu[u] = mus[p % len(mus)] + jitter[u] * (0.5 if p < len(mus) else 2.0)
            org.meet_mu[u] = meets[p % len(meets)]
            org.call_share[u] = 0.5 + 0.05 * jitter[u]
            ahead, behind = (1.45, 0.45) if team[u] == SMB else (1.35, 0.40)
            org.pace[u] = (ahead if p == 0 else behind if p == 1
                           else pace_cycle[(p - 2) % len(pace_cycle)] + (0.05 * jitter[u] if p >= 9 else 0))
            if org.new_hire[u]:
                org.pace[u] = 0.6
    org.adrs = np.flatnonzero(org.is_rep & (team == ADR))
    org.aes = np.flatnonzero(org.is_rep & (team != ADR))


def _quotas(org: OrgState, rng) -> None:
    """Quotas per AE and quarter (the AE without one: the goals file's revenue row carries the same figure),
    and attainment targets for the earlier quarters."""
    n, team, n_q = org.n_users, org.team, len(org.quarters)
    org.quota = np.full((n, n_q), np.nan)
    base = np.where(team == SMB, round100(rng.uniform(125_000, 150_000, n) / 50) * 50,
                    round100(rng.uniform(310_000, 390_000, n) / 100) * 100) * org.shape.quota_scale
    growth = 1.0 + 0.03 * np.arange(n_q)
    for u in org.aes:
        org.quota[u] = np.round(base[u] * growth / 1000) * 1000
        if org.new_hire[u]:  # ramped: the months after the hire month, at 50%, 75%, then 100% of a full month
            for q in range(n_q):
                shares = sum(share for _, share in ramp_months(org, u, q))
                org.quota[u, q] = np.round(org.quota[u, q] / 3 * shares / 100) * 100 if shares else np.nan
    # Attainment targets in the earlier quarters (whole quarter), loosely following the rep's form.
    org.attain = np.clip(0.4 + 0.6 * org.pace[:, None] + rng.normal(0, 0.1, (n, n_q)), 0.55, 1.6)


def _departures(org: OrgState) -> None:
    """When a leaver leaves (17:30 local on the last day); leads stop being routed to them two weeks before."""
    org.leave_utc = np.full(org.n_users, np.inf)
    if org.departed.any():
        u = np.flatnonzero(org.departed)
        org.leave_utc[u] = org.to_utc(org.last_day[u] * DAY + 17.5 * HOUR, org.tz[u])
    org.route_until = np.where(org.departed, (org.last_day - 14) * DAY, np.inf)
