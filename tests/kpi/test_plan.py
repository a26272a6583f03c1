"""The quarterly plan against what the quarter delivered (the summary's `plan`), with a channel split where a
deal's partner is a service provider."""

import pandas as pd
import pytest

from factories import org, table, uid, user
from kpi import plans
from kpi.periods import FiscalCalendar, business_days, elapsed_share
from kpi.summary import deals_as_of, delivered, plan_view, plan_views, prepare, summary

AS_OF = pd.Timestamp("2026-11-24")  # a Tuesday in FY2026 Q4 (1 Oct - 31 Dec)
# Business days (Mon-Fri) of the quarter: October 22 (Thu 1st .. Fri 30th), November 21 (Mon 2nd .. Mon 30th),
# December 23 (Tue 1st .. Thu 31st) = 66. From 1 Oct through Tue 24 Nov: October 22 + November 2-6, 9-13,
# 16-20, 23-24 (17) = 39.
SHARE = 39 / 66
CAL = FiscalCalendar()
Q4 = CAL.quarter(AS_OF)
Q3 = CAL.quarter(Q4.start - pd.Timedelta(days=1))  # 1 Jul - 30 Sep 2026, long past on the as-of date
NY = "America/New_York"
BOSS_E, BOSS_W, E1, E2, W1 = user(8), user(9), user(1), user(2), user(3)
P_SP, P_RES, P_TECH, C_NEW, C_OLD = (uid("001", n) for n in range(1, 6))
D = {n: uid("006", n) for n in range(1, 9)}
L1, L2, L3 = (uid("00Q", n) for n in range(1, 4))


def person(n: str, name: str, team: str, manager: str | None = None, **fields) -> dict:
    return {"Id": n, "Name": name, "Email": f"{name.split()[0].lower()}@example.com", "IsActive": True,
            "Department": team, "ManagerId": manager, "Title": "AE", "TimeZoneSidKey": NY, **fields}


def deal(n: int, owner: str, amount: float, close: str, created: str, won: bool = False, closed: bool | None = None,
         **fields) -> dict:
    return {"Id": D[n], "OwnerId": owner, "Amount": amount, "CloseDate": close, "IsWon": won,
            "IsClosed": won if closed is None else closed, "CreatedDate": f"{created}T15:00:00Z", **fields}


def call(n: int, owner: str, day: str, **fields) -> dict:
    return {"Id": uid("00T", n), "OwnerId": owner, "TaskSubtype": "Call", "Status": "Completed",
            "CompletedDateTime": f"{day}T15:00:00Z", **fields}


GOALS = [  # (owner, metric, period, target, channel, quarter)
    ("team:East", "revenue", "quarter", 50_000, "reseller", "FY2026 Q4"),  # the dated row wins in Q4 ...
    ("team:East", "revenue", "quarter", 40_000, "reseller", None),  # ... over this later every-quarter row
    ("team:East", "revenue", "quarter", 20_000, "direct", "FY2026 Q4"),
    ("team:East", "partners_recruited", "quarter", 3, None, None),
    ("team:East", "new_customers", "quarter", 1, None, None),
    ("team:East", "sal", "quarter", 5, None, None),  # the team's own line beats the sum of its reps' (3 + 3)
    ("team:West", "new_customers", "quarter", 2, None, None),
    ("bea@example.com", "revenue", "quarter", 45_000, None, None),  # E2's quota in every quarter ...
    (E2, "revenue", "quarter", 50_000, None, "FY2026 Q4"),  # ... but this one in Q4
    (E1, "revenue", "quarter", 99_000, None, None),  # E1's ForecastingQuota rows come first where there are any
    (W1, "revenue", "quarter", 30_000, None, None),
    (E1, "revenue", "quarter", 25_000, "service_provider", None),
    (W1, "revenue", "quarter", 10_000, "service_provider", None),
    ("*", "pipeline_created", "quarter", 50_000, None, None),
    ("AE", "activities", "quarter", 100, None, None),
    ("AE", "sal", "quarter", 3, None, None),
    (E1, "partners_certified", "quarter", 1, None, None),
]


def goals_rows(rows=GOALS) -> list[dict]:
    return [dict(zip(("owner", "metric", "period", "target", "channel", "quarter"), row)) for row in rows]


