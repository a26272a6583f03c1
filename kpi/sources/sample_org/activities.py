"""Activities: the reps' calls, emails, other tasks and open tasks (Task) and meetings (Event), day by day
through the anchor day, each tied to a lead the ADR is working or to an AE's open deal or account."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.sources.sample_org.arrays import assign, bool_text, expand_days, ids_in_order
from kpi.sources.sample_org.clock import DAY, HOUR, fmt_date, fmt_datetime
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.vocabulary import (ADR, CADENCE_CALL_SUBJECTS, CADENCE_EMAIL_SUBJECTS, CALL_SUBJECTS,
                                               CALL_TEXT_SUBJECTS, EMAIL_SUBJECTS, EMAIL_TEXT_SUBJECTS,
                                               EVENT_SUBJECTS, GENERIC_SUBJECTS, LIST_EMAIL_SUBJECTS,
                                               MEETING_TASK_SUBJECTS, OPEN_SUBJECTS, OTHER_SUBJECTS, WORK_HOURS)

CALL, EMAIL, OTHER, MEETING_TASK, OPEN = 0, 1, 2, 3, 9  # kinds of task


def activity_tables(org: OrgState) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Task and Event tables; sets `org.completed_activities` (owner and local day of every completed call,
    email and meeting)."""
    rng = org.rng("slots")
    org.completed_activities = {"owner": [], "day": []}  # completed calls, emails and meetings (for the plan)
    per = _daily_counts(org, rng)
    completed = _completed(org, rng, per)
    return _task_table(org, completed), _event_table(org, per)


def _daily_counts(org: OrgState, rng) -> dict[str, np.ndarray]:
    """Per rep and day (rep, day): calls+emails (ce), meetings (meet), other tasks, meeting tasks (mtask)."""
    per = {k: [] for k in ("rep", "day", "ce", "meet", "other", "mtask")}
    for u in np.flatnonzero(org.is_rep):
        days = np.arange(max(org.start_day, int(org.first_day[u])), min(org.anchor_day, int(org.last_day[u])) + 1)
        work = org.is_workday(days)
        wd_idx = np.flatnonzero(work)
        pto = np.zeros(len(days), bool)
        if len(wd_idx) > 40:
            pto[rng.choice(wd_idx, rng.integers(3, 9), replace=False)] = True
        on = work & ~pto
        noise = rng.gamma(30, 1 / 30, len(days))
        ramp = np.clip((days - org.hire_day[u]) / 21 + 0.3, 0.3, 1.0) if org.new_hire[u] else 1.0
        ce = np.where(on, rng.poisson(org.mu[u] * noise * ramp),
                      np.where(pto, 0, rng.choice([0, 0, 0, 1, 1, 2, 3], len(days))))
        adr = org.team[u] == ADR
        meet = np.where(on, rng.poisson(org.meet_mu[u] * noise * ramp), 0)
        other = np.where(on, rng.poisson(0.3 if adr else 0.8, len(days)), 0)
        mtask = np.where(on, rng.poisson(0.02 if adr else 0.15, len(days)), 0)
        for key, value in zip(per, (np.full(len(days), u), days, ce, meet, other, mtask)):
            per[key].append(value)
    return {k: np.concatenate(v).astype(np.int64) for k, v in per.items()}


def _expand(per, counts) -> tuple[np.ndarray, np.ndarray]:
    """(rep, day) of each of `counts` activities per row of the daily counts."""
    idx = np.repeat(np.arange(len(counts)), counts)
    return per["rep"][idx], per["day"][idx]


def _day_key(org: OrgState, owner, day):
    """One integer per (owner, day) for look-ups."""
    return owner * (org.anchor_day + 2 - org.start_day + 1) + (day - org.start_day)


