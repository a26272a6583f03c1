import pandas as pd

from factories import table, uid, user
from kpi.funnel import (Stage, cohort_conversion, conversions, funnel_cohorts, handoffs, stage_counts,
                        stages_reached, weekly_stage_counts)
from kpi.periods import Period, iso_week, month

NY, LA = "America/New_York", "America/Los_Angeles"
ZONES = pd.Series({user(1): NY, user(2): LA})
QUEUE = uid("00G", 1)
TUE = pd.Timestamp("2026-11-24")


def lead(n: int, **fields) -> dict:
    return {"Id": uid("00Q", n), "OwnerId": user(1), "Status": "Open - Not Contacted", **fields}


def status(n: int, new: str, at: str) -> dict:
    return {"LeadId": uid("00Q", n), "Field": "Status", "NewValue": new, "CreatedDate": at}


def owner_change(n: int, old: str, new: str, at: str) -> list[dict]:
    """Salesforce writes one owner change twice: a row with names and a row with ids."""
    return [{"LeadId": uid("00Q", n), "Field": "Owner", "DataType": "Text", "OldValue": f"name of {old}",
             "NewValue": f"name of {new}", "CreatedDate": at},
            {"LeadId": uid("00Q", n), "Field": "Owner", "DataType": "EntityId", "OldValue": old,
             "NewValue": new, "CreatedDate": at}]


def reached(leads, history):
    """The stage rows indexed by (lead, stage)."""
    return stages_reached(table("leads", *leads), table("lead_history", *history), ZONES).set_index(["LeadId", "stage"])


def day_of(rows, n, stage):
    return f"{rows.loc[(uid('00Q', n), stage), 'day']:%Y-%m-%d}"


def test_a_lead_that_reached_sal_twice_counts_once_on_the_first_day():
    history = [status(1, "SAL", "2026-11-02T15:00:00Z"), status(1, "Recycled", "2026-11-05T15:00:00Z"),
               status(1, "Sales Accepted", "2026-11-24T15:00:00Z")]
    rows = reached([lead(1, Status="Sales Accepted")], history)
    assert day_of(rows, 1, "sal") == "2026-11-02"
    # Counted in November's month (first reach on the 2nd), not in the week of the second reach.
    assert stage_counts(rows.reset_index(), month(TUE).through(TUE)).loc[user(1), "sal"] == 1
    assert stage_counts(rows.reset_index(), iso_week(TUE)).reindex([user(1)], fill_value=0).loc[user(1), "sal"] == 0


def test_history_wins_per_lead_and_stage_and_date_fields_fill_the_rest():
    leads = [lead(1, MQL_Date__c="2026-10-01", SAL_Date__c="2026-10-03"),
             lead(2, SAL_Date__c="2026-11-10"),  # no history at all: date fields only
             lead(3, IsConverted=True, ConvertedDate="2026-11-12")]  # converted with no SQL date
    history = [status(1, "MQL", "2026-10-02T14:00:00Z")]  # lead 1 has history for MQL only
    rows = reached(leads, history)
    assert day_of(rows, 1, "mql") == "2026-10-02"  # history, not the field's Oct 1
    assert day_of(rows, 1, "sal") == "2026-10-03"  # no SAL history row: the field
    assert pd.isna(rows.loc[(uid("00Q", 1), "sal"), "reached_at"])  # a date gives no time
    assert day_of(rows, 2, "sal") == "2026-11-10"
    assert day_of(rows, 3, "sql") == "2026-11-12"  # SQL on ConvertedDate
    assert len(rows) == 4


def test_stage_day_is_in_the_owner_zone():
    # 2026-11-24 04:00 UTC is 23:00 on the 23rd in New York.
    rows = reached([lead(1)], [status(1, "MQL", "2026-11-24T04:00:00Z")])
    assert day_of(rows, 1, "mql") == "2026-11-23"


def test_a_lead_counts_for_its_owner_at_the_time_read_from_the_id_rows():
    history = [status(1, "SAL", "2026-11-02T15:00:00Z"),
               *owner_change(1, user(1), user(2), "2026-11-03T15:00:00Z"),  # handed to rep 2 after SAL
               status(1, "SQL", "2026-11-04T15:00:00Z")]
    rows = reached([lead(1, OwnerId=user(2))], history)
    assert rows.loc[(uid("00Q", 1), "sal"), "OwnerId"] == user(1)  # before the change: the old owner
    assert rows.loc[(uid("00Q", 1), "sql"), "OwnerId"] == user(2)  # after: the current owner


