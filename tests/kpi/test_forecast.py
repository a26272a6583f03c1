import math

import numpy as np
import pandas as pd
import pytest

from factories import table, uid, user
from kpi.forecast import (TEAM, Rates, backtest, check_days, deals_to_forecast, measured_quarters, measured_rates,
                          simulate, simulated_revenue)
from kpi.periods import FiscalCalendar

CAL = FiscalCalendar(1)
Q1, Q2, Q3 = (CAL.quarter(pd.Timestamp(d)) for d in ("2026-02-01", "2026-05-01", "2026-08-01"))
TRIALS = 10_000


def rates(win: dict[str, float], slip: float = 0.0, run_rate: list[tuple[int, float, int]] = (),
          quarters: dict[int, int] | None = None) -> Rates:
    """Rates stated by hand: stage win rates, slip rate, run-rate deals (owner, amount, days from creation to
    quarter end) and the measured quarters in which each owner closed deals."""
    stages = pd.Series(win, dtype=float)
    deals = pd.DataFrame({"Id": [uid("006", 900 + i) for i in range(len(run_rate))],
                          "OwnerId": [user(o) for o, _, _ in run_rate], "Amount": [a for _, a, _ in run_rate],
                          "days_to_quarter_end": [d for _, _, d in run_rate]})
    return Rates(stage_win_rate=stages, stage_closed=pd.Series(100, index=stages.index), overall_win_rate=0.5,
                 closed_count=100, slip_rate=slip, slip_cases=100, run_rate_deals=deals,
                 owner_quarters=pd.Series({user(o): n for o, n in (quarters or {}).items()}, dtype=float))


def open_deal(n: int, owner: int, amount: float, stage: str = "Proposal") -> dict:
    return {"Id": uid("006", n), "OwnerId": user(owner), "Amount": amount, "StageName": stage,
            "CloseDate": pd.Timestamp("2026-12-15")}


def open_deals(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["Id", "OwnerId", "Amount", "StageName", "CloseDate"])


def by_owner(values: dict[int, float]) -> pd.Series:
    return pd.Series({user(o): v for o, v in values.items()}, dtype=float)


NONE = pd.Series(dtype=float)


# --- simulate --------------------------------------------------------------------------------------------------


def test_two_coin_flip_deals_reach_a_quota_of_both_a_quarter_of_the_time():
    # Two independent deals of 100, each won with p = 0.5: revenue 0 (p 0.25), 100 (0.5) or 200 (0.25).
    # Quota 200 needs both: p_quota = 0.5 x 0.5 = 0.25. Over 10,000 trials the standard error is
    # sqrt(0.25 x 0.75 / 10,000) = 0.00433, so the estimate lies within 3 SE = 0.013 of 0.25.
    out = simulate(open_deals(open_deal(1, 1, 100), open_deal(2, 1, 100)), NONE, by_owner({1: 200}),
                   rates({"Proposal": 0.5}), days_left=30)
    assert abs(out.loc[user(1), "forecast_p_quota"] - 0.25) < 3 * math.sqrt(0.25 * 0.75 / TRIALS)
    # 25% of trials at 0 and 75% at or below 100: P10 = 0, P50 = 100, P90 = 200.
    assert out.loc[user(1), ["forecast_p10", "forecast_p50", "forecast_p90"]].tolist() == [0, 100, 200]


def test_a_certain_deal_gives_one_outcome_on_top_of_won_qtd():
    # Won 1,000 so far + one deal of 5,000 won with p = 1: every trial ends at 6,000.
    out = simulate(open_deals(open_deal(1, 1, 5_000, "Commit")), by_owner({1: 1_000}), by_owner({1: 6_000}),
                   rates({"Commit": 1.0}), days_left=30)
    assert out.loc[user(1)].tolist() == [6_000, 6_000, 6_000, 1.0]  # P10, P50, P90, p_quota


