"""Owner, manager and role names in report exports become ids; names that match no user, or several, are
reported once per name; a queue's name in a lead history makes the lead count for nobody while it owned it, and
an opportunity history's owners are users."""

from pathlib import Path

import pandas as pd

from kpi import funnel
from kpi.sources import load_folder
from kpi.sources.files import read_files
from kpi.sources.names import NOT_A_USER
from kpi.summary import prepare, summary

ANN = "0055g00000AnnAAAAA"
BO = "0055g00000BoAAAAAA"
CY1 = "0055g00000Cy1AAAAA"
CY2 = "0055g00000Cy2AAAAA"
DEE = "0055g00000DeeAAAAA"
ZONE = "(GMT-05:00) Eastern Standard Time (America/New_York)"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def opportunity_rows(*owners: str) -> str:
    return "".join(f"0065g00000AAAAAA{n:02d},{owner},100,11/02/2026,1,1\n" for n, owner in enumerate(owners))


def test_owner_names_match_users_whatever_their_case_and_spacing(tmp_path):
    write(tmp_path, "users.csv", f"User ID,Full Name,Time Zone\n{ANN},Ann Lee,{ZONE}\n{BO},Bo  Chen,{ZONE}\n")
    write(tmp_path, "deals.csv", "Opportunity ID,Opportunity Owner,Amount,Close Date,Closed,Won\n"
          + opportunity_rows("  ann LEE ", "BO CHEN", "Bo   chen"))
    org = load_folder(tmp_path)
    assert org.problems == ()
    assert org.opportunities["OwnerId"].tolist() == [ANN, BO, BO]
    assert org.users["TimeZoneSidKey"].tolist() == ["America/New_York", "America/New_York"]


def test_unknown_and_ambiguous_names_are_reported_once_per_name_with_first_row_and_count(tmp_path):
    write(tmp_path, "users.csv", f"User ID,Full Name\n{ANN},Ann Lee\n{CY1},Cy Park\n{CY2},cy park\n")
    write(tmp_path, "deals.csv", "Opportunity ID,Opportunity Owner,Amount,Close Date,Closed,Won\n"
          + opportunity_rows("Ann Lee", "Dan Nobody", "Cy Park", "Dan Nobody", "Dan Nobody"))
    org = load_folder(tmp_path)
    # Rows 3, 5 and 6 name Dan (first: row 3, 3 rows); row 4 names Cy Park, whom two users are called.
    assert [str(p) for p in org.problems] == [
        "deals.csv row 3, column OwnerId: 'Dan Nobody' matches no user (3 rows); left empty",
        "deals.csv row 4, column OwnerId: 'Cy Park' matches several users (1 row); left empty",
    ]
    # The rows stay, owned by nobody: they are counted for no rep, but not lost.
    owners = org.opportunities["OwnerId"]
    assert owners[0] == ANN and owners.isna().tolist() == [False, True, True, True, True]


def test_manager_names_resolve_within_the_same_users_report(tmp_path):
    write(tmp_path, "users.csv", f"User ID,Full Name,Manager\n{ANN},Ann Lee,Dee Ray\n{DEE},Dee Ray,\n")
    org = load_folder(tmp_path)
    assert org.problems == ()
    manager = org.users.set_index("Id")["ManagerId"]
    assert manager[ANN] == DEE and pd.isna(manager[DEE])


def test_names_match_users_the_store_already_holds(tmp_path):
    write(tmp_path, "deals.csv", "Opportunity ID,Opportunity Owner,Amount,Close Date,Closed,Won\n"
          + opportunity_rows("Ann Lee"))
    known = pd.DataFrame({"Id": [ANN], "Name": ["Ann Lee"]})
    batch = read_files([tmp_path / "deals.csv"], known_users=known)
    assert batch.problems == () and batch.tables["opportunities"]["OwnerId"].tolist() == [ANN]


