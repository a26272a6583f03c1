"""The Pipeline page on the sample org, in AppTest: what it shows is what the engine computed."""

from test_team import expected, facts, scorecard, shown, table_of  # noqa: F401 - `facts` is a fixture

from kpi import pipeline
from kpi.periods import FiscalCalendar
from kpi.sources.sample import ANCHOR
from kpi.summary import deals_as_of, hygiene_list, waterfall

ROLLUP, MOVED, HYGIENE = 0, 1, 2  # the page's tables, in order


def test_the_roll_up_forecast_and_hygiene_match_the_engine(app, facts):  # noqa: F811
    reps, team = scorecard(facts, "SMB")
    at = app("pages/pipeline.py", team="SMB")
    assert at.title[0].value == "Pipeline · SMB"
    cards = shown(at)
    assert {k: cards[k] for k in expected(team, "pipeline_commit", "pipeline_best_case", "pipeline_pipeline",
                                          "coverage", "hygiene_open_flagged", "forecast_p50", "forecast_p_quota")} \
        == expected(team, "pipeline_commit", "pipeline_best_case", "pipeline_pipeline", "coverage",
                    "hygiene_open_flagged", "forecast_p50", "forecast_p_quota")
    # The roll-up lists every SMB rep; the deals needing attention are the ones the count counts.
    rollup = table_of(at, ROLLUP)
    assert sorted(rollup["Name"]) == sorted(reps["Name"])
    assert len(table_of(at, HYGIENE)) == team["hygiene_open_flagged"] == \
        len(hygiene_list(facts, deals_as_of(facts, ANCHOR), ANCHOR, reps.index))


def test_the_deals_behind_a_waterfall_bar_add_up_to_it(app, facts):  # noqa: F811
    reps, _ = scorecard(facts, "SMB")
    totals, _ = waterfall(facts, ANCHOR, FiscalCalendar(), reps.index)
    at = app("pages/pipeline.py", team="SMB")
    for bar in ("new", "lost"):
        at.selectbox(key="waterfall_bar").set_value(bar).run()
        deals = table_of(at, MOVED)
        assert round(deals["amount"].sum(), 2) == round(totals[bar], 2) and len(deals) > 0
    # The bars account for every move: start + rises - falls = end.
    assert round(totals["start"] + sum(pipeline.SIGNS[b] * totals[b] for b in pipeline.BARS), 2) == \
        round(totals["end"], 2)