def test_slip_rate_scales_the_win_probability():
    # Stage win rate 0.8, slip rate 0.25: the deal closes won in the quarter with p = 0.8 x (1 - 0.25) = 0.6.
    # Quota = its amount, so p_quota = 0.6 within 3 SE = 3 x sqrt(0.6 x 0.4 / 10,000) = 0.0147.
    out = simulate(open_deals(open_deal(1, 1, 100)), NONE, by_owner({1: 100}), rates({"Proposal": 0.8}, slip=0.25),
                   days_left=30)
    assert abs(out.loc[user(1), "forecast_p_quota"] - 0.6) < 3 * math.sqrt(0.6 * 0.4 / TRIALS)
    assert rates({"Proposal": 0.8}, slip=0.25).win_probability(pd.Series(["Proposal"])) == pytest.approx([0.6])


def test_a_stage_without_its_own_rate_takes_the_overall_win_rate():
    # The helper's overall win rate is 0.5; 'Discovery' has no rate of its own.
    assert rates({"Proposal": 0.8}).win_probability(pd.Series(["Discovery", None])).tolist() == [0.5, 0.5]


def test_no_quota_means_no_chance_to_hit_it():
    # Rep 1 has a quota of 100, rep 2 none (NaN), rep 3 is not in the quota series at all.
    deals = open_deals(open_deal(1, 1, 100), open_deal(2, 2, 100), open_deal(3, 3, 100))
    out = simulate(deals, NONE, by_owner({1: 100, 2: math.nan}), rates({"Proposal": 1.0}), days_left=30)
    assert out.loc[user(1), "forecast_p_quota"] == 1.0
    assert out.loc[[user(2), user(3)], "forecast_p_quota"].isna().all()
    # The team's quota is the sum of the quotas set (100): the team ends at 300 in every trial.
    assert out.loc[TEAM, "forecast_p_quota"] == 1.0
    no_quota = simulate(deals, NONE, NONE, rates({"Proposal": 1.0}), days_left=30)
    assert no_quota["forecast_p_quota"].isna().all() and no_quota.loc[TEAM, "forecast_p50"] == 300


def test_the_same_seed_repeats_the_numbers_and_another_seed_does_not():
    deals = open_deals(*(open_deal(n, n % 3, 100 * n) for n in range(1, 13)))
    args = (deals, by_owner({0: 50}), by_owner({0: 500, 1: 900, 2: 700}), rates({"Proposal": 0.5}, 0.1,
                                                                              [(0, 300, 5), (1, 700, 9)], {0: 1}), 40)
    pd.testing.assert_frame_equal(simulate(*args, seed=7), simulate(*args, seed=7))
    assert not simulate(*args, seed=7).equals(simulate(*args, seed=8))


def test_the_team_row_comes_from_the_pooled_trials_not_from_summing_percentiles():
    # Two reps, each with one deal of 100 won with p = 0.4 and a quota of 100.
    # Each rep: 0 in 60% of trials, so P50 = 0 and p_quota = 0.4. Summed P50s: 0 + 0 = 0.
    # Team per trial: 0 (0.6^2 = 0.36), 100 (2 x 0.4 x 0.6 = 0.48), 200 (0.4^2 = 0.16): team P50 = 100.
    # Team quota 100 + 100 = 200: reached only when both win, p = 0.16 (3 SE = 0.011), not 0.4.
    out = simulate(open_deals(open_deal(1, 1, 100), open_deal(2, 2, 100)), NONE, by_owner({1: 100, 2: 100}),
                   rates({"Proposal": 0.4}), days_left=30)
    assert out.loc[[user(1), user(2)], "forecast_p50"].sum() == 0
    assert out.loc[TEAM, "forecast_p50"] == 100
    assert abs(out.loc[TEAM, "forecast_p_quota"] - 0.16) < 3 * math.sqrt(0.16 * 0.84 / TRIALS)
    assert out.index.tolist() == [user(1), user(2), TEAM]


