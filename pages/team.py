"""Team view: every rep's day, week, month and quarter against targets, the leaderboard and the team's trends."""

import pandas as pd
import streamlit as st

from kpi import activity, charts, funnel, revenue
from kpi.periods import last_weeks
from kpi.registry import KPIS
from ui import data, state, widgets

filters = state.current()
facts = data.facts()
reps, team = data.scorecard(filters.as_of, filters.fiscal_start, filters.team)
quarter = filters.calendar.quarter(filters.as_of)
widgets.header(f"Team · {filters.team or 'whole sales floor'}", facts, filters)

if reps.empty:
    st.warning("No reps in this selection: nobody active owns activities, leads or opportunities, or has a goal.")
    st.stop()

sells = pd.notna(team["quota_quarter"]) or team["revenue_qtd"] > 0 or team["open_pipeline"] > 0
st.subheader("Quarter to date")
if widgets.needs(facts, ("Opportunity",), "closed-won revenue, attainment, pace, coverage and win rate"):
    if sells:
        cols = st.columns(6)
        with cols[0]:
            widgets.metric("revenue_qtd", team["revenue_qtd"], team["quota_quarter"])
        for col, name in zip(cols[1:], ("attainment", "pace", "projection", "coverage", "win_rate")):
            with col:
                widgets.metric(name, team[name])
    else:
        st.caption("No quota, closed-won revenue or open pipeline in this team: revenue figures are left out.")

st.subheader("Today, this week, this month")
cols = st.columns(6)
for col, (name, target) in zip(cols, (("activities_today", "activities_target_day"),
                                      ("calls_today", "calls_target_day"), ("sal_week", "sal_goal_week"),
                                      ("sql_week", "sql_goal_week"), ("sal_month", "sal_goal_month"),
                                      ("sql_month", "sql_goal_month"))):
    with col:
        widgets.metric(name, team[name], team[target])

colours = charts.rep_colours(facts.people.loc[facts.people["is_rep"], "Id"])
left, right = st.columns(2)
with left:
    daily = activity.daily_activity(facts.activities, last_weeks(filters.as_of, 4), filters.as_of, reps.index)
    st.plotly_chart(charts.activity_trend(
        daily, {"Activity target": team["activities_target_day"], "Call target": team["calls_target_day"]},
        "Activity per business day, last 4 weeks"), key="team_activity")
with right:
    if sells:
        won = revenue.burn_up(facts.opportunities, quarter, filters.as_of, reps.index)
        st.plotly_chart(charts.burn_up(won, quarter, team["quota_quarter"], team["projection"],
                                       f"{quarter.name} closed-won vs quota"), key="team_burn_up")
    else:
        weekly = funnel.weekly_stage_counts(facts.stages, quarter.through(filters.as_of), reps.index)
        st.plotly_chart(charts.weekly_stages(weekly, {"sal": team["sal_goal_week"], "sql": team["sql_goal_week"]},
                                             f"SALs and SQLs per week, {quarter.name}"), key="team_stages")

st.plotly_chart(charts.today_vs_target(reps, colours, "Activities today per rep"), key="team_today")

st.subheader("Leaderboard")
rankings = ["pace", "attainment", "revenue_qtd", "activities_today", "activities_week", "sal_month", "sql_month"]
rank_by = st.selectbox("Rank by", rankings, index=0 if sells else rankings.index("activities_today"),
                       format_func=lambda k: KPIS[k].label, key="rank_by")
columns = ["activities_today", "activities_target_day", "calls_today", "calls_target_day", "emails_today",
           "meetings_today", "activities_week", "sal_week", "sal_goal_week", "sql_week", "sql_goal_week",
           "sal_month", "sal_goal_month", "sql_month", "sql_goal_month", "revenue_qtd", "quota_quarter",
           "attainment", "pace", "projection", "coverage", "win_rate"]
board = reps.sort_values(rank_by, ascending=False, na_position="last")
board.insert(0, "Rank", range(1, len(board) + 1))
st.dataframe(board[["Rank", "Name", *([] if filters.team else ["team"]), *columns]], hide_index=True,
             column_config={"Name": "Rep", "team": "Team", **widgets.column_config(columns)},
             key="leaderboard", width="stretch")
totals = team[columns].to_frame().T.assign(Name="Team total")
st.dataframe(totals[["Name", *columns]], hide_index=True, key="team_totals", width="stretch",
             column_config={"Name": "", **widgets.column_config(columns)})
st.caption("Team totals: counts and amounts summed; targets summed over reps that have one; "
           "rates recomputed from the sums, never averaged. Click a column header to sort.")