def test_a_lead_a_queue_owned_counts_for_nobody():
    history = [status(1, "MQL", "2026-11-02T15:00:00Z"),
               *owner_change(1, QUEUE, user(1), "2026-11-02T16:00:00Z"),
               status(1, "SAL", "2026-11-03T15:00:00Z")]
    rows = reached([lead(1)], history)
    assert pd.isna(rows.loc[(uid("00Q", 1), "mql"), "OwnerId"])
    assert rows.loc[(uid("00Q", 1), "sal"), "OwnerId"] == user(1)
    counts = stage_counts(rows.reset_index(), month(pd.Timestamp("2026-11-03")))
    assert counts.loc[user(1)].to_dict() == {"mql": 0, "sal": 1, "sql": 0}


def test_weekly_counts_index_weeks_by_monday():
    leads = [lead(1, SAL_Date__c="2026-11-03"), lead(2, SAL_Date__c="2026-11-04"), lead(3, SAL_Date__c="2026-11-17")]
    rows = stages_reached(table("leads", *leads), table("lead_history"), ZONES)
    weekly = weekly_stage_counts(rows, Period(pd.Timestamp("2026-11-02"), TUE, "q"), pd.Index([user(1)]))
    # Weeks of 2, 9, 16 and 23 November: 2 SALs, 0, 1, 0.
    assert weekly.index.strftime("%d").tolist() == ["02", "09", "16", "23"]
    assert weekly["sal"].tolist() == [2, 0, 1, 0]


def test_an_owner_change_in_the_same_save_as_the_stage_gives_the_lead_to_the_new_owner():
    # "The owner at a moment is the OldValue of the first Owner row *after* that moment": a row written at the
    # same instant (one save that accepts the lead and reassigns it) is not after it, so rep 2 is credited.
    history = [status(1, "SAL", "2026-11-03T15:00:00Z"), *owner_change(1, user(1), user(2), "2026-11-03T15:00:00Z")]
    rows = reached([lead(1, OwnerId=user(2))], history)
    assert rows.loc[(uid("00Q", 1), "sal"), "OwnerId"] == user(2)


def test_a_stage_first_reached_after_the_as_of_day_is_not_counted_then():
    rows = stages_reached(table("leads", lead(1)), table("lead_history", status(1, "SAL", "2026-11-25T15:00:00Z")),
                          ZONES)
    assert stage_counts(rows, month(TUE).through(TUE)).empty  # reached on the 25th: after the as-of date
    assert stage_counts(rows, month(TUE)).loc[user(1), "sal"] == 1  # the whole month does count it


def stage_row(n: int, stage: str, day: str, owner: str | None = None) -> dict:
    return {"LeadId": uid("00Q", n), "stage": stage, "reached_at": pd.NaT, "day": pd.Timestamp(day),
            "OwnerId": owner or user(1)}


def stage_rows(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["LeadId", "stage", "reached_at", "day", "OwnerId"])


QTD = Period(pd.Timestamp("2026-10-01"), TUE, "FY2026 Q4 to date")


def test_a_conversion_counts_for_the_owner_at_the_end_of_its_day():
    leads = table("leads", lead(1, IsConverted=True, ConvertedDate="2026-11-10", OwnerId=user(2)),
                  lead(2, IsConverted=True, ConvertedDate="2026-11-11", OwnerId=QUEUE), lead(3))
    # Lead 1 went from user 1 to user 2 on 12 November, after its conversion on the 10th: user 1's.
    history = table("lead_history", *owner_change(1, user(1), user(2), "2026-11-12T15:00:00Z"))
    rows = conversions(leads, history, ZONES).set_index("LeadId")
    assert rows.loc[uid("00Q", 1), "OwnerId"] == user(1) and rows.loc[uid("00Q", 1), "day"] == pd.Timestamp("2026-11-10")
    assert pd.isna(rows.loc[uid("00Q", 2), "OwnerId"])  # a queue's: nobody's
    assert len(rows) == 2  # lead 3 was never converted


