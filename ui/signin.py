"""Sign-in: who is looking (Streamlit's OpenID Connect login, `st.login`), and which pages that person gets.

Sign-in is on when `.streamlit/secrets.toml` has an `[auth]` section (README "Sign-in"); without one the app is in
single-user mode and shows everything. What a person sees is decided by kpi.access; pages only draw it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import streamlit as st
from streamlit import config
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.navigation.page import StreamlitPage

from kpi.access import SINGLE_USER, AccessDenied, AccessFileError, Policy, Role, Viewer, policy_file, viewer
from kpi.sources import store_root
from kpi.summary import Facts
from ui import data, widgets

AUTH = "auth"
# Every page: (file, title, icon); the first a viewer may see is their home.
PAGES = {
    "team": ("pages/team.py", "Team", ":material/groups:"),
    "rep": ("pages/rep.py", "Rep", ":material/person:"),
    "pipeline": ("pages/pipeline.py", "Pipeline", ":material/trending_up:"),
    "funnel": ("pages/funnel.py", "Lead funnel", ":material/filter_alt:"),
    "partners": ("pages/partners.py", "Partners", ":material/handshake:"),
    "customers": ("pages/customers.py", "Customers", ":material/storefront:"),
    "campaigns": ("pages/campaigns.py", "Campaigns", ":material/campaign:"),
    "plan": ("pages/plan.py", "Plan", ":material/flag:"),
    "review": ("pages/review.py", "Weekly review", ":material/co_present:"),
    "glossary": ("pages/glossary.py", "Glossary", ":material/menu_book:"),
    "data": ("pages/data.py", "Data", ":material/folder_open:"),
}


def configured() -> bool:
    """Whether sign-in is on: an [auth] section in the secrets. A secrets file that exists but cannot be read
    lets nobody in (it may be the one with [auth]: failing open would show everyone everything)."""
    try:
        return AUTH in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        if any(Path(path).is_file() for path in config.get_option("secrets.files")):
            deny("the secrets file cannot be read (is it valid TOML?); nobody is let in until it is fixed")
        return False


def email() -> str | None:
    """The signed-in person's email; None in single-user mode. With sign-in on and nobody signed in, the sign-in
    page is drawn and the run stops: no data is read for a stranger."""
    if not configured():
        return None
    if not st.user.get("is_logged_in", False):
        _only_page(_sign_in, "Sign in")
    address = st.user.get("email")
    if not address:
        deny("the sign-in gave no email address: the provider must grant the 'email' scope")
    if st.user.get("email_verified") is False:  # absent: the provider does not say, and vouches by signing
        deny(f"the provider has not verified {address}")
    return str(address)


def policy() -> Policy:
    """The access file in force; a broken one keeps everyone out until it is fixed (fail closed)."""
    try:
        return Policy.read(policy_file(store_root()))
    except AccessFileError as error:
        deny(f"the access file cannot be read ({error}); nobody is let in until an admin fixes it")


def who(facts: Facts, address: str | None) -> Viewer:
    """The viewer for this email (single-user mode: everyone's viewer); a refused one is told why, and stops."""
    if address is None:
        return SINGLE_USER
    try:
        return viewer(facts, address, policy())
    except AccessDenied as error:
        deny(str(error))


def admin_without_data(address: str | None) -> Viewer | None:
    """When the data cannot be read: the viewer who may still open the Data page to import (an admin), or None."""
    if address is None:
        return SINGLE_USER
    if policy().is_admin(address):
        return Viewer(address, Role.ADMIN, address, None, None, None)
    return None


def notice_for(viewer: Viewer, notice: str | None) -> str | None:
    """Why older data is in use: the files' problems for an admin, who can act on them; the fact for others."""
    if notice is None or viewer.role is Role.ADMIN:
        return notice
    return "Newer exports could not be read, so the data loaded before is shown; an admin can see why."


def navigation(viewer: Viewer) -> StreamlitPage:
    """The pages this viewer gets: admins (and single-user mode) all; managers all but Data; reps their own
    views (not the weekly review or the plan), and the Team page only when the admin lets reps see their team's
    leaderboard."""
    names = list(PAGES)
    if viewer.role is not Role.ADMIN:
        names.remove("data")
    if viewer.role is Role.REP:
        names.remove("review")  # the team meeting's screen
        names.remove("plan")  # the manager's plan for the team
        if not viewer.sees_team:
            names.remove("team")
    return st.navigation([st.Page(PAGES[n][0], title=PAGES[n][1], icon=PAGES[n][2], default=i == 0)
                          for i, n in enumerate(names)])


def badge(viewer: Viewer) -> None:
    """Sidebar: who is signed in and what they see, with Sign out; or that this is single-user mode."""
    with st.sidebar:
        st.caption(widgets.plain(viewer.describe()))
        if viewer.signed_in:
            st.button("Sign out", on_click=st.logout, key="sign_out", icon=":material/logout:", type="tertiary")


def require_admin() -> None:
    """Stop a page that only admins may see (the Data page) for anyone else, whatever the navigation showed."""
    if data.viewer().role is not Role.ADMIN:
        st.error("Only an admin can open the Data page.")
        st.stop()


def deny(reason: str) -> None:
    """Refuse: say why, offer Sign out, and stop."""
    def refused() -> None:
        st.title("No access")
        st.error(f"You cannot see this dashboard: {widgets.plain(reason)}.")
        st.button("Sign out", on_click=st.logout, key="sign_out_denied")
    _only_page(refused, "No access")


def _providers() -> list[str | None]:
    """The configured providers: None for a single [auth] provider, else the names of [auth.NAME] sections."""
    section = st.secrets[AUTH]
    named = [name for name, value in section.items() if isinstance(value, Mapping)]
    return [None] if "client_id" in section or not named else named


def _sign_in() -> None:
    st.title("Sales KPI dashboard")
    st.write("Sign in to see your figures: reps see their own, managers their teams.")
    for provider in _providers():
        label = f"Sign in with {provider.title()}" if provider else "Sign in"
        st.button(label, on_click=st.login, args=(provider,) if provider else (), key=f"sign_in_{provider or ''}",
                  type="primary", icon=":material/login:")


def _only_page(draw, title: str) -> None:
    """Run a single page in place of the dashboard (no other page is listed or reachable), then stop."""
    st.navigation([st.Page(draw, title=title, url_path=title.lower().replace(" ", "-"))], position="hidden").run()
    st.stop()
