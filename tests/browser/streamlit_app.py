"""The dashboard served for real (`streamlit run dashboard.py` on a free port) and views of it opened in Chromium:
shared by the browser tests. Screenshots land in test-output/screenshots/ (look at them)."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
CHARTS_DRAWN = """n => { const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
                           return charts.length === n && charts.every(e => e.querySelector('.js-plotly-plot g.trace, .js-plotly-plot .hm')); }"""
# A table draws on a canvas once its data has arrived (a grey placeholder until then); its grid keeps an accessible
# copy of the rows it drew. A table out of sight (in a closed expander, a hidden tab) is not drawn: not waited for.
TABLES_DRAWN = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')]
                         .every(e => !e.checkVisibility() || e.querySelector('[role="row"]'))"""
NEXT_PAINT = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(env: dict[str, str] | None = None, options: Sequence[str] = (), port: int | None = None,
                   host: str = "127.0.0.1") -> Iterator[str]:
    """A fresh `streamlit run dashboard.py` (on the sample org unless `env` says; more `options`), its URL on
    `host`, stopped afterwards."""
    port = port or free_port()
    log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe nobody reads would stop the server
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         *options],
        cwd=ROOT, env={**os.environ, "KPI_SOURCE": "sample", **(env or {})}, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{host}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        log.seek(0)
        pytest.fail(f"server did not start: {log.read().decode()[-2000:]}")
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def settled(page, charts: int = 0) -> None:
    """Wait until the page's script has run, its `charts` plotly charts are drawn and every table in sight shows
    its rows, then for the browser to paint them (a screenshot taken now shows the page as a person sees it)."""
    page.wait_for_selector("h1", timeout=60_000)
    page.wait_for_selector(DONE, timeout=60_000)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=60_000)
    page.wait_for_function(CHARTS_DRAWN, arg=charts, timeout=30_000)
    page.wait_for_function(TABLES_DRAWN, timeout=30_000)
    page.evaluate(NEXT_PAINT)


def screenshot(page, shot: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / shot))


def open_view(browser, url: str, shot: str, charts: int):
    """Open a view in a new page, let it settle with its `charts` drawn, screenshot it."""
    page = browser.new_page(viewport={"width": 1600, "height": 2600})
    page.goto(url)
    settled(page, charts)
    screenshot(page, shot)
    return page


def nav_links(page) -> list[str]:
    """The sidebar's page links, each by the last word of its title (the icon's name comes first)."""
    return [text.split()[-1] for text in page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]
