"""The fake Salesforce server, driven by the real simple-salesforce client."""
from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
import requests
from simple_salesforce import Salesforce
from simple_salesforce.exceptions import (SalesforceAuthenticationFailed, SalesforceExpiredSession,
                                          SalesforceGeneralError, SalesforceMalformedRequest,
                                          SalesforceRefusedRequest, SalesforceResourceNotFound)

from .fake_server import (CONSUMER_KEY, CONSUMER_SECRET, PASSWORD, SECURITY_TOKEN, USERNAME, FakeOrg, Faults,
                          fake_salesforce)

LIVE, DELETED = 4500, 100


def _opportunities() -> pd.DataFrame:
    n = LIVE + DELETED
    return pd.DataFrame({
        "Id": [f"0065g{i:010d}AAA" for i in range(n)],
        "Name": [f"Deal {i}" for i in range(n)],
        "OwnerId": ["0055g000000HCbSAAW" if i % 2 else "00G5g000000QueueAA" for i in range(n)],
        "Amount": [float(i * 10) if i % 7 else None for i in range(n)],
        "CloseDate": [f"2026-{1 + i % 12:02d}-15" for i in range(n)],
        "IsWon": [i % 3 == 0 for i in range(n)],
        "SystemModstamp": [f"2026-{1 + i % 12:02d}-01T10:00:00.000+0000" for i in range(n)],
        "IsDeleted": [i >= LIVE for i in range(n)],
    })


@pytest.fixture(scope="module")
def org() -> FakeOrg:
    return FakeOrg({"Opportunity": _opportunities(),
                    "User": pd.DataFrame({"Id": ["0055g000000HCbSAAW"], "Name": ["Ada"], "IsActive": [True]})})


@pytest.fixture()
def served(org):
    with fake_salesforce(org) as s:
        yield s


def _client(served) -> Salesforce:
    return Salesforce(session_id=served.access_token, instance_url=served.instance_url, session=served.session)


# --------------------------------------------------------------------------------------------- REST

def test_session_is_pinned_to_the_local_ca(served):
    assert served.session.trust_env is False and served.session.verify == served.ca_path
    assert served.instance_url.startswith("https://127.0.0.1:")


def test_query_all_pages_through_2000_record_pages(served):
    sf = _client(served)
    result = sf.query_all("SELECT Id, Name, Amount, CloseDate, IsWon, SystemModstamp FROM Opportunity")
    assert result["totalSize"] == LIVE == len(result["records"])
    assert served.count("/query") == 3  # first page + 2 nextRecordsUrl pages
    first = result["records"][0]
    assert first["attributes"]["type"] == "Opportunity"
    assert first["attributes"]["url"] == "/services/data/v59.0/sobjects/Opportunity/0065g0000000000AAA"
    assert list(first) == ["attributes", "Id", "Name", "Amount", "CloseDate", "IsWon", "SystemModstamp"]
    assert first["Amount"] is None and first["IsWon"] is True and first["SystemModstamp"].endswith(".000+0000")
    assert result["records"][1]["Amount"] == 10.0
    assert len({r["Id"] for r in result["records"]}) == LIVE


def test_first_page_wire_format(served):
    page = _client(served).query("SELECT Id FROM Opportunity")
    assert page["totalSize"] == LIVE and page["done"] is False and len(page["records"]) == 2000
    assert page["nextRecordsUrl"].startswith("/services/data/v59.0/query/01g")
    assert page["nextRecordsUrl"].endswith("-2000")


def test_query_all_iter_include_deleted_uses_query_all(served):
    sf = _client(served)
    rows = list(sf.query_all_iter("SELECT Id, IsDeleted FROM Opportunity", include_deleted=True))
    assert len(rows) == LIVE + DELETED
    assert sum(r["IsDeleted"] for r in rows) == DELETED
    assert served.count("/queryAll") == 1  # then nextRecordsUrl pages under /query/


def test_where_on_system_modstamp_and_order_by(served):
    sf = _client(served)
    rows = sf.query_all("SELECT Id, SystemModstamp FROM Opportunity "
                        "WHERE SystemModstamp >= 2026-11-01T00:00:00Z ORDER BY SystemModstamp DESC")["records"]
    assert rows and all(r["SystemModstamp"] >= "2026-11-01" for r in rows)
    assert rows[0]["SystemModstamp"].startswith("2026-12-01")
    assert len(rows) == sum(1 for i in range(LIVE) if 1 + i % 12 >= 11)
    assert served.queries[-1].startswith("SELECT Id, SystemModstamp FROM Opportunity WHERE")


