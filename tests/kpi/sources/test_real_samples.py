"""Real public Salesforce exports (../shared/samples, kept untidy on purpose) load through `load_folder`.

Expected counts were taken from the files by hand: `wc -l` minus the header (none of these files has a value
over several lines), and `csv.DictReader` tallies of the columns asserted on.
"""

from pathlib import Path

import pandas as pd
import pytest

from kpi.schema import TABLES
from kpi.sources import load_folder
from kpi.sources.conform import conform
from kpi.sources.csv_text import read_text
from kpi.sources.files import export_files, read_files

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"
pytestmark = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not beside the repository")
UNKNOWN_COLUMNS = ("has columns no object we read is known by ({}); match them to an object on the Data page, "
                   "or add them to the mapping file")


@pytest.fixture(scope="module")
def workshop():
    return load_folder(SAMPLES / "data-cloud-workshop")


def test_data_cloud_workshop_files_are_recognised_and_counted():
    batch = read_files(export_files(SAMPLES / "data-cloud-workshop"))
    # wc -l: Account 23, Campaign 9, CampaignMember 69, Lead 61, Opportunity 51, Task 76 lines, each with a header.
    assert {r.file: (r.object, r.table, r.rows, r.rejected) for r in batch.reports} == {
        "Account.csv": ("Account", "accounts", 22, 0),
        "Campaign.csv": ("Campaign", "campaigns", 8, 0),
        "CampaignMember.csv": ("CampaignMember", "campaign_members", 68, 0),
        "Lead.csv": ("Lead", "leads", 60, 0),
        "Opportunity.csv": ("Opportunity", "opportunities", 50, 0),
        "Task.csv": ("Task", "activities", 75, 0),
    }
    assert batch.problems == ()
    # A UTF-8 byte-order mark opens every file: the first column is 'Id', not '\ufeffId'.
    assert all(r.columns[0] == "Id" for r in batch.reports)


def test_data_cloud_workshop_tables(workshop):
    org = workshop
    assert org.problems == ()
    assert org.missing == ("User", "UserRole", "Event", "LeadHistory", "ForecastingQuota", "goals",
                           "OpportunityFieldHistory", "OpportunityPartner", "Contact", "named_accounts")
    assert (len(org.accounts), len(org.leads), len(org.opportunities), len(org.activities)) == (22, 60, 50, 75)
    assert (len(org.campaigns), len(org.campaign_members)) == (8, 68)


def test_data_cloud_workshop_campaigns_and_members(workshop):
    campaigns = workshop.campaigns.set_index("Id")
    # Types as the org spells them, lower case included ('event' twice); ActualCost empty on all 8 rows: unknown.
    assert campaigns["Type"].value_counts().to_dict() == {"Email": 3, "event": 2, "web marketing": 2,
                                                          "social media": 1}
    assert campaigns["ActualCost"].isna().all() and campaigns["Status"].value_counts().to_dict() == {
        "Completed": 7, "Planned": 1}
    assert campaigns.loc["701Ec00000GJDl9IAH", ["StartDate", "EndDate"]].tolist() == [
        pd.Timestamp("2023-02-27"), pd.Timestamp("2023-03-20")]
    members = workshop.campaign_members
    # Every member 'Sent', none responded (HasResponded and FirstRespondedDate empty on all 68 rows); 34 leads and
    # 34 contacts, each member one or the other; every member's campaign and lead is in the other files.
    assert set(members["Status"]) == {"Sent"} and not members["HasResponded"].any()
    assert members["FirstRespondedDate"].isna().all()
    assert (members["LeadId"].notna().sum(), members["ContactId"].notna().sum()) == (34, 34)
    assert (members["LeadId"].isna() != members["ContactId"].isna()).all()
    assert members["CampaignId"].isin(campaigns.index).all()
    assert members["LeadId"].dropna().isin(workshop.leads["Id"]).all()
    assert members["CampaignId"].value_counts().to_dict()["701Ec00000GJDlDIAX"] == 12  # Savings Boost - January 2024
    assert set(members["CreatedDate"]) == {pd.Timestamp("2024-01-23T02:46:47Z")}


