import json
from dataclasses import replace

import pandas as pd
import pytest

from factories import org, uid, user
from kpi.config import Definitions
from kpi.speed import SpeedRules
from kpi.summary import default_as_of, prepare, qualifies, records_behind, scorecard, sells, summary

AS_OF = pd.Timestamp("2026-11-24")  # a Tuesday in FY2026 Q4; 39 of the quarter's 66 business days gone
SHARE = 39 / 66
R1, R2, R3, BOSS = user(1), user(2), user(3), user(9)


def small_org():
    """Two ADRs (R1 in New York, R2 in Los Angeles), their manager and an inactive ADR (R3)."""
    ny, la = "America/New_York", "America/Los_Angeles"
    return org(
        users=[{"Id": BOSS, "Name": "Boss", "IsActive": True, "Department": "ADR", "TimeZoneSidKey": ny},
               {"Id": R1, "Name": "Rita One", "IsActive": True, "Department": "ADR", "ManagerId": BOSS,
                "Title": "ADR", "TimeZoneSidKey": ny},
               {"Id": R2, "Name": "Raj Two", "IsActive": True, "Department": "ADR", "ManagerId": BOSS,
                "Title": "ADR", "TimeZoneSidKey": la},
               {"Id": R3, "Name": "Gone Three", "IsActive": False, "Department": "ADR", "ManagerId": BOSS,
                "TimeZoneSidKey": ny}],
        activities=[
            {"Id": uid("00T", 1), "OwnerId": R1, "TaskSubtype": "Call", "Status": "Completed",
             "CompletedDateTime": "2026-11-24T14:00:00Z"},  # 09:00 in New York: today
            {"Id": uid("00T", 2), "OwnerId": R1, "TaskSubtype": "Email", "Status": "Completed",
             "CompletedDateTime": "2026-11-25T03:30:00Z"},  # 22:30 on the 24th in New York: today
            {"Id": uid("00U", 3), "OwnerId": R1, "IsEvent": True, "StartDateTime": "2026-11-24T16:00:00Z"},
            {"Id": uid("00T", 4), "OwnerId": R1, "TaskSubtype": "Call", "Status": "Completed",
             "CompletedDateTime": "2026-11-23T15:00:00Z"},  # Monday: this week
            {"Id": uid("00T", 5), "OwnerId": R2, "TaskSubtype": "Call", "Status": "Completed",
             "CompletedDateTime": "2026-11-24T06:00:00Z"},  # 22:00 on Monday in Los Angeles: week, not today
            {"Id": uid("00T", 6), "OwnerId": R2, "TaskSubtype": "Email", "Status": "Completed",
             "CompletedDateTime": "2026-11-24T20:00:00Z"},  # noon in Los Angeles: today
            {"Id": uid("00T", 7), "OwnerId": R3, "TaskSubtype": "Call", "Status": "Completed",
             "CompletedDateTime": "2026-11-24T15:00:00Z"},  # the inactive rep: in no figure
        ],
        leads=[{"Id": uid("00Q", 1), "OwnerId": R1, "Status": "SQL"},
               {"Id": uid("00Q", 2), "OwnerId": R2, "Status": "SAL", "SAL_Date__c": "2026-11-05"},
               {"Id": uid("00Q", 3), "OwnerId": R2, "Status": "SAL"}],
        lead_history=[
            {"LeadId": uid("00Q", 1), "Field": "Status", "NewValue": "SAL", "CreatedDate": "2026-11-23T15:00:00Z"},
            {"LeadId": uid("00Q", 1), "Field": "Status", "NewValue": "SQL", "CreatedDate": "2026-11-24T15:00:00Z"},
            {"LeadId": uid("00Q", 3), "Field": "Status", "NewValue": "SAL", "CreatedDate": "2026-11-10T15:00:00Z"},
            {"LeadId": uid("00Q", 3), "Field": "Owner", "DataType": "EntityId", "OldValue": R1, "NewValue": R2,
             "CreatedDate": "2026-11-12T15:00:00Z"},  # R1 owned lead 3 when it became a SAL
        ],
        opportunities=[
            {"Id": uid("006", 1), "OwnerId": R1, "Amount": 30_000, "CloseDate": "2026-10-20", "IsWon": True,
             "IsClosed": True},
            {"Id": uid("006", 2), "OwnerId": R1, "Amount": 10_000, "CloseDate": "2026-11-03", "IsClosed": True},
            {"Id": uid("006", 3), "OwnerId": R1, "Amount": 50_000, "CloseDate": "2026-12-15"},
            {"Id": uid("006", 4), "OwnerId": R2, "Amount": 20_000, "CloseDate": "2026-11-10", "IsWon": True,
             "IsClosed": True},
            {"Id": uid("006", 5), "OwnerId": R2, "Amount": 10_000, "CloseDate": "2026-11-20", "IsWon": True,
             "IsClosed": True},
            {"Id": uid("006", 6), "OwnerId": R2, "Amount": 40_000, "CloseDate": "2026-12-01"},
            {"Id": uid("006", 7), "OwnerId": R2, "Amount": 5_000, "CloseDate": "2027-01-10"},  # next quarter
        ],
        quotas=[{"QuotaOwnerId": R1, "StartDate": f"2026-{m}-01", "QuotaAmount": 40_000} for m in (10, 11, 12)],
        goals=[{"owner": "ADR", "metric": "calls", "period": "day", "target": 30},
               {"owner": R2, "metric": "calls", "period": "day", "target": 40},
               {"owner": "*", "metric": "sal", "period": "week", "target": 2},
               {"owner": "ADR", "metric": "sal", "period": "month", "target": 8},
               {"owner": R1, "metric": "sql", "period": "week", "target": 1},
               {"owner": R2, "metric": "revenue", "period": "quarter", "target": 25_000}],
    )


