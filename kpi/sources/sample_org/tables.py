"""The org's arrays as the CSV frames of User, UserRole, Account (the named accounts last), Lead, LeadHistory,
Opportunity, OpportunityFieldHistory and OpportunityPartner (API-name headers, Salesforce text for dates, booleans
and ids)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.ids import make_ids
from kpi.sources.sample_org.arrays import bool_text, cat, ids_in_order
from kpi.sources.sample_org.campaigns import opportunity_campaign_ids
from kpi.sources.sample_org.clock import TZ_NAMES, fmt_date, fmt_datetime
from kpi.sources.sample_org.core import OrgState
from kpi.sources.sample_org.lead_owners import owner_at
from kpi.sources.sample_org.prospecting import named_account_table
from kpi.sources.sample_org.vocabulary import (ADR, FORECAST, INDUSTRIES, LEAD_SOURCES, MM, NB, OPP_TYPES,
                                               PROBABILITY, QUEUES, ROLE_NAMES, ROLE_PARENTS, SMB, STAGES,
                                               STATUSES, TEAM_NAMES, UPG)

_ROLE_IDS = make_ids("00E", 5_200 + np.arange(len(ROLE_NAMES)))
_QUEUE_IDS = make_ids("00G", 7_700 + np.arange(len(QUEUES)))


def user_table(org: OrgState) -> pd.DataFrame:
    n = org.n_users
    role_of = {name: i for i, name in enumerate(ROLE_NAMES)}
    role_idx = np.array([role_of.get(r, -1) if r is not None else -1 for r in org.role])
    manager = np.full(n, -1)
    for t in (ADR, SMB, MM):
        manager[org.manager_of[t]] = org.vp
        manager[org.is_rep & (org.team == t)] = org.manager_of[t]
    dept = np.array([TEAM_NAMES[t] if t >= 0 else "" for t in org.team], dtype=object)
    dept[org.vp] = "Sales"
    dept[org.mops_user] = "Marketing"
    title = np.array([r if r is not None else "" for r in org.role], dtype=object)
    title[org.mops_user] = "Marketing Operations"
    user_type = np.full(n, "Standard", dtype=object)
    user_type[org.auto_user] = "AutomatedProcess"
    return pd.DataFrame({
        "Id": org.user_id, "Username": org.username, "FirstName": org.first_name,
        "LastName": org.last_name, "Name": org.full_name, "Email": org.email,
        "IsActive": bool_text(org.active), "UserType": user_type,
        "UserRoleId": np.where(role_idx >= 0, _ROLE_IDS[np.maximum(role_idx, 0)], ""),
        "ManagerId": np.where(manager >= 0, org.user_id[np.maximum(manager, 0)], ""),
        "Department": dept, "Title": title, "TimeZoneSidKey": np.array(TZ_NAMES, dtype=object)[org.tz],
        "CreatedDate": fmt_datetime(org.user_created)})


def role_table() -> pd.DataFrame:
    parents = np.array(ROLE_PARENTS)
    return pd.DataFrame({"Id": _ROLE_IDS, "Name": ROLE_NAMES,
                         "ParentRoleId": np.where(parents >= 0, _ROLE_IDS[np.maximum(parents, 0)], "")})


def account_table(org: OrgState) -> pd.DataFrame:
    a = org.acc
    _, order = ids_in_order("001", a["created"].astype(float), 60_000_000)
    frame = pd.DataFrame({
        "Id": org.account_ids, "Name": a["name"], "OwnerId": org.user_id[a["owner"].astype(np.int64)],
        "Type": a["type"], "Industry": np.array(INDUSTRIES, dtype=object)[a["industry"].astype(np.int64)],
        "NumberOfEmployees": a["employees"].astype(np.int64), "CreatedDate": fmt_datetime(a["created"].astype(float)),
        "Partner_Recruited_Date__c": fmt_date(org.partner["recruited"]),
        "Certification_Status__c": org.partner["status"], "Certified_Date__c": fmt_date(org.partner["certified"]),
        "Named_ADR__c": ""})
    return pd.concat([frame.iloc[order], named_account_table(org)], ignore_index=True)


def _owner_ids(org: OrgState, owner):
    return np.where(owner >= 0, org.user_id[np.maximum(owner, 0)], _QUEUE_IDS[np.clip(-owner - 1, 0, 1)])


def _owner_names(org: OrgState, owner):
    queues = np.array(QUEUES, dtype=object)
    return np.where(owner >= 0, org.full_name[np.maximum(owner, 0)], queues[np.clip(-owner - 1, 0, 1)])


def lead_table(org: OrgState) -> pd.DataFrame:
    conv = org.converted
    acc = org.lead_account
    deal_of_lead = np.full(org.n_leads, -1)
    d = org.deal
    has_lead = d["lead"] >= 0
    deal_of_lead[d["lead"][has_lead]] = np.flatnonzero(has_lead)
    return pd.DataFrame({
        "Id": org.lead_ids, "FirstName": org.lead_first, "LastName": org.lead_last,
        "Company": org.lead_company, "Email": org.lead_email, "OwnerId": _owner_ids(org, org.lead_owner),
        "Status": np.array(STATUSES, dtype=object)[org.lead_status],
        "LeadSource": np.array(LEAD_SOURCES, dtype=object)[org.lead_source],
        "CreatedDate": fmt_datetime(org.lead_created), "IsConverted": bool_text(conv),
        "ConvertedDate": fmt_date(np.where(conv, org.converted_day, np.nan)),
        "ConvertedAccountId": np.where(conv & (acc >= 0), org.account_ids[np.maximum(acc, 0)], ""),
        "ConvertedOpportunityId": np.where(conv & (deal_of_lead >= 0),
                                           org.deal_ids[np.maximum(deal_of_lead, 0)], ""),
        "MQL_Date__c": fmt_date(org.mql_day), "SAL_Date__c": fmt_date(org.sal_day),
        "SQL_Date__c": fmt_date(org.sql_day), "Disqualified_Reason__c": org.lead_reason})


def lead_history_table(org: OrgState) -> pd.DataFrame:
    ev = org.ev
    on = org.lead_history_on
    keep = on[ev["lead"]]
    lead, t = ev["lead"][keep], ev["t"][keep]
    actor = np.where(ev["auto"][keep], org.mops_user, owner_at(org, t, lead))
    actor = np.where(actor >= 0, actor, org.mops_user)
    statuses = np.array(STATUSES, dtype=object)
    parts = [dict(lead=lead, t=t, field=np.full(len(lead), "Status", dtype=object),
                  dtype=np.full(len(lead), "Picklist", dtype=object), old=statuses[ev["old"][keep]],
                  new=statuses[ev["new"][keep]], by=actor, seq=np.zeros(len(lead), np.int64))]
    # Owner changes: a name row and an id row at the same moment.
    changes = [(org.ch1, org.o0, org.o1, org.ch1_by_manager),
               (org.ch2, np.where(np.isfinite(org.ch1), org.o1, org.o0), org.o2, org.ch2_by_manager)]
    for when, old, new, by_manager in changes:
        m = np.flatnonzero(np.isfinite(when) & (when <= org.end) & on)
        by = np.where(by_manager[m], org.manager_of[ADR], new[m])
        for seq, (dtype, old_v, new_v) in enumerate(
                (("Text", _owner_names(org, old[m]), _owner_names(org, new[m])),
                 ("EntityId", _owner_ids(org, old[m]), _owner_ids(org, new[m]))), start=1):
            parts.append(dict(lead=m, t=when[m], field=np.full(len(m), "Owner", dtype=object),
                              dtype=np.full(len(m), dtype, dtype=object), old=old_v, new=new_v, by=by,
                              seq=np.full(len(m), seq, np.int64)))
    h = _stacked_in_time_order(parts, "lead")
    return pd.DataFrame({
        "Id": make_ids("017", 300_000_000 + np.arange(len(h["t"]))), "LeadId": org.lead_ids[h["lead"]],
        "Field": h["field"], "DataType": h["dtype"], "OldValue": h["old"], "NewValue": h["new"],
        "CreatedDate": fmt_datetime(h["t"]), "CreatedById": org.user_id[h["by"]]})


def opportunity_table(org: OrgState) -> pd.DataFrame:
    d = org.deal
    n = len(d["owner"])
    acc_names = org.acc["name"]
    suffix = np.select([d["typ"] == NB, d["typ"] == UPG],
                       ["New Business", cat("Upgrade (", (d["amount"] // 1000).astype(np.int64).astype(str), "k)")],
                       cat("Renewal ", (1970 + d["close_date"] // 365.2425).astype(np.int64).astype(str)))
    stage = d["stage"]
    order = np.argsort(d["created"], kind="stable")
    frame = pd.DataFrame({
        "Id": org.deal_ids, "Name": cat(acc_names[d["account"]], " - ", suffix),
        "AccountId": org.account_ids[d["account"]], "OwnerId": org.user_id[d["owner"]],
        "StageName": np.array(STAGES, dtype=object)[stage], "Amount": d["current_amount"],
        "Probability": PROBABILITY[stage], "CloseDate": fmt_date(d["close_date"]),
        "CreatedDate": fmt_datetime(d["created"]), "IsClosed": bool_text(d["closed"]),
        "IsWon": bool_text(d["closed"] & d["won"]), "ForecastCategoryName": FORECAST[stage],
        "Type": np.array(OPP_TYPES, dtype=object)[d["typ"]], "LeadSource": d["source"],
        "PartnerAccountId": np.where(org.deal_partner >= 0, org.account_ids[np.maximum(org.deal_partner, 0)], ""),
        "CampaignId": opportunity_campaign_ids(org)})
    assert len(frame) == n
    return frame.iloc[order].reset_index(drop=True)


def opportunity_partner_table(org: OrgState) -> pd.DataFrame:
    """OpportunityPartner rows (ids in creation order); a deal's primary partner sourced it."""
    p = org.opp_partners
    ids, order = ids_in_order("00J", p["created"], 40_000_000)
    frame = pd.DataFrame({
        "Id": ids, "OpportunityId": org.deal_ids[p["deal"]], "AccountToId": org.account_ids[p["account"]],
        "Role": p["role"], "IsPrimary": bool_text(p["primary"]), "CreatedDate": fmt_datetime(p["created"])})
    return frame.iloc[order].reset_index(drop=True)


