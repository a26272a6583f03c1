"""The live pull: the real simple-salesforce client against a local HTTPS server speaking Salesforce's REST
wire format (tests/salesforce/fake_server.py), serving the same small org the CSV tests read."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from salesforce.fake_server import PASSWORD, SECURITY_TOKEN, USERNAME, FakeOrg, Faults, fake_salesforce

from kpi.sources import load_folder, store_org
from kpi.sources.salesforce import Credentials, PullError, pull, check_connection
from kpi.sources.sample_org import OrgShape, write_sample_org
from kpi.store import Store
from kpi.summary import prepare, summary

SHAPE = OrgShape(start=date(2026, 10, 1), history_start=date(2026, 10, 1), departure=None, new_hire_weeks=None,
                 adrs=2, smb_reps=2, mm_reps=2, leads_per_business_day=5, customers_per_rep=3, warm_pipeline_days=30)
SINCE = pd.Timestamp("2026-01-01", tz="UTC")
AS_OF = pd.Timestamp("2026-11-24")
LOGIN = Credentials(username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN)


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("org")
    write_sample_org(folder, SHAPE, seed=1)
    return folder


@pytest.fixture(scope="module")
def org(exports) -> FakeOrg:
    return FakeOrg.from_csv_folder(exports)


def figures(loaded) -> dict:
    return summary(prepare(loaded), AS_OF)


def test_a_pull_gives_the_same_numbers_as_the_exported_files(exports, org, tmp_path):
    store = Store(tmp_path / "store")
    with fake_salesforce(org) as served:
        record, use = pull(LOGIN, store, SINCE, served.session)
    assert record.source == "salesforce pull" and store.version() == 1
    # Counted through the client's session: every describe, query page and the closing /limits call.
    assert use.calls == served.count("/services/data/") and use.daily_max == 15_000
    assert use.remaining == 15_000 - served.api_used
    pulled = store_org(store, goals_file=exports / "goals.csv")  # goals are not a Salesforce object
    expected = figures(load_folder(exports))
    assert figures(pulled) == expected
    assert expected["team"]["revenue_qtd"] > 0 and expected["team"]["activities_today"] > 0  # not vacuous
    # Every object was described before it was queried, and only its described fields were asked for.
    assert served.count("/describe") == 9 and served.count("/query") >= 9


def test_a_session_expiring_mid_pull_logs_in_again_and_finishes(exports, org, tmp_path):
    store = Store(tmp_path / "store")
    with fake_salesforce(org, Faults(expire_session_after=6)) as served:
        pull(LOGIN, store, SINCE, served.session)
    assert len(store.tables()["activities"]) == len(load_folder(exports).activities)


@pytest.mark.parametrize("faults, reason", [
    (Faults(rate_limited=True), "daily API request limit is reached"),
    (Faults(drop_connection_at=8), "the network failed"),
    (Faults(server_error_at=5), "Salesforce answered 500"),
])
def test_a_pull_that_fails_leaves_the_last_good_data(org, tmp_path, faults, reason):
    store = Store(tmp_path / "store")
    with fake_salesforce(org) as served:
        pull(LOGIN, store, SINCE, served.session)
    good = store.tables()["opportunities"]
    with fake_salesforce(org, faults) as served, pytest.raises(PullError, match=reason) as raised:
        pull(LOGIN, store, SINCE, served.session)
    assert store.version() == 1 and store.tables()["opportunities"].equals(good)
    assert PASSWORD not in str(raised.value) and SECURITY_TOKEN not in str(raised.value)


def test_a_wrong_password_is_said_without_the_password(org, tmp_path):
    with fake_salesforce(org) as served, pytest.raises(PullError, match="logging in") as raised:
        pull(Credentials(username=USERNAME, password="hunter2-wrong", security_token=SECURITY_TOKEN),
             Store(tmp_path / "store"), SINCE, served.session)
    assert "hunter2-wrong" not in str(raised.value) and "hunter2-wrong" not in repr(raised.value)


def test_a_field_removed_from_the_org_is_left_out_not_fatal(org, tmp_path):
    store = Store(tmp_path / "store")
    with fake_salesforce(org, Faults(removed_fields={"Opportunity": {"ForecastCategoryName"}})) as served:
        pull(LOGIN, store, SINCE, served.session)
    deals = store.tables()["opportunities"]
    assert len(deals) > 0 and deals["ForecastCategoryName"].isna().all()
    assert not any("ForecastCategoryName" in query for query in served.queries if "FROM Opportunity" in query)


def test_credentials_come_from_the_documented_variables_and_never_show():
    creds = Credentials.from_environment({"SALESFORCE_USERNAME": "ann@example.com", "SALESFORCE_PASSWORD": "pw1",
                                         "SALESFORCE_SECURITY_TOKEN": "tok1", "SALESFORCE_DOMAIN": "test"})
    assert creds.flow == "username and password" and creds.domain == "test"
    assert "pw1" not in repr(creds) and "tok1" not in repr(creds)
    assert Credentials.from_environment({"SALESFORCE_ACCESS_TOKEN": "t", "SALESFORCE_INSTANCE_URL": "https://x"}
                                        ).flow == "access token"
    with pytest.raises(PullError, match="no Salesforce credentials"):
        _ = Credentials.from_environment({}).flow


def test_the_connection_test_says_where_and_how_much_is_left(org):
    with fake_salesforce(org, Faults(api_used=100)) as served:
        said = check_connection(LOGIN, served.session)
    # 100 used before; the /limits call itself is the 101st: 15,000 - 101 = 14,899 left.
    assert said == "Connected to 127.0.0.1:{} (username and password); 1 API calls; 14,899 of 15,000 left today".format(
        served.instance_url.rsplit(":", 1)[1])
