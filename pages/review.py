"""Weekly review: a screen-share mode for the team meeting. One section at a time, in a fixed order, large
numbers, Previous/Next (or the arrow keys) to move on; the deck and the workbook of the same review one click
away."""

import pandas as pd
import streamlit as st

from kpi.registry import KPIS
from kpi.review import BEHIND_PACE, MONEY, WEEKLY_LABELS
from kpi.schema import Users
from kpi.summary import qualifies, sells
from ui import data, state, widgets

SECTION = "review_section"
filters = state.current()
facts = data.facts()
review, figures = data.review(filters.as_of, filters.fiscal_start, filters.team)
currency = facts.org.currency
source = data.Source.from_environment()
fresh = source.freshness() or f"from the {source.label()}"
sections = ["Team headline", "This week vs last week", "Who hit their goals", "Wins of the week", "Risks",
            *review.reps[Users.Name]]
# Made to be shown: no sidebar (the filters stay as they were set), the whole width for the section.
st.html("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'] {display: none}</style>")


def move(step: int) -> None:
    position = sections.index(st.session_state.get(SECTION, sections[0])) + step
    st.session_state[SECTION] = sections[min(max(position, 0), len(sections) - 1)]


left, middle, right = st.columns([1, 4, 1], vertical_alignment="center")
left.button("◀ Previous", on_click=move, args=(-1,), shortcut="left", key="review_previous", width="stretch")
middle.selectbox("Section", sections, key=SECTION, label_visibility="collapsed")
right.button("Next ▶", on_click=move, args=(1,), shortcut="right", key="review_next", width="stretch")
section = st.session_state[SECTION]
st.title(f"Weekly review · {widgets.plain(review.team_name)} · {widgets.plain(section)}")  # names as typed
st.caption(f"As of **{review.as_of:%a %d %b %Y}** · {review.quarter} · data {fresh} · "
           f"section {sections.index(section) + 1} of {len(sections)} (← → to move)")


def changes(rows: pd.DataFrame) -> None:
    """This week's figure per metric, with the change against the same days last week as arrow and number."""
    for column, (metric, row) in zip(st.columns(len(rows)), rows.iterrows()):
        show = (lambda v: KPIS["revenue_qtd"].format(v, compact=True, currency=currency)) if metric in MONEY \
            else (lambda v: f"{v:,.0f}")
        change = ("+" if row["change"] >= 0 else "-") + show(abs(row["change"]))
        column.metric(WEEKLY_LABELS[metric], show(row["this_week"]), f"{change} vs {show(row['last_week'])}",
                      border=True, delta_color="off" if row["change"] == 0 else "normal")


if section == "Team headline":
    if sells(review.team):
        widgets.cards(review.team, [("revenue_qtd", "quota_quarter"), ("attainment", None), ("pace", None),
                                    ("projection", None), ("forecast_p50", None), ("forecast_p_quota", None)])
        st.plotly_chart(figures["headline"], key="review_headline")
    else:
        widgets.cards(review.team, [("sal_month", "sal_goal_month"), ("sql_month", "sql_goal_month"),
                                    ("speed_to_lead_median_h", None), ("untouched_mql", None)], per_row=4)
elif section == "This week vs last week":
    changes(review.weekly)
    st.plotly_chart(figures["weekly"], key="review_weekly")
elif section == "Who hit their goals":
    hits = review.goals_hit.reset_index()
    hits = hits.assign(rep=hits["rep"].map(review.reps[Users.Name]), goal=hits["goal"].map(lambda g: KPIS[g].label),
                       hit=hits["hit"].map({True: "✓ hit", False: "✗ not yet"}))
    widgets.table(hits[["rep", "goal", "figure", "target", "hit"]].set_axis(
        ["Rep", "Goal", "Figure", "Target", "Hit"], axis=1), "review_goals", hide_index=True, width="stretch")
elif section == "Wins of the week":
    if review.wins.empty:
        st.markdown("### No deals won this week yet.")
    else:
        st.metric("Won this week", KPIS["revenue_qtd"].format(review.wins["Amount"].sum(), currency=currency),
                  f"{len(review.wins)} deals", delta_color="off", border=True)
        widgets.records(review.wins[["rep", "Name", "Amount", "CloseDate", "Id"]], key="review_wins")
elif section == "Risks":
    st.subheader(f"Behind pace (under {BEHIND_PACE:.0%} of it): {len(review.behind_pace)}")
    widgets.table(review.behind_pace, "review_behind", hide_index=True, width="stretch",
                  column_config={Users.Name: "Rep", **widgets.column_config(
                      ["pace", "attainment", "revenue_qtd", "quota_quarter"])})
    st.subheader(f"Deals slipping out of the quarter this week: {len(review.slipping)}")
    widgets.records(review.slipping[["rep", "Name", "amount", "close_date_before", "close_date_after", "Id"]],
                    key="review_slipping")
    st.subheader(f"MQLs past the SLA this week: {len(review.sla_breaches)}")
    st.plotly_chart(figures["risks"], key="review_risks")
else:
    rep_id = review.reps.index[review.reps[Users.Name] == section][0]
    rep = review.reps.loc[rep_id]
    changes(review.rep_weekly.loc[rep_id])
    if sells(rep):
        widgets.cards(rep, [("revenue_qtd", "quota_quarter"), ("pace", None), ("forecast_p_quota", None)])
    elif qualifies(rep):
        widgets.cards(rep, [("sal_week", "sal_goal_week"), ("sql_week", "sql_goal_week"),
                            ("speed_to_lead_median_h", None)])
    st.plotly_chart(figures[rep_id], key="review_rep")

with st.expander("Take the review away: deck, workbook"):
    from kpi.deck import deck_bytes
    from kpi.workbook import workbook_bytes
    name = f"review-{review.as_of:%Y-%m-%d}"
    st.download_button("PowerPoint deck (.pptx)", lambda: deck_bytes(review, fresh, currency, figures),
                       file_name=f"{name}.pptx", key="review_pptx", icon=":material/slideshow:")
    st.download_button("Excel workbook (.xlsx)", lambda: workbook_bytes(review, facts, filters.calendar, fresh,
                                                                        currency),
                       file_name=f"{name}.xlsx", key="review_xlsx", icon=":material/table:")
