"""The Plan page in Debian's headless Chromium: it renders on the sample org, and a plan line edited and saved in
the browser is what `python -m kpi summary` reads afterwards. Screenshots land in test-output/screenshots/."""

import json
import os
import shutil
import subprocess
import sys

import pytest
from streamlit_app import DONE, ROOT, running_server, screenshot, settled

from kpi import plans

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")]


def summary_plan(store) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "kpi", "summary", "--source", "sample", "--team", "SMB"], cwd=ROOT,
                         env={**os.environ, "KPI_STORE": str(store)}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)["plan"]


def line(lines: list[dict], metric: str, channel: str | None) -> dict:
    return next(p for p in lines if p["metric"] == metric and p["channel"] == channel)


def test_a_plan_line_edited_in_the_browser_reaches_summary(browser, tmp_path):
    store = tmp_path / "store"
    before = line(summary_plan(store), "revenue", "direct")
    with running_server({"KPI_STORE": str(store)}) as url:
        # SMB: its attainment bars, its five-quarter grid and its new rep's ramp, as wide as a projector shows it
        # (1280 pixels) and tall enough that every chart and table is in sight, drawn before the screenshot.
        page = browser.new_page(viewport={"width": 1280, "height": 4600})
        page.goto(f"{url}/plan?team=SMB")
        settled(page, charts=3)
        screenshot(page, "plan.png")
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator("h1").first.inner_text() == "Plan · SMB"
        page.get_by_text("Edit the plan").click()
        editor = page.locator('[data-testid="stDataFrame"]').last
        editor.wait_for()
        editor.scroll_into_view_if_needed()
        box = editor.bounding_box()
        # The first row of the quarter's plan is SMB's direct revenue line: select it, go to its Target cell (the
        # grid draws on a canvas, so by keyboard: to the first column, the row number, then four to the right past
        # owner, metric and period), open the cell's editor and fill it in, then save.
        page.mouse.click(box["x"] + 90, box["y"] + 35 + 17)
        for key in ["ArrowLeft"] * 7 + ["ArrowRight"] * 4:
            page.keyboard.press(key)
        page.keyboard.press("Enter")
        cell = page.locator("#portal textarea, #portal input").first  # the cell's editor, over the grid
        cell.fill("1234500")
        cell.press("Enter")
        # The grid keeps an accessible copy of its cells: the edit is in it; then each step waits for its rerun.
        editor.locator('[role="gridcell"]', has_text="1234500").first.wait_for(state="attached")
        page.wait_for_selector(DONE, timeout=60_000)
        page.get_by_label("Why (shown in the history)").fill("Direct plan raised")
        page.keyboard.press("Tab")
        page.wait_for_selector(DONE, timeout=60_000)
        page.get_by_role("button", name="Save as a new version").click()
        page.get_by_text("Saved as version 1: it is the plan in force now.").wait_for(timeout=60_000)
        screenshot(page, "plan-saved.png")
        assert page.get_by_text("In force: version 1").count() == 1
    assert [(v.number, v.saved_by, v.note) for v in plans.versions(store)] == [(1, "single user",
                                                                                "Direct plan raised")]
    after = line(summary_plan(store), "revenue", "direct")
    assert before["plan_quarter"] != 1_234_500 and after["plan_quarter"] == 1_234_500
    # The actual is the same deals; the attainment follows the new plan.
    assert after["actual_qtd"] == before["actual_qtd"]
    assert after["attainment"] == pytest.approx(after["actual_qtd"] / 1_234_500)
