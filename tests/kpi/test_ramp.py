import numpy as np
import pandas as pd
import pytest

from factories import table, uid, user
from kpi import ramp
from kpi.activity import counted_activities
from kpi.funnel import DAY, LEAD_ID, OWNER_ID, REACHED_AT, STAGE
from kpi.people import roster
from kpi.periods import FiscalCalendar, Period, business_days, iso_week
from kpi.revenue import with_created_day

R1, R2, R3, R4, R5 = (user(n) for n in range(1, 6))
UTC = pd.Series("UTC", index=[R1, R2, R3, R4, R5])
day = pd.Timestamp


def hires(**days: str | None) -> pd.Series:
    """Rep id (R1...) -> hire day."""
    ids = {"R1": R1, "R2": R2, "R3": R3, "R4": R4, "R5": R5}
    return pd.Series({ids[r]: day(d) if d else pd.NaT for r, d in days.items()}, dtype="datetime64[us]")


# --- hire days and gaps ---------------------------------------------------------------------------------------

def test_created_date_is_the_day_the_user_was_created_in_their_zone():
    users = table("users", {"Id": R1, "Name": "New Hire", "TimeZoneSidKey": "America/Los_Angeles",
                            "CreatedDate": "2026-10-13T03:00:00Z"},  # still the 12th in Los Angeles
                  {"Id": R2, "Name": "No Date"})
    people = roster(users, table("user_roles"))
    found = ramp.hire_days(people, users)
    assert found[R1] == day("2026-10-12")
    assert pd.isna(found[R2])
    assert ramp.hire_days(people.set_index("Id"), users).equals(found)  # people.reps output is indexed by id


def test_a_hire_date_field_is_taken_as_it_is():
    users = table("users", {"Id": R1, "Name": "A"}, {"Id": R2, "Name": "B"}).assign(
        Hire_Date__c=pd.to_datetime(["2026-03-02", None]))
    found = ramp.hire_days(roster(users, table("user_roles")), users, ramp.RampRules("Hire_Date__c"))
    assert found[R1] == day("2026-03-02")
    assert pd.isna(found[R2])


def test_gaps_name_the_missing_or_empty_field_and_what_to_do():
    rules = ramp.RampRules("Hire_Date__c")
    users = table("users", {"Id": R1, "Name": "A"}).drop(columns="Hire_Date__c", errors="ignore")
    missing = ramp.gaps(users, rules)
    assert len(missing) == 1
    assert "User.Hire_Date__c is not in the Users table" in missing[0]
    assert "mapping.toml [users]" in missing[0] and 'hire_date_field = "CreatedDate"' in missing[0]
    empty = ramp.gaps(users.assign(Hire_Date__c=pd.NaT), rules)
    assert len(empty) == 1 and "User.Hire_Date__c is empty for every user" in empty[0]
    assert ramp.gaps(users.assign(Hire_Date__c=pd.Timestamp("2026-01-05")), rules) == []
    assert ramp.gaps(table("users", {"Id": R1, "Name": "A", "CreatedDate": "2026-01-05T12:00:00Z"})) == []


# --- tenure ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("hired, on, months", [
    ("2026-07-15", "2026-07-14", None),  # the day before the hire day: not hired yet
    ("2026-07-15", "2026-07-15", 0),
    ("2026-07-15", "2026-08-14", 0),  # the day before the first anniversary
    ("2026-07-15", "2026-08-15", 1),
    ("2026-07-15", "2026-11-14", 3),
    ("2026-07-15", "2026-11-15", 4),
    ("2026-01-31", "2026-02-27", 0),
    ("2026-01-31", "2026-02-28", 1),  # no 31 February: month 1 starts on the month's last day
    ("2026-01-31", "2026-03-30", 1),
    ("2026-01-31", "2026-03-31", 2),
    ("2024-01-31", "2024-02-28", 0),  # leap year: month 1 starts on 29 February
    ("2024-01-31", "2024-02-29", 1),
    ("2025-11-10", "2026-11-24", 12),  # across a year end
    (None, "2026-11-24", None),
])
def test_tenure_month_on_a_day(hired, on, months):
    found = ramp.tenure_months(hires(R1=hired), day(on))[R1]
    assert pd.isna(found) if months is None else found == months


