"""Targets: the AEs' ForecastingQuota rows (monthly, quarterly, ramped and quantity quotas) and goals.csv, set
from the generated volumes so they are plausible for any shape."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.ids import make_ids
from kpi.sources.sample_org.arrays import bool_text
from kpi.sources.sample_org.clock import DAY, fmt_date, month_starts, quarter_name
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.lead_owners import owner_at
from kpi.sources.sample_org.people import no_quota_revenue, ramp_months
from kpi.sources.sample_org.partners import RESELLER, SERVICE_PROVIDER, types_channel
from kpi.sources.sample_org.vocabulary import ADR, MM, SMB, TEAM_NAMES


def quota_table(org: OrgState) -> pd.DataFrame:
    """ForecastingQuota: thirds of the quarter per month, one quarterly row for some reps, the new hires'
    ramped months, and deal-count quotas for others; none for the AE whose revenue target is in goals.csv."""
    rng = org.rng("quotas")
    first_days = month_starts(org.quarters)
    n_q = len(org.quarters)
    month_ids = make_ids("026", 3_300 + np.arange(3 * n_q)).reshape(n_q, 3)
    quarter_ids = make_ids("026", 3_400 + np.arange(n_q))
    rows = {k: [] for k in ("owner", "start", "amount", "quantity", "is_qty", "period")}

    def add(owner, start, amount, quantity, is_qty, period):
        for key, value in zip(rows, (owner, start, amount, quantity, is_qty, period)):
            rows[key].append(value)

    smb = [u for u in org.aes if org.team[u] == SMB and not org.new_hire[u]]
    mm = [u for u in org.aes if org.team[u] == MM and not org.no_quota[u] and not org.new_hire[u]]
    quarterly = {smb[2] if len(smb) > 2 else -1, mm[2] if len(mm) > 2 else -1}
    quantity_reps = {smb[3] if len(smb) > 3 else -1, mm[3] if len(mm) > 3 else -1}
    for u in org.aes:
        if org.no_quota[u]:
            continue
        for q in range(n_q):
            quota = org.quota[u, q]
            if not np.isfinite(quota):
                continue
            if org.new_hire[u]:  # ramped: months after the hire month only, at 50%, 75%, then 100% of full
                months, share = zip(*ramp_months(org, u, q))
                share = np.array(share)
                amounts = np.round(quota * share / share.sum() / 100) * 100
                for i, amount in zip(months, amounts):
                    add(u, first_days[q][i], amount, np.nan, False, month_ids[q, i])
                continue
            if u in quarterly:
                add(u, first_days[q][0], quota, np.nan, False, quarter_ids[q])
            else:
                thirds = np.round(quota / 3 / 100) * 100
                for i, amount in enumerate((thirds, thirds, quota - 2 * thirds)):
                    add(u, first_days[q][i], amount, np.nan, False, month_ids[q, i])
            if u in quantity_reps:  # deal-count quotas: to be ignored by revenue maths
                count = float(rng.integers(8, 16) if org.team[u] == SMB else rng.integers(4, 8))
                add(u, first_days[q][0], np.nan, count, True, quarter_ids[q])
    starts = np.array(rows["start"], dtype=float)
    owner = np.array(rows["owner"], dtype=np.int64)
    order = np.lexsort((starts, owner))
    ids = make_ids("0J9", 880_000 + np.arange(len(order)))
    return pd.DataFrame({
        "Id": ids, "QuotaOwnerId": org.user_id[owner[order]], "StartDate": fmt_date(starts[order]),
        "QuotaAmount": np.array(rows["amount"], float)[order],
        "QuotaQuantity": pd.array(np.array(rows["quantity"], float)[order], dtype="Int64"),
        "IsQuantity": bool_text(np.array(rows["is_qty"], bool)[order]),
        "PeriodId": np.array(rows["period"], dtype=object)[order]})


def goals_table(org: OrgState) -> pd.DataFrame:
    """Targets set from the generated volumes so they are plausible for any shape: the goals of every quarter
    (no channel, no quarter), then the teams' plan for the last two quarters (`_plan`)."""
    adrs = [u for u in org.adrs if org.active[u]]
    n_adr = max(1, len(adrs))
    first, _ = org.quarters[-1]
    weeks = max(1.0, (org.anchor_day - first + 1) / 7)
    months = weeks / (52 / 12)

    def per_adr(day_values, t):
        """Leads reaching a stage this quarter (stage date field) while an active ADR owned them, per ADR."""
        ok = np.isfinite(day_values) & (day_values >= first)
        owners = owner_at(org, np.where(ok, t, 0))[ok]
        return np.isin(owners, adrs).sum() / n_adr

    sal = per_adr(org.sal_day, org.tS)
    sql = per_adr(org.sql_day, org.tQ)
    mql = per_adr(org.mql_day, org.tM)
    d = org.deal
    rows = [("*", "calls", "day", 20), ("*", "activities", "day", 30),
            ("ADR", "calls", "day", 28), ("ADR", "emails", "day", 22), ("ADR", "activities", "day", 52),
            ("ADR", "sal", "week", max(1, round(sal / weeks))), ("ADR", "sql", "week", max(1, round(sql / weeks))),
            ("ADR", "sal", "month", max(1, round(sal / months))),
            ("ADR", "sql", "month", max(1, round(sql / months))),
            ("ADR", "mql", "month", max(1, round(mql / months)))]
    if len(adrs):
        rows.append((org.user_id[adrs[0]], "sal", "week", max(1, round(sal / weeks)) + 2))
    if len(adrs) > 1:
        rows.append((org.email[adrs[-1]], "calls", "day", 22))
    elapsed = org.elapsed_share()
    for t, role, calls, meetings in ((SMB, "SMB Account Manager", 10, 10), (MM, "Mid-Market AE", 8, 8)):
        members = [u for u in org.aes if org.team[u] == t and not org.new_hire[u]]
        rows += [(role, "calls", "day", calls), (role, "meetings", "week", meetings)]
        if members:
            created = (np.isin(d["owner"], members) & (d["created"] >= first * DAY)).astype(float)
            per_rep = (created * d["amount"]).sum() / len(members) / elapsed
            rows.append((role, "pipeline_created", "quarter", float(np.round(per_rep / 10_000) * 10_000)))
    for u in org.aes:
        if org.no_quota[u]:
            rows.append((org.user_id[u], "revenue", "quarter", no_quota_revenue(org)))
    frame = pd.DataFrame(rows, columns=["owner", "metric", "period", "target"]).assign(channel="", quarter="")
    return pd.concat([frame, _plan(org)], ignore_index=True)