def test_run_rate_adds_the_expected_new_wins_times_the_mean_amount_to_the_mean():
    # Over 2 measured quarters rep 1 won 10 deals created and won in the same quarter, 1,000 or 3,000 each
    # (mean 2,000), created 5, 10, ..., 50 days before their quarter's end. With 30 days left, those created
    # fewer than 30 days before the end count: 5, 10, 15, 20, 25 -> 5 / 2 quarters = 2.5 new wins expected.
    # Mean added: 2.5 x 2,000 = 5,000. Variance of the compound Poisson sum: 2.5 x E[amount^2] = 2.5 x
    # (1e6 + 9e6) / 2 = 1.25e7; the mean of 10,000 trials has SE 35.4, so it lies within 3 SE = 106 of 500 + 5,000.
    run_rate = rates({}, run_rate=[(1, 1_000 if n % 2 else 3_000, 5 * n) for n in range(1, 11)], quarters={1: 2})
    assert run_rate.new_wins_expected(pd.Index([user(1)]), 30) == pytest.approx([2.5])
    revenue = simulated_revenue(open_deals(), by_owner({1: 500}), run_rate, 30, pd.Index([user(1)]))
    assert abs(revenue.loc[user(1)].mean() - 5_500) < 3 * math.sqrt(1.25e7 / TRIALS)
    assert set(np.unique(revenue.to_numpy() - 500) % 1_000) == {0}  # whole draws from the pool
    # With no days left nothing new closes.
    assert (simulated_revenue(open_deals(), by_owner({1: 500}), run_rate, 0, pd.Index([user(1)])) == 500).all(axis=None)


def test_a_rep_never_measured_takes_the_team_number_per_rep_quarter_and_the_team_pool():
    # Rep 1 closed deals in 2 measured quarters and won 2 created inside them (1,000 and 3,000, created 10 and
    # 20 days before the quarter's end); rep 2 closed deals in 2 quarters, none created and won inside one.
    # With 30 days left: rep 1 expects 2 / 2 = 1; rep 2 0; rep 3, new, the team's 2 / (2 + 2) rep-quarters = 0.5.
    run_rate = rates({}, run_rate=[(1, 1_000, 10), (1, 3_000, 20)], quarters={1: 2, 2: 2})
    owners = pd.Index([user(1), user(2), user(3)])
    assert run_rate.new_wins_expected(owners, 30) == pytest.approx([1.0, 0.0, 0.5])
    assert run_rate.new_wins_expected(owners, 15) == pytest.approx([0.5, 0.0, 0.25])  # only the one 10 days out
    revenue = simulated_revenue(open_deals(), NONE, run_rate, 30, owners)
    # Rep 3: 0.5 x 2,000 = 1,000 on average (variance 0.5 x 5e6 = 2.5e6, 3 SE = 47).
    assert (revenue.loc[user(2)] == 0).all()
    assert abs(revenue.loc[user(3)].mean() - 1_000) < 3 * math.sqrt(2.5e6 / TRIALS)


def test_without_any_closed_deal_measured_the_forecast_is_unknown():
    unmeasured = measured_rates(table("opportunities"), table("opportunity_history"), [Q1])
    out = simulate(open_deals(open_deal(1, 1, 100)), NONE, by_owner({1: 100}), unmeasured, days_left=30)
    assert out.isna().all(axis=None) and out.index.tolist() == [user(1), TEAM]


def test_many_deals_over_many_chunks_keep_their_owners():
    # 300 deals x 10,000 trials spans several chunks; certain wins make each rep's sum exact:
    # rep n % 7 owns the deals n = rep, rep + 7, ...; each deal is worth n.
    deals = open_deals(*(open_deal(n, n % 7, n) for n in range(300)))
    out = simulate(deals, NONE, NONE, rates({"Proposal": 1.0}), days_left=30)
    expected = deals.groupby("OwnerId")["Amount"].sum()
    assert out.loc[expected.index, "forecast_p10"].tolist() == expected.tolist()
    assert out.loc[TEAM, "forecast_p90"] == sum(range(300))  # 44,850


