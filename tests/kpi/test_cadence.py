import pandas as pd
import pytest

from factories import table, uid, user
from kpi import cadence
from kpi.activity import counted_activities
from kpi.cadence import LeadProcessRules
from kpi.funnel import stages_reached
from kpi.periods import Period

NY = "America/New_York"  # EST (UTC-5) in November: 14:00Z is 09:00 there
R1, R2 = user(1), user(2)
ZONES = pd.Series({R1: NY, R2: NY})
AS_OF = pd.Timestamp("2026-11-24")  # a Tuesday in FY2026 Q4
QTD = Period(pd.Timestamp("2026-10-01"), AS_OF, "FY2026 Q4 to date")
Q1, Q2, Q3, Q4, Q5, Q6 = (uid("00Q", n) for n in range(1, 7))


def status(lead: str, new: str, at: str, old: str = "Working") -> dict:
    return {"LeadId": lead, "Field": "Status", "OldValue": old, "NewValue": new, "CreatedDate": at}


def call(n: int, lead: str, at: str, owner: str = R1, kind: str = "Call") -> dict:
    return {"Id": uid("00T", n), "OwnerId": owner, "WhoId": lead, "TaskSubtype": kind, "Status": "Completed",
            "CompletedDateTime": at}


def calls(first: int, lead: str, days: list[int]) -> list[dict]:
    """A call at 09:00 New York on each of these November days."""
    return [call(first + i, lead, f"2026-11-{d:02d}T14:00:00Z") for i, d in enumerate(days)]


LEADS = table("leads",
              {"Id": Q1, "OwnerId": R2, "Status": "Unqualified", "Disqualified_Reason__c": "No budget"},
              {"Id": Q2, "OwnerId": R1, "Status": "Unqualified", "Disqualified_Reason__c": "Bad timing"},
              {"Id": Q3, "OwnerId": R1, "Status": "Disqualified"},
              {"Id": Q4, "OwnerId": R1, "Status": "Converted", "IsConverted": True, "ConvertedDate": "2026-11-20"},
              {"Id": Q5, "OwnerId": R1, "Status": "Unqualified"},  # no history row: no moment
              {"Id": Q6, "OwnerId": R1, "Status": "Unqualified"})
HISTORY = table("lead_history",
                status(Q1, "Unqualified", "2026-11-16T15:00:00Z"),  # Monday 16 Nov, 10:00 New York
                {"LeadId": Q1, "Field": "Owner", "DataType": "EntityId", "OldValue": R1, "NewValue": R2,
                 "CreatedDate": "2026-11-18T15:00:00Z"},  # handed to R2 after R1 qualified it out
                status(Q2, "Unqualified", "2026-11-16T15:00:00Z"),
                status(Q3, "Disqualified", "2026-11-20T15:00:00Z"),  # Friday 20 Nov
                status(Q4, "Disqualified", "2026-11-10T15:00:00Z"),  # then converted on 20 Nov
                status(Q6, "Unqualified", "2026-09-15T14:00:00Z"))  # last quarter
ACTIVITIES = table("activities",
                   *calls(1, Q1, [2, 3, 4, 5, 6]),  # 5 calls, Monday 2 to Friday 6 November
                   call(6, Q1, "2026-11-17T14:00:00Z"),  # after it was qualified out: not a touch before it
                   *calls(10, Q2, [2, 3, 4, 5, 6, 9]),  # 6 calls from Monday 2 November
                   *calls(20, Q3, [9, 10, 11, 12, 13, 16]),  # 6 calls from Monday 9 November
                   call(30, Q3, "2026-11-16T15:00:00Z", kind="Task"))  # not a call or an email: no touch
COUNTED = counted_activities(ACTIVITIES, ZONES)


@pytest.fixture(scope="module")
def rows():
    out = cadence.qualified_out(LEADS, HISTORY, ZONES, AS_OF)
    return cadence.cadence(out, COUNTED, ACTIVITIES, AS_OF).set_index("LeadId")


def test_qualified_out_by_the_first_history_row_into_a_closed_status(rows):
    # Q4 was converted after it was disqualified, Q5 has no history row (no moment): neither is here.
    assert sorted(rows.index) == [Q1, Q2, Q3, Q6]
    # Q1 counts for R1, its owner when it was qualified out, though R2 owns it now; its day in New York.
    assert (rows.loc[Q1, "OwnerId"], rows.loc[Q1, "day"]) == (R1, pd.Timestamp("2026-11-16"))
    assert (rows.loc[Q1, "status"], rows.loc[Q1, "reason"], rows.loc[Q2, "reason"]) == (
        "Unqualified", "No budget", "Bad timing")
    assert pd.isna(rows.loc[Q3, "reason"])