def test_data_cloud_workshop_booleans_written_as_1_or_empty(workshop):
    deals = workshop.opportunities
    # IsWon: '1' in 12 rows, empty in 38; IsClosed: '1' in 15, empty in 35. Empty is false.
    assert (deals["IsWon"].sum(), deals["IsClosed"].sum()) == (12, 15)
    assert deals["IsWon"].dtype == bool and not (deals["IsWon"] & ~deals["IsClosed"]).any()
    assert deals.loc[deals["IsWon"], "Amount"].sum() == pytest.approx(10_542_562.98)  # the 12 won amounts
    assert not workshop.leads["IsConverted"].any() and not workshop.activities["IsClosed"].any()


def test_data_cloud_workshop_dates_and_values(workshop):
    deals = workshop.opportunities.set_index("Id")
    first = deals.loc["006Ec00000AieKFIAZ"]
    assert (first["Amount"], first["CloseDate"], first["StageName"], first["ForecastCategoryName"]) == (
        1124741.15, pd.Timestamp("2024-11-10"), "Qualification", "Pipeline")
    # '2024-01-22T16:14:25.000+0000' on all 50 rows: an offset without a colon.
    assert set(deals["CreatedDate"]) == {pd.Timestamp("2024-01-22T16:14:25Z")}
    tasks = workshop.activities
    assert set(tasks["TaskSubtype"]) == {"Task"} and set(tasks["Status"]) == {"Not Started"}
    assert not tasks["IsEvent"].any() and set(tasks["CreatedDate"]) == {pd.Timestamp("2024-01-23T17:50:51Z")}
    task = tasks.set_index("Id").loc["00TEc00000Co1WhMAJ"]
    assert (task["Subject"], task["ActivityDate"], task["WhoId"]) == (
        "Customer Onboarding", pd.Timestamp("2023-12-25"), "003Ec00000Cz310IAB")
    leads = workshop.leads
    assert leads["Status"].value_counts().to_dict() == {"Qualified": 24, "New": 21, "Working": 15}
    # Lead's Address is a compound field written as JSON, commas and doubled quotes inside one quoted cell.
    assert leads.loc[0, "Name"] == "William Lee" and leads.loc[0, "Company"] == "001Ec00000GINb1IAH"
    accounts = workshop.accounts
    assert accounts["OwnerId"].value_counts().to_dict() == {"005Ec000004oBPNIA2": 21, "005Ec000004o8yHIAQ": 1}


def test_powerbi_excel_resaved_folder():
    org = load_folder(SAMPLES / "powerbi-excel-resaved")
    # Its Opportunity.csv has no owner column at all: it cannot give opportunities, and says why.
    assert [str(p) for p in org.problems] == ["Opportunity.csv: lacks the column OwnerId needed for opportunities"]
    assert "Opportunity" in org.missing and org.opportunities.empty
    assert (len(org.accounts), len(org.leads)) == (18, 22)  # 19 and 23 lines
    leads = org.leads
    # TRUE/FALSE booleans; 'MM/DD/YY' dates: 02/24/26 is 24 February 2026.
    assert leads["IsConverted"].sum() == 5
    converted = leads.loc[leads["IsConverted"]]
    assert converted["Name"].tolist() == ["Bertha Boxer", "Jeff Glimpse", "Brenda Mcclure", "Bill Dadio Jr",
                                          "Betty Bair"]
    assert set(converted["ConvertedDate"]) == {pd.Timestamp("2026-02-24")}
    assert leads.loc[~leads["IsConverted"], "ConvertedDate"].isna().all()
    assert org.accounts["Type"].value_counts().to_dict() == {"Customer - Direct": 7, "Customer - Channel": 4}