def test_ramping_in_months_0_to_5():
    tenure = pd.Series([0, 5, 6, None], index=[R1, R2, R3, R4], dtype="Int64")
    assert ramp.ramping(tenure).tolist() == [True, True, False, False]  # unknown: not ramping


# --- ramped targets -------------------------------------------------------------------------------------------

QUARTER = FiscalCalendar().quarter(day("2026-11-15"))  # FY2026 Q4: 1 Oct - 31 Dec 2026


def test_a_rep_hired_mid_quarter_with_a_ramped_target():
    # Business days of the quarter (Mon-Fri): October 22 (1 Oct is a Thursday, 31 Oct a Saturday),
    # 2 Nov - 1 Dec 22 (November 2-30 is 21, plus Tuesday 1 Dec), 2-31 Dec 22: 66 in all (not 65).
    assert business_days(QUARTER.start, QUARTER.end) == 66
    # R1 hired Monday 2 Nov: October before the hire day at share 0, tenure month 0 (2 Nov - 1 Dec) at 0.2,
    # month 1 (2 Dec - 1 Jan) at 0.4 -> (22 x 0 + 22 x 0.2 + 22 x 0.4) / 66 = 13.2 / 66 = 0.2 of 90,000 = 18,000.
    # R2 hired long ago gets the full 90,000; R3's hire day is unknown: full; R4 has no full target: NaN.
    full = pd.Series([90_000.0, 90_000.0, 90_000.0, np.nan], index=[R1, R2, R3, R4])
    hired = hires(R1="2026-11-02", R2="2025-01-15", R3=None, R4="2026-11-02")
    assert ramp.ramped_target(full, hired, QUARTER).tolist() == pytest.approx([18_000, 90_000, 90_000, np.nan],
                                                                                nan_ok=True)


def test_a_week_across_the_anniversary_and_the_end_of_ramp():
    week = iso_week(day("2026-11-30"))  # Monday 30 Nov - Sunday 6 Dec
    # R1 hired 2 Nov: Mon 30 Nov, Tue 1 Dec in month 0 (0.2), Wed 2 - Fri 4 Dec in month 1 (0.4):
    # (2 x 0.2 + 3 x 0.4) / 5 = 1.6 / 5 = 0.32 of 10,000 = 3,200.
    # R2 hired 3 Jun: month 5 (share 1.0) from 3 Nov, month 6 (past ramp) from 3 Dec: 10,000.
    # R3 hired 3 Aug: month 3 (0.8) 3 Nov - 2 Dec, month 4 (1.0) from 3 Dec: (3 x 0.8 + 2 x 1.0) / 5 = 0.88.
    # R4 hired Thu 3 Dec: 0 on Mon-Wed, 0.2 on Thu, Fri: (2 x 0.2) / 5 = 0.08.
    full = pd.Series(10_000.0, index=[R1, R2, R3, R4])
    hired = hires(R1="2026-11-02", R2="2026-06-03", R3="2026-08-03", R4="2026-12-03")
    assert ramp.ramped_target(full, hired, week).tolist() == pytest.approx([3_200, 10_000, 8_800, 800])


def test_shorter_ramps_and_share_tuples():
    # Ramp of 2 months with a single share: month 0 at 0.5, month 1 beyond the tuple at 1.0.
    rules = ramp.RampRules(months=2, shares=(0.5,))
    month = Period(day("2026-11-02"), day("2026-11-06"), "week")  # Mon-Fri, all in R1's month 0
    full = pd.Series(1_000.0, index=[R1, R2])
    hired = hires(R1="2026-10-15", R2="2026-09-15")  # R2 in month 1 (beyond the tuple)
    assert ramp.ramped_target(full, hired, month, rules).tolist() == [500, 1_000]