@pytest.fixture(scope="module")
def doc():
    return summary(prepare(small_org()), AS_OF)


def test_reps_are_listed_without_the_manager_or_the_inactive_rep(doc):
    assert (doc["as_of"], doc["fiscal_quarter"]) == ("2026-11-24", "FY2026 Q4")
    assert [(r["id"], r["name"]) for r in doc["reps"]] == [(R2, "Raj Two"), (R1, "Rita One")]


def test_rep_rows_hold_the_hand_counted_figures(doc):
    rita, raj = doc["reps"][1], doc["reps"][0]
    # Rita: a call at 09:00 and an email at 22:30 New York time, a meeting: 3 today; plus Monday's call.
    assert {k: rita[k] for k in ("calls_today", "emails_today", "meetings_today", "activities_today",
                                 "activities_week")} == {"calls_today": 1, "emails_today": 1, "meetings_today": 1,
                                                         "activities_today": 3, "activities_week": 4}
    # Raj: Monday 22:00 Los Angeles call is this week, not today; the noon email is today.
    assert (raj["calls_today"], raj["emails_today"], raj["activities_today"], raj["activities_week"]) == (0, 1, 1, 2)
    # Targets: role ADR (Title) 30 calls a day, Raj's own row 40; '*' 2 SALs a week; ADR 8 SALs a month.
    assert (rita["calls_target_day"], raj["calls_target_day"]) == (30, 40)
    assert (rita["sal_goal_week"], rita["sql_goal_week"], rita["sal_goal_month"], rita["sql_goal_month"]) == (2, 1, 8, None)
    assert (raj["sql_goal_week"], raj["sal_goal_month"]) == (None, 8)
    # Funnel: lead 1 SAL Monday + SQL today (Rita); lead 3 SAL on 10 Nov while Rita owned it; lead 2 SAL 5 Nov (Raj).
    assert (rita["sal_week"], rita["sql_week"], rita["sal_month"], rita["sql_month"]) == (1, 1, 2, 1)
    assert (raj["sal_week"], raj["sal_month"], raj["sql_month"]) == (0, 1, 0)


def test_revenue_rates_per_rep(doc):
    rita, raj = doc["reps"][1], doc["reps"][0]
    # Rita: won 30,000 of a 3 x 40,000 quota: 0.25; pace 0.25 * 66/39; projection 30,000 * 66/39;
    # coverage 50,000 open / (120,000 - 30,000); win rate 1 won of 2 closed.
    assert rita["revenue_qtd"] == 30_000 and rita["quota_quarter"] == 120_000
    assert rita["attainment"] == pytest.approx(0.25)
    assert rita["pace"] == pytest.approx(0.25 / SHARE)
    assert rita["projection"] == pytest.approx(30_000 / SHARE)
    assert rita["coverage"] == pytest.approx(50_000 / 90_000)
    assert rita["win_rate"] == pytest.approx(0.5)
    # Raj: 20,000 + 10,000 won against the goals file's 25,000: quota met, so coverage is empty.
    assert raj["quota_quarter"] == 25_000 and raj["attainment"] == pytest.approx(1.2)
    assert raj["coverage"] is None and raj["win_rate"] == 1.0


