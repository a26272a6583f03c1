"""Partners: recruitment, certification against a deadline, and the business they source (DESIGN.md "Partners and
customers"). Every function takes the deals as they stood on the as-of date (summary.deals_as_of)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.lookup import among, remap
from kpi.people import zone_of
from kpi.periods import Period, local_day
from kpi.revenue import CREATED_DAY, coverage_window, open_deals, won_deals
from kpi.schema import Accounts, Opportunities, OpportunityPartners

A, O, P = Accounts, Opportunities, OpportunityPartners
# Columns of `partner_accounts` besides the Account's Id, Name, OwnerId and Type.
RECRUITED, CERTIFIED, DAYS_TO_CERTIFY, AGE, OVERDUE = "recruited", "certified", "days_to_certify", "age_days", "overdue"
# Columns `sourcing` adds to deals: whether a partner sourced it, and which (NaN: a referral naming none).
SOURCED, PARTNER = "partner_sourced", "partner"


@dataclass(frozen=True)
class PartnerRules:
    """What makes an account a partner, a partner certified or overdue, a deal partner-sourced, a partner quiet."""

    types: tuple[str, ...] = ("Channel Partner / Reseller", "Installation Partner", "Technology Partner", "Partner",
                              "Reseller", "Service Provider")
    certified_status: str = "Certified"
    deadline_days: int = 60
    referral_source: str = "Partner Referral"
    quiet_days: int = 90


RULE = ("A partner is an Account whose Type is a partner type (Channel Partner / Reseller, Installation Partner, "
        "Technology Partner, Partner, Reseller, Service Provider). Recruited on Partner_Recruited_Date__c, else "
        "the day it was created (owner's time zone). Certified when Certification_Status__c is 'Certified', on "
        "Certified_Date__c (a date after the as-of date: not yet). Overdue: not certified on the as-of date and "
        "recruited more than 60 days before it (60 days is not overdue, 61 is). A deal is partner-sourced by the "
        "primary OpportunityPartner's account, else PrimaryPartnerAccountId, else PartnerAccountId; a 'Partner "
        "Referral' lead source makes it partner-sourced by no particular partner. A certified partner is quiet "
        "when no deal it sourced was created in the 90 days ending on the as-of date.")


def partner_accounts(accounts: pd.DataFrame, owner_zones: pd.Series, as_of: pd.Timestamp,
                     rules: PartnerRules = PartnerRules()) -> pd.DataFrame:
    """The partner accounts created by the end of `as_of`, with their recruited and certified days (NaT: not
    certified on `as_of`), the days from one to the other, their age in days on `as_of` and whether they are
    overdue for certification (RULE)."""
    rows = accounts.loc[accounts[A.Type].isin(rules.types).to_numpy()]
    zones = zone_of(rows[A.OwnerId], owner_zones)
    created = local_day(rows[A.CreatedDate], zones)
    recruited = rows[A.Partner_Recruited_Date__c].fillna(created)
    done = rows[A.Certification_Status__c].str.strip().str.casefold().eq(rules.certified_status.casefold())
    certified = rows[A.Certified_Date__c].where(done.fillna(False).to_numpy())
    certified = certified.where(certified <= as_of)
    age = (as_of - recruited).dt.days
    out = rows[[A.Id, A.Name, A.OwnerId, A.Type]].assign(**{
        RECRUITED: recruited, CERTIFIED: certified, DAYS_TO_CERTIFY: (certified - recruited).dt.days,
        AGE: age, OVERDUE: certified.isna() & (age > rules.deadline_days)})
    return out.loc[(created.isna() | (created <= as_of)).to_numpy() & (recruited <= as_of).to_numpy()]


def sourcing(deals: pd.DataFrame, opportunity_partners: pd.DataFrame,
             rules: PartnerRules = PartnerRules()) -> pd.DataFrame:
    """The deals with `partner_sourced` and `partner` (the sourcing partner's account id; NaN for a referral
    that names none): the primary OpportunityPartner row, else PrimaryPartnerAccountId, else PartnerAccountId,
    else the referral lead source (RULE)."""
    primary = opportunity_partners.loc[opportunity_partners[P.IsPrimary].to_numpy()].drop_duplicates(
        P.OpportunityId)
    partner = remap(deals[O.Id], primary.set_index(P.OpportunityId)[P.AccountToId]).astype("str")
    partner = partner.fillna(deals[O.PrimaryPartnerAccountId]).fillna(deals[O.PartnerAccountId])
    referral = deals[O.LeadSource].str.strip().eq(rules.referral_source).fillna(False)
    return deals.assign(**{PARTNER: partner, SOURCED: partner.notna().to_numpy() | referral.to_numpy()})


def partner_table(partners: pd.DataFrame, sourced: pd.DataFrame, quarter: Period, as_of: pd.Timestamp,
                  rules: PartnerRules = PartnerRules(), every_deal: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per partner: `partner_accounts` with the pipeline it sourced among `sourced` (open, closing from
    the as-of date through quarter end), its won amount QTD, and from `every_deal` (default: `sourced`; the whole
    org's, so that it does not depend on who looks) its first sourced deal's created day, the days from
    certification to that deal, its last sourced deal's created day, and whether it is quiet (RULE)."""
    theirs = _by_a_partner(sourced)
    pipeline = open_deals(theirs, coverage_window(quarter, as_of)).groupby(PARTNER)[O.Amount].sum()
    won = won_deals(theirs, quarter.through(as_of)).groupby(PARTNER)[O.Amount].sum()
    by_partner = (theirs if every_deal is None else _by_a_partner(every_deal)).groupby(PARTNER)
    first, last = by_partner[CREATED_DAY].min(), by_partner[CREATED_DAY].max()
    table = partners.set_index(A.Id).assign(
        sourced_pipeline=pipeline, sourced_won_qtd=won, first_deal=first, last_deal=last).fillna(
        {"sourced_pipeline": 0.0, "sourced_won_qtd": 0.0})
    table["days_to_first_deal"] = (table["first_deal"] - table[CERTIFIED]).dt.days
    quiet_since = as_of - pd.Timedelta(days=rules.quiet_days - 1)
    table["quiet"] = table[CERTIFIED].notna() & ~(table["last_deal"] >= quiet_since)
    return table.reset_index()


