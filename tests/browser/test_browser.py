"""The real thing: the Streamlit server on the sample org, driven by Playwright in Debian's headless Chromium.
Screenshots land in test-output/screenshots/ (look at them)."""

import shutil

import pytest
from streamlit_app import (CHARTS_DRAWN, DONE, NEXT_PAINT, SHOTS, TABLES_DRAWN, nav_links, open_view, running_server,
                           screenshot)

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")]


@pytest.fixture(scope="module")
def server():
    with running_server() as url:
        yield url


@pytest.mark.parametrize("team, metrics", [("SMB", 11), ("ADR", 9)])  # ADRs: funnel cards, no revenue
def test_team_view_in_a_real_browser(server, browser, team, metrics):
    page = open_view(browser, f"{server}/?team={team}", f"team-{team}.png", charts=3)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert f"Team · {team}" in page.locator("h1").first.inner_text()
    assert page.locator('[data-testid="stMetricValue"]').count() == metrics
    # The filters live in the URL: the page rewrote it with every filter.
    assert "as_of=2026-11-24" in page.url and f"team={team}" in page.url
    page.close()


@pytest.mark.parametrize("path, title, charts", [("pipeline?team=SMB", "Pipeline · SMB", 3),
                                                 ("funnel?team=ADR", "Lead funnel · ADR", 3),
                                                 ("partners", "Partners · whole sales floor", 2),
                                                 ("customers?team=SMB", "Customers · SMB", 1),
                                                 ("campaigns", "Campaigns · whole sales floor", 2)])
