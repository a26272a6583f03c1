"""Pipeline engine: deals as they stood, forecast categories, pipeline created, hygiene, the weekly waterfall."""

import random

import numpy as np
import pandas as pd
import pytest

from factories import table, uid, user
from kpi.periods import FiscalCalendar, Period
from kpi.pipeline import (HygieneRules, hygiene_flags, hygiene_open_flagged, pipeline_by_category, pipeline_created,
                          pipeline_created_by_week, pipeline_totals, previous_week_end, state_at, state_on,
                          waterfall)
from kpi.revenue import deal_totals, with_created_day

NY, LA = "America/New_York", "America/Los_Angeles"
ZONES = pd.Series({user(1): NY, user(2): LA})  # user 3 has no zone: UTC
Q4 = FiscalCalendar(1).quarter(pd.Timestamp("2026-11-24"))  # 1 Oct - 31 Dec 2026
TUE = pd.Timestamp("2026-11-24")
WED = pd.Timestamp("2026-11-25")
STAGE_FLAGS = {"Prospecting": (False, False, "Pipeline"), "Proposal": (False, False, "Best Case"),
               "Negotiation": (False, False, "Commit"), "Closed Won": (True, True, "Closed"),
               "Closed Lost": (True, False, "Omitted")}


def deal(n: int, owner: int = 1, amount: float | None = 10_000.0, close: str = "2026-12-10",
         stage: str = "Prospecting", created: str = "2026-09-01T12:00:00Z", **fields) -> dict:
    """An opportunity whose closed/won flags and forecast category follow its stage (STAGE_FLAGS)."""
    closed, won, category = STAGE_FLAGS[stage]
    return {"Id": uid("006", n), "Name": f"Deal {n}", "OwnerId": user(owner), "Amount": amount, "CloseDate": close,
            "StageName": stage, "IsClosed": closed, "IsWon": won, "ForecastCategoryName": category,
            "CreatedDate": created, **fields}


def change(n: int, field: str, old: str | None, new: str | None, at: str, data_type: str | None = None) -> dict:
    return {"OpportunityId": uid("006", n), "Field": field, "DataType": data_type, "OldValue": old,
            "NewValue": new, "CreatedDate": at}


def owner_change(n: int, old: int, new: int, at: str) -> list[dict]:
    """Salesforce writes one owner change twice: a row with names and a row with ids (DataType 'EntityId')."""
    return [change(n, "Owner", f"Rep {old}", f"Rep {new}", at, "Text"),
            change(n, "Owner", user(old), user(new), at, "EntityId")]


def opps(*rows: dict) -> pd.DataFrame:
    return table("opportunities", *rows)


def history(*rows: dict | list[dict]) -> pd.DataFrame:
    flat = [r for row in rows for r in (row if isinstance(row, list) else [row])]
    return table("opportunity_history", *flat)


