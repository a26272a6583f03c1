from pathlib import Path

import pandas as pd
import pytest

from kpi.sources import SourceError, gaps, load
from kpi.sources import load_folder
from kpi.sources.csv_text import read_text
from kpi.sources.files import read_files

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"
ANN = "0055g00000AnnAAAAA"  # an 18-character user id
USERS = f"Id,FirstName,LastName,IsActive,TimeZoneSidKey\n{ANN},Ann,Lee,true,America/New_York\n"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def test_missing_files_are_named_and_the_rest_loads(tmp_path):
    write(tmp_path, "User.csv", USERS)
    org = load_folder(tmp_path)
    assert org.users["Name"].tolist() == ["Ann Lee"]  # Name built from FirstName and LastName
    assert "Opportunity" in org.missing and "Task" in org.missing and "User" not in org.missing
    assert org.opportunities.empty and list(org.opportunities.columns)[:2] == ["Id", "Name"]


def test_opportunity_field_history_loads_from_a_data_loader_file_and_its_absence_is_noted_not_warned(tmp_path):
    write(tmp_path, "User.csv", USERS)
    org = load_folder(tmp_path)
    # An org tracks the history of some fields or none: absent, it is missing, but no warning names it.
    assert not org.has("OpportunityFieldHistory") and "OpportunityFieldHistory" not in gaps(org)
    bo = "0055g00000BoAAAAAA"
    write(tmp_path, "OpportunityFieldHistory.csv", "Id,OpportunityId,CreatedById,CreatedDate,Field,DataType,OldValue,"
          "NewValue\n"
          f"0175g00000AAAAAAAA,0065g00000AAAAAAAA,{ANN},2026-11-02T10:00:00.000Z,created,,,\n"
          f"0175g00000AAAAAAAB,0065g00000AAAAAAAA,{ANN},2026-11-03T15:30:00.000Z,StageName,Picklist,Prospecting,"
          "Qualification\n"
          f"0175g00000AAAAAAAC,0065g00000AAAAAAAA,{ANN},2026-11-04T09:00:00.000Z,Owner,Text,Ann Lee,Bo Chen\n"
          f"0175g00000AAAAAAAD,0065g00000AAAAAAAA,{ANN},2026-11-04T09:00:00.000Z,Owner,EntityId,{ANN},{bo}\n"
          f"0175g00000AAAAAAAE,0065g00000AAAAAAAB,{ANN},2026-11-05T09:00:00.000Z,Amount,Currency,1000,1500\n")
    org = load_folder(tmp_path)
    assert org.problems == () and org.has("OpportunityFieldHistory")
    history = org.opportunity_history
    # Every row is kept as written (API field names; the owner change's name row and id row, as Salesforce
    # writes both), without the Id and CreatedById the table does not keep.
    assert list(history.columns) == ["OpportunityId", "Field", "DataType", "OldValue", "NewValue", "CreatedDate"]
    assert history["Field"].tolist() == ["created", "StageName", "Owner", "Owner", "Amount"]
    assert history[["OldValue", "NewValue"]].fillna("").values.tolist() == [
        ["", ""], ["Prospecting", "Qualification"], ["Ann Lee", "Bo Chen"], [ANN, bo], ["1000", "1500"]]
    assert history["DataType"].fillna("").tolist() == ["", "Picklist", "Text", "EntityId", "Currency"]
    assert history["CreatedDate"].iloc[1] == pd.Timestamp("2026-11-03T15:30:00Z")


def test_a_file_lacking_needed_columns_gets_one_message_naming_them(tmp_path):
    write(tmp_path, "Opportunity.csv", "Id,OwnerId,Amount\n0065g00000AAAAAAAA,0055g00000AnnAAAAA,100\n")
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [
        "Opportunity.csv: lacks the columns CloseDate, IsClosed, IsWon needed for opportunities"]
    assert "Opportunity" in org.missing


