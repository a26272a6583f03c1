"""Plan: the quarter's business plan per team and rep against what it delivered (pace, projection and the records
behind each actual), the four quarters before it, new reps against their role's ramp curve, and the plan itself:
its versions, edited here by managers. Every figure from kpi.summary.plan_view and ramp_view (ui.data.plan)."""

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from kpi import charts, people, plan, plans, ramp
from kpi.channels import CHANNEL, CHANNELS
from kpi.periods import elapsed_share
from kpi.registry import KPIS
from kpi.schema import QUARTER_NAME, GoalPeriod, Metric, Users
from kpi.summary import plan_records
from ui import data, state, widgets

LINE = "label"
# Which ramp figures each kind of rep is shown: qualifiers (ADRs) by their SALs and SQLs, sellers by their deals.
QUALIFIER_FIGURES, SELLER_FIGURES = ("activities", "sal", "sql"), ("activities", "pipeline_created", "won")
FIGURE_LABELS = {"activities": "Activities", "sal": "SALs", "sql": "SQLs", "pipeline_created": "Pipeline created",
                 "won": "Closed-won"}
NONE = "—"  # what an empty cell shows, as everywhere else in the app


def in_whole_percents(table: pd.DataFrame) -> Styler:
    """The table as shown: its attainment and pace as the registry writes them (64%, or — when empty), like the
    cards and charts; sorting and the CSV keep the numbers. (A percent column's own format shows two decimals, or
    cuts them off: 51.7% would read 51%.)"""
    rates = {plan.ATTAINMENT: KPIS["attainment"].format, plan.PACE: KPIS["pace"].format}
    return table.style.format({c: f for c, f in rates.items() if c in table.columns})


def rate(label: str, help: str | None = None) -> st.column_config.NumberColumn:
    """A rate column: no format of its own, so in_whole_percents' text is what it shows."""
    return st.column_config.NumberColumn(label, help=help)


def whole(label: str) -> st.column_config.NumberColumn:
    return st.column_config.NumberColumn(label, format="%d")


def shown_value(metric: str, value: float, currency: str | None) -> str:
    """A plan line's plan or actual as read: money for revenue and pipeline, else a count."""
    return KPIS["revenue_qtd" if metric in plan.AMOUNTS else "plan_quarter"].format(value, compact=True,
                                                                                     currency=currency)


def by_day(records: pd.DataFrame) -> pd.DataFrame:
    """Records with each date-time column as its day: the records behind a line are dated by the day."""
    return records.assign(**{c: records[c].astype("date32[pyarrow]")
                             for c in records.select_dtypes("datetime").columns})


def readable(lines: pd.DataFrame, currency: str | None) -> pd.DataFrame:
    """`plan.lines` as the page shows them: a line label, plan and actual as text, rates as numbers."""
    metric = lines[plan.METRIC]
    return lines.assign(**{
        LINE: [plan.label(m, c) for m, c in zip(metric, lines[CHANNEL])],
        "Plan": [shown_value(m, v, currency) for m, v in zip(metric, lines[plan.PLAN])],
        "Actual": [shown_value(m, v, currency) for m, v in zip(metric, lines[plan.ACTUAL])],
        "Projection": [shown_value(m, v, currency) for m, v in zip(metric, lines[plan.PROJECTION])]})


filters = state.current()
facts = data.facts()
who = data.viewer()
widgets.header(f"Plan · {filters.showing}", filters)
views, ramped = data.plan(filters.as_of, filters.fiscal_start, filters.team)
current = views[-1]
currency = facts.org.currency
names = facts.people.set_index(Users.Id)[Users.Name]

for gap in plan.gaps(facts.org.goals, people.teams(facts.people)):
    st.warning(gap)

# Plan against actual, this quarter -----------------------------------------------------------------------------
st.subheader(f"{current.quarter.name}: plan against actual")
# A line with neither a plan nor anything delivered (an ADR team's revenue) says nothing: left out.
teams = readable(current.teams, currency).pipe(lambda t: t.loc[t[plan.PLAN].notna() | t[plan.ACTUAL].ne(0)])
planned = teams.dropna(subset=[plan.PLAN])
if planned.empty:
    st.info(f"No plan is set for {current.quarter.name}: add quarter rows to the plan below (or to the goals "
            "file: python -m kpi goals import FILE).")
