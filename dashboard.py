"""Sales KPI dashboard: the frame every page runs in (sign-in, navigation, global filters, data status). No KPI
maths, and no decision on who sees what (kpi.access makes it; ui.signin asks it)."""

import streamlit as st

from kpi.sources import SourceError
from ui import data, signin, state, widgets

st.set_page_config(page_title="Sales KPI dashboard", page_icon=":material/monitoring:", layout="wide")

email = signin.email()  # None: single-user mode; with sign-in on and nobody signed in, the sign-in page
# In single-user mode the navigation comes first: it shows at once, while a first load may still take seconds.
navigation = signin.navigation(signin.SINGLE_USER) if email is None else None
try:
    use = data.loaded()
except SourceError as error:
    st.error(f"The data source cannot be read: {error}. Import exports on the Data page, or set KPI_SOURCE to "
             "'sample', 'store' or a folder of exports.")
    admin = signin.admin_without_data(email)
    if admin is None:
        st.stop()
    navigation = navigation or signin.navigation(admin)
    if navigation.title != "Data":  # the Data page can still import
        st.stop()
    data.serve(admin)
    navigation.run()
    st.stop()
viewer = signin.who(use.facts, email)  # refused: says why, and stops
navigation = navigation or signin.navigation(viewer)
data.serve(viewer)
state.sidebar(data.facts(), viewer.scope_name)
widgets.data_status(data.facts(), signin.notice_for(viewer, use.notice))
signin.badge(viewer)
navigation.run()
