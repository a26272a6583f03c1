import pandas as pd

from factories import org, table, uid, user
from kpi import partners
from kpi.charts import (METRIC_COLOURS, PLAN_COLOURS, activity_trend, burn_up, campaign_results, customer_cohorts,
                        forecast_ranges, named_coverage, partner_sourced_by_quarter, partners_recruited,
                        pipeline_waterfall, plan_attainment, rep_colours, responder_work, today_vs_target)
from kpi.pipeline import SIGNS
from kpi.periods import FiscalCalendar
from kpi.summary import customer_view, deals_as_of, prepare

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


def test_partners_recruited_stack_the_engines_counts_per_owner_under_the_goal():
    r1, r2 = user(1), user(2)
    accounts = table("accounts", *[
        {"Id": uid("001", n), "OwnerId": owner, "Type": "Reseller", "Partner_Recruited_Date__c": day,
         "CreatedDate": "2025-01-01T12:00:00Z"}
        for n, (owner, day) in enumerate([(r1, "2026-04-02"), (r1, "2026-10-05"), (r2, "2026-10-06"),
                                          (r2, "2026-11-20"), (r2, "2026-07-01")], start=1)])
    found = partners.partner_accounts(accounts, pd.Series({r1: "UTC", r2: "UTC"}), pd.Timestamp("2026-11-24"))
    calendar = FiscalCalendar()
    quarters = [calendar.quarter(pd.Timestamp(d)) for d in ("2026-04-01", "2026-07-01", "2026-10-01")]
    counts = partners.recruited_by_quarter(found, quarters)
    fig = partners_recruited(counts, rep_colours([r1, r2]), pd.Series({r1: "Ann", r2: "Bo"}), 3.0, "t")
    bars = {t.name: list(t.y) for t in fig.data if t.type == "bar"}
    assert bars == {"Ann": [1, 0, 1], "Bo": [0, 1, 2]} == {"Ann": counts[r1].tolist(), "Bo": counts[r2].tolist()}
    assert list(fig.data[0].x) == ["FY2026 Q2", "FY2026 Q3", "FY2026 Q4"]
    assert fig.data[0].marker.color == "#0072B2" and fig.data[1].marker.color == "#E69F00"
    assert list(next(t for t in fig.data if t.name == "Total").text) == ["1", "1", "3"]
    goal = next(t for t in fig.data if t.name == "Goal per quarter")
    assert list(goal.y) == [3.0, 3.0, 3.0]
    assert "Goal per quarter" not in [t.name for t in partners_recruited(counts, {}, pd.Series(), None, "t").data]


def test_partner_sourced_quarters_show_created_and_won_side_by_side_with_amounts():
    per_quarter = pd.DataFrame({"created": [1_250_000.0, 0.0], "won": [45_500.0, 8_000.0]},
                               index=["FY2026 Q3", "FY2026 Q4"])
    fig = partner_sourced_by_quarter(per_quarter, "t", "EUR")
    assert [(t.name, list(t.y)) for t in fig.data] == [("Sourced pipeline created", [1_250_000.0, 0.0]),
                                                        ("Sourced closed-won", [45_500.0, 8_000.0])]
    assert list(fig.data[0].text) == ["€1.2M", ""] and list(fig.data[1].text) == ["€45.5k", "€8.0k"]
    assert fig.layout.yaxis.tickprefix == "€"


def test_customer_cohorts_draw_the_engines_paths_and_the_expected_ramp_dashed():
    as_of, r1 = pd.Timestamp("2026-11-24"), user(1)
    a1, a2, a3 = (uid("001", n) for n in (1, 2, 3))
    deal = lambda n, account, amount, close: {  # noqa: E731
        "Id": uid("006", n), "AccountId": account, "OwnerId": r1, "Amount": amount, "CloseDate": close,
        "IsWon": True, "IsClosed": True, "Type": "New Business", "CreatedDate": "2025-06-01T15:00:00Z"}
    facts = prepare(org(
        users=[{"Id": r1, "Name": "Rita One", "IsActive": True, "Department": "SMB", "TimeZoneSidKey": "UTC"}],
        accounts=[{"Id": a, "Name": a, "OwnerId": r1} for a in (a1, a2, a3)],
        opportunities=[deal(1, a1, 10_000, "2024-01-10"), deal(2, a1, 2_000, "2024-03-10"),  # an older customer
                       deal(3, a2, 4_000, "2026-09-10"), deal(4, a2, 6_000, "2026-11-05"),  # Sep cohort
                       deal(5, a3, 3_000, "2026-10-01")]))  # Oct cohort
    view = customer_view(facts, as_of, FiscalCalendar(), pd.Index([r1]), deals_as_of(facts, as_of))
    fig = customer_cohorts(view.cohorts, view.ramp, "t")
    lines = {t.name: list(t.y) for t in fig.data}
    assert lines["Sep 2026"] == view.cohorts.loc[pd.Timestamp("2026-09-01")].dropna().tolist() == [4_000, 4_000, 10_000]
    assert lines["Oct 2026"] == [3_000, 3_000]
    assert lines["Expected ramp"] == view.ramp.dropna().tolist() and fig.data[-1].line.dash == "dash"
    assert fig.layout.xaxis.title.text == "Months since the first deal"


