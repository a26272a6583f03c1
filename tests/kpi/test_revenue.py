import math

import pandas as pd
import pytest

from factories import table, uid, user
from kpi.periods import FiscalCalendar
from kpi.revenue import burn_up, deal_totals, quota, with_created_day, with_rates

Q4 = FiscalCalendar(1).quarter(pd.Timestamp("2026-11-24"))  # 1 Oct - 31 Dec 2026
AS_OF = pd.Timestamp("2026-11-24")
ZONES = pd.Series({user(1): "America/New_York", user(2): "America/Los_Angeles"})


def deal(n: int, owner: int, amount: float, close: str, won: bool = False, closed: bool = False, **fields) -> dict:
    return {"Id": uid("006", n), "OwnerId": user(owner), "Amount": amount, "CloseDate": close,
            "IsWon": won, "IsClosed": closed or won, "CreatedDate": "2026-09-01T12:00:00Z", **fields}


def deals(*rows: dict) -> pd.DataFrame:
    return with_created_day(table("opportunities", *rows), ZONES)


def test_monthly_quota_rows_add_up_to_the_quarter_and_quantity_rows_are_ignored():
    rows = table("quotas",
                 *[{"QuotaOwnerId": user(1), "StartDate": f"2026-{m}-01", "QuotaAmount": 50_000} for m in (10, 11, 12)],
                 {"QuotaOwnerId": user(1), "StartDate": "2026-09-01", "QuotaAmount": 99_999},  # Q3: outside
                 {"QuotaOwnerId": user(1), "StartDate": "2026-10-01", "QuotaAmount": 7, "IsQuantity": True},
                 {"QuotaOwnerId": user(2), "StartDate": "2026-10-01", "QuotaAmount": 300_000})  # one quarterly row
    goals = pd.Series({user(2): 1.0, user(3): 120_000.0})  # a goals-file quota only counts without quota rows
    # Rep 1: 3 x 50,000 = 150,000; rep 2: its quarterly row 300,000; rep 3: the goals file 120,000.
    assert quota(rows, Q4, goals).to_dict() == {user(1): 150_000.0, user(2): 300_000.0, user(3): 120_000.0}


def test_won_closed_and_open_pipeline_per_owner():
    rows = deals(deal(1, 1, 40_000, "2026-10-15", won=True),
                 deal(2, 1, 10_000, "2026-11-24", won=True),  # closed on the as-of date: counts
                 deal(3, 1, 25_000, "2026-11-02", closed=True),  # lost
                 deal(4, 1, 60_000, "2026-11-30"),  # open, closes this quarter after the as-of date
                 deal(5, 1, 30_000, "2026-11-24"),  # open, closes on the as-of date: in the window
                 deal(6, 1, 90_000, "2026-11-20"),  # open but past its close date: not pipeline, not closed
                 deal(7, 1, 80_000, "2027-01-05"),  # next quarter
                 deal(8, 1, 5_000, "2026-09-30", won=True),  # last quarter
                 deal(9, 1, 70_000, "2026-11-01", won=True, CreatedDate="2026-11-25T12:00:00Z"))  # created later
    totals = deal_totals(rows, Q4, AS_OF).loc[user(1)]
    assert totals["revenue_qtd"] == 50_000  # 40,000 + 10,000
    assert totals["won_count_qtd"] == 2
    assert totals["closed_count_qtd"] == 3  # two won + one lost
    assert totals["open_pipeline"] == 90_000  # 60,000 + 30,000


def test_rates_from_hand_worked_totals():
    # 24 Nov is business day 39 of 66 in Q4 2026 (Oct: 22, Nov 2-24: 17; quarter: 22 + 21 + 23 = 66).
    share = 39 / 66
    totals = pd.DataFrame({"revenue_qtd": [60_000.0, 0.0, 200_000.0, 5_000.0],
                           "quota_quarter": [150_000.0, 100_000.0, 150_000.0, math.nan],
                           "open_pipeline": [180_000.0, 0.0, 50_000.0, 10_000.0],
                           "won_count_qtd": [3, 0, 4, 1], "closed_count_qtd": [4, 0, 4, 1]})
    rates = with_rates(totals, share)
    # Rep 0: attainment 60k/150k = 0.4; pace 0.4 * 66/39 = 26.4/39; projection 60k * 66/39 = 3,960,000/39;
    # coverage 180k / (150k - 60k) = 2.0; win rate 3/4.
    assert rates.loc[0, "attainment"] == pytest.approx(0.4)
    assert rates.loc[0, "pace"] == pytest.approx(26.4 / 39)  # 0.677
    assert rates.loc[0, "projection"] == pytest.approx(3_960_000 / 39)  # 101,538
    assert rates.loc[0, "coverage"] == pytest.approx(2.0)
    assert rates.loc[0, "win_rate"] == pytest.approx(0.75)
    # Rep 1: nothing closed: win rate undefined, not 0; coverage 0 / 100k = 0.
    assert math.isnan(rates.loc[1, "win_rate"]) and rates.loc[1, "coverage"] == 0
    # Rep 2: quota already met: coverage is empty.
    assert math.isnan(rates.loc[2, "coverage"]) and rates.loc[2, "attainment"] == pytest.approx(4 / 3)
    # Rep 3: no quota: attainment, pace and coverage empty; projection still 5,000 * 66/39 = 8,461.5.
    assert rates.loc[3, ["attainment", "pace", "coverage"]].isna().all()
    assert rates.loc[3, "projection"] == pytest.approx(330_000 / 39)


def test_rates_before_the_first_business_day_are_empty():
    rates = with_rates(pd.DataFrame({"revenue_qtd": [0.0], "quota_quarter": [1.0], "open_pipeline": [0.0],
                                     "won_count_qtd": [0], "closed_count_qtd": [0]}), None)
    assert rates.loc[0, ["pace", "projection"]].isna().all() and rates.loc[0, "attainment"] == 0


def test_burn_up_accumulates_won_by_close_date():
    rows = deals(deal(1, 1, 10_000, "2026-10-02", won=True), deal(2, 1, 5_000, "2026-10-04", won=True),
                 deal(3, 2, 7_000, "2026-10-03", won=True))  # another owner
    won = burn_up(rows, Q4, pd.Timestamp("2026-10-05"), pd.Index([user(1)]))
    assert won["won"].tolist() == [0, 10_000, 10_000, 15_000, 15_000]  # 1st to 5th October