# --- measured_rates ----------------------------------------------------------------------------------------------


def deal(n: int, owner: int, amount: float, close: str, stage: str, won: bool = False, closed: bool = True,
         created: str = "2026-01-05T12:00:00Z") -> dict:
    return {"Id": uid("006", n), "OwnerId": user(owner), "Amount": amount, "CloseDate": close, "StageName": stage,
            "IsWon": won, "IsClosed": closed, "CreatedDate": created}


def change(n: int, field: str, old: str, new: str, at: str) -> dict:
    return {"OpportunityId": uid("006", n), "Field": field, "OldValue": old, "NewValue": new, "CreatedDate": at}


def stage_path(n: int, *stages: str, at: str = "2026-01-20T12:00:00Z") -> list[dict]:
    return [change(n, "StageName", old, new, at) for old, new in zip(stages, stages[1:])]


def test_win_rate_by_stage_from_the_stages_each_closed_deal_passed():
    opps = table("opportunities",
                 deal(1, 1, 100, "2026-02-10", "Closed Won", won=True),
                 deal(2, 1, 100, "2026-03-10", "Closed Lost"),
                 deal(3, 1, 100, "2026-04-10", "Closed Lost"),
                 deal(4, 1, 100, "2026-05-10", "Closed Won", won=True),  # no history: passed only 'Closed Won'
                 deal(5, 1, 100, "2026-06-10", "Closed Won", won=True),
                 deal(6, 1, 100, "2026-08-10", "Closed Lost"),  # closed in Q3: not measured
                 deal(7, 1, 100, "2026-03-20", "Proposal", closed=False))  # open: not measured
    history = table("opportunity_history",
                    *stage_path(1, "Prospecting", "Proposal", "Closed Won"),
                    *stage_path(2, "Prospecting", "Proposal", "Closed Lost"),
                    *stage_path(3, "Prospecting", "Closed Lost"),
                    *stage_path(5, "Prospecting", "Proposal", "Closed Won"),
                    *stage_path(6, "Prospecting", "Proposal", "Closed Lost"),
                    *stage_path(7, "Prospecting", "Proposal"))
    measured = measured_rates(opps, history, [Q1, Q2], min_closed=4)
    # Passed Prospecting: deals 1, 2, 3, 5 -> 4 closed, 2 won: 0.5.
    # Passed Proposal: deals 1, 2, 5 -> 3 closed (< 4): falls back to overall, deals 1-5: 3 won / 5 = 0.6.
    # Passed Closed Won: 1, 4, 5 -> 3 (< 4); Closed Lost: 2, 3 -> 2 (< 4).
    assert measured.stage_closed.to_dict() == {"Closed Lost": 2, "Closed Won": 3, "Proposal": 3, "Prospecting": 4}
    assert measured.stage_win_rate.to_dict() == {"Prospecting": 0.5}
    assert measured.overall_win_rate == pytest.approx(0.6) and measured.closed_count == 5
    # Deal 7 is still open, dated 20 Mar in Q1: it slipped, 1 of the 6 (deal, quarter) cases (deals 1-5, 7).
    # Win probability = stage rate x (1 - 1/6).
    assert (measured.slip_cases, measured.slip_rate) == (6, pytest.approx(1 / 6))
    assert measured.win_probability(pd.Series(["Prospecting", "Proposal"])) == pytest.approx([0.5 * 5 / 6, 0.5])


