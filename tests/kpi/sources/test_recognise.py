"""Export files of any name are recognised by their columns (API names, report labels or a mapping file);
a file that fits nothing says why, and a file of an object not read yet is passed over quietly."""

from pathlib import Path

import pandas as pd
import pytest

from kpi.sources import SourceError, load_folder
from kpi.sources.conform import UnusableFile
from kpi.sources.files import read_files, recognise
from kpi.sources.labels import Mapping

ANN = "0055g00000AnnAAAAA"
BO = "0055g00000BoAAAAAA"
USERS = f"Id,Name,TimeZoneSidKey\n{ANN},Ann Lee,UTC\n{BO},Bo Chen,UTC\n"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


# One header per object, as Data Loader / Data Export write it (API names), under a name that says nothing.
API_HEADERS = {
    "User": "Id,Username,LastName,FirstName,Email,IsActive,UserRoleId,ManagerId,TimeZoneSidKey,ProfileId",
    "UserRole": "Id,Name,ParentRoleId,RollupDescription,DeveloperName",
    "Task": "Id,WhoId,WhatId,Subject,ActivityDate,Status,Priority,OwnerId,IsClosed,TaskSubtype,CompletedDateTime",
    "Event": "Id,WhoId,WhatId,Subject,StartDateTime,EndDateTime,DurationInMinutes,OwnerId,IsAllDayEvent",
    "Lead": "Id,FirstName,LastName,Company,Status,LeadSource,OwnerId,IsConverted,CreatedDate",
    "LeadHistory": "Id,LeadId,CreatedById,CreatedDate,Field,DataType,OldValue,NewValue",
    "Opportunity": "Id,AccountId,Name,StageName,Amount,CloseDate,IsClosed,IsWon,OwnerId,ForecastCategoryName",
    "OpportunityFieldHistory": "Id,OpportunityId,CreatedById,CreatedDate,Field,DataType,OldValue,NewValue",
    "OpportunityPartner": "Id,OpportunityId,AccountToId,Role,IsPrimary,ReversePartnerId,IsDeleted,CreatedDate",
    "ForecastingQuota": "Id,QuotaOwnerId,StartDate,QuotaAmount,QuotaQuantity,PeriodId,ForecastingTypeId,IsQuantity",
    "Account": "Id,Name,Type,Industry,BillingCity,OwnerId,CreatedDate",
    "Contact": "Id,AccountId,LastName,FirstName,Salutation,MailingCity,Phone,Email,Title,OwnerId,CreatedDate",
    # As Data Export writes them (../shared/samples/data-cloud-workshop), less columns no object reads.
    "Campaign": "Id,IsDeleted,Name,ParentId,Type,Status,StartDate,EndDate,ExpectedRevenue,BudgetedCost,ActualCost,"
                "NumberSent,IsActive,NumberOfLeads,NumberOfResponses,OwnerId,CreatedDate,SystemModstamp",
    "CampaignMember": "Id,IsDeleted,CampaignId,LeadId,ContactId,Status,HasResponded,CreatedDate,FirstRespondedDate,"
                      "Name,FirstName,LastName,Title,Email,LeadSource,CompanyOrAccount,Type,LeadOrContactOwnerId",
    "CurrencyType": "Id,IsoCode,ConversionRate,DecimalPlaces,IsActive,IsCorporate",
    "DatedConversionRate": "Id,IsoCode,ConversionRate,StartDate,NextStartDate",
    "goals": "owner,metric,period,target",
    "named_accounts": "owner,account",
}
# Report "Export Details" headers: field labels, not API names.
LABEL_HEADERS = {
    "Opportunity": "Opportunity ID,Opportunity Owner,Opportunity Name,Close Date,Stage,Amount,Closed,Won",
    "Task": "Assigned,Date,Task Subtype,Call Result,Subject,Activity ID",
    "Event": "Activity ID,Assigned,Subject,Start,End,Duration",
    "Lead": "Lead ID,Lead Owner,Lead Status,Lead Source,Create Date",
    "LeadHistory": "Lead ID,Field / Event,Old Value,New Value,Edit Date",
    "OpportunityFieldHistory": "Opportunity ID,Opportunity Name,Field / Event,Old Value,New Value,Edit Date",
    "User": "User ID,Full Name,Email,Active,Role,Manager,Time Zone",
    "UserRole": "Role ID,Role Name,Parent Role",
    "Account": "Account ID,Account Name,Account Owner,Type,Billing City",
    "Contact": "Contact ID,Account ID,Contact Owner,First Name,Last Name,Title,Email,Mailing City,Account Name,"
               "Created Date",
    "Campaign": "Campaign ID,Campaign Name,Type,Status,Start Date,End Date,Actual Cost,Budgeted Cost,Campaign Owner",
    # A campaign members report also names the campaign ('Campaign ID', 'Campaign Name'): still its members.
    "CampaignMember": "Campaign Name,Campaign ID,Campaign Member ID,Lead ID,Contact ID,Member Status,Responded,"
                      "First Responded Date,Member First Associated Date",
}


