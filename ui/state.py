"""The global filters: as-of date, fiscal-year start, team and rep. Drawn in the sidebar by dashboard.py on every
run, kept in session state across pages and mirrored in the URL query string so a view can be shared."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from kpi import people
from kpi.periods import FiscalCalendar, day, parse_day
from kpi.schema import Users
from kpi.summary import Facts, default_as_of

AS_OF, FISCAL_START, TEAM, REP = "as_of", "fy_start", "team", "rep"  # session-state and query-string keys
ALL_TEAMS = "All teams"
_FILTERS = "filters"  # where the frame leaves this run's filters for the page


@dataclass(frozen=True)
class Filters:
    as_of: pd.Timestamp
    fiscal_start: int
    team: str | None  # None: every team
    rep: str | None  # a user id
    scope: str = "whole sales floor"  # what every team is, for this viewer

    @property
    def showing(self) -> str:
        """The team, else what the viewer's whole view is ('whole sales floor', 'Sofia Jackson's reps')."""
        return self.team or self.scope

    @property
    def calendar(self) -> FiscalCalendar:
        return FiscalCalendar(self.fiscal_start)


def _from_url(key: str, parse, valid) -> object | None:
    """A query-string value, parsed, or None when absent or not valid for this data."""
    text = st.query_params.get(key)
    if text is None:
        return None
    try:
        value = parse(text)
    except (ValueError, TypeError):
        return None
    return value if valid(value) else None


def _seed(key: str, value: object) -> None:
    """Give a widget its starting value once: from the URL, else the default. Later runs keep the user's."""
    if key not in st.session_state:
        st.session_state[key] = value


def sidebar(facts: Facts, scope: str = "whole sales floor") -> Filters:
    """Draw the filters over `facts` (what the viewer may see: their teams and reps) and return them; the URL is
    rewritten to match. A team or rep in the URL that the viewer cannot see is ignored."""
    teams = [ALL_TEAMS, *people.teams(facts.people)]
    _seed(AS_OF, _from_url(AS_OF, lambda t: parse_day(t).date(), lambda v: True) or default_as_of(facts).date())
    _seed(FISCAL_START, _from_url(FISCAL_START, int, lambda m: 1 <= m <= 12) or 1)
    _seed(TEAM, _from_url(TEAM, str, lambda t: t in teams) or ALL_TEAMS)
    with st.sidebar:
        st.date_input("As of", key=AS_OF, help="Figures as the data stood at the end of this day.")
        st.selectbox("Fiscal year starts in", range(1, 13), key=FISCAL_START,
                     format_func=lambda m: calendar.month_name[m])
        st.selectbox("Team", teams, key=TEAM)
        team = None if st.session_state[TEAM] == ALL_TEAMS else st.session_state[TEAM]
        reps = people.reps(facts.people, team, day(st.session_state[AS_OF]))
        rep_ids = list(reps.index)
        if st.session_state.get(REP) not in rep_ids:  # first run, or the team changed under the rep
            st.session_state.pop(REP, None)
            _seed(REP, _from_url(REP, str, lambda r: r in rep_ids) or (rep_ids[0] if rep_ids else None))
            if st.query_params.get(REP) not in (None, *rep_ids):
                st.caption("The rep in the link is not one you can see here.")
        st.selectbox("Rep", rep_ids, key=REP, format_func=lambda r: reps.loc[r, Users.Name])
    filters = Filters(day(st.session_state[AS_OF]), st.session_state[FISCAL_START], team, st.session_state[REP], scope)
    st.query_params.from_dict({AS_OF: f"{filters.as_of:%Y-%m-%d}", FISCAL_START: str(filters.fiscal_start),
                               TEAM: st.session_state[TEAM], **({REP: filters.rep} if filters.rep else {})})
    st.session_state[_FILTERS] = filters
    return filters


def require_frame() -> None:
    """Make sure this page runs inside dashboard.py's frame (every page calls this first).

    Because a folder named pages/ sits beside dashboard.py, Streamlit starts in its old pages-directory mode:
    a server whose first request is a deep link (/rep?team=SMB) runs the page file alone, without the
    sidebar. st.navigation switches that mode off for the process; here it is switched off and the run
    restarted, which then goes through the frame to the same page.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def fiscal_calendar() -> FiscalCalendar:
    """The fiscal calendar in use (the default one when the frame drew no filters: no data loaded yet)."""
    filters = st.session_state.get(_FILTERS)
    return filters.calendar if filters is not None else FiscalCalendar()


def current() -> Filters:
    """The filters the frame drew in this run (pages call this)."""
    require_frame()
    return st.session_state[_FILTERS]