def _plan(org: OrgState) -> pd.DataFrame:
    """The teams' quarterly plan ('team:<team>' rows) for the last two quarters, set from what each delivered:
    the earlier quarter's within about -15%..+20% of its actual, the anchor's quarter within about ±15% of its
    full-quarter run rate (actual to date / elapsed share), so some lines run ahead and some behind. Money is
    rounded to 5,000, counts to whole numbers; no line is 0."""
    rng = org.rng("plan")
    elapsed = org.elapsed_share()
    rows = []
    for q, (first, last) in enumerate(org.quarters[-2:]):
        current = q == 1
        for team, metric, channel, actual in _delivered(org, first, last):
            if current:
                value = actual / elapsed * rng.uniform(0.85, 1.15)
            else:
                value = actual * rng.uniform(0.85, 1.2)
            money = metric in ("revenue", "pipeline_created")
            value = max(5_000.0, np.round(value / 5_000) * 5_000) if money else max(1.0, float(np.round(value)))
            rows.append((f"team:{TEAM_NAMES[team]}", metric, "quarter", value, channel, quarter_name(first)))
    return pd.DataFrame(rows, columns=["owner", "metric", "period", "target", "channel", "quarter"])


def _delivered(org: OrgState, first: int, last: int) -> list[tuple[int, str, str, float]]:
    """(team, metric, channel, actual) of each plan line in the quarter first..last (through the anchor day):
    won revenue by channel and pipeline created (Amount, to the deal owner), partners recruited and certified
    (the partner account's owner), new customers (first won deal; the account owner), and for the ADRs
    completed calls, emails and meetings and leads reaching SAL and SQL (their owner then)."""
    last = min(last, org.anchor_day)
    d, a, p = org.deal, org.acc, org.partner

    def inside(days):
        days = np.asarray(days, float)
        return np.isfinite(days) & (days >= first) & (days <= last)

    won = d["closed"] & d["won"]
    channel = np.full(len(won), "direct", dtype=object)
    named = org.deal_partner >= 0
    channel[named] = types_channel(a["type"].astype(object)[org.deal_partner[named]])
    acc_team = org.team[a["owner"].astype(np.int64)]
    first_won = np.full(len(acc_team), np.inf)
    np.minimum.at(first_won, d["account"][won], d["close_date"][won].astype(float))
    out = []
    for team in (SMB, MM):
        mine = d["team"] == team
        for ch in ("direct", RESELLER, SERVICE_PROVIDER):
            hit = mine & won & (channel == ch) & inside(d["close_date"])
            out.append((team, "revenue", ch, float(np.nansum(d["current_amount"][hit]))))
        created = mine & inside(d["c_day"])
        out.append((team, "pipeline_created", "", float(np.nansum(d["current_amount"][created]))))
        out.append((team, "partners_recruited", "", float((inside(p["recruited"]) & (acc_team == team)).sum())))
        out.append((team, "partners_certified", "", float((inside(p["certified"]) & (acc_team == team)).sum())))
        out.append((team, "new_customers", "", float((inside(first_won) & (acc_team == team)).sum())))
    log = {k: np.concatenate(v) for k, v in org.completed_activities.items()}
    adr_work = (org.team[log["owner"]] == ADR) & inside(log["day"])
    out.append((ADR, "activities", "", float(adr_work.sum())))
    for metric, day, t in (("sal", org.sal_day, org.tS), ("sql", org.sql_day, org.tQ)):
        ok = inside(day)
        owners = owner_at(org, np.where(ok, t, 0))[ok]
        out.append((ADR, metric, "", float(np.isin(owners, org.adrs).sum())))
    return out
