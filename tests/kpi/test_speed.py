from datetime import time

import numpy as np
import pandas as pd
import pytest

from factories import table, uid, user
from kpi.activity import counted_activities
from kpi.funnel import stages_reached
from kpi.periods import Period
from kpi.speed import (BusinessHours, SpeedRules, business_hours_between, lead_speeds, pooled_speed_figures,
                       speed_figures, untouched_counts, untouched_mqls)

NY, LA, BERLIN = "America/New_York", "America/Los_Angeles", "Europe/Berlin"
ZONES = pd.Series({user(1): NY, user(2): BERLIN})
QUEUE = uid("00G", 1)
TUE = pd.Timestamp("2026-11-24")  # the as-of date; Mon 23, Fri 20 and Wed 25 November are around it
QTD = Period(pd.Timestamp("2026-10-01"), TUE, "FY2026 Q4 to date")


def hours_between(start: str, end: str, zone: str, hours: BusinessHours = BusinessHours()) -> float:
    instants = [pd.Series(pd.to_datetime([at], utc=True)) for at in (start, end)]
    return business_hours_between(*instants, pd.Series([zone]), hours).iloc[0]


# New York is on EST (UTC-5) in late November: 14:00Z is 09:00 there.
@pytest.mark.parametrize("start, end, expected", [
    ("2026-11-20T21:30Z", "2026-11-23T14:30Z", 1.0),  # Fri 16:30 -> Mon 09:30: 0.5 Fri + 0.5 Mon, weekend free
    ("2026-11-23T12:00Z", "2026-11-23T15:00Z", 1.0),  # Mon 07:00 -> 10:00: only 09:00-10:00 counts
    ("2026-11-23T21:00Z", "2026-11-24T00:00Z", 1.0),  # Mon 16:00 -> 19:00: only 16:00-17:00 counts
    ("2026-11-23T23:00Z", "2026-11-24T13:00Z", 0.0),  # Mon 18:00 -> Tue 08:00: all night, nothing
    ("2026-11-23T23:00Z", "2026-11-24T15:00Z", 1.0),  # Mon 18:00 -> Tue 10:00: Tue 09:00-10:00
    ("2026-11-24T15:15Z", "2026-11-24T16:45Z", 1.5),  # Tue 10:15 -> 11:45, one day
    ("2026-11-23T15:00Z", "2026-11-26T20:00Z", 29.0),  # Mon 10:00 -> Thu 15:00: 7 + 8 + 8 + 6
    ("2026-11-18T17:00Z", "2026-11-25T17:00Z", 40.0),  # Wed 12:00 -> next Wed 12:00: 5 working days of 8
    ("2026-11-21T17:00Z", "2026-11-23T15:00Z", 1.0),  # Sat 12:00 -> Mon 10:00: only Monday's hour
    ("2026-11-21T14:00Z", "2026-11-22T22:00Z", 0.0),  # Sat -> Sun: a weekend
    ("2026-11-24T15:00Z", "2026-11-24T15:00Z", 0.0),  # no time at all
    ("2026-11-24T16:00Z", "2026-11-24T15:00Z", 0.0),  # end before start
])
def test_business_hours_in_new_york(start, end, expected):
    assert hours_between(start, end, NY) == pytest.approx(expected)


@pytest.mark.parametrize("start, end, zone, expected", [
    # Tue 14:00Z -> 20:00Z. Los Angeles (PST, UTC-8): 06:00 -> 12:00, so 09:00-12:00 = 3 h.
    # Berlin (CET, UTC+1): 15:00 -> 21:00, so 15:00-17:00 = 2 h. New York (UTC-5): 09:00 -> 15:00 = 6 h.
    ("2026-11-24T14:00Z", "2026-11-24T20:00Z", LA, 3.0),
    ("2026-11-24T14:00Z", "2026-11-24T20:00Z", BERLIN, 2.0),
    ("2026-11-24T14:00Z", "2026-11-24T20:00Z", NY, 6.0),
    # Fri 22:00Z -> Mon 08:00Z. Los Angeles: Fri 14:00 -> Mon 00:00, so Fri 14:00-17:00 = 3 h.
    # Berlin: Fri 23:00 -> Mon 09:00, nothing at all.
    ("2026-11-20T22:00Z", "2026-11-23T08:00Z", LA, 3.0),
    ("2026-11-20T22:00Z", "2026-11-23T08:00Z", BERLIN, 0.0),
])
def test_the_same_instants_give_different_hours_in_different_zones(start, end, zone, expected):
    assert hours_between(start, end, zone) == pytest.approx(expected)