gone = elapsed_share(current.quarter, filters.as_of)
for team, rows in planned.groupby(plan.TEAM, sort=True):
    rows = rows.assign(text=[f"{a} of {p} · {r:.0%}" for a, p, r in zip(rows["Actual"], rows["Plan"],
                                                                        rows[plan.ATTAINMENT])])
    st.plotly_chart(charts.plan_attainment(
        rows, gone, f"{team}: attainment of plan, {current.quarter.name} to {filters.as_of:%d %b} "
                    f"(dashed: {gone:.0%} of the quarter gone)"), key=f"plan_attainment_{team}")
table = teams[[plan.TEAM, LINE, "Plan", "Actual", plan.ATTAINMENT, plan.PACE, "Projection"]]
widgets.table(table, "plan_lines", in_whole_percents(table), hide_index=True, width="stretch", placeholder=NONE,
              column_config={
                  plan.TEAM: "Team", LINE: "Line", "Actual": "Actual QTD",
                  plan.ATTAINMENT: rate(KPIS["attainment"].label, plan.RULE),
                  plan.PACE: rate(KPIS["pace"].label, "attainment / share of the quarter's business days gone: under "
                                                      "100% is behind"),
                  "Projection": st.column_config.TextColumn("Projection", help="actual / share of the quarter gone")})

# The quarters before ----------------------------------------------------------------------------------------
st.subheader("This quarter and the four before it")
history = pd.concat({v.quarter.name: readable(v.teams, currency) for v in views}, names=["quarter"]).reset_index(0)
history = history.loc[history[plan.PLAN].notna() | history[plan.ACTUAL].fillna(0).ne(0)]
names_in_order = [v.quarter.name for v in views]
if history[plan.ATTAINMENT].isna().all():
    st.caption("No quarter of these five has a plan.")
for team, rows in history.dropna(subset=[plan.PLAN]).groupby(plan.TEAM):
    # Coloured by pace, so the quarter under way is judged by the share of it gone (a past quarter's pace is its
    # attainment); the text says the attainment, and for the quarter under way its pace too, on a second line (a
    # cell is narrow on a projector).
    under_way = rows["quarter"].eq(current.quarter.name)
    partial = rows["quarter"].isin([v.quarter.name for v in views if v.partial_from is not None])
    cells = rows.assign(cell=[
        "no data" if pd.isna(a) else "" if pd.isna(r) else
        (f"{r:.0%}<br>pace {p:.0%}" if now else f"{r:.0%}") + (" *" if part else "")
        for r, a, p, now, part in zip(rows[plan.ATTAINMENT], rows[plan.ACTUAL], rows[plan.PACE], under_way, partial)])
    order = [line for line in (plan.label(*key) for key in plan.LINES) if line in set(rows[LINE])]
    quarters = [q for q in names_in_order if q in set(rows["quarter"])]
    grid = {name: cells.pivot(index=LINE, columns="quarter", values=name).reindex(index=order, columns=quarters)
            for name in (plan.PACE, "cell")}
    st.plotly_chart(charts.plan_history(grid[plan.PACE], grid["cell"].fillna(""),
                                        f"{team}: attainment of plan per quarter (colour: pace)"),
                    key=f"plan_history_{team}")
for view in (v for v in views if v.partial_from is not None):
    st.caption(f"\\* {view.quarter.name}: the data begins on {view.partial_from:%d %b %Y}, inside the quarter; its "
               "actuals count from that day only.")
by_quarter = history[["quarter", plan.TEAM, LINE, "Plan", "Actual", plan.ATTAINMENT]]
widgets.table(by_quarter, "plan_history", in_whole_percents(by_quarter), hide_index=True, width="stretch",
              placeholder=NONE, column_config={
                  "quarter": "Quarter", plan.TEAM: "Team", LINE: "Line", "Actual": "Actual (to the as-of date)",
                  plan.ATTAINMENT: rate(KPIS["attainment"].label)})

# Per rep, and the records behind an actual ----------------------------------------------------------------
st.subheader("Per rep, with the records behind each actual")
left, right = st.columns(2)
by_name = {v.quarter.name: v for v in views}
chosen = by_name[left.selectbox("Quarter", list(reversed(by_name)), key="plan_quarter")]
keys = dict(zip(plan.KEYS, plan.LINES))
metric, channel = keys[right.selectbox("Line", list(keys), format_func=lambda k: plan.label(*keys[k]),
                                       key="plan_line")]