def test_unknown_field_and_malformed_query(served):
    sf = _client(served)
    with pytest.raises(SalesforceMalformedRequest) as bad_field:
        sf.query("SELECT Id, Nope__c FROM Opportunity")
    assert bad_field.value.content[0]["errorCode"] == "INVALID_FIELD"
    assert "No such column 'Nope__c' on entity 'Opportunity'" in bad_field.value.content[0]["message"]
    with pytest.raises(SalesforceMalformedRequest) as malformed:
        sf.query("SELEKT Id FROM Opportunity")
    assert malformed.value.content[0]["errorCode"] == "MALFORMED_QUERY"
    with pytest.raises(SalesforceMalformedRequest) as quoted:
        sf.query("SELECT Id FROM Opportunity WHERE SystemModstamp > '2026-01-01T00:00:00Z'")
    assert quoted.value.content[0]["errorCode"] == "INVALID_QUERY_FILTER_OPERATOR"


def test_describe(served):
    sf = _client(served)
    d = sf.Opportunity.describe()
    types = {f["name"]: f["type"] for f in d["fields"]}
    assert d["name"] == "Opportunity"
    assert types == {"Id": "id", "Name": "string", "OwnerId": "reference", "Amount": "currency",
                     "CloseDate": "date", "IsWon": "boolean", "SystemModstamp": "datetime", "IsDeleted": "boolean"}
    owner = next(f for f in d["fields"] if f["name"] == "OwnerId")
    assert owner["referenceTo"] == ["Group", "User"] and owner["relationshipName"] == "Owner"
    with pytest.raises(SalesforceResourceNotFound) as missing:
        sf.Lead.describe()
    assert missing.value.content[0]["errorCode"] == "NOT_FOUND"


def test_limits_and_api_usage(served):
    sf = _client(served)
    first = sf.limits()["DailyApiRequests"]
    assert first == {"Max": 15000, "Remaining": 14999}
    sf.query("SELECT Id FROM User")
    assert sf.limits()["DailyApiRequests"]["Remaining"] == 14997
    assert sf.api_usage["api-usage"].used == 3 and sf.api_usage["api-usage"].total == 15000


def test_versions_list_needs_no_session(served):
    versions = served.session.get(served.instance_url + "/services/data/").json()
    assert {"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"} in versions


# --------------------------------------------------------------------------------------------- faults

def test_missing_token_is_401(served):
    r = served.session.get(served.instance_url + "/services/data/v59.0/limits")
    assert r.status_code == 401
    assert r.json() == [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]


def test_expired_session_raises_for_a_token_client(org):
    with fake_salesforce(org, Faults(expire_session_after=2)) as served:
        sf = _client(served)
        sf.limits()
        with pytest.raises(SalesforceExpiredSession) as exc:
            sf.query_all("SELECT Id FROM Opportunity")
        assert exc.value.status == 401 and exc.value.content[0]["errorCode"] == "INVALID_SESSION_ID"
        with pytest.raises(SalesforceExpiredSession):
            sf.limits()  # and stays expired


def test_expired_session_is_renewed_by_a_credentials_client(org):
    with fake_salesforce(org, Faults(expire_session_after=2)) as served:
        sf = Salesforce(username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN, session=served.session)
        sf.limits()
        assert sf.query_all("SELECT Id FROM Opportunity")["totalSize"] == LIVE  # re-login via SOAP, retried
        assert served.count("/services/Soap/u/") == 2


def test_rate_limited(org):
    with fake_salesforce(org, Faults(rate_limited=True)) as served:
        with pytest.raises(SalesforceRefusedRequest) as exc:
            _client(served).query_all("SELECT Id FROM Opportunity")
        assert exc.value.status == 403
        assert exc.value.content == [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]


def test_daily_limit_runs_out(org):
    with fake_salesforce(org, Faults(api_used=14999)) as served:
        sf = _client(served)
        assert sf.limits()["DailyApiRequests"]["Remaining"] == 0
        with pytest.raises(SalesforceRefusedRequest):
            sf.limits()


