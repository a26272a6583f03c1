import pandas as pd
import pytest

from kpi.periods import FiscalCalendar
from kpi.registry import KPIS
from kpi.sources import load
from kpi.sources.sample import ANCHOR
from kpi import summary
from kpi.summary import prepare


@pytest.fixture(scope="module")
def facts():
    return prepare(load("sample"))


def scorecard(facts, team, as_of=ANCHOR, fiscal_start=1):
    return summary.scorecard(facts, as_of, FiscalCalendar(fiscal_start), team)


def shown(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table_of(at, position: int) -> pd.DataFrame:
    """The rows of the page's table at this position (AppTest does not expose a table's key)."""
    return at.dataframe[position].value


def expected(team: pd.Series, *names: str) -> dict[str, str]:
    return {KPIS[n].label: KPIS[n].format(team[n], compact=True) for n in names}


REVENUE = ("revenue_qtd", "attainment", "pace", "projection", "coverage", "win_rate")
ACTIVITY = ("activities_today", "calls_today", "emails_today", "meetings_today", "activities_week")
# Account teams get revenue cards; ADR teams (no quota, SAL/SQL goals) get funnel cards instead.
SELLING = (*REVENUE, *ACTIVITY)
QUALIFYING = (*ACTIVITY, "sal_week", "sql_week", "sal_month", "sql_month")


def test_a_team_without_quota_shows_no_revenue_cards(app, facts):
    at = app(team="ADR")
    assert shown(at) == expected(scorecard(facts, "ADR")[1], *QUALIFYING)
    assert any("revenue figures are left out" in c.value for c in at.caption)
    assert at.selectbox(key="rank_by").value == "activities_today"  # ranked by activity, not by an empty pace


def test_team_page_shows_the_engine_numbers_for_the_anchor_date(app, facts):
    at = app(team="SMB")
    reps, team = scorecard(facts, "SMB")
    assert at.title[0].value == "Team · SMB"
    assert "Data as of **Tue 24 Nov 2026** · FY2026 Q4" in at.caption[0].value
    assert shown(at) == expected(team, *SELLING)
    board = at.dataframe[0].value
    ranked = reps.sort_values("pace", ascending=False, na_position="last")
    assert board["Name"].tolist() == ranked["Name"].tolist()
    assert board["revenue_qtd"].tolist() == ranked["revenue_qtd"].tolist()
    assert at.dataframe[1].value["revenue_qtd"].iloc[0] == team["revenue_qtd"]  # the team total row


def test_metric_help_comes_from_the_registry(app):
    at = app(team="SMB")
    helps = {m.label: m.proto.help for m in at.metric}
    assert helps[KPIS["coverage"].label] == KPIS["coverage"].tooltip()


def test_a_sidebar_change_reaches_the_page(app, facts):
    at = app(team="ADR")
    at.selectbox(key="team").set_value("Mid-Market").run()
    assert not at.exception
    _, team = scorecard(facts, "Mid-Market")
    assert at.title[0].value == "Team · Mid-Market"
    assert shown(at) == expected(team, *SELLING)
    assert at.query_params["team"] == "Mid-Market"


def test_as_of_and_fiscal_start_change_the_figures(app, facts):
    at = app(team="ADR")
    at.date_input(key="as_of").set_value(pd.Timestamp("2026-11-20").date()).run()
    _, team = scorecard(facts, "ADR", pd.Timestamp("2026-11-20"))
    assert shown(at)[KPIS["activities_today"].label] == KPIS["activities_today"].format(team["activities_today"])
    at.selectbox(key="fy_start").set_value(2).run()
    assert "FY2027 Q4" in at.caption[0].value  # Feb-Jan years: Nov 2026 - Jan 2027 is FY2027's last quarter
    assert at.query_params["as_of"] == "2026-11-20" and at.query_params["fy_start"] == "2"


@pytest.mark.parametrize("as_of", ["not-a-date", "", "NaT", "9999-12-31", "2026-11"])
def test_a_bookmarked_url_with_unknown_values_falls_back(app, as_of):
    at = app(team="No such team", as_of=as_of, fy_start="13")
    assert at.title[0].value == "Team · whole sales floor"
    assert "Tue 24 Nov 2026" in at.caption[0].value and "FY2026 Q4" in at.caption[0].value


def test_charts_are_drawn_from_the_engine(app, facts):
    import base64
    import numpy as np
    at = app(team="ADR")
    specs = [c.proto.spec for c in at.get("plotly_chart")]
    assert len(specs) == 3
    import json
    activity = json.loads(specs[0])
    calls = activity["data"][0]
    values = calls["y"]
    if isinstance(values, dict):
        values = np.frombuffer(base64.b64decode(values["bdata"]), values["dtype"])
    reps, _ = scorecard(facts, "ADR")
    assert calls["name"] == "Calls" and values[-1] == reps["calls_today"].sum()  # the last bar is the as-of day


def test_every_table_has_a_csv_download(app):
    at = app(team="SMB")
    buttons = at.get("download_button")
    # The leaderboard and the team totals; each file is the table's rows made formula-safe (kpi/exports.py).
    assert [b.proto.label for b in buttons] == ["Download CSV", "Download CSV"]
    assert all(b.proto.url.endswith(".csv") for b in buttons)