@pytest.mark.parametrize("start, end, zone, expected", [
    # US clocks go forward on Sun 8 March 2026. Fri 6 March 21:00Z is 16:00 EST; Mon 9 March 14:00Z is 10:00
    # EDT (UTC-4): 1 h Friday + 1 h Monday = 2 h. A fixed EST offset would read Monday 09:00 and say 1 h.
    ("2026-03-06T21:00Z", "2026-03-09T14:00Z", NY, 2.0),
    # The same instants in Berlin (still CET, UTC+1, until 29 March): Fri 22:00 -> Mon 15:00 = 6 h.
    ("2026-03-06T21:00Z", "2026-03-09T14:00Z", BERLIN, 6.0),
    # Europe goes forward on Sun 29 March: Fri 27 March 15:00Z = 16:00 CET, Mon 30 March 08:00Z = 10:00 CEST.
    ("2026-03-27T15:00Z", "2026-03-30T08:00Z", BERLIN, 2.0),
    # US clocks go back on Sun 1 November: Fri 30 Oct 20:00Z = 16:00 EDT, Mon 2 Nov 15:00Z = 10:00 EST: 2 h
    # (a fixed EDT offset would read Monday 11:00 and say 3 h).
    ("2026-10-30T20:00Z", "2026-11-02T15:00Z", NY, 2.0),
    # Within the DST week itself: Mon 9 March 13:00Z = 09:00 EDT -> Tue 10 March 21:00Z = 17:00 EDT: 16 h.
    ("2026-03-09T13:00Z", "2026-03-10T21:00Z", NY, 16.0),
])
def test_daylight_saving_moves_the_working_day_with_the_clocks(start, end, zone, expected):
    assert hours_between(start, end, zone) == pytest.approx(expected)


def test_missing_ends_or_zones_give_nan_and_rows_keep_their_index():
    start = pd.Series(pd.to_datetime(["2026-11-24T14:00Z", None, "2026-11-24T14:00Z"], utc=True), index=[7, 8, 9])
    end = pd.Series(pd.to_datetime(["2026-11-24T15:00Z", "2026-11-24T15:00Z", "2026-11-24T15:00Z"], utc=True))
    got = business_hours_between(start, end, pd.Series([NY, NY, None]))
    assert got.index.tolist() == [7, 8, 9]
    assert got.iloc[0] == 1.0 and got.iloc[1:].isna().all()  # 09:00 -> 10:00 EST; no start; no zone
    empty = pd.Series([], dtype="datetime64[us, UTC]")
    assert business_hours_between(empty, empty, pd.Series([], dtype="str")).empty


def test_naive_instants_are_read_as_utc():
    start, end = pd.Series([pd.Timestamp("2026-11-24 14:00")]), pd.Series([pd.Timestamp("2026-11-24 15:30")])
    assert business_hours_between(start, end, pd.Series([NY])).iloc[0] == 1.5  # 09:00 -> 10:30 EST


def test_the_working_week_and_day_are_configurable():
    # A Sunday-Thursday week, 08:30-17:30, in Riyadh (UTC+3, no DST). Thu 26 Nov 14:00Z = 17:00 local;
    # Sun 29 Nov 06:30Z = 09:30 local: 0.5 h Thursday + 1.0 h Sunday (from 08:30) = 1.5 h; Fri and Sat are off.
    week = BusinessHours(weekdays=(6, 0, 1, 2, 3), start=time(8, 30), end=time(17, 30))
    assert hours_between("2026-11-26T14:00Z", "2026-11-29T06:30Z", "Asia/Riyadh", week) == 1.5
    with pytest.raises(ValueError, match="end after they start"):
        BusinessHours(start=time(17), end=time(9))
    with pytest.raises(ValueError, match="weekdays"):
        BusinessHours(weekdays=(7,))


# Speed to lead, built from Lead, LeadHistory and Task rows as an org delivers them.

def lead(n: int, **fields) -> dict:
    return {"Id": uid("00Q", n), "OwnerId": user(1), "Status": "MQL", **fields}


def status(n: int, new: str, at: str, old: str = "Open - Not Contacted") -> dict:
    return {"LeadId": uid("00Q", n), "Field": "Status", "OldValue": old, "NewValue": new, "CreatedDate": at}