def test_team_row_sums_counts_and_recomputes_rates(doc):
    team = doc["team"]
    assert (team["calls_today"], team["emails_today"], team["activities_today"], team["activities_week"]) == (1, 2, 4, 6)
    assert (team["calls_target_day"], team["sal_goal_week"], team["sql_goal_week"], team["sql_goal_month"]) == (70, 4, 1, None)
    assert (team["sal_month"], team["sql_month"]) == (3, 1)
    # Won 60,000 of 145,000: 0.4138, not the mean of 0.25 and 1.2. Coverage pools: 90,000 / (145,000 - 60,000).
    assert team["attainment"] == pytest.approx(60_000 / 145_000)
    assert team["pace"] == pytest.approx(60_000 / 145_000 / SHARE)
    assert team["projection"] == pytest.approx(60_000 / SHARE)
    assert team["coverage"] == pytest.approx(90_000 / 85_000)
    assert team["win_rate"] == pytest.approx(3 / 4)


def test_funnel_quarter_to_date_and_cohort_conversion(doc):
    rita, raj, team = doc["reps"][1], doc["reps"][0], doc["team"]
    # SALs of the quarter: Rita's leads 1 (23 Nov) and 3 (10 Nov, hers then), Raj's lead 2 (5 Nov); SQL: lead 1.
    assert (rita["sal_qtd"], rita["sql_qtd"], raj["sal_qtd"], raj["sql_qtd"]) == (2, 1, 1, 0)
    # SAL cohort -> SQL by the as-of date: Rita 1 of 2 (lead 1), Raj 0 of 1; the team 1 of 3, not the mean 0.25.
    assert (rita["sal_to_sql_cohort"], raj["sal_to_sql_cohort"]) == (0.5, 0.0)
    assert team["sal_to_sql_cohort"] == pytest.approx(1 / 3)
    # No lead reached MQL in the quarter: 0 MQLs, and a conversion rate over nothing is null, not 0.
    assert (team["mql_qtd"], team["mql_to_sal_cohort"], team["converted_qtd"]) == (0, None, 0)


def test_a_team_of_adrs_has_no_forecast_not_a_forecast_of_zero():
    # Every deal moves to Sam of SMB, and the quotas go: the ADR team sells nothing, so it gets no forecast,
    # while Sam's team does (a Q3 win gives rates to measure; his 60,000 won this quarter is its floor).
    rows = small_org()
    sam = rows.users.iloc[[0]].assign(Id=user(5), Name="Sam Five", Department="SMB")
    past_win = rows.opportunities.iloc[[0]].assign(Id=uid("006", 9), CloseDate=pd.Timestamp("2026-08-10"))  # Q3: rates
    facts = prepare(replace(rows, users=pd.concat([rows.users, sam], ignore_index=True),
                            opportunities=pd.concat([rows.opportunities, past_win], ignore_index=True).assign(
                                OwnerId=user(5)),
                            quotas=rows.quotas.iloc[0:0], goals=rows.goals.iloc[0:0]))
    adr = summary(facts, AS_OF, team="ADR")["team"]
    assert (adr["forecast_p10"], adr["forecast_p50"], adr["forecast_p90"], adr["forecast_p_quota"]) == \
        (None, None, None, None)
    assert summary(facts, AS_OF, team="SMB")["team"]["forecast_p50"] >= 60_000


def test_the_summary_is_plain_json_with_ints_for_counts(doc):
    text = json.dumps(doc)
    assert '"calls_today": 1,' in text and '"revenue_qtd": 30000.0' in text
    assert isinstance(doc["team"]["sal_week"], int)


def test_records_behind_a_number_are_the_ones_it_counts():
    facts = prepare(small_org())
    rita = pd.Index([R1])
    assert sorted(records_behind(facts, "activities_today", rita, AS_OF)["Id"]) == [
        uid("00T", 1), uid("00T", 2), uid("00U", 3)]
    assert list(records_behind(facts, "sal_month", rita, AS_OF)["LeadId"]) == [uid("00Q", 3), uid("00Q", 1)]
    won = records_behind(facts, "revenue_qtd", pd.Index([R2]), AS_OF)
    assert won["Amount"].sum() == 30_000  # the number shown for Raj
    assert list(records_behind(facts, "coverage", rita, AS_OF)["Id"]) == [uid("006", 3)]


