"""Team view: every rep's day, week, month and quarter against targets, the leaderboard and the team's trends."""

import streamlit as st

from kpi import activity, charts, funnel, people, revenue
from kpi.periods import last_weeks
from kpi.registry import KPIS
from kpi.schema import Users
from kpi.registry import TARGETS
from kpi.summary import RAMPING, TENURE, deals_as_of, qualifies, ramp_status, sells, with_ramped_targets
from ui import data, state, widgets

FULL, RAMPED, LEFT_OUT = "Full targets", "Ramped targets", "Left out"
RAMPING_CHOICES = (FULL, RAMPED, LEFT_OUT)
RATES_OF_TARGETS = ("quota_quarter", "attainment", "pace", "coverage")  # figures made from a target

filters = state.current()
facts = data.facts(team_view=True)  # a rep allowed the leaderboard sees their team's figures here
reps, team = data.scorecard(filters.as_of, filters.fiscal_start, filters.team, team_view=True)
quarter = filters.calendar.quarter(filters.as_of)
widgets.header(f"Team · {filters.showing}", filters)

if reps.empty:
    if widgets.needs(facts, ("User",), "the reps"):
        st.warning(f"No reps in this selection on {filters.as_of:%d %b %Y}: nobody active (and created by then) "
                   "owns activities, leads or opportunities, or has a goal or quota.")
    st.stop()

st.subheader("Quarter to date")
if widgets.needs(facts, ("Opportunity",), "closed-won revenue, attainment, pace, coverage and win rate"):
    if sells(team):
        widgets.cards(team, [("revenue_qtd", "quota_quarter"), ("attainment", None), ("pace", None),
                             ("projection", None), ("coverage", None), ("win_rate", None)])
    else:
        st.caption("No quota, closed-won revenue or open pipeline in this team: revenue figures are left out.")

st.subheader("Today and this week")
activity_cards = [("activities_today", "activities_target_day"), ("calls_today", "calls_target_day"),
                  ("emails_today", "emails_target_day"), ("meetings_today", "meetings_target_day"),
                  ("activities_week", None)]
widgets.exports_for(facts, [name for name, _ in activity_cards])
widgets.cards(team, activity_cards)
if qualifies(team):
    st.subheader("Lead funnel")
    funnel_cards = [("sal_week", "sal_goal_week"), ("sql_week", "sql_goal_week"), ("sal_month", "sal_goal_month"),
                    ("sql_month", "sql_goal_month")]
    if widgets.exports_for(facts, [name for name, _ in funnel_cards]):
        widgets.cards(team, funnel_cards, per_row=4)

colours = charts.rep_colours(facts.people.loc[facts.people[people.IS_REP], Users.Id])
left, right = st.columns(2)
with left:
    daily = activity.daily_activity(facts.activities, last_weeks(filters.as_of, 4), filters.as_of, reps.index)
    st.plotly_chart(charts.activity_trend(
        daily, {"Activity target": team["activities_target_day"], "Call target": team["calls_target_day"]},
        "Activity per business day, last 4 weeks"), key="team_activity")
with right:
    if sells(team):
        won = revenue.burn_up(deals_as_of(facts, filters.as_of), quarter, filters.as_of, reps.index)
        st.plotly_chart(charts.burn_up(won, quarter, team["quota_quarter"], team["projection"],
                                       f"{quarter.name} closed-won vs quota", facts.org.currency), key="team_burn_up")
    else:
        weekly = funnel.weekly_stage_counts(facts.stages, quarter.through(filters.as_of), reps.index)
        st.plotly_chart(charts.weekly_stages(weekly, {"sal": team["sal_goal_week"], "sql": team["sql_goal_week"]},
                                             f"SALs and SQLs per week, {quarter.name}"), key="team_stages")

st.plotly_chart(charts.today_vs_target(reps, colours, "Activities today per rep"), key="team_today")

st.subheader("Leaderboard")
rankings = ["pace", "attainment", "revenue_qtd", "activities_today", "activities_week", "sal_month", "sql_month"]
left, right = st.columns(2)
rank_by = left.selectbox("Rank by", rankings, index=0 if sells(team) else rankings.index("activities_today"),
                         format_func=lambda k: KPIS[k].label, key="rank_by")
status = ramp_status(facts, filters.as_of).reindex(reps.index)
months = facts.definitions.ramp.months
if status[RAMPING].any():  # a new rep is compared fairly: with a share of the target, or not at all
    ramping_as = right.radio("Ramping reps", list(RAMPING_CHOICES), horizontal=True, key="ramping_as",
                             help=f"Reps in their first {months} months from the hire day. Ramped targets: each "
                                  "target times the share of the rep's tenure month (glossary: Ramping); choose "
                                  "it when targets and quotas are set at full value for new reps.")
else:
    ramping_as = FULL
if ramping_as == RAMPED:
    reps, team = with_ramped_targets(reps, team, facts, filters.as_of, filters.calendar)
columns = ["activities_today", "activities_target_day", "calls_today", "calls_target_day", "emails_today",
           "emails_target_day", "meetings_today", "meetings_target_day", "activities_week"]
columns += ["sal_week", "sal_goal_week", "sql_week", "sql_goal_week", "sal_month", "sal_goal_month", "sql_month",
            "sql_goal_month"] if qualifies(team) else []
columns += ["revenue_qtd", "quota_quarter", "attainment", "pace", "projection", "coverage",
            "win_rate"] if sells(team) else []
columns = [c for c in columns if reps[c].notna().any()]  # a target nobody in the team has is left out
board = reps.assign(Ramping=[f"{int(t)} of {months} months in" if r else "" for t, r in
                             zip(status[TENURE].fillna(0), status[RAMPING])])
board = board.loc[~status[RAMPING]] if ramping_as == LEFT_OUT else board
board = board.sort_values(rank_by, ascending=False, na_position="last")
board.insert(0, "Rank", range(1, len(board) + 1))
config = widgets.column_config(columns)
if ramping_as == RAMPED:  # the figures say which target they used
    for name in [c for c in columns if c in config and (c in TARGETS or c in RATES_OF_TARGETS)]:
        config[name]["label"] += " (ramped)"
widgets.table(board[["Rank", Users.Name, *([] if filters.team else [people.TEAM]), "Ramping", *columns]],
              "leaderboard", hide_index=True, width="stretch",
              column_config={Users.Name: "Rep", people.TEAM: "Team", "Ramping": "Ramping", **config})
if ramping_as == LEFT_OUT:
    st.caption(f"Ramping reps left out of the ranking: {', '.join(reps.loc[status[RAMPING], Users.Name])} "
               "(still counted in the team totals).")
elif ramping_as == RAMPED:
    st.caption("Ramping reps are measured against ramped targets (each marked \"(ramped)\"), and the team totals "
               "below sum them; pace is still attainment over the share of the quarter gone, and the cards above "
               "and the forecast's chance of quota keep the full targets.")
totals = team[columns].to_frame().T.assign(**{Users.Name: "Team total"})
widgets.table(totals[[Users.Name, *columns]], "team_totals", hide_index=True, width="stretch",
              column_config={Users.Name: "", **config})
st.caption("Team totals: counts and amounts summed; targets summed over reps that have one; "
           "rates recomputed from the sums, never averaged. Click a column header to sort.")