def owner_change(n: int, old: str, new: str, at: str) -> dict:
    return {"LeadId": uid("00Q", n), "Field": "Owner", "DataType": "EntityId", "OldValue": old, "NewValue": new,
            "CreatedDate": at}


def task(n: int, on_lead: int, at: str, subtype: str = "Call", **fields) -> dict:
    return {"Id": uid("00T", n), "OwnerId": user(1), "WhoId": uid("00Q", on_lead), "Status": "Completed",
            "TaskSubtype": subtype, "CompletedDateTime": at, "CreatedDate": at, **fields}


def speeds(leads: list[dict], history: list[dict], tasks: list[dict], rules: SpeedRules = SpeedRules()):
    activities = table("activities", *tasks)
    stages = stages_reached(table("leads", *leads), table("lead_history", *history), ZONES)
    counted = counted_activities(activities, ZONES)
    return lead_speeds(stages, counted, activities, ZONES, QTD, TUE, rules).set_index("LeadId")


def q(n: int) -> str:
    return uid("00Q", n)


def test_speed_to_lead_is_business_hours_from_mql_to_the_first_call_or_email():
    history = [status(1, "MQL", "2026-11-23T14:00Z"),  # Mon 09:00 EST
               status(2, "MQL", "2026-11-20T21:30Z"),  # Fri 16:30 EST
               status(3, "MQL", "2026-11-23T14:00Z"),
               status(4, "MQL", "2026-11-23T14:00Z"),
               status(5, "MQL", "2026-11-23T14:00Z")]
    tasks = [task(1, 1, "2026-11-23T15:30Z"),  # Mon 10:30, same day: 1.5 h, over the 1 h SLA
             task(2, 1, "2026-11-23T16:00Z", "Email"),  # a later touch does not matter
             task(3, 2, "2026-11-23T14:30Z", "Email"),  # Mon 09:30, next business day: 0.5 + 0.5 = 1.0 h
             task(4, 3, "2026-11-23T13:30Z", "Email"),  # Mon 08:30, before the MQL: not a touch
             task(5, 3, "2026-11-23T14:45Z"),  # Mon 09:45: 0.75 h
             # No CompletedDateTime: done at CreatedDate, Mon 09:12: 0.2 h.
             task(6, 4, None, CreatedDate="2026-11-23T14:12Z"),
             # Lead 5: a meeting and an open call do not touch it; Tuesday's 09:00 call does: Mon 09:00-17:00 = 8 h.
             {"Id": uid("00U", 7), "OwnerId": user(1), "WhoId": q(5), "IsEvent": True,
              "StartDateTime": "2026-11-23T14:30Z", "CreatedDate": "2026-11-23T14:30Z"},
             task(8, 5, None, Status="Not Started", CreatedDate="2026-11-23T14:30Z"),
             task(9, 5, "2026-11-24T14:00Z")]
    got = speeds([lead(n) for n in range(1, 6)], history, tasks)
    assert got["hours"].to_dict() == pytest.approx({q(1): 1.5, q(2): 1.0, q(3): 0.75, q(4): 0.2, q(5): 8.0})
    assert got["first_touch_id"].to_dict() == {q(1): uid("00T", 1), q(2): uid("00T", 3), q(3): uid("00T", 5),
                                               q(4): uid("00T", 6), q(5): uid("00T", 9)}
    # Breach means over the SLA: exactly 1.0 h (lead 2) is within it.
    assert got["breach"].to_dict() == {q(1): True, q(2): False, q(3): False, q(4): False, q(5): True}
    assert got["age_hours"].isna().all() and set(got["OwnerId"]) == {user(1)}


