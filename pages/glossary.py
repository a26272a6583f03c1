"""Glossary: every KPI's definition, generated from the registry."""

import streamlit as st

from kpi import (access, cadence, campaigns, channels, customers, forecast, named_accounts, partners, pipeline, plan,
                 ramp)
from kpi.registry import ENTRIES, Family
from ui import data, state

state.require_frame()
rules = data.facts().definitions  # the settings in force: the channel and ramp rules say them
st.title("Glossary")
st.caption("Every number in the dashboard, the command line and the exports is defined here, once.")
search = st.text_input("Find a metric", placeholder="e.g. coverage, SAL, pace").strip().lower()
for family in Family:
    entries = [k for k in ENTRIES if k.family is family
               and (not search or search in f"{k.name} {k.label} {k.help} {k.formula}".lower())]
    if not entries:
        continue
    st.header(family.value)
    for kpi in entries:
        st.markdown(f"#### {kpi.label}  \n`{kpi.name}` · {kpi.unit.value} · {kpi.grain.value} · {kpi.direction.value}")
        st.markdown(kpi.help)
        st.markdown(f"**Formula:** {kpi.formula}")

METHODS = {"Deals as they stood": pipeline.STATE_RULE, "Last week to this week (waterfall)": pipeline.WATERFALL_RULE,
           "Forecast simulation": forecast.METHOD, "Win rate by stage": forecast.WIN_RATE_RULE,
           "Close-date slip rate": forecast.SLIP_RULE, "Run-rate of deals not yet created": forecast.RUN_RATE_RULE,
           "Who sees what": access.ROLE_RULE, "Whose records a viewer's figures use": access.SCOPE_RULE,
           "Partners": partners.RULE, "Customers and retention": customers.RULE,
           "Sales channel": channels.rule(rules.channels), "Quarterly plan": plan.RULE,
           "New-rep ramp": ramp.rule(rules.ramp),
           "Campaigns and events": campaigns.rule(rules.campaigns, rules.speed.sla_hours),
           "Named accounts": named_accounts.rule(rules.named_accounts),
           "Working leads by the book": cadence.rule(rules.lead_process)}
shown = {title: text for title, text in METHODS.items() if not search or search in f"{title} {text}".lower()}
if shown:
    st.header("Methods")
    for title, text in shown.items():
        st.markdown(f"#### {title}")
        st.markdown(text)