def small_org(goals=GOALS):
    """Team East: Ann (E1) and Bea (E2) under Eve; team West: Wes (W1) under Walt. Every rep's Title is 'AE'.

    Partners: P_SP a Service Provider (Ann's; recruited 5 Oct, certified 2 Nov), P_RES a Reseller (Bea's;
    recruited 1 Aug, certified 20 Oct), P_TECH a Technology Partner (Wes's; recruited 10 Nov, not certified).
    Customers: C_NEW (Ann's; first won deal D1 on 15 Oct), C_OLD (Wes's; first won deal D5 on 20 Aug, Q3).
    Deals:  D1 Ann 30,000 won 15 Oct, created 1 Oct, primary OpportunityPartner P_SP, PartnerAccountId P_RES
            D2 Bea 20,000 won 10 Nov, created 15 Sep (Q3), PartnerAccountId P_RES
            D3 Ann 10,000 won 20 Nov, created 20 Oct, no partner, no channel field
            D4 Wes 15,000 won 3 Nov, created 10 Oct, P_TECH (no channel type), Sales_Channel__c 'Service Provider'
            D5 Wes  8,000 won 20 Aug (Q3), created 10 Jul, C_OLD
            D6 Bea 12,000 lost 5 Nov, created 5 Oct, partner P_RES
            D7 Ann 40,000 open, closing 15 Dec, created 2 Nov
            D8 Wes  5,000 won 12 Nov, created 1 Nov, C_OLD (not a new customer: its first deal was D5)
    Ann has ForecastingQuota rows of 20,000 for each month of Q4."""
    certified = {"Certification_Status__c": "Certified"}
    return org(
        users=[person(BOSS_E, "Eve Boss", "East"), person(BOSS_W, "Walt Boss", "West"),
               person(E1, "Ann East", "East", BOSS_E), person(E2, "Bea East", "East", BOSS_E),
               person(W1, "Wes West", "West", BOSS_W)],
        accounts=[
            {"Id": P_SP, "Name": "Fibre Co", "OwnerId": E1, "Type": "Service Provider",
             "Partner_Recruited_Date__c": "2026-10-05", "Certified_Date__c": "2026-11-02", **certified},
            {"Id": P_RES, "Name": "Resell Co", "OwnerId": E2, "Type": "Reseller",
             "Partner_Recruited_Date__c": "2026-08-01", "Certified_Date__c": "2026-10-20", **certified},
            {"Id": P_TECH, "Name": "Tech Co", "OwnerId": W1, "Type": "Technology Partner",
             "Partner_Recruited_Date__c": "2026-11-10"},
            {"Id": C_NEW, "Name": "New Buyer", "OwnerId": E1, "Type": "Customer - Direct"},
            {"Id": C_OLD, "Name": "Old Buyer", "OwnerId": W1, "Type": "Customer - Direct"}],
        opportunities=[
            deal(1, E1, 30_000, "2026-10-15", "2026-10-01", won=True, AccountId=C_NEW, PartnerAccountId=P_RES),
            deal(2, E2, 20_000, "2026-11-10", "2026-09-15", won=True, PartnerAccountId=P_RES),
            deal(3, E1, 10_000, "2026-11-20", "2026-10-20", won=True),
            deal(4, W1, 15_000, "2026-11-03", "2026-10-10", won=True, PartnerAccountId=P_TECH,
                 Sales_Channel__c="Service Provider"),
            deal(5, W1, 8_000, "2026-08-20", "2026-07-10", won=True, AccountId=C_OLD),
            deal(6, E2, 12_000, "2026-11-05", "2026-10-05", closed=True, PartnerAccountId=P_RES),
            deal(7, E1, 40_000, "2026-12-15", "2026-11-02"),
            deal(8, W1, 5_000, "2026-11-12", "2026-11-01", won=True, AccountId=C_OLD)],
        opportunity_partners=[{"Id": uid("00I", 1), "OpportunityId": D[1], "AccountToId": P_SP, "IsPrimary": True}],
        activities=[
            call(1, E1, "2026-09-10"),  # Q3
            call(2, E1, "2026-10-06"), call(3, E1, "2026-11-02"), call(4, E1, "2026-11-24"),
            {"Id": uid("00T", 5), "OwnerId": E2, "TaskSubtype": "Email", "Status": "Completed",
             "CompletedDateTime": "2026-10-21T15:00:00Z"},
            {"Id": uid("00T", 6), "OwnerId": E2, "TaskSubtype": "Email", "Status": "Completed",
             "CompletedDateTime": "2026-11-16T15:00:00Z"},
            call(7, E2, "2026-11-17", Status="Not Started"),  # not done: not counted
            {"Id": uid("00U", 8), "OwnerId": W1, "IsEvent": True, "StartDateTime": "2026-11-04T15:00:00Z"},
            call(9, W1, "2026-11-25")],  # after the as-of date
        leads=[{"Id": L1, "OwnerId": E1, "Status": "SQL", "SAL_Date__c": "2026-10-12", "SQL_Date__c": "2026-10-20"},
               {"Id": L2, "OwnerId": E2, "Status": "SAL", "SAL_Date__c": "2026-11-03"},
               {"Id": L3, "OwnerId": W1, "Status": "SQL", "SAL_Date__c": "2026-09-10", "SQL_Date__c": "2026-11-05"}],
        quotas=[{"QuotaOwnerId": E1, "StartDate": f"2026-{m}-01", "QuotaAmount": 20_000} for m in (10, 11, 12)],
        goals=goals_rows(goals),
    )