def test_five_touches_against_a_six_touch_cadence_is_a_miss(rows):
    # Q1: calls on Mon 2 .. Fri 6 November = 5 before it was qualified out on Mon 16 (the 17 November call is
    # after). Business days from 2 to 16 November: 2-6 and 9-13 = 10, enough; 5 touches < 6: not met.
    assert (rows.loc[Q1, "touches"], rows.loc[Q1, "first_touch_day"], rows.loc[Q1, "business_days"]) == (
        5, pd.Timestamp("2026-11-02"), 10)
    assert not rows.loc[Q1, "cadence_met"]
    # Q2: 6 calls from Mon 2 November, 10 business days to Mon 16: met.
    assert (rows.loc[Q2, "touches"], rows.loc[Q2, "business_days"], rows.loc[Q2, "cadence_met"]) == (6, 10, True)
    # Q3: 6 calls (the 'Task' is none), but the first on Mon 9 is only 9 business days (9-13, 16-19) before
    # Fri 20: qualified out too fast.
    assert (rows.loc[Q3, "touches"], rows.loc[Q3, "business_days"], rows.loc[Q3, "cadence_met"]) == (6, 9, False)
    # Q6: no touch at all: no first day, not met.
    assert (rows.loc[Q6, "touches"], pd.isna(rows.loc[Q6, "business_days"]), rows.loc[Q6, "cadence_met"]) == (
        0, True, False)


def test_misses_of_the_quarter_per_adr_with_their_touches(rows):
    # In QTD: Q1 and Q3 missed (R1 for both); Q6 missed in September, last quarter.
    table_rows = rows.reset_index()
    assert sorted(cadence.cadence_misses(table_rows, QTD)["LeadId"]) == [Q1, Q3]
    assert cadence.miss_counts(table_rows, QTD).to_dict() == {R1: 2}
    behind = cadence.touches_of(cadence.cadence_misses(table_rows, QTD), COUNTED, ACTIVITIES, AS_OF)
    # The touches listed are those before the moment: Q1's 5 (not the 17 Nov call), Q3's 6.
    assert behind.groupby("LeadId").size().to_dict() == {Q1: 5, Q3: 6}
    assert uid("00T", 6) not in set(behind["Id"])


def test_a_configured_cadence():
    # At least 5 touches over at least 9 business days: Q1 (5 over 10) and Q3 (6 over 9) meet it now.
    rules = LeadProcessRules(min_touches=5, min_business_days=9)
    out = cadence.cadence(cadence.qualified_out(LEADS, HISTORY, ZONES, AS_OF, rules), COUNTED, ACTIVITIES, AS_OF,
                          rules).set_index("LeadId")
    assert out.loc[[Q1, Q2, Q3], "cadence_met"].tolist() == [True, True, True]


def test_closed_statuses_are_configurable_and_the_as_of_date_holds():
    # Only 'Disqualified' closes a lead: Q3 (20 Nov) remains (Q4 was converted on 20 Nov). As of 19 November
    # Q3 was not yet qualified out, and Q4, disqualified on 10 November, not yet converted: it counts then.
    rules = LeadProcessRules(closed_statuses=("Disqualified",))
    assert cadence.qualified_out(LEADS, HISTORY, ZONES, AS_OF, rules)["LeadId"].tolist() == [Q3]
    assert cadence.qualified_out(LEADS, HISTORY, ZONES, pd.Timestamp("2026-11-19"), rules)["LeadId"].tolist() == [Q4]


L7, L8, L9, L10 = (uid("00Q", n) for n in range(7, 11))


