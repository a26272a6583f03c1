"""Pipeline and forecast: the forecast roll-up against quota, pipeline created, coverage, last week to this week,
the likelihood of hitting quota, and the deals a weekly review asks about."""

import streamlit as st

from kpi import charts, forecast, people, pipeline
from kpi.periods import Period
from kpi.registry import KPIS
from kpi.schema import Opportunities, Users
from kpi.summary import deals_as_of, hygiene_list, waterfall
from ui import data, state, widgets

O = Opportunities
COVERAGE_THRESHOLD = 3.0  # coverage under this many times the quota still to close is coloured as a risk

filters = state.current()
facts = data.facts()
reps, team = data.scorecard(filters.as_of, filters.fiscal_start, filters.team)
quarter = filters.calendar.quarter(filters.as_of)
widgets.header(f"Pipeline · {filters.showing}", filters)
if not widgets.needs(facts, ("Opportunity",), "pipeline and the forecast"):
    st.stop()
sellers = reps.loc[reps["quota_quarter"].notna() | (reps["revenue_qtd"] > 0) | (reps["pipeline_open"] > 0)]
if sellers.empty:
    st.info("Nobody in this selection has a quota, closed-won revenue or open pipeline this quarter.")
    st.stop()
colours = charts.rep_colours(facts.people.loc[facts.people[people.IS_REP], Users.Id])
currency = facts.org.currency

st.subheader("Forecast roll-up")
widgets.cards(team, [("revenue_qtd", "quota_quarter"), ("pipeline_commit", None), ("pipeline_best_case", None),
                     ("pipeline_pipeline", None), ("coverage", None), ("hygiene_open_flagged", None)])
rollup = ["revenue_qtd", "pipeline_commit", "pipeline_best_case", "pipeline_pipeline", "pipeline_open",
          "quota_quarter", "coverage", "pipeline_created_qtd", "pipeline_created_goal_quarter"]
rollup = [c for c in rollup if sellers[c].notna().any()]
shaded = sellers[[Users.Name, *rollup]].style.map(
    lambda v: "background-color: #FBE3D6" if v == v and v < COVERAGE_THRESHOLD else "",
    subset=["coverage"] if "coverage" in rollup else [])
widgets.table(sellers[[Users.Name, *rollup]], "rollup", shaded, hide_index=True, width="stretch",
              column_config={Users.Name: "Rep", **widgets.column_config(rollup)})
st.caption(f"Closed = closed-won QTD; Commit, Best Case and Pipeline: open deals closing from the as-of date "
           f"through quarter end, as they stood on the as-of date. Coverage under {COVERAGE_THRESHOLD:.0f}x is "
           "shaded. Team totals pool every rep.")

st.subheader("Likelihood to hit quota")
widgets.cards(team, [("forecast_p10", None), ("forecast_p50", "quota_quarter"), ("forecast_p90", None),
                     ("forecast_p_quota", None), ("projection", "quota_quarter")], per_row=5)
st.plotly_chart(charts.forecast_ranges(sellers, colours, f"Simulated end of {quarter.name}: P10 – P90, P50 and "
                                       "quota per rep", currency), key="forecast_ranges")
with st.expander("How the forecast is simulated"):
    for rule in (forecast.METHOD, forecast.WIN_RATE_RULE, forecast.SLIP_RULE, forecast.RUN_RATE_RULE):
        st.markdown(rule)

st.subheader("Last week to this week")
totals, moved = waterfall(facts, filters.as_of, filters.calendar, reps.index)
st.plotly_chart(charts.pipeline_waterfall(totals, pipeline.SIGNS, f"Open pipeline closing in {quarter.name}: "
                                          f"end of last week → {filters.as_of:%d %b}", currency),
                key="waterfall")
bar = st.selectbox("Deals behind", pipeline.BARS, format_func=lambda b: charts.BAR_LABELS[b], key="waterfall_bar")
widgets.records(moved.loc[moved["bar"] == bar].drop(columns="bar"), key="waterfall_deals")
st.caption(pipeline.WATERFALL_RULE)

st.subheader("Pipeline created per week")
weeks = Period(quarter.start, filters.as_of, quarter.name)
deals = deals_as_of(facts, filters.as_of)  # as they stood: for the weekly chart and the hygiene list
weekly = pipeline.pipeline_created_by_week(deals, weeks, sellers.index)
widgets.cards(team, [("pipeline_created_qtd", "pipeline_created_goal_quarter")], per_row=3)
quarter_weeks = ((quarter.end - quarter.start).days + 1) / 7
st.plotly_chart(charts.weekly_pipeline_created(
    weekly, colours, reps[Users.Name], team["pipeline_created_goal_quarter"] / quarter_weeks,
    f"Pipeline created per week, {quarter.name} (goal: the quarter's spread over its {quarter_weeks:.0f} weeks)",
    currency), key="pipeline_weekly")

st.subheader("Deals needing attention")
flagged = hygiene_list(facts, deals, filters.as_of, reps.index)
st.caption(KPIS["hygiene_open_flagged"].formula + ". " + f"{len(flagged)} deals.")
widgets.records(flagged.assign(Owner=flagged[O.OwnerId].map(reps[Users.Name]))[
    [O.Id, O.Name, "Owner", O.StageName, O.Amount, O.CloseDate, "reasons", O.OwnerId]]
    .sort_values(["Owner", O.CloseDate]), key="hygiene")