reps = readable(chosen.reps, currency)
line_reps = reps.loc[reps[plan.METRIC].eq(metric) & (reps[CHANNEL].isna() if channel is None
                                                     else reps[CHANNEL].eq(channel))]
line_reps = line_reps.assign(Rep=line_reps[plan.TEAM].map(names), Team=line_reps[plan.TEAM].map(
    people.teams_of(facts.people)))
line_reps = line_reps[["Rep", "Team", "Plan", "Actual", plan.ATTAINMENT, plan.PACE]]
widgets.table(line_reps, "plan_reps", in_whole_percents(line_reps), hide_index=True, width="stretch",
              placeholder=NONE, column_config={
                  plan.ATTAINMENT: rate(KPIS["attainment"].label), plan.PACE: rate(KPIS["pace"].label)})
behind = plan_records(facts, chosen, metric, channel, chosen.reps[plan.TEAM].unique())
st.markdown(f"**Records behind the actual**, {chosen.window.start:%d %b} – {chosen.window.end:%d %b %Y} "
            f"({len(behind)}; total {shown_value(metric, behind[plan.VALUE].sum(), currency)})")
behind = behind.assign(Owner=behind[plan.OWNER].map(names)).drop(columns=[plan.OWNER, plan.VALUE])
widgets.records(by_day(behind), "plan_records")

# New reps against the ramp curve ------------------------------------------------------------------------------
st.subheader("New-rep ramp")
rules = facts.definitions.ramp
for gap in ramp.gaps(facts.org.users, rules):
    st.info(gap)
status = ramped.status.assign(Rep=names.reindex(ramped.status.index).to_numpy(),
                              Role=facts.people.set_index(Users.Id)[people.ROLE].reindex(ramped.status.index),
                              hired=ramped.hire)
new = status.loc[status["ramping"]].join(ramped.firsts)
st.caption(f"Ramping: tenure months 0 to {rules.months - 1} from the hire day ({rules.hire_date_field}). The team "
           "curve is the median, per tenure month, of this selection's reps of the same role who had that whole "
           f"month inside the data (from {ramped.data_start:%d %b %Y}).")
if new.empty:
    st.caption("Nobody in this selection is ramping.")
colours = charts.rep_colours(facts.people.loc[facts.people[people.IS_REP], Users.Id])
for role, members in new.groupby("Role", sort=True):
    curve = ramped.curve.loc[ramped.curve[people.ROLE].eq(role)]
    theirs = ramped.monthly.loc[ramped.monthly[ramp.OWNER].isin(members.index)]
    qualifier = (ramped.monthly.loc[ramped.monthly[ramp.OWNER].isin(
        status.index[status["Role"].eq(role)]), ["sal", "sql"]].to_numpy().sum() > 0)
    options = QUALIFIER_FIGURES if qualifier else SELLER_FIGURES
    figure = st.segmented_control(f"{role}: figure", options, default=options[-1], format_func=FIGURE_LABELS.get,
                                  key=f"ramp_figure_{role}") or options[-1]
    st.plotly_chart(charts.ramp_curves(curve, theirs, figure, colours, names,
                                       f"{role}: {FIGURE_LABELS[figure]} per tenure month", FIGURE_LABELS[figure],
                                       rules.months, currency), key=f"ramp_{role}")
widgets.table(new[["Rep", "Role", "hired", "tenure_months", ramp.DAYS_TO_FIRST_SQL, ramp.DAYS_TO_FIRST_WIN]],
              "ramping_reps", hide_index=True, width="stretch", placeholder=NONE, column_config={
                  "hired": st.column_config.DateColumn("Hired"), "tenure_months": whole(KPIS["tenure_months"].label),
                  ramp.DAYS_TO_FIRST_SQL: whole("Days to first SQL"),
                  ramp.DAYS_TO_FIRST_WIN: whole("Days to first win")})

# The plan itself: its versions, and the editor ----------------------------------------------------------------
st.subheader("The plan")
use = data.loaded()
saved = data.plan_versions()
in_force = next((v for v in saved if v.number == use.plan), None)
if use.source.goals:
    st.caption(f"The goals file {widgets.plain(use.source.goals)} (KPI_GOALS) is in force; plans saved here are "
               "kept but not used while it is set.")