def test_the_as_of_day_bounds_touches_and_ages_untouched_leads():
    history = [status(6, "MQL", "2026-11-24T20:00Z"),  # Tue 15:00 EST
               status(7, "MQL", "2026-11-24T21:30Z"),  # Tue 16:30 EST
               status(8, "MQL", "2026-11-24T21:00Z")]  # Tue 16:00 EST
    tasks = [task(1, 6, "2026-11-25T14:30Z"),  # Wed 09:30: after the as-of day, ignored
             task(2, 8, "2026-11-25T04:30Z"),  # Tue 23:30 EST: still the as-of day in New York
             task(3, 7, "2026-11-24T21:45Z", CreatedDate="2026-11-25T15:00Z")]  # logged on Wednesday: not yet
    got = speeds([lead(6), lead(7), lead(8)], history, tasks)
    # Lead 6 untouched: Tue 15:00 -> end of Tuesday = 2 h > 1 h, a breach already.
    # Lead 7 untouched: Tue 16:30 -> end of Tuesday = 0.5 h, not (yet) a breach.
    # Lead 8 touched at 23:30: 16:00-17:00 = 1 h, within the SLA.
    assert got["age_hours"].to_dict() == pytest.approx({q(6): 2.0, q(7): 0.5, q(8): np.nan}, nan_ok=True)
    assert pd.isna(got.loc[q(6), "first_touch_at"]) and pd.isna(got.loc[q(6), "hours"])
    assert got.loc[q(8), "hours"] == 1.0
    assert got["breach"].to_dict() == {q(6): True, q(7): False, q(8): False}
    # A two-hour SLA forgives lead 6.
    assert not speeds([lead(6)], history[:1], [], SpeedRules(sla_hours=2.0))["breach"].any()


def test_only_timed_qtd_mqls_of_a_rep_have_a_speed_and_it_is_in_the_owners_zone():
    leads = [lead(1, OwnerId=user(2)),
             lead(2, MQL_Date__c="2026-11-23"),  # date-only MQL: no time, no speed
             lead(3), lead(4), lead(5)]
    history = [status(1, "MQL", "2026-11-23T14:00Z"),  # Berlin rep: Mon 15:00 CET
               status(3, "MQL", "2026-11-23T14:00Z"), owner_change(3, QUEUE, user(1), "2026-11-23T15:00Z"),
               status(4, "MQL", "2026-09-30T14:00Z"),  # before the quarter
               status(5, "MQL", "2026-11-25T14:00Z")]  # after the as-of date
    tasks = [task(1, 1, "2026-11-23T16:30Z")]  # 17:30 CET: Mon 15:00-17:00 = 2 h (in New York it would be 2.5 h)
    got = speeds(leads, history, tasks)
    assert got.index.tolist() == [q(1)]  # lead 3 was a queue's at MQL: nobody's
    assert (got.loc[q(1), "OwnerId"], got.loc[q(1), "hours"]) == (user(2), 2.0)


def speed_row(owner: str, hours: float, breach: bool, age: float = np.nan) -> dict:
    return {"LeadId": "", "OwnerId": owner, "mql_at": pd.NaT, "first_touch_at": pd.NaT, "first_touch_id": None,
            "hours": hours, "age_hours": age, "breach": breach}


def test_figures_per_rep_and_pooled_for_the_team():
    rows = pd.DataFrame([speed_row(user(1), 1.0, False), speed_row(user(1), 2.0, True),
                         speed_row(user(1), 3.0, True), speed_row(user(1), np.nan, True, age=4.0),
                         speed_row(user(2), 10.0, True),
                         speed_row(user(3), np.nan, False, age=0.5)])  # only an untouched lead, within SLA
    got = speed_figures(rows)
    # Rep 1 touched 1, 2, 3 h: median 2; p90 at position 0.9 * (3 - 1) = 1.8, so 2 + 0.8 * (3 - 2) = 2.8.
    # Breaches: 2 h, 3 h and the untouched lead aged 4 h = 3. Rep 2: one lead of 10 h. Rep 3: nothing measured.
    assert got.loc[user(1)].to_dict() == pytest.approx(
        {"speed_to_lead_median_h": 2.0, "speed_to_lead_p90_h": 2.8, "sla_breaches_qtd": 3})
    assert got.loc[user(2)].to_dict() == {"speed_to_lead_median_h": 10.0, "speed_to_lead_p90_h": 10.0,
                                          "sla_breaches_qtd": 1}
    assert got.loc[user(3)].isna().tolist() == [True, True, False] and got.loc[user(3), "sla_breaches_qtd"] == 0
    team = pooled_speed_figures(rows, pd.Index([user(1), user(2), user(3)]))
    # Pooled touched leads 1, 2, 3, 10: median (2 + 3) / 2 = 2.5, not the median of the reps' medians
    # (2 and 10: 6.0). p90 at position 0.9 * 3 = 2.7, so 3 + 0.7 * (10 - 3) = 7.9. Breaches 3 + 1 + 0 = 4.
    assert team.to_dict() == pytest.approx(
        {"speed_to_lead_median_h": 2.5, "speed_to_lead_p90_h": 7.9, "sla_breaches_qtd": 4})
    assert np.percentile([1, 2, 3, 10], 90) == pytest.approx(team["speed_to_lead_p90_h"])  # numpy's default
    nobody = pooled_speed_figures(rows, pd.Index([user(9)]))
    assert nobody.isna().tolist() == [True, True, False] and nobody["sla_breaches_qtd"] == 0