def by_id(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("Id")


# ---------------------------------------------------------------------------------------------------------------
# state_at


def test_state_at_reads_each_field_from_the_first_history_row_after_the_moment():
    deals = opps(deal(1, owner=2, amount=12_000, close="2026-11-20", stage="Closed Won"),
                 deal(2, stage="Proposal"),  # tells the org's meaning of 'Proposal': open, Best Case
                 deal(3, created="2026-11-05T12:00:00Z"),  # created after the first moment
                 deal(4, stage="Closed Lost"))  # no history: as it is now
    rows = history(change(1, "StageName", "Prospecting", "Proposal", "2026-10-05T12:00:00Z"),
                   change(1, "Amount", "10000", "12000", "2026-11-10T12:00:00Z"),
                   change(1, "CloseDate", "2026-12-15", "2026-11-20", "2026-11-12T12:00:00Z"),
                   owner_change(1, 1, 2, "2026-11-12T12:00:00Z"),
                   change(1, "StageName", "Proposal", "Closed Won", "2026-11-20T12:00:00Z"))

    # 1 Nov: every change but the first stage change is still to come, so each field is the OldValue of its
    # first row after 1 Nov: stage Proposal (open, so not won), 10,000, 15 Dec, owner user 1 (the id row, not
    # 'Rep 1'); the category follows the stage as current 'Proposal' deals have it: Best Case.
    then = by_id(state_at(deals, rows, pd.Timestamp("2026-11-01T00:00:00Z")))
    assert list(then.index) == [uid("006", 1), uid("006", 2), uid("006", 4)]  # deal 3 did not exist yet
    first = then.loc[uid("006", 1)]
    assert first["StageName"] == "Proposal" and not first["IsClosed"] and not first["IsWon"]
    assert first["Amount"] == 10_000 and first["CloseDate"] == pd.Timestamp("2026-12-15")
    assert first["OwnerId"] == user(1) and first["ForecastCategoryName"] == "Best Case"
    assert then.loc[uid("006", 4), "StageName"] == "Closed Lost" and then.loc[uid("006", 4), "IsClosed"]

    # 15 Nov: the amount, close date and owner changes are done (current values); the stage is still Proposal.
    later = by_id(state_at(deals, rows, pd.Timestamp("2026-11-15T00:00:00Z"))).loc[uid("006", 1)]
    assert (later["StageName"], later["Amount"], later["CloseDate"], later["OwnerId"]) == (
        "Proposal", 12_000, pd.Timestamp("2026-11-20"), user(2))
    # A row written exactly at the moment is not done yet: the moment is the end of the day before it.
    at_change = by_id(state_at(deals, rows, pd.Timestamp("2026-11-20T12:00:00Z"))).loc[uid("006", 1)]
    assert at_change["StageName"] == "Proposal"
    done = by_id(state_at(deals, rows, pd.Timestamp("2026-11-20T12:00:01Z"))).loc[uid("006", 1)]
    assert done["StageName"] == "Closed Won" and done["IsWon"] and done["ForecastCategoryName"] == "Closed"


def test_state_at_keeps_the_schema_types_and_leaves_its_inputs_alone():
    deals = opps(deal(1, stage="Closed Won"))
    rows = history(change(1, "Amount", "", "10000", "2026-11-10T12:00:00Z"),  # the amount was empty then
                   change(1, "StageName", "Prospecting", "Closed Won", "2026-11-10T12:00:00Z"))
    before = deals.copy()
    then = state_at(deals, rows, pd.Timestamp("2026-11-01", tz="UTC"))
    assert then.dtypes.equals(deals.dtypes)
    assert np.isnan(then["Amount"].iloc[0])
    pd.testing.assert_frame_equal(deals, before)


def test_closed_and_won_follow_the_stage_then_also_for_stages_no_deal_is_in_now():
    deals = opps(deal(1, stage="Closed Won"), deal(2, stage="Closed Won"), deal(3, stage="Prospecting"))
    rows = history(change(1, "StageName", "Closed Lost", "Closed Won", "2026-11-10T12:00:00Z"),  # no deal lost now
                   change(2, "StageName", "Stalled", "Closed Won", "2026-11-10T12:00:00Z"),  # unknown name: open
                   change(3, "StageName", "Closed Won", "Prospecting", "2026-11-10T12:00:00Z"))  # reopened
    then = by_id(state_at(deals, rows, pd.Timestamp("2026-11-01", tz="UTC")))
    assert then[["IsClosed", "IsWon"]].to_numpy().tolist() == [[True, False], [False, False], [True, True]]
    # Category not tracked: derived from the stage (Closed Won -> what current Closed Won deals have).
    assert then["ForecastCategoryName"].tolist() == ["Omitted", "Pipeline", "Closed"]


def test_tracked_forecast_category_is_read_from_its_history():
    deals = opps(deal(1, stage="Negotiation", ForecastCategoryName="Best Case"),  # rep's override
                 deal(2, stage="Negotiation"))
    rows = history(change(1, "ForecastCategoryName", "Pipeline", "Best Case", "2026-11-10T12:00:00Z"),
                   change(2, "StageName", "Proposal", "Negotiation", "2026-11-10T12:00:00Z"))
    then = by_id(state_at(deals, rows, pd.Timestamp("2026-11-01", tz="UTC")))
    # The org tracks the category, so a deal with no category row after the moment keeps its current one.
    assert then["ForecastCategoryName"].tolist() == ["Pipeline", "Commit"]


def test_history_amounts_are_converted_like_the_deal_amount():
    rates = table("currency_rates", {"IsoCode": "USD", "ConversionRate": 1.0, "IsCorporate": True},
                  {"IsoCode": "EUR", "ConversionRate": 0.8})
    deals = opps(deal(1, amount=12_500.0, CurrencyIsoCode="EUR"),  # stored converted: 10,000 EUR / 0.8
                 deal(2, amount=3_000.0, CurrencyIsoCode="USD"),
                 deal(3, amount=1_000.0, CurrencyIsoCode="EUR"))
    rows = history(change(1, "Amount", "8000", "10000", "2026-11-10T12:00:00Z"),
                   change(2, "Amount", "2,500.00", "3000", "2026-11-10T12:00:00Z"),
                   change(3, "Amount", "EUR 4,000.00", "800", "2026-11-10T12:00:00Z"))
    then = state_at(deals, rows, pd.Timestamp("2026-11-01", tz="UTC"), rates=rates)
    # 8,000 EUR / 0.8 = 10,000 USD; 2,500 USD stays; 4,000 EUR / 0.8 = 5,000 USD.
    assert then["Amount"].tolist() == pytest.approx([10_000.0, 2_500.0, 5_000.0])


def test_the_end_of_the_as_of_date_is_in_the_owner_time_zone():
    deals = opps(deal(1, owner=1, stage="Proposal"), deal(2, owner=2, stage="Proposal"))
    # Both changes at 06:00 UTC on 25 Nov: 01:00 on the 25th in New York, 22:00 on the 24th in Los Angeles.
    rows = history(change(1, "StageName", "Prospecting", "Proposal", "2026-11-25T06:00:00Z"),
                   change(2, "StageName", "Prospecting", "Proposal", "2026-11-25T06:00:00Z"))
    then = by_id(state_on(deals, rows, TUE, ZONES))
    assert then["StageName"].tolist() == ["Prospecting", "Proposal"]


def test_the_owner_then_decides_the_zone_of_the_day():
    # Reassigned from the LA rep to the NY rep at 06:00 UTC on 25 Nov (22:00 on the 24th in LA): at the end of
    # 24 Nov in NY (05:00 UTC) the LA rep owned it, so the day ends at 08:00 UTC, after the reassignment.
    deals = opps(deal(1, owner=1))
    then = state_on(deals, history(owner_change(1, 2, 1, "2026-11-25T06:00:00Z")), TUE, ZONES)
    assert then["OwnerId"].tolist() == [user(1)]


# ---------------------------------------------------------------------------------------------------------------
# Forecast categories and pipeline created


def test_forecast_categories_of_open_deals_closing_from_the_as_of_date_through_quarter_end():
    deals = opps(
        deal(1, amount=50_000, stage="Negotiation", close="2026-12-10"),  # Commit
        deal(2, amount=20_000, stage="Negotiation", close="2026-11-24"),  # Commit, closes on the as-of date
        deal(3, amount=30_000, stage="Proposal", close="2026-12-31"),  # Best Case, last day of the quarter
        deal(4, amount=15_000, stage="Prospecting", close="2026-11-30"),  # Pipeline
        deal(5, amount=40_000, stage="Prospecting", close="2026-12-01", ForecastCategoryName="Omitted"),
        deal(6, amount=60_000, stage="Negotiation", close="2027-01-05"),  # next quarter
        deal(7, amount=70_000, stage="Negotiation", close="2026-11-20"),  # past its close date
        deal(8, amount=80_000, stage="Closed Won", close="2026-12-01"),  # closed
        deal(9, amount=10_000, stage="Negotiation", close="2026-12-05"),  # Commit now, Pipeline on the 24th
        deal(10, amount=99_999, stage="Negotiation", created="2026-11-25T06:00:00Z"),  # created on the 25th (NY)
        deal(11, owner=2, amount=5_000, stage="Proposal"),
    )
    rows = history(change(9, "ForecastCategoryName", "Pipeline", "Commit", "2026-11-25T10:00:00Z"))
    sums = pipeline_by_category(state_on(deals, rows, TUE, ZONES), Q4, TUE)
    # Rep 1: commit 50,000 + 20,000 = 70,000; best case 30,000; pipeline 15,000 + 10,000 (deal 9 then) = 25,000;
    # open 70,000 + 30,000 + 25,000 = 125,000 (Omitted 40,000 left out).
    assert sums.loc[user(1)].to_dict() == {"pipeline_commit": 70_000, "pipeline_best_case": 30_000,
                                           "pipeline_pipeline": 25_000, "pipeline_open": 125_000}
    assert sums.loc[user(2)].to_dict() == {"pipeline_commit": 0, "pipeline_best_case": 5_000,
                                           "pipeline_pipeline": 0, "pipeline_open": 5_000}


def test_without_history_pipeline_open_matches_the_revenue_open_pipeline():
    deals = opps(deal(1, amount=50_000, stage="Negotiation"),
                 deal(2, amount=7_000, stage="Proposal", close="2026-11-24"),  # closes on the as-of date: in
                 deal(3, amount=9_000, close="2026-11-01"),  # past its close date: out
                 deal(4, owner=2, amount=3_000))
    ours = pipeline_by_category(state_on(deals, history(), TUE, ZONES), Q4, TUE)["pipeline_open"]
    theirs = deal_totals(with_created_day(deals, ZONES), Q4, TUE)["open_pipeline"]
    assert ours.to_dict() == theirs.to_dict() == {user(1): 57_000, user(2): 3_000}


def test_pipeline_created_qtd_counts_the_owner_day_whatever_the_stage():
    deals = opps(
        deal(1, amount=10_000, created="2026-10-01T03:30:00Z"),  # 30 Sep 23:30 in New York (EDT): last quarter
        deal(2, amount=20_000, created="2026-10-01T04:00:00Z"),  # 1 Oct 00:00 in New York: the first QTD day
        deal(3, amount=30_000, created="2026-11-25T04:59:00Z"),  # 24 Nov 23:59 in New York (EST): just in
        deal(4, amount=40_000, created="2026-11-25T05:00:00Z"),  # 25 Nov 00:00 in New York: after the as-of date
        deal(5, amount=5_000, stage="Closed Lost", created="2026-10-15T12:00:00Z"),  # lost since: still counts
        deal(6, owner=2, amount=7_000, created="2026-11-25T07:30:00Z"),  # 24 Nov 23:30 in Los Angeles
    )
    created = with_created_day(state_on(deals, history(), TUE, ZONES), ZONES)
    # Rep 1: 20,000 + 30,000 + 5,000 = 55,000; rep 2: 7,000.
    assert pipeline_created(created, Q4.through(TUE)).to_dict() == {user(1): 55_000, user(2): 7_000}


def test_pipeline_created_per_iso_week_and_owner():
    deals = opps(deal(1, amount=1_000, created="2026-11-16T04:00:00Z"),  # Sun 15 Nov 23:00 NY: week of 9 Nov
                 deal(2, amount=2_000, created="2026-11-16T05:00:00Z"),  # Mon 16 Nov 00:00 NY: week of 16 Nov
                 deal(3, amount=4_000, created="2026-11-17T12:00:00Z"),
                 deal(4, owner=2, amount=8_000, created="2026-11-24T12:00:00Z"),
                 deal(5, amount=16_000, created="2026-11-02T12:00:00Z"))  # before the first week asked
    created = with_created_day(deals, ZONES)
    weeks = pipeline_created_by_week(created, Period(pd.Timestamp("2026-11-11"), TUE, "3 weeks"))
    assert list(weeks.index) == [pd.Timestamp("2026-11-09"), pd.Timestamp("2026-11-16"), pd.Timestamp("2026-11-23")]
    assert weeks[user(1)].tolist() == [1_000, 6_000, 0]  # 9 Nov: deal 1; 16 Nov: 2,000 + 4,000
    assert weeks[user(2)].tolist() == [0, 0, 8_000]


# ---------------------------------------------------------------------------------------------------------------
# Hygiene


def moves(n: int, times: tuple[str, ...]) -> list[dict]:
    """CloseDate moves ending on 10 Dec 2026: 1 Dec -> 4 Dec -> 7 Dec -> 10 Dec (for three moves)."""
    days = [f"{pd.Timestamp('2026-12-10') - pd.Timedelta(days=3 * k):%Y-%m-%d}" for k in range(len(times), -1, -1)]
    return [change(n, "CloseDate", old, new, at) for old, new, at in zip(days, days[1:], times)]


def hygiene_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rep 1 (New York), as of Tue 24 Nov 2026: its day ends at 05:00 UTC on the 25th."""
    deals = opps(
        deal(1, close="2026-11-23", created="2026-11-01T12:00:00Z"),  # A: close date before the as-of date
        deal(2, amount=None, created="2026-11-20T12:00:00Z"),  # B: no amount
        deal(3, amount=0.0, created="2026-11-20T12:00:00Z"),  # C: zero amount and close date moved 3 times
        deal(4),  # D: stage last changed 25 Oct (NY): 30 days
        deal(5),  # E: stage last changed 26 Oct: 29 days
        deal(6, created="2026-10-20T12:00:00Z"),  # F: no stage change since created on 20 Oct: 35 days
        deal(7),  # G: stage changed 1 Oct, and again after the as-of date: 54 days
        deal(8, created="2026-11-20T12:00:00Z"),  # H: close date moved twice by the as-of date, once after
        deal(9, stage="Closed Lost", close="2026-10-01"),  # I: closed: never flagged
    )
    rows = history(
        *moves(3, ("2026-11-21T12:00:00Z", "2026-11-22T12:00:00Z", "2026-11-23T12:00:00Z")),
        change(1, "StageName", "Proposal", "Prospecting", "2026-11-20T12:00:00Z"),
        change(4, "StageName", "Proposal", "Prospecting", "2026-10-25T12:00:00Z"),
        change(5, "StageName", "Proposal", "Prospecting", "2026-10-26T12:00:00Z"),
        change(7, "StageName", "Proposal", "Qualified", "2026-10-01T12:00:00Z"),
        change(7, "StageName", "Qualified", "Prospecting", "2026-11-26T12:00:00Z"),
        *moves(8, ("2026-11-21T12:00:00Z", "2026-11-22T12:00:00Z", "2026-11-26T12:00:00Z")),
    )
    return state_on(deals, rows, TUE, ZONES), rows


def test_each_hygiene_flag_and_a_deal_with_two_flags_counts_once():
    deals, rows = hygiene_case()
    flags = by_id(hygiene_flags(deals, rows, TUE, ZONES))
    flagged = {int(i[3:15]): [f for f in ("past_close_date", "no_amount", "stale_stage", "close_date_slipping")
                              if row[f]] for i, row in flags.iterrows()}
    assert flagged == {1: ["past_close_date"], 2: ["no_amount"], 3: ["no_amount", "close_date_slipping"],
                       4: ["stale_stage"], 6: ["stale_stage"], 7: ["stale_stage"]}
    assert flags.loc[uid("006", 4), "stage_days"] == 30 and flags.loc[uid("006", 7), "stage_days"] == 54
    assert flags.loc[uid("006", 3), "reasons"] == "No amount; Close date moved 3 times"
    assert flags.loc[uid("006", 1), "reasons"] == "Close date 23 Nov 2026 has passed"
    assert flags.loc[uid("006", 7), "reasons"] == "Stage 'Qualified' unchanged for 54 days"  # stage as it stood
    # A, B, C, D, F, G: six deals (C's two flags count once).
    assert hygiene_open_flagged(flags).to_dict() == {user(1): 6}


def test_hygiene_thresholds_are_configurable():
    deals, rows = hygiene_case()
    flags = hygiene_flags(deals, rows, TUE, ZONES, HygieneRules(stale_stage_days=60, close_date_moves=2))
    # Stale now needs 60 days (D 30, F 35, G 54: none); two moves flag H (21 and 22 Nov; the 26th is later).
    assert sorted(int(i[3:15]) for i in flags["Id"]) == [1, 2, 3, 8]


def test_pipeline_totals_gives_every_pipeline_key_per_owner():
    deals = opps(deal(1, amount=1_000, stage="Negotiation"), deal(2, amount=2_000, created="2026-11-02T12:00:00Z"),
                 deal(3, owner=2, amount=None, close="2026-11-01"))
    totals = pipeline_totals(with_created_day(state_on(deals, history(), TUE, ZONES), ZONES), history(), Q4, TUE,
                             ZONES)
    # Rep 1: commit 1,000, pipeline 2,000, open 3,000, created QTD 2,000 (deal 2), deal 1 stale since 1 Sep.
    # Rep 2: an open deal past its close date with no amount: flagged once; no pipeline.
    assert totals.loc[user(1)].to_dict() == {"pipeline_commit": 1_000, "pipeline_best_case": 0,
                                             "pipeline_pipeline": 2_000, "pipeline_open": 3_000,
                                             "pipeline_created_qtd": 2_000, "hygiene_open_flagged": 1}
    assert totals.loc[user(2), "hygiene_open_flagged"] == 1 and totals.loc[user(2), "pipeline_open"] == 0


# ---------------------------------------------------------------------------------------------------------------
# Waterfall


def test_the_waterfall_starts_at_the_end_of_the_previous_iso_week():
    assert previous_week_end(WED) == pd.Timestamp("2026-11-22")  # Wed 25 Nov -> Sun 22 Nov
    assert previous_week_end(pd.Timestamp("2026-11-23")) == pd.Timestamp("2026-11-22")  # a Monday: yesterday
    assert previous_week_end(pd.Timestamp("2026-11-29")) == pd.Timestamp("2026-11-22")  # a Sunday: a week before


def waterfall_case() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The team is reps 1 (New York) and 2 (Los Angeles); rep 3 is on another team. As of Wed 25 Nov 2026;
    rep 1's start is the end of Sun 22 Nov in New York (05:00 UTC on the 23rd)."""
    mid_week = "2026-11-24T15:00:00Z"
    deals = opps(
        deal(1, amount=10_000),  # no change
        deal(2, amount=25_000),  # 18,000 -> 20,000 on Sunday 23:30 NY (before the start), -> 25,000 mid-week
        deal(3, amount=18_000),  # 30,000 -> 18,000
        deal(4, amount=40_000, stage="Closed Won"),
        deal(5, amount=15_000, stage="Closed Lost"),
        deal(6, amount=9_000, close="2027-01-15"),  # pushed to next quarter, and 8,000 -> 9,000
        deal(7, amount=6_000, close="2026-12-05"),  # pulled in from February
        deal(8, amount=7_000, created="2026-11-24T12:00:00Z"),  # new
        deal(9, amount=5_000, stage="Closed Won", created="2026-11-23T12:00:00Z"),  # created and won this week
        deal(10, owner=3, amount=11_000),  # rep 1 -> rep 3: out of the team
        deal(11, owner=2, amount=4_000),  # rep 3 -> rep 2: into the team
        deal(12, amount=3_000, stage="Proposal"),  # reopened
        deal(13, amount=1_000),  # 50,000 until after the as-of date
        deal(14, amount=2_000, close="2026-11-10"),  # open past its close date, inside the quarter: stays
        deal(15, amount=1_000, close="2027-02-01"),  # next quarter throughout
        deal(16, owner=3, amount=100_000),  # another team's deal
    )
    rows = history(
        change(2, "Amount", "18000", "20000", "2026-11-23T04:30:00Z"),
        change(2, "Amount", "20000", "25000", mid_week),
        change(3, "Amount", "30000", "18000", mid_week),
        change(4, "StageName", "Negotiation", "Closed Won", mid_week),
        change(5, "StageName", "Proposal", "Closed Lost", mid_week),
        change(6, "CloseDate", "2026-12-20", "2027-01-15", mid_week),
        change(6, "Amount", "8000", "9000", mid_week),
        change(7, "CloseDate", "2027-02-01", "2026-12-05", mid_week),
        change(9, "StageName", "Prospecting", "Closed Won", mid_week),
        owner_change(10, 1, 3, mid_week),
        owner_change(11, 3, 2, mid_week),
        change(12, "StageName", "Closed Lost", "Proposal", mid_week),
        change(13, "Amount", "50000", "1000", "2026-11-27T12:00:00Z"),  # after the end: ignored
    )
    return deals, rows


def test_the_waterfall_with_every_bar():
    deals, rows = waterfall_case()
    totals, bars = waterfall(deals, rows, Q4, WED, ZONES, owners=[user(1), user(2)])
    # Start (end of Sun 22 Nov): deals 1 10,000 + 2 20,000 + 3 30,000 + 4 40,000 + 5 15,000 + 6 8,000
    #   + 10 11,000 + 13 50,000 + 14 2,000 = 186,000.
    # End (end of Wed 25 Nov): 1 10,000 + 2 25,000 + 3 18,000 + 7 6,000 + 8 7,000 + 11 4,000 + 12 3,000
    #   + 13 50,000 + 14 2,000 = 125,000.
    # new 7,000 (8); increased 5,000 (2: 20,000 -> 25,000; the Sunday-night change is before the start in New
    # York); decreased 12,000 (3); pulled in 6,000 (7) + 4,000 (11) + 3,000 (12) = 13,000; pushed out 8,000 (6:
    # its whole start amount) + 11,000 (10) = 19,000; won 40,000 (4); lost 15,000 (5). Deal 9 is in neither.
    # 186,000 + 7,000 + 5,000 - 12,000 + 13,000 - 19,000 - 40,000 - 15,000 = 125,000.
    assert totals == {"start": 186_000, "new": 7_000, "increased": 5_000, "decreased": 12_000, "pulled_in": 13_000,
                      "pushed_out": 19_000, "won": 40_000, "lost": 15_000, "end": 125_000}
    got = {int(i[3:15]): (bar, amount) for i, bar, amount in bars[["Id", "bar", "amount"]].itertuples(index=False)}
    assert got == {8: ("new", 7_000), 2: ("increased", 5_000), 3: ("decreased", 12_000), 7: ("pulled_in", 6_000),
                   11: ("pulled_in", 4_000), 12: ("pulled_in", 3_000), 6: ("pushed_out", 8_000),
                   10: ("pushed_out", 11_000), 4: ("won", 40_000), 5: ("lost", 15_000)}
    reasons = by_id(bars)["reason"]
    assert reasons[uid("006", 10)] == "moved to an owner outside the set"
    assert reasons[uid("006", 11)] == "moved from an owner outside the set"
    assert reasons[uid("006", 12)] == "reopened"
    assert reasons[uid("006", 6)] == "close date moved out of the quarter to 15 Jan 2027"
    assert by_id(bars).loc[uid("006", 10), "OwnerId"] == user(1)  # shown under the team's owner
    assert bars["bar"].tolist() == sorted(bars["bar"], key=["new", "increased", "decreased", "pulled_in",
                                                            "pushed_out", "won", "lost"].index)


def test_the_waterfall_of_all_owners_has_no_moves_between_teams():
    deals, rows = waterfall_case()
    totals, bars = waterfall(deals, rows, Q4, WED, ZONES)
    # Everyone: deal 16 (100,000) is in start and end; deals 10 and 11 stay (no change): no bar.
    assert totals["start"] == 186_000 + 100_000 + 4_000  # deal 11 was rep 3's at the start
    assert totals["pushed_out"] == 8_000 and totals["pulled_in"] == 6_000 + 3_000
    assert identity(totals) == totals["end"]


def identity(totals: dict) -> float:
    return (totals["start"] + totals["new"] + totals["increased"] - totals["decreased"] + totals["pulled_in"]
            - totals["pushed_out"] - totals["won"] - totals["lost"])


# ---------------------------------------------------------------------------------------------------------------
# A random org: state_at against a row-by-row replay, and the waterfall identity to the cent

STAGES = list(STAGE_FLAGS)
CATEGORY_NAMES = ["Pipeline", "Best Case", "Commit", "Omitted"]


def random_org(seed: int, around: pd.Timestamp, n_deals: int = 300,
               track_category: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Deals of 4 owners (New York, Los Angeles, UTC, UTC), created in the 60 days before `around`, with chains of
    changes of every tracked field in the two weeks around it and close dates on both sides of the quarter's
    end; amounts with cents, some empty."""
    rng = random.Random(seed)
    day = pd.Timedelta(days=1)
    first, last = pd.Timestamp(around, tz="UTC") - 60 * day, pd.Timestamp(around, tz="UTC") + 4 * day

    def instant(low: pd.Timestamp) -> pd.Timestamp:
        return low + pd.Timedelta(seconds=rng.randrange(int((last - low).total_seconds())))

    deals, rows = [], []
    for n in range(1, n_deals + 1):
        created = instant(first)
        values = {
            "StageName": [rng.choice(STAGES) for _ in range(rng.randrange(1, 5))],
            "Amount": [None if rng.random() < 0.1 else f"{rng.randrange(0, 10_000_000) / 100:.2f}"
                       for _ in range(rng.randrange(1, 4))],
            "CloseDate": [f"{pd.Timestamp(around) + pd.Timedelta(days=rng.randrange(-40, 70)):%Y-%m-%d}"
                          for _ in range(rng.randrange(1, 5))],
            "Owner": [user(rng.randrange(1, 5)) for _ in range(rng.randrange(1, 4))],
            "ForecastCategoryName": [rng.choice(CATEGORY_NAMES) for _ in range(rng.randrange(1, 3) if track_category
                                                                                 else 1)],
        }
        for field, chain in values.items():
            times = sorted(instant(max(created, last - 18 * day)) for _ in chain[1:])
            for old, new, at in zip(chain, chain[1:], times):
                at = f"{at:%Y-%m-%dT%H:%M:%SZ}"
                if field == "Owner":
                    rows += [change(n, "Owner", f"Rep {old}", f"Rep {new}", at, "Text"),
                             change(n, "Owner", old, new, at, "EntityId")]
                else:
                    rows.append(change(n, field, old, new, at))
        stage = values["StageName"][-1]
        closed, won, _ = STAGE_FLAGS[stage]
        amount = values["Amount"][-1]
        deals.append({"Id": uid("006", n), "Name": f"Deal {n}", "OwnerId": values["Owner"][-1],
                      "Amount": None if amount is None else float(amount), "CloseDate": values["CloseDate"][-1],
                      "StageName": stage, "IsClosed": closed, "IsWon": won,
                      "ForecastCategoryName": values["ForecastCategoryName"][-1], "CreatedDate": f"{created}"})
    rng.shuffle(rows)  # history files come in any order
    return opps(*deals), history(*rows)


def replayed(deals: pd.DataFrame, rows: pd.DataFrame, moment: pd.Timestamp) -> dict[str, dict]:
    """state_at the slow way: per deal and field, the OldValue of the earliest row at or after the moment."""
    out = {}
    for d in deals.itertuples(index=False):
        if d.CreatedDate >= moment:
            continue
        state = {"StageName": d.StageName, "Amount": d.Amount, "CloseDate": d.CloseDate, "OwnerId": d.OwnerId,
                 "ForecastCategoryName": d.ForecastCategoryName}
        mine = rows.loc[(rows["OpportunityId"] == d.Id) & (rows["CreatedDate"] >= moment)]
        for field, column in (("StageName", "StageName"), ("Amount", "Amount"), ("CloseDate", "CloseDate"),
                              ("Owner", "OwnerId"), ("ForecastCategoryName", "ForecastCategoryName")):
            found = mine.loc[(mine["Field"] == field) & (mine["DataType"].fillna("") != "Text")]
            if len(found):
                old = found.sort_values("CreatedDate", kind="stable")["OldValue"].iloc[0]
                state[column] = (float("nan") if pd.isna(old) else float(old)) if column == "Amount" else (
                    pd.Timestamp(old) if column == "CloseDate" else old)
        out[d.Id] = state
    return out


@pytest.mark.parametrize("seed", range(3))
def test_state_at_matches_a_row_by_row_replay(seed):
    deals, rows = random_org(seed, pd.Timestamp("2026-11-15"), n_deals=120)
    moment = pd.Timestamp("2026-11-15T17:00:00Z")
    expected = replayed(deals, rows, moment)
    got = by_id(state_at(deals, rows, moment))
    assert set(got.index) == set(expected)
    for deal_id, state in expected.items():
        row = got.loc[deal_id]
        for column, value in state.items():
            assert (pd.isna(row[column]) and pd.isna(value)) or row[column] == value, (deal_id, column)
        assert (row["IsClosed"], row["IsWon"]) == STAGE_FLAGS[row["StageName"]][:2]


@pytest.mark.parametrize("seed", range(8))
def test_the_waterfall_identity_holds_to_the_cent_on_a_random_org(seed):
    as_of = pd.Timestamp("2026-11-01") + pd.Timedelta(days=seed * 9)  # 1 Nov ... 3 Jan: across a quarter's end
    deals, rows = random_org(seed, as_of, track_category=seed % 2 == 0)
    zones = pd.Series({user(1): NY, user(2): LA})
    quarter = FiscalCalendar(1).quarter(as_of)
    team = [user(1), user(2), user(3)]
    totals, bars = waterfall(deals, rows, quarter, as_of, zones, owners=team)
    cents = {key: round(value * 100) for key, value in totals.items()}
    assert (cents["start"] + cents["new"] + cents["increased"] - cents["decreased"] + cents["pulled_in"]
            - cents["pushed_out"] - cents["won"] - cents["lost"]) == cents["end"]
    assert abs(identity(totals) - totals["end"]) < 0.005
    # Each bar is the sum of its deals, and each deal is in one bar.
    assert bars["Id"].is_unique
    for bar, amount in bars.groupby("bar")["amount"].sum().items():
        assert round(amount * 100) == cents[bar]
    # Start and end are the team's open in-quarter deals as they stood, summed independently.
    for day, key in ((previous_week_end(as_of), "start"), (as_of, "end")):
        state = state_on(deals, rows, day, zones)
        counted = state.loc[~state["IsClosed"] & quarter.contains(state["CloseDate"]) & state["OwnerId"].isin(team)]
        assert round(counted["Amount"].fillna(0).sum() * 100) == cents[key]
    assert len(bars) > 20 and bars["bar"].nunique() == 7  # the random org moves every way
