"""Partners: recruiting against the quarter's goal, certification against its deadline, and the business the
partners source (DESIGN.md "Partners and customers"); every figure from kpi.summary.partner_view (ui.data.accounts)."""

import pandas as pd
import streamlit as st

from kpi import charts, partners, people
from kpi.periods import last_quarters
from kpi.registry import KPIS
from kpi.schema import Accounts, Opportunities, Users
from ui import data, state, widgets

A, O = Accounts, Opportunities
QUARTERS_SHOWN = 5  # the current fiscal quarter and the four before it


def named(frame: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """The rows with their owner's name (`names`: name by user id)."""
    return frame.assign(Owner=frame[A.OwnerId].map(names))


filters = state.current()
facts = data.facts()
reps, _ = data.scorecard(filters.as_of, filters.fiscal_start, filters.team)
widgets.header(f"Partners · {filters.showing}", filters)
if not widgets.needs(facts, ("Account",), "partners: recruiting, certification and the business they source"):
    st.stop()
rules = facts.definitions.partners
gaps = partners.gaps(facts.org.accounts, rules)
for gap in gaps:
    st.info(gap + " (README \"Partners, customers and settings\").")
if gaps and not facts.org.accounts[Accounts.Type].isin(rules.types).any():
    st.stop()

view, _ = data.accounts(filters.as_of, filters.fiscal_start, filters.team)
table = view.partners
names = facts.people.set_index(Users.Id)[Users.Name]
colours = charts.rep_colours(facts.people.loc[facts.people[people.IS_REP], Users.Id])
figures = pd.Series(view.figures)
currency = facts.org.currency
days = st.column_config.NumberColumn
when = st.column_config.DateColumn

st.subheader("Recruiting and certification")
widgets.cards(figures, [("recruited_qtd", "recruited_goal_quarter"), ("certified_qtd", None),
                        ("overdue_certification", None), ("median_days_to_certify", None)], per_row=4)
if table.empty:
    st.info("Nobody in this selection owns a partner account.")
quarters = last_quarters(filters.calendar, filters.as_of, QUARTERS_SHOWN)
recruited = partners.recruited_by_quarter(table, quarters)
st.plotly_chart(charts.partners_recruited(
    recruited, colours, names, view.figures["recruited_goal_quarter"],
    f"Partners recruited per quarter, {quarters[0].name} – {quarters[-1].name} (to {filters.as_of:%d %b})"),
    key="partners_recruited")

waiting = named(table.loc[table[partners.CERTIFIED].isna()], names).sort_values(
    [partners.OVERDUE, partners.AGE], ascending=False)
st.markdown(f"**Not yet certified**, overdue first ({len(waiting)}; the deadline is {rules.deadline_days} days "
            "after recruiting)")
widgets.table(waiting[[A.Name, "Owner", A.Type, partners.RECRUITED, partners.AGE, partners.OVERDUE, A.Id]],
              "partners_to_certify", hide_index=True, width="stretch",
              column_config={A.Name: "Partner", partners.RECRUITED: when("Recruited"),
                             partners.AGE: days("Days since recruited", format="%d"),
                             partners.OVERDUE: st.column_config.CheckboxColumn("Overdue"), A.Id: "Account id"})
done = named(table.loc[table[partners.CERTIFIED].notna()], names).sort_values(partners.CERTIFIED, ascending=False)
st.markdown(f"**Certified: time to certify** ({len(done)})")
if done.empty:
    st.caption("No partner in this selection is certified on the as-of date.")
else:
    widgets.table(done[[A.Name, "Owner", A.Type, partners.RECRUITED, partners.CERTIFIED, partners.DAYS_TO_CERTIFY]],
                  "partners_certified", hide_index=True, width="stretch",
                  column_config={A.Name: "Partner", partners.RECRUITED: when("Recruited"),
                                 partners.CERTIFIED: when("Certified"),
                                 partners.DAYS_TO_CERTIFY: days("Days to certify", format="%d")})

st.subheader("Partner-sourced business")
widgets.cards(figures, [("sourced_pipeline", None), ("sourced_won_qtd", None), ("quiet", None)])
theirs = partners.sourced_by(view.sourced, reps.index)
st.plotly_chart(charts.partner_sourced_by_quarter(
    partners.sourced_by_quarter(view.sourced, reps.index, quarters),
    f"Partner-sourced pipeline created and won per quarter (to {filters.as_of:%d %b})", currency),
    key="partner_sourced_quarters")
st.caption(f"Deals the selection's reps own, as they stood on the as-of date. {len(theirs)} partner-sourced deals, "
           f"{int(theirs[partners.PARTNER].isna().sum())} of them '{rules.referral_source}' leads naming no partner "
           "(counted in the totals, not per partner).")
sourcing = named(table, names).sort_values(["sourced_pipeline", "sourced_won_qtd"], ascending=False)
st.markdown("**Per partner**")
money = {"sourced_pipeline": "Pipeline", "sourced_won_qtd": "Won QTD"}
widgets.table(sourcing[[A.Name, "Owner", *money, "first_deal", "days_to_first_deal", "last_deal", "quiet"]],
              "partner_sourcing", hide_index=True, width="stretch",
              column_config={A.Name: st.column_config.TextColumn("Partner", width="medium"),
                             **{k: days(f"{label} ({currency or 'USD'})", help=KPIS[k].tooltip(), format="localized")
                                for k, label in money.items()},
                             "first_deal": when("First deal"),
                             "days_to_first_deal": days("Days to 1st deal", format="%d",
                                                        help="Days from certification to the partner's first sourced "
                                                             "deal; negative: the deal came first"),
                             "last_deal": when("Last deal"), "quiet": st.column_config.CheckboxColumn("Quiet")})
quiet = named(table.loc[table["quiet"]], names)
st.markdown(f"**Quiet partners**: certified, no deal sourced in the last {rules.quiet_days} days ({len(quiet)})")
widgets.table(quiet[[A.Name, "Owner", partners.CERTIFIED, "last_deal", A.Id]], "partners_quiet", hide_index=True,
              width="stretch", column_config={A.Name: "Partner", partners.CERTIFIED: when("Certified"),
                                              "last_deal": when("Last sourced deal"), A.Id: "Account id"})
with st.expander("How partners are counted"):
    st.markdown(partners.RULE)