def test_pipeline_funnel_partners_customers_and_campaigns_pages_in_a_real_browser(server, browser, path, title, charts):
    shot = f"{path.split('?')[0]}.png"
    page = open_view(browser, f"{server}/{path}", shot, charts=charts)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert title in page.locator("h1").first.inner_text()
    # Tables draw on a canvas after the charts: shoot again once every table in sight shows its rows.
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
                                    .every(e => !e.checkVisibility() || e.querySelector('[role="row"]'))""",
                           timeout=30_000)
    screenshot(page, shot)
    page.close()


def test_named_accounts_and_the_lead_process_in_a_real_browser(server, browser):
    page = open_view(browser, f"{server}/funnel?team=ADR", "funnel-adr.png", charts=3)
    heading = page.get_by_role("heading", name="Named accounts (outbound)")
    heading.scroll_into_view_if_needed()
    page.wait_for_function(TABLES_DRAWN, timeout=30_000)
    page.evaluate(NEXT_PAINT)
    screenshot(page, "funnel-named-accounts.png")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name="Working leads by the book").count() == 1
    page.close()


def test_the_weekly_review_fits_a_shared_screen_and_moves_with_the_arrow_keys(server, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    page.goto(f"{server}/review?team=SMB")
    page.wait_for_selector(DONE, timeout=60_000)
    page.wait_for_function(CHARTS_DRAWN, arg=1, timeout=30_000)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "review-1280x720.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text().endswith("Team headline")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()  # made to be shown: no sidebar
    page.mouse.click(640, 700)  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('h1').innerText.endsWith('This week vs last week')",
                           timeout=30_000)
    page.wait_for_selector(DONE, timeout=60_000)
    page.wait_for_function(CHARTS_DRAWN, arg=1, timeout=30_000)
    page.screenshot(path=str(SHOTS / "review-weekly-1280x720.png"))
    page.close()


def test_rep_view_keeps_the_filters_and_lists_records(server, browser):
    page = open_view(browser, f"{server}/rep?team=SMB&fy_start=2", "rep.png", charts=2)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "FY2027 Q4" in page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first.inner_text()
    page.get_by_text("Records behind these numbers").first.click()
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=10_000)
    # Switching page through the navigation keeps the sidebar's choices.
    page.locator('[data-testid="stSidebarNavLink"]', has_text="Team").click()
    page.wait_for_selector(DONE, timeout=30_000)
    page.wait_for_function("() => document.querySelector('h1') && document.querySelector('h1').innerText.includes('SMB')")
    assert "team=SMB" in page.url and "fy_start=2" in page.url
    page.close()


def test_a_bookmarked_deep_link_is_the_first_request_of_a_fresh_server(browser):
    with running_server() as url:
        page = open_view(browser, f"{url}/rep?team=ADR", "deep-link.png", charts=2)
        assert page.locator('[data-testid="stException"]').count() == 0
        # The frame ran: its navigation (titled pages, not file names) and its filters are in the sidebar.
        assert nav_links(page) == ["Team", "Rep", "Pipeline", "funnel", "Partners", "Customers", "Campaigns", "Plan",
                                   "review", "Glossary", "Data"]  # (each starts with its icon)
        assert page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]').count() == 1
        page.close()


def test_files_dropped_on_the_data_page_are_checked_and_imported(browser, tmp_path):
    from kpi.sources import sample
    from kpi.store import Store
    store = tmp_path / "store"
    report = tmp_path / "report1700000000001.csv"  # a report export, named as Salesforce names them
    report.write_text('"Opportunity ID","Opportunity Owner","Amount","Close Date","Closed","Won"\n'
                      '"0065g00000AAAAA","Nobody Known","USD 1,500.00","11/03/2026","1","1"\n'
                      '\n"Confidential Information - Do Not Distribute"\n', encoding="utf-8-sig")
    folder = sample.ensure()
    with running_server({"KPI_SOURCE": "", "KPI_STORE": str(store)}) as url:
        page = browser.new_page(viewport={"width": 1600, "height": 1800})
        page.goto(f"{url}/data")
        page.wait_for_selector(DONE, timeout=60_000)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
            [folder / "User.csv", folder / "Opportunity.csv", report])
        button = page.get_by_role("button", name="Import 3 files into the store")
        button.wait_for(timeout=60_000)
        page.wait_for_selector(DONE, timeout=60_000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "data-checked.png"))
        assert Store(store).is_empty()  # checking wrote nothing
        button.click()
        page.get_by_text("Import 1 is stored").wait_for(timeout=60_000)
        page.wait_for_selector(DONE, timeout=60_000)
        page.screenshot(path=str(SHOTS / "data-imported.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
        assert Store(store).version() == 1
        assert "imported data (local store)" in page.locator('[data-testid="stSidebar"]').inner_text()
        page.close()


def test_refresh_from_salesforce_pulls_the_sample_org_through_bulk_and_rest(browser, tmp_path):
    from salesforce.fake_server import FakeOrg, fake_salesforce

    from kpi.sources import sample
    from kpi.store import Store
    store = tmp_path / "store"
    with fake_salesforce(FakeOrg.from_csv_folder(sample.ensure())) as served, running_server(
            {"KPI_SOURCE": "", "KPI_STORE": str(store), "SALESFORCE_ACCESS_TOKEN": served.access_token,
             "SALESFORCE_INSTANCE_URL": served.instance_url, "REQUESTS_CA_BUNDLE": served.ca_path}) as url:
        page = browser.new_page(viewport={"width": 1600, "height": 1800})
        page.goto(f"{url}/data")
        page.wait_for_selector(DONE, timeout=60_000)
        page.get_by_role("button", name="Test connection").click()
        page.get_by_text("Connected to 127.0.0.1").wait_for(timeout=30_000)
        page.get_by_role("button", name="Refresh from Salesforce").click()
        page.get_by_text("Pull 1 is stored").wait_for(timeout=180_000)
        page.wait_for_selector(DONE, timeout=60_000)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "data-pulled.png"), full_page=True)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert "pulled 0 minutes ago" in page.locator('[data-testid="stSidebar"]').inner_text()
        page.close()
    # Tasks (over 10,000 rows) came through a Bulk API 2.0 job, users through REST.
    assert served.count("/jobs/query", "POST") >= 1 and Store(store).version() == 1
    assert len(Store(store).tables()["activities"]) > 10_000
