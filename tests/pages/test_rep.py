import pytest

from kpi.periods import FiscalCalendar
from kpi.registry import KPIS
from kpi.sources import load
from kpi.sources.sample import ANCHOR
from kpi.summary import prepare, scorecard


@pytest.fixture(scope="module")
def facts():
    return prepare(load("sample"))


def test_rep_page_shows_the_reps_numbers_and_the_records_behind_them(app, facts):
    reps = scorecard(facts, ANCHOR, FiscalCalendar(), "ADR")[0]
    rep_id = reps["activities_today"].idxmax()
    rep = reps.loc[rep_id]
    at = app("pages/rep.py", team="ADR", rep=rep_id)
    assert at.title[0].value == rep["Name"]
    values = {m.label: m.value for m in at.metric}
    for name in ("calls_today", "emails_today", "activities_today", "sal_week", "sql_month"):
        assert values[KPIS[name].label] == KPIS[name].format(rep[name], compact=True)
    # Each number's drill-down (a tab named after it) lists exactly the records it counts.
    tables = {tab.label: tab.dataframe[0].value for tab in at.tabs if len(tab.dataframe)}
    for name in ("calls_today", "activities_week", "sal_month", "sql_month"):
        assert len(tables.get(KPIS[name].label, [])) == rep[name], name
    assert tables[KPIS["calls_today"].label]["Id"].str.len().eq(18).all()


def test_changing_rep_in_the_sidebar_changes_the_page(app, facts):
    reps = scorecard(facts, ANCHOR, FiscalCalendar(), "SMB")[0]
    first, second = reps.index[:2]
    at = app("pages/rep.py", team="SMB", rep=first)
    at.selectbox(key="rep").set_value(second).run()
    assert at.title[0].value == reps.loc[second, "Name"]
    assert at.query_params["rep"] == second
    revenue = {m.label: m.value for m in at.metric}[KPIS["revenue_qtd"].label]
    assert revenue == KPIS["revenue_qtd"].format(reps.loc[second, "revenue_qtd"], compact=True)


def test_a_rep_of_another_team_in_the_url_gives_the_teams_first_rep(app, facts):
    adr = scorecard(facts, ANCHOR, FiscalCalendar(), "ADR")[0]
    smb = scorecard(facts, ANCHOR, FiscalCalendar(), "SMB")[0]
    at = app("pages/rep.py", team="SMB", rep=adr.index[0])
    assert at.title[0].value == smb["Name"].iloc[0]


def test_record_ids_link_to_salesforce_when_the_instance_is_known(app, facts, monkeypatch):
    monkeypatch.setenv("SALESFORCE_INSTANCE_URL", "https://acme.my.salesforce.com/")
    reps = scorecard(facts, ANCHOR, FiscalCalendar(), "ADR")[0]
    at = app("pages/rep.py", team="ADR", rep=reps["sal_month"].idxmax())
    tables = {tab.label: tab.dataframe[0].value for tab in at.tabs if len(tab.dataframe)}
    leads = tables[KPIS["sal_month"].label]
    assert leads["LeadId"].str.match(r"^https://acme\.my\.salesforce\.com/00Q\w{15}$").all()
    assert tables[KPIS["calls_today"].label]["Id"].str.startswith("https://acme.my.salesforce.com/00T").all()
