"""Rep view: one rep's numbers against targets, their trends, and under each number the records behind it."""

import pandas as pd
import streamlit as st

from kpi import activity, charts, funnel, people, revenue
from kpi.periods import last_weeks
from kpi.registry import KPIS
from kpi.schema import Users
from kpi.summary import RAMPING, TENURE, deals_as_of, qualifies, ramp_status, records_behind, sells
from ui import data, state, widgets

filters = state.current()
facts = data.facts()
if filters.rep is None:
    if widgets.needs(facts, ("User",), "the reps"):
        st.warning("No reps in this selection: choose another team.")
    st.stop()
reps, _ = data.scorecard(filters.as_of, filters.fiscal_start, filters.team)
rep = reps.loc[filters.rep]
person = facts.people.set_index(Users.Id).loc[filters.rep]
owner = pd.Index([filters.rep])
quarter = filters.calendar.quarter(filters.as_of)

widgets.header(rep[Users.Name], filters)
role, manager = person[people.ROLE], person[people.MANAGER]
tenure = ramp_status(facts, filters.as_of).reindex(owner).iloc[0]
ramping = (f" · ramping: {tenure[TENURE]} of {facts.definitions.ramp.months} months in (the leaderboard can use "
           "ramped targets)" if tenure[RAMPING] else "")
st.markdown(f"**{person[people.TEAM]}** · {role if pd.notna(role) else 'no role'} · "
            f"reports to {manager if pd.notna(manager) else 'nobody'} · days counted in {person[people.TIME_ZONE]}"
            + ramping)


def section(title: str, cards: list[tuple[str, str | None]], per_row: int = 3) -> bool:
    """Metric cards, then the records behind each card in tabs; False (and a note) when exports are missing."""
    st.subheader(title)
    if not widgets.exports_for(facts, [name for name, _ in cards]):
        return False
    widgets.cards(rep, cards, per_row)
    with st.expander("Records behind these numbers"):
        for tab, (name, _) in zip(st.tabs([KPIS[n].label for n, _ in cards]), cards):
            with tab:
                widgets.records(records_behind(facts, name, owner, filters.as_of, filters.calendar),
                                key=f"records_{name}")
    return True


if section("Today and this week", [("calls_today", "calls_target_day"), ("emails_today", "emails_target_day"),
                                   ("meetings_today", "meetings_target_day"),
                                   ("activities_today", "activities_target_day"), ("activities_week", None)]):
    daily = activity.daily_activity(facts.activities, last_weeks(filters.as_of, 4), filters.as_of, owner)
    st.plotly_chart(charts.activity_trend(
        daily, {"Activity target": rep["activities_target_day"], "Call target": rep["calls_target_day"]},
        "Activity per business day, last 4 weeks"), key="rep_activity")

if qualifies(rep) and section("Lead funnel", [("sal_week", "sal_goal_week"), ("sql_week", "sql_goal_week"),
                                              ("sal_month", "sal_goal_month"), ("sql_month", "sql_goal_month")],
                              per_row=4):
    weekly = funnel.weekly_stage_counts(facts.stages, quarter.through(filters.as_of), owner)
    st.plotly_chart(charts.weekly_stages(weekly, {"sal": rep["sal_goal_week"], "sql": rep["sql_goal_week"]},
                                         f"SALs and SQLs per week, {quarter.name}"), key="rep_stages")

if (sells(rep) or not facts.org.has("Opportunity")) and section(
        "Quarter to date", [("revenue_qtd", "quota_quarter"), ("win_rate", None), ("coverage", None)]):
    widgets.cards(rep, [("attainment", None), ("pace", None), ("projection", None)])
    won = revenue.burn_up(deals_as_of(facts, filters.as_of), quarter, filters.as_of, owner)
    st.plotly_chart(charts.burn_up(won, quarter, rep["quota_quarter"], rep["projection"],
                                   f"{quarter.name} closed-won vs quota", facts.org.currency), key="rep_burn_up")
