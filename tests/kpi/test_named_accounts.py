import pandas as pd
import pytest

from factories import table, uid, user
from kpi import named_accounts
from kpi.activity import counted_activities
from kpi.named_accounts import NamedAccountRules
from kpi.revenue import with_created_day

NY = "America/New_York"
R1, R2, S1, S2 = user(1), user(2), user(3), user(4)
ZONES = pd.Series({u: NY for u in (R1, R2, S1, S2)})
AS_OF = pd.Timestamp("2026-11-24")  # the 30 days ending on it: 26 October - 24 November
A1, A2, A3, A4, A5 = (uid("001", n) for n in range(1, 6))
K1 = uid("003", 1)

USERS = table("users", {"Id": R1, "Name": "Rita One", "Email": "rita@example.com"},
              {"Id": R2, "Name": "Raj Two", "Email": "raj@example.com"},
              {"Id": S1, "Name": "Sam Same"}, {"Id": S2, "Name": "Sam Same"})
ACCOUNTS = table("accounts", *({"Id": a, "Name": f"Account {a[-4]}", "OwnerId": S1,
                                "CreatedDate": "2025-01-05T15:00:00Z"} for a in (A1, A2, A3, A4)),
                 {"Id": A5, "Name": "Account 5", "OwnerId": S1, "CreatedDate": "2026-11-30T15:00:00Z"})  # later
CONTACTS = table("contacts", {"Id": K1, "AccountId": A2, "Name": "Kim Contact"})
FILE = table("named_accounts",
             {"owner": R1[:15], "account": A1[:15]},  # row 2: 15-character ids
             {"owner": " RITA@example.com", "account": A2},  # row 3: an email, any case
             {"owner": "Zed Nobody", "account": A3},  # row 4: no such user
             {"owner": "Raj Two", "account": uid("001", 9)},  # row 5: no such account
             {"owner": "Sam Same", "account": A4},  # row 6: two users bear the name
             {"owner": "raj two", "account": A3},  # row 7: a full name, any case
             {"owner": R2, "account": A5})  # row 8: the account did not exist yet on the as-of date


def act(n: int, at: str, kind: str = "Call", prefix: str = "00T", **links) -> dict:
    if prefix == "00U":
        return {"Id": uid(prefix, n), "OwnerId": S1, "IsEvent": True, "StartDateTime": at, **links}
    return {"Id": uid(prefix, n), "OwnerId": S1, "TaskSubtype": kind, "Status": "Completed", "CompletedDateTime": at,
            **links}


ACTIVITIES = table("activities",
                   act(1, "2026-11-20T15:00:00Z", WhoId=K1),  # on a contact of A2 only: touches A2
                   act(2, "2026-10-26T15:00:00Z", kind="Email", WhatId=A3),  # the window's first day: touches A3
                   act(3, "2026-10-25T15:00:00Z", AccountId=A1),  # a day before the window: no touch
                   act(4, "2026-11-10T15:00:00Z", prefix="00U", WhatId=A1),  # a meeting on A1: no touch
                   act(5, "2026-11-12T15:00:00Z", kind="Task", AccountId=A1))  # neither call nor email
DEALS = with_created_day(table("opportunities",
                               {"Id": uid("006", 1), "OwnerId": S1, "AccountId": A1, "Amount": 5_000,
                                "CloseDate": "2026-12-20", "CreatedDate": "2026-11-02T15:00:00Z"},
                               {"Id": uid("006", 2), "OwnerId": S1, "AccountId": A1, "Amount": 7_000,
                                "CloseDate": "2026-12-20", "CreatedDate": "2026-09-02T15:00:00Z"}), ZONES)


@pytest.fixture(scope="module")
def found():
    return named_accounts.assignments(FILE, USERS, ACCOUNTS, AS_OF)


def test_the_file_names_each_adrs_accounts_by_id_email_or_name(found):
    pairs, _ = found
    assert sorted(zip(pairs["OwnerId"], pairs["AccountId"], pairs["row"])) == [(R1, A1, 2), (R1, A2, 3), (R2, A3, 7)]
    assert set(pairs["source"]) == {"named_accounts.csv"}


def test_unknown_owners_and_accounts_are_reported_by_row(found):
    _, problems = found
    assert [str(p) for p in problems] == [
        "named_accounts.csv row 4, column owner: no user named 'Zed Nobody' (give a User Id, email or full name "
        "from User.csv)",
        f"named_accounts.csv row 5, column account: no account '{uid('001', 9)}' in Account.csv",
        "named_accounts.csv row 6, column owner: 2 users are named 'Sam Same': give the User Id or email instead"]


