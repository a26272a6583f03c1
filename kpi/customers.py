"""Customers: new customers watched for 12 months against the ramp earlier customers took, and retention
(renewals due, won and lost; churn). DESIGN.md "Partners and customers". Deals are as they stood on the as-of
date (summary.deals_as_of)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.activity import DAY, ROW
from kpi.lookup import among, remap
from kpi.periods import Period
from kpi.revenue import closed_deals, ratio
from kpi.schema import Accounts, Activities, Opportunities

A, O = Accounts, Opportunities
FIRST_DEAL, NEW, COHORT, AGE = "first_deal", "new", "cohort", "age_months"
KIND, MONTH = "kind", "month"  # bookings: new business / upsell / renewal, months since the first deal
KINDS = ("new business", "upsell", "renewal")


@dataclass(frozen=True)
class CustomerRules:
    """What a renewal and an upsell are, how long a customer counts as new, and when a new one needs help."""

    renewal_word: str = "renewal"
    upsell_words: tuple[str, ...] = ("upgrade", "upsell", "add-on", "expansion")
    former_types: tuple[str, ...] = ("Former Customer",)
    new_months: int = 12
    inactive_days: int = 30
    below_share: float = 0.5


RULE = ("A customer is an account with a won opportunity; its first deal is its earliest won CloseDate, its cohort "
        "that month. It is new when that day lies from the same calendar day 12 months before the as-of date "
        "through the as-of date. Bookings are its won Amounts by month since the first deal (month 0), as new "
        "business, upsell (Type containing Upgrade, Upsell, Add-on or Expansion) or renewal (Type containing "
        "Renewal). The expected ramp at month m is the median of the bookings to month m of the customers of the "
        "same team (the account owner's) older than m months: earlier cohorts of like customers. A new customer "
        "is under-performing when its bookings so far are below half of the expected ramp at its age, or when no "
        "completed activity was logged on the account or its deals in the 30 days ending on the as-of date. "
        "Renewals due: renewal deals closing in the quarter, open or "
        "closed; the gross renewal rate is won renewal Amount / (won + lost renewal Amount) closed in the quarter "
        "to date; a churned customer lost a renewal in the quarter to date and won none.")


def kinds(deals: pd.DataFrame, rules: CustomerRules = CustomerRules()) -> pd.Series:
    """Each deal's kind of booking from its Type: renewal, upsell or new business."""
    typ = deals[O.Type].fillna("").str.casefold()
    upsell = np.logical_or.reduce([typ.str.contains(w, regex=False).to_numpy() for w in rules.upsell_words])
    renewal = typ.str.contains(rules.renewal_word.casefold(), regex=False).to_numpy()
    return pd.Series(np.where(renewal, "renewal", np.where(upsell, "upsell", "new business")), index=deals.index)


def with_kinds(deals: pd.DataFrame, rules: CustomerRules = CustomerRules()) -> pd.DataFrame:
    """The deals with their `kind` of booking (read once: bookings, renewals and retention use it)."""
    return deals.assign(**{KIND: kinds(deals, rules)})


def _months_between(start: pd.Series, end: pd.Series | pd.Timestamp) -> pd.Series:
    end_year, end_month = (end.year, end.month) if isinstance(end, pd.Timestamp) else (end.dt.year, end.dt.month)
    return (end_year - start.dt.year) * 12 + (end_month - start.dt.month)


def customers(deals: pd.DataFrame, accounts: pd.DataFrame, as_of: pd.Timestamp,
              rules: CustomerRules = CustomerRules()) -> pd.DataFrame:
    """Accounts with a won deal closed by `as_of`, indexed by account id: Name, OwnerId (the account's, else
    its first deal's), first_deal, cohort (that month's first day), age_months (whole calendar months since)
    and whether it is new (RULE)."""
    won = deals.loc[deals[O.IsWon] & (deals[O.CloseDate] <= as_of) & deals[O.AccountId].notna()]
    first = won.sort_values(O.CloseDate, kind="stable").drop_duplicates(O.AccountId).set_index(O.AccountId)
    account = accounts.set_index(A.Id).reindex(first.index)
    since = as_of - pd.DateOffset(months=rules.new_months)
    day = first[O.CloseDate]
    return pd.DataFrame({
        A.Name: account[A.Name], A.OwnerId: account[A.OwnerId].fillna(first[O.OwnerId]), FIRST_DEAL: day,
        COHORT: day.dt.to_period("M").dt.start_time, AGE: _months_between(day, as_of),
        NEW: (day >= since) & (day <= as_of)}).rename_axis(A.Id)