def _by_a_partner(sourced: pd.DataFrame) -> pd.DataFrame:
    """The deals a named partner sourced (not referrals naming none)."""
    return sourced.loc[sourced[SOURCED] & sourced[PARTNER].notna()]


def sourced_by(sourced: pd.DataFrame, owners: pd.Index) -> pd.DataFrame:
    """The partner-sourced deals (`sourcing`) that `owners` own."""
    return sourced.loc[sourced[SOURCED].to_numpy() & among(sourced[O.OwnerId], owners)]


def recruited_by_quarter(partners: pd.DataFrame, quarters: list[Period]) -> pd.DataFrame:
    """Partners recruited per fiscal quarter (rows, oldest first) and owner (columns)."""
    names = [q.name for q in quarters]
    which = pd.Series(np.select([q.contains(partners[RECRUITED]) for q in quarters], names, default=""),
                      index=partners.index)
    rows = partners.loc[which.ne("")]
    counts = pd.crosstab(which[rows.index], rows[A.OwnerId])
    return counts.reindex(names, fill_value=0)


def sourced_by_quarter(sourced: pd.DataFrame, owners: pd.Index, quarters: list[Period]) -> pd.DataFrame:
    """Per quarter (rows, by name): Amount of the partner-sourced deals `owners` own that were created in it and
    that were won in it (CloseDate)."""
    theirs = sourced_by(sourced, owners)
    return pd.DataFrame({"created": [theirs.loc[q.contains(theirs[CREATED_DAY]), O.Amount].sum() for q in quarters],
                         "won": [won_deals(theirs, q)[O.Amount].sum() for q in quarters]},
                        index=[q.name for q in quarters])


def figures(table: pd.DataFrame, sourced: pd.DataFrame, owners: pd.Index, quarter: Period, as_of: pd.Timestamp,
            goal: float | None) -> dict[str, float | int | None]:
    """The summary's `partners` section (DESIGN.md): over `table` (partner_table of the listed reps' partner
    accounts) and the partner-sourced deals `owners` own."""
    qtd = quarter.through(as_of)
    year = Period(as_of - pd.DateOffset(months=12), as_of, "12 months")
    certified_in_year = table.loc[year.contains(table[CERTIFIED]), DAYS_TO_CERTIFY]
    theirs = sourced_by(sourced, owners)
    return {
        "recruited_qtd": int(qtd.contains(table[RECRUITED]).sum()),
        "recruited_goal_quarter": goal,
        "certified_qtd": int(qtd.contains(table[CERTIFIED]).sum()),
        "overdue_certification": int(table[OVERDUE].sum()),
        "median_days_to_certify": float(certified_in_year.median()) if len(certified_in_year) else None,
        "sourced_pipeline": float(open_deals(theirs, coverage_window(quarter, as_of))[O.Amount].sum()),
        "sourced_won_qtd": float(won_deals(theirs, qtd)[O.Amount].sum()),
        "quiet": int(table["quiet"].sum()),
    }



def gaps(accounts: pd.DataFrame, rules: PartnerRules = PartnerRules()) -> list[str]:
    """What the data lacks for the partner figures, each with what to export or configure."""
    partner = accounts[A.Type].isin(rules.types).to_numpy()
    if not partner.any():
        return [f"No Account has a partner Type ({', '.join(rules.types)}): export Account.Type, or list your "
                "partner types under [partners] types in settings.toml"]
    if accounts.loc[partner, A.Certification_Status__c].isna().all():
        return ["No partner account has Certification_Status__c: export it (and Certified_Date__c), or map your "
                "org's certification fields to them in mapping.toml [accounts]"]
    return []
