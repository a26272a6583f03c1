"""Sales KPI dashboard: the frame every page runs in (navigation, global filters, data status). No KPI maths."""

import streamlit as st

from kpi.sources import SourceError
from ui import data, state, widgets

st.set_page_config(page_title="Sales KPI dashboard", page_icon=":material/monitoring:", layout="wide")

# Navigation first: it shows at once, while a first load of the data may still take seconds.
navigation = st.navigation([
    st.Page("pages/team.py", title="Team", icon=":material/groups:", default=True),
    st.Page("pages/rep.py", title="Rep", icon=":material/person:"),
    st.Page("pages/pipeline.py", title="Pipeline", icon=":material/trending_up:"),
    st.Page("pages/funnel.py", title="Lead funnel", icon=":material/filter_alt:"),
    st.Page("pages/review.py", title="Weekly review", icon=":material/co_present:"),
    st.Page("pages/glossary.py", title="Glossary", icon=":material/menu_book:"),
    st.Page("pages/data.py", title="Data", icon=":material/folder_open:"),
])
try:
    use = data.loaded()
except SourceError as error:
    st.error(f"The data source cannot be read: {error}. Import exports on the Data page, or set KPI_SOURCE to "
             "'sample', 'store' or a folder of exports.")
    if navigation.title != "Data":  # the Data page can still import
        st.stop()
    navigation.run()
    st.stop()
state.sidebar(use.facts)
widgets.data_status(use.facts, use.notice)
navigation.run()
