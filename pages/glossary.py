"""Glossary: every KPI's definition, generated from the registry."""

import streamlit as st

from kpi.registry import ENTRIES, Family
from ui import state

state.require_frame()
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