def test_slip_rate_from_close_date_history():
    opps = table("opportunities",
                 deal(1, 1, 100, "2026-04-20", "Closed Won", won=True),
                 deal(2, 1, 100, "2026-02-10", "Closed Lost"),
                 deal(3, 1, 100, "2026-05-30", "Proposal", closed=False),
                 deal(4, 1, 100, "2026-05-05", "Closed Won", won=True),
                 deal(5, 1, 100, "2026-07-15", "Closed Won", won=True),
                 deal(6, 1, 100, "2026-04-10", "Closed Lost"))
    history = table("opportunity_history",
                    # 1: dated 15 Mar (Q1), pushed to 20 Apr on 10 Mar, won 20 Apr: Q1 slipped, Q2 did not.
                    change(1, "CloseDate", "2026-03-15", "2026-04-20", "2026-03-10T09:00:00Z"),
                    change(1, "StageName", "Proposal", "Closed Won", "2026-04-20T09:00:00Z"),
                    # 2: no CloseDate history, lost on its date 10 Feb: a Q1 case, not slipped.
                    # 3: still open, dated 30 May in Q2 which has ended: slipped.
                    # 4: dated 20 Jun, won early on 5 May, when the date was set to 5 May (at the closing moment,
                    #    so never a date it was open with): one Q2 case, not slipped.
                    change(4, "StageName", "Proposal", "Closed Won", "2026-05-05T10:00:00Z"),
                    change(4, "CloseDate", "2026-06-20", "2026-05-05", "2026-05-05T10:00:00Z"),
                    # 5: dated 25 Jun, pushed on 2 Jul (after the quarter ended) to 15 Jul: Q2 slipped. A report
                    #    export's month-first dates are read too.
                    change(5, "CloseDate", "6/25/2026", "7/15/2026", "2026-07-02T09:00:00Z"),
                    change(5, "StageName", "Proposal", "Closed Won", "2026-07-15T09:00:00Z"),
                    # 6: dated 1 Aug (Q3, not measured), lost early on 10 Apr and re-dated then: no case.
                    change(6, "StageName", "Prospecting", "Closed Lost", "2026-04-10T09:00:00Z"),
                    change(6, "CloseDate", "2026-08-01", "2026-04-10", "2026-04-10T09:00:00Z"))
    measured = measured_rates(opps, history, [Q1, Q2])
    # Cases: (1, Q1), (1, Q2), (2, Q1), (3, Q2), (4, Q2), (5, Q2) = 6; slipped (1, Q1), (3, Q2), (5, Q2) = 3.
    assert (measured.slip_cases, measured.slip_rate) == (6, 0.5)


def test_run_rate_counts_deals_created_and_won_in_the_same_quarter():
    opps = table("opportunities",
                 deal(1, 1, 1_000, "2026-02-01", "Closed Won", won=True, created="2026-01-10T12:00:00Z"),
                 deal(2, 1, 2_000, "2026-01-15", "Closed Won", won=True, created="2025-12-20T12:00:00Z"),  # Q4 2025
                 deal(3, 1, 3_000, "2026-06-01", "Closed Won", won=True, created="2026-04-02T12:00:00Z"),
                 deal(4, 1, 9_000, "2026-06-01", "Closed Won", won=True, created="2026-03-30T12:00:00Z"),  # Q1
                 deal(5, 2, 4_000, "2026-03-01", "Closed Lost", created="2026-02-01T12:00:00Z"))
    measured = measured_rates(opps, table("opportunity_history"), [Q1, Q2])
    # Created and won in the same quarter: deal 1 (Q1, created 10 Jan: 80 days before 31 Mar) and deal 3 (Q2,
    # created 2 Apr: 89 days before 30 Jun).
    assert measured.run_rate_deals[["Amount", "days_to_quarter_end"]].values.tolist() == [[1_000, 80], [3_000, 89]]
    # Quarters in which each rep closed a deal: rep 1 Q1 and Q2; rep 2 only Q1.
    assert measured.owner_quarters.to_dict() == {user(1): 2, user(2): 1}
    # 85 days left: only deal 1 was created later than that -> rep 1: 1 / 2 quarters; rep 2: 0;
    # rep 3 (closed nothing): the team's 1 / (2 + 1) rep-quarters. 90 days left: both deals count.
    owners = pd.Index([user(1), user(2), user(3)])
    assert measured.new_wins_expected(owners, 85) == pytest.approx([0.5, 0, 1 / 3])
    assert measured.new_wins_expected(owners, 90) == pytest.approx([1.0, 0, 2 / 3])


