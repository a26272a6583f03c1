"""Named accounts: the accounts each ADR prospects outbound, and how many of them got a call or email lately
(issue 11, "Named accounts")."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.activity import DAY, DONE_AT, KIND, ROW, ActivityKind, activities_in
from kpi.goals import USER_ID_PATTERN
from kpi.ids import to_18
from kpi.lookup import among, remap
from kpi.periods import Period
from kpi.revenue import CREATED_DAY
from kpi.schema import Accounts, Activities, Contacts, NamedAccounts, Opportunities, Problem, Users

A, C, N, O, T, U = Accounts, Contacts, NamedAccounts, Opportunities, Activities, Users
FILE = "named_accounts.csv"
# Where the named accounts come from (`source_of`), and the columns of `assignments` and `coverage`.
FROM_FILE, FROM_FIELD, FROM_OWNER = FILE, f"Account.{A.Named_ADR__c}", f"Account.{A.OwnerId}"
OWNER_ID, ACCOUNT_ID, SOURCE, ROW_NUMBER = "OwnerId", "AccountId", "source", "row"
TOUCHED, LAST_TOUCH, MEETINGS, OPPORTUNITIES = "touched", "last_touch", "meetings", "opportunities"
LINK = "via"  # how an activity reached the account: AccountId, WhatId or the contact's account
# The per-ADR figures (registry keys; the first three are the summary's per-rep keys).
NAMED, TOUCHED_30D, COVERAGE = "named_accounts", "named_touched_30d", "named_coverage"
MEETINGS_30D, OPPORTUNITIES_30D = "named_meetings_30d", "named_opportunities_30d"
_CALLS_AND_EMAILS = (ActivityKind.CALL.value, ActivityKind.EMAIL.value)


@dataclass(frozen=True)
class NamedAccountRules:
    """How far back a touch on a named account counts: the `window_days` days ending on the as-of date."""

    window_days: int = 30

    def __post_init__(self) -> None:
        if self.window_days < 1:
            raise ValueError(f"window_days must be 1 or more, not {self.window_days}")

    def window(self, as_of: pd.Timestamp) -> Period:
        """The days a touch counts on: as_of - (window_days - 1) through as_of."""
        return Period(as_of - pd.Timedelta(days=self.window_days - 1), as_of, f"{self.window_days} days")


def rule(rules: NamedAccountRules = NamedAccountRules()) -> str:
    """The named-account rules in words, as `rules` set them (the glossary shows the settings in force)."""
    return ("An ADR's named accounts are the rows of named_accounts.csv (owner: a User Id, email or full name; "
            "account: an Account Id) when the file has any; else the accounts whose Named_ADR__c names them, when any "
            "account has it; else the accounts they own. A named account is touched when a completed call or email "
            f"on it was done on a day of the {rules.window_days} days ending on the as-of date, by anyone: Task "
            "AccountId or WhatId = the account, or WhoId = one of its contacts. Coverage = touched / named. Meetings "
            "and opportunities created count on named accounts over the same days.")


RULE = rule()


def source_of(named: pd.DataFrame, accounts: pd.DataFrame) -> str:
    """Where the named accounts come from: the file when it has rows, else Named_ADR__c when any account has it,
    else account ownership."""
    if len(named):
        return FROM_FILE
    return FROM_FIELD if accounts[A.Named_ADR__c].notna().any() else FROM_OWNER


def _user_ids(owner: pd.Series, users: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each owner text's User id (NA: not one user) and, where NA, how many users bear that full name."""
    text = owner.str.strip()
    is_id = text.str.match(USER_ID_PATTERN).fillna(False).to_numpy(bool)
    is_email = text.str.contains("@", regex=False).fillna(False).to_numpy(bool) & ~is_id
    ids = pd.Series(users[U.Id].to_numpy(), index=users[U.Id].to_numpy())
    emails = _first_per_key(users[U.Id], users[U.Email].str.strip().str.casefold())
    names = users[U.Name].str.strip().str.casefold()
    bearers = names.value_counts()
    unique_names = _first_per_key(users[U.Id], names.where(remap(names, bearers).eq(1)))
    found = remap(to_18(text.where(is_id)), ids)
    found = found.fillna(remap(text.str.casefold().where(is_email), emails))
    found = found.fillna(remap(text.str.casefold().where(~is_id & ~is_email), unique_names))
    return found.astype("str"), remap(text.str.casefold(), bearers).fillna(0).astype(int)


def _first_per_key(ids: pd.Series, keys: pd.Series) -> pd.Series:
    """key -> id, over the rows with a key (the first row of a key that repeats)."""
    known = keys.notna().to_numpy()
    found = pd.Series(ids.to_numpy()[known], index=keys.to_numpy()[known])
    return found.loc[~found.index.duplicated()]