def test_powerbi_opportunity_dates_read_month_first_from_two_digit_years():
    # Given an (empty) owner column, the Excel-resaved Opportunity file's own cells read right.
    text, problems = read_text(SAMPLES / "powerbi-excel-resaved" / "Opportunity.csv")
    assert problems == [] and len(text) == 36 and "Opportunity Lifecycle (Days)" in text.columns
    deals, found = conform(text.assign(OwnerId=""), TABLES["opportunities"], "Opportunity.csv")
    assert found == [] and len(deals) == 36
    first = deals.iloc[0]
    # 'CloseDate 02/03/24, CreatedDate 02/23/26' -> 3 February 2024, 23 February 2026 (midnight UTC).
    assert (first["CloseDate"], first["CreatedDate"]) == (pd.Timestamp("2024-02-03"),
                                                           pd.Timestamp("2026-02-23T00:00:00Z"))
    assert deals["CreatedDate"].dt.strftime("%Y-%m-%d").value_counts().to_dict() == {"2026-02-23": 31,
                                                                                     "2026-02-24": 5}
    assert (deals["IsWon"].sum(), deals["IsClosed"].sum(), deals["Amount"].isna().sum()) == (12, 20, 5)
    assert deals.loc[deals["IsWon"], "Amount"].sum() == 2_815_000.0


def test_dataloader_folder():
    org = load_folder(SAMPLES / "dataloader")
    assert sorted(str(p) for p in org.problems) == [
        "csvtext_BOM_UTF16LE.csv: " + UNKNOWN_COLUMNS.format("column1, column2, column3"),
        "timeZoneFormatTesting.csv: " + UNKNOWN_COLUMNS.format("Name, Date"),
    ]
    deals = org.opportunities
    # opportunityData.csv: UPPERCASE API headers, every cell quoted, '500000.0' amounts, '...Z' datetimes.
    assert len(deals) == 38 and set(deals["OwnerId"]) == {"005x0000000fNSiAAM"}
    assert (deals["IsWon"].sum(), deals["IsClosed"].sum(), deals["Amount"].isna().sum()) == (8, 8, 5)
    # Won: four deals of 500000.0 and four of 50000.0 = 2,200,000; every amount: 6,270,000.
    assert deals.loc[deals["IsWon"], "Amount"].sum() == 2_200_000.0 and deals["Amount"].sum() == 6_270_000.0
    first = deals.set_index("Id").loc["006x0000001YtCrAAK"]
    assert (first["CloseDate"], first["CreatedDate"], first["StageName"]) == (
        pd.Timestamp("2005-11-09"), pd.Timestamp("2006-06-15T20:47:07Z"), "Closed Won")
    assert org.currency is None  # no currency anywhere


def test_utf16_file_with_byte_order_mark():
    text, problems = read_text(SAMPLES / "dataloader" / "csvtext_BOM_UTF16LE.csv")
    assert problems == [] and list(text.columns) == ["column1", "column2", "column3"]
    assert text.to_dict("index") == {2: {"column1": "row1-1", "column2": "row1-2", "column3": "row1-3"},
                                     3: {"column1": "row2-1", "column2": "row2-2", "column3": "row2-3"}}


def test_time_zone_offsets_give_instants_whatever_the_spelling():
    text, _ = read_text(SAMPLES / "dataloader" / "timeZoneFormatTesting.csv")
    history = pd.DataFrame({"LeadId": "00Q000000000001AAA", "Field": "Status", "NewValue": text["Name"],
                            "CreatedDate": text["Date"]}, index=text.index)
    rows, problems = conform(history, TABLES["lead_history"], "timeZoneFormatTesting.csv")
    assert problems == []
    at = dict(zip(rows["NewValue"], rows["CreatedDate"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")))
    # A 07/15/2009 02:14:45+0800 -> 14 Jul 18:14:45 UTC; B 07/13 22:14:45-0800 -> 14 Jul 06:14:45;
    # C 07/14 14:14:45+0200 -> 12:14:45; D 2009-07-14 22:14:45+0800 -> 14:14:45; E 02:14:45-0800 -> 10:14:45;
    # F 14:14:45+0200 -> 12:14:45. C and F are one instant written two ways (A and D are not: 4 hours apart).
    expected = {"A": "2009-07-14T18:14:45Z", "B": "2009-07-14T06:14:45Z", "C": "2009-07-14T12:14:45Z",
                "D": "2009-07-14T14:14:45Z", "E": "2009-07-14T10:14:45Z", "F": "2009-07-14T12:14:45Z"}
    # The 'T' spellings (07/15/2009T02:14:45+0800, 2009-07-14T22:14:45+0800) give the same instants.
    assert at == expected | {f"{name}T": when for name, when in expected.items()}
    assert at["C"] == at["F"] and at["CT"] == at["FT"]