def test_measured_quarters_and_check_days():
    assert [q.name for q in measured_quarters(CAL, Q2, 4)] == ["FY2025 Q2", "FY2025 Q3", "FY2025 Q4", "FY2026 Q1"]
    assert check_days(Q2) == [pd.Timestamp("2026-05-16")]  # 1 Apr + (90 days // 2)
    assert check_days(Q2, every_weeks=4) == [pd.Timestamp(d) for d in ("2026-04-29", "2026-05-27", "2026-06-24")]


def test_deals_to_forecast_are_open_deals_closing_in_the_rest_of_the_quarter_and_won_to_date():
    opps = table("opportunities",
                 deal(1, 1, 100, "2026-05-10", "Closed Won", won=True),
                 deal(2, 1, 200, "2026-05-16", "Proposal", closed=False),  # closes on the as-of date: in
                 deal(3, 1, 400, "2026-05-15", "Proposal", closed=False),  # past its date: out
                 deal(4, 1, 800, "2026-07-01", "Proposal", closed=False))  # next quarter: out
    deals, won = deals_to_forecast(opps, Q2, pd.Timestamp("2026-05-16"))
    assert deals["Amount"].tolist() == [200] and won.to_dict() == {user(1): 100}


# --- backtest ----------------------------------------------------------------------------------------------------


def as_they_stood(opportunities: pd.DataFrame, history: pd.DataFrame, moment: pd.Timestamp) -> pd.DataFrame:
    """A stand-in for kpi.pipeline.state_at, true for the history below: a deal closed on its CloseDate and
    was open at 'Negotiation' before."""
    later = opportunities["CloseDate"] >= moment.tz_convert(None).normalize()
    return opportunities.assign(IsClosed=opportunities["IsClosed"] & ~later, IsWon=opportunities["IsWon"] & ~later,
                                StageName=opportunities["StageName"].where(~later, "Negotiation"))


def won_at_negotiation(n: int, owner: int, amount: float, close: str, created: str,
                       won: bool = True) -> tuple[dict, dict]:
    """A deal closed (won unless said) on its CloseDate from Negotiation, and its stage history row."""
    stage = "Closed Won" if won else "Closed Lost"
    return (deal(n, owner, amount, close, stage, won=won, created=created),
            change(n, "StageName", "Negotiation", stage, f"{close}T12:00:00Z"))