def test_server_error_at(org):
    with fake_salesforce(org, Faults(server_error_at=2)) as served:
        sf = _client(served)
        with pytest.raises(SalesforceGeneralError) as exc:
            sf.query_all("SELECT Id FROM Opportunity")  # page 1 fine, page 2 fails
        assert exc.value.status == 500 and exc.value.content[0]["errorCode"] == "UNKNOWN_EXCEPTION"
        assert sf.limits()["DailyApiRequests"]["Max"] == 15000  # only the Nth request


def test_drop_connection_at(org):
    with fake_salesforce(org, Faults(drop_connection_at=2)) as served:
        sf = _client(served)
        sf.limits()
        with pytest.raises(requests.exceptions.ConnectionError):
            sf.limits()
        assert sf.limits()["DailyApiRequests"]["Max"] == 15000


def test_removed_fields(org):
    with fake_salesforce(org, Faults(removed_fields={"Opportunity": {"Amount"}})) as served:
        sf = _client(served)
        assert "Amount" not in {f["name"] for f in sf.Opportunity.describe()["fields"]}
        with pytest.raises(SalesforceMalformedRequest) as exc:
            sf.query("SELECT Id, Amount FROM Opportunity")
        assert exc.value.content[0]["errorCode"] == "INVALID_FIELD"


# --------------------------------------------------------------------------------------------- Bulk 2.0

def test_bulk2_query_pages_csv(served):
    sf = _client(served)
    pages = list(sf.bulk2.Opportunity.query("SELECT Id, Amount, IsWon, SystemModstamp FROM Opportunity",
                                           max_records=2000, wait=0))
    assert len(pages) == 3
    rows = [row for page in pages for row in csv.DictReader(io.StringIO(page))]
    assert len(rows) == LIVE
    assert pages[0].splitlines()[0] == '"Id","Amount","IsWon","SystemModstamp"'
    assert pages[0].splitlines()[1] == '"0065g0000000000AAA","","true","2026-01-01T10:00:00.000Z"'
    assert served.count("/jobs/query", "POST") == 1 and served.count("/results") == 3


def test_bulk2_query_all_includes_deleted(served):
    sf = _client(served)
    pages = list(sf.bulk2.Opportunity.query_all("SELECT Id FROM Opportunity", max_records=50000, wait=0))
    assert len(pages) == 1 and len(pages[0].splitlines()) == 1 + LIVE + DELETED


# --------------------------------------------------------------------------------------------- logins

def test_password_login_uses_soap(served):
    sf = Salesforce(username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN, session=served.session)
    assert sf.sf_instance == served.instance_url.removeprefix("https://")
    assert sf.query("SELECT Id FROM User")["totalSize"] == 1
    assert ("POST", "/services/Soap/u/59.0") in served.requests


def test_password_login_to_sandbox(served):
    sf = Salesforce(username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN, domain="test",
                    session=served.session)
    assert sf.limits()["DailyApiRequests"]["Max"] == 15000


def test_wrong_password(served):
    with pytest.raises(SalesforceAuthenticationFailed) as exc:
        Salesforce(username=USERNAME, password="wrong", security_token=SECURITY_TOKEN, session=served.session)
    assert exc.value.code == "INVALID_LOGIN"
    assert "Invalid username, password, security token" in exc.value.auth_message


def test_oauth_password_flow(served):
    sf = Salesforce(username=USERNAME, password=PASSWORD + SECURITY_TOKEN, consumer_key=CONSUMER_KEY,
                    consumer_secret=CONSUMER_SECRET, session=served.session)
    assert sf.limits()["DailyApiRequests"]["Max"] == 15000
    assert served.count("/services/oauth2/token") == 1


def test_jwt_bearer_login(served):
    rsa = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.rsa",
                              reason="cryptography is needed to sign the JWT")
    from cryptography.hazmat.primitives import serialization
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    sf = Salesforce(username=USERNAME, consumer_key=CONSUMER_KEY, privatekey=pem, session=served.session)
    assert sf.query("SELECT Id FROM User")["totalSize"] == 1
    # the library warns (and raises) on Salesforce's "user hasn't approved this consumer"
    with pytest.raises(SalesforceAuthenticationFailed) as exc, pytest.warns(UserWarning, match="authorize"):
        Salesforce(username="someone.else@example.com", consumer_key=CONSUMER_KEY, privatekey=pem,
                   session=served.session)
    assert exc.value.code == "invalid_grant"


