import pandas as pd
import pytest

from factories import table, uid, user
from kpi.activity import activity_counts, activity_kind, counted_activities, daily_activity, details
from kpi.periods import Period, iso_week, single_day

NY, LA = "America/New_York", "America/Los_Angeles"
ZONES = pd.Series({user(1): NY, user(2): LA})
TUE = pd.Timestamp("2026-11-24")


def task(n: int, **fields) -> dict:
    return {"Id": uid("00T", n), "OwnerId": user(1), "Status": "Completed", **fields}


@pytest.mark.parametrize("fields, kind", [
    ({"TaskSubtype": "Call"}, "call"),
    ({"TaskSubtype": "Email"}, "email"),
    ({"TaskSubtype": "ListEmail"}, "email"),
    ({"TaskSubtype": "Call", "Type": "Email"}, "call"),  # TaskSubtype decides before Type
    ({"TaskSubtype": "Task", "Type": "Email"}, "email"),  # 'Task' does not decide: Type does
    ({"TaskSubtype": "Cadence", "Type": "Meeting"}, "meeting"),
    ({"Type": "Other", "Subject": "Call back re: pricing"}, "call"),  # Subject decides last
    ({"Subject": "email follow-up"}, "email"),  # case-insensitive
    ({"Type": "Email", "Subject": "Call notes"}, "email"),  # Type decides before Subject
    ({"TaskSubtype": "Task", "Subject": "Prep for QBR"}, None),  # nothing decides: not prospecting
    ({"Subject": "Recall the order"}, None),  # 'Call' must start the subject
])
def test_task_kind_comes_from_the_first_field_that_names_one(fields, kind):
    kinds = activity_kind(table("activities", task(1, **fields)))
    assert (kinds[0] if pd.notna(kinds[0]) else None) == kind


def test_every_event_is_a_meeting_whatever_its_type():
    events = table("activities", {"Id": uid("00U", 1), "OwnerId": user(1), "IsEvent": True, "Type": "Call"})
    assert activity_kind(events).tolist() == ["meeting"]


def test_only_completed_tasks_count():
    rows = table("activities",
                 task(1, TaskSubtype="Call", CompletedDateTime="2026-11-24T15:00:00Z"),
                 task(2, TaskSubtype="Call", Status="Not Started", ActivityDate="2026-11-24"),
                 task(3, TaskSubtype="Call", Status="Deferred", IsClosed=True, ActivityDate="2026-11-24"))
    counted = details(counted_activities(rows, ZONES), rows, ["Id"])
    # Task 1 is Completed, task 3 is closed; task 2 is open.
    assert sorted(counted["Id"]) == [uid("00T", 1), uid("00T", 3)]


def test_a_call_at_2230_new_york_time_is_that_days_call():
    # 2026-11-25 03:30 UTC is 22:30 on the 24th in New York (UTC-5) and 19:30 on the 24th in Los Angeles.
    rows = table("activities",
                 task(1, TaskSubtype="Call", CompletedDateTime="2026-11-25T03:30:00Z"),
                 task(2, TaskSubtype="Call", OwnerId=user(2), CompletedDateTime="2026-11-25T03:30:00Z"),
                 # 2026-11-24 04:30 UTC is 23:30 on the 23rd in New York: the day before.
                 task(3, TaskSubtype="Call", CompletedDateTime="2026-11-24T04:30:00Z"))
    counted = counted_activities(rows, ZONES)
    assert counted["day"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-24", "2026-11-24", "2026-11-23"]
    today = activity_counts(counted, single_day(TUE), TUE)
    assert today.loc[user(1), "calls"] == 1 and today.loc[user(2), "calls"] == 1


def test_day_falls_back_to_activity_date_then_created_date_in_owner_zone():
    rows = table("activities",
                 task(1, TaskSubtype="Email", ActivityDate="2026-11-20", CreatedDate="2026-11-21T12:00:00Z"),
                 # No completion time, no ActivityDate: CreatedDate 2026-11-21 02:00 UTC is the 20th in NY.
                 task(2, TaskSubtype="Email", CreatedDate="2026-11-21T02:00:00Z"),
                 # A meeting's day is its start in the owner's zone: 06:00 UTC on the 21st is the 20th in LA.
                 {"Id": uid("00U", 3), "OwnerId": user(2), "IsEvent": True, "StartDateTime": "2026-11-21T06:00:00Z"})
    counted = counted_activities(rows, ZONES)
    assert counted["day"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-20", "2026-11-20", "2026-11-20"]


def test_counts_per_owner_and_kind_over_a_week_ignore_later_logging():
    week = iso_week(TUE).through(TUE)  # Monday 23 through Tuesday 24 November
    rows = table("activities",
                 task(1, TaskSubtype="Call", CompletedDateTime="2026-11-23T15:00:00Z"),
                 task(2, TaskSubtype="Email", CompletedDateTime="2026-11-24T15:00:00Z"),
                 task(3, TaskSubtype="Call", CompletedDateTime="2026-11-22T15:00:00Z"),  # Sunday: last week
                 task(4, TaskSubtype="Call", CompletedDateTime="2026-11-25T15:00:00Z"),  # after the as-of date
                 # Backdated: done on Monday by ActivityDate but created on Wednesday, after the as-of date.
                 task(5, TaskSubtype="Call", ActivityDate="2026-11-23", CreatedDate="2026-11-25T15:00:00Z"),
                 {"Id": uid("00U", 6), "OwnerId": user(1), "IsEvent": True, "StartDateTime": "2026-11-24T16:00:00Z"})
    counts = activity_counts(counted_activities(rows, ZONES), week, TUE)
    # Tasks 1 and 2 plus the meeting: 1 call + 1 email + 1 meeting = 3 activities.
    assert counts.loc[user(1)].to_dict() == {"calls": 1, "emails": 1, "meetings": 1, "activities": 3}


def test_daily_activity_lists_every_business_day_with_zero_on_quiet_days():
    rows = table("activities", task(1, TaskSubtype="Call", CompletedDateTime="2026-11-20T15:00:00Z"),
                 task(2, TaskSubtype="Call", CompletedDateTime="2026-11-21T15:00:00Z"))  # a Saturday
    period = Period(pd.Timestamp("2026-11-19"), TUE, "span")
    daily = daily_activity(counted_activities(rows, ZONES), period, TUE, pd.Index([user(1)]))
    # Thu 19, Fri 20, Mon 23, Tue 24: the weekend is not a business day.
    assert daily.index.strftime("%d").tolist() == ["19", "20", "23", "24"]
    assert daily["calls"].tolist() == [0, 1, 0, 0]


def test_a_meeting_entered_after_the_as_of_day_is_ignored():
    rows = table("activities", {"Id": uid("00U", 1), "OwnerId": user(1), "IsEvent": True,
                                "StartDateTime": "2026-11-24T16:00:00Z", "CreatedDate": "2026-11-26T16:00:00Z"})
    counted = counted_activities(rows, ZONES)
    # As the data stood on the 24th there was no meeting yet; two days later there was.
    assert activity_counts(counted, single_day(TUE), TUE)["meetings"].sum() == 0
    assert activity_counts(counted, single_day(TUE), pd.Timestamp("2026-11-26")).loc[user(1), "meetings"] == 1