def test_one_team_and_the_default_as_of_date():
    facts = prepare(small_org())
    assert scorecard(facts, AS_OF, team="Nobody's")[0].empty
    # No anchor from the source: the newest day a Task was done (Rita's 22:30 email, on the 24th).
    assert default_as_of(facts) == AS_OF


def test_who_sells_and_who_qualifies_leads():
    facts = prepare(small_org())
    reps, _ = scorecard(facts, AS_OF)
    # Rita has a quota and deals; both ADRs have SAL goals ('*' 2 a week).
    assert sells(reps.loc[R1]) and qualifies(reps.loc[R1])
    nobody = reps.loc[R1].copy()
    nobody[["quota_quarter", "revenue_qtd", "open_pipeline"]] = [float("nan"), 0.0, 0.0]
    assert not sells(nobody)
    nobody[["sal_week", "sql_week", "sal_month", "sql_month", "sal_goal_week", "sql_goal_week",
            "sal_goal_month", "sql_goal_month"]] = [0, 0, 0, 0, None, None, None, None]
    assert not qualifies(nobody)


def test_figures_that_need_a_missing_export_are_unknown_not_zero():
    complete = small_org()
    without = replace(complete, leads=complete.leads.iloc[0:0], opportunities=complete.opportunities.iloc[0:0],
                      missing=("Lead", "Opportunity"))
    doc = summary(prepare(without), AS_OF)
    rita = doc["reps"][1]
    assert rita["calls_today"] == 1  # Task.csv and Event.csv are there
    assert (rita["sal_week"], rita["revenue_qtd"], rita["attainment"], rita["win_rate"]) == (None, None, None, None)
    assert rita["quota_quarter"] == 120_000  # ForecastingQuota is there
    assert (doc["team"]["sal_month"], doc["team"]["revenue_qtd"], doc["team"]["activities_today"]) == (None, None, 4)


def test_a_won_deal_not_marked_closed_does_not_lift_the_win_rate():
    rows = small_org()
    odd = rows.opportunities.assign(IsClosed=rows.opportunities["IsClosed"].where(
        rows.opportunities["Id"] != uid("006", 4), False))  # Raj's 20,000 win, IsWon but not IsClosed
    doc = summary(prepare(replace(rows, opportunities=odd)), AS_OF)
    raj = doc["reps"][0]
    assert raj["revenue_qtd"] == 30_000 and raj["win_rate"] == 1.0  # 1 won of 1 closed, not 2 of 1


def test_speed_to_lead_in_the_scorecard():
    rita = {"Id": R1, "Name": "Rita One", "IsActive": True, "Department": "ADR", "TimeZoneSidKey": "America/New_York"}
    mql = lambda n, at: {"LeadId": uid("00Q", n), "Field": "Status", "NewValue": "MQL", "CreatedDate": at}  # noqa: E731
    call = lambda n, at: {"Id": uid("00T", n), "OwnerId": R1, "WhoId": uid("00Q", n), "TaskSubtype": "Call",  # noqa: E731
                          "Status": "Completed", "CompletedDateTime": at}
    tables = dict(
        users=[rita],
        leads=[{"Id": uid("00Q", 10), "OwnerId": R1, "Status": "Working - Contacted"},
               {"Id": uid("00Q", 11), "OwnerId": R1, "Status": "MQL"},
               {"Id": uid("00Q", 12), "OwnerId": R1, "Status": "Working - Contacted"}],
        lead_history=[mql(10, "2026-11-23T14:00:00Z"),  # Monday 09:00 in New York
                      mql(11, "2026-11-24T19:00:00Z"),  # Tuesday 14:00
                      mql(12, "2026-11-24T21:30:00Z")],  # Tuesday 16:30
        activities=[call(10, "2026-11-23T16:30:00Z"),  # 11:30: 2.5 business hours after its MQL
                    call(12, "2026-11-24T21:45:00Z")])  # 16:45: a quarter of an hour
    doc = summary(prepare(org(**tables)), AS_OF)
    row, team = doc["reps"][0], doc["team"]
    # Touched: 2.5 h and 0.25 h: median 1.375; p90 0.25 + 0.9 x (2.5 - 0.25) = 2.275.
    assert row["speed_to_lead_median_h"] == pytest.approx(1.375) and row["speed_to_lead_p90_h"] == pytest.approx(2.275)
    # Breaches over the 1-hour SLA: lead 10 (2.5 h) and lead 11, untouched 3 h by 17:00 on the as-of day.
    assert (row["sla_breaches_qtd"], row["untouched_mql"], row["mql_qtd"]) == (2, 1, 3)
    assert team["speed_to_lead_median_h"] == pytest.approx(1.375) and team["sla_breaches_qtd"] == 2
    # Rita owns no opportunity and has no quota: no forecast for her, and none for the team.
    assert (row["forecast_p50"], team["forecast_p50"], team["forecast_p_quota"]) == (None, None, None)
    # With a 3-hour SLA neither 2.5 h nor an untouched 3 h (not over 3) is a breach.
    relaxed = summary(prepare(org(**tables), Definitions(speed=SpeedRules(sla_hours=3))), AS_OF)
    assert relaxed["reps"][0]["sla_breaches_qtd"] == 0