# --- the ramp curve -------------------------------------------------------------------------------------------

AS_OF, DATA_START = day("2026-11-24"), day("2026-01-01")
ROLES = pd.Series({R1: "AE", R2: "AE", R3: "AE", R4: "SDR"})
# Tenure months lying wholly inside the data (1 Jan - 24 Nov 2026):
#   R1 (AE) hired 10 Nov 2025: months 0-1 began before 1 Jan; months 2 (10 Jan - 9 Feb) to 5 (10 Apr - 9 May).
#   R2 (AE) hired 15 Sep 2026: months 0 (15 Sep - 14 Oct) and 1 (15 Oct - 14 Nov); month 2 ends 14 Dec.
#   R3 (AE) hired 1 Mar 2026: all six, months 0 (March) to 5 (August).
#   R4 (SDR) hired 1 Feb 2026: all six. R5 has no hire day: absent.
HIRED = hires(R1="2025-11-10", R2="2026-09-15", R3="2026-03-01", R4="2026-02-01", R5=None)


def _call(n: int, owner: str, done: str) -> dict:
    return {"Id": uid("00T", n), "OwnerId": owner, "TaskSubtype": "Call", "Status": "Completed",
            "CompletedDateTime": f"{done}T12:00:00Z"}


def _reached(n: int, stage: str, owner: str, on: str) -> dict:
    return {LEAD_ID: uid("00Q", n), STAGE: stage, REACHED_AT: pd.NaT, DAY: day(on), OWNER_ID: owner}


def _deal(n: int, owner: str, amount: float, created: str, close: str, won: bool = False) -> dict:
    return {"Id": uid("006", n), "OwnerId": owner, "Amount": amount, "CreatedDate": f"{created}T12:00:00Z",
            "CloseDate": close, "IsWon": won, "IsClosed": won}


CALLS = [
    *(_call(n, R2, "2026-09-20") for n in range(1, 5)),  # R2 month 0: 4
    _call(5, R3, "2026-03-05"), _call(6, R3, "2026-03-31"),  # R3 month 0: 2 (31 Mar is its last day)
    _call(7, R2, "2026-10-15"),  # R2 month 1: 1 (15 Oct is its first day)
    *(_call(n, R1, "2026-01-12") for n in range(8, 13)),  # R1 month 2: 5
    _call(13, R3, "2026-05-01"),  # R3 month 2: 1
    _call(14, R1, "2025-12-15"),  # R1 month 1: before the data, not counted
    _call(15, R2, "2026-11-20"),  # R2 month 2: not over yet, not counted
    *(_call(n, R4, "2026-02-10") for n in range(16, 23)),  # R4 (SDR) month 0: 7
]
STAGES = pd.DataFrame([
    _reached(1, "sql", R3, "2026-03-10"),  # R3 month 0
    _reached(2, "sql", R2, "2026-10-20"), _reached(3, "sql", R2, "2026-11-01"),  # R2 month 1: 2
    _reached(4, "sal", R1, "2026-02-20"),  # R1 month 3
    _reached(5, "sql", R3, "2026-02-20"),  # before R3's hire day: nobody's month
    _reached(6, "sql", None, "2026-03-10"),  # a queue's
])
DEALS = [
    _deal(1, R3, 10_000, "2026-04-05", "2026-05-20", won=True),  # R3: created in month 1, won in month 2
    _deal(2, R1, 30_000, "2026-01-20", "2026-12-20"),  # R1: created in month 2, still open
]


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    counted = counted_activities(table("activities", *CALLS), UTC)
    deals = with_created_day(table("opportunities", *DEALS), UTC)
    return ramp.monthly(HIRED, AS_OF, DATA_START, counted, STAGES, deals, 6)


