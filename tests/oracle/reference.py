"""Naive reference implementation of the `summary` foundation keys.

Written straight from /work/shared/DESIGN.md ("Canonical tables", "Default meanings",
"Command line contract") without looking at the engine in kpi/.  Standard library only;
plain loops over rows.  It reads a folder of Data Loader-style CSV files (the sample org).

Usage:
    org = load_org(folder)
    doc = summary(org, date(2026, 11, 24), fiscal_start=1)

Readings taken where DESIGN.md needs one (each is marked "READING" below):
  * A record created after the end of the as-of day is ignored; this includes User records
    (a user created after the as-of day is not a rep yet).
  * The owner of a lead at a moment is found from all of the lead's 'Owner' EntityId history
    rows, including rows written after the as-of day: such a row's OldValue *is* the owner the
    lead had at the end of the as-of day ("where no history says what a field was then, its
    current value stands" - here history does say it).
  * Stage day: the first reach datetime in the time zone of the owner credited with it
    (the owner at that moment); a stage known only by a date field is on that date, and its
    "moment" is the end of that day in the lead's current owner's time zone (project decision).
  * "Ownership" that makes a user a rep is judged in the as-of view (records that existed at
    the end of the as-of day, leads credited to their owner at that time).
"""
from __future__ import annotations

import csv
import os
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc

MQL = {"mql", "marketing qualified"}
SAL = {"sal", "sales accepted", "accepted"}
SQL = {"sql", "sales qualified", "qualified"}
STAGES = {"MQL": MQL, "SAL": SAL, "SQL": SQL}
# READING (see module docstring): DESIGN.md "As of" says records created after the as-of day are
# ignored; a User record is a record, so a user created after the as-of day is not listed.
IGNORE_USERS_CREATED_AFTER_AS_OF = True

STAGE_FIELD = {"MQL": "MQL_Date__c", "SAL": "SAL_Date__c", "SQL": "SQL_Date__c"}

KEYS = [
    "calls_today", "emails_today", "meetings_today", "activities_today",
    "calls_target_day", "activities_week",
    "sal_week", "sal_goal_week", "sql_week", "sql_goal_week",
    "sal_month", "sal_goal_month", "sql_month", "sql_goal_month",
    "revenue_qtd", "quota_quarter", "attainment", "pace", "projection", "coverage",
    "win_rate",
]
COUNT_KEYS = [
    "calls_today", "emails_today", "meetings_today", "activities_today",
    "activities_week", "sal_week", "sql_week", "sal_month", "sql_month",
]
TARGET_KEYS = [
    "calls_target_day", "sal_goal_week", "sql_goal_week", "sal_goal_month",
    "sql_goal_month",
]
FLOAT_KEYS = ["revenue_qtd", "quota_quarter", "attainment", "pace", "projection",
              "coverage", "win_rate"]


# --------------------------------------------------------------------------- parsing

