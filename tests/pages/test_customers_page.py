"""The Customers page on the sample org, in AppTest: what it shows is what the engine computed (expectations come
from kpi.summary, so they hold whatever customers the sample holds)."""

import pandas as pd
from dashboard_app import signed_in
from test_partners_page import KAMALA, KAMALA_MAIL, table_with, traces
from test_team import expected as labelled, facts, scorecard, shown  # noqa: F401 - `facts` is a fixture

from kpi import access
from kpi.periods import FiscalCalendar
from kpi.registry import CUSTOMER_KEYS, KPIS
from kpi.sources.sample import ANCHOR
from kpi.summary import customer_view, deals_as_of


def view_of(facts, team=None):  # noqa: F811
    reps, _ = scorecard(facts, team)
    return customer_view(facts, ANCHOR, FiscalCalendar(), reps.index, deals_as_of(facts, ANCHOR))


def expected(figures: dict) -> dict[str, str]:
    return labelled(pd.Series(figures), *CUSTOMER_KEYS)


def test_the_cards_and_tables_are_the_engines(app, facts):  # noqa: F811
    view = view_of(facts)
    at = app("pages/customers.py")
    assert at.title[0].value == "Customers · whole sales floor"
    assert shown(at) == expected(view.figures)
    helps = {m.label: m.proto.help for m in at.metric}
    assert helps[KPIS["gross_renewal_rate"].label] == KPIS["gross_renewal_rate"].tooltip()
    # New customers: every one the engine found, the under-performers first, least of the ramp first.
    new = table_with(at, "booked", "expected", "why")
    assert sorted(new["Id"]) == sorted(view.new.index)
    flagged = view.new["underperforming"]
    assert new["Id"].head(int(flagged.sum())).tolist() == \
        view.new.loc[flagged].sort_values(["share_of_expected", "first_deal"]).index.tolist()
    assert int(new["why"].ne("").sum()) == view.figures["underperforming"]
    assert new.set_index("Id")["booked"].to_dict() == view.new["booked"].to_dict()
    # Retention per owner adds up to the cards; the lists behind them are the engine's deals.
    retention = table_with(at, "due", "won", "lost", "gross_renewal_rate")
    assert retention["due"].sum() == view.figures["renewals_due_quarter"]
    assert retention["won"].sum() == view.figures["renewals_won_qtd"]
    assert sorted(retention["Owner"]) == sorted(view.retention.index.map(facts.people.set_index("Id")["Name"]))
    assert sorted(table_with(at, "status", "Amount")["Id"]) == sorted(view.renewals["Id"])
    churned = [d.value for d in at.dataframe if "AccountId" in d.value and "status" not in d.value]
    assert sorted(churned[0]["AccountId"] if churned else []) == sorted(view.churned["AccountId"])
    assert not at.exception


def test_the_cohort_chart_draws_the_engines_paths_and_ramp(app, facts):  # noqa: F811
    view = view_of(facts)
    at = app("pages/customers.py")
    lines = traces(at, "customer_cohorts")
    assert lines.pop("Expected ramp") == view.ramp.dropna().tolist()
    assert lines == {f"{cohort:%b %Y}": path.dropna().tolist() for cohort, path in view.cohorts.iterrows()}


def test_a_team_change_changes_the_figures(app, facts):  # noqa: F811
    at = app("pages/customers.py")
    everyone = shown(at)
    at.selectbox(key="team").set_value("SMB").run()
    assert not at.exception
    assert at.title[0].value == "Customers · SMB"
    assert shown(at) == expected(view_of(facts, "SMB").figures) != everyone
    reps, _ = scorecard(facts, "SMB")
    assert set(table_with(at, "booked", "why")["Owner"]) <= set(reps["Name"])


def test_a_rep_sees_only_her_own_customers(app, facts):  # noqa: F811
    mine = access.restrict(facts, frozenset({KAMALA}))
    view = customer_view(mine, ANCHOR, FiscalCalendar(), pd.Index([KAMALA]), deals_as_of(mine, ANCHOR))
    at = signed_in(KAMALA_MAIL, "pages/customers.py")
    assert at.title[0].value == "Customers · Kamala Perez"
    assert shown(at) == expected(view.figures)
    assert {v for d in at.dataframe if "Owner" in d.value for v in d.value["Owner"]} == {"Kamala Perez"}
    assert sorted(table_with(at, "booked", "why")["Id"]) == sorted(view.new.index)
    everyone = view_of(facts).new
    assert sorted(view.new.index) == sorted(everyone.index[everyone["OwnerId"] == KAMALA])
