import pandas as pd

from kpi.charts import (METRIC_COLOURS, activity_trend, burn_up, forecast_ranges, pipeline_waterfall, rep_colours,
                        today_vs_target)
from kpi.pipeline import SIGNS
from kpi.periods import FiscalCalendar

Q4 = FiscalCalendar().quarter(pd.Timestamp("2026-11-24"))


def test_a_rep_keeps_its_colour_whoever_else_is_shown():
    everyone = rep_colours(["005C", "005A", "005B"])
    assert everyone == {"005A": "#0072B2", "005B": "#E69F00", "005C": "#009E73"}
    assert rep_colours(["005B", "005A", "005C"]) == everyone  # order of arrival does not matter


def test_burn_up_pace_line_runs_from_zero_to_quota_over_business_days():
    won = pd.DataFrame({"day": pd.date_range("2026-10-01", "2026-10-05"), "won": [0, 10, 10, 10, 25.0]})
    fig = burn_up(won, Q4, quota=66_000, projection=50_000, title="t")
    pace = next(t for t in fig.data if t.name == "Pace line")
    # 66 business days in the quarter: 1,000 of quota per business day; Thu 1 Oct is day 1, Mon 5 Oct day 3.
    assert list(pace.y[:5]) == [1_000, 2_000, 2_000, 2_000, 3_000] and pace.y[-1] == 66_000
    assert [t.name for t in fig.data] == ["Closed-won QTD", "Pace line", "Quota", "Projection"]


def test_targets_that_are_not_set_draw_no_line():
    daily = pd.DataFrame({"calls": [3, 4], "emails": [1, 0], "meetings": [0, 1]},
                         index=pd.DatetimeIndex(["2026-11-23", "2026-11-24"]))
    fig = activity_trend(daily, {"Activity target": None, "Call target": 5.0}, "t")
    assert [t.name for t in fig.data] == ["Calls", "Emails", "Meetings", "Call target"]
    assert fig.data[0].marker.color == METRIC_COLOURS["calls"] and list(fig.data[3].y) == [5.0, 5.0]


def test_today_vs_target_colours_each_bar_by_rep():
    reps = pd.DataFrame({"Name": ["Ann", "Bo"], "activities_today": [40, 12], "activities_target_day": [30, None]},
                        index=["005A", "005B"])
    fig = today_vs_target(reps, rep_colours(reps.index), "t")
    bars = fig.data[0]
    assert list(bars.y) == ["Bo", "Ann"] and list(bars.marker.color) == ["#E69F00", "#0072B2"]


def test_burn_up_axis_is_in_the_corporate_currency():
    won = pd.DataFrame({"day": [pd.Timestamp("2026-10-05")], "won": [1000.0]})
    fig = burn_up(won, Q4, quota=None, projection=None, title="t", currency="EUR")
    assert fig.layout.yaxis.tickprefix == "€" and fig.layout.yaxis.title.text == "Closed-won (EUR)"
    assert burn_up(won, Q4, None, None, "t").layout.yaxis.tickprefix == "$"  # no currency said: dollars


def test_the_waterfall_draws_falls_below_and_says_each_move_in_numbers():
    totals = {"start": 100_000.0, "new": 20_000.0, "increased": 5_000.0, "decreased": 2_000.0, "pulled_in": 0.0,
              "pushed_out": 10_000.0, "won": 30_000.0, "lost": 8_000.0, "end": 75_000.0}
    bars = pipeline_waterfall(totals, SIGNS, "t").data[0]
    # 100 + 20 + 5 - 2 + 0 - 10 - 30 - 8 = 75: falls are drawn negative, and the text carries the sign.
    assert list(bars.y) == [100_000, 20_000, 5_000, -2_000, 0, -10_000, -30_000, -8_000, 75_000]
    assert list(bars.text) == ["$100k", "+$20k", "+$5k", "−$2k", "+$0k", "−$10k", "−$30k", "−$8k", "$75k"]
    assert list(bars.measure) == ["absolute", *["relative"] * 7, "absolute"]


def test_forecast_ranges_span_p10_to_p90_with_p50_and_quota_marks():
    reps = pd.DataFrame({"Name": ["Ann", "Bo", "Cy"], "forecast_p10": [10.0, 40.0, None],
                         "forecast_p50": [20.0, 50.0, None], "forecast_p90": [35.0, 70.0, None],
                         "quota_quarter": [30.0, None, None]}, index=["005A", "005B", "005C"])
    fig = forecast_ranges(reps, rep_colours(reps.index), "t")
    ranges, p50, quota = fig.data
    # Cy has no forecast (no deals, no quota): left out. Bars start at P10 and are P90 - P10 long.
    assert list(ranges.y) == ["Ann", "Bo"] and list(ranges.base) == [10.0, 40.0] and list(ranges.x) == [25.0, 30.0]
    assert list(p50.x) == [20.0, 50.0] and list(quota.x)[0] == 30.0 and pd.isna(list(quota.x)[1])