def test_monthly_rows_are_the_complete_tenure_months_inside_the_data(rows):
    months = rows.groupby(ramp.OWNER)[ramp.TENURE_MONTH].apply(list).to_dict()
    assert months == {R1: [2, 3, 4, 5], R2: [0, 1], R3: [0, 1, 2, 3, 4, 5], R4: [0, 1, 2, 3, 4, 5]}
    r3 = rows.loc[rows[ramp.OWNER] == R3].set_index(ramp.TENURE_MONTH)
    assert r3["activities"].tolist() == [2, 0, 1, 0, 0, 0]  # a quiet complete month is 0
    assert r3["sql"].tolist() == [1, 0, 0, 0, 0, 0]
    assert r3["pipeline_created"].tolist() == [0, 10_000, 0, 0, 0, 0]
    assert r3["won"].tolist() == [0, 0, 10_000, 0, 0, 0]


def test_a_ramp_curve_from_three_earlier_hires_with_different_lengths_of_data(rows):
    curve = ramp.curve(rows, ROLES).set_index(["role", ramp.TENURE_MONTH])
    ae = curve.loc["AE"]
    # Month 0: R2 and R3 (R1's began before the data). Activities 4 and 2 -> 3; SQLs 0 and 1 -> 0.5.
    # Month 1: R2 and R3. Activities 1 and 0 -> 0.5; SQLs 2 and 0 -> 1; pipeline 0 and 10,000 -> 5,000.
    # Month 2: R1 and R3 (R2's is not over). Activities 5 and 1 -> 3; pipeline 30,000 and 0 -> 15,000;
    #          won 0 and 10,000 -> 5,000.
    # Month 3: R1 and R3. SALs 1 and 0 -> 0.5. Months 4-5: R1 and R3, nothing: 0.
    assert ae[ramp.REPS].tolist() == [2, 2, 2, 2, 2, 2]
    assert ae["activities"].tolist() == [3, 0.5, 3, 0, 0, 0]
    assert ae["sql"].tolist() == [0.5, 1, 0, 0, 0, 0]
    assert ae["sal"].tolist() == [0, 0, 0, 0.5, 0, 0]
    assert ae["pipeline_created"].tolist() == [0, 5_000, 15_000, 0, 0, 0]
    assert ae["won"].tolist() == [0, 0, 5_000, 0, 0, 0]
    # The SDR curve is R4's alone: 7 activities in month 0.
    sdr = curve.loc["SDR"]
    assert sdr[ramp.REPS].tolist() == [1] * 6
    assert sdr["activities"].tolist() == [7, 0, 0, 0, 0, 0]


def test_a_curve_with_no_data_is_empty():
    counted = counted_activities(table("activities"), UTC)
    deals = with_created_day(table("opportunities"), UTC)
    rows = ramp.monthly(hires(R1="2026-11-01"), AS_OF, DATA_START, counted, STAGES.iloc[:0], deals, 6)
    assert rows.empty and list(rows.columns) == [ramp.OWNER, ramp.TENURE_MONTH, *ramp.FIGURES]
    assert ramp.curve(rows, ROLES).empty


# --- firsts ---------------------------------------------------------------------------------------------------

def test_days_to_first_sql_and_win_ignore_records_before_the_hire_day():
    # R3 hired 1 Mar: an SQL on 20 Feb (before: ignored), then 10 Mar -> 9 days. A win closed 25 Feb
    # (ignored), a loss on 1 Apr (not a win), then a win on 20 May -> 31 (Mar) + 30 (Apr) + 19 = 80 days.
    # R2 hired 15 Sep: SQL on 20 Oct -> 35 days; no win: NaN. R5's hire day is unknown: NaN.
    deals = table("opportunities", _deal(1, R3, 1, "2026-01-10", "2026-02-25", won=True),
                  _deal(2, R3, 1, "2026-03-10", "2026-04-01"),
                  _deal(3, R3, 1, "2026-03-10", "2026-05-20", won=True))
    found = ramp.firsts(HIRED[[R2, R3, R5]], STAGES, deals)
    assert found.loc[R3].tolist() == [9, 80]
    assert found.loc[R2, ramp.DAYS_TO_FIRST_SQL] == 35 and pd.isna(found.loc[R2, ramp.DAYS_TO_FIRST_WIN])
    assert found.loc[R5].isna().all()