def test_bad_cells_are_reported_by_file_row_and_column_and_their_rows_skipped(tmp_path):
    write(tmp_path, "Task.csv",
          "Id,OwnerId,TaskSubtype,Status,CompletedDateTime\n"
          f"00T5g00000AAAAAAAA,{ANN},Call,Completed,2026-11-24T15:00:00.000Z\n"
          f"00T5g00000AAAAAAAB,{ANN},Call,Completed,last Tuesday\n"
          f"00T5g00000AAAAAAAC,{ANN},Call,Completed,2026-11-24 16:00:00\n")
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [
        "Task.csv row 3, column CompletedDateTime: 'last Tuesday' is not a date-time; row skipped"]
    assert org.activities["Id"].tolist() == ["00T5g00000AAAAAAAA", "00T5g00000AAAAAAAC"]
    # `2026-11-24 16:00:00` (Data Export style, no zone) is UTC.
    assert org.activities["CompletedDateTime"].iloc[1] == pd.Timestamp("2026-11-24T16:00:00Z")


def test_duplicate_ids_are_reported_and_the_last_row_wins(tmp_path):
    write(tmp_path, "User.csv", USERS + f"{ANN},Ann,Lee-Smith,true,America/New_York\n")
    org = load_folder(tmp_path)
    assert org.users["Name"].tolist() == ["Ann Lee-Smith"]
    assert len(org.problems) == 1 and "1 rows repeat an Id" in str(org.problems[0]) and "row 2" in str(org.problems[0])


def test_ids_booleans_and_encodings_of_real_exports(tmp_path):
    # cp1252 (weekly Data Export), UPPERCASE headers, TRUE/1 booleans, a 15-character owner id, the null id.
    write(tmp_path, "User.csv", "ID,NAME,ISACTIVE,MANAGERID\n0055g00000AnnAAAAA,Zoë Ñúñez,TRUE,000000000000000AAA\n",
          "cp1252")
    write(tmp_path, "Opportunity.csv",
          "Id,OwnerId,Amount,CloseDate,IsClosed,IsWon\n0065g00000AAAAAAAA,0055g00000AnnAA,\"1,500.50\",2026-11-02,1,1\n")
    org = load_folder(tmp_path)
    assert org.problems == ()
    assert org.users.loc[0, "Name"] == "Zoë Ñúñez" and pd.isna(org.users.loc[0, "ManagerId"])
    assert org.users.loc[0, "IsActive"]
    # 0055g00000AnnAA + its case-safe suffix: 'AnnAA' has capitals at positions 0, 3, 4 -> 1 + 8 + 16 = 25 -> 'Z'.
    assert org.opportunities.loc[0, "OwnerId"] == "0055g00000AnnAAAAZ"
    assert org.opportunities.loc[0, ["Amount", "IsWon", "IsClosed"]].tolist() == [1500.5, True, True]


def test_report_style_naive_datetimes_take_the_export_time_zone(tmp_path):
    write(tmp_path, "Task.csv", "Activity ID,Assigned,Status,Completed Date/Time\n"
                                f"00T5g00000AAAAAAAA,{ANN},Completed,2026-11-24 22:30:00\n")
    org = load_folder(tmp_path, export_zone="America/New_York")
    assert org.activities.loc[0, "CompletedDateTime"] == pd.Timestamp("2026-11-25T03:30:00Z")
    # A Data Loader file (API names) writes UTC, even without an offset: the export zone does not apply.
    write(tmp_path, "Task.csv", f"Id,OwnerId,Status,CompletedDateTime\n00T5g00000AAAAAAAA,{ANN},Completed,2026-11-24 22:30:00\n")
    org = load_folder(tmp_path, export_zone="America/New_York")
    assert org.activities.loc[0, "CompletedDateTime"] == pd.Timestamp("2026-11-24T22:30:00Z")


def test_events_are_meetings_from_their_own_file(tmp_path):
    write(tmp_path, "Event.csv", f"Id,OwnerId,StartDateTime\n00U5g00000AAAAAAAA,{ANN},2026-11-24T15:00:00.000Z\n")
    org = load_folder(tmp_path)
    assert org.activities["IsEvent"].tolist() == [True]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not beside the repository")
def test_real_public_exports_load():
    task, _ = read_text(SAMPLES / "data-cloud-workshop" / "Task.csv")  # UTF-8 with a byte-order mark
    assert task.columns[0] == "Id" and len(task) == 75 and task.index[0] == 2
    utf16, _ = read_text(SAMPLES / "dataloader" / "csvtext_BOM_UTF16LE.csv")
    assert list(utf16.columns) == ["column1", "column2", "column3"] and utf16.iloc[1, 2] == "row2-3"
    org = load_folder(SAMPLES / "data-cloud-workshop")
    assert len(org.activities) == 75 and len(org.opportunities) == 50
    assert org.opportunities["IsWon"].dtype == bool and org.opportunities["CreatedDate"].notna().all()


