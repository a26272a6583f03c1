"""Lead funnel: MQL to won for the quarter and as cohorts by MQL week and lead source, per ADR; speed to lead
against the SLA, the MQLs waiting now, and the SQLs handed to sales."""

import streamlit as st

from kpi import charts, funnel, speed
from kpi.schema import Leads, Users
from kpi.summary import deals_as_of, lead_work, qualifies
from ui import data, state, widgets

filters = state.current()
facts = data.facts()
reps, team = data.scorecard(filters.as_of, filters.fiscal_start, filters.team)
quarter = filters.calendar.quarter(filters.as_of)
qtd = quarter.through(filters.as_of)
widgets.header(f"Lead funnel · {filters.showing}", filters)
if not widgets.needs(facts, ("Lead",), "the lead funnel"):
    st.stop()
adrs = reps.loc[reps.apply(qualifies, axis=1) | (reps["mql_qtd"] > 0)]
if adrs.empty:
    st.info("Nobody in this selection qualifies leads (no MQL, SAL or SQL, and no SAL/SQL goal).")
    st.stop()
names = reps[Users.Name]
deals = deals_as_of(facts, filters.as_of)

st.subheader(f"{quarter.name} to date")
widgets.cards(team, [("mql_qtd", None), ("sal_qtd", None), ("sql_qtd", None), ("converted_qtd", None),
                     ("mql_to_sal_cohort", None), ("sal_to_sql_cohort", None)])
left, right = st.columns(2)
with left:
    by_source = funnel.funnel_cohorts(facts.stages, facts.org.leads, deals, qtd, filters.as_of,
                                      adrs.index, Leads.LeadSource)
    st.plotly_chart(charts.funnel_steps(by_source.sum(), f"The quarter's MQLs, followed to {filters.as_of:%d %b}"),
                    key="funnel_steps")
with right:
    weekly = funnel.funnel_cohorts(facts.stages, facts.org.leads, deals, qtd, filters.as_of,
                                   adrs.index, "week")
    st.plotly_chart(charts.cohort_conversion(weekly, "Cohorts by MQL week: how many reached SAL and SQL by now"),
                    key="funnel_cohorts")
st.caption("Cohorts: each MQL counts in the week it became an MQL and for the owner then; its later SAL, SQL, "
           "opportunity and won deal count with it whenever they came, so a slow week is not undercounted.")
steps = list(funnel.FUNNEL_STEPS)
widgets.table(by_source.assign(**{f"{s}_rate": by_source[s] / by_source["mql"] for s in steps[1:]}),
              "by_source", width="stretch",
              column_config={f"{s}_rate": st.column_config.NumberColumn(f"MQL → {s}", format="percent")
                             for s in steps[1:]})

st.subheader("Per ADR")
columns = ["mql_qtd", "sal_qtd", "sql_qtd", "converted_qtd", "mql_to_sal_cohort", "sal_to_sql_cohort",
           "speed_to_lead_median_h", "speed_to_lead_p90_h", "sla_breaches_qtd", "untouched_mql"]
widgets.table(adrs[[Users.Name, *columns]], "per_adr", hide_index=True, width="stretch",
              column_config={Users.Name: "ADR", **widgets.column_config(columns)})

st.subheader("Speed to lead")
if widgets.exports_for(facts, ["speed_to_lead_median_h"]):
    widgets.cards(team, [("speed_to_lead_median_h", None), ("speed_to_lead_p90_h", None),
                         ("sla_breaches_qtd", None), ("untouched_mql", None)], per_row=4)
    speeds, untouched = lead_work(facts, filters.as_of, filters.calendar, adrs.index)
    sla = facts.definitions.speed.sla_hours
    breaches = speeds.loc[speeds[speed.BREACH]].assign(ADR=lambda f: f[funnel.OWNER_ID].map(names))
    st.markdown(f"**MQLs worked later than the SLA ({sla:g} business hour{'s' if sla != 1 else ''})**, "
                f"{len(breaches)} this quarter; untouched ones with their age so far")
    widgets.records(breaches[["ADR", funnel.LEAD_ID, speed.MQL_AT, speed.FIRST_TOUCH_AT, speed.HOURS,
                              speed.AGE_HOURS, funnel.OWNER_ID]].sort_values(speed.MQL_AT, ascending=False),
                    key="breaches")
    st.markdown(f"**Untouched MQLs now**, oldest first ({len(untouched)})")
    widgets.records(untouched.assign(ADR=untouched[funnel.OWNER_ID].map(names)).sort_values(
        speed.AGE_HOURS, ascending=False)[["ADR", funnel.LEAD_ID, speed.MQL_AT, speed.AGE_HOURS, funnel.OWNER_ID]],
        key="untouched")

st.subheader("Hand-offs to sales")
sent = funnel.handoffs(facts.stages, facts.org.leads, deals, qtd, adrs.index)
received = sent.assign(ADR=sent[funnel.OWNER_ID].map(names),
                       **{"Received by": sent[funnel.RECEIVER].map(facts.people.set_index(Users.Id)[Users.Name])})
summary = received.groupby(["ADR", "Received by"], dropna=False).agg(
    SQLs=(funnel.LEAD_ID, "size"), opportunities=(funnel.OPPORTUNITY, "count"), amount=("Amount", "sum"))
widgets.table(summary.reset_index().fillna({"Received by": "(no opportunity yet)"}), "handoffs", hide_index=True,
              width="stretch")
with st.expander(f"The {len(sent)} SQLs behind this"):
    widgets.records(received.drop(columns=[funnel.RECEIVER]).sort_values(funnel.DAY), key="handoff_records")