def _file_problems(named: pd.DataFrame, owners: pd.Series, bearers: pd.Series, known: np.ndarray) -> list[Problem]:
    """One problem per unknown owner or account, by the file's row (header = row 1)."""
    rows = np.arange(len(named)) + 2
    owner, account = named[N.owner].str.strip(), named[N.account].str.strip()
    said = [Problem(FILE, "no owner given" if pd.isna(text) or not text else (
        f"{n} users are named {text!r}: give the User Id or email instead" if n > 1 else
        f"no user named {text!r} (give a User Id, email or full name from User.csv)"), int(row), N.owner)
            for row, text, n in zip(rows[owners.isna().to_numpy()], owner[owners.isna().to_numpy()],
                                    bearers[owners.isna().to_numpy()])]
    said += [Problem(FILE, "no account given" if pd.isna(text) or not text else f"no account {text!r} in Account.csv",
                     int(row), N.account) for row, text in zip(rows[~known], account[~known])]
    return sorted(said, key=lambda p: (p.row, p.column != N.owner))


def assignments(named: pd.DataFrame, users: pd.DataFrame, accounts: pd.DataFrame, as_of: pd.Timestamp,
                owners: pd.Index | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Each ADR's (of `owners`, or every one's) named accounts that exist on `as_of` (created on or before it), from
    `source_of` (RULE): columns OwnerId, AccountId, source, row (the file's row, header = row 1; NA otherwise). A
    file row whose owner is no single user, or whose account is not in Account.csv, is skipped and said, by row and
    column, whoever it names."""
    created = accounts[A.CreatedDate].dt.tz_convert(None).dt.normalize()
    existing = accounts.loc[(created.isna() | (created <= as_of)).to_numpy()]
    source, problems = source_of(named, accounts), []
    if source == FROM_FILE:
        adrs, bearers = _user_ids(named[N.owner], users)
        account = to_18(named[N.account].str.strip())
        problems = _file_problems(named, adrs, bearers, among(account, accounts[A.Id]))
        rows = pd.DataFrame({OWNER_ID: adrs.to_numpy(), ACCOUNT_ID: account.to_numpy(), SOURCE: source,
                             ROW_NUMBER: np.arange(len(named)) + 2}).loc[among(account, existing[A.Id])]
        rows = rows.loc[rows[OWNER_ID].notna().to_numpy()
                        & (True if owners is None else among(rows[OWNER_ID], owners))].drop_duplicates(
            [OWNER_ID, ACCOUNT_ID])  # a row repeated in the file counts once
    else:  # one ADR per account: no pair twice
        column = A.Named_ADR__c if source == FROM_FIELD else A.OwnerId
        theirs = existing.loc[existing[column].notna().to_numpy()
                              & (True if owners is None else among(existing[column], owners))]
        rows = pd.DataFrame({OWNER_ID: theirs[column].to_numpy(), ACCOUNT_ID: theirs[A.Id].to_numpy(),
                             SOURCE: source, ROW_NUMBER: pd.NA})
    rows = rows.astype({OWNER_ID: "str", ACCOUNT_ID: "str", ROW_NUMBER: "Int64"})
    return rows.reset_index(drop=True), problems


def account_activities(counted: pd.DataFrame, activities: pd.DataFrame, contacts: pd.DataFrame,
                       account_ids: pd.Series, window: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """The completed calls, emails and meetings done on a day of `window` (logged by `as_of`) on these accounts:
    Task AccountId or WhatId = the account, or WhoId = a Contact of it. One row per activity and account
    (`via`: the first link found). Columns: AccountId, Id, OwnerId, WhoId, kind, day, done_at, via."""
    done = activities_in(counted, window, as_of)
    rows = done[ROW].to_numpy()
    who = activities[T.WhoId].take(rows)
    candidates = [(activities[T.AccountId].take(rows), T.AccountId), (activities[T.WhatId].take(rows), T.WhatId)]
    if len(contacts):
        candidates.append((remap(who, pd.Series(contacts[C.AccountId].to_numpy(), index=contacts[C.Id].to_numpy())),
                           "Contact.AccountId"))
    hits = [(among(values, account_ids), values, via) for values, via in candidates]  # three links, not rows
    links = pd.concat([pd.DataFrame({"_at": np.flatnonzero(hit), ACCOUNT_ID: values.to_numpy(dtype=object)[hit],
                                     LINK: via}) for hit, values, via in hits], ignore_index=True)
    links = links.drop_duplicates(["_at", ACCOUNT_ID])
    at, picked = links["_at"].to_numpy(), rows[links["_at"].to_numpy()]
    return pd.DataFrame({ACCOUNT_ID: links[ACCOUNT_ID].to_numpy(), T.Id: activities[T.Id].array[picked],
                         T.OwnerId: activities[T.OwnerId].array[picked], T.WhoId: who.array[at],
                         KIND: done[KIND].astype(str).array[at], DAY: done[DAY].array[at],
                         DONE_AT: done[DONE_AT].array[at], LINK: links[LINK].to_numpy()}).astype(
        {ACCOUNT_ID: "str", LINK: "str"})


def coverage(pairs: pd.DataFrame, linked: pd.DataFrame, deals: pd.DataFrame, window: Period) -> pd.DataFrame:
    """`assignments` with, per named account over `window`: whether a call or email touched it, the day of the
    latest, the meetings on it (`linked`: account_activities) and the opportunities created on it (`deals`: as they
    stood, with their created day)."""
    calls = linked.loc[linked[KIND].isin(_CALLS_AND_EMAILS)]
    meetings = linked.loc[linked[KIND].eq(ActivityKind.MEETING.value)].groupby(ACCOUNT_ID).size()
    created = deals.loc[window.contains(deals[CREATED_DAY]).to_numpy() & deals[O.AccountId].notna().to_numpy()]
    last = calls.groupby(ACCOUNT_ID)[DAY].max().reindex(pairs[ACCOUNT_ID].to_numpy()).set_axis(pairs.index)
    return pairs.assign(**{
        TOUCHED: last.notna().to_numpy(), LAST_TOUCH: last,
        MEETINGS: remap(pairs[ACCOUNT_ID], meetings).fillna(0).astype(int),
        OPPORTUNITIES: remap(pairs[ACCOUNT_ID], created.groupby(O.AccountId).size()).fillna(0).astype(int)})


def touched_counts(pairs: pd.DataFrame, linked: pd.DataFrame) -> pd.DataFrame:
    """Per ADR (index OwnerId) of `assignments` pairs: named accounts and those a call or email of `linked`
    (account_activities) touched: the scorecard's two counts, without the rest of `coverage`."""
    calls = linked.loc[linked[KIND].isin(_CALLS_AND_EMAILS).to_numpy(), ACCOUNT_ID]
    touched = pd.Series(among(pairs[ACCOUNT_ID], calls), index=pairs.index)
    return pd.DataFrame({NAMED: pairs.groupby(OWNER_ID).size(),
                         TOUCHED_30D: touched.groupby(pairs[OWNER_ID]).sum()}).astype(int)


def rep_figures(rows: pd.DataFrame) -> pd.DataFrame:
    """Per ADR (index OwnerId) over `coverage` rows: named accounts, those touched, coverage (touched / named),
    meetings and opportunities created on them. ADRs without named accounts are absent (their coverage is null)."""
    by = rows.groupby(OWNER_ID)
    figures = pd.DataFrame({NAMED: by.size(), TOUCHED_30D: by[TOUCHED].sum(), MEETINGS_30D: by[MEETINGS].sum(),
                            OPPORTUNITIES_30D: by[OPPORTUNITIES].sum()}).astype(int)
    return figures.assign(**{COVERAGE: named_coverage(figures)})


def named_coverage(figures: pd.DataFrame) -> pd.Series:
    """Touched / named, from the counts (so a team's is its sums' ratio); NaN without named accounts."""
    return figures[TOUCHED_30D] / figures[NAMED].where(figures[NAMED] > 0)


def untouched(rows: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
    """The named accounts of `coverage` rows that no call or email touched in the window, with the account's name
    and owner, by ADR and name."""
    cold = rows.loc[~rows[TOUCHED]]
    names = accounts.set_index(A.Id)
    return cold.assign(**{A.Name: remap(cold[ACCOUNT_ID], names[A.Name]),
                          "account_owner": remap(cold[ACCOUNT_ID], names[A.OwnerId])}).sort_values(
        [OWNER_ID, A.Name], kind="stable").reset_index(drop=True)


def gaps(contacts: pd.DataFrame, activities: pd.DataFrame) -> list[str]:
    """What the data lacks for named-account coverage, with what to export."""
    on_contacts = (activities[T.WhoId].str.startswith("003").fillna(False) & activities[T.AccountId].isna()
                   & activities[T.WhatId].isna())
    if len(contacts) or not on_contacts.any():
        return []
    n = int(on_contacts.sum())
    return [f"Contact.csv is missing or empty, and {n:,} activit{'y names' if n == 1 else 'ies name'} a contact but "
            "no account: they touch no named account. Export Contact (Id, AccountId), or Task.AccountId"]