def _completed(org: OrgState, rng, per):
    """Completed tasks at their times (kind, owner, local day, UTC time, lead or -1). First touches are part
    of the ADR's calls and emails that day."""
    f = org.first_touch_leads
    ft_t = org.first_touch[f]
    ft_owner = org.first_touch_owner
    ft_day = org.local_day(ft_t, org.tz[ft_owner]).astype(np.int64)
    key = _day_key(org, per["rep"], per["day"])
    ft_key = _day_key(org, ft_owner, ft_day)
    order = np.argsort(key, kind="stable")
    pos = np.searchsorted(key[order], ft_key)
    pos = np.minimum(pos, len(key) - 1)
    hit = key[order][pos] == ft_key
    designated = np.bincount(order[pos[hit]], minlength=len(key))
    ce_random = np.maximum(per["ce"] - designated, 0)

    # Calls and emails at their times of day.
    owner, day = _expand(per, ce_random)
    weekday = org.is_workday(day)
    secs = 8 * HOUR + rng.choice(10, len(day), p=WORK_HOURS / WORK_HOURS.sum()) * HOUR
    secs = secs + rng.integers(0, HOUR, len(day))
    evening = rng.random(len(day)) < org.shape.evening_share
    secs = np.where(evening, rng.integers(18 * HOUR, 23 * HOUR + 1800, len(day)), secs)
    secs = np.where(weekday, secs, rng.integers(10 * HOUR, 20 * HOUR, len(day)))
    t = org.to_utc(day * DAY + secs.astype(float), org.tz[owner])
    is_call = rng.random(len(day)) < org.call_share[owner]

    # Other tasks and meeting tasks.
    o_owner, o_day = _expand(per, per["other"])
    m_owner, m_day = _expand(per, per["mtask"])
    om_day = np.concatenate([o_day, m_day])
    om_owner = np.concatenate([o_owner, m_owner])
    om_t = org.business_time(rng, om_day, org.tz[om_owner], 8, 18)

    ft_call = rng.random(len(f)) < 0.6
    kind = np.concatenate([np.where(is_call, CALL, EMAIL), np.where(ft_call, CALL, EMAIL),
                           np.full(len(o_day), OTHER), np.full(len(m_day), MEETING_TASK)])
    return (kind, np.concatenate([owner, ft_owner, om_owner]), np.concatenate([day, ft_day, om_day]),
            np.concatenate([t, ft_t, om_t]), np.concatenate([np.full(len(day), -1), f, np.full(len(om_day), -1)]))


def _open_tasks(org: OrgState, rng, done_owner, n_done):
    """Open tasks (owner, created day, created time, due day), as many per owner as their completed work
    suggests: some overdue, some due within ten days of the anchor."""
    s = org.shape
    n_open = int(round(s.open_task_share / (1 - s.open_task_share) * n_done))
    counts = np.bincount(done_owner, minlength=org.n_users).astype(float)
    busy = np.flatnonzero(counts)
    op_owner = rng.choice(busy, n_open, p=counts[busy] / counts[busy].sum())
    back = np.minimum(np.floor(rng.exponential(8, n_open)), 150).astype(np.int64)
    op_day = np.clip(np.minimum(org.anchor_day, org.last_day[op_owner]) - back,
                     np.maximum(org.start_day, org.first_day[op_owner]), None)
    op_t = org.business_time(rng, op_day, org.tz[op_owner], 8, 18)
    op_due = np.minimum(op_day + rng.integers(0, 15, n_open), org.anchor_day + 10)
    return op_owner, op_day, op_t, op_due


def _worked_lead(org: OrgState, rng, owner, day) -> np.ndarray:
    """A lead the ADR is working that day (-1 when none)."""
    p_owner, p_day, p_lead = org.lead_pairs
    return assign(rng, _day_key(org, owner, day), _day_key(org, p_owner, p_day), p_lead)


def _what(org: OrgState, rng, owner, day, mask):
    """An open deal of the owner on that day (else one of their accounts) for the rows in mask."""
    d = org.deal
    n = len(owner)
    deal = np.full(n, -1)
    account = np.full(n, -1)
    if not mask.any():
        return deal, account
    end = np.where(d["closed"], d["close_time"], org.end)
    end = np.minimum(end, d["created"] + 150 * DAY)
    first = org.local_day(d["created"], d["tz"]).astype(np.int64) + 1
    last = np.minimum(org.local_day(end, d["tz"]), org.anchor_day).astype(np.int64)
    first = np.maximum(first, org.start_day)
    rows, pday = expand_days(first, last)
    m = np.flatnonzero(mask)
    deal[m] = assign(rng, _day_key(org, owner[m], day[m]), _day_key(org, d["owner"][rows], pday), rows)
    # Fallback: one of the owner's accounts.
    acc_owner = org.acc["owner"].astype(np.int64)
    none = m[deal[m] < 0]
    account[none] = assign(rng, owner[none], acc_owner, np.arange(len(acc_owner)))
    return deal, account