@pytest.mark.parametrize("obj", list(API_HEADERS))
def test_api_name_files_are_recognised_whatever_their_name(obj):
    assert recognise("report1700000000.csv", API_HEADERS[obj].split(","), Mapping()) == obj


@pytest.mark.parametrize("obj", list(API_HEADERS))
def test_data_loader_upper_case_headers_are_recognised_too(obj):
    assert recognise("extract.csv", API_HEADERS[obj].upper().split(","), Mapping()) == obj


@pytest.mark.parametrize("obj", list(LABEL_HEADERS))
def test_report_label_files_are_recognised(obj):
    assert recognise("My Report-2026-11-25-09-14-00.csv", LABEL_HEADERS[obj].split(","), Mapping()) == obj


def test_files_named_after_an_object_are_that_object_and_ones_not_read_yet_are_passed_over():
    # The name wins over the columns (a Task.csv of Event columns is still read as Task rows)...
    assert recognise("task.CSV", API_HEADERS["Event"].split(","), Mapping()) == "Task"
    assert recognise("Campaign.csv", ["Id", "Name", "Status"], Mapping()) == "Campaign"
    assert recognise("Named_Accounts.csv", ["ADR", "Account"], Mapping()) == "named_accounts"
    # ... and an object a later view reads gives None: not used, not a problem.
    assert recognise("OpportunityHistory.csv", ["Id", "OpportunityId", "StageName"], Mapping()) is None


