from dataclasses import replace

import pandas as pd
import pytest

from factories import org, table, uid, user
from kpi import campaigns
from kpi.campaigns import CampaignRules
from kpi.config import Definitions
from kpi.periods import FiscalCalendar
from kpi.summary import campaign_view, prepare

NY = "America/New_York"  # EST (UTC-5) in November: 14:00Z is 09:00 there
AS_OF = pd.Timestamp("2026-11-24")  # a Tuesday in FY2026 Q4
CAL = FiscalCalendar()
R1, R2, QUEUE = user(1), user(2), uid("00G", 1)
C1, C2, C3, C4 = (uid("701", n) for n in range(1, 5))  # a webinar (cost 0), an email, a trade show, an old one
L1, L2, L3, L4, L5, L6, L7, L8 = (uid("00Q", n) for n in range(1, 9))
K1, K2 = uid("003", 1), uid("003", 2)
P1, P2, P3 = (uid("001", n) for n in range(1, 4))


def member(n: int, campaign: str, created: str, lead: str | None = None, contact: str | None = None,
           responded: str | None = None) -> dict:
    return {"Id": uid("00v", n), "CampaignId": campaign, "LeadId": lead, "ContactId": contact,
            "CreatedDate": created, "HasResponded": responded is not None, "FirstRespondedDate": responded}


def touch(n: int, lead: str, at: str, kind: str = "Call") -> dict:
    return {"Id": uid("00T", n), "OwnerId": R1, "WhoId": lead, "TaskSubtype": kind, "Status": "Completed",
            "CompletedDateTime": at}


def status(lead: str, new: str, at: str) -> dict:
    return {"LeadId": lead, "Field": "Status", "OldValue": "Open", "NewValue": new, "CreatedDate": at}


