"""Data: where the figures come from, what each file gave, what is missing and what was wrong."""

import pandas as pd
import streamlit as st

from kpi.schema import TABLES
from ui import data, state

state.require_frame()
facts = data.facts()
org = facts.org
st.title("Data")
st.markdown(f"Source: **{data.Source.from_environment().label()}**")
st.dataframe(pd.DataFrame({"table": list(TABLES), "rows": [len(getattr(org, name)) for name in TABLES],
                           "from": [", ".join(f"{o}.csv" for o in t.objects) for t in TABLES.values()]}),
             hide_index=True, key="tables")
if org.missing:
    st.info("Not in the source: " + ", ".join(f"{name}.csv" for name in org.missing)
            + ". Figures that need them are left empty and say so.")
if org.problems:
    st.subheader(f"{len(org.problems)} problems")
    st.caption("Rows with an unreadable value were skipped; everything else was loaded.")
    st.dataframe(pd.DataFrame([{"file": p.file, "row": p.row, "column": p.column, "problem": p.message}
                               for p in org.problems]), hide_index=True, key="problems")
else:
    st.success("Every file read without a problem.")