def line(team, metric, channel, plan, actual, attainment) -> dict:
    """A `plan` object as the summary writes it; pace = attainment / SHARE (None without attainment)."""
    return {"team": team, "metric": metric, "channel": channel, "plan_quarter": plan, "actual_qtd": actual,
            "attainment": attainment, "pace": None if attainment is None else attainment / SHARE}


@pytest.fixture(scope="module")
def facts():
    return prepare(small_org())


@pytest.fixture(scope="module")
def doc(facts):
    return summary(facts, AS_OF)


def test_the_elapsed_share_is_the_business_days_gone():
    assert (business_days(Q4.start, AS_OF), business_days(Q4.start, Q4.end)) == (39, 66)
    assert elapsed_share(Q4, AS_OF) == pytest.approx(SHARE)
    assert elapsed_share(Q3, AS_OF) == 1.0  # a past quarter is all gone


def test_deals_are_split_by_channel_and_the_service_provider_on_the_deal_decides(facts):
    done = delivered(facts, AS_OF, deals_as_of(facts, AS_OF))
    channel = done.deals.set_index("Id")["channel"]
    # D1: the primary OpportunityPartner is a Service Provider (its PartnerAccountId, a reseller, is outranked);
    # D4: a Technology Partner names no channel, so its Sales_Channel__c 'Service Provider' decides.
    assert channel[[D[1], D[2], D[3], D[4], D[6], D[8]]].tolist() == [
        "service_provider", "reseller", "direct", "service_provider", "reseller", "direct"]