def test_report_label_files_load_into_their_tables(tmp_path):
    write(tmp_path, "people.csv", USERS)
    write(tmp_path, "deals.csv", LABEL_HEADERS["Opportunity"] + "\n"
          "0065g00000AAAAAAAA,Ann Lee,Acme,11/02/2026,Closed Won,\"1,500.00\",1,1\n"
          "0065g00000AAAAAAAB,Bo Chen,Globex,11/30/2026,Prospecting,250,0,0\n")
    write(tmp_path, "calls.csv", LABEL_HEADERS["Task"] + "\n"
          "Ann Lee,11/24/2026,Call,Left Voicemail,Call Acme,00T5g00000AAAAAAAA\n")
    write(tmp_path, "leads.csv", LABEL_HEADERS["Lead"] + "\n"
          "00Q5g00000AAAAAAAA,Bo Chen,MQL,Web,11/20/2026 9:30 AM\n")
    org = load_folder(tmp_path)
    assert org.problems == ()
    opportunities = org.opportunities
    assert opportunities["OwnerId"].tolist() == [ANN, BO]  # 'Opportunity Owner' names matched to users
    assert opportunities["Amount"].tolist() == [1500.0, 250.0]
    assert opportunities["CloseDate"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-02", "2026-11-30"]
    assert opportunities["StageName"].tolist() == ["Closed Won", "Prospecting"]
    assert opportunities["IsWon"].tolist() == [True, False]
    task = org.activities.iloc[0]
    assert (task["Id"], task["OwnerId"], task["TaskSubtype"], task["Subject"]) == (
        "00T5g00000AAAAAAAA", ANN, "Call", "Call Acme")
    assert task["ActivityDate"] == pd.Timestamp("2026-11-24") and not task["IsEvent"]
    lead = org.leads.iloc[0]
    assert (lead["OwnerId"], lead["Status"], lead["LeadSource"]) == (BO, "MQL", "Web")
    assert lead["CreatedDate"] == pd.Timestamp("2026-11-20T09:30:00Z")  # report wall time, export zone UTC


def test_an_event_file_is_events_and_a_mixed_report_marks_00U_rows_as_events(tmp_path):
    write(tmp_path, "User.csv", USERS)
    # Start, End, Duration and no Status / Task Subtype: an Event file, whatever the ids say.
    write(tmp_path, "meetings.csv", LABEL_HEADERS["Event"] + "\n"
          "00U5g00000AAAAAAAA,Ann Lee,Demo,11/24/2026 3:00 PM,11/24/2026 4:00 PM,60\n")
    # A Tasks and Events report has Task columns; its rows with the Event prefix 00U are Events.
    write(tmp_path, "activities.csv", "Activity ID,Assigned,Subject,Date,Status\n"
          "00T5g00000AAAAAAAA,Bo Chen,Call,11/24/2026,Completed\n"
          "00U5g00000AAAAAAAB,Bo Chen,Meeting,11/24/2026,\n")
    batch = read_files(sorted(tmp_path.iterdir()))
    assert {r.file: r.object for r in batch.reports} == {"User.csv": "User", "meetings.csv": "Event",
                                                         "activities.csv": "Task"}
    activities = batch.tables["activities"].set_index("Id")
    assert activities["IsEvent"].to_dict() == {"00U5g00000AAAAAAAA": True, "00T5g00000AAAAAAAA": False,
                                               "00U5g00000AAAAAAAB": True}
    assert activities.loc["00U5g00000AAAAAAAA", "StartDateTime"] == pd.Timestamp("2026-11-24T15:00:00Z")
    org = load_folder(tmp_path)
    assert "Event" not in org.missing and "Task" not in org.missing and org.problems == ()


def test_a_header_in_another_language_is_a_clear_problem(tmp_path):
    write(tmp_path, "Bericht.csv", "Verkaufschancen-ID,Verkaufschancenbesitzer,Abschlussdatum,Betrag,Phase\n"
                                   f"0065g00000AAAAAAAA,Ann Lee,02.11.2026,\"1.500,00\",Gewonnen\n")
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [
        "Bericht.csv: has columns no object we read is known by (Verkaufschancen-ID, Verkaufschancenbesitzer, "
        "Abschlussdatum, Betrag, Phase); match them to an object on the Data page, or add them to the mapping file"]
    assert org.opportunities.empty and "Opportunity" in org.missing


def test_a_summary_only_report_says_to_export_details(tmp_path):
    write(tmp_path, "Pipeline by owner.csv", "Opportunity Owner,Sum of Amount,Record Count\nAnn Lee,3500,2\n")
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [
        "Pipeline by owner.csv: holds only a report's summary rows (Sum of Amount, Record Count); export the report "
        "with 'Details Only' (Export > Details Only)"]


@pytest.mark.parametrize("name, text, lacks", [
    ("deals.csv", "Opportunity Owner,Opportunity Name,Close Date,Stage,Amount,Closed,Won\n"
                  "Ann Lee,Acme,11/02/2026,Closed Won,100,1,1\n", "an Opportunity export but lacks Id"),
    # 'Opportunity Name' tells whose history it is: 4 columns of the table + 5 of its signature = 9, over
    # LeadHistory's 4 + 4 = 8 (without it the two would tie, and no object would be named).
    ("Stage changes.csv", "Opportunity Name,Field / Event,Old Value,New Value,Edit Date\n"
                          "Acme,Stage,Prospecting,Qualification,11/02/2026 10:00 AM\n",
     "an OpportunityFieldHistory export but lacks OpportunityId"),
])
def test_a_report_without_its_id_column_says_which_column_to_add(tmp_path, name, text, lacks):
    write(tmp_path, name, text)
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [
        f"{name}: looks like {lacks} ('Opportunity ID'); add it to the report and export again, or match the "
        "columns on the Data page"]


def test_columns_that_fit_several_objects_equally_are_not_guessed():
    # Id and Name are all that User, UserRole, Account, Contact and Campaign each need: a tie.
    with pytest.raises(UnusableFile, match=r"^list\.csv: could hold User or UserRole or Account or Contact or "
                                           r"Campaign; name the file"):
        recognise("list.csv", ["Id", "Name"], Mapping())


@pytest.mark.parametrize("name, text, lacks", [
    # Id, Status and CreatedDate alone would make it a Campaign; it names seven columns of a member (and two only
    # members have), so it is a member file without its campaign.
    ("responses.csv", "Id,LeadId,ContactId,Status,HasResponded,FirstRespondedDate,CreatedDate\n"
                      "00v5g00000AAAAAAAA,00Q5g00000AAAAAAAA,,Responded,true,2026-11-02,2026-11-01T10:00:00.000Z\n",
     "a CampaignMember export but lacks CampaignId ('Campaign ID')"),
    ("members report.csv", "Campaign Member ID,Lead ID,Contact ID,Member Status,Responded,First Responded Date\n"
                           "00v5g00000AAAAAAAA,00Q5g00000AAAAAAAA,,Responded,1,11/02/2026\n",
     "a CampaignMember export but lacks CampaignId ('Campaign ID'), CreatedDate ('Created Date')"),
    ("campaigns.csv", "Campaign Name,Type,Status,Start Date,End Date,Actual Cost,Campaign Owner\n"
                      "Spring webinar,Webinar,Completed,3/2/2026,3/2/2026,USD 1500.00,Ann Lee\n",
     "a Campaign export but lacks Id ('Campaign ID')"),
])
def test_a_campaign_or_member_file_without_its_key_says_which_column_to_add(tmp_path, name, text, lacks):
    write(tmp_path, name, text)
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [
        f"{name}: looks like {lacks}; add {'them' if '), ' in lacks else 'it'} to the report and export again, or "
        "match the columns on the Data page"]
    assert org.campaigns.empty and org.campaign_members.empty and org.contacts.empty


def test_a_file_of_an_object_not_read_yet_is_listed_as_not_used_not_as_a_problem(tmp_path):
    write(tmp_path, "User.csv", USERS)
    # The Data Export's OpportunityHistory (stage snapshots), of which only OpportunityFieldHistory is read.
    write(tmp_path, "OpportunityHistory.csv", "Id,OpportunityId,StageName,Amount\n"
                                              "0085g00000AAAAAAAA,0065g00000AAAAAAAA,Prospecting,oops\n"
                                              "0085g00000AAAAAAAB,0065g00000AAAAAAAA,Closed Won,100\n")
    batch = read_files(sorted(tmp_path.iterdir()))
    history = next(r for r in batch.reports if r.file == "OpportunityHistory.csv")
    assert (history.object, history.table, history.rows, history.problems) == ("OpportunityHistory", None, 2, ())
    assert batch.objects == {"User"} and set(batch.tables) == {"users"}
    assert load_folder(tmp_path).problems == ()


GERMAN = """\
[opportunities]
"Verkaufschancen-ID" = "Id"
"Verkaufschancenbesitzer" = "OwnerId"
"Abschlussdatum" = "CloseDate"
"Betrag" = "Amount"
"Geschlossen" = "IsClosed"
"Gewonnen" = "IsWon"
"""


def test_a_mapping_file_makes_a_german_report_load(tmp_path):
    write(tmp_path, "User.csv", USERS)
    write(tmp_path, "Bericht.csv", "Verkaufschancen-ID,Verkaufschancenbesitzer,Abschlussdatum,Betrag,Geschlossen,"
                                   "Gewonnen\n0065g00000AAAAAAAA,Ann Lee,24.11.2026,\"1.500,50 €\",1,1\n"
                                   "0065g00000AAAAAAAB,Bo Chen,03.11.2026,\"250,00 €\",1,0\n")
    write(tmp_path, "mapping.toml", GERMAN)
    mapping = Mapping.load(tmp_path / "mapping.toml")
    assert mapping.aliases("opportunities")["betrag"] == "Amount"  # file names are matched in lower case
    assert recognise("Bericht.csv", ["Verkaufschancen-ID", "Verkaufschancenbesitzer", "Abschlussdatum", "Betrag",
                                     "Geschlossen", "Gewonnen"], mapping) == "Opportunity"
    org = load_folder(tmp_path)
    assert org.problems == ()
    assert org.opportunities["OwnerId"].tolist() == [ANN, BO]
    # '1.500,50 €': decimal comma (the column's ',00' reads only one way), euro sign: 1500.50 EUR.
    assert org.opportunities["Amount"].tolist() == [1500.5, 250.0]
    assert org.opportunities["CurrencyIsoCode"].tolist() == ["EUR", "EUR"] and org.currency == "EUR"
    # 24.11.2026 can only be day first, so 03.11.2026 in the same column is 3 November.
    assert org.opportunities["CloseDate"].dt.strftime("%Y-%m-%d").tolist() == ["2026-11-24", "2026-11-03"]


@pytest.mark.parametrize("entry, message", [
    ('[opportunities]\n"Betrag" = "Amout"\n',
     r"mapping\.toml: \[opportunities\] 'Betrag' maps to 'Amout', which is not a column of opportunities \(Id, "),
    ('[deals]\n"Betrag" = "Amount"\n', r"mapping\.toml: \[deals\] is not a table \(users, "),
    ('[opportunities\n"Betrag" = "Amount"\n', r"mapping\.toml is not a valid TOML mapping file: Expected ']'"),
])
def test_a_bad_mapping_entry_stops_the_load_with_a_clear_error(tmp_path, entry, message):
    write(tmp_path, "User.csv", USERS)
    write(tmp_path, "mapping.toml", entry)
    with pytest.raises(SourceError, match=message):
        load_folder(tmp_path)


def test_campaign_member_and_contact_reports_load_into_their_tables(tmp_path):
    # Report exports: labels, 15-character ids, 1/0 checkboxes, month-first dates, amounts with their code.
    write(tmp_path, "Campaigns report.csv", "Campaign ID,Campaign Name,Type,Status,Start Date,End Date,Actual Cost\n"
                                            "7015g00000WebAA,Spring webinar,Webinar,Completed,3/2/2026,3/2/2026,"
                                            "\"USD 1,500.00\"\n")
    write(tmp_path, "Members report.csv", "Campaign Name,Campaign ID,Campaign Member ID,Lead ID,Contact ID,"
                                          "Member Status,Responded,First Responded Date,Member First Associated Date\n"
                                          "Spring webinar,7015g00000WebAA,00v5g00000AAAAA,00Q5g00000AAAAA,,Responded,"
                                          "1,3/2/2026,2/20/2026 9:30 AM\n")
    write(tmp_path, "Contacts report.csv", "Contact ID,First Name,Last Name,Account ID,Mailing City,Created Date\n"
                                           "0035g00000CyAAA,Cy,Coe,0015g00000AcmeA,Austin,1/15/2026 10:00 AM\n")
    org = load_folder(tmp_path, export_zone="America/New_York")
    assert org.problems == ()
    campaign = org.campaigns.iloc[0]
    # 7015g00000WebAA: chunks 7015g, 00000, WebAA (W, A, A upper: 1 + 8 + 16 = 25 -> Z): suffix AAZ.
    assert (campaign["Id"], campaign["Name"], campaign["ActualCost"], campaign["CurrencyIsoCode"]) == (
        "7015g00000WebAAAAZ", "Spring webinar", 1500.0, "USD")
    assert campaign["StartDate"] == pd.Timestamp("2026-03-02")
    member = org.campaign_members.iloc[0]
    assert (member["CampaignId"], member["Status"], member["HasResponded"]) == ("7015g00000WebAAAAZ", "Responded", True)
    assert member["CreatedDate"] == pd.Timestamp("2026-02-20T14:30:00Z")  # 9:30 in New York (EST)
    contact = org.contacts.iloc[0]
    assert (contact["Name"], contact["CreatedDate"]) == ("Cy Coe", pd.Timestamp("2026-01-15T15:00:00Z"))
