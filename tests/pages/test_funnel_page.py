"""The Lead funnel page on the sample org, in AppTest: what it shows is what the engine computed."""

from test_team import expected, facts, scorecard, shown, table_of  # noqa: F401 - `facts` is a fixture

from kpi.periods import FiscalCalendar
from kpi.sources.sample import ANCHOR
from kpi.summary import lead_work

BY_SOURCE, PER_ADR, BREACHES, UNTOUCHED, HANDOFFS = range(5)  # the page's tables, in order


def test_funnel_cards_tables_and_lists_match_the_engine(app, facts):  # noqa: F811
    reps, team = scorecard(facts, "ADR")
    at = app("pages/funnel.py", team="ADR")
    assert at.title[0].value == "Lead funnel · ADR"
    keys = ("mql_qtd", "sal_qtd", "sql_qtd", "converted_qtd", "mql_to_sal_cohort", "sal_to_sql_cohort",
            "speed_to_lead_median_h", "speed_to_lead_p90_h", "sla_breaches_qtd", "untouched_mql")
    assert shown(at) == expected(team, *keys)
    assert sorted(table_of(at, PER_ADR)["Name"]) == sorted(reps["Name"])
    # The cohort table by lead source adds up to the quarter's MQLs; the lists are what the counts count.
    assert table_of(at, BY_SOURCE)["mql"].sum() == team["mql_qtd"]
    speeds, untouched = lead_work(facts, ANCHOR, FiscalCalendar(), reps.index)
    assert len(table_of(at, BREACHES)) == team["sla_breaches_qtd"] == speeds["breach"].sum()
    assert len(table_of(at, UNTOUCHED)) == team["untouched_mql"] == len(untouched)
    handoffs = table_of(at, HANDOFFS)
    assert handoffs["SQLs"].sum() == team["sql_qtd"]