def test_the_summary_plan_per_team_and_line(doc):
    assert [r["id"] for r in doc["reps"]] == [E1, E2, W1]  # Ann, Bea, Wes; the two bosses are managers
    assert doc["plan"] == [pytest.approx(row) for row in [
        # East revenue: the reps' quotas, Ann's ForecastingQuota 3 x 20,000 (her 99,000 goals row is not used)
        # + Bea's Q4 row 50,000 (beats her every-quarter 45,000) = 110,000; won D1 30,000 + D3 10,000 + D2
        # 20,000 = 60,000.
        line("East", "revenue", None, 110_000, 60_000, 60_000 / 110_000),
        line("East", "revenue", "direct", 20_000, 10_000, 0.5),  # team line; D3
        line("East", "revenue", "reseller", 50_000, 20_000, 0.4),  # the dated team line; D2
        # No team line for service providers: Ann's 25,000 (Bea has none); D1 30,000 sold through P_SP.
        line("East", "revenue", "service_provider", 25_000, 30_000, 1.2),
        # '*' 50,000 each for Ann and Bea; created in Q4: D1 30,000 + D3 10,000 + D7 40,000 + D6 12,000
        # (D2 was created in September).
        line("East", "pipeline_created", None, 100_000, 92_000, 0.92),
        line("East", "partners_recruited", None, 3, 1, 1 / 3),  # P_SP on 5 Oct (P_RES in August)
        line("East", "partners_certified", None, 1, 2, 2.0),  # Ann's 1; P_SP 2 Nov + P_RES 20 Oct
        line("East", "new_customers", None, 1, 1, 1.0),  # C_NEW, first deal 15 Oct
        # 'AE' 100 each; Ann's calls 6 Oct, 2 Nov, 24 Nov + Bea's emails 21 Oct, 16 Nov (not her open task).
        line("East", "activities", None, 200, 5, 5 / 200),
        line("East", "sal", None, 5, 2, 0.4),  # the team line 5, not 3 + 3; L1 12 Oct, L2 3 Nov
        line("East", "sql", None, None, 1, None),  # no SQL plan at all: no attainment; L1 20 Oct
        # West: Wes's 30,000 goals row; won D4 15,000 + D8 5,000 (D5 closed in Q3).
        line("West", "revenue", None, 30_000, 20_000, 20_000 / 30_000),
        line("West", "revenue", "direct", None, 5_000, None),  # D8; nobody planned it
        line("West", "revenue", "reseller", None, 0, None),
        line("West", "revenue", "service_provider", 10_000, 15_000, 1.5),  # Wes's row; D4
        line("West", "pipeline_created", None, 50_000, 20_000, 0.4),  # D4 15,000 + D8 5,000
        line("West", "partners_recruited", None, None, 1, None),  # P_TECH on 10 Nov
        line("West", "partners_certified", None, None, 0, None),
        line("West", "new_customers", None, 2, 0, 0.0),  # C_OLD's first deal was in Q3: none, against 2
        line("West", "activities", None, 100, 1, 0.01),  # the meeting on 4 Nov (the 25 Nov call is later)
        line("West", "sal", None, 3, 0, 0.0),  # L3 reached SAL in September
        line("West", "sql", None, None, 1, None),  # L3 on 5 Nov
    ]]


def test_counts_are_whole_numbers_and_amounts_are_money(doc):
    by_line = {(r["team"], r["metric"], r["channel"]): r for r in doc["plan"]}
    assert isinstance(by_line[("East", "activities", None)]["actual_qtd"], int)
    assert isinstance(by_line[("East", "revenue", None)]["actual_qtd"], float)


def test_revenue_over_every_channel_is_the_reps_revenue_qtd_and_quota(doc):
    for team in ("East", "West"):
        reps = [r for r in doc["reps"] if r["team"] == team]
        revenue = next(r for r in doc["plan"] if (r["team"], r["metric"], r["channel"]) == (team, "revenue", None))
        assert revenue["actual_qtd"] == sum(r["revenue_qtd"] for r in reps)
        assert revenue["plan_quarter"] == sum(r["quota_quarter"] for r in reps)
        # ... and the channels add up to it: every won deal has exactly one channel.
        channels = [r for r in doc["plan"] if (r["team"], r["metric"]) == (team, "revenue") and r["channel"]]
        assert sum(r["actual_qtd"] for r in channels) == revenue["actual_qtd"]


def test_a_past_quarter_is_measured_whole_so_pace_is_attainment(facts):
    reps = pd.Index([E1, E2, W1])
    view = plan_view(facts, AS_OF, Q3, reps, delivered(facts, AS_OF, deals_as_of(facts, AS_OF)))
    assert (view.window.start, view.window.end) == (Q3.start, Q3.end)
    rows = view.teams.set_index(["team", "metric", "channel"])
    known = rows.dropna(subset="attainment")
    assert (known["pace"] == known["attainment"]).all() and len(known) > 0
    # Q3 revenue: East's plan is Ann's every-quarter 99,000 (no ForecastingQuota in Q3) + Bea's 45,000 (her
    # Q4 row does not hold in Q3); nothing won. West: 30,000; D5 8,000 won 20 Aug.
    assert rows.loc[("East", "revenue", None), ["plan_quarter", "actual_qtd", "attainment"]].tolist() == [
        144_000, 0, 0]
    assert rows.loc[("West", "revenue", None), ["plan_quarter", "actual_qtd"]].tolist() == [30_000, 8_000]
    assert rows.loc[("West", "revenue", None), "pace"] == pytest.approx(8_000 / 30_000)
    # East resellers in Q3: the every-quarter team line (40,000), the Q4 one does not hold.
    assert rows.loc[("East", "revenue", "reseller"), "plan_quarter"] == 40_000
    # West's new customers: C_OLD's first deal in Q3 against the team's 2; SAL: L3 on 10 Sep against 3.
    assert rows.loc[("West", "new_customers", None), "attainment"] == 0.5
    assert rows.loc[("West", "sal", None), "pace"] == pytest.approx(1 / 3)