def test_deal_figures_read_the_deals_as_they_stood_on_the_as_of_day():
    # Won on 20 Nov with its close date pulled back to 5 Nov; on 10 Nov it was an open 12 Dec deal in
    # Prospecting. As of 10 Nov: no revenue yet, 9,000 of open pipeline; as of 24 Nov: 9,000 won.
    deal = uid("006", 1)
    facts = prepare(org(
        users=[{"Id": R1, "Name": "Rita One", "IsActive": True, "Department": "SMB", "TimeZoneSidKey": "UTC"}],
        opportunities=[{"Id": deal, "OwnerId": R1, "Amount": 9_000, "CloseDate": "2026-11-05", "IsWon": True,
                        "IsClosed": True, "StageName": "Closed Won", "CreatedDate": "2026-10-01T09:00:00Z"}],
        opportunity_history=[
            {"OpportunityId": deal, "Field": "StageName", "OldValue": "Prospecting", "NewValue": "Closed Won",
             "CreatedDate": "2026-11-20T15:00:00Z"},
            {"OpportunityId": deal, "Field": "CloseDate", "OldValue": "2026-12-12", "NewValue": "2026-11-05",
             "CreatedDate": "2026-11-20T15:00:00Z"}]))
    then = summary(facts, pd.Timestamp("2026-11-10"))["reps"][0]
    now = summary(facts, AS_OF)["reps"][0]
    # Its forecast category then, untracked, follows its stage then: an open Prospecting deal is 'Pipeline'.
    assert (then["revenue_qtd"], then["win_rate"], then["pipeline_pipeline"], then["pipeline_open"]) == \
        (0.0, None, 9_000.0, 9_000.0)
    assert records_behind(facts, "coverage", pd.Index([R1]), pd.Timestamp("2026-11-10"))["Id"].tolist() == [deal]
    assert (now["revenue_qtd"], now["win_rate"]) == (9_000.0, 1.0)


N, V = user(21), user(22)  # a rep hired on Monday 5 October 2026 and one hired in January 2025


def ramp_org(**more):
    ny = "America/New_York"
    return org(
        users=[{"Id": N, "Name": "New Nia", "IsActive": True, "Department": "SMB", "Title": "AE", "TimeZoneSidKey": ny,
                "CreatedDate": "2026-10-05T15:00:00Z", "Hire_Date__c": "2026-06-01"},
               {"Id": V, "Name": "Vet Vic", "IsActive": True, "Department": "SMB", "Title": "AE", "TimeZoneSidKey": ny,
                "CreatedDate": "2025-01-10T15:00:00Z"}],
        quotas=[{"Id": uid("0J9", 1), "QuotaOwnerId": N, "StartDate": "2026-10-01", "QuotaAmount": 60_000},
                {"Id": uid("0J9", 2), "QuotaOwnerId": V, "StartDate": "2026-10-01", "QuotaAmount": 90_000}],
        opportunities=[{"Id": uid("006", 1), "OwnerId": N, "Amount": 9_000, "IsClosed": True, "IsWon": True,
                        "CloseDate": "2026-11-10", "CreatedDate": "2026-10-20T15:00:00Z"},
                       {"Id": uid("006", 2), "OwnerId": V, "Amount": 45_000, "IsClosed": True, "IsWon": True,
                        "CloseDate": "2026-11-12", "CreatedDate": "2026-09-20T15:00:00Z"}],
        goals=[{"owner": "*", "metric": "calls", "period": "day", "target": 20}], **more)


