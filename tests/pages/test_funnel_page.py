"""The Lead funnel page on the sample org, in AppTest: what it shows is what the engine computed."""

from test_team import expected, facts, scorecard, shown, table_of  # noqa: F401 - `facts` is a fixture

from kpi.periods import FiscalCalendar
from kpi.sources.sample import ANCHOR
from kpi.summary import lead_process_view, lead_work, named_view

BY_SOURCE, PER_ADR, BREACHES, UNTOUCHED, HANDOFFS = range(5)  # the page's tables, in order


def test_funnel_cards_tables_and_lists_match_the_engine(app, facts):  # noqa: F811
    reps, team = scorecard(facts, "ADR")
    at = app("pages/funnel.py", team="ADR")
    assert at.title[0].value == "Lead funnel · ADR"
    keys = ("mql_qtd", "sal_qtd", "sql_qtd", "converted_qtd", "mql_to_sal_cohort", "sal_to_sql_cohort",
            "speed_to_lead_median_h", "speed_to_lead_p90_h", "sla_breaches_qtd", "untouched_mql", "named_accounts",
            "named_touched_30d", "named_coverage", "cadence_misses_qtd")
    assert shown(at) == expected(team, *keys)
    assert sorted(table_of(at, PER_ADR)["Name"]) == sorted(reps["Name"])
    # The cohort table by lead source adds up to the quarter's MQLs; the lists are what the counts count.
    assert table_of(at, BY_SOURCE)["mql"].sum() == team["mql_qtd"]
    speeds, untouched = lead_work(facts, ANCHOR, FiscalCalendar(), reps.index)
    assert len(table_of(at, BREACHES)) == team["sla_breaches_qtd"] == speeds["breach"].sum()
    assert len(table_of(at, UNTOUCHED)) == team["untouched_mql"] == len(untouched)
    handoffs = table_of(at, HANDOFFS)
    assert handoffs["SQLs"].sum() == team["sql_qtd"]


def table_with(at, *columns: str):
    """The page's table that has these columns (tables come and go with the data, so not by position)."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def test_named_accounts_and_the_lead_process_are_the_engines(app, facts):  # noqa: F811
    reps, team = scorecard(facts, "ADR")
    named = named_view(facts, ANCHOR, reps.index)
    process = lead_process_view(facts, ANCHOR, FiscalCalendar(), reps.index)
    at = app("pages/funnel.py", team="ADR")
    assert [s.value for s in at.subheader][-2:] == ["Named accounts (outbound)", "Working leads by the book"]
    # Per ADR: the engine's named accounts and coverage, for every ADR who has named accounts.
    per_adr = table_with(at, "named_accounts", "named_coverage").set_index("ADR")
    mine = named.reps.loc[named.reps["named_accounts"] > 0]
    assert per_adr["named_accounts"].to_dict() == dict(zip(mine.index.map(reps["Name"]), mine["named_accounts"]))
    assert per_adr["named_accounts"].sum() == team["named_accounts"]
    assert per_adr["named_touched_30d"].sum() == team["named_touched_30d"]
    # The untouched list is what coverage leaves out: named - touched.
    untouched = table_with(at, "last_touch", "AccountId")
    assert len(untouched) == team["named_accounts"] - team["named_touched_30d"] == len(named.untouched)
    # Leads qualified out too early: one row per miss, as many as the card counts.
    misses = table_with(at, "qualified_out_at", "business_days")
    assert len(misses) == team["cadence_misses_qtd"] == len(process.misses)
    assert (misses["touches"] < 6).sum() + (misses["business_days"] < 10).sum() >= len(misses)
    per_rep = table_with(at, "qualified_out_qtd", "cadence_misses_qtd", "logging_gaps_qtd")
    assert per_rep["cadence_misses_qtd"].sum() == team["cadence_misses_qtd"]
    assert len(table_with(at, "stage", "reached_at")) == per_rep["logging_gaps_qtd"].sum() == len(process.logging_gaps)
    assert not at.exception
