import pandas as pd
import pytest

from factories import org, uid, user
from kpi import customers
from kpi.periods import FiscalCalendar
from kpi.summary import customer_view, deals_as_of, prepare

AS_OF = pd.Timestamp("2026-11-24")  # FY2026 Q4: 1 Oct - 31 Dec
R1 = user(1)
A1, A2, A3, A4, A5 = (uid("001", n) for n in range(1, 6))
NY = "America/New_York"


def won(n: int, account: str, amount: float, close: str, typ: str = "New Business", won_: bool = True,
        closed: bool = True) -> dict:
    return {"Id": uid("006", n), "AccountId": account, "OwnerId": R1, "Amount": amount, "CloseDate": close,
            "IsWon": won_, "IsClosed": closed, "Type": typ, "CreatedDate": "2025-06-01T15:00:00Z"}


def call(n: int, what: str, done: str) -> dict:
    return {"Id": uid("00T", n), "OwnerId": R1, "WhatId": what, "TaskSubtype": "Call", "Status": "Completed",
            "CompletedDateTime": f"{done}T15:00:00Z"}


@pytest.fixture(scope="module")
def view():
    """A1's first deal closed exactly 12 months before the as-of date (new), A2's 12 months and one day before
    (not new). A3 bought in September and upgraded in November (month 2). A5 bought little in October. A1 lost
    its renewal this quarter; A2 renewed; A4's renewal is still open (A4 has no won deal: no customer)."""
    facts = prepare(org(
        users=[{"Id": R1, "Name": "Rita One", "IsActive": True, "Department": "SMB", "TimeZoneSidKey": NY}],
        accounts=[{"Id": a, "Name": f"Account {i}", "OwnerId": R1, "Type": "Customer - Direct"}
                  for i, a in enumerate((A1, A2, A3, A4, A5), start=1)]
        + [{"Id": uid("001", 6), "Name": "Gone Ltd", "OwnerId": R1, "Type": "Former Customer"}],
        opportunities=[
            won(1, A1, 10_000, "2025-11-24"),
            won(2, A2, 7_000, "2025-11-23"),
            won(3, A3, 8_000, "2026-09-10"),
            won(4, A3, 4_000, "2026-11-05", "Existing Business - Upgrade"),
            won(5, A2, 9_000, "2026-11-10", "Existing Business - Renewal"),
            won(6, A1, 6_000, "2026-11-15", "Renewal", won_=False),
            won(7, A4, 3_000, "2026-12-20", "Renewal", won_=False, closed=False),
            won(8, A5, 1_000, "2026-10-01")],
        activities=[call(1, uid("006", 4), "2026-11-20"),  # on A3's upgrade deal
                    call(2, A5, "2026-11-23"),  # on A5 itself
                    call(3, A1, "2026-10-20")],  # A1: 35 days ago, outside the 30 days (26 Oct - 24 Nov)
    ))
    return customer_view(facts, AS_OF, FiscalCalendar(), pd.Index([R1]), deals_as_of(facts, AS_OF))


def test_new_means_a_first_deal_from_the_same_day_12_months_ago(view):
    assert sorted(view.new.index) == [A1, A3, A5]  # A2's first deal is a day too early


def test_bookings_to_date_against_the_ramp_of_earlier_customers(view):
    new = view.new
    # Bookings to month m: A1 10,000 throughout (its renewal was lost); A2 7,000, then 16,000 in month 12;
    # A3 8,000 in months 0-1, 12,000 from month 2 (the upgrade); A5 1,000.
    # Expected at month 2: the median over customers older than 2 months (A1 10,000, A2 7,000) = 8,500.
    assert new.loc[A3, ["age_months", "booked", "expected"]].tolist() == [2, 12_000, 8_500]
    assert new.loc[A3, ["new business", "upsell", "renewal"]].tolist() == [8_000, 4_000, 0]
    # Expected at month 1: median of A1 10,000, A2 7,000, A3 8,000 = 8,000; A5 has 1,000: 12.5%, below half.
    assert new.loc[A5, "share_of_expected"] == pytest.approx(1_000 / 8_000)
    assert pd.isna(new.loc[A1, "expected"])  # nobody is older than A1's 12 months


def test_under_performers_say_why(view):
    new = view.new
    assert new.loc[[A1, A3, A5], "underperforming"].tolist() == [True, False, True]
    assert new.loc[[A1, A5], "why"].tolist() == ["no activity in 30 days", "below the ramp"]
    assert new.loc[A3, "last_activity"] == pd.Timestamp("2026-11-20")  # logged on its deal


def test_an_upsell_lifts_its_cohort(view):
    september = view.cohorts.loc[pd.Timestamp("2026-09-01")]
    assert september[[0, 1, 2]].tolist() == [8_000, 8_000, 12_000]


def test_retention_renewals_won_lost_and_churn(view):
    assert view.figures == {
        "new_12m": 3,
        "underperforming": 2,  # A1 and A5
        "renewals_due_quarter": 3,  # A2 won 10 Nov, A1 lost 15 Nov, A4 open 20 Dec
        "renewals_won_qtd": 1,
        "renewals_lost_qtd": 1,
        "gross_renewal_rate": 0.6,  # 9,000 / (9,000 + 6,000)
        "churned_qtd": 1,  # A1: lost its renewal, renewed nothing
    }
    assert view.churned["AccountId"].tolist() == [A1]
    assert view.former["Name"].tolist() == ["Gone Ltd"]  # listed beside, not counted in churned_qtd
    assert view.retention.loc[R1, ["due", "won", "lost", "churned"]].tolist() == [3, 1, 1, 1]


def test_kinds_of_booking_come_from_the_type():
    deals = pd.DataFrame({"Type": ["New Business", "Existing Business - Upgrade", "Add-On", "Renewal 2026", None]})
    assert customers.kinds(deals).tolist() == ["new business", "upsell", "upsell", "renewal", "new business"]


def test_missing_renewal_types_say_what_to_configure():
    deals = pd.DataFrame({"Type": ["New Business", None]})
    assert customers.gaps(deals) == ["No Opportunity Type contains 'renewal': export Opportunity.Type, or set your "
                                     "renewal word under [customers] renewal_word in settings.toml"]


def test_the_ramp_is_read_per_team():
    # Older customers: X (SMB) booked 1,000 then 3,000 from month 1; Y (Mid-Market) 90,000 throughout.
    found = pd.DataFrame({customers.AGE: [4, 4, 0]}, index=["X", "Y", "Z"])
    booked = pd.DataFrame({"AccountId": ["X", "X", "Y", "Z"], "Amount": [1_000, 2_000, 90_000, 500],
                           customers.MONTH: [0, 1, 0, 0]})
    teams = pd.Series({"X": "SMB", "Y": "Mid-Market", "Z": "SMB"})
    ramps = customers.expected_ramp(customers.cumulative(booked, found), found, teams)
    assert ramps.loc["SMB", [0, 1, 3]].tolist() == [1_000, 3_000, 3_000]  # Z (age 0) is older than no month
    assert ramps.loc["Mid-Market", 1] == 90_000