def test_client_credentials_on_my_domain(served):
    sf = Salesforce(consumer_key=CONSUMER_KEY, consumer_secret=CONSUMER_SECRET, domain="acme.my",
                    session=served.session)
    assert sf.limits()["DailyApiRequests"]["Max"] == 15000
    with pytest.raises(SalesforceAuthenticationFailed) as exc:
        Salesforce(consumer_key=CONSUMER_KEY, consumer_secret="wrong", domain="acme.my", session=served.session)
    assert exc.value.code == "invalid_client"


def test_token_endpoint_wire_format(served):
    r = served.session.post("https://acme.my.salesforce.com/services/oauth2/token",
                            data={"grant_type": "client_credentials", "client_id": CONSUMER_KEY,
                                  "client_secret": CONSUMER_SECRET})
    body = r.json()
    assert r.status_code == 200
    assert set(body) >= {"access_token", "instance_url", "id", "token_type", "issued_at", "signature"}
    assert body["token_type"] == "Bearer" and body["instance_url"] == served.instance_url
    refused = served.session.post("https://login.salesforce.com/services/oauth2/token",
                                  data={"grant_type": "client_credentials"})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"


# --------------------------------------------------------------------------------------------- CSV folder

def test_from_csv_folder(tmp_path):
    (tmp_path / "Opportunity.csv").write_text(
        "Id,Name,Amount,Probability,CloseDate,CreatedDate,IsWon,Phone\n"
        "0065g0000021sMyAAI,Big deal,139100.0,100,2026-05-11,2025-12-25T14:30:12.000Z,true,0123\n"
        "0065g0000021sMzAAI,,,,,,false,\n")
    (tmp_path / "goals.csv").write_text("a,b\n1,2\n")
    org = FakeOrg.from_csv_folder(tmp_path)
    assert list(org.objects) == ["Opportunity"]
    first, second = org.records("Opportunity")
    assert first == {"Id": "0065g0000021sMyAAI", "Name": "Big deal", "Amount": 139100.0, "Probability": 100.0,
                     "CloseDate": "2026-05-11", "CreatedDate": "2025-12-25T14:30:12.000+0000", "IsWon": True,
                     "Phone": "0123", "IsDeleted": False, "SystemModstamp": "2025-12-25T14:30:12.000+0000"}
    assert second["Name"] is None and second["Amount"] is None and second["IsWon"] is False
    with fake_salesforce(org) as served:
        rows = _client(served).query_all("SELECT Id, Amount FROM Opportunity "
                                         "WHERE SystemModstamp > 2025-01-01T00:00:00Z")["records"]
        assert [r["Id"] for r in rows] == ["0065g0000021sMyAAI"]


def test_campaigns_and_their_members_from_data_loader_files(tmp_path):
    (tmp_path / "Campaign.csv").write_text(
        "Id,Name,Type,StartDate,ActualCost,CreatedDate\n"
        "7015g00000CampAAAA,Spring webinar,Webinar,2026-03-02,1500,2026-02-01T09:00:00.000Z\n")
    (tmp_path / "CampaignMember.csv").write_text(
        "Id,CampaignId,LeadId,ContactId,HasResponded,FirstRespondedDate,CreatedDate\n"
        "00v5g00000MembAAAA,7015g00000CampAAAA,00Q5g00000LeadAAAA,,true,2026-03-02,2026-02-10T09:00:00.000Z\n"
        "00v5g00000MembAAAB,7015g00000CampAAAA,,0035g00000ContAAAA,false,,2026-02-11T09:00:00.000Z\n")
    with fake_salesforce(FakeOrg.from_csv_folder(tmp_path)) as served:
        sf = _client(served)
        campaign = {f["name"]: f for f in sf.Campaign.describe()["fields"]}
        member = {f["name"]: f for f in sf.CampaignMember.describe()["fields"]}
        rows = sf.query_all("SELECT Id, ActualCost FROM Campaign")["records"]
    # A cost is money even without a decimal point in the file; members point at their campaign, lead and contact.
    assert campaign["ActualCost"]["type"] == "currency" and rows[0]["ActualCost"] == 1500.0
    assert {name: member[name]["type"] for name in ("HasResponded", "FirstRespondedDate", "CreatedDate")} == {
        "HasResponded": "boolean", "FirstRespondedDate": "date", "CreatedDate": "datetime"}
    assert [member[name]["referenceTo"] for name in ("CampaignId", "LeadId", "ContactId")] == [
        ["Campaign"], ["Lead"], ["Contact"]]
