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


# Fair ranking. The sample's as-of day is Tue 24 Nov 2026, in FY2026 Q4 (1 Oct - 31 Dec: 22 + 21 + 23 = 66
# business days). Two reps are ramping (6 months, shares 20/40/60/80/100/100% by tenure month):
#   Layla Hughes (SMB), hired Mon 12 Oct 2026: tenure month 1 on 24 Nov (month 0 is 12 Oct - 11 Nov);
#   Wei Santos (Mid-Market), hired Mon 10 Aug 2026: tenure month 3 on 24 Nov (10 Nov - 9 Dec).
LAYLA, WEI = "0055g000000HCbMAAW", "0055g000000HCbRAAW"
RAMPING_REPS = {"Layla Hughes": "1 of 6 months in", "Wei Santos": "3 of 6 months in"}


def leaderboard(at) -> pd.DataFrame:
    return at.dataframe[0].value


def column_labels(at, position: int = 0) -> dict[str, str]:
    """A table's shown column labels by column (its column_config, as the browser gets it)."""
    import json
    return {name: c["label"] for name, c in json.loads(at.dataframe[position].proto.columns).items() if "label" in c}


def test_the_leaderboard_marks_the_ramping_reps_and_ranks_them_on_full_targets(app, facts):
    at = app()  # the whole floor: both new reps
    assert at.radio(key="ramping_as").options == ["Full targets", "Ramped targets", "Left out"]
    assert at.radio(key="ramping_as").value == "Full targets"
    board, (reps, team) = leaderboard(at), scorecard(facts, None)
    marked = board.loc[board["Ramping"].ne("")]
    assert dict(zip(marked["Name"], marked["Ramping"])) == RAMPING_REPS
    # Ranked with everyone else on their full quota: Layla's $25.1k of $64.2k is 39% attainment.
    assert board["Name"].tolist() == reps.sort_values("pace", ascending=False, na_position="last")["Name"].tolist()
    assert board.loc[LAYLA, ["quota_quarter", "revenue_qtd"]].tolist() == [64_200, 25_100]
    assert board.loc[LAYLA, "attainment"] == pytest.approx(25_100 / 64_200)  # 0.391
    labels = column_labels(at)
    assert (labels["quota_quarter"], labels["attainment"]) == ("Quota", "Attainment")  # no "(ramped)"


def test_ramping_reps_can_be_left_out_of_the_ranking(app, facts):
    at = app()
    at.radio(key="ramping_as").set_value("Left out").run()
    assert not at.exception
    board, (reps, team) = leaderboard(at), scorecard(facts, None)
    # The ranking is the other reps' alone, numbered from 1 without gaps.
    others = reps.drop(index=[LAYLA, WEI]).sort_values("pace", ascending=False, na_position="last")
    assert board["Name"].tolist() == others["Name"].tolist()
    assert not {"Layla Hughes", "Wei Santos"} & set(board["Name"])
    assert board["Rank"].tolist() == list(range(1, len(reps) - 1))
    assert ("Ramping reps left out of the ranking: Layla Hughes, Wei Santos (still counted in the team totals)."
            in [c.value for c in at.caption])
    # Still in the team totals: the whole floor's quota, their full quotas in it.
    assert at.dataframe[1].value["quota_quarter"].iloc[0] == team["quota_quarter"] == 3_246_600


def test_ramped_targets_scale_a_ramping_reps_quota_and_say_so(app, facts):
    at = app()
    at.radio(key="ramping_as").set_value("Ramped targets").run()
    assert not at.exception
    board = leaderboard(at)
    reps, team = summary.with_ramped_targets(*scorecard(facts, None), facts, ANCHOR, FiscalCalendar())
    # The quarter's ramped quota is the full one times the mean share over Q4's 66 business days.
    # Layla: 1-9 Oct before her hire 0% (7 days), 12 Oct - 11 Nov 20% (23), 12 Nov - 11 Dec 40% (22),
    # 12-31 Dec 60% (14): (23 * 0.2 + 22 * 0.4 + 14 * 0.6) / 66 = 21.8 / 66 of $64,200 = $21,205.45;
    # attainment $25,100 / $21,205.45 = 118%.
    assert board.loc[LAYLA, "quota_quarter"] == reps.loc[LAYLA, "quota_quarter"] == pytest.approx(64_200 * 21.8 / 66)
    assert board.loc[LAYLA, "attainment"] == reps.loc[LAYLA, "attainment"] == pytest.approx(25_100 / 21_205.4545)
    # Wei: 1-9 Oct 40% (7 days), 10 Oct - 9 Nov 60% (21), 10 Nov - 9 Dec 80% (22), 10-31 Dec 100% (16):
    # 49 / 66 of $359,400 = $266,827.27; attainment $120,400 / $266,827.27 = 45%.
    assert board.loc[WEI, "quota_quarter"] == reps.loc[WEI, "quota_quarter"] == pytest.approx(359_400 * 49 / 66)
    assert board.loc[WEI, "attainment"] == reps.loc[WEI, "attainment"] == pytest.approx(120_400 / 266_827.2727)
    # A day's target is the share of the tenure month that day: Layla 40% of 30 activities, Wei 80% of 30.
    assert board.loc[[LAYLA, WEI], "activities_target_day"].tolist() == [12, 24]
    # Everyone else keeps the full quota; the ranking uses the ramped figures, so Layla's 200% pace leads.
    assert board.loc["0055g000000HCbFAAW", "quota_quarter"] == 148_000  # Kamala Perez, ramped long ago
    assert board["Name"].tolist() == reps.sort_values("pace", ascending=False, na_position="last")["Name"].tolist()
    assert board["Name"].iloc[0] == "Layla Hughes"
    assert dict(zip(*board.loc[board["Ramping"].ne(""), ["Name", "Ramping"]].T.to_numpy())) == RAMPING_REPS
    # The figures made from a target say which target they used; the others do not.
    labels = column_labels(at)
    assert [labels[c] for c in ("quota_quarter", "attainment", "pace", "coverage", "activities_target_day")] == [
        "Quota (ramped)", "Attainment (ramped)", "Pace (ramped)", "Coverage (ramped)",
        "Daily activity target (ramped)"]
    assert [labels[c] for c in ("revenue_qtd", "projection", "win_rate")] == ["Closed-won QTD", "Projection",
                                                                              "Win rate"]
    assert column_labels(at, 1)["quota_quarter"] == "Quota (ramped)"
    # The team total sums the ramped quotas: $3,246,600 - ($64,200 - $21,205.45) - ($359,400 - $266,827.27).
    assert at.dataframe[1].value["quota_quarter"].iloc[0] == team["quota_quarter"] == pytest.approx(3_111_032.73)
    assert any('measured against ramped targets (each marked "(ramped)")' in c.value for c in at.caption)


def test_a_team_with_nobody_ramping_has_no_choice_to_make(app):
    at = app(team="ADR")
    assert not at.radio
    assert set(leaderboard(at)["Ramping"]) == {""}