def test_tenure_and_ramping_per_rep_from_the_hire_day():
    doc = summary(prepare(ramp_org()), AS_OF)
    reps = {r["name"]: r for r in doc["reps"]}
    # Nia: created 5 Oct (New York); month 1 began 5 Nov, month 2 begins 5 Dec: 1 whole month, ramping (< 6).
    # Vic: created 10 Jan 2025; 10 Nov 2026 began month 22.
    assert (reps["New Nia"]["tenure_months"], reps["New Nia"]["ramping"]) == (1, True)
    assert (reps["Vet Vic"]["tenure_months"], reps["Vet Vic"]["ramping"]) == (22, False)
    assert doc["team"]["tenure_months"] is None and doc["team"]["ramping"] == 1  # how many of the team ramp
    assert {type(r["ramping"]) for r in json.loads(json.dumps(doc))["reps"]} == {bool}  # JSON true/false, not 0/1


def test_a_configured_hire_date_field():
    from kpi.ramp import RampRules
    facts = prepare(ramp_org(), Definitions(ramp=RampRules(hire_date_field="Hire_Date__c")))
    reps = {r["name"]: r for r in summary(facts, AS_OF)["reps"]}
    # Nia's Hire_Date__c 1 June: 1 Nov began month 5, still ramping; Vic has none: unknown, not ramping.
    assert (reps["New Nia"]["tenure_months"], reps["New Nia"]["ramping"]) == (5, True)
    assert (reps["Vet Vic"]["tenure_months"], reps["Vet Vic"]["ramping"]) == (None, False)


def test_a_rep_hired_mid_quarter_is_measured_against_a_ramped_target():
    from kpi.summary import with_ramped_targets
    facts = prepare(ramp_org())
    reps, team = scorecard(facts, AS_OF)
    ramped, ramped_team = with_ramped_targets(reps, team, facts, AS_OF)
    # FY2026 Q4 has 66 business days. Nia's share of her 60,000 quota on each (default shares 20/40/60%...):
    #   1-2 Oct, before her hire day:            2 days x 0.0
    #   5 Oct - 4 Nov, tenure month 0:          23 days x 0.2 = 4.6
    #   5 Nov - 4 Dec, month 1:                 22 days x 0.4 = 8.8
    #   5 Dec - 31 Dec, month 2:                19 days x 0.6 = 11.4   (2 + 23 + 22 + 19 = 66)
    # ramped quota = 60,000 x 24.8 / 66 = 22,545.45...; attainment = 9,000 / that; pace = attainment / (39/66).
    quota = 60_000 * 24.8 / 66
    assert ramped.loc[N, "quota_quarter"] == pytest.approx(quota)
    assert ramped.loc[N, "attainment"] == pytest.approx(9_000 / quota)
    assert ramped.loc[N, "pace"] == pytest.approx(9_000 / quota / SHARE)
    assert reps.loc[N, "attainment"] == pytest.approx(9_000 / 60_000)  # the full target, for comparison
    # Today (Tuesday 24 Nov) is in month 1: her 20 calls a day become 20 x 0.4 = 8.
    assert ramped.loc[N, "calls_target_day"] == pytest.approx(8)
    # Vic is past ramp: unchanged. The team sums the ramped targets: 90,000 + 22,545.45; won 54,000.
    assert ramped.loc[V, "quota_quarter"] == 90_000 and ramped.loc[V, "calls_target_day"] == 20
    assert ramped_team["quota_quarter"] == pytest.approx(90_000 + quota)
    assert ramped_team["attainment"] == pytest.approx(54_000 / (90_000 + quota))


# --- campaigns, named accounts and the lead process (issue 11) ---------------------------------------------------

S5 = user(5)
A1, A2, A3 = (uid("001", n) for n in range(1, 4))
C1 = uid("701", 1)