elif in_force:
    st.caption(f"In force: version {in_force.number}, saved {in_force.saved_at} by {widgets.plain(in_force.saved_by)}"
               + (f" ({widgets.plain(in_force.note)})" if in_force.note else "") + ".")
else:
    st.caption("In force: the source's goals file (no plan saved here yet).")
if saved:
    history_table = pd.DataFrame([vars(v) for v in reversed(saved)])
    history_table = history_table.assign(based_on=[f"version {n}" if n else "the goals file"
                                                   for n in history_table["based_on"]])
    widgets.table(history_table, "plan_versions", hide_index=True, width="stretch", placeholder=NONE, column_config={
        "number": whole("Version"), "saved_at": "Saved (UTC)", "saved_by": "By", "based_on": "Edited from",
        "note": "Note", "rows": whole("Rows")})

# The whole org's goals in force, not the viewer's share of them: a manager's save keeps every row she cannot see.
goals = use.facts.org.goals.reindex(columns=plans.COLUMNS)
THIS_QUARTER, EVERY_ROW = f"{current.quarter.name} plan", "Every goal row"
with st.expander("Edit the plan", expanded="plan_saved" in st.session_state):
    if "plan_saved" in st.session_state:
        st.success(st.session_state.pop("plan_saved"))
    editing_from = st.session_state.setdefault("plan_based_on", use.plan)
    fresh = editing_from == use.plan
    if not fresh:  # someone saved while this editor was open: start again from theirs
        st.warning(f"Version {use.plan} of the plan was saved while you were editing version {editing_from}: "
                   "the table now shows it, without your unsaved changes.")
        st.session_state["plan_based_on"] = use.plan
    rows_shown = st.radio("Rows", [THIS_QUARTER, EVERY_ROW], horizontal=True, key="plan_rows",
                          help="The quarter's plan: its rows (quarter column) only. Every goal row: also the "
                               "every-quarter rows and the day, week and month goals.")
    # Rows this viewer may change and chose to see; the others are saved back as they are.
    shown = plans.editable(goals, facts.people, who.sees, facts.whole_teams) & (
        goals["quarter"].eq(current.quarter.name).fillna(False) if rows_shown == THIS_QUARTER else True)
    st.caption("One row per target: owner (a user's Id or email, a role, *, or team:<team> for a team's own line), "
               "metric, period (a plan line is a quarter row), target, channel (revenue only) and the fiscal quarter "
               "it holds in (empty: every quarter)."
               + ("" if who.sees is None else " You change the lines of the teams you see whole and your reps' "
                                              "rows; role and * rows are an admin's."))
    rows = goals.loc[shown].reset_index(drop=True)
    edited = st.data_editor(
        rows.set_axis(range(1, len(rows) + 1)), key=f"plan_editor_{use.plan}", num_rows="dynamic", width="stretch",
        placeholder=NONE, hide_index=False, column_config={  # the row numbers the error messages give
            "_index": st.column_config.NumberColumn("Row", format="%d", disabled=True),
            "owner": st.column_config.TextColumn("Owner", required=True),
            "metric": st.column_config.SelectboxColumn("Metric", options=[m.value for m in Metric], required=True),
            "period": st.column_config.SelectboxColumn("Period", options=[p.value for p in GoalPeriod],
                                                       required=True, default="quarter"),
            "target": st.column_config.NumberColumn("Target", min_value=0, required=True),
            "channel": st.column_config.SelectboxColumn("Channel", options=CHANNELS),
            "quarter": st.column_config.TextColumn("Quarter", default=current.quarter.name, validate=QUARTER_NAME)})
    note = st.text_input("Why (shown in the history)", key="plan_note")
    if st.button("Save as a new version", type="primary", key="plan_save", icon=":material/save:") and fresh:
        try:
            version = data.save_plan(plans.edit(goals, edited, shown, facts.people, who.sees, facts.whole_teams),
                                     who.email or "single user", use.plan, note)
        except plans.PlanError as error:
            st.error("Nothing was saved:\n\n" + "\n".join(f"- {widgets.plain(p)}" for p in error.problems))
        except plans.PlanConflict as error:
            st.error(str(error))
        else:
            st.session_state["plan_based_on"] = version.number  # (what the editor shows once the page reloads)
            st.session_state["plan_saved"] = f"Saved as version {version.number}: it is the plan in force now."
            st.rerun()