def test_backtest_where_every_deal_wins_puts_the_actual_at_p50():
    # Q1: five deals of 100 for rep 1, created in December (so no run-rate), won 20 Mar from Negotiation.
    # Q2, checked on its midpoint 16 May: rep 1 won 50 on 10 Apr and has three deals of 100 closing 20 Jun;
    # rep 2 has two of 200 closing 25 Jun. Measured on Q1: Negotiation won 5 of 5, slip 0, no run-rate, so the
    # forecast is certain: rep 1 50 + 300 = 350, rep 2 400; every deal does win, so actual = P10 = P50 = P90.
    made = [won_at_negotiation(n, 1, 100, "2026-03-20", "2025-12-01T12:00:00Z") for n in range(1, 6)]
    made += [won_at_negotiation(6, 1, 50, "2026-04-10", "2026-03-01T12:00:00Z")]
    made += [won_at_negotiation(n, 1, 100, "2026-06-20", "2026-03-01T12:00:00Z") for n in range(7, 10)]
    made += [won_at_negotiation(n, 2, 200, "2026-06-25", "2026-03-01T12:00:00Z") for n in range(10, 12)]
    opps = table("opportunities", *(d for d, _ in made))
    history = table("opportunity_history", *(h for _, h in made))
    quotas = {Q1.name: by_owner({1: 500}), Q2.name: by_owner({1: 350, 2: 500})}  # rep 1 hits, rep 2 misses
    frame, summary = backtest(opps, history, [Q1, Q2], as_they_stood, CAL, lambda q: quotas[q.name], trials=1_000)
    reps = frame.loc[~frame["is_team"]].set_index("OwnerId")
    assert reps["forecast_p50"].to_dict() == {user(1): 350, user(2): 400} == reps["actual"].to_dict()
    assert (reps["forecast_p10"] == reps["forecast_p90"]).all()
    assert reps["forecast_p_quota"].to_dict() == {user(1): 1.0, user(2): 0.0}  # 350 >= 350; 400 < 500
    team = frame.loc[frame["is_team"]].iloc[0]
    assert (team["actual"], team["quota"], team["forecast_p50"], team["hit"]) == (750, 850, 750, 0.0)
    # Both cases at or below P50 (ideal 50%: a certain forecast is at its edge) and inside P10-P90;
    # Brier (1 - 1)^2 and (0 - 0)^2: 0. Q1 has no earlier quarter to measure rates on: skipped.
    expected = {"cases": 2, "share_at_or_below_p50": 1.0, "share_inside_p10_p90": 1.0, "brier": 0.0,
                "brier_cases": 2}
    assert summary == {**expected, "quarters": {Q2.name: expected}, "skipped": [Q1.name]}
    # Restricted to rep 1 (the listed reps), the team is rep 1 alone.
    frame, summary = backtest(opps, history, [Q2], as_they_stood, CAL, lambda q: quotas[q.name],
                              owners=pd.Index([user(1)]), trials=1_000)
    assert frame[["OwnerId", "forecast_p50", "actual"]].values.tolist() == [[user(1), 350, 350], [TEAM, 350, 350]]
    assert summary["cases"] == 1


def test_backtest_of_no_quarter_is_empty():
    frame, summary = backtest(table("opportunities"), table("opportunity_history"), [], as_they_stood, CAL)
    assert frame.empty and summary == {"cases": 0, "share_at_or_below_p50": None, "share_inside_p10_p90": None,
                                       "brier": None, "brier_cases": 0, "quarters": {}, "skipped": []}


def test_backtest_scores_a_coin_flip_against_its_outcome():
    # Q1: ten deals at Negotiation, five won: win rate 0.5. Q2: rep 1 has one deal of 100 closing 20 Jun,
    # quota 100, and it is lost. Forecast: P10 = 0, P50 = 0 or 100 (about half the trials each), P90 = 100;
    # p_quota = 0.5 and the miss scores (0.5 - 0)^2 = 0.25 (within the sampling error of 1,000 trials).
    made = [won_at_negotiation(n, 1, 100, "2026-03-20", "2025-12-01T12:00:00Z", won=n <= 5) for n in range(1, 11)]
    made += [won_at_negotiation(11, 1, 100, "2026-06-20", "2026-03-01T12:00:00Z", won=False)]
    opps = table("opportunities", *(d for d, _ in made))
    history = table("opportunity_history", *(h for _, h in made))
    frame, summary = backtest(opps, history, [Q2], as_they_stood, CAL, lambda q: by_owner({1: 100}), trials=1_000)
    rep = frame.loc[~frame["is_team"]].iloc[0]
    assert (rep["forecast_p10"], rep["forecast_p90"], rep["actual"], rep["hit"]) == (0, 100, 0, 0.0)
    assert rep["inside_p10_p90"] and rep["at_or_below_p50"]
    assert abs(rep["forecast_p_quota"] - 0.5) < 3 * math.sqrt(0.25 / 1_000)  # 3 SE = 0.047
    assert summary["brier"] == rep["forecast_p_quota"] ** 2 and summary["skipped"] == []
