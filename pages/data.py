"""Data: import exports into the local store, see what each file gave, and where the figures come from."""

from dataclasses import replace
from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from kpi.access import policy_file, roles
from kpi.schema import TABLES
from kpi.sources import DATE_ORDERS, SourceError, gaps, mapping_for, salesforce, store_root
from kpi.sources.files import OBJECTS
from kpi.store import Store, StoreError
from ui import data, imports, signin, state, widgets

state.require_frame()
signin.require_admin()
st.title("Data")
source = data.Source.from_environment()
try:
    org = data.facts().org
except SourceError:
    org = None  # the frame already said why; importing still works

# --- Import -------------------------------------------------------------------------------------------------
st.subheader("Import Salesforce exports")
st.caption("Drop Data Loader or Data Export CSVs, report exports (CSV or .xlsx) or a .zip of them, with any "
           "file names: each file is recognised from its columns. Importing replaces rows by Id and keeps the "
           "history of every import.")
uploads = st.file_uploader("Export files", type=["csv", "xlsx", "zip"], accept_multiple_files=True,
                           key=f"uploads_{st.session_state.get('imported', 0)}")  # a new key empties it
zones = sorted(available_timezones())
left, right = st.columns(2)
zone = left.selectbox("Time zone of report date-times (the exporting user's)", zones,
                      index=zones.index(source.export_zone) if source.export_zone in zones else zones.index("UTC"),
                      key="export_zone")
orders = list(DATE_ORDERS)
order = right.selectbox("Dates like 03/11/2026 are", orders, key="date_order",
                        index=orders.index(source.date_order) if source.date_order in orders else 0,
                        format_func={"auto": "read one way per file (month first unless a date says)",
                                     "day-first": "day first (3 November)",
                                     "month-first": "month first (11 March)"}.get)
checked = imports.staged(uploads, zone, DATE_ORDERS[order])
if checked is not None:
    widgets.table(imports.file_table(checked.batch.reports), "checked_files", hide_index=True)
    problems = imports.problem_table(checked.batch.problems)
    if not problems.empty:
        st.caption(f"{len(problems)} problem{'s' if len(problems) > 1 else ''}: rows with an unreadable value are "
                   "skipped, the rest is imported.")
        widgets.table(problems, "checked_problems", hide_index=True)
    for report in [r for r in checked.batch.reports if r.object is None and r.columns]:
        with st.expander(f"Match the columns of {widgets.plain(report.file)}", expanded=True):
            obj = st.selectbox("This file holds", list(OBJECTS), key=f"object_{report.file}")
            table = OBJECTS[obj].table
            guesses = imports.suggested(table, report.columns, mapping_for(store_root()))
            choices = ["—", *report.columns]
            matches = {column: st.selectbox(f"{column}{' (needed)' if column in TABLES[table].required() else ''}",
                                            choices, index=choices.index(guesses[column] or "—"),
                                            key=f"match_{report.file}_{column}")
                       for column in TABLES[table].columns()}
            chosen = {column: name for column, name in matches.items() if name != "—"}
            lacking = [c for c in TABLES[table].required() if c not in chosen]
            if st.button("Save as mapping and check again", key=f"save_{report.file}", disabled=bool(lacking),
                         help=f"Match {', '.join(lacking)} first" if lacking else None):
                path = imports.save_mapping(obj, chosen)
                st.toast(f"Saved {path.name}")
                st.rerun()
    usable = [r for r in checked.batch.reports if r.table]
    if st.button(f"Import {len(usable)} file{'s' if len(usable) != 1 else ''} into the store", type="primary",
                 disabled=not usable, key="import"):
        record = imports.commit(checked, zone, DATE_ORDERS[order])
        st.session_state["imported"] = record.id if record else None
        st.rerun()
if st.session_state.get("imported"):
    st.success(f"Import {st.session_state['imported']} is stored; every page now shows it." if source.name == "store"
               else f"Import {st.session_state['imported']} is stored. This dashboard reads {source.label()} "
                    "(KPI_SOURCE): start it without KPI_SOURCE to see the store.")

# --- Salesforce -----------------------------------------------------------------------------------------------
st.subheader("Pull from Salesforce")
credentials = imports.credentials()
try:
    flow = credentials.flow
except salesforce.PullError as error:
    st.caption(f"Not set up: {error}.")
else:
    who = credentials.username or credentials.instance_url or credentials.domain  # never a key, secret or token
    st.caption(f"Credentials set (environment or secrets): {flow}" + (f", for {widgets.plain(who)}." if who else "."))
    test, refresh = st.columns(2)
    if test.button("Test connection", key="sf_test"):
        try:
            st.success(salesforce.check_connection(credentials))
        except salesforce.PullError as error:
            st.error(str(error))
    if refresh.button("Refresh from Salesforce", type="primary", key="sf_pull"):
        try:
            st.session_state["pulled"] = imports.refresh(credentials, state.fiscal_calendar())
            st.rerun()
        except salesforce.PullError as error:
            st.error(str(error))
if st.session_state.get("pulled"):
    st.success(st.session_state["pulled"])

# --- Who sees what --------------------------------------------------------------------------------------------
st.subheader("Who sees what")
if not signin.configured():
    st.caption("Sign-in is off (no [auth] section in .streamlit/secrets.toml): single-user mode, everything is "
               "visible. The README's \"Sign-in\" section turns it on.")
elif org is not None:
    access_file = policy_file(store_root())
    rules = signin.policy()
    allowed = st.toggle("Reps see their team's leaderboard and totals", value=rules.reps_see_leaderboard,
                        key="reps_see_leaderboard")
    if allowed != rules.reps_see_leaderboard:
        replace(rules, reps_see_leaderboard=allowed).write(access_file)
        st.toast(f"Saved in {access_file.name}")
    widgets.table(roles(data.loaded().facts, rules), "access", hide_index=True, width="stretch")
    st.caption(f"Roles come from the ManagerId hierarchy; {widgets.plain(str(access_file))} names admins and "
               "overrides (README \"Sign-in\").")

# --- What is in use -------------------------------------------------------------------------------------------
st.subheader("In use")
st.markdown(f"Source: **{source.label()}**"
            + (f" · amounts in **{org.currency}**" if org is not None and org.currency else ""))
if org is not None:
    widgets.table(pd.DataFrame({"table": list(TABLES), "rows": [len(getattr(org, name)) for name in TABLES],
                                "from": [", ".join(t.objects) for t in TABLES.values()]}), "tables", hide_index=True)
    if gaps(org):
        st.info("Not in the data: " + ", ".join(gaps(org))
                + ". Figures that need them are left empty and say so.")
    if org.problems:
        st.caption(f"{len(org.problems)} problems: rows with an unreadable value were skipped; everything else "
                   "was loaded.")
        widgets.table(imports.problem_table(org.problems), "problems", hide_index=True)
    else:
        st.success("No problem in the data in use.")
try:
    history = Store(store_root()).imports()
except StoreError as error:
    st.error(f"The local store cannot be read: {error}")
    history = []
if history:
    st.subheader("Import history")
    widgets.table(imports.history_table(history), "history", hide_index=True)