def read_csv(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        out = []
        for row in csv.DictReader(fh):
            out.append({k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()})
        return out


def blank(v):
    return v is None or v == ""


def parse_dt(v):
    """'2026-11-24T14:03:11.000Z' -> aware UTC datetime; '' -> None."""
    if blank(v):
        return None
    s = v
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    d = datetime.fromisoformat(s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=UTC)
    return d.astimezone(UTC)


def parse_date(v):
    if blank(v):
        return None
    return date.fromisoformat(v[:10])


def parse_bool(v):
    return (v or "").strip().lower() == "true"


def parse_num(v):
    if blank(v):
        return None
    return float(v)


def load_org(folder):
    j = lambda name: os.path.join(folder, name)
    return {
        "User": read_csv(j("User.csv")),
        "UserRole": read_csv(j("UserRole.csv")),
        "has_userrole": os.path.exists(j("UserRole.csv")),
        "Task": read_csv(j("Task.csv")),
        "Event": read_csv(j("Event.csv")),
        "Lead": read_csv(j("Lead.csv")),
        "LeadHistory": read_csv(j("LeadHistory.csv")),
        "Opportunity": read_csv(j("Opportunity.csv")),
        "OpportunityFieldHistory": read_csv(j("OpportunityFieldHistory.csv")),
        "ForecastingQuota": read_csv(j("ForecastingQuota.csv")),
        "goals": read_csv(j("goals.csv")),
    }


# --------------------------------------------------------------------------- calendar

def fiscal_quarter(as_of, fiscal_start=1):
    """Return (label, first day, last day) of the fiscal quarter containing as_of."""
    offset = (as_of.month - fiscal_start) % 12          # months since fiscal year start
    qnum = offset // 3 + 1
    # first month of the fiscal year that contains as_of
    fy_start_year = as_of.year if as_of.month >= fiscal_start else as_of.year - 1
    # the fiscal year is named by the calendar year in which it ends
    fy_end_year = fy_start_year if fiscal_start == 1 else fy_start_year + 1
    start_month_index = (fiscal_start - 1) + (qnum - 1) * 3   # months from Jan of fy_start_year
    q_start = date(fy_start_year + start_month_index // 12, start_month_index % 12 + 1, 1)
    end_index = start_month_index + 3
    q_next = date(fy_start_year + end_index // 12, end_index % 12 + 1, 1)
    q_end = q_next - timedelta(days=1)
    return f"FY{fy_end_year} Q{qnum}", q_start, q_end


def business_days(first, last):
    n = 0
    d = first
    while d <= last:
        if d.weekday() < 5:
            n += 1
        d += timedelta(days=1)
    return n


def activity_day(row, done_field, tzname):
    """DESIGN: the done time (Task CompletedDateTime, Event StartDateTime) in the owner's zone, else
    ActivityDate, else CreatedDate in the owner's zone."""
    done = parse_dt(row.get(done_field))
    if done is not None:
        return day_in(done, tzname)
    if not blank(row.get("ActivityDate")):
        return parse_date(row.get("ActivityDate"))
    created = parse_dt(row.get("CreatedDate"))
    return day_in(created, tzname) if created else None


def day_in(dt_utc, tzname):
    return dt_utc.astimezone(ZoneInfo(tzname)).date()


def end_of_day_utc(d, tzname):
    """The last instant of calendar day d in zone tzname, as UTC (start of next day, exclusive)."""
    nxt = datetime.combine(d + timedelta(days=1), time(0, 0), tzinfo=ZoneInfo(tzname))
    return nxt.astimezone(UTC)


# --------------------------------------------------------------------------- helpers

def activity_kind_task(t):
    """call / email / meeting / None for a Task row, per DESIGN 'Activity kind'."""
    sub = (t.get("TaskSubtype") or "").strip().lower()
    if sub == "call":
        return "call"
    if sub in ("email", "listemail"):
        return "email"
    typ = (t.get("Type") or "").strip().lower()
    if typ == "call":
        return "call"
    if typ == "email":
        return "email"
    if typ == "meeting":
        return "meeting"
    subj = (t.get("Subject") or "").lower()
    if subj.startswith("call"):
        return "call"
    if subj.startswith("email"):
        return "email"
    return None


def task_completed(t):
    return (t.get("Status") or "").strip().lower() == "completed" or parse_bool(t.get("IsClosed"))


def num_out(v):
    """Targets: print as int when integral (JSON), else float; None stays None."""
    if v is None:
        return None
    if float(v).is_integer():
        return int(v)
    return float(v)


def div(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


# --------------------------------------------------------------------------- main

def summary(org, as_of, fiscal_start=1):
    if isinstance(as_of, str):
        as_of = date.fromisoformat(as_of)

    users = {u["Id"]: u for u in org["User"]}
    tz_of = {uid: (u.get("TimeZoneSidKey") or "UTC") for uid, u in users.items()}

    def tz(uid):
        return tz_of.get(uid) or "UTC"

    def created_after_asof(created_value, owner_id):
        c = parse_dt(created_value)
        if c is None:
            return False
        return day_in(c, tz(owner_id)) > as_of

    label, q_start, q_end = fiscal_quarter(as_of, fiscal_start)
    week_start = as_of - timedelta(days=as_of.weekday())
    month_start = as_of.replace(day=1)

    # ---------------- roles
    role_name = {r["Id"]: r["Name"] for r in org["UserRole"]}

    def role_of(u):
        if org["has_userrole"]:
            rid = u.get("UserRoleId") or ""
            return role_name.get(rid) if rid else None
        return u.get("Title") or None

    # ---------------- goals: which rows name which user
    goals = org["goals"]

    def goal_rows_naming(u, include_star):
        """(tier, row) for each goal row that applies to user u; tier 2=Id/email, 1=role, 0=*"""
        uid = u["Id"]
        email = (u.get("Email") or "").lower()
        role = role_of(u)
        out = []
        for g in goals:
            owner = (g.get("owner") or "").strip()
            if owner == "*":
                if include_star:
                    out.append((0, g))
            elif owner == uid or (len(owner) == 15 and owner == uid[:15]):
                out.append((2, g))
            elif email and owner.lower() == email:
                out.append((2, g))
            elif role is not None and owner == role:
                out.append((1, g))
        return out

    def goal_for(u, metric, period):
        best_tier = -1
        best = None
        for tier, g in goal_rows_naming(u, True):
            if (g.get("metric") or "").strip().lower() != metric:
                continue
            if (g.get("period") or "").strip().lower() != period:
                continue
            if blank(g.get("target")):
                continue
            if tier > best_tier:
                best_tier = tier
                best = float(g["target"])
        return best

    # ---------------- as-of views of the records
    tasks = [t for t in org["Task"] if not created_after_asof(t.get("CreatedDate"), t.get("OwnerId"))]
    events = [e for e in org["Event"] if not created_after_asof(e.get("CreatedDate"), e.get("OwnerId"))]
    opps = [o for o in org["Opportunity"] if not created_after_asof(o.get("CreatedDate"), o.get("OwnerId"))]

    # Deals as they stood at the end of the as-of day (owner's zone): a field's value then is the OldValue of its
    # first OpportunityFieldHistory row at or after that moment, else its current value; a stage then that is
    # not the current one says whether the deal was closed and won then.
    changes_of = {}
    for h in org["OpportunityFieldHistory"]:
        changes_of.setdefault(h["OpportunityId"], []).append(h)

    def as_it_stood(o):
        moment = end_of_day_utc(as_of, tz(o.get("OwnerId")))
        later = sorted((h for h in changes_of.get(o["Id"], []) if parse_dt(h["CreatedDate"]) >= moment),
                       key=lambda h: parse_dt(h["CreatedDate"]))
        then = dict(o)
        for field in ("StageName", "Amount", "CloseDate"):
            first = next((h for h in later if h["Field"] == field), None)
            if first is not None:
                then[field] = first["OldValue"]
        if then.get("StageName") != o.get("StageName"):
            stage = then.get("StageName") or ""
            then["IsClosed"] = str(stage.startswith("Closed")).lower()
            then["IsWon"] = str(stage == "Closed Won").lower()
        return then

    opps = [as_it_stood(o) for o in opps]
    leads = [l for l in org["Lead"] if not created_after_asof(l.get("CreatedDate"), l.get("OwnerId"))]

    # lead history, grouped per lead
    hist_by_lead = {}
    for h in org["LeadHistory"]:
        hist_by_lead.setdefault(h.get("LeadId"), []).append(h)

    def owner_at(lead, moment):
        """OldValue of the first 'Owner' EntityId row after moment, else current OwnerId."""
        rows = []
        for h in hist_by_lead.get(lead["Id"], []):
            if h.get("Field") != "Owner" or h.get("DataType") != "EntityId":
                continue
            c = parse_dt(h.get("CreatedDate"))
            if c is not None and c > moment:
                rows.append((c, h))
        if rows:
            rows.sort(key=lambda x: x[0])
            return rows[0][1].get("OldValue") or None
        return lead.get("OwnerId") or None

    # stage credits: list of (stage, day, owner_id)
    credits = []
    for lead in leads:
        cur_owner = lead.get("OwnerId")
        status_rows = []
        for h in hist_by_lead.get(lead["Id"], []):
            if h.get("Field") != "Status":
                continue
            c = parse_dt(h.get("CreatedDate"))
            if c is None:
                continue
            status_rows.append((c, (h.get("NewValue") or "").strip().lower()))
        for stage, values in STAGES.items():
            reached = [c for c, nv in status_rows if nv in values]
            owner = None
            day = None
            found = False
            if reached:
                moment = min(reached)
                owner = owner_at(lead, moment)
                # history rows written after the end of the as-of day are ignored
                zone = tz(owner) if owner in users else tz(cur_owner)
                if moment < end_of_day_utc(as_of, zone):
                    day = day_in(moment, zone)
                    found = True
            if not found:
                d = parse_date(lead.get(STAGE_FIELD[stage]))
                if d is None and stage == "SQL" and parse_bool(lead.get("IsConverted")):
                    d = parse_date(lead.get("ConvertedDate"))
                if d is not None:
                    moment = end_of_day_utc(d, tz(cur_owner))
                    owner = owner_at(lead, moment)
                    day = d
                    found = True
            if found and day <= as_of:
                credits.append((stage, day, owner))

    # ---------------- who is a rep
    managers = {u.get("ManagerId") for u in users.values() if not blank(u.get("ManagerId"))}

    owners = set()
    for t in tasks:
        owners.add(t.get("OwnerId"))
    for e in events:
        owners.add(e.get("OwnerId"))
    for o in opps:
        owners.add(o.get("OwnerId"))
    for lead in leads:
        owners.add(owner_at(lead, end_of_day_utc(as_of, tz(lead.get("OwnerId")))))
    quota_owners = {q.get("QuotaOwnerId") for q in org["ForecastingQuota"]}

    reps = []
    for uid, u in users.items():
        if not parse_bool(u.get("IsActive")):
            continue
        if (u.get("UserType") or "Standard") != "Standard":
            continue
        if uid in managers:
            continue
        if IGNORE_USERS_CREATED_AFTER_AS_OF and created_after_asof(u.get("CreatedDate"), uid):
            continue  # READING: the user record did not exist yet
        has_goal = bool(goal_rows_naming(u, False))
        if uid in owners or uid in quota_owners or has_goal:
            reps.append(u)
    reps.sort(key=lambda u: (u.get("Name") or "", u["Id"]))

    # ---------------- per-rep accumulators
    acc = {}
    for u in reps:
        acc[u["Id"]] = {
            "calls_today": 0, "emails_today": 0, "meetings_today": 0,
            "activities_week": 0,
            "sal_week": 0, "sql_week": 0, "sal_month": 0, "sql_month": 0,
            "won": 0.0, "won_n": 0, "closed_n": 0, "open_pipe": 0.0,
        }

    def count_activity(owner, kind, day):
        if owner not in acc or kind is None or day is None:
            return
        a = acc[owner]
        if day == as_of:
            a[{"call": "calls_today", "email": "emails_today", "meeting": "meetings_today"}[kind]] += 1
        if week_start <= day <= as_of:
            a["activities_week"] += 1

    for t in tasks:
        if not task_completed(t):
            continue
        kind = activity_kind_task(t)
        if kind is None:
            continue
        owner = t.get("OwnerId")
        if owner not in acc:
            continue
        count_activity(owner, kind, activity_day(t, "CompletedDateTime", tz(owner)))

    for e in events:
        owner = e.get("OwnerId")
        if owner not in acc:
            continue
        count_activity(owner, "meeting", activity_day(e, "StartDateTime", tz(owner)))

    for stage, day, owner in credits:
        if owner is None or owner.startswith("00G") or owner not in acc:
            continue
        if stage not in ("SAL", "SQL"):
            continue
        key = stage.lower()
        if week_start <= day <= as_of:
            acc[owner][key + "_week"] += 1
        if month_start <= day <= as_of:
            acc[owner][key + "_month"] += 1

    for o in opps:
        owner = o.get("OwnerId")
        if owner not in acc:
            continue
        cd = parse_date(o.get("CloseDate"))
        if cd is None:
            continue
        amount = parse_num(o.get("Amount")) or 0.0
        closed = parse_bool(o.get("IsClosed"))
        won = parse_bool(o.get("IsWon"))
        a = acc[owner]
        if won and q_start <= cd <= as_of:
            a["won"] += amount
        if closed and q_start <= cd <= as_of:
            a["closed_n"] += 1
            if won:
                a["won_n"] += 1
        if not closed and as_of <= cd <= q_end:
            a["open_pipe"] += amount

    # quota
    def quota_for(u):
        total = None
        for q in org["ForecastingQuota"]:
            if q.get("QuotaOwnerId") != u["Id"]:
                continue
            if parse_bool(q.get("IsQuantity")):
                continue
            sd = parse_date(q.get("StartDate"))
            if sd is None or not (q_start <= sd <= q_end):
                continue
            amt = parse_num(q.get("QuotaAmount"))
            if amt is None:
                continue
            total = (total or 0.0) + amt
        if total is None:
            total = goal_for(u, "revenue", "quarter")
        return total

    elapsed = div(business_days(q_start, as_of), business_days(q_start, q_end))
    if elapsed == 0:
        elapsed = None

    def money_block(won, quota, open_pipe, won_n, closed_n):
        attainment = div(won, quota)
        return {
            "revenue_qtd": float(won),
            "quota_quarter": None if quota is None else float(quota),
            "attainment": attainment,
            "pace": div(attainment, elapsed),
            "projection": div(won, elapsed),
            "coverage": (None if quota is None or won >= quota
                         else open_pipe / (quota - won)),
            "win_rate": div(won_n, closed_n),
        }

    rep_rows = []
    team_sum = {k: 0 for k in COUNT_KEYS}
    team_targets = {k: None for k in TARGET_KEYS}
    t_won = 0.0
    t_quota = None
    t_pipe = 0.0
    t_won_n = 0
    t_closed_n = 0
    for u in reps:
        a = acc[u["Id"]]
        row = {"id": u["Id"], "name": u.get("Name")}
        row["calls_today"] = a["calls_today"]
        row["emails_today"] = a["emails_today"]
        row["meetings_today"] = a["meetings_today"]
        row["activities_today"] = a["calls_today"] + a["emails_today"] + a["meetings_today"]
        row["calls_target_day"] = num_out(goal_for(u, "calls", "day"))
        row["activities_week"] = a["activities_week"]
        row["sal_week"] = a["sal_week"]
        row["sal_goal_week"] = num_out(goal_for(u, "sal", "week"))
        row["sql_week"] = a["sql_week"]
        row["sql_goal_week"] = num_out(goal_for(u, "sql", "week"))
        row["sal_month"] = a["sal_month"]
        row["sal_goal_month"] = num_out(goal_for(u, "sal", "month"))
        row["sql_month"] = a["sql_month"]
        row["sql_goal_month"] = num_out(goal_for(u, "sql", "month"))
        quota = quota_for(u)
        row.update(money_block(a["won"], quota, a["open_pipe"], a["won_n"], a["closed_n"]))
        rep_rows.append(row)

        for k in COUNT_KEYS:
            team_sum[k] += row[k]
        for k in TARGET_KEYS:
            if row[k] is not None:
                team_targets[k] = (team_targets[k] or 0) + row[k]
        t_won += a["won"]
        if quota is not None:
            t_quota = (t_quota or 0.0) + quota
        t_pipe += a["open_pipe"]
        t_won_n += a["won_n"]
        t_closed_n += a["closed_n"]

    team = {}
    team["calls_today"] = team_sum["calls_today"]
    team["emails_today"] = team_sum["emails_today"]
    team["meetings_today"] = team_sum["meetings_today"]
    team["activities_today"] = team_sum["calls_today"] + team_sum["emails_today"] + team_sum["meetings_today"]
    team["calls_target_day"] = num_out(team_targets["calls_target_day"])
    team["activities_week"] = team_sum["activities_week"]
    team["sal_week"] = team_sum["sal_week"]
    team["sal_goal_week"] = num_out(team_targets["sal_goal_week"])
    team["sql_week"] = team_sum["sql_week"]
    team["sql_goal_week"] = num_out(team_targets["sql_goal_week"])
    team["sal_month"] = team_sum["sal_month"]
    team["sal_goal_month"] = num_out(team_targets["sal_goal_month"])
    team["sql_month"] = team_sum["sql_month"]
    team["sql_goal_month"] = num_out(team_targets["sql_goal_month"])
    team.update(money_block(t_won, t_quota, t_pipe, t_won_n, t_closed_n))

    return {
        "as_of": as_of.isoformat(),
        "fiscal_quarter": label,
        "reps": rep_rows,
        "team": team,
    }


if __name__ == "__main__":  # pragma: no cover - manual use
    import argparse
    import json

    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("--as-of", required=True)
    p.add_argument("--fiscal-start", type=int, default=1)
    ns = p.parse_args()
    print(json.dumps(summary(load_org(ns.folder), ns.as_of, ns.fiscal_start), indent=2,
                     ensure_ascii=False))