def campaign_org(**changes):
    tables = dict(
        users=[{"Id": R1, "Name": "Rita One", "IsActive": True, "Department": "ADR", "TimeZoneSidKey": NY},
               {"Id": R2, "Name": "Raj Two", "IsActive": True, "Department": "ADR", "TimeZoneSidKey": NY}],
        campaigns=[
            {"Id": C1, "Name": "November webinar", "Type": "Webinar", "StartDate": "2026-11-05",
             "EndDate": "2026-11-05", "ActualCost": 0, "CreatedDate": "2026-10-01T15:00:00Z"},
            {"Id": C2, "Name": "Q4 email", "Type": "Email", "ActualCost": 1_000, "CreatedDate": "2026-10-01T15:00:00Z"},
            {"Id": C3, "Name": "August trade show", "Type": "Trade Show", "StartDate": "2026-08-10",
             "EndDate": "2026-08-12", "ActualCost": 5_000, "CreatedDate": "2026-07-01T15:00:00Z"},
            {"Id": C4, "Name": "July email", "Type": "Email", "CreatedDate": "2026-07-01T15:00:00Z"}],
        leads=[{"Id": L1, "OwnerId": R1, "Status": "Working"},
               {"Id": L2, "OwnerId": R2, "Status": "SQL"},
               {"Id": L3, "OwnerId": R1, "Status": "Unqualified", "Disqualified_Reason__c": "No budget"},
               {"Id": L4, "OwnerId": R1, "Status": "Working"},
               {"Id": L5, "OwnerId": R1, "Status": "Converted", "IsConverted": True, "ConvertedDate": "2026-09-20",
                "ConvertedAccountId": P2},
               {"Id": L6, "OwnerId": R2, "Status": "Working"},
               {"Id": L7, "OwnerId": R1, "Status": "SQL", "SQL_Date__c": "2026-11-12"},
               {"Id": L8, "OwnerId": QUEUE, "Status": "Open"}],
        lead_history=[status(L1, "MQL", "2026-11-20T21:00:00Z"), status(L2, "SAL", "2026-11-23T16:00:00Z"),
                      status(L2, "SQL", "2026-11-23T18:00:00Z"), status(L3, "Unqualified", "2026-11-12T15:00:00Z"),
                      {"LeadId": L2, "Field": "Owner", "DataType": "EntityId", "OldValue": R1, "NewValue": R2,
                       "CreatedDate": "2026-11-24T15:00:00Z"},  # L2 was Rita's when it responded
                      {"LeadId": L6, "Field": "Owner", "DataType": "EntityId", "OldValue": R1, "NewValue": R2,
                       "CreatedDate": "2026-11-24T15:00:00Z"}],  # and so was L6; Raj has it now
        contacts=[{"Id": K1, "AccountId": P1, "OwnerId": R1}, {"Id": K2, "AccountId": P3, "OwnerId": R1}],
        accounts=[{"Id": P1, "Name": "Partner One", "OwnerId": R1, "Type": "Reseller",
                   "Partner_Recruited_Date__c": "2026-09-01"},
                  {"Id": P2, "Name": "Partner Two", "OwnerId": R1, "Type": "Reseller",
                   "Partner_Recruited_Date__c": "2026-11-20"},
                  {"Id": P3, "Name": "Partner Three", "OwnerId": R1, "Type": "Reseller",
                   "Partner_Recruited_Date__c": "2026-08-01"}],
        campaign_members=[
            # Q4 email: L1 and L2 responded on Friday 20 November at 16:30 New York (21:30Z).
            member(1, C2, "2026-11-20T21:30:00Z", L1, responded="2026-11-20"),
            member(2, C2, "2026-11-20T21:30:00Z", L2, responded="2026-11-20"),
            member(3, C2, "2026-11-10T15:00:00Z", L3, responded="2026-11-10"),
            member(10, C2, "2026-11-20T15:00:00Z", L8, responded="2026-11-20"),  # a queue's lead
            # November webinar: L4 added in October, responded on 5 November (from 00:00 New York); L6 responded
            # Monday 23 November at 16:00; L7 did not respond.
            member(4, C1, "2026-10-01T15:00:00Z", L4, responded="2026-11-05"),
            member(6, C1, "2026-11-23T21:00:00Z", L6, responded="2026-11-23"),
            member(7, C1, "2026-11-06T15:00:00Z", L7),
            # August trade show: a lead converted into P2, contacts of P1 and P3.
            member(5, C3, "2026-08-11T15:00:00Z", L5), member(8, C3, "2026-08-11T15:00:00Z", contact=K1),
            member(9, C3, "2026-08-11T15:00:00Z", contact=K2),
            member(14, C4, "2026-07-05T15:00:00Z", L1),
            # Members naming what the data lacks: a campaign, then two leads.
            member(11, uid("701", 99), "2026-11-02T15:00:00Z", L1),
            member(12, C2, "2026-11-02T15:00:00Z", uid("00Q", 99)),
            member(13, C2, "2026-11-02T15:00:00Z", uid("00Q", 98)),
            member(15, C2, "2026-11-30T15:00:00Z", L6, responded="2026-11-30")],  # added after the as-of date
        activities=[touch(1, L1, "2026-11-23T14:31:00Z"),  # Monday 09:31: one business minute over the SLA
                    touch(2, L2, "2026-11-23T14:30:00Z", "Email"),  # Monday 09:30: exactly the 1-hour SLA
                    touch(3, L1, "2026-11-20T15:00:00Z")],  # before L1 responded: not its first touch
        opportunities=[
            {"Id": uid("006", 1), "OwnerId": R1, "CampaignId": C2, "Amount": 10_000, "CloseDate": "2026-11-15",
             "IsWon": True, "IsClosed": True, "CreatedDate": "2026-10-20T15:00:00Z"},
            {"Id": uid("006", 2), "OwnerId": R2, "CampaignId": C2, "Amount": 20_000, "CloseDate": "2026-12-15",
             "CreatedDate": "2026-11-03T15:00:00Z"},
            {"Id": uid("006", 3), "OwnerId": R1, "CampaignId": C1, "Amount": 5_000, "CloseDate": "2026-12-20",
             "CreatedDate": "2026-11-10T15:00:00Z"},
            {"Id": uid("006", 4), "OwnerId": R1, "CampaignId": C2, "Amount": 50_000, "CloseDate": "2026-12-20",
             "CreatedDate": "2026-11-30T15:00:00Z"}])  # created after the as-of date
    tables.update(changes)
    return org(**tables)


@pytest.fixture(scope="module")
def view():
    return campaign_view(prepare(campaign_org()), AS_OF, CAL)


