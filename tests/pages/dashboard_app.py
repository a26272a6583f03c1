"""Opening the dashboard in AppTest, as a bookmarked URL would (shared by the page tests)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ENTRY = str(Path(__file__).resolve().parents[2] / "dashboard.py")
# Sign-in on: an [auth] section (the provider is never reached; AppTest's `user` stands for st.login's result).
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "a-long-random-test-secret",
        "client_id": "dashboard", "client_secret": "not-a-real-secret",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}


def open_dashboard(page: str | None = None, *, secrets: dict | None = None, user: dict | None = None,
                   **query: str) -> AppTest:
    """The dashboard on a page with query parameters, as a bookmarked URL would open it, with these `secrets` and
    this signed-in `user` (st.user as st.login leaves it)."""
    at = AppTest.from_file(ENTRY, default_timeout=60)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    if user:
        at.user = user
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def signed_in(email: str | None, page: str | None = None, **query: str) -> AppTest:
    """The dashboard with sign-in on, as `email` (None: nobody signed in yet)."""
    return open_dashboard(page, secrets={"auth": AUTH},
                          user={"is_logged_in": True, "email": email, "name": email} if email else None, **query)
