"""The command line, run as a user runs it and in-process."""

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from salesforce.fake_server import FakeOrg, Faults, fake_salesforce

from kpi.__main__ import main
from kpi.registry import ENTRIES, SUMMARY_KEYS

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT.parent / "shared" / "tools" / "check_summary.py"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_on_the_sample_meets_the_contract():
    done = subprocess.run([sys.executable, "-m", "kpi", "summary", "--source", "sample", "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert (doc["as_of"], doc["fiscal_quarter"]) == ("2026-11-24", "FY2026 Q4")  # the sample's anchor date
    assert all(set(SUMMARY_KEYS) <= set(row) for row in [*doc["reps"], doc["team"]])
    if CHECKER.is_file():
        checked = subprocess.run([sys.executable, str(CHECKER)], input=done.stdout, capture_output=True, text=True)
        assert checked.returncode == 0 and " 0 contract errors" in checked.stdout, checked.stdout


def test_one_team_and_its_totals(capsys):
    code, out, _ = run(capsys, "summary", "--source", "sample", "--team", "SMB", "--as-of", "2026-11-20")
    doc = json.loads(out)
    assert code == 0 and doc["as_of"] == "2026-11-20" and {r["team"] for r in doc["reps"]} == {"SMB"}
    # 'team' totals exactly the listed reps.
    assert doc["team"]["calls_today"] == sum(r["calls_today"] for r in doc["reps"])
    assert doc["team"]["revenue_qtd"] == pytest.approx(sum(r["revenue_qtd"] for r in doc["reps"]))
    quotas = [r["quota_quarter"] for r in doc["reps"] if r["quota_quarter"] is not None]
    assert doc["team"]["attainment"] == pytest.approx(doc["team"]["revenue_qtd"] / sum(quotas))


def test_fiscal_start_names_the_quarter(capsys):
    _, out, _ = run(capsys, "summary", "--source", "sample", "--fiscal-start", "2")
    assert json.loads(out)["fiscal_quarter"] == "FY2027 Q4"


def test_table_format_is_readable(capsys):
    code, out, _ = run(capsys, "summary", "--source", "sample", "--format", "table", "--team", "ADR")
    assert code == 0 and out.startswith("As of 2026-11-24 (FY2026 Q4), team ADR")
    for heading in ("Activity", "Lead funnel", "Revenue", "Calls today", "SALs this week", "Attainment", "TEAM",
                    "Partners\n  Partners recruited QTD", "Customers and retention\n  New customers (12 months)"):
        assert heading in out
    assert "Empty DataFrame" not in out


def test_a_partial_export_folder_says_what_is_missing(capsys, tmp_path):
    (tmp_path / "User.csv").write_text("Id,Name,IsActive\n0055g00000AnnAAAAA,Ann Lee,true\n")
    (tmp_path / "Task.csv").write_text("Id,OwnerId,TaskSubtype,Status,CompletedDateTime\n"
                                       "00T5g00000AAAAAAAA,0055g00000AnnAAAAA,Call,Completed,2026-11-20T15:00:00Z\n")
    code, out, err = run(capsys, "summary", "--source", str(tmp_path))
    doc = json.loads(out)
    assert code == 0 and doc["as_of"] == "2026-11-20"  # an export stands at its newest activity day
    # What the files give is counted; what needs a missing file is unknown (null), not 0.
    assert doc["reps"][0]["calls_today"] == 1 and doc["reps"][0]["meetings_today"] is None
    assert doc["reps"][0]["revenue_qtd"] is None and doc["team"]["sal_week"] is None
    assert "missing: UserRole.csv, Event.csv, Lead.csv" in err
    assert "OpportunityFieldHistory" not in err  # an org may track no field history: nothing is empty without it


@pytest.mark.parametrize("args, message", [
    (["summary", "--source", "/no/such/folder"], "is not 'sample', 'store', a folder of Salesforce exports"),
    (["summary", "--source", "sample", "--as-of", "24/13/2026"], "is not a date"),
    (["summary", "--source", "sample", "--as-of", ""], "is not a date"),
    (["summary", "--source", "sample", "--as-of", "2026-11"], "is not a date"),
    (["summary", "--source", "sample", "--as-of", "9999-12-31"], "is not a date"),
    (["summary", "--source", "sample", "--fiscal-start", "13"], "is not a month number"),
    (["summary", "--source", "sample", "--export-tz", "Mars/Base"], "is not an IANA time zone"),
    (["summary", "--source", "sample", "--team", "Nobody"], "no team named 'Nobody'"),
    (["summary", "--source", "sample", "--sla-hours", "-1"], "is not a number of business hours"),
    (["summary", "--source", "sample", "--trials", "0"], "is not a positive whole number"),
    (["backtest", "--source", "sample", "--quarters", "x"], "is not a positive whole number"),
])
def test_bad_arguments_exit_2_with_a_clear_message(capsys, args, message):
    try:
        code = main(args)
    except SystemExit as exit_:  # argparse's own errors
        code = exit_.code
    assert code == 2 and message in capsys.readouterr().err


def test_list_prints_every_kpi(capsys):
    code, out, _ = run(capsys, "list")
    assert code == 0 and all(k.name in out for k in ENTRIES)


USERS = "Id,Name,IsActive,Department\n0055g00000AnnAAAAA,Ann Lee,true,SMB\n"
DEALS = ("Opportunity ID,Opportunity Owner,Amount,Close Date,Closed,Won\n"
         "0065g00000AAAAA,Ann Lee,\"USD 1,500.00\",11/03/2026,1,1\n")


def test_import_then_summarise_the_store(capsys, tmp_path):
    (tmp_path / "people.csv").write_text(USERS)
    (tmp_path / "report1.csv").write_text(DEALS)
    store = str(tmp_path / "store")
    code, out, err = run(capsys, "import", str(tmp_path / "people.csv"), str(tmp_path / "report1.csv"),
                         "--store", store)
    assert code == 0, err
    assert out.splitlines() == [
        "people.csv: User, 1 rows, 0 rejected",
        "report1.csv: Opportunity, 1 rows, 0 rejected, 2026-11-03 to 2026-11-03",
        f"import 1 stored in {store} (version 1)"]
    assert "100% Read" in err  # progress goes to stderr
    code, out, _ = run(capsys, "summary", "--source", "store", "--store", store, "--as-of", "2026-11-24")
    doc = json.loads(out)
    # Ann's one won deal of FY2026 Q4 (Oct-Dec): 1,500, the owner matched by name, the code read from the amount.
    assert code == 0 and [(r["name"], r["revenue_qtd"]) for r in doc["reps"]] == [("Ann Lee", 1500.0)]
    table = run(capsys, "summary", "--source", "store", "--store", store, "--as-of", "2026-11-24",
                "--format", "table")[1]
    assert "$1,500" in table  # shown in the corporate currency, USD
    code, out, _ = run(capsys, "imports", "--store", store)
    assert code == 0 and out.split()[0] == "1" and "users 1, opportunities 1" in out


def test_a_failed_import_changes_nothing_and_exits_non_zero(capsys, tmp_path):
    (tmp_path / "people.csv").write_text(USERS)
    (tmp_path / "error.csv").write_text("<html><body>Your session has expired</body></html>")
    store = str(tmp_path / "store")
    assert run(capsys, "import", str(tmp_path / "people.csv"), "--store", store)[0] == 0
    code, out, err = run(capsys, "import", str(tmp_path / "error.csv"), "--store", store)
    assert code == 2 and "error.csv: is a web page (HTML)" in err and "nothing imported" in err
    code, out, err = run(capsys, "import", str(tmp_path / "people.csv"), str(tmp_path / "error.csv"),
                         "--store", store)
    assert code == 1 and "import 2 stored" in out  # the good file lands, the bad one is named
    code, out, _ = run(capsys, "summary", "--source", "store", "--store", store, "--as-of", "2026-11-24")
    assert [r["name"] for r in json.loads(out)["reps"]] == []  # Ann owns nothing: no rep, but the store reads
    assert run(capsys, "import", str(tmp_path / "absent.csv"), "--store", store)[0] == 2


def test_an_empty_store_says_how_to_fill_it(capsys, tmp_path):
    code, _, err = run(capsys, "summary", "--source", "store", "--store", str(tmp_path / "none"))
    assert code == 2 and "is empty: import exports first" in err


def test_the_date_order_setting_reads_ambiguous_dates_one_way(capsys, tmp_path):
    (tmp_path / "User.csv").write_text(USERS)
    (tmp_path / "deals.csv").write_text("Opportunity ID,Opportunity Owner,Amount,Close Date,Closed,Won\n"
                                        "0065g00000AAAAA,Ann Lee,100,03/11/2026,1,1\n")
    args = ["summary", "--source", str(tmp_path), "--as-of", "2026-11-24"]
    # Nothing in the column reads one way only: month first, so 11 March, outside FY2026 Q4 (Oct-Dec): 0.
    assert json.loads(run(capsys, *args)[1])["team"]["revenue_qtd"] == 0
    # Day first: 3 November, inside the quarter: the 100 counts.
    assert json.loads(run(capsys, *args, "--date-order", "day-first")[1])["team"]["revenue_qtd"] == 100


def test_a_missing_mapping_file_is_an_error(capsys, tmp_path):
    (tmp_path / "people.csv").write_text(USERS)
    code, _, err = run(capsys, "import", str(tmp_path / "people.csv"), "--store", str(tmp_path / "store"),
                       "--mapping", str(tmp_path / "nope.toml"))
    assert code == 2 and "mapping file" in err and "does not exist" in err


ANN = "0055g00000AnnAAAAA"
ORG = {"User": pd.DataFrame({"Id": [ANN], "Name": ["Ann Lee"], "IsActive": [True], "TimeZoneSidKey": ["UTC"]}),
       "Opportunity": pd.DataFrame({"Id": ["0065g00000AAAAAAAA", "0065g00000BBBBBBBB"], "OwnerId": [ANN, ANN],
                                    "Amount": [1500.0, 700.0], "CloseDate": ["2026-11-03", "2026-09-30"],
                                    "IsClosed": [True, True], "IsWon": [True, True],
                                    "CreatedDate": ["2026-10-01T09:00:00.000+0000"] * 2})}


@pytest.fixture
def salesforce_env(monkeypatch):
    """The small org served by the local fake Salesforce, with the variables a cron job sets (access token)."""
    def serve(faults: Faults | None = None):
        served = stack.enter_context(fake_salesforce(FakeOrg(ORG), faults))
        monkeypatch.setenv("SALESFORCE_ACCESS_TOKEN", served.access_token)
        monkeypatch.setenv("SALESFORCE_INSTANCE_URL", served.instance_url)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", served.ca_path)  # the client's own session trusts the server
        return served
    with contextlib.ExitStack() as stack:
        yield serve


@pytest.mark.parametrize("bulk", [[], ["--bulk-from", "1"], ["--no-bulk"]], ids=["default", "bulk", "rest"])
def test_pull_then_summarise_and_summary_from_salesforce(capsys, tmp_path, salesforce_env, bulk):
    served = salesforce_env()
    store = str(tmp_path / "store")
    code, out, err = run(capsys, "pull", "--store", store, "--since", "2026-01-01", *bulk)
    assert code == 0, err
    assert out.startswith(f"pull 1 stored in {store} (version 1): users 1, opportunities 2;") and "API calls" in out
    assert "Pulling Opportunity" in err and "Importing into the store" in err  # progress on stderr
    assert served.count("/jobs/query", "POST") == (2 if bulk == ["--bulk-from", "1"] else 0)
    code, out, _ = run(capsys, "summary", "--source", "store", "--store", store, "--as-of", "2026-11-24")
    # FY2026 Q4 is Oct-Dec: the 1,500 won on 3 November counts, the 700 of 30 September does not.
    assert code == 0 and json.loads(out)["team"]["revenue_qtd"] == 1500.0
    # --source salesforce pulls (a later, incremental pull) and summarises what is then in the store.
    code, out, err = run(capsys, "summary", "--source", "salesforce", "--store", store, "--as-of", "2026-11-24")
    assert code == 0 and json.loads(out)["team"]["revenue_qtd"] == 1500.0
    history = run(capsys, "imports", "--store", store)[1]
    assert history.count("salesforce pull") == 2 and history.count(" API calls; ") == 2  # what each pull cost


def test_a_refused_pull_exits_2_says_why_and_never_shows_the_token(capsys, tmp_path, salesforce_env):
    served = salesforce_env(Faults(rate_limited=True))
    code, out, err = run(capsys, "pull", "--store", str(tmp_path / "store"))
    assert code == 2 and out == ""
    assert "the Salesforce pull failed" in err and "daily API request limit is reached" in err
    assert served.access_token not in err and not (tmp_path / "store" / "manifest.json").exists()


def test_backtest_of_a_quarter_whose_every_deal_was_won(capsys, tmp_path):
    # FY2026 Q1: one deal, created in Q4 2025, moved from Prospecting to Closed Won: Prospecting wins 1 in 1,
    # and no deal was created and won inside one quarter, so no run-rate. Q2: one 100 deal in Prospecting at
    # its middle (16 May), won on 20 June against a quota of 100. The forecast is certain: P10 = P50 = P90 =
    # 100 = the actual (at or below P50, inside P10-P90), the chance to hit quota 1 and it was hit: Brier 0.
    (tmp_path / "User.csv").write_text(f"Id,Name,IsActive\n{ANN},Ann Lee,true\n")
    (tmp_path / "Opportunity.csv").write_text(
        "Id,Name,OwnerId,StageName,Amount,CloseDate,CreatedDate,IsClosed,IsWon\n"
        f"0065g00000AAAAAAAA,Q1 deal,{ANN},Closed Won,50,2026-02-10,2025-12-01T10:00:00.000Z,true,true\n"
        f"0065g00000BBBBBBBB,Q2 deal,{ANN},Closed Won,100,2026-06-20,2026-03-01T10:00:00.000Z,true,true\n")
    (tmp_path / "OpportunityFieldHistory.csv").write_text(
        "OpportunityId,Field,DataType,OldValue,NewValue,CreatedDate\n"
        "0065g00000AAAAAAAA,StageName,Picklist,Prospecting,Closed Won,2026-02-10T10:00:00.000Z\n"
        "0065g00000BBBBBBBB,StageName,Picklist,Prospecting,Closed Won,2026-06-20T10:00:00.000Z\n")
    (tmp_path / "ForecastingQuota.csv").write_text(f"QuotaOwnerId,StartDate,QuotaAmount,IsQuantity\n"
                                                   f"{ANN},2026-04-01,100,false\n")
    code, out, _ = run(capsys, "backtest", "--source", str(tmp_path), "--as-of", "2026-08-01", "--quarters", "1",
                       "--format", "json")
    calibration = json.loads(out)
    assert code == 0 and calibration["cases"] == 1
    assert (calibration["share_at_or_below_p50"], calibration["share_inside_p10_p90"], calibration["brier"]) == \
        (1.0, 1.0, 0.0)
    code, out, _ = run(capsys, "backtest", "--source", str(tmp_path), "--as-of", "2026-08-01", "--quarters", "1")
    lines = out.splitlines()
    assert code == 0 and lines[0].startswith("Forecast backtest: 2 forecasts of reps and teams")  # Ann's, the team's
    assert lines[-1].split() == ["FY2026", "Q2", "1.00", "1.00", "1.00", "0.00"]


def test_review_workbook_and_digest_from_the_command_line(capsys, tmp_path):
    from openpyxl import load_workbook
    out = tmp_path / "review.xlsx"
    code, said, err = run(capsys, "review", "--source", "sample", "--team", "SMB", "--out", str(out))
    assert code == 0, err
    assert said.startswith(f"wrote {out}") and "weekly review of SMB as of 2026-11-24" in said
    summary_doc = json.loads(run(capsys, "summary", "--source", "sample", "--team", "SMB")[1])
    team = {row[3]: row[1] for row in load_workbook(out)["Team"].iter_rows(min_row=2, values_only=True)}
    assert team["revenue_qtd"] == summary_doc["team"]["revenue_qtd"]
    assert team["attainment"] == pytest.approx(summary_doc["team"]["attainment"])
    code, text, _ = run(capsys, "digest", "--source", "sample", "--team", "SMB", "--format", "markdown")
    assert code == 0 and text.startswith("**Weekly review · SMB · Tue 24 Nov 2026 (FY2026 Q4)**")
    assert text.rstrip().endswith("_Data the bundled sample org._")
    with pytest.raises(SystemExit) as stopped:
        run(capsys, "review", "--source", "sample", "--out", str(tmp_path / "review.pdf"))
    assert stopped.value.code == 2 and "a .pptx deck or an .xlsx workbook" in capsys.readouterr().err


SAMPLE_MAIL = "@brightpathsoftware.com"


def test_a_viewer_gets_exactly_what_they_may_see(capsys, tmp_path):
    def doc_for(*extra: str) -> dict:
        code, out, err = run(capsys, "summary", "--source", "sample", "--trials", "200", *extra)
        assert code == 0, err
        return json.loads(out)
    everyone, smb = doc_for(), doc_for("--team", "SMB")
    kamala = doc_for("--viewer", f"kamala.perez{SAMPLE_MAIL}")
    assert [r["name"] for r in kamala["reps"]] == ["Kamala Perez"]
    mine = next(r for r in everyone["reps"] if r["name"] == "Kamala Perez")
    assert kamala["reps"][0]["revenue_qtd"] == mine["revenue_qtd"] and kamala["reps"][0]["sal_week"] == mine["sal_week"]
    assert set(kamala["team"].values()) == {None}  # no leaderboard allowed: no team totals
    allowed = tmp_path / "access.toml"
    allowed.write_text("reps_see_leaderboard = true\n")
    with_board = doc_for("--viewer", f"kamala.perez{SAMPLE_MAIL}", "--access", str(allowed))
    assert len(with_board["reps"]) == 1 and with_board["team"]["revenue_qtd"] == smb["team"]["revenue_qtd"]
    kwame = doc_for("--viewer", f"Kwame.Nguyen{SAMPLE_MAIL}")  # the VP: two levels of managers below him
    assert [r["id"] for r in kwame["reps"]] == [r["id"] for r in everyone["reps"]]
    assert kwame["viewer"]["role"] == "manager" and kwame["team"]["revenue_qtd"] == everyone["team"]["revenue_qtd"]


@pytest.mark.parametrize(("email", "said"), [
    (f"fernanda.lee{SAMPLE_MAIL}", "belongs to an inactive Salesforce user (Fernanda Lee)"),
    ("stranger@example.com", "stranger@example.com is not the email of any Salesforce user"),
])
def test_an_inactive_or_unknown_viewer_is_refused(capsys, email, said):
    code, out, err = run(capsys, "summary", "--source", "sample", "--viewer", email)
    assert (code, out) == (2, "") and said in err


def test_a_viewer_cannot_ask_for_a_team_outside_their_view(capsys):
    code, out, err = run(capsys, "summary", "--source", "sample", "--viewer", f"sofia.jackson{SAMPLE_MAIL}",
                         "--team", "ADR")
    assert (code, out) == (2, "") and "no team named 'ADR' among those you can see; teams: SMB" in err


def test_the_review_and_digest_of_a_viewer_hold_only_their_people(capsys, tmp_path):
    from openpyxl import load_workbook
    out = tmp_path / "review.xlsx"
    code, said, err = run(capsys, "review", "--source", "sample", "--viewer", f"sofia.jackson{SAMPLE_MAIL}",
                          "--out", str(out))
    assert code == 0 and "weekly review of Sofia Jackson's reps" in said, err
    smb = json.loads(run(capsys, "summary", "--source", "sample", "--team", "SMB", "--trials", "200")[1])["reps"]
    text = "\n".join(str(cell) for sheet in load_workbook(out) for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)
    everyone = json.loads(run(capsys, "summary", "--source", "sample", "--trials", "200")[1])["reps"]
    others = {r["name"] for r in everyone} - {r["name"] for r in smb}
    assert all(r["name"] in text for r in smb) and not [name for name in others if name in text]
    code, digest, _ = run(capsys, "digest", "--source", "sample", "--viewer", f"kamala.perez{SAMPLE_MAIL}")
    assert code == 0 and digest.startswith("**Weekly review · Kamala Perez ·")
    assert not [name for name in {r["name"] for r in everyone} - {"Kamala Perez"} if name in digest]


def test_a_rep_whose_manager_changed_moves_to_the_new_managers_summary(capsys, kamala_moved):
    def names(email: str) -> list[str]:
        code, out, err = run(capsys, "summary", "--source", str(kamala_moved), "--viewer", email, "--trials", "200")
        assert code == 0, err
        return [r["name"] for r in json.loads(out)["reps"]]
    assert "Kamala Perez" not in names(f"sofia.jackson{SAMPLE_MAIL}")
    assert "Kamala Perez" in names(f"arjun.osei{SAMPLE_MAIL}")


def test_settings_change_the_partner_rules_and_a_bad_one_is_named(capsys, tmp_path):
    def partners(*extra: str) -> dict:
        code, out, err = run(capsys, "summary", "--source", "sample", "--trials", "200", *extra)
        assert code == 0, err
        return json.loads(out)["partners"]
    settings = tmp_path / "settings.toml"
    settings.write_text("[partners]\ndeadline_days = 3650\n")  # nobody is overdue within ten years
    assert partners("--settings", str(settings))["overdue_certification"] == 0
    settings.write_text("[partners]\ndeadline = 30\n")
    code, out, err = run(capsys, "summary", "--source", "sample", "--settings", str(settings))
    assert (code, out) == (2, "") and "[partners]: unknown key 'deadline'; the keys are types," in err


def test_summary_has_the_plan_and_the_ramp(capsys):
    code, out, _ = run(capsys, "summary", "--source", "sample", "--team", "SMB")
    doc = json.loads(out)
    lines = {(p["metric"], p["channel"]): p for p in doc["plan"]}
    assert {p["team"] for p in doc["plan"]} == {"SMB"}
    # The quota line is the team's quota against its revenue QTD; the channels split that revenue.
    revenue = lines[("revenue", None)]
    assert (revenue["plan_quarter"], revenue["actual_qtd"]) == (doc["team"]["quota_quarter"], doc["team"]["revenue_qtd"])
    assert sum(lines[("revenue", c)]["actual_qtd"] for c in ("direct", "reseller", "service_provider")) == \
        pytest.approx(revenue["actual_qtd"])
    # The sample's SMB plan for FY2026 Q4 (goals.csv team:SMB rows): attainment and pace from them.
    reseller = lines[("revenue", "reseller")]
    assert reseller["plan_quarter"] == 20_000
    assert reseller["attainment"] == pytest.approx(reseller["actual_qtd"] / 20_000)
    assert reseller["pace"] == pytest.approx(reseller["attainment"] / (39 / 66))
    assert isinstance(lines[("new_customers", None)]["actual_qtd"], int)
    assert {r["name"]: r["tenure_months"] for r in doc["reps"] if r["ramping"]} == {"Layla Hughes": 1}


def test_a_goals_file_imported_is_the_plan_in_force_and_exports_back(capsys, tmp_path):
    exported = tmp_path / "plan.csv"
    assert run(capsys, "goals", "export", str(exported), "--source", "sample")[0] == 0
    plan = pd.read_csv(exported, keep_default_na=False)
    assert list(plan.columns) == ["owner", "metric", "period", "target", "channel", "quarter"]
    raised = plan.assign(target=plan["target"].where(
        ~((plan["owner"] == "team:SMB") & (plan["channel"] == "reseller") & (plan["quarter"] == "FY2026 Q4")), 40_000))
    raised.to_csv(exported, index=False)
    code, _, err = run(capsys, "goals", "import", str(exported), "--source", "sample", "--by", "sofia",
                       "--note", "Q4 revision")
    assert code == 0 and "saved" in err and "version 1" in err
    code, out, _ = run(capsys, "summary", "--source", "sample", "--team", "SMB")
    reseller = next(p for p in json.loads(out)["plan"] if p["channel"] == "reseller")
    assert reseller["plan_quarter"] == 40_000
    code, out, _ = run(capsys, "goals", "history", "--source", "sample")
    assert out.startswith("v1  ") and "sofia  53 rows  (from v0)  Q4 revision" in out
    # Exported again, the plan in force is what was imported (the round trip keeps every row).
    again = tmp_path / "again.csv"
    run(capsys, "goals", "export", str(again), "--source", "sample")
    assert pd.read_csv(again, keep_default_na=False).equals(pd.read_csv(exported, keep_default_na=False))


def test_a_bad_goals_file_is_refused_whole_and_the_plan_in_force_stays(capsys, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("owner,metric,period,target,channel,quarter\nteam:SMB,revenue,quarter,1000,reseller,FY2026 Q4\n")
    assert run(capsys, "goals", "import", str(good), "--source", "sample")[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("owner,metric,period,target,channel,quarter\n"
                   "team:Nowhere,revenue,quarter,1000,reseller,FY2026 Q4\n"  # line 2: no such team
                   "SMB Account Manager,sal,week,-3,,\n"  # line 3: negative
                   "ghost@example.com,revenue,quarter,ten,,\n"  # line 4: no such user, not a number
                   "*,calls,day,5,resale,\n")  # line 5: no such channel, and not on revenue
    code, _, err = run(capsys, "goals", "import", str(bad), "--source", "sample")
    assert code == 2
    assert err.splitlines() == [
        f"error: {bad}: nothing saved:",
        "  row 2, owner: no team Nowhere (teams: ADR, Mid-Market, SMB)",
        "  row 3, target: -3 is negative",
        "  row 4, owner: no user has the email ghost@example.com",
        "  row 4, target: 'ten' is not a number",
        "  row 5, channel: 'resale' is not one of direct, reseller, service_provider",
        "  row 5, channel: only revenue is planned by channel"]
    _, out, _ = run(capsys, "goals", "history", "--source", "sample")
    assert out.count("\n") == 1  # still the one good version


def test_a_missing_hire_date_field_is_a_note_not_a_failure(capsys, tmp_path):
    settings = tmp_path / "settings.toml"
    settings.write_text('[ramp]\nhire_date_field = "Start_Date__c"\n')
    code, out, err = run(capsys, "summary", "--source", "sample", "--settings", str(settings))
    assert code == 0 and "note: User.Start_Date__c" in err and "mapping.toml [users]" in err
    assert {r["tenure_months"] for r in json.loads(out)["reps"]} == {None}


def test_without_the_account_export_the_plan_lines_it_decides_are_unknown(capsys, tmp_path):
    from kpi.sources import sample
    for path in sample.ensure().glob("*.csv"):
        if path.name != "Account.csv":
            (tmp_path / path.name).write_bytes(path.read_bytes())
    code, out, err = run(capsys, "summary", "--source", str(tmp_path), "--team", "SMB", "--as-of", "2026-11-24")
    lines = {(p["metric"], p["channel"]): p for p in json.loads(out)["plan"]}
    assert code == 0 and "missing: Account.csv" in err
    # Revenue over every channel needs only the deals; its split by channel (the partner's Type), the partners
    # recruited and certified need the accounts: null, never 0.
    assert lines[("revenue", None)]["actual_qtd"] > 0
    assert {key: lines[key]["actual_qtd"] for key in lines if key[1] or key[0].startswith("partners")} == {
        ("revenue", "direct"): None, ("revenue", "reseller"): None, ("revenue", "service_provider"): None,
        ("partners_recruited", None): None, ("partners_certified", None): None}
    assert lines[("revenue", "reseller")]["attainment"] is None


def test_summary_says_what_the_campaign_and_lead_process_data_lack(capsys, monkeypatch):
    from dataclasses import replace

    from factories import org, uid
    ann, lead, campaign = "0055g00000AnnAAAAA", uid("00Q", 1), uid("701", 1)
    built = replace(org(
        users=[{"Id": ann, "Name": "Ann Lee", "IsActive": True, "TimeZoneSidKey": "UTC"}],
        leads=[{"Id": lead, "OwnerId": ann, "Status": "Working"}],
        activities=[{"Id": uid("00T", 1), "OwnerId": ann, "TaskSubtype": "Call", "Status": "Completed",
                     "CompletedDateTime": "2026-11-20T15:00:00Z"}],
        campaigns=[{"Id": campaign, "Name": "Webinar", "Type": "Webinar", "ActualCost": 500}],
        campaign_members=[{"Id": uid("00v", 1), "CampaignId": campaign, "LeadId": lead, "HasResponded": True,
                           "CreatedDate": "2026-11-10T15:00:00Z"},
                          {"Id": uid("00v", 2), "CampaignId": campaign, "LeadId": uid("00Q", 9),
                           "CreatedDate": "2026-11-10T15:00:00Z"}],
        named_accounts=[{"owner": "Zed Nobody", "account": uid("001", 1)}]), missing=("Contact",))
    monkeypatch.setattr("kpi.__main__.load", lambda *args, **kwargs: built)
    code, out, err = run(capsys, "summary", "--source", "exports", "--as-of", "2026-11-24")
    assert code == 0
    assert "note: CampaignMember: 1 member names a lead not in Lead.csv: left out of every figure" in err
    assert "note: Contact.csv is missing or empty, so events recruit no partner through a contact" in err
    assert "note: Lead.Disqualified_Reason__c is empty for every lead" in err and "[lead_process] reason_field" in err
    assert "problem: named_accounts.csv row 2, column owner: no user named 'Zed Nobody'" in err
    # The known member counts: 1 member, a responder, no SQL, so no cost per SQL.
    assert json.loads(out)["campaigns"] == [{
        "id": campaign, "name": "Webinar", "type": "Webinar", "members": 1, "responders": 1, "mql": 0,
        "qualified_in": 0, "qualified_out": 0, "opportunities": 0, "pipeline": 0.0, "won": 0.0, "cost": 500.0,
        "cost_per_sql": None}]
    code, out, _ = run(capsys, "summary", "--source", "exports", "--as-of", "2026-11-24", "--format", "table")
    assert code == 0 and "Named accounts and lead process" in out and "Campaigns and events (this quarter)" in out
    assert "Webinar" in out and "Cost per SQL" in out


def test_summary_on_a_folder_without_campaign_files_says_so(capsys, tmp_path):
    (tmp_path / "User.csv").write_text(USERS)
    code, out, err = run(capsys, "summary", "--source", str(tmp_path), "--as-of", "2026-11-24")
    assert code == 0 and json.loads(out)["campaigns"] == []
    assert "note: Campaign.csv is missing or empty, so there are no campaign or event figures" in err
