"""The weekly review model on a hand-built week (Tue 24 Nov 2026; last week's same days: Mon 16 - Tue 17)."""

import pandas as pd
import pytest

from factories import org, uid, user
from kpi.review import weekly_review
from kpi.summary import prepare

ANN = user(1)
TUE = pd.Timestamp("2026-11-24")


def call(n: int, at: str) -> dict:
    return {"Id": uid("00T", n), "OwnerId": ANN, "TaskSubtype": "Call", "Status": "Completed", "CompletedDateTime": at}


def deal(n: int, amount: float, close: str, won: bool = True, created: str = "2026-10-01T09:00:00Z",
         name: str | None = None) -> dict:
    return {"Id": uid("006", n), "Name": name or f"Deal {n}", "OwnerId": ANN, "Amount": amount, "CloseDate": close,
            "IsWon": won, "IsClosed": won, "StageName": "Closed Won" if won else "Prospecting",
            "CreatedDate": created}


def ann_org(name: str = "Ann Lee", deal_name: str | None = None):
    return org(
        users=[{"Id": ANN, "Name": name, "IsActive": True, "Department": "SMB", "TimeZoneSidKey": "UTC"}],
        activities=[call(1, "2026-11-23T10:00:00Z"), call(2, "2026-11-24T10:00:00Z"), call(3, "2026-11-24T11:00:00Z"),
                    call(4, "2026-11-17T10:00:00Z"),  # last week, Tuesday: inside the same days
                    call(5, "2026-11-18T10:00:00Z")],  # last week, Wednesday: after them
        opportunities=[deal(1, 5_000, "2026-11-23", name=deal_name), deal(2, 2_000, "2026-11-17"),
                       deal(3, 7_000, "2026-12-15", won=False, created="2026-11-24T09:00:00Z")],
        quotas=[{"QuotaOwnerId": ANN, "StartDate": "2026-10-01", "QuotaAmount": 100_000}],
        goals=[{"owner": "*", "metric": "calls", "period": "day", "target": 2}])


@pytest.fixture(scope="module")
def review():
    return weekly_review(prepare(ann_org()), TUE)


def test_this_week_is_set_against_the_same_days_last_week(review):
    weekly = review.weekly
    # Calls Mon 23 + 2 on Tue 24 = 3, against Tue 17 only (Wed 18 is after the same days): +2.
    assert weekly.loc["activities_week"].tolist() == [3, 1, 2]
    # Won 5,000 this week (23 Nov) against 2,000 (17 Nov); 7,000 created on 24 Nov against nothing.
    assert weekly.loc["won_week"].tolist() == [5_000, 2_000, 3_000]
    assert weekly.loc["pipeline_created_week"].tolist() == [7_000, 0, 7_000]
    assert review.rep_weekly.loc[(ANN, "won_week"), "change"] == 3_000


def test_goals_wins_and_risks(review):
    # Two calls on the as-of day against a daily target of 2: hit.
    assert review.goals_hit.loc[(ANN, "calls_target_day")].tolist() == [2, 2, True]
    assert review.wins["Amount"].tolist() == [5_000] and review.wins["rep"].tolist() == ["Ann Lee"]
    # 7,000 won of 100,000 with 39 of 66 business days gone: pace 0.07 / (39/66) = 0.118, behind.
    assert review.behind_pace["pace"].iloc[0] == pytest.approx(0.07 / (39 / 66))