def test_an_unknown_source_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="is not 'sample', 'store', a folder of Salesforce exports nor a .zip"):
        load(str(tmp_path / "nowhere"))
    with pytest.raises(SourceError, match="goals file .* does not exist"):
        load(str(tmp_path), goals_file=tmp_path / "goals.csv")


def test_values_failing_the_schema_are_reported_and_skipped(tmp_path):
    write(tmp_path, "goals.csv", "owner,metric,period,target\n*,calls,day,20\n*,dials,day,20\nADR,sal,fortnight,3\n")
    write(tmp_path, "User.csv", f"Id,Name,IsActive\n{ANN},Ann,true\n0055g00Short,Bo,true\n,Cy,true\n")
    org = load_folder(tmp_path)
    assert org.goals["metric"].tolist() == ["calls"] and org.users["Name"].tolist() == ["Ann"]
    assert sorted(str(p) for p in org.problems) == [
        "User.csv row 3, column Id: '0055g00Short' is not a Salesforce id (15 or 18 characters); row skipped",
        "User.csv row 4, column Id: '' is empty; row skipped",
        "goals.csv row 3, column metric: 'dials' is not one of the allowed values; row skipped",
        "goals.csv row 4, column period: 'fortnight' is not one of the allowed values; row skipped",
    ]


def test_absent_columns_take_their_defaults(tmp_path):
    write(tmp_path, "User.csv", f"Id,Name\n{ANN},Ann Lee\n")  # no IsActive column: users are active
    assert load_folder(tmp_path).users["IsActive"].tolist() == [True]


def test_time_zones_from_api_names_and_report_labels(tmp_path):
    write(tmp_path, "User.csv", "Id,Name,TimeZoneSidKey\n"
          "0055g00000AnnAAAAA,Ann,America/New_York\n"
          '0055g00000BobAAAAA,Bob,"(GMT+01:00) Central European Standard Time (Europe/Berlin)"\n'
          "0055g00000CyAAAAAA,Cy,Eastern Time\n")
    org = load_folder(tmp_path)
    assert org.users["TimeZoneSidKey"].tolist()[:2] == ["America/New_York", "Europe/Berlin"]
    # An unknown zone is reported and left empty (the default zone applies); the user is kept.
    assert pd.isna(org.users["TimeZoneSidKey"].iloc[2])
    assert [str(p) for p in org.problems] == [
        "User.csv row 4, column TimeZoneSidKey: 'Eastern Time' is not a time zone; left empty"]


def test_a_wall_time_in_the_repeated_hour_reads_as_daylight_time(tmp_path):
    # 1 November 2026 01:30 happens twice in New York; the first is EDT (UTC-4): 05:30 UTC.
    write(tmp_path, "Task.csv", "Activity ID,Assigned,Status,Completed Date/Time\n"
                                f"00T5g00000AAAAAAAA,{ANN},Completed,2026-11-01 01:30:00\n")
    org = load_folder(tmp_path, export_zone="America/New_York")
    assert org.problems == () and org.activities.loc[0, "CompletedDateTime"] == pd.Timestamp("2026-11-01T05:30:00Z")


def test_rows_of_the_wrong_width_are_skipped_with_their_row_numbers(tmp_path):
    write(tmp_path, "User.csv", f"Id,Name,IsActive\n{ANN},\"Lee,\nAnn\",true\n0055g00000BobAAAAA,Bob\n"
                                "0055g00000CyAAAAAA,Cy,true\n\n\"Confidential Information - Do Not Distribute\"\n")
    org = load_folder(tmp_path)
    # Row 2 holds a value over two lines; row 3 lacks a field; the blank line and the report footer after it
    # are not data.
    assert org.users["Name"].tolist() == ["Lee,\nAnn", "Cy"]
    assert [str(p) for p in org.problems] == [
        "User.csv row 3: has 2 fields where the header has 3 ('0055g00000BobAAAAA,Bob'); row skipped"]


@pytest.mark.parametrize("text, message", [
    ("", "User.csv: is empty"),
    (f"Id,Name,ID\n{ANN},Ann,{ANN}\n", "User.csv: has the column Id more than once; cannot tell which to use"),
])
def test_files_that_cannot_give_their_table_are_named(tmp_path, text, message):
    write(tmp_path, "User.csv", text)
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [message] and "User" in org.missing