HISTORY = """\
Lead ID,Field / Event,Old Value,New Value,Edit Date
00Q5g00000AAAAAAAA,Lead Status,New,MQL,11/02/2026 10:00 AM
00Q5g00000AAAAAAAA,Lead Owner,Inbound Queue,Ann Lee,11/03/2026 9:00 AM
00Q5g00000AAAAAAAA,Lead Status,MQL,SAL,11/04/2026 9:00 AM
00Q5g00000AAAAAAAB,Lead Status,New,MQL,11/05/2026 9:00 AM
"""


def test_a_queue_name_in_lead_history_is_no_user_and_the_lead_counts_for_nobody_then(tmp_path):
    write(tmp_path, "User.csv", f"Id,Name,TimeZoneSidKey\n{ANN},Ann Lee,UTC\n")
    write(tmp_path, "leads.csv", "Lead ID,Lead Owner,Lead Status,Create Date\n"
                                 "00Q5g00000AAAAAAAA,Ann Lee,SAL,11/01/2026 9:00 AM\n"
                                 "00Q5g00000AAAAAAAB,Ann Lee,MQL,11/01/2026 9:00 AM\n")
    write(tmp_path, "history.csv", HISTORY)
    org = load_folder(tmp_path)
    assert [str(p) for p in org.problems] == [
        "history.csv row 3, column OldValue: 'Inbound Queue' matches no user (1 row); taken as an owner who is no "
        "rep (a queue?)"]
    owner_change = org.lead_history.loc[org.lead_history["Field"] == "Owner"].iloc[0]
    # The report's single name row becomes the id row the funnel reads (DataType EntityId).
    assert (owner_change["OldValue"], owner_change["NewValue"], owner_change["DataType"]) == (
        NOT_A_USER, ANN, "EntityId")
    assert org.lead_history["Field"].tolist() == ["Status", "Owner", "Status", "Status"]

    reached = funnel.stages_reached(org.leads, org.lead_history, pd.Series({ANN: "UTC"}))
    owners = {(r.LeadId[-1], str(r.stage)): r.OwnerId for r in reached.itertuples()}
    # Lead A reached MQL on 2 Nov while the queue owned it (the first owner change after it, on 3 Nov, has the
    # queue as its old value): nobody's. It reached SAL on 4 Nov, after Ann took it: Ann's. Lead B: Ann's MQL.
    assert pd.isna(owners[("A", "mql")]) and owners[("A", "sal")] == ANN and owners[("B", "mql")] == ANN
    assert len(owners) == 3

    facts = prepare(org)
    ann = summary(facts, pd.Timestamp("2026-11-24"))["reps"][0]
    assert (ann["id"], ann["sal_month"]) == (ANN, 1)  # only lead A's SAL in November is Ann's


OPPORTUNITY_HISTORY = """\
Opportunity ID,Opportunity Name,Field / Event,Old Value,New Value,Edit Date
0065g00000AAAAAAAA,Acme,Stage,Prospecting,Qualification,11/02/2026 10:00 AM
0065g00000AAAAAAAA,Acme,Opportunity Owner,Ann Lee,bo  chen,11/03/2026 9:00 AM
0065g00000AAAAAAAA,Acme,Close Date,11/30/2026,12/15/2026,11/04/2026 9:00 AM
0065g00000AAAAAAAB,Globex,Forecast Category,Pipeline,Commit,11/05/2026 9:00 AM
0065g00000AAAAAAAB,Globex,Owner,Bo Chen,Dan Nobody,11/06/2026 9:00 AM
"""


