"""AppTest set-up shared by the page tests.

With `st.navigation` and a folder named `pages/` beside the entry script, AppTest resets Streamlit's
pages-directory flag before every run, as if every run were a cold server's first request: the page file
would run alone, and `ui.state.require_frame` would restart the run through the frame, dropping widget
values set by the test. `NavigationPagesManager` keeps the flag where a running server leaves it once
st.navigation has run. `test_a_sidebar_change_reaches_the_page` proves the frame really runs;
`test_a_deep_link_into_a_cold_server_runs_inside_the_frame` runs without this fixture's help.
"""

import pytest
import streamlit as st
import streamlit.testing.v1.app_test as app_test
from dashboard_app import open_dashboard
from streamlit.runtime.pages_manager import PagesManager


class NavigationPagesManager(PagesManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def navigation_like_the_server(monkeypatch):
    monkeypatch.setattr(app_test, "PagesManager", NavigationPagesManager)


@pytest.fixture(autouse=True)
def fresh_results():
    """Results cached by one test must not answer another; loaded sources are immutable and may stay."""
    st.cache_data.clear()


@pytest.fixture
def app():
    """app('pages/rep.py', rep=...): open_dashboard in single-user mode."""
    return open_dashboard
