"""Lead funnel: MQL to won for the quarter and as cohorts by MQL week and lead source, per ADR; speed to lead
against the SLA, the MQLs waiting now, and the SQLs handed to sales; the ADRs' named accounts and whether leads
are worked by the book (cadence before qualifying out, a logged touch before moving forward)."""

import streamlit as st

from kpi import cadence, charts, funnel, named_accounts, people, speed
from kpi.schema import Accounts, Leads, Users
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

named, process = data.lead_process(filters.as_of, filters.fiscal_start, filters.team)
colours = charts.rep_colours(facts.people.loc[facts.people[people.IS_REP], Users.Id])

st.subheader("Named accounts (outbound)")
if widgets.exports_for(facts, ["named_coverage"]):
    for problem in named.problems:
        st.warning(str(problem))
    mine = named.reps.loc[named.reps["named_accounts"] > 0]
    if mine.empty:
        st.info("No ADR in this selection has named accounts: add a named_accounts.csv (owner, account), set "
                "Account.Named_ADR__c, or let the ADRs own their accounts (README \"Named accounts\").")
    else:
        widgets.cards(team, [("named_accounts", None), ("named_touched_30d", None), ("named_coverage", None)])
        st.plotly_chart(charts.named_coverage(mine, colours, names, f"Named accounts touched in the {named.window.name} "
                                                                    f"to {filters.as_of:%d %b}"),
                        key="named_coverage")
        st.caption(f"Named accounts from {named.source}. A touch is a completed call or email on the account or one "
                   "of its contacts, by anyone.")
        per_adr = mine.assign(ADR=mine.index.map(names)).reset_index(drop=True)
        named_columns = ["named_accounts", "named_touched_30d", "named_coverage", "named_meetings_30d",
                         "named_opportunities_30d"]
        widgets.table(per_adr[["ADR", *named_columns]], "named_per_adr", hide_index=True, width="stretch",
                      column_config=widgets.column_config(named_columns))
        untouched = named.untouched.assign(ADR=named.untouched[named_accounts.OWNER_ID].map(names))
        st.markdown(f"**Named accounts nobody touched in the {named.window.name}** ({len(untouched)})")
        widgets.records(untouched[["ADR", Accounts.Name, named_accounts.LAST_TOUCH, named_accounts.ACCOUNT_ID,
                                   named_accounts.OWNER_ID]].sort_values(["ADR", named_accounts.LAST_TOUCH]),
                        key="named_untouched")
        with st.expander(f"The {len(named.touches)} calls, emails and meetings on named accounts"):
            widgets.records(named.touches, key="named_touches")

st.subheader("Working leads by the book")
rules = facts.definitions.lead_process
for message in process.messages:
    st.info(message)
if widgets.exports_for(facts, ["cadence_misses_qtd"]):
    work = process.reps.loc[process.reps.sum(axis=1) > 0]
    widgets.cards(team, [("cadence_misses_qtd", None)])
    st.caption(f"The cadence: at least {rules.min_touches} calls or emails over at least {rules.min_business_days} "
               f"business days before a lead is qualified out; every status move forward needs a call or email "
               f"logged in the {rules.logging_days} business days before it. {process.period.name}.")
    widgets.table(work.assign(ADR=work.index.map(names)).reset_index(drop=True)[
        ["ADR", cadence.QUALIFIED_OUT, cadence.MISSES, cadence.GAPS]], "lead_process_per_adr", hide_index=True,
        width="stretch", column_config={cadence.QUALIFIED_OUT: st.column_config.NumberColumn(
            "Qualified out", format="%d"), **widgets.column_config([cadence.MISSES, cadence.GAPS])})
    misses = process.misses.assign(ADR=process.misses[funnel.OWNER_ID].map(names))
    st.markdown(f"**Qualified out before the cadence was met** ({len(misses)}), latest first")
    widgets.records(misses.sort_values(cadence.QUALIFIED_OUT_AT, ascending=False)[
        ["ADR", Leads.Name, Leads.Company, cadence.QUALIFIED_OUT_AT, cadence.REASON, cadence.TOUCHES,
         cadence.BUSINESS_DAYS, funnel.LEAD_ID, funnel.OWNER_ID]], key="cadence_misses")
    with st.expander(f"The {len(process.touches)} calls and emails those leads got"):
        widgets.records(process.touches, key="cadence_touches")
    gaps = process.logging_gaps.assign(ADR=process.logging_gaps[funnel.OWNER_ID].map(names))
    st.markdown(f"**Moved forward with no call or email logged before** ({len(gaps)})")
    widgets.records(gaps[["ADR", Leads.Name, Leads.Company, funnel.STAGE, "reached_at", "last_touch_at",
                          funnel.LEAD_ID, funnel.OWNER_ID]], key="logging_gaps")