def test_file_extensions_in_any_case(tmp_path):
    write(tmp_path, "User.CSV", USERS)
    assert load_folder(tmp_path).users["Name"].tolist() == ["Ann Lee"]


def test_day_first_dates_are_read_one_way_for_the_whole_column(tmp_path):
    # 24/11/2026 can only be day-first, so 03/11/2026 in the same column is 3 November, not 11 March.
    write(tmp_path, "Opportunity.csv", "Id,OwnerId,Amount,CloseDate,IsClosed,IsWon\n"
          f"0065g00000AAAAAAAA,{ANN},100,24/11/2026,true,true\n0065g00000AAAAAAAB,{ANN},100,03/11/2026,true,true\n")
    assert load_folder(tmp_path).opportunities["CloseDate"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-11-24", "2026-11-03"]
    # Nothing reads one way only: month first, as Salesforce's en_US default writes.
    write(tmp_path, "Opportunity.csv", "Id,OwnerId,Amount,CloseDate,IsClosed,IsWon\n"
          f"0065g00000AAAAAAAA,{ANN},100,03/11/2026,true,true\n")
    assert load_folder(tmp_path).opportunities["CloseDate"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-11"]


def test_amounts_are_read_or_reported_never_misread(tmp_path):
    write(tmp_path, "Opportunity.csv", "Id,OwnerId,Amount,CloseDate,IsClosed,IsWon\n"
          f"0065g00000AAAAAAAA,{ANN},\"1,500.50\",2026-11-02,1,1\n0065g00000AAAAAAAB,{ANN},2500,2026-11-02,1,1\n"
          f"0065g00000AAAAAAAC,{ANN},\"1.500,50\",2026-11-02,1,1\n0065g00000AAAAAAAD,{ANN},-12.5e3,2026-11-02,1,1\n")
    org = load_folder(tmp_path)
    assert org.opportunities["Amount"].tolist() == [1500.5, 2500.0, -12500.0]
    assert [str(p) for p in org.problems] == [
        "Opportunity.csv row 4, column Amount: '1.500,50' is not an amount; row skipped"]


def test_the_day_month_order_is_decided_once_per_file(tmp_path):
    # 18/11/2026 in MQL Date can only be day-first, so the whole file is: 03/11 is 3 November and 04/11 is
    # 4 November in the other date columns too (not 11 March and 11 April).
    write(tmp_path, "Lead.csv", "Lead ID,Lead Owner,Lead Status,Create Date,MQL Date,SAL Date\n"
          f"00Q5g00000AAAAAAAA,{ANN},SAL,03/11/2026,18/11/2026,04/11/2026\n")
    leads = load_folder(tmp_path).leads
    assert leads["CreatedDate"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-03"]
    assert leads["SAL_Date__c"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-04"]


# Partners: the three custom Account fields, Opportunity's partner fields and OpportunityPartner (Data Loader).
PARTNER = "0015g00000PartAAAA"
RESELLER = "0015g00000ResAAAAZ"  # its 15-character form plus the case-safe suffix
PARTNER_ACCOUNTS = ("Id,Name,OwnerId,Type,CreatedDate,Partner_Recruited_Date__c,Certification_Status__c,"
                    "Certified_Date__c\n"
                    f"{PARTNER},Northwind Partners,{ANN},Technology Partner,2026-09-01T15:00:00.000Z,2026-08-28,"
                    "Certified,2026-10-05\n"
                    f"{RESELLER},Atlas Resellers,{ANN},Reseller,2026-09-20T15:00:00.000Z,,In Progress,\n"
                    f"0015g00000CustAAAA,Acme,{ANN},Customer - Direct,2026-01-10T15:00:00.000Z,,,\n")
PARTNER_DEALS = ("Id,OwnerId,AccountId,Amount,CloseDate,IsClosed,IsWon,LeadSource,PartnerAccountId,"
                 "PrimaryPartnerAccountId\n"
                 f"0065g00000AAAAAAAA,{ANN},0015g00000CustAAAA,1000,2026-11-20,false,false,Partner Referral,{PARTNER},\n"
                 f"0065g00000AAAAAAAB,{ANN},0015g00000CustAAAA,2000,2026-11-21,false,false,Partner Referral,,"
                 f"{RESELLER}\n"
                 f"0065g00000AAAAAAAC,{ANN},0015g00000CustAAAA,3000,2026-11-22,false,false,Web,,\n")
# Data Export's OpportunityPartner columns; a 15-character AccountToId is made 18 (the case-safe suffix).
OPPORTUNITY_PARTNERS = ("Id,OpportunityId,AccountToId,Role,IsPrimary,ReversePartnerId,IsDeleted,CreatedDate\n"
                        f"00J5g00000AAAAAAAA,0065g00000AAAAAAAA,{PARTNER},Reseller,true,,false,"
                        "2026-11-02T10:00:00.000Z\n"
                        f"00J5g00000AAAAAAAB,0065g00000AAAAAAAA,{RESELLER[:15]},Consultant,false,,false,"
                        "2026-11-02T10:05:00.000Z\n")


def test_partner_fields_and_opportunity_partners_load_from_data_loader_files(tmp_path):
    write(tmp_path, "User.csv", USERS)
    write(tmp_path, "Account.csv", PARTNER_ACCOUNTS)
    write(tmp_path, "Opportunity.csv", PARTNER_DEALS)
    write(tmp_path, "OpportunityPartner.csv", OPPORTUNITY_PARTNERS)
    org = load_folder(tmp_path)
    assert org.problems == () and org.has("OpportunityPartner")
    accounts = org.accounts.set_index("Id")
    assert accounts.loc[PARTNER, "Partner_Recruited_Date__c"] == pd.Timestamp("2026-08-28")
    assert accounts.loc[PARTNER, "Certification_Status__c"] == "Certified"
    assert accounts.loc[PARTNER, "Certified_Date__c"] == pd.Timestamp("2026-10-05")
    assert accounts.loc[RESELLER, "Certification_Status__c"] == "In Progress"
    assert pd.isna(accounts.loc[RESELLER, "Partner_Recruited_Date__c"]) and pd.isna(accounts.loc[RESELLER, "Certified_Date__c"])
    assert accounts["Certified_Date__c"].dtype == "datetime64[us]"  # a calendar date, naive midnight
    deals = org.opportunities.set_index("Id")
    assert deals["PartnerAccountId"].fillna("").tolist() == [PARTNER, "", ""]
    assert deals["PrimaryPartnerAccountId"].fillna("").tolist() == ["", RESELLER, ""]
    partners = org.opportunity_partners
    assert list(partners.columns) == ["Id", "OpportunityId", "AccountToId", "IsPrimary", "Role"]
    assert partners.values.tolist() == [
        ["00J5g00000AAAAAAAA", "0065g00000AAAAAAAA", PARTNER, True, "Reseller"],
        ["00J5g00000AAAAAAAB", "0065g00000AAAAAAAA", RESELLER, False, "Consultant"]]


def test_without_opportunity_partner_it_is_noted_missing_but_not_warned(tmp_path):
    write(tmp_path, "User.csv", USERS)
    write(tmp_path, "Opportunity.csv", PARTNER_DEALS)
    org = load_folder(tmp_path)
    # Partner-sourced deals are still told by the Opportunity's partner fields and Lead Source.
    assert not org.has("OpportunityPartner") and "OpportunityPartner" not in gaps(org)
    assert org.opportunity_partners.empty and "Opportunity" not in org.missing


# Campaigns, contacts and named accounts.
ACCOUNT = "0015g00000AcmeAAAA"
CONTACT = "0035g00000CyAAAAA3"  # its 15-character form plus the case-safe suffix (chunk CyAAA: 1+4+8+16 -> 3)
LEAD = "00Q5g00000LeadAAAA"
WEBINAR, SHOW = "7015g00000WebAAAAA", "7015g00000ShowAAAA"
CAMPAIGNS = ("Id,Name,Type,Status,StartDate,EndDate,ActualCost,BudgetedCost,OwnerId,CreatedDate\n"
             f"{WEBINAR},Spring webinar,Webinar,Completed,2026-03-02,2026-03-02,1500,2000,{ANN},"
             "2026-02-01T09:00:00.000Z\n"
             f"{SHOW},Fall trade show,Trade Show,Planned,2026-10-05,2026-10-07,,9000,{ANN},2026-02-02T09:00:00.000Z\n")
MEMBERS = ("Id,CampaignId,LeadId,ContactId,Status,HasResponded,FirstRespondedDate,CreatedDate\n"
           f"00v5g00000AAAAAAAA,{WEBINAR},{LEAD},,Responded,true,2026-03-02,2026-02-20T09:00:00.000Z\n"
           f"00v5g00000AAAAAAAB,{WEBINAR},,{CONTACT[:15]},Sent,false,,2026-02-21T09:00:00.000Z\n"
           f"00v5g00000AAAAAAAC,{SHOW},{LEAD},,Sent,,,2026-09-01T09:00:00.000Z\n")
CONTACTS = ("Id,AccountId,FirstName,LastName,OwnerId,MailingCity,CreatedDate\n"
            f"{CONTACT},{ACCOUNT},Cy,Coe,{ANN},Austin,2026-01-15T09:00:00.000Z\n")


def test_campaigns_members_and_contacts_load_from_data_loader_files(tmp_path):
    write(tmp_path, "User.csv", USERS)
    write(tmp_path, "Campaign.csv", CAMPAIGNS)
    write(tmp_path, "CampaignMember.csv", MEMBERS)
    write(tmp_path, "Contact.csv", CONTACTS)
    batch = read_files(sorted(tmp_path.iterdir()))
    # Loaded users first, contacts before members, members after their campaigns; each file's date range is
    # its campaigns' start dates, its members' and contacts' creation days.
    assert [(r.file, r.table, r.rows, r.first_day, r.last_day) for r in batch.reports] == [
        ("User.csv", "users", 1, None, None),
        ("Contact.csv", "contacts", 1, "2026-01-15", "2026-01-15"),
        ("Campaign.csv", "campaigns", 2, "2026-03-02", "2026-10-05"),
        ("CampaignMember.csv", "campaign_members", 3, "2026-02-20", "2026-09-01")]
    org = load_folder(tmp_path)
    assert org.problems == () and all(org.has(obj) for obj in ("Campaign", "CampaignMember", "Contact"))
    campaigns = org.campaigns.set_index("Id")
    assert campaigns["ActualCost"].fillna(-1).tolist() == [1500.0, -1]  # an empty cost is unknown, not 0
    assert campaigns.loc[SHOW, ["Type", "StartDate", "EndDate"]].tolist() == [
        "Trade Show", pd.Timestamp("2026-10-05"), pd.Timestamp("2026-10-07")]
    members = org.campaign_members.set_index("Id")
    assert members["HasResponded"].tolist() == [True, False, False]  # an empty checkbox is false
    assert members.loc["00v5g00000AAAAAAAB", "ContactId"] == CONTACT  # the 15-character id made 18
    assert members.loc["00v5g00000AAAAAAAA", "FirstRespondedDate"] == pd.Timestamp("2026-03-02")
    assert members["CreatedDate"].iloc[0] == pd.Timestamp("2026-02-20T09:00:00Z")
    assert org.contacts[["Id", "AccountId", "Name"]].values.tolist() == [[CONTACT, ACCOUNT, "Cy Coe"]]


def test_without_campaign_files_they_are_noted_missing_but_not_warned(tmp_path):
    write(tmp_path, "User.csv", USERS)
    org = load_folder(tmp_path)
    # The campaign and named-account sections say which exports they need; no global warning names them.
    for obj in ("Campaign", "CampaignMember", "Contact", "named_accounts"):
        assert not org.has(obj) and obj not in gaps(org)
    assert "Opportunity" in gaps(org)


@pytest.mark.parametrize("name", ["named_accounts.csv", "ADR accounts.csv"])
def test_a_named_accounts_file_is_recognised_by_name_or_columns_and_keeps_every_row(tmp_path, name):
    # Owners by id (15 or 18), email or name; nothing is checked or dropped on loading, so that row N of the file
    # is position N - 2 and kpi.named_accounts can name the row of an owner or account it does not know.
    write(tmp_path, name, "owner,account\n"
                          f"{ANN[:15]},{ACCOUNT}\n"
                          f"ann@example.com,{ACCOUNT[:15]}\n"
                          "Nobody Known,001-not-an-id\n"
                          f",{ACCOUNT}\n")
    org = load_folder(tmp_path)
    assert org.problems == () and org.has("named_accounts")
    assert org.named_accounts.fillna("").values.tolist() == [
        [ANN[:15], ACCOUNT], ["ann@example.com", ACCOUNT[:15]], ["Nobody Known", "001-not-an-id"], ["", ACCOUNT]]