def lead_process_org(**changes):
    """Rita and Raj (ADR) and Sam (SMB), all in New York. Named accounts from the file: Rita A1 and A2, Raj A3.
    Rita called A1; Sam emailed a contact of A3. Rita qualified Q1 out after 5 calls. Raj's lead Q2 responded to
    campaign C1, whose opportunity Sam owns."""
    ny = "America/New_York"
    person = lambda u, name, team: {"Id": u, "Name": name, "IsActive": True, "Department": team,  # noqa: E731
                                    "ManagerId": BOSS, "TimeZoneSidKey": ny}
    call = lambda n, owner, at, **links: {"Id": uid("00T", n), "OwnerId": owner, "TaskSubtype": "Call",  # noqa: E731
                                          "Status": "Completed", "CompletedDateTime": at, **links}
    tables = dict(
        users=[{"Id": BOSS, "Name": "Boss", "IsActive": True, "TimeZoneSidKey": ny},
               person(R1, "Rita One", "ADR"), person(R2, "Raj Two", "ADR"), person(S5, "Sam Five", "SMB")],
        accounts=[{"Id": a, "Name": f"Account {n}", "OwnerId": S5} for n, a in enumerate((A1, A2, A3), 1)],
        contacts=[{"Id": uid("003", 1), "AccountId": A3, "OwnerId": R2}],
        named_accounts=[{"owner": R1, "account": A1}, {"owner": "Rita One", "account": A2},
                        {"owner": "raj two", "account": A3}],
        leads=[{"Id": uid("00Q", 1), "OwnerId": R1, "Status": "Unqualified"},
               {"Id": uid("00Q", 2), "OwnerId": R2, "Status": "Working"}],
        lead_history=[{"LeadId": uid("00Q", 1), "Field": "Status", "OldValue": "Working", "NewValue": "Unqualified",
                       "CreatedDate": "2026-11-16T15:00:00Z"}],
        activities=[call(1, R1, "2026-11-20T15:00:00Z", AccountId=A1),
                    call(2, S5, "2026-11-10T15:00:00Z", WhoId=uid("003", 1)),  # Sam's email
                    *(call(10 + d, R1, f"2026-11-{d:02d}T14:00:00Z", WhoId=uid("00Q", 1)) for d in (2, 3, 4, 5, 6))],
        campaigns=[{"Id": C1, "Name": "Q4 webinar", "Type": "Webinar", "ActualCost": 2_000}],
        campaign_members=[{"Id": uid("00v", 1), "CampaignId": C1, "LeadId": uid("00Q", 2), "HasResponded": True,
                           "FirstRespondedDate": "2026-11-19", "CreatedDate": "2026-11-19T15:00:00Z"}],
        opportunities=[{"Id": uid("006", 1), "OwnerId": S5, "CampaignId": C1, "Amount": 8_000,
                        "CloseDate": "2026-12-15", "CreatedDate": "2026-11-02T15:00:00Z"}])
    tables.update(changes)
    return org(**tables)


@pytest.fixture(scope="module")
def lead_doc():
    return summary(prepare(lead_process_org()), AS_OF)


def test_named_accounts_and_cadence_misses_per_rep_and_for_the_team(lead_doc):
    reps = {r["name"]: r for r in lead_doc["reps"]}
    keys = ("named_accounts", "named_touched_30d", "named_coverage", "cadence_misses_qtd")
    # Rita: A1 and A2 named, A1 called: 1 of 2; Q1 qualified out after 5 calls (a 6-touch cadence): 1 miss.
    # Raj: A3 named, touched through its contact only: 1 of 1. Sam: no named account: coverage null, not 0.
    assert [reps["Rita One"][k] for k in keys] == [2, 1, 0.5, 1]
    assert [reps["Raj Two"][k] for k in keys] == [1, 1, 1.0, 0]
    assert [reps["Sam Five"][k] for k in keys] == [0, 0, None, 0]
    # The team: sums, and coverage from the sums: 2 / 3, not the mean of 0.5 and 1.0.
    team = lead_doc["team"]
    assert (team["named_accounts"], team["named_touched_30d"], team["cadence_misses_qtd"]) == (3, 2, 1)
    assert team["named_coverage"] == pytest.approx(2 / 3)
    assert isinstance(team["named_accounts"], int) and isinstance(reps["Rita One"]["cadence_misses_qtd"], int)


def test_the_campaigns_list_of_the_summary(lead_doc):
    # C1 had a member added (19 Nov) and an opportunity created (2 Nov) this quarter. 1 member, a responder, no
    # MQL; Sam's 8,000 opportunity is its pipeline; cost 2,000 but no SQL: no cost per SQL.
    assert lead_doc["campaigns"] == [{
        "id": C1, "name": "Q4 webinar", "type": "Webinar", "members": 1, "responders": 1, "mql": 0,
        "qualified_in": 0, "qualified_out": 0, "opportunities": 1, "pipeline": 8_000.0, "won": 0.0, "cost": 2_000.0,
        "cost_per_sql": None}]
    text = json.dumps(lead_doc["campaigns"])
    assert '"members": 1,' in text and '"cost_per_sql": null' in text