def test_an_opportunity_field_history_report_names_fields_by_label_and_owners_by_name(tmp_path):
    write(tmp_path, "User.csv", f"Id,Name,TimeZoneSidKey\n{ANN},Ann Lee,UTC\n{BO},Bo Chen,UTC\n")
    write(tmp_path, "Opportunity Field History.csv", OPPORTUNITY_HISTORY)
    org = load_folder(tmp_path)
    # An opportunity's owner is always a user: an unknown name is reported and left empty, never taken as a queue.
    assert [str(p) for p in org.problems] == [
        "Opportunity Field History.csv row 6, column NewValue: 'Dan Nobody' matches no user (1 row); left empty"]
    history = org.opportunity_history
    assert org.has("OpportunityFieldHistory") and org.lead_history.empty
    assert history["Field"].tolist() == ["StageName", "Owner", "CloseDate", "ForecastCategoryName", "Owner"]
    # The report's owner rows become the id rows (DataType EntityId); other values stay as the report wrote them.
    assert history[["OldValue", "NewValue"]].fillna("").values.tolist() == [
        ["Prospecting", "Qualification"], [ANN, BO], ["11/30/2026", "12/15/2026"], ["Pipeline", "Commit"], [BO, ""]]
    assert history["DataType"].fillna("").tolist() == ["", "EntityId", "", "", "EntityId"]
    assert NOT_A_USER not in set(history["OldValue"]) | set(history["NewValue"])
    # 'Edit Date' is the row's CreatedDate: report wall time in the export zone (UTC here).
    assert history["CreatedDate"].iloc[0] == pd.Timestamp("2026-11-02T10:00:00Z")
    assert history["OpportunityId"].str[-1].tolist() == ["A", "A", "A", "B", "B"]


def test_role_names_without_a_user_role_file_make_roles_so_a_role_goal_applies(tmp_path):
    write(tmp_path, "users.csv", f"User ID,Full Name,Role,Time Zone\n{ANN},Ann Lee,ADR,{ZONE}\n"
                                 f"{BO},Bo Chen,adr ,{ZONE}\n{DEE},Dee Ray,Account Executive,{ZONE}\n")
    write(tmp_path, "Task.csv", f"Id,OwnerId,Status,TaskSubtype,ActivityDate\n00T5g00000AAAAAAAA,{ANN},Completed,Call,"
                                f"2026-11-24\n00T5g00000AAAAAAAB,{BO},Completed,Call,2026-11-24\n"
                                f"00T5g00000AAAAAAAC,{DEE},Completed,Call,2026-11-24\n")
    write(tmp_path, "goals.csv", "owner,metric,period,target\nADR,sal,month,7\nAccount Executive,sal,month,2\n")
    org = load_folder(tmp_path)
    assert org.problems == ()
    # Two roles: 'ADR' and 'adr ' are one name (case and spaces aside); the first spelling names it.
    assert sorted(org.user_roles["Name"]) == ["ADR", "Account Executive"]
    role_of = org.users.set_index("Id")["UserRoleId"]
    assert role_of[ANN] == role_of[BO] != role_of[DEE]
    assert set(role_of) == set(org.user_roles["Id"])
    goals = {r["id"]: r["sal_goal_month"] for r in summary(prepare(org), pd.Timestamp("2026-11-24"))["reps"]}
    assert goals == {ANN: 7, BO: 7, DEE: 2}


def test_a_quota_of_nobody_is_skipped_with_one_message(tmp_path):
    write(tmp_path, "users.csv", f"User ID,Full Name\n{ANN},Ann Lee\n")
    write(tmp_path, "ForecastingQuota.csv", "QuotaOwnerId,StartDate,QuotaAmount\n"
          "Ann Lee,2026-10-01,1000\nDan Nobody,2026-10-01,500\n")
    org = load_folder(tmp_path)
    assert org.quotas[["QuotaOwnerId", "QuotaAmount"]].values.tolist() == [[ANN, 1000.0]]
    assert [str(p) for p in org.problems] == [
        "ForecastingQuota.csv row 3, column QuotaOwnerId: 'Dan Nobody' matches no user (1 row); row skipped"]


def test_owner_names_with_no_users_at_all_are_reported_not_a_crash(tmp_path):
    write(tmp_path, "deals.csv", "Opportunity ID,Opportunity Owner,Amount,Close Date,Closed,Won\n"
          + opportunity_rows("Ann Lee"))
    org = load_folder(tmp_path)
    assert org.opportunities["OwnerId"].isna().tolist() == [True]
    assert [p.message for p in org.problems] == ["'Ann Lee' matches no user (1 row); left empty"]