def bookings(deals: pd.DataFrame, found: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """The customers' won deals (`with_kinds`) closed by `as_of`: AccountId, Id, Amount, CloseDate, kind and
    month (since the account's first deal)."""
    won = deals.loc[deals[O.IsWon] & (deals[O.CloseDate] <= as_of) & among(deals[O.AccountId], found.index)]
    first = found[FIRST_DEAL].reindex(won[O.AccountId]).set_axis(won.index)
    return won[[O.AccountId, O.Id, O.Name, O.Amount, O.CloseDate, O.OwnerId, KIND]].assign(
        **{MONTH: _months_between(first, won[O.CloseDate])})


def cumulative(booked: pd.DataFrame, found: pd.DataFrame) -> pd.DataFrame:
    """Bookings to date by month since the first deal: accounts (rows) x months 0..oldest age (columns);
    months a customer has not reached yet are NaN."""
    months = range(int(found[AGE].max()) + 1 if len(found) else 1)
    per_month = booked.pivot_table(index=O.AccountId, columns=MONTH, values=O.Amount, aggfunc="sum")
    table = per_month.reindex(index=found.index, columns=months).fillna(0.0).cumsum(axis=1)
    reached = np.arange(len(months))[None, :] <= found[AGE].to_numpy()[:, None]
    return table.where(reached)


def expected_ramp(paths: pd.DataFrame, found: pd.DataFrame, segments: pd.Series) -> pd.DataFrame:
    """Per segment (rows: each customer's in `segments`, e.g. its owner's team) and month m (columns): the median
    bookings to month m of the segment's customers older than m months (RULE)."""
    older = np.arange(paths.shape[1])[None, :] < found[AGE].to_numpy()[:, None]
    return paths.where(older).groupby(segments.reindex(paths.index).to_numpy()).median()


def new_customers(found: pd.DataFrame, booked: pd.DataFrame, segments: pd.Series, counted: pd.DataFrame,
                  activities: pd.DataFrame, deals: pd.DataFrame, as_of: pd.Timestamp,
                  rules: CustomerRules = CustomerRules()) -> pd.DataFrame:
    """The new customers with their bookings so far (in all and by kind), the expected ramp of their segment at
    their age, their share of it, their last completed activity day on the account or its deals, and whether
    they are under-performing (RULE). `counted`: activity.counted_activities of `activities`."""
    paths = cumulative(booked, found)
    ramps = expected_ramp(paths, found, segments).stack()
    new = found.loc[found[NEW]].copy()
    age = new[AGE].to_numpy()
    new["booked"] = paths.loc[new.index].to_numpy()[np.arange(len(new)), age] if len(new) else []
    new["expected"] = ramps.reindex(pd.MultiIndex.from_arrays([segments.reindex(new.index).to_numpy(), age]))\
        .to_numpy()
    new["share_of_expected"] = ratio(new["booked"], new["expected"])
    by_kind = booked.pivot_table(index=O.AccountId, columns=KIND, values=O.Amount, aggfunc="sum")
    new = new.join(by_kind.reindex(columns=list(KINDS)).reindex(new.index).fillna(0.0))
    new["last_activity"] = _last_touch(counted, activities, deals, new.index, as_of).reindex(new.index)
    quiet_since = as_of - pd.Timedelta(days=rules.inactive_days - 1)
    below = new["share_of_expected"] < rules.below_share
    silent = ~(new["last_activity"] >= quiet_since)
    new["underperforming"] = below.fillna(False) | silent
    new["why"] = np.select([below.fillna(False) & silent, below.fillna(False), silent],
                           ["below the ramp, no activity", "below the ramp", "no activity in 30 days"], "")
    return new


def _last_touch(counted: pd.DataFrame, activities: pd.DataFrame, deals: pd.DataFrame, accounts: pd.Index,
                as_of: pd.Timestamp) -> pd.Series:
    """Per one of `accounts`: the last day a completed activity was logged on it or one of its deals (WhatId)."""
    theirs = deals.loc[among(deals[O.AccountId], accounts)]
    on_them = among(activities[Activities.WhatId], pd.Index(accounts).append(pd.Index(theirs[O.Id])))
    done = counted.loc[(counted[DAY] <= as_of).to_numpy() & on_them[counted[ROW].to_numpy()]]
    what = activities[Activities.WhatId].iloc[done[ROW].to_numpy()].set_axis(done.index)
    account = remap(what, theirs.set_index(O.Id)[O.AccountId]).astype("str").fillna(what)
    return done[DAY].groupby(account).max()


def cohort_paths(found: pd.DataFrame, booked: pd.DataFrame) -> pd.DataFrame:
    """Per monthly cohort of new customers (rows): the average bookings to date per customer by month since
    the first deal (columns), as far as the cohort has come."""
    new = found.loc[found[NEW]]
    paths = cumulative(booked, found).loc[new.index]
    return paths.groupby(new[COHORT]).mean()


def renewals(deals: pd.DataFrame) -> pd.DataFrame:
    """The renewal deals among deals `with_kinds`."""
    return deals.loc[deals[KIND].eq("renewal").to_numpy()]


def retention(deals: pd.DataFrame, quarter: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per owner, over deals `with_kinds`: renewals due in the quarter, won and lost QTD (count and Amount), the
    gross renewal rate and the churned customers (RULE)."""
    renew = renewals(deals)
    qtd = quarter.through(as_of)
    closed = closed_deals(renew, qtd)
    won, lost = closed.loc[closed[O.IsWon]], closed.loc[~closed[O.IsWon]]
    table = pd.DataFrame({
        "due": renew.loc[quarter.contains(renew[O.CloseDate])].groupby(O.OwnerId).size(),
        "won": won.groupby(O.OwnerId).size(), "lost": lost.groupby(O.OwnerId).size(),
        "won_amount": won.groupby(O.OwnerId)[O.Amount].sum(), "lost_amount": lost.groupby(O.OwnerId)[O.Amount].sum(),
        "churned": churned(deals, quarter, as_of).groupby(O.OwnerId).size()}).fillna(0)
    return table.assign(gross_renewal_rate=ratio(table["won_amount"], table["won_amount"] + table["lost_amount"]))


def churned(deals: pd.DataFrame, quarter: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """The accounts that lost a renewal closed QTD and won none, once each: AccountId, a lost renewal's Id, Name,
    Amount, CloseDate and owner (the lost deal's)."""
    closed = closed_deals(renewals(deals), quarter.through(as_of))
    renewed = closed.loc[closed[O.IsWon], O.AccountId]
    lost = closed.loc[~closed[O.IsWon] & ~among(closed[O.AccountId], renewed)]
    return lost[[O.AccountId, O.Id, O.Name, O.Amount, O.CloseDate, O.OwnerId]].drop_duplicates(O.AccountId)


def former(accounts: pd.DataFrame, rules: CustomerRules = CustomerRules()) -> pd.DataFrame:
    """Accounts whose Type now says they are former customers (churned in Salesforce's own words; not in
    `churned_qtd`, which counts lost renewals)."""
    return accounts.loc[accounts[A.Type].isin(rules.former_types).to_numpy(), [A.Id, A.Name, A.OwnerId, A.Type]]


def figures(new: pd.DataFrame, deals: pd.DataFrame, owners: pd.Index, quarter: Period,
            as_of: pd.Timestamp) -> dict[str, float | int | None]:
    """The summary's `customers` section (DESIGN.md): over the new customers and the deals (`with_kinds`) that
    `owners` own."""
    mine = deals.loc[among(deals[O.OwnerId], owners)]
    theirs = new.loc[among(new[A.OwnerId], owners)]
    per_owner = retention(mine, quarter, as_of).sum()
    won, lost = per_owner.get("won_amount", 0.0), per_owner.get("lost_amount", 0.0)
    return {
        "new_12m": int(len(theirs)),
        "underperforming": int(theirs["underperforming"].sum()),
        "renewals_due_quarter": int(per_owner.get("due", 0)),
        "renewals_won_qtd": int(per_owner.get("won", 0)),
        "renewals_lost_qtd": int(per_owner.get("lost", 0)),
        "gross_renewal_rate": float(won / (won + lost)) if won + lost else None,
        "churned_qtd": int(len(churned(mine, quarter, as_of))),
    }


def gaps(deals: pd.DataFrame, rules: CustomerRules = CustomerRules()) -> list[str]:
    """What the data lacks for the retention figures, each with what to export or configure."""
    if not kinds(deals, rules).eq("renewal").any():
        return [f"No Opportunity Type contains {rules.renewal_word!r}: export Opportunity.Type, or set your "
                "renewal word under [customers] renewal_word in settings.toml"]
    return []
