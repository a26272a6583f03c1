"""Sign-in for real: Streamlit's st.login against a local OpenID Connect provider (oidc_provider.py), in Debian's
headless Chromium. A rep, then a manager, then a stranger sign in through the same browser."""

import shutil

import pytest
from oidc_provider import running_provider
from streamlit_app import free_port, nav_links, running_server, screenshot, settled

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")]

MAIL = "@brightpathsoftware.com"
LEILA = "0055g000000HCbGAAW"  # an SMB account manager whom Kamala may not see


@pytest.fixture(scope="module")
def signed_in_app(tmp_path_factory):
    """The dashboard with sign-in on, and the provider whose `email` says who signs in next."""
    folder = tmp_path_factory.mktemp("signin")
    port = free_port()
    with running_provider("dashboard", "provider-secret") as provider:
        secrets = folder / "secrets.toml"
        # The browser opens the host the redirect names: the sign-in cookie and the callback must agree.
        secrets.write_text(f'[auth]\nredirect_uri = "http://localhost:{port}/oauth2callback"\n'
                           'cookie_secret = "a-long-random-cookie-secret-for-tests"\nclient_id = "dashboard"\n'
                           f'client_secret = "provider-secret"\nserver_metadata_url = "{provider.metadata_url}"\n')
        (folder / "access.toml").write_text("reps_see_leaderboard = false\n")
        with running_server({"KPI_ACCESS": str(folder / "access.toml")}, ["--secrets.files", str(secrets)],
                            port=port, host="localhost") as url:
            yield url, provider


def sign_in(page, url: str, provider, email: str, charts: int) -> None:
    provider.email, provider.name = email, email.split("@")[0]
    page.goto(url)
    page.wait_for_selector("h1", timeout=60_000)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector('[data-testid="stSidebarNavLink"]', timeout=30_000)
    settled(page, charts)


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)


def test_a_rep_signs_in_and_sees_only_her_own_view(browser, signed_in_app):
    url, provider = signed_in_app
    page = browser.new_page(viewport={"width": 1600, "height": 1400})
    page.goto(url)
    page.get_by_role("button", name="Sign in").wait_for(timeout=60_000)
    screenshot(page, "signin.png")
    assert page.locator('[data-testid="stSidebarNavLink"]').count() == 0  # nothing to open before signing in
    sign_in(page, url, provider, f"kamala.perez{MAIL}", charts=2)
    screenshot(page, "signin-rep.png")
    assert page.locator("h1").first.inner_text() == "Kamala Perez"
    assert nav_links(page) == ["Rep", "Pipeline", "funnel", "Partners", "Customers", "Campaigns",
                               "Glossary"]  # no Team/Plan/review/Data
    assert "Kamala Perez · rep: own figures" in page.locator('[data-testid="stSidebar"]').inner_text()
    for path in (f"rep?rep={LEILA}", "team", "data"):  # another rep's id, and pages she has no link to
        page.goto(f"{url}/{path}")
        settled(page, charts=2)
        assert page.locator("h1").first.inner_text() == "Kamala Perez", path
        assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "signin-rep-no-data-page.png")
    page.keyboard.press("Escape")  # Streamlit's "page not found" notice for the last link
    sign_out(page)
    page.close()


def test_a_manager_signs_in_to_her_teams_and_a_stranger_is_refused(browser, signed_in_app):
    url, provider = signed_in_app
    page = browser.new_page(viewport={"width": 1600, "height": 2600})
    sign_in(page, url, provider, f"sofia.jackson{MAIL}", charts=3)
    screenshot(page, "signin-manager.png")
    assert page.locator("h1").first.inner_text() == "Team · Sofia Jackson's reps"
    assert nav_links(page) == ["Team", "Rep", "Pipeline", "funnel", "Partners", "Customers", "Campaigns", "Plan",
                                "review", "Glossary"]
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Sofia Jackson · manager: sees 8 people below them" in sidebar
    sign_out(page)
    provider.email = "stranger@example.com"
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("No access").first.wait_for(timeout=30_000)
    screenshot(page, "signin-refused.png")
    assert "stranger@example.com is not the email of any Salesforce user" in page.inner_text("body")
    page.close()