def test_cohort_conversion_follows_the_mqls_of_the_period_whoever_takes_them_on():
    rows = stage_rows(
        stage_row(1, "mql", "2026-10-05"), stage_row(1, "sal", "2026-11-20", user(2)),  # in, reached SAL (user 2's)
        stage_row(2, "mql", "2026-10-06"), stage_row(2, "sal", "2026-11-25"),  # in, SAL after the as-of day
        stage_row(3, "mql", "2026-11-24"),  # in, not yet SAL
        stage_row(4, "mql", "2026-09-30"), stage_row(4, "sal", "2026-10-02"),  # MQL before the quarter: out
        stage_row(5, "mql", "2026-10-07", user(2)), stage_row(5, "sal", "2026-10-08", user(2)))
    got = cohort_conversion(rows, QTD, TUE, Stage.MQL, Stage.SAL)
    # User 1: leads 1, 2, 3 are the cohort; only lead 1 reached SAL by 24 Nov: 1 of 3. User 2: lead 5, 1 of 1.
    assert got.to_dict("index") == {user(1): {"cohort": 3, "reached": 1}, user(2): {"cohort": 1, "reached": 1}}


def test_funnel_cohorts_by_week_and_by_source_count_each_step_once():
    rows = stage_rows(
        stage_row(1, "mql", "2026-11-02"), stage_row(1, "sal", "2026-11-03"), stage_row(1, "sql", "2026-11-05"),
        stage_row(2, "mql", "2026-11-04"), stage_row(2, "sal", "2026-11-06"),
        stage_row(3, "mql", "2026-11-10"),
        stage_row(4, "mql", "2026-11-11", user(2)))  # another owner's: left out
    leads = table("leads",
                  lead(1, LeadSource="Web", IsConverted=True, ConvertedDate="2026-11-06",
                       ConvertedOpportunityId=uid("006", 1)),
                  lead(2, LeadSource="Webinar"), lead(3, LeadSource="Web"), lead(4, LeadSource="Web"))
    deals = table("opportunities", {"Id": uid("006", 1), "OwnerId": user(2), "Amount": 900.0, "IsWon": True,
                                    "IsClosed": True, "CloseDate": "2026-11-20", "StageName": "Closed Won"})
    weekly = funnel_cohorts(rows, leads, deals, QTD, TUE, pd.Index([user(1)]), "week")
    # Week of 2 Nov: leads 1 and 2 (2 MQL, 2 SAL, 1 SQL, 1 opportunity, won); week of 9 Nov: lead 3 only.
    assert weekly.to_dict("index") == {
        pd.Timestamp("2026-11-02"): {"mql": 2, "sal": 2, "sql": 1, "opportunity": 1, "won": 1},
        pd.Timestamp("2026-11-09"): {"mql": 1, "sal": 0, "sql": 0, "opportunity": 0, "won": 0}}
    by_source = funnel_cohorts(rows, leads, deals, QTD, TUE, pd.Index([user(1)]), "LeadSource")
    assert by_source["mql"].to_dict() == {"Web": 2, "Webinar": 1} and by_source["won"].to_dict() == {"Web": 1, "Webinar": 0}
    # As of 19 November the deal was not yet won (closes on the 20th).
    assert funnel_cohorts(rows, leads, deals, QTD, pd.Timestamp("2026-11-19"), pd.Index([user(1)]), "week")["won"].sum() == 0


def test_handoffs_name_the_rep_who_received_each_sql_and_the_amount():
    rows = stage_rows(stage_row(1, "sql", "2026-11-05"), stage_row(2, "sql", "2026-11-06"),
                      stage_row(3, "sql", "2026-09-06"))  # before the period: out
    leads = table("leads", lead(1, Name="Ada", ConvertedOpportunityId=uid("006", 1)), lead(2, Name="Bo"), lead(3))
    deals = table("opportunities", {"Id": uid("006", 1), "OwnerId": user(2), "Amount": 900.0,
                                    "StageName": "Qualification", "CloseDate": "2026-12-20"})
    got = handoffs(rows, leads, deals, QTD, pd.Index([user(1)])).set_index("Name")
    assert (got.loc["Ada", "received_by"], got.loc["Ada", "Amount"]) == (user(2), 900.0)
    assert got.loc["Bo"].drop(["LeadId", "day", "OwnerId"]).isna().all()  # Bo's SQL has no opportunity yet
    assert len(got) == 2