def test_coverage_over_the_last_30_days_through_the_account_or_its_contacts(found):
    pairs, _ = found
    window = NamedAccountRules().window(AS_OF)
    assert (window.start, window.end) == (pd.Timestamp("2026-10-26"), AS_OF)
    linked = named_accounts.account_activities(counted_activities(ACTIVITIES, ZONES), ACTIVITIES, CONTACTS,
                                               pairs["AccountId"], window, AS_OF)
    rows = named_accounts.coverage(pairs, linked, DEALS, window).set_index("AccountId")
    # A2 was touched through its contact only; A3 by an email on the window's first day; A1 by nothing (a call
    # the day before the window, a meeting, a plain task).
    assert rows["touched"].to_dict() == {A1: False, A2: True, A3: True}
    assert linked.set_index("AccountId").loc[A2, "via"] == "Contact.AccountId"
    assert (rows.loc[A1, "meetings"], rows.loc[A1, "opportunities"]) == (1, 1)  # the September deal is older
    figures = named_accounts.rep_figures(rows.reset_index())
    # Rita: A1 and A2 named, A2 touched: 1 / 2 = 50%. Raj: A3 of 1: 100%.
    assert figures.loc[R1, ["named_accounts", "named_touched_30d", "named_meetings_30d",
                            "named_opportunities_30d"]].tolist() == [2, 1, 1, 1]
    assert figures.loc[R1, "named_coverage"] == 0.5 and figures.loc[R2, "named_coverage"] == 1.0
    # The scorecard's two counts, read without the rest: the same.
    assert named_accounts.touched_counts(pairs, linked).to_dict("index") == {
        R1: {"named_accounts": 2, "named_touched_30d": 1}, R2: {"named_accounts": 1, "named_touched_30d": 1}}
    cold = named_accounts.untouched(rows.reset_index(), ACCOUNTS)
    assert cold[["OwnerId", "AccountId", "Name"]].values.tolist() == [[R1, A1, "Account 1"]]


def test_a_longer_window_reaches_further_back(found):
    pairs, _ = found
    window = NamedAccountRules(window_days=31).window(AS_OF)  # from 25 October: A1's call counts
    linked = named_accounts.account_activities(counted_activities(ACTIVITIES, ZONES), ACTIVITIES, CONTACTS,
                                               pairs["AccountId"], window, AS_OF)
    assert named_accounts.coverage(pairs, linked, DEALS, window)["touched"].all()


def test_without_a_file_the_account_field_then_ownership_names_them():
    empty = FILE.iloc[0:0]
    by_field = ACCOUNTS.assign(Named_ADR__c=[R2, None, None, R2, None])
    pairs, problems = named_accounts.assignments(empty, USERS, by_field, AS_OF)
    assert sorted(pairs["AccountId"]) == [A1, A4] and set(pairs["OwnerId"]) == {R2} and problems == []
    assert named_accounts.source_of(empty, by_field) == "Account.Named_ADR__c"
    owned, _ = named_accounts.assignments(empty, USERS, ACCOUNTS, AS_OF)
    # Every account S1 owns, but A5, created after the as-of date.
    assert sorted(owned["AccountId"]) == [A1, A2, A3, A4] and set(owned["source"]) == {"Account.OwnerId"}


def test_no_named_accounts_means_no_coverage_not_zero():
    figures = pd.DataFrame({"named_accounts": [0, 4], "named_touched_30d": [0, 1]})
    assert named_accounts.named_coverage(figures).isna().tolist() == [True, False]


def test_calls_on_contacts_without_a_contact_export_are_a_gap():
    said = named_accounts.gaps(CONTACTS.iloc[0:0], ACTIVITIES)
    assert len(said) == 1 and "1 activity names a contact but no account" in said[0] and "Export Contact" in said[0]
    assert named_accounts.gaps(CONTACTS, ACTIVITIES) == []


def test_named_accounts_of_some_adrs_only():
    pairs, problems = named_accounts.assignments(FILE, USERS, ACCOUNTS, AS_OF, pd.Index([R2]))
    assert pairs[["OwnerId", "AccountId"]].values.tolist() == [[R2, A3]]
    assert len(problems) == 3  # the file's problems are said whoever they name
    owned, _ = named_accounts.assignments(FILE.iloc[0:0], USERS, ACCOUNTS, AS_OF, pd.Index([R1]))
    assert owned.empty  # Rita owns no account
