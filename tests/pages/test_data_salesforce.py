"""The Data page's Salesforce buttons, against the local fake Salesforce (real client, real HTTPS)."""

import pandas as pd
import pytest
from salesforce.fake_server import FakeOrg, Faults, fake_salesforce

from kpi.sources import store_root
from kpi.store import Store

ANN = "0055g00000AnnAAAAA"
ORG = FakeOrg({
    "User": pd.DataFrame({"Id": [ANN], "Name": ["Ann Lee"], "FirstName": ["Ann"], "LastName": ["Lee"],
                          "IsActive": [True], "Department": ["SMB"], "TimeZoneSidKey": ["UTC"]}),
    "Opportunity": pd.DataFrame({"Id": ["0065g00000AAAAAAAA"], "OwnerId": [ANN], "Amount": [1500.0],
                                 "CloseDate": ["2026-11-03"], "IsClosed": [True], "IsWon": [True],
                                 "StageName": ["Closed Won"], "CreatedDate": ["2026-10-01T09:00:00.000+0000"]}),
})


@pytest.fixture
def salesforce_env(monkeypatch):
    """The fake org served, with the environment a user sets for an access-token login."""
    def serve(faults: Faults | None = None):
        served_context = fake_salesforce(ORG, faults)
        served = served_context.__enter__()
        monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", served.access_token)
        monkeypatch.setenv("SALESFORCE_INSTANCE_URL", served.instance_url)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", served.ca_path)  # the client's own session trusts the server
        contexts.append(served_context)
        return served
    contexts = []
    yield serve
    for context in contexts:
        context.__exit__(None, None, None)


def test_without_credentials_the_page_says_which_variables_to_set(app):
    at = app("pages/data.py")
    assert any("SALESFORCE_ACCESS_TOKEN" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key in ("sf_test", "sf_pull")]


def test_test_connection_then_refresh_fills_the_store(app, salesforce_env):
    served = salesforce_env()
    at = app("pages/data.py")
    assert any("access token" in c.value and served.access_token not in c.value for c in at.caption)
    at.button(key="sf_test").click().run()
    assert at.success[0].value.startswith("Connected to 127.0.0.1") and "of 15,000 left today" in at.success[0].value
    at.button(key="sf_pull").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [s.value for s in at.success if s.value.startswith("Pull 1 is stored (2 rows)")], \
        [s.value for s in at.success] + [e.value for e in at.error]
    assert Store(store_root()).tables()["opportunities"]["Amount"].tolist() == [1500.0]
    assert any("imported data (local store), pulled 0 minutes ago" in c.value for c in at.sidebar.caption)


def test_a_refused_pull_is_said_and_changes_nothing(app, salesforce_env):
    salesforce_env(Faults(rate_limited=True))
    at = app("pages/data.py")
    at.button(key="sf_pull").click().run()
    assert "daily API request limit is reached" in at.error[0].value
    assert Store(store_root()).is_empty()


def test_credentials_in_streamlit_secrets_are_used_and_not_shown():
    from pathlib import Path

    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "dashboard.py"), default_timeout=60)
    at.secrets["SALESFORCE_ACCESS_TOKEN"] = "00Dsecret!token"
    at.secrets["SALESFORCE_INSTANCE_URL"] = "https://acme.my.salesforce.com"
    at.run()
    at.switch_page("pages/data.py").run()
    captions = [c.value for c in at.caption]
    assert any(r"access token, for https\://acme\.my\.salesforce\.com" in c for c in captions), captions
    assert not any("00Dsecret!token" in c for c in captions)


def test_kpi_source_salesforce_shows_what_pulls_stored_and_never_pulls_itself(app, salesforce_env, monkeypatch):
    served = salesforce_env()
    monkeypatch.setenv("KPI_SOURCE", "salesforce")
    at = app()
    assert "is empty: import exports first" in at.error[0].value and served.count("/services/data/") == 0
    at.switch_page("pages/data.py").run()
    at.button(key="sf_pull").click().run()
    at.switch_page("pages/team.py").run()
    assert not at.error and any("imported data (local store), pulled 0 minutes ago" in c.value
                                for c in at.sidebar.caption)