def test_a_responder_touched_one_business_minute_after_the_sla_across_a_weekend(view):
    members = view.members.set_index("Id")
    m1, m2 = members.loc[uid("00v", 1)], members.loc[uid("00v", 2)]
    # Responded Friday 16:30 New York; SLA 1 business hour. Friday 16:30-17:00 = 0.5 h, the weekend is free,
    # Monday 09:00-09:31 = 0.5167 h: 1.0167 h, over the SLA. Monday 09:30: 0.5 + 0.5 = 1.0 h, within it.
    assert m1["hours"] == pytest.approx(1 + 1 / 60) and (m1["touched_in_sla"], m1["breach"]) == (False, True)
    assert m2["hours"] == pytest.approx(1.0) and (m2["touched_in_sla"], m2["breach"]) == (True, False)
    assert m1["first_touch_id"] == uid("00T", 1)  # Friday's earlier call came before L1 responded
    # L2 counts for Rita, its owner when it responded, though Raj owns it now.
    assert m2["OwnerId"] == R1 and pd.isna(members.loc[uid("00v", 10), "OwnerId"])  # a queue: nobody


def test_per_campaign_figures(view):
    c2 = view.campaigns.loc[C2]
    # Members of the Q4 email by the as-of date: M1, M2, M3 and the queue's M10, all responders (M12 and M13 name
    # leads not in the data, M15 came later). Touched within the SLA: M2. MQL: L1; qualified in and SQL: L2;
    # qualified out: L3. Opportunities: 10,000 won + 20,000 open (the 50,000 one is created later).
    assert c2[["members", "responders", "touched_in_sla", "mql", "qualified_in", "sql", "qualified_out",
               "opportunities"]].tolist() == [4, 4, 1, 1, 1, 1, 1, 2]
    assert (c2["pipeline"], c2["won"], c2["cost"]) == (30_000, 10_000, 1_000)
    # Cost per SQL 1,000 / 1; pipeline per cost 30,000 / 1,000.
    assert (c2["cost_per_sql"], c2["pipeline_per_cost"]) == (1_000, 30)


def test_a_campaign_with_cost_0_has_no_cost_per_sql_and_no_pipeline_per_cost(view):
    c1 = view.campaigns.loc[C1]
    # One SQL (L7, by its SQL date) and 5,000 of pipeline, but a cost of 0: both ratios empty, not infinity.
    assert (c1["sql"], c1["pipeline"], c1["cost"]) == (1, 5_000, 0)
    assert pd.isna(c1["cost_per_sql"]) and pd.isna(c1["pipeline_per_cost"])
    no_cost = campaigns.with_costs(pd.DataFrame({"cost": [None, 500.0], "sql": [2, 0], "pipeline": [9.0, 9.0]}))
    assert no_cost["cost_per_sql"].isna().all() and no_cost["pipeline_per_cost"].tolist()[1] == 9 / 500


def test_qualified_out_members_with_their_reason(view):
    out = view.qualified_out
    assert out[["CampaignId", "LeadId", "reason"]].values.tolist() == [[C2, L3, "No budget"]]


def test_an_event_that_recruited_one_partner(view):
    events = view.events
    assert sorted(events.index) == [C1, C3]  # the webinar and the trade show, not the emails
    # The trade show ran 10-12 August: partners recruited from 10 August through 10 November (12 August + 90
    # days) count. P1 (a member contact's account, 1 September): yes. P2 (L5's converted account, recruited on
    # 20 November): too late. P3 (recruited 1 August): before the show.
    assert view.recruited[["CampaignId", "AccountId", "recruited"]].values.tolist() == [
        [C3, P1, pd.Timestamp("2026-09-01")]]
    assert events.loc[C3, ["prospects", "partners_recruited"]].tolist() == [3, 1]  # L5, K1 and K2
    assert events.loc[C1, ["prospects", "partners_recruited"]].tolist() == [3, 0]
    # With 100 days of follow-up (through 20 November) P2 counts too.
    longer = campaign_view(prepare(campaign_org(), Definitions(campaigns=CampaignRules(follow_up_days=100))),
                           AS_OF, CAL)
    assert longer.events.loc[C3, "partners_recruited"] == 2


def test_the_adr_queue_oldest_first_in_business_hours(view):
    # L4 responded on Thursday 5 November (00:00 New York, later than its October CreatedDate): business hours to
    # the end of Tuesday 24 November = 8 (Thu) + 8 (Fri) + 40 + 40 + 8 (Mon) + 8 (Tue) = 112. L6 responded Monday
    # 23 November at 16:00: 1 + 8 = 9, in Raj's queue now (he owns L6 since the 24th). L1 and L2 were touched;
    # L3 is qualified out; L8 belongs to a queue.
    assert view.queue[["LeadId", "OwnerId", "CampaignId"]].values.tolist() == [[L4, R1, C1], [L6, R2, C1]]
    assert view.queue["age_hours"].tolist() == pytest.approx([112, 9])
    assert (view.adrs.loc[R1, "queue"], view.adrs.loc[R2, "queue"]) == (1, 1)


