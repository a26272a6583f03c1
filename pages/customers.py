"""Customers: new customers watched for 12 months against the ramp earlier customers took, and retention
(renewals due, won and lost, churn) per owner with the deals behind each number (DESIGN.md "Partners and
customers"); every figure from kpi.summary.customer_view (ui.data.accounts)."""

import numpy as np
import pandas as pd
import streamlit as st

from kpi import charts, customers
from kpi.registry import KPIS
from kpi.schema import Accounts, Opportunities, Users
from ui import data, state, widgets

A, O = Accounts, Opportunities
# The retention table's columns and the summary figures they add up to (labels and help from the registry).
RETENTION = {"due": ("Due", "renewals_due_quarter"), "won": ("Won", "renewals_won_qtd"),
             "lost": ("Lost", "renewals_lost_qtd"), "churned": ("Churned", "churned_qtd"),
             "gross_renewal_rate": ("Renewal rate", "gross_renewal_rate")}


def days_only(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """A date column shown as days (2026-10-04, not 2026-10-04 00:00:00) in a record list."""
    return frame.assign(**{column: frame[column].dt.strftime("%Y-%m-%d")})


filters = state.current()
facts = data.facts()
quarter = filters.calendar.quarter(filters.as_of)
widgets.header(f"Customers · {filters.showing}", filters)
if not widgets.needs(facts, ("Opportunity",), "customers: new customers and renewals"):
    st.stop()
for gap in customers.gaps(facts.org.opportunities, facts.definitions.customers):
    st.info(gap + " (README \"Partners, customers and settings\").")
_, view = data.accounts(filters.as_of, filters.fiscal_start, filters.team)
figures = pd.Series(view.figures)
names = facts.people.set_index(Users.Id)[Users.Name]
currency = facts.org.currency or "USD"
money = st.column_config.NumberColumn
when = st.column_config.DateColumn
if not facts.org.has("Account"):
    st.caption("Without the Account export customers are named by their deals' accounts' ids only; add Account.csv "
               "for their names.")

st.subheader("New customers (first deal in the last 12 months)")
widgets.cards(figures, [("new_12m", None), ("underperforming", None)], per_row=3)
st.plotly_chart(charts.customer_cohorts(
    view.cohorts, view.ramp, "New customers by month of first deal: average bookings to date per customer", currency),
    key="customer_cohorts")
st.caption("Each line is the customers whose first deal closed that month, as far as they have come; the dashed "
           "line is the expected ramp: the median of what earlier customers of the same teams had booked by each "
           "month.")
new = view.new.assign(Owner=view.new[A.OwnerId].map(names)).sort_values(
    ["underperforming", "share_of_expected", customers.FIRST_DEAL], ascending=[False, True, True])
st.markdown(f"**New customers**, those to help first ({int(new['underperforming'].sum())} of {len(new)})")
widgets.table(new.reset_index()[[A.Name, "Owner", customers.FIRST_DEAL, customers.AGE, "booked", *customers.KINDS,
                                 "expected", "share_of_expected", "last_activity", "why", A.Id]],
              "new_customers", hide_index=True, width="stretch",
              column_config={A.Name: "Customer", customers.FIRST_DEAL: when("First deal"),
                             customers.AGE: money("Months", format="%d", help="Whole months since the first deal"),
                             "booked": money("Booked", format="localized",
                                             help=f"Won Amount so far ({currency}): new business, upsell, renewals"),
                             **{kind: money(kind.capitalize(), format="localized", help=f"Won {kind} so far")
                                for kind in customers.KINDS},
                             "expected": money("Expected", format="localized",
                                               help=f"The expected ramp at the customer's age ({currency})"),
                             "share_of_expected": money("Share", format="percent", help="Booked / expected"),
                             "last_activity": when("Last activity"), "why": "Why",
                             A.Id: "Account id"})

st.subheader(f"Retention, {quarter.name}")
widgets.cards(figures, [("renewals_due_quarter", None), ("renewals_won_qtd", None), ("renewals_lost_qtd", None),
                        ("gross_renewal_rate", None), ("churned_qtd", None)])
retention = view.retention.assign(Owner=view.retention.index.map(names)).sort_values("Owner")
widgets.table(retention[["Owner", *RETENTION, "won_amount", "lost_amount"]], "retention", hide_index=True,
              width="stretch",
              column_config={**{column: money(label, help=f"{KPIS[key].label}: {KPIS[key].tooltip()}",
                                              format="percent" if key == "gross_renewal_rate" else "%d")
                                for column, (label, key) in RETENTION.items()},
                             "won_amount": money(f"Won ({currency})", format="localized", help="Won renewal Amount"),
                             "lost_amount": money(f"Lost ({currency})", format="localized",
                                                  help="Lost renewal Amount")})
renewals = view.renewals.assign(
    Owner=view.renewals[O.OwnerId].map(names),
    status=np.where(view.renewals[O.IsWon], "won", np.where(view.renewals[O.IsClosed], "lost", "open")))
st.markdown(f"**Renewals due in {quarter.name}** ({len(renewals)}), by close date")
widgets.records(renewals[[O.Id, O.Name, "Owner", "status", O.Amount, O.CloseDate, O.AccountId, O.OwnerId]]
                .sort_values(O.CloseDate).pipe(days_only, O.CloseDate), key="renewals_due")
churned = view.churned.assign(Owner=view.churned[O.OwnerId].map(names))
st.markdown(f"**Churned customers, {quarter.name} to date** ({len(churned)}): a renewal lost and none won")
widgets.records(churned[[O.AccountId, O.Name, "Owner", O.Amount, O.CloseDate, O.Id, O.OwnerId]]
                .pipe(days_only, O.CloseDate), key="churned")
if len(view.former):
    st.markdown(f"**Accounts typed as former customers** ({len(view.former)}; not in the churn count, which "
                "counts lost renewals)")
    widgets.records(view.former.assign(Owner=view.former[A.OwnerId].map(names)), key="former_customers")
with st.expander("How customers and renewals are counted"):
    st.markdown(customers.RULE)