def _who_what_ids(org: OrgState, lead, deal, account) -> tuple[np.ndarray, np.ndarray]:
    """WhoId (lead) and WhatId (opportunity, else account) text; '' for none."""
    who = np.where(lead >= 0, org.lead_ids[np.maximum(lead, 0)], "")
    what = np.where(deal >= 0, org.deal_ids[np.maximum(deal, 0)],
                    np.where(account >= 0, org.account_ids[np.maximum(account, 0)], ""))
    return who, what


def _task_table(org: OrgState, completed) -> pd.DataFrame:
    """Completed and open tasks. ADR work is tied to a lead (WhoId); a few ADR calls and emails are to people
    not in the CRM (no WhoId) even when leads are available. AE work is tied to an open deal or an account."""
    kind, done_owner, done_day, done_t, who_lead = completed
    n_done = len(done_t)
    rng = org.rng("tasks")
    op_owner, op_day, op_t, op_due = _open_tasks(org, rng, done_owner, n_done)
    n_open = len(op_owner)
    owner = np.concatenate([done_owner, op_owner])
    day = np.concatenate([done_day, op_day]).astype(np.int64)
    lead = np.concatenate([who_lead, np.full(n_open, -1)])
    is_adr = org.team[owner] == ADR
    need = (lead < 0) & is_adr
    lead[need] = _worked_lead(org, rng, owner[need], day[need])
    deal, account = _what(org, rng, owner, day, ~is_adr)

    n = n_done + n_open
    k = np.concatenate([kind, np.full(n_open, OPEN)])
    subtype, typ, subject = _task_kinds(rng, k)
    opened = k == OPEN
    done_t = np.concatenate([done_t, np.full(n_open, np.nan)])
    has_completed = ~opened & (rng.random(n) < 0.9)
    completed = np.where(has_completed, done_t, np.nan)
    created = np.where(opened, np.concatenate([np.zeros(n_done), op_t]), done_t + rng.integers(3, 600, n))
    tz = org.tz[owner]
    activity_day = np.where(opened, np.concatenate([np.zeros(n_done), op_due]), org.local_day(done_t, tz))
    status = np.where(opened, np.where(rng.random(n) < 0.65, "Not Started", "In Progress"), "Completed")
    done_ce = (k == CALL) | (k == EMAIL)
    # The calls and emails on leads, timed as the engine times a touch (CompletedDateTime, else CreatedDate), for
    # the campaign members added later (`campaigns`), which must not change what is already here.
    on_lead = done_ce & (lead >= 0)
    org.lead_touches = dict(lead=lead[on_lead], t=np.where(has_completed, completed, created)[on_lead])
    org.completed_activities["owner"].append(owner[done_ce])
    org.completed_activities["day"].append(activity_day[done_ce].astype(np.int64))
    ids, order = ids_in_order("00T", created, 90_000_000, owner)
    who, what = _who_what_ids(org, lead, deal, account)
    frame = pd.DataFrame({
        "Id": ids, "OwnerId": org.user_id[owner], "WhoId": who, "WhatId": what, "Subject": subject,
        "Type": typ, "TaskSubtype": subtype, "Status": status, "IsClosed": bool_text(~opened),
        "ActivityDate": fmt_date(activity_day), "CompletedDateTime": fmt_datetime(completed),
        "CreatedDate": fmt_datetime(created)})
    return frame.iloc[order].reset_index(drop=True)