def test_per_adr_figures(view):
    # Rita's members: M1-M7 (M2 and M6 hers at the response) and the trade show's M5, M8, M9 and July's M14 = 10.
    # Raj has no member, but owns the 20,000 opportunity.
    assert view.adrs.loc[R1, ["members", "responders", "touched_in_sla", "opportunities"]].tolist() == [10, 5, 1, 2]
    assert (view.adrs.loc[R1, "pipeline"], view.adrs.loc[R1, "won"]) == (15_000, 10_000)
    assert view.adrs.loc[R2, ["members", "opportunities", "pipeline"]].tolist() == [0, 1, 20_000]


def test_members_naming_a_campaign_or_lead_not_in_the_data_are_counted_and_reported(view):
    assert view.orphans[["Id", "problem"]].values.tolist() == [
        [uid("00v", 11), "campaign"], [uid("00v", 12), "lead"], [uid("00v", 13), "lead"]]
    assert view.messages == ["CampaignMember: 1 member names a campaign not in the data (Campaign.csv has 4 "
                             "campaigns); 2 name a lead not in Lead.csv: left out of every figure"]


def test_the_summary_lists_campaigns_active_this_quarter(view):
    # The webinar and the email had members or opportunities in QTD; the trade show and July's email did not.
    assert [row["id"] for row in view.figures] == [C1, C2]
    webinar = view.figures[0]
    assert webinar == {"id": C1, "name": "November webinar", "type": "Webinar", "members": 3, "responders": 2,
                       "mql": 0, "qualified_in": 1, "qualified_out": 0, "opportunities": 1, "pipeline": 5_000.0,
                       "won": 0.0, "cost": 0.0, "cost_per_sql": None}


def test_only_the_listed_reps_members_and_opportunities_count():
    raj = campaign_view(prepare(campaign_org()), AS_OF, CAL, pd.Index([R2]))
    # Raj's: no members (L2 was Rita's when it responded), the 20,000 opportunity; the cost stays the campaign's.
    assert [row["id"] for row in raj.figures] == [C2]
    assert {k: raj.figures[0][k] for k in ("members", "opportunities", "pipeline", "won", "cost", "cost_per_sql")} \
        == {"members": 0, "opportunities": 1, "pipeline": 20_000.0, "won": 0.0, "cost": 1_000.0, "cost_per_sql": None}


def test_missing_campaign_exports_are_said_and_leave_figures_unknown():
    bare = campaign_org(campaigns=[], campaign_members=[])
    said = campaign_view(prepare(bare), AS_OF, CAL).messages
    assert said == ["Campaign.csv is missing or empty, so there are no campaign or event figures: export Campaign "
                    "(Id, Name, Type, StartDate, EndDate, ActualCost) and CampaignMember (Id, CampaignId, LeadId, "
                    "ContactId, HasResponded, FirstRespondedDate, CreatedDate)"]
    no_members = replace(campaign_org(campaign_members=[]), missing=("CampaignMember",))
    view = campaign_view(prepare(no_members), AS_OF, CAL)
    assert "CampaignMember.csv is missing or empty" in view.messages[0]
    c2 = [row for row in view.figures if row["id"] == C2][0]
    # Without the member export, member figures are unknown (null), not 0; opportunities still count.
    assert (c2["members"], c2["mql"], c2["opportunities"], c2["cost"]) == (None, None, 2, 1_000.0)
    no_contacts = campaign_view(prepare(campaign_org(contacts=[])), AS_OF, CAL).messages
    assert "2 name a contact not in Contact.csv" in no_contacts[0]
    assert no_contacts[1] == ("Contact.csv is missing or empty, so 2 campaign members that are contacts are left out "
                              "and events recruit no partner through a contact: export Contact (Id, AccountId, "
                              "OwnerId, Name)")


def test_event_types_match_in_any_case():
    # Orgs write picklist values their own way: the workshop export's Type is 'event'.
    table = pd.DataFrame({"Type": ["event", "TRADE SHOW", "Email", None]}, index=[C1, C2, C3, C4])
    assert list(campaigns.events(table).index) == [C1, C2]