def test_plan_views_list_the_quarters_oldest_first_ending_with_this_one(facts):
    views = plan_views(facts, AS_OF, CAL, pd.Index([E1, E2, W1]), deals_as_of(facts, AS_OF), quarters=2)
    assert [v.quarter.name for v in views] == ["FY2026 Q3", "FY2026 Q4"]
    assert views[-1].window.end == AS_OF
    east = views[-1].teams.set_index(["team", "metric", "channel"]).loc[("East", "revenue", "reseller")]
    assert (east["plan_quarter"], east["actual_qtd"]) == (50_000, 20_000)


def test_a_plan_revised_mid_quarter_shows_the_new_version(tmp_path):
    first = small_org()
    # Version 2 raises East's Q4 reseller line from 50,000 to 80,000 (the first row of GOALS).
    revised = [("team:East", "revenue", "quarter", 80_000, "reseller", "FY2026 Q4"), *GOALS[1:]]
    v1 = plans.save(tmp_path, first.goals, by="eve@example.com", based_on=0, note="Q4 plan")
    v2 = plans.save(tmp_path, table("goals", *goals_rows(revised)), by="eve@example.com", based_on=v1.number,
                    note="reseller push")
    assert (v1.number, v2.number, plans.latest(tmp_path)) == (1, 2, 2)
    in_force, number = plans.in_force(first, tmp_path)
    assert number == 2
    assert in_force.goals.iloc[0]["target"] == 80_000
    plan = summary(prepare(in_force), AS_OF)["plan"]
    east = next(r for r in plan if (r["team"], r["metric"], r["channel"]) == ("East", "revenue", "reseller"))
    # D2's 20,000 against 80,000: 0.25; pace 0.25 / (39/66).
    assert east == pytest.approx(line("East", "revenue", "reseller", 80_000, 20_000, 0.25))
    # Version 1 is kept as it was saved.
    kept = plans.read(tmp_path, 1)
    assert kept.iloc[0]["target"] == 50_000
    pd.testing.assert_frame_equal(kept, first.goals.reset_index(drop=True), check_dtype=False)
    assert [(v.number, v.based_on, v.note) for v in plans.versions(tmp_path)] == [
        (1, 0, "Q4 plan"), (2, 1, "reseller push")]


def test_with_no_version_saved_the_source_goals_stand(tmp_path):
    first = small_org()
    in_force, number = plans.in_force(first, tmp_path)
    assert in_force is first and number == 0


Q2 = CAL.quarter(pd.Timestamp("2026-06-15"))  # 1 Apr - 30 Jun 2026


def test_a_quarter_that_ended_before_the_exports_begin_has_unknown_actuals(facts):
    # The exports begin on 10 Sep: the first activity (Ann's call) and the first stage (L3's SAL) that day,
    # the first deal created 10 Jul: every export covers days from the latest of those on.
    done = delivered(facts, AS_OF, deals_as_of(facts, AS_OF))
    assert done.since == pd.Timestamp("2026-09-10")
    rows = plan_view(facts, AS_OF, Q2, pd.Index([E1, E2, W1]), done).teams.set_index(["team", "metric", "channel"])
    assert rows["actual_qtd"].isna().all() and rows["attainment"].isna().all()
    # The plan is known all the same: Ann's every-quarter 99,000 + Bea's every-quarter 45,000.
    assert rows.loc[("East", "revenue", None), "plan_quarter"] == 144_000


def test_a_summary_dated_before_the_exports_begin_shows_the_plan_with_unknown_actuals(facts):
    doc = summary(facts, pd.Timestamp("2026-06-15"))  # in Q2, which ended before the exports begin (10 Sep)
    assert len(doc["plan"]) == 22
    assert all(r["actual_qtd"] is None and r["attainment"] is None and r["pace"] is None for r in doc["plan"])
    east = next(r for r in doc["plan"] if (r["team"], r["metric"], r["channel"]) == ("East", "revenue", None))
    assert east["plan_quarter"] == 144_000