def test_a_status_moved_forward_without_a_logged_touch_is_a_logging_gap():
    leads = table("leads", *({"Id": n, "OwnerId": R1, "Status": "SAL"} for n in (L7, L8, L9)),
                  {"Id": L10, "OwnerId": R1, "Status": "SAL", "SAL_Date__c": "2026-11-23"})
    # All moved on Monday 23 November at 10:00 New York. The window starts 5 business days before:
    # np.busday_offset(23 Nov, -5) = Monday 16 November.
    history = table("lead_history", *(status(n, stage, "2026-11-23T15:00:00Z")
                                       for n, stage in ((L7, "SAL"), (L8, "SQL"), (L9, "SAL"))))
    activities = table("activities",
                       call(1, L7, "2026-11-13T14:00:00Z"),  # Friday 13: before the window: a gap
                       call(2, L8, "2026-11-16T14:00:00Z", kind="Email"),  # Monday 16: inside it, logged
                       call(3, L9, "2026-11-23T16:00:00Z"),  # an hour after it moved: too late, a gap
                       call(4, L10, "2026-11-02T14:00:00Z"))  # L10 moved by a date field: no moment, not judged
    stages = stages_reached(leads, history, ZONES)
    gaps = cadence.logging_gaps(stages, counted_activities(activities, ZONES), activities, QTD, AS_OF)
    assert sorted(gaps["LeadId"]) == [L7, L9]
    by_lead = gaps.set_index("LeadId")
    assert by_lead.loc[L7, "window_start"] == pd.Timestamp("2026-11-16")
    assert by_lead.loc[L7, "last_touch_at"] == pd.Timestamp("2026-11-13T14:00:00Z")
    assert pd.isna(by_lead.loc[L9, "last_touch_at"])  # its only call came after the move
    assert cadence.gap_counts(gaps).to_dict() == {R1: 2}
    # With a 6-business-day window (from Friday 13 November) L7's call counts.
    wider = cadence.logging_gaps(stages, counted_activities(activities, ZONES), activities, QTD, AS_OF,
                                 LeadProcessRules(logging_days=6))
    assert wider["LeadId"].tolist() == [L9]


def test_a_reason_field_the_org_lacks_says_what_to_configure():
    empty = cadence.gaps(LEADS.assign(Disqualified_Reason__c=pd.NA))
    assert len(empty) == 1 and "Lead.Disqualified_Reason__c is empty for every lead" in empty[0]
    assert "mapping.toml [leads]" in empty[0] and "[lead_process] reason_field" in empty[0]
    other = cadence.gaps(LEADS, LeadProcessRules(reason_field="Loss_Reason__c"))
    assert len(other) == 1 and "Lead.Loss_Reason__c is not in the Leads table" in other[0]
    assert cadence.gaps(LEADS) == []
    # Without the field, qualified-out leads are still found, with no reason.
    out = cadence.qualified_out(LEADS, HISTORY, ZONES, AS_OF, LeadProcessRules(reason_field="Loss_Reason__c"))
    assert len(out) == 4 and out["reason"].isna().all()


def test_a_negative_cadence_is_refused():
    with pytest.raises(ValueError, match="0 or more"):
        LeadProcessRules(min_touches=-1)


def test_a_lead_as_it_stood_at_the_end_of_the_as_of_day():
    lead, queue = uid("00Q", 11), uid("00G", 1)
    leads = table("leads", {"Id": lead, "OwnerId": R2, "Status": "Converted", "IsConverted": True,
                            "ConvertedDate": "2026-11-30"},
                  {"Id": Q2, "OwnerId": queue, "Status": "Open"})
    history = table("lead_history",
                    status(lead, "Unqualified", "2026-11-25T04:00:00Z", old="Working"),  # 23:00 on the 24th, NY
                    status(lead, "Converted", "2026-11-30T15:00:00Z", old="Unqualified"),
                    {"LeadId": lead, "Field": "Owner", "DataType": "EntityId", "OldValue": R1, "NewValue": R2,
                     "CreatedDate": "2026-11-26T15:00:00Z"})
    states = cadence.lead_states(leads, history, ZONES, AS_OF).set_index("LeadId")
    # At the end of 24 November (New York) the lead was Rita's, already Unqualified (23:00 that evening) and not
    # yet converted (30 November). Q2 belongs to a queue: nobody's.
    assert states.loc[lead, ["OwnerId", "status", "converted"]].tolist() == [R1, "Unqualified", False]
    assert pd.isna(states.loc[Q2, "OwnerId"]) and states.loc[Q2, "status"] == "Open"


def test_only_leads_qualified_out_since_a_day():
    # From 1 October: Q6 (15 September) is left out; from 17 November only Q3 (20 November) remains.
    assert sorted(cadence.qualified_out(LEADS, HISTORY, ZONES, AS_OF, since=QTD.start)["LeadId"]) == [Q1, Q2, Q3]
    assert cadence.qualified_out(LEADS, HISTORY, ZONES, AS_OF, since=pd.Timestamp("2026-11-17"))["LeadId"].tolist() \
        == [Q3]