def opportunity_history_table(org: OrgState) -> pd.DataFrame:
    stages = np.array(STAGES, dtype=object)
    parts = [
        (org.stage_history, "StageName", "Picklist", lambda v: stages[v]),
        (org.close_history, "CloseDate", "Date", fmt_date),
        (org.amount_history, "Amount", "Currency", lambda v: v.astype(np.int64).astype(str).astype(object)),
    ]
    frames = []
    for seq, (h, field, dtype, fmt) in enumerate(parts):
        frames.append(dict(deal=h["deal"], t=h["t"], field=np.full(len(h["deal"]), field, dtype=object),
                           dtype=np.full(len(h["deal"]), dtype, dtype=object), old=fmt(h["old"]),
                           new=fmt(h["new"]), seq=np.full(len(h["deal"]), seq)))
    h = _stacked_in_time_order(frames, "deal")
    return pd.DataFrame({
        "Id": make_ids("017", 700_000_000 + np.arange(len(h["t"]))), "OpportunityId": org.deal_ids[h["deal"]],
        "Field": h["field"], "DataType": h["dtype"], "OldValue": h["old"], "NewValue": h["new"],
        "CreatedDate": fmt_datetime(h["t"])})


def _stacked_in_time_order(parts: list[dict[str, np.ndarray]], record: str) -> dict[str, np.ndarray]:
    """History parts (same keys) stacked into one, ordered by time, then record, then part (`seq`)."""
    h = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.lexsort((h["seq"], h[record], h["t"]))
    return {key: value[order] for key, value in h.items()}