def test_plan_attainment_keeps_each_lines_text_clear_of_the_dashed_pace_line():
    lines = pd.DataFrame({"label": ["Revenue", "Pipeline created", "New customers"],
                          "metric": ["revenue", "pipeline_created", "new_customers"],
                          "attainment": [0.5, 0.64, None],  # no plan for new customers: no bar
                          "text": ["$50.0k of $100.0k · 50%", "$2.7M of $4.2M · 64%", "3 of — · —"]})
    fig = plan_attainment(lines, 0.59, "t")
    bars = fig.data[0]
    assert list(bars.y) == ["Pipeline created", "Revenue"] and list(bars.x) == [0.64, 0.5]  # the first on top
    assert list(bars.marker.color) == [PLAN_COLOURS["pipeline_created"], PLAN_COLOURS["revenue"]]
    # The dashed line stands at the share of the quarter gone ...
    (line,) = fig.layout.shapes
    assert (line.x0, line.x1, line.line.dash) == (0.59, 0.59, "dash")
    # ... and the bars carry no text it could run through: each line's text is a tick label right of the plot,
    # level with its bar (a second y axis matching the first, held by an invisible trace).
    assert bars.text is None
    assert fig.layout.yaxis2.side == "right" and fig.layout.yaxis2.matches == "y"
    assert list(fig.layout.yaxis2.tickvals) == list(bars.y)
    assert list(fig.layout.yaxis2.ticktext) == ["$2.7M of $4.2M · 64%", "$50.0k of $100.0k · 50%"]
    assert fig.data[1].yaxis == "y2" and fig.data[1].marker.opacity == 0 and fig.data[1].hoverinfo == "skip"


def test_campaign_results_put_the_biggest_pipeline_on_top_with_cost_beside_it():
    table = pd.DataFrame({"Name": ["Webinar", "Trade show", "Nurture"], "pipeline": [90_000.0, 150_000.0, 0.0],
                          "won": [10_000.0, 0.0, 0.0], "cost": [3_000.0, 38_000.0, float("nan")]})
    fig = campaign_results(table, "t", "USD")
    pipeline, won, cost = fig.data
    # Horizontal bars draw their first category at the bottom: ascending pipeline puts the trade show on top.
    assert list(pipeline.y) == ["Nurture", "Webinar", "Trade show"] and list(pipeline.x) == [0, 90_000, 150_000]
    assert list(pipeline.text) == ["", "$90.0k", "$150.0k"]  # an empty bar carries no label
    assert list(won.x) == [0, 10_000, 0] and list(cost.x[1:]) == [3_000, 38_000]
    assert pipeline.marker.color == METRIC_COLOURS["pipeline"] and cost.marker.symbol == "diamond"


def test_responder_work_and_named_coverage_name_the_reps():
    names = pd.Series({user(1): "Ann", user(2): "Bea"})
    adrs = pd.DataFrame({"responders": [10, 4], "touched_in_sla": [6, 1], "queue": [2, 0]}, index=[user(1), user(2)])
    fig = responder_work(adrs, names, "t")
    assert [t.name for t in fig.data] == ["Responders", "Responders touched within SLA", "Responders waiting"]
    assert list(fig.data[0].x) == ["Ann", "Bea"] and list(fig.data[2].y) == [2, 0]
    # Coverage: Ann 3 of 4 named accounts touched = 75%; Bea has none named and is not drawn.
    reps = pd.DataFrame({"named_accounts": [4, 0], "named_touched_30d": [3, 0], "named_coverage": [0.75, None]},
                        index=[user(1), user(2)])
    bar = named_coverage(reps, rep_colours([user(1), user(2)]), names, "t").data[0]
    assert list(bar.x) == ["Ann"] and list(bar.y) == [0.75] and list(bar.text) == ["3 of 4"]
    assert list(bar.marker.color) == ["#0072B2"]