def untouched(leads: list[dict], history: list[dict], tasks: list[dict]) -> pd.DataFrame:
    activities = table("activities", *tasks)
    return untouched_mqls(table("leads", *leads), table("lead_history", *history),
                          counted_activities(activities, ZONES), activities, ZONES, TUE).set_index("LeadId")


def test_untouched_mqls_are_read_as_the_data_stood_at_the_end_of_the_as_of_day():
    leads = [lead(1, Status="Working - Contacted"),  # an MQL on Tuesday; worked only on Wednesday
             lead(2),  # an MQL now, but only since Wednesday
             lead(3),  # emailed after it became an MQL
             lead(4, OwnerId=user(2)),  # handed to rep 2 on Wednesday: rep 1's on Tuesday
             lead(5, OwnerId=QUEUE),  # in a queue: counts for nobody
             lead(6),  # touched in an earlier MQL spell, recycled, an MQL again on Tuesday
             lead(7, MQL_Date__c="2026-11-24"),  # no history: the MQL date field
             lead(8, MQL_Date__c="2026-11-25"),  # the field says it became an MQL after the as-of date
             lead(9),  # emailed before it became an MQL only
             lead(10, CreatedDate="2026-11-25T15:00Z"),  # created after the as-of day
             lead(11, Status="Working - Contacted")]  # not an MQL
    history = [status(1, "MQL", "2026-11-23T14:00Z"), status(1, "Working - Contacted", "2026-11-25T15:00Z", "MQL"),
               status(2, "MQL", "2026-11-25T15:00Z"),
               status(3, "MQL", "2026-11-23T14:00Z"),
               status(4, "MQL", "2026-11-23T14:00Z"), owner_change(4, user(1), user(2), "2026-11-25T15:00Z"),
               status(5, "MQL", "2026-11-23T14:00Z"),
               status(6, "MQL", "2026-11-02T14:00Z"), status(6, "Recycled", "2026-11-10T14:00Z", "MQL"),
               status(6, "MQL", "2026-11-24T14:00Z", "Recycled"),
               status(9, "MQL", "2026-11-23T14:00Z")]
    tasks = [task(1, 1, "2026-11-25T14:30Z"),  # Wednesday: after the as-of day
             task(2, 3, "2026-11-23T15:00Z", "Email"),
             task(3, 6, "2026-11-02T15:00Z"),  # the first spell's call
             task(4, 9, "2026-11-23T13:00Z", "Email")]  # Mon 08:00 EST, an hour before its MQL
    got = untouched(leads, history, tasks)
    # Lead 1's first Status row after Tuesday says it was 'MQL' then. Ages to the end of Tuesday (EST):
    # Mon 09:00 -> Tue 24:00 = 8 + 8 = 16 h (leads 1, 4, 9); lead 6 since Tue 09:00 = 8 h; lead 7 from the
    # start of its MQL day, Tue 00:00 = 8 h. A queue has no zone: lead 5 ages in UTC, Mon 14:00 -> Tue 24:00 =
    # 3 + 8 = 11 h.
    assert got["age_hours"].to_dict() == {q(1): 16.0, q(4): 16.0, q(5): 11.0, q(6): 8.0, q(7): 8.0, q(9): 16.0}
    assert got.loc[q(6), "mql_at"] == pd.Timestamp("2026-11-24T14:00Z")
    assert got.loc[q(7), "mql_at"] == pd.Timestamp("2026-11-24T05:00Z")  # midnight EST
    assert got.loc[q(4), "OwnerId"] == user(1) and pd.isna(got.loc[q(5), "OwnerId"])
    assert untouched_counts(got.reset_index()).to_dict() == {user(1): 5}  # the queue's lead 5 is nobody's


def test_no_leads_no_untouched_and_no_speeds():
    none = untouched([], [], [])
    assert none.empty and untouched_counts(none.reset_index()).empty
    got = speeds([], [], [])
    assert got.empty and speed_figures(got.reset_index()).empty
    assert pooled_speed_figures(got.reset_index(), pd.Index([user(1)])).isna().tolist() == [True, True, False]
