"""The live pull: the real simple-salesforce client against a local HTTPS server speaking Salesforce's REST
wire format (tests/salesforce/fake_server.py), serving the same small org the CSV tests read."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from salesforce.fake_server import PASSWORD, SECURITY_TOKEN, USERNAME, FakeOrg, Faults, fake_salesforce

from kpi.sources import load_folder, store_org
from kpi.sources.salesforce import OBJECTS, Bulk, Credentials, PullError, check_connection, pull
from kpi.sources.sample_org import OrgShape, write_sample_org
from kpi.store import Store
from kpi.summary import prepare, summary

SHAPE = OrgShape(start=date(2026, 10, 1), history_start=date(2026, 10, 1), departure=None, new_hire_weeks=None,
                 adrs=2, smb_reps=2, mm_reps=2, leads_per_business_day=5, customers_per_rep=3, warm_pipeline_days=30)
SINCE = pd.Timestamp("2026-01-01", tz="UTC")
AS_OF = pd.Timestamp("2026-11-24")
LOGIN = Credentials(username=USERNAME, password=PASSWORD, security_token=SECURITY_TOKEN)
REST_ONLY = Bulk(from_rows=None)
ALL_BULK = Bulk(from_rows=1, poll_seconds=0)  # every object with a row goes through a Bulk API 2.0 query job


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
    assert store.imports()[-1].note == f"{use.calls} API calls; {use.remaining:,} of 15,000 left today"  # logged
    pulled = store_org(store, goals_file=exports / "goals.csv")  # goals are not a Salesforce object
    expected = figures(load_folder(exports))
    assert figures(pulled) == expected
    assert expected["team"]["revenue_qtd"] > 0 and expected["team"]["activities_today"] > 0  # not vacuous
    # Every object was described before it was queried, and only its described fields were asked for: 14 objects
    # (User, UserRole, Account, Task, Event, Lead, LeadHistory, Opportunity, OpportunityFieldHistory,
    # OpportunityPartner, ForecastingQuota, Contact, Campaign, CampaignMember), those the org lacks with a 404.
    assert served.count("/describe") == 14 and served.count("/query") >= len(_served_objects(org))
    # The deals' field history (for week-over-week pipeline) arrives as the export gives it.
    history = ["OpportunityId", "CreatedDate", "Field", "OldValue", "NewValue"]
    assert len(pulled.opportunity_history) > 0 and pulled.opportunity_history.sort_values(history)[history].equals(
        load_folder(exports).opportunity_history.sort_values(history)[history])


PARTNER_FIELDS = {"Account": ["Partner_Recruited_Date__c", "Certification_Status__c", "Certified_Date__c"],
                  "Opportunity": ["PartnerAccountId"]}


def _by_id(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return frame.sort_values("Id")[["Id", *columns]].reset_index(drop=True)


def test_a_pull_brings_opportunity_partners_and_the_partner_fields(exports, org, tmp_path):
    store = Store(tmp_path / "store")
    with fake_salesforce(org) as served:
        pull(LOGIN, store, SINCE, served.session)
    pulled, expected = store_org(store), load_folder(exports)
    assert pulled.has("OpportunityPartner") and len(expected.opportunity_partners) > 0  # not vacuous
    columns = ["OpportunityId", "AccountToId", "IsPrimary", "Role"]
    assert _by_id(pulled.opportunity_partners, columns).equals(_by_id(expected.opportunity_partners, columns))
    assert _by_id(pulled.accounts, PARTNER_FIELDS["Account"]).equals(_by_id(expected.accounts, PARTNER_FIELDS["Account"]))
    assert pulled.accounts["Certification_Status__c"].notna().any()
    assert _by_id(pulled.opportunities, ["PartnerAccountId"]).equals(_by_id(expected.opportunities, ["PartnerAccountId"]))
    # It is small: the REST query, read whole on a first pull (only the busy objects are windowed).
    assert [q.split(" FROM ")[1] for q in served.queries if "FROM OpportunityPartner" in q and "COUNT()" not in q] \
        == ["OpportunityPartner"]


def test_an_org_without_partner_fields_or_opportunity_partners_still_pulls(exports, tmp_path):
    """Partner fields are custom (Account) or need partner relationship management (Opportunity): an org
    without them, and without OpportunityPartner rows, pulls the rest."""
    org = FakeOrg.from_csv_folder(exports)
    del org.objects["OpportunityPartner"]
    store = Store(tmp_path / "store")
    with fake_salesforce(org, Faults(removed_fields={k: set(v) for k, v in PARTNER_FIELDS.items()})) as served:
        pull(LOGIN, store, SINCE, served.session)
    pulled = store_org(store)
    assert not pulled.has("OpportunityPartner") and pulled.opportunity_partners.empty
    assert len(pulled.accounts) > 0 and pulled.accounts[PARTNER_FIELDS["Account"]].isna().all().all()
    assert len(pulled.opportunities) > 0 and pulled.opportunities["PartnerAccountId"].isna().all()
    assert not any(field in query for query in served.queries for fields in PARTNER_FIELDS.values()
                   for field in fields)


def test_through_bulk_api_2_a_pull_gives_the_same_numbers_too(exports, org, tmp_path):
    store = Store(tmp_path / "store")
    with fake_salesforce(org) as served:
        pull(LOGIN, store, SINCE, served.session, bulk=ALL_BULK)
    assert figures(store_org(store, goals_file=exports / "goals.csv")) == figures(load_folder(exports))
    # Bulk CSV (quoted cells, null as empty, '...000Z' datetimes, true/false) read like a Data Loader file: every
    # object the org has came through a query job (a user, a role... each has rows), and REST only counted the rows.
    assert served.count("/jobs/query", "POST") == len(_served_objects(org))
    assert all("COUNT()" in query for query in served.queries if query not in _bulk_jobs(served))


def _served_objects(org: FakeOrg) -> set[str]:
    """The objects a pull reads that this org has (the sample's exports may not hold every one)."""
    return set(OBJECTS) & set(org.objects)


def _bulk_jobs(served) -> list[str]:
    """The SOQL of the Bulk 2.0 jobs created (the server logs REST and Bulk SOQL alike, in order)."""
    return [query for query in served.queries if "COUNT()" not in query]


@pytest.mark.parametrize("bulk, expire_at", [(REST_ONLY, 6), (ALL_BULK, 8)], ids=["rest", "bulk"])
def test_a_session_expiring_mid_pull_logs_in_again_and_finishes(exports, org, tmp_path, bulk, expire_at):
    store = Store(tmp_path / "store")
    with fake_salesforce(org, Faults(expire_session_after=expire_at)) as served:
        pull(LOGIN, store, SINCE, served.session, bulk=bulk)
    assert len(store.tables()["activities"]) == len(load_folder(exports).activities)
    assert served.count("/services/Soap/u/") == 2  # logged in again, once
    # Bulk: requests 1-5 are User's describe, count, job, poll, results; 6-7 UserRole's describe and count; the
    # 8th, UserRole's job, is refused: the job is created again after the new login, one job per object + 1.
    assert served.count("/jobs/query", "POST") == (len(_served_objects(org)) + 1 if bulk is ALL_BULK else 0)


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


@pytest.mark.parametrize("bulk", [REST_ONLY, ALL_BULK], ids=["rest", "bulk"])
def test_a_later_pull_takes_only_what_changed_and_removes_what_was_deleted(exports, tmp_path, bulk):
    store = Store(tmp_path / "store")
    with fake_salesforce(FakeOrg.from_csv_folder(exports)) as served:
        pull(LOGIN, store, SINCE, served.session)
    first = store.tables()["opportunities"].set_index("Id")
    changed, gone = first.index[0], first.index[1]
    # In Salesforce since: one deal's amount changed, another deleted (both touched after the first pull).
    later = (pd.Timestamp.now(tz="UTC") + pd.Timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    org = FakeOrg.from_csv_folder(exports)
    deals = org.objects["Opportunity"]
    deals.loc[deals["Id"] == changed, ["Amount", "SystemModstamp"]] = [123.0, later]
    deals.loc[deals["Id"] == gone, ["IsDeleted", "SystemModstamp"]] = [True, later]
    with fake_salesforce(org) as served:
        record, _ = pull(LOGIN, store, SINCE, served.session, bulk=bulk)
    after = store.tables()["opportunities"].set_index("Id")
    assert after.loc[changed, "Amount"] == 123.0 and gone not in after.index and len(after) == len(first) - 1
    # Only rows modified since the first pull (less 5 minutes) came back, through queryAll: one deal and none of
    # the busy objects (objects the org keeps no SystemModstamp for, here roles and quotas, are read whole).
    assert record.rows["opportunities"] == 1 and not {"activities", "leads", "lead_history"} & set(record.rows)
    assert served.count("/queryAll") >= 1


def test_a_custom_field_named_in_the_mapping_file_is_pulled(tmp_path):
    users = pd.DataFrame({"Id": ["0055g00000AnnAAAAA"], "Name": ["Ann Lee"], "IsActive": [True],
                          "CreatedDate": ["2026-01-05T09:00:00.000+0000"]})
    leads = pd.DataFrame({"Id": ["00Q5g00000AAAAAAAA"], "OwnerId": ["0055g00000AnnAAAAA"], "Status": ["SAL"],
                          "CreatedDate": ["2026-11-02T09:00:00.000+0000"], "Accepted_On__c": ["2026-11-03"]})
    store = Store(tmp_path / "store")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "mapping.toml").write_text('[leads]\n"Accepted_On__c" = "SAL_Date__c"\n')
    with fake_salesforce(FakeOrg({"User": users, "Lead": leads})) as served:
        pull(LOGIN, store, SINCE, served.session)
    assert any("Accepted_On__c" in query for query in served.queries if "FROM Lead" in query)
    assert store.tables()["leads"]["SAL_Date__c"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-03"]


def calls_org(n: int) -> FakeOrg:
    """One user and `n` completed calls of hers."""
    users = pd.DataFrame({"Id": ["0055g00000AnnAAAAA"], "Name": ["Ann Lee"], "IsActive": [True]})
    tasks = pd.DataFrame({"Id": [f"00T5g{i:010d}AAA" for i in range(n)], "OwnerId": "0055g00000AnnAAAAA",
                          "TaskSubtype": "Call", "Status": "Completed", "IsClosed": True,
                          "CreatedDate": "2026-11-02T09:00:00.000+0000"})
    return FakeOrg({"User": users, "Task": tasks})


def test_a_50000_row_object_is_paged_to_the_end(tmp_path):
    n = 50_000
    store = Store(tmp_path / "store")
    with fake_salesforce(calls_org(n)) as served:
        record, use = pull(LOGIN, store, SINCE, served.session, bulk=REST_ONLY)
    # 2,000 records a page: 25 query requests for the 50,000 Tasks, every row stored.
    assert record.rows["activities"] == n and len(store.tables()["activities"]) == n
    assert served.count("/query") - sum("FROM Task" not in q for q in served.queries) == 25


def test_a_large_object_goes_through_bulk_api_2_and_is_paged_by_locator(tmp_path):
    n = 50_001  # one more than a results page: two pages, the second found through Sforce-Locator
    store = Store(tmp_path / "store")
    with fake_salesforce(calls_org(n)) as served:
        record, use = pull(LOGIN, store, SINCE, served.session, bulk=Bulk(from_rows=10_000, poll_seconds=0))
    assert record.rows["activities"] == n and store.tables()["activities"]["Id"].is_unique
    # Tasks: counted by REST (50,001 >= 10,000), then one job, polled, its results fetched in two pages; the one
    # user stays on REST. 14 describes (one per object pulled; 404 for the twelve this org lacks) + 2 counts +
    # 1 user query + job create, poll, 2 pages + /limits = 22 calls.
    assert served.count("/jobs/query", "POST") == 1 and served.count("/results") == 2
    assert served.count("/query") - served.count("/jobs/query") == 3  # COUNT() of User and Task, User's rows
    assert use.calls == 22


# Campaigns: Contact, Campaign and CampaignMember, and the fields campaigns and the lead process add elsewhere.
ANN = "0055g00000AnnAAAAA"
ACME = "0015g00000AcmeAAAA"
CONTACTS = [f"0035g{n:010d}AAA" for n in (1, 2)]
LEADS = [f"00Q5g{n:010d}AAA" for n in (1, 2)]
CAMPAIGNS = [f"7015g{n:010d}AAA" for n in (1, 2, 3)]
MEMBERS = [f"00v5g{n:010d}AAA" for n in range(1, 7)]
NEW_FIELDS = {"Lead": {"Disqualified_Reason__c", "ConvertedAccountId"}, "Account": {"Named_ADR__c"},
              "Task": {"AccountId"}, "Opportunity": {"CampaignId"}, "Campaign": {"ActualCost"}}


def _at(day: str) -> str:
    return f"{day}T09:00:00.000+0000"


def campaign_org(responded: pd.Timestamp | None = None) -> FakeOrg:
    """Ann's org: one account with two contacts, two leads, three campaigns (the first from 2025) and six members,
    the last of the 2025 campaign (before the window); a deal whose primary campaign is the second. `responded`:
    the first member responded, modified at that moment."""
    members = pd.DataFrame({
        "Id": MEMBERS, "CampaignId": [CAMPAIGNS[1]] * 3 + [CAMPAIGNS[2]] * 2 + [CAMPAIGNS[0]],
        "LeadId": [LEADS[0], LEADS[1], None, LEADS[0], None, LEADS[1]],
        "ContactId": [None, None, CONTACTS[0], None, CONTACTS[1], None],
        "Status": ["Sent"] * 6, "HasResponded": [False] * 6, "FirstRespondedDate": [None] * 6,
        "CreatedDate": [_at(d) for d in ("2026-03-02", "2026-03-02", "2026-03-03", "2026-04-01", "2026-04-01",
                                         "2025-10-01")]})
    if responded is not None:
        stamp = responded.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
        members.loc[0, ["Status", "HasResponded", "FirstRespondedDate", "SystemModstamp"]] = [
            "Responded", True, "2026-03-04", stamp]
    return FakeOrg({
        "User": pd.DataFrame({"Id": [ANN], "Name": ["Ann Lee"], "IsActive": [True],
                              "CreatedDate": [_at("2026-01-02")]}),
        "Account": pd.DataFrame({"Id": [ACME], "Name": ["Acme"], "OwnerId": [ANN], "Named_ADR__c": [ANN],
                                 "CreatedDate": [_at("2026-01-05")]}),
        "Contact": pd.DataFrame({"Id": CONTACTS, "AccountId": [ACME] * 2, "OwnerId": [ANN] * 2,
                                 "Name": ["Cy Coe", "Di Dunn"], "CreatedDate": [_at("2026-01-06")] * 2}),
        "Lead": pd.DataFrame({"Id": LEADS, "OwnerId": [ANN] * 2, "Status": ["Disqualified", "MQL"],
                              "Disqualified_Reason__c": ["No budget", None], "ConvertedAccountId": [None, None],
                              "CreatedDate": [_at("2026-02-01")] * 2}),
        "Task": pd.DataFrame({"Id": ["00T5g00000CallAAAA"], "OwnerId": [ANN], "WhoId": [CONTACTS[0]],
                              "AccountId": [ACME], "TaskSubtype": ["Call"], "Status": ["Completed"],
                              "CreatedDate": [_at("2026-03-05")]}),
        "Opportunity": pd.DataFrame({"Id": ["0065g00000DealAAAA"], "OwnerId": [ANN], "AccountId": [ACME],
                                     "CampaignId": [CAMPAIGNS[1]], "Amount": [12_000.0], "CloseDate": ["2026-06-30"],
                                     "IsClosed": [False], "IsWon": [False], "CreatedDate": [_at("2026-03-10")]}),
        "Campaign": pd.DataFrame({"Id": CAMPAIGNS, "Name": ["Fall trade show", "Spring webinar", "March email"],
                                  "Type": ["Trade Show", "Webinar", "Email"],
                                  "StartDate": ["2025-10-01", "2026-03-02", "2026-03-03"],
                                  "ActualCost": [5000.0, 1500.0, None],
                                  "CreatedDate": [_at(d) for d in ("2025-09-01", "2026-02-01", "2026-02-01")]}),
        "CampaignMember": members})


def _queries(served, obj: str) -> list[tuple[list[str], str]]:
    """The fields selected from `obj` and the rest of each query, from FROM on (counts left out)."""
    split = [query.removeprefix("SELECT ").split(" FROM ") for query in served.queries if "COUNT()" not in query]
    return [(fields.split(", "), tail) for fields, tail in split if tail.split(" ")[0] == obj]


def _soql(served, obj: str) -> list[str]:
    return [tail for _, tail in _queries(served, obj)]


def test_campaigns_members_and_contacts_arrive_in_the_store_across_rest_pages(tmp_path):
    store = Store(tmp_path / "store")
    with fake_salesforce(campaign_org(), page_size=2) as served:
        pull(LOGIN, store, SINCE, served.session, bulk=REST_ONLY)
    pulled = store_org(store)
    assert pulled.problems == () and all(pulled.has(obj) for obj in ("Contact", "Campaign", "CampaignMember"))
    # Campaigns and contacts are read whole (the 2025 campaign too: a member of the window may belong to it, and a
    # contact of years ago is still an account's); members are windowed like the busy objects, so the 2025 member
    # is not pulled.
    assert _soql(served, "Campaign") == ["Campaign"] and _soql(served, "Contact") == ["Contact"]
    assert _soql(served, "CampaignMember") == ["CampaignMember WHERE SystemModstamp >= 2026-01-01T00:00:00Z"]
    assert sorted(pulled.campaigns["Id"]) == CAMPAIGNS and sorted(pulled.campaign_members["Id"]) == MEMBERS[:5]
    # Two records a page: the three campaigns take one more page, the five members two more; nothing else has more
    # than two rows.
    assert served.count("/query/01g") == 3
    campaigns = pulled.campaigns.set_index("Id")
    assert campaigns["ActualCost"].tolist()[:2] == [5000.0, 1500.0] and pd.isna(campaigns["ActualCost"].iloc[2])
    assert campaigns.loc[CAMPAIGNS[1], "StartDate"] == pd.Timestamp("2026-03-02")
    members = pulled.campaign_members.set_index("Id")
    assert members.loc[MEMBERS[2], ["CampaignId", "ContactId"]].tolist() == [CAMPAIGNS[1], CONTACTS[0]]
    assert pd.isna(members.loc[MEMBERS[2], "LeadId"]) and not members["HasResponded"].any()
    assert members.loc[MEMBERS[0], "CreatedDate"] == pd.Timestamp("2026-03-02T09:00:00Z")
    assert pulled.contacts.set_index("Id")["AccountId"].to_dict() == dict.fromkeys(CONTACTS, ACME)
    # The fields campaigns and the lead process read on the other objects come along.
    assert pulled.opportunities["CampaignId"].tolist() == [CAMPAIGNS[1]]
    assert pulled.activities["AccountId"].tolist() == [ACME] and pulled.accounts["Named_ADR__c"].tolist() == [ANN]
    assert pulled.leads.set_index("Id").loc[LEADS[0], "Disqualified_Reason__c"] == "No budget"


def test_a_later_pull_upserts_a_member_that_responded(tmp_path):
    store = Store(tmp_path / "store")
    with fake_salesforce(campaign_org()) as served:
        pull(LOGIN, store, SINCE, served.session)
    first = store.tables()["campaign_members"]
    later = pd.Timestamp.now(tz="UTC").floor("s") + pd.Timedelta(minutes=1)  # after the first pull
    with fake_salesforce(campaign_org(responded=later)) as served:
        record, _ = pull(LOGIN, store, SINCE, served.session)
    after = store.tables()["campaign_members"].set_index("Id")
    # Only the changed member came back (through queryAll, which also names deletions), and replaced its row.
    assert record.rows == {"campaign_members": 1} and len(after) == len(first) == 5
    assert after.loc[MEMBERS[0], ["Status", "HasResponded", "FirstRespondedDate"]].tolist() == [
        "Responded", True, pd.Timestamp("2026-03-04")]
    assert not after.drop(index=MEMBERS[0])["HasResponded"].any()
    assert served.count("/queryAll") >= 1 and _soql(served, "CampaignMember")[0].startswith(
        "CampaignMember WHERE SystemModstamp >= ")


def test_fields_the_org_lacks_are_not_asked_for(tmp_path):
    store = Store(tmp_path / "store")
    with fake_salesforce(campaign_org(), Faults(removed_fields=NEW_FIELDS)) as served:
        pull(LOGIN, store, SINCE, served.session)
    pulled = store_org(store)
    assert all(_queries(served, obj) for obj in NEW_FIELDS)  # each object was pulled, without those fields
    assert not [(obj, fields & set(asked)) for obj, fields in NEW_FIELDS.items() for asked, _ in _queries(served, obj)
                if fields & set(asked)]
    assert len(pulled.campaigns) == 3 and pulled.campaigns["ActualCost"].isna().all()
    assert pulled.opportunities["CampaignId"].isna().all() and pulled.activities["AccountId"].isna().all()


def test_an_org_that_hides_campaigns_from_the_user_still_pulls_the_rest(tmp_path):
    """Without read access to Campaign (nor so to CampaignMember), Salesforce describes neither (404), as for an org
    without Forecasting: the rest is pulled, and the two are missing, which the campaign pages say."""
    org = campaign_org()
    del org.objects["Campaign"], org.objects["CampaignMember"]
    store = Store(tmp_path / "store")
    with fake_salesforce(org) as served:
        pull(LOGIN, store, SINCE, served.session)
    pulled = store_org(store)
    assert not pulled.has("Campaign") and not pulled.has("CampaignMember") and pulled.has("Contact")
    assert pulled.campaigns.empty and pulled.campaign_members.empty
    assert len(pulled.leads) == 2 and pulled.opportunities["CampaignId"].tolist() == [CAMPAIGNS[1]]
    assert not any("FROM Campaign" in query for query in served.queries)