def _task_kinds(rng, k) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """TaskSubtype, Type and Subject of tasks of kinds `k`, in the many ways orgs record calls and emails."""
    n = len(k)
    subtype = np.full(n, "Task", dtype=object)
    typ = np.full(n, "", dtype=object)
    subject = np.full(n, "", dtype=object)
    u = rng.random(n)

    def pick(options, size):
        return np.array(options, dtype=object)[rng.integers(0, len(options), size)]

    generic = pick(GENERIC_SUBJECTS, n)
    # Calls: Call subtype (Type blank or 'Call'), Task+Type Call, Task+subject 'Call...', Cadence+Type Call.
    call = k == CALL
    style = np.select([u < 0.55, u < 0.75, u < 0.85, u < 0.95], [0, 1, 2, 3], 4)
    subtype[call] = np.select([style[call] <= 1, style[call] == 4], ["Call", "Cadence"], "Task")
    typ[call] = np.where(np.isin(style[call], (1, 2, 4)), "Call", "")
    subject[call] = np.select([style[call] <= 1, style[call] == 2, style[call] == 3],
                              [pick(CALL_SUBJECTS, n)[call], generic[call], pick(CALL_TEXT_SUBJECTS, n)[call]],
                              pick(CADENCE_CALL_SUBJECTS, n)[call])
    # Emails: Email subtype (Type blank or 'Email'), ListEmail, Task+Type Email, Task+subject, Cadence.
    email = k == EMAIL
    es = np.select([u < 0.45, u < 0.60, u < 0.75, u < 0.85, u < 0.95], [0, 1, 2, 3, 4], 5)[email]
    subtype[email] = np.select([es <= 1, es == 2, es == 5], ["Email", "ListEmail", "Cadence"], "Task")
    typ[email] = np.where(np.isin(es, (1, 3, 5)), "Email", "")
    subject[email] = np.select([es <= 1, es == 2, es == 3, es == 4],
                               [pick(EMAIL_SUBJECTS, n)[email], pick(LIST_EMAIL_SUBJECTS, n)[email],
                                generic[email], pick(EMAIL_TEXT_SUBJECTS, n)[email]],
                               pick(CADENCE_EMAIL_SUBJECTS, n)[email])
    other = k == OTHER
    typ[other] = np.where(u[other] < 0.8, "Other", "")
    subject[other] = pick(OTHER_SUBJECTS, n)[other]
    meeting = k == MEETING_TASK
    typ[meeting] = "Meeting"
    subject[meeting] = pick(MEETING_TASK_SUBJECTS, n)[meeting]
    opened = k == OPEN
    subtype[opened] = np.select([u[opened] < 0.6, u[opened] < 0.85], ["Task", "Call"], "Email")
    typ[opened] = np.where(subtype[opened] == "Task",
                           np.select([u[opened] < 0.25, u[opened] < 0.5], ["Call", "Email"], ""), "")
    subject[opened] = pick(OPEN_SUBJECTS, n)[opened]
    return subtype, typ, subject


def _event_table(org: OrgState, per) -> pd.DataFrame:
    """Meetings (AEs mostly, a few ADR meetings with leads): at most seven a day, each in its own hour
    (08:00-19:59, evenings rare), so meetings never overlap; booked up to ten days ahead (a new hire's not
    before 08:00 on the hire day)."""
    rng = org.rng("events")
    meets = np.minimum(per["meet"], 7)
    owner, day = _expand(per, meets)
    n = len(day)
    group = np.repeat(np.arange(len(meets)), meets)
    rank = np.arange(n) - np.repeat(np.cumsum(meets) - meets, meets)
    slot_weight = np.array([0.5, 1, 1, 1, 0.5, 1, 1, 1, 0.8, 0.5, 0.06, 0.04])
    race = -np.log(rng.random((len(meets), len(slot_weight)))) / slot_weight  # weighted, no replacement
    hour = 8 + np.argsort(race, axis=1, kind="stable")[group, rank]
    minutes = rng.choice([30, 45, 60], n, p=[0.5, 0.2, 0.3])
    offset = np.where(minutes == 60, 0, np.where(minutes == 45, rng.choice([0, 15], n),
                                                 rng.choice([0, 15, 30], n)))
    start_secs = hour * HOUR + offset * 60
    start = org.to_utc(day * DAY + start_secs.astype(float), org.tz[owner])
    org.completed_activities["owner"].append(owner)
    org.completed_activities["day"].append(day.astype(np.int64))
    adr = org.team[owner] == ADR
    lead = np.full(n, -1)
    lead[adr] = _worked_lead(org, rng, owner[adr], day[adr])
    deal, account = _what(org, rng, owner, day, ~adr)
    created = start - np.round(rng.uniform(0.02, 10, n) * DAY)
    created = np.maximum(created, org.to_utc(org.first_day[owner] * DAY + 8.0 * HOUR, org.tz[owner]))  # hires

    ids, order = ids_in_order("00U", created, 20_000_000, owner)
    who, what = _who_what_ids(org, lead, deal, account)
    subject = np.array(EVENT_SUBJECTS, dtype=object)[rng.integers(0, len(EVENT_SUBJECTS), n)]
    subject = np.where(org.team[owner] == ADR, "Discovery call", subject)
    frame = pd.DataFrame({
        "Id": ids, "OwnerId": org.user_id[owner], "WhoId": who, "WhatId": what, "Subject": subject,
        "Type": np.where(rng.random(n) < 0.7, "Meeting", ""),
        "StartDateTime": fmt_datetime(start), "EndDateTime": fmt_datetime(start + minutes * 60.0),
        "DurationInMinutes": minutes, "ActivityDate": fmt_date(day), "CreatedDate": fmt_datetime(created)})
    return frame.iloc[order].reset_index(drop=True)