def test_with_one_team_campaigns_count_its_reps_members_and_opportunities():
    facts = prepare(lead_process_org())
    adr, smb = summary(facts, AS_OF, team="ADR"), summary(facts, AS_OF, team="SMB")
    keys = ("members", "responders", "opportunities", "pipeline", "cost")
    pick = lambda doc: {k: doc["campaigns"][0][k] for k in keys}  # noqa: E731
    # Raj's member is the ADR team's; Sam's opportunity the SMB team's. The campaign's cost stays whole.
    assert pick(adr) == {"members": 1, "responders": 1, "opportunities": 0, "pipeline": 0.0, "cost": 2_000.0}
    assert pick(smb) == {"members": 0, "responders": 0, "opportunities": 1, "pipeline": 8_000.0, "cost": 2_000.0}
    assert [r["name"] for r in adr["reps"]] == ["Raj Two", "Rita One"] and adr["team"]["named_accounts"] == 3


def test_a_viewer_sees_their_reps_campaign_members_and_the_same_named_coverage():
    from kpi.access import restrict
    facts = prepare(lead_process_org())
    raj = summary(restrict(facts, frozenset({R2})), AS_OF)
    # Raj's own view: his member, not Sam's opportunity; his named account touched through a contact by Sam's
    # email, which Raj's share of the data does not hold: anyone's touch counts, as in everyone's view.
    assert {k: raj["campaigns"][0][k] for k in ("members", "opportunities")} == {"members": 1, "opportunities": 0}
    assert [raj["reps"][0][k] for k in ("named_accounts", "named_touched_30d", "named_coverage")] == [1, 1, 1.0]


def test_named_and_cadence_figures_are_unknown_without_their_exports():
    without = replace(lead_process_org(), missing=("Account", "LeadHistory"))
    rita = [r for r in summary(prepare(without), AS_OF)["reps"] if r["name"] == "Rita One"][0]
    assert [rita[k] for k in ("named_accounts", "named_touched_30d", "named_coverage", "cadence_misses_qtd")] == [
        None, None, None, None]


def test_the_summary_runs_with_no_campaign_data(doc):
    # small_org has no campaigns, contacts or named accounts: an empty list; named accounts from ownership (none).
    assert doc["campaigns"] == []
    assert (doc["team"]["named_accounts"], doc["team"]["named_coverage"], doc["team"]["cadence_misses_qtd"]) == (
        0, None, 0)


def test_the_named_accounts_view_lists_the_records_behind_each_figure():
    from kpi.summary import named_view
    facts = prepare(lead_process_org())
    view = named_view(facts, AS_OF, pd.Index([R1, R2, S5]))
    assert view.source == "named_accounts.csv" and view.problems == []
    assert (view.window.start, view.window.end) == (pd.Timestamp("2026-10-26"), AS_OF)
    assert view.reps.loc[R1, ["named_accounts", "named_touched_30d", "named_coverage"]].tolist() == [2, 1, 0.5]
    assert view.reps.loc[S5, "named_accounts"] == 0 and pd.isna(view.reps.loc[S5, "named_coverage"])
    # Rita's A2 is untouched; the touches behind the figure: Rita's call on A1, Sam's email to A3's contact.
    assert view.untouched[["OwnerId", "AccountId", "Name"]].values.tolist() == [[R1, A2, "Account 2"]]
    assert view.touches[["AccountId", "Id", "via"]].values.tolist() == [
        [A3, uid("00T", 2), "Contact.AccountId"], [A1, uid("00T", 1), "AccountId"]]
    assert view.opportunities.empty  # no deal on a named account in the window


def test_the_lead_process_view_lists_misses_with_their_touches():
    from kpi.periods import FiscalCalendar
    from kpi.summary import lead_process_view
    view = lead_process_view(prepare(lead_process_org()), AS_OF, FiscalCalendar(), pd.Index([R1, R2]))
    # Rita qualified Q1 out on 16 November after 5 calls (2-6 November): a miss; Raj none.
    assert view.reps.loc[R1].to_dict() == {"qualified_out_qtd": 1, "cadence_misses_qtd": 1, "logging_gaps_qtd": 0}
    assert view.reps.loc[R2].to_dict() == {"qualified_out_qtd": 0, "cadence_misses_qtd": 0, "logging_gaps_qtd": 0}
    assert view.misses[["LeadId", "touches", "business_days"]].values.tolist() == [[uid("00Q", 1), 5, 10]]
    assert sorted(view.touches["Id"]) == [uid("00T", 10 + d) for d in (2, 3, 4, 5, 6)]
    assert len(view.messages) == 1 and "Disqualified_Reason__c is empty for every lead" in view.messages[0]
