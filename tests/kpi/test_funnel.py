import pandas as pd

from factories import table, uid, user
from kpi.funnel import stage_counts, stages_reached, weekly_stage_counts
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
