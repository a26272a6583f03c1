"""The Plan page on the sample org, in AppTest: what it shows is what the engine computed (expectations come from
kpi.summary, so they hold whatever plan the sample carries), and a plan saved on it is the plan in force."""

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from dashboard_app import signed_in
from test_partners_page import table_with
from test_team import facts, scorecard  # noqa: F401 - `facts` is a fixture

from kpi import plan, plans
from kpi.periods import FiscalCalendar
from kpi.registry import KPIS
from kpi.sources.sample import ANCHOR
from kpi.summary import deals_as_of, plan_views, summary

SOFIA_MAIL = "sofia.jackson@brightpathsoftware.com"  # the SMB manager of the sample org
LAYLA, WEI = "0055g000000HCbMAAW", "0055g000000HCbRAAW"  # the sample's two reps hired in the last four months


def views_of(facts, team=None):  # noqa: F811
    reps, _ = scorecard(facts, team)
    return plan_views(facts, ANCHOR, FiscalCalendar(), reps.index, deals_as_of(facts, ANCHOR))


def money_or_count(metric: str, value: float) -> str:
    return KPIS["revenue_qtd" if metric in plan.AMOUNTS else "plan_quarter"].format(value, compact=True)


def test_the_quarters_plan_lines_are_the_engines(app, facts):  # noqa: F811
    current = views_of(facts, "SMB")[-1]
    at = app("pages/plan.py", team="SMB")
    assert at.title[0].value == "Plan · SMB"
    table = table_with(at, "label", "Plan", "Actual", "attainment", "pace")
    shown = current.teams.loc[current.teams["plan_quarter"].notna() | current.teams["actual_qtd"].ne(0)]
    assert table["label"].tolist() == [plan.label(m, c) for m, c in zip(shown["metric"], shown["channel"])]
    assert table["Plan"].tolist() == [money_or_count(m, v) for m, v in zip(shown["metric"], shown["plan_quarter"])]
    assert table["Actual"].tolist() == [money_or_count(m, v) for m, v in zip(shown["metric"], shown["actual_qtd"])]
    assert table["attainment"].tolist() == pytest.approx(shown["attainment"].tolist(), nan_ok=True)
    # The summary's `plan` says the same: the SMB team's revenue line is its quota against revenue QTD.
    doc = summary(facts, ANCHOR, FiscalCalendar(), "SMB")
    revenue = next(p for p in doc["plan"] if p["metric"] == "revenue" and p["channel"] is None)
    assert (revenue["plan_quarter"], revenue["actual_qtd"]) == (doc["team"]["quota_quarter"], doc["team"]["revenue_qtd"])
    assert table["Plan"].iloc[0] == money_or_count("revenue", revenue["plan_quarter"])


def shown_text(table) -> pd.DataFrame:
    """What a table's cells say in the browser where a Styler wrote them (the display values sent with the data)."""
    import pyarrow as pa
    return pa.ipc.open_stream(table.proto.arrow_data.styler.display_values).read_all().to_pandas()


def test_tables_show_empty_cells_as_a_dash_and_rates_in_whole_percents(app):
    at = app("pages/plan.py", team="SMB")
    # Every table of the page but the records (widgets.records, the one with Salesforce ids) says "—" where a
    # value is missing, as the rest of the app does: the editor's empty channel, days to a first SQL an account
    # manager never has, a line's attainment without a plan. That is 6 tables: lines, quarters, reps, records,
    # ramping reps, and the editor.
    tables = [d for d in at.dataframe if "Id" not in d.value.columns]
    assert len(tables) == 5 and [t.proto.placeholder for t in tables] == ["—"] * 5
    ramping = table_with(at, "Rep", "days_to_first_sql")
    assert ramping["days_to_first_sql"].isna().all()  # (Layla Hughes sells: she qualifies no leads)
    # Rates in whole percents, rounded, as the cards and charts say them: SMB's new customers, 45 of 87 = 51.7%,
    # read 52% (a percent column's own format would say 51.72%, or cut it to 51%). The numbers stay numbers.
    lines, shown = tables[0].value, shown_text(tables[0]).set_index("label")
    customers = lines.set_index("label").loc["New customers"]
    assert (customers["Plan"], customers["Actual"]) == ("87", "45")
    assert customers["attainment"] == pytest.approx(45 / 87)
    assert shown.loc["New customers", "attainment"] == "52%"
    assert shown.loc["New customers", "pace"] == KPIS["pace"].format(customers["pace"])
    assert shown.loc["Activities", ["attainment", "pace"]].tolist() == ["—", "—"]  # activities have no plan
    assert all(json.loads(t.proto.columns)[c]["type_config"] == {"type": "number"}  # (no format over the text)
               for t in tables[:3] for c in ("attainment", "pace") if c in t.value.columns)
    assert shown_text(tables[1])["attainment"].str.fullmatch(r"\d+%|—").all()  # the five quarters
    assert shown_text(tables[2])["pace"].str.fullmatch(r"\d+%|—").all()  # the reps


def test_a_line_lists_each_reps_figures_and_the_records_behind_it(app, facts):  # noqa: F811
    current = views_of(facts, "SMB")[-1]
    at = app("pages/plan.py", team="SMB")
    at.selectbox(key="plan_line").set_value("revenue:service_provider").run()
    reps = table_with(at, "Rep", "Plan", "Actual")
    lines = current.reps.loc[current.reps["metric"].eq("revenue") & current.reps["channel"].eq("service_provider")]
    assert sorted(reps["Rep"]) == sorted(facts.people.set_index("Id").loc[lines["team"], "Name"])
    records = table_with(at, "Id", "Amount", "channel")
    team_line = current.teams.loc[current.teams["metric"].eq("revenue")
                                  & current.teams["channel"].eq("service_provider")].iloc[0]
    # The records behind the line add up to its actual, and are service-provider deals won in the quarter.
    assert records["Amount"].sum() == team_line["actual_qtd"] > 0
    assert set(records["channel"]) == {"service_provider"}
    # Shown as days (2026-10-23, not 2026-10-23 00:00:00).
    assert str(records["CloseDate"].dtype) == "date32[day][pyarrow]"
    assert records["CloseDate"].between(current.quarter.start.date(), ANCHOR.date()).all()


def test_the_four_quarters_before_are_a_grid_coloured_by_pace(app, facts):  # noqa: F811
    views = views_of(facts, "SMB")
    at = app("pages/plan.py", team="SMB")
    chart = next(c for c in at.get("plotly_chart") if "plan_history_SMB" in c.proto.id)
    grid = json.loads(chart.proto.spec)["data"][0]
    assert grid["x"] == [v.quarter.name for v in views if v.teams["plan_quarter"].notna().any()]
    previous = views[-2].teams.set_index(["metric", "channel"])
    row = grid["y"].index(plan.label("revenue", "reseller"))
    cell = grid["x"].index(views[-2].quarter.name)
    reseller = previous.loc[("revenue", "reseller")]
    assert grid["text"][row][cell] == f"{reseller['attainment']:.0%}"  # a past quarter: its pace is its attainment
    assert reseller["pace"] == pytest.approx(reseller["attainment"])
    # The quarter under way says its pace too; quarters before the exports begin say so.
    now = views[-1].teams.set_index(["metric", "channel"]).loc[("revenue", "reseller")]
    assert grid["text"][row][-1] == f"{now['attainment']:.0%}<br>pace {now['pace']:.0%}"  # (two lines)
    pipeline = grid["y"].index(plan.label("pipeline_created", None))
    assert grid["text"][pipeline][0] == "no data"


def test_the_new_reps_are_shown_against_their_roles_curve(app, facts):  # noqa: F811
    at = app("pages/plan.py")
    ramping = table_with(at, "Rep", "Role", "hired", "tenure_months")
    # Layla Hughes (SMB) was hired six weeks before the anchor, Wei Santos (Mid-Market) about 15 weeks before.
    assert dict(zip(ramping["Rep"], ramping["tenure_months"])) == {"Layla Hughes": 1, "Wei Santos": 3}
    doc = summary(facts, ANCHOR, FiscalCalendar())
    assert {r["name"] for r in doc["reps"] if r["ramping"]} == {"Layla Hughes", "Wei Santos"}
    chart = next(c for c in at.get("plotly_chart") if "ramp_Mid-Market AE" in c.proto.id)
    names = [t["name"] for t in json.loads(chart.proto.spec)["data"]]
    assert names == ["Wei Santos", "Team curve (median)"]


def test_a_plan_saved_on_the_page_is_the_plan_in_force(app):
    at = app("pages/plan.py", team="SMB")
    editor = at.dataframe[-1].value
    assert set(editor["quarter"]) == {"FY2026 Q4"}  # the quarter's plan rows, to start with
    assert editor.index[0] == 1  # rows are numbered from 1, as the error messages number them
    row = editor.index.get_loc(editor.index[(editor["owner"] == "team:SMB") & (editor["channel"] == "reseller")][0])
    at.session_state["plan_editor_0"] = {"edited_rows": {row: {"target": 55_000}}, "added_rows": [],
                                         "deleted_rows": []}  # (the editor's state counts rows from 0)
    at.text_input(key="plan_note").set_value("Two new resellers signed")
    at.button(key="plan_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved as version 1: it is the plan in force now."]
    store = Path(os.environ["KPI_STORE"])
    assert [(v.number, v.saved_by, v.note) for v in plans.versions(store)] == [(1, "single user",
                                                                               "Two new resellers signed")]
    # Every other row is saved as it was: the version differs from the sample's goals in that one target only.
    saved = plans.read(store, 1)
    before = prepare_goals()
    changed = saved.merge(before, how="outer", indicator=True).query("_merge != 'both'")
    assert len(saved) == len(before) and sorted(changed["target"]) == [20_000.0, 55_000.0]  # (before, after)
    # The page now shows it, and so does `summary` (which reads the same store).
    assert "In force: version 1" in " ".join(c.value for c in at.caption)
    line = table_with(at, "label", "Plan")
    assert line.set_index("label").loc[plan.label("revenue", "reseller"), "Plan"] == "$55.0k"


def test_a_plan_revised_mid_quarter_shows_the_version_in_force_and_the_history(app):
    at = app("pages/plan.py", team="SMB")
    store = Path(os.environ["KPI_STORE"])

    def save(version_before: int, line: str, target: float, note: str) -> None:
        """Change one SMB line's target in the editor (opened on version `version_before`) and save."""
        editor = at.dataframe[-1].value
        row = editor.index.get_loc(editor.index[(editor["owner"] == "team:SMB") & (editor["channel"] == line)][0])
        at.session_state[f"plan_editor_{version_before}"] = {"edited_rows": {row: {"target": target}},
                                                             "added_rows": [], "deleted_rows": []}
        at.text_input(key="plan_note").set_value(note)
        at.button(key="plan_save").click().run()
        assert not at.exception and not at.error

    # Version 1 (in October's plan review): resellers $20,000 -> $55,000. Version 2, mid-quarter, edited from it:
    # service providers $20,000 -> $25,000; the resellers' $55,000 of version 1 stays.
    save(0, "reseller", 55_000, "Two new resellers signed")
    save(1, "service_provider", 25_000, "Service-provider deal slipped to Q1")
    assert [s.value for s in at.success] == ["Saved as version 2: it is the plan in force now."]
    first, second = plans.versions(store)
    assert (second.number, second.based_on) == (2, 1)
    # The version in force, who saved it, when and why ...
    assert (f"In force: version 2, saved {second.saved_at} by single user (Service-provider deal slipped to Q1)."
            in [c.value.replace("\\", "") for c in at.caption])
    # ... and the history, newest first: who, when, why, and which version each was edited from.
    history = table_with(at, "number", "saved_at", "saved_by", "based_on", "note")
    assert history[["number", "saved_by", "based_on", "note"]].to_numpy().tolist() == [
        [2, "single user", "version 1", "Service-provider deal slipped to Q1"],
        [1, "single user", "the goals file", "Two new resellers signed"]]
    assert history["saved_at"].tolist() == [second.saved_at, first.saved_at]
    assert all(pd.Timestamp(t) <= pd.Timestamp.now(tz="UTC") for t in history["saved_at"])
    # Plan against actual uses version 2: SMB's service providers delivered $11,000 (one deal), 11,000 / 25,000 =
    # 44% of the revised plan (55% of the old $20,000); resellers $12,600 / $55,000 = 23% (version 1's target).
    lines = table_with(at, "label", "Plan", "Actual", "attainment").set_index("label")
    providers, resellers = lines.loc[plan.label("revenue", "service_provider")], lines.loc[plan.label("revenue",
                                                                                                      "reseller")]
    assert (providers["Plan"], providers["Actual"]) == ("$25.0k", "$11.0k")
    assert providers["attainment"] == pytest.approx(11_000 / 25_000)
    assert (resellers["Plan"], resellers["Actual"]) == ("$55.0k", "$12.6k")
    assert resellers["attainment"] == pytest.approx(12_600 / 55_000)
    # The editor now starts from version 2.
    editor = at.dataframe[-1].value
    assert editor.loc[editor["owner"].eq("team:SMB") & editor["channel"].eq("service_provider"), "target"].tolist() == [
        25_000]


def prepare_goals() -> pd.DataFrame:
    from kpi.sources import sample
    return sample.load().goals.reindex(columns=plans.COLUMNS)


def test_a_bad_plan_is_refused_with_its_rows_and_nothing_is_saved(app):
    at = app("pages/plan.py", team="SMB")
    at.session_state["plan_editor_0"] = {"edited_rows": {0: {"owner": "team:Nope"}},
                                       "added_rows": [{"owner": "SMB Account Manager", "metric": "sal",
                                                       "period": "week", "target": -4, "quarter": "FY2026 Q4"}],
                                       "deleted_rows": []}
    at.button(key="plan_save").click().run()
    error = at.error[0].value.replace("\\", "")  # (markdown escapes)
    # The quarter's plan rows come first (17 of them), then the added row: each problem names its row.
    assert error == ("Nothing was saved:\n\n- row 1, owner: no team Nope (teams: ADR, Mid-Market, SMB)\n"
                     "- row 18, target: -4.0 is negative")
    assert plans.versions(Path(os.environ["KPI_STORE"])) == []


def test_a_manager_edits_her_teams_lines_and_her_reps_rows_only(facts):  # noqa: F811
    at = signed_in(SOFIA_MAIL, "pages/plan.py")
    at.radio(key="plan_rows").set_value("Every goal row").run()
    owners = set(at.dataframe[-1].value["owner"])
    smb = facts.people.loc[facts.people["team"].eq("SMB") & facts.people["is_rep"]]
    # Her team's lines, and the rows naming her reps by id or email; no role, '*' or other team rows.
    assert "team:SMB" in owners and not any(o.startswith("team:") and o != "team:SMB" for o in owners)
    assert not owners & {"*", "ADR", "SMB Account Manager", "Mid-Market AE"}
    assert owners - {"team:SMB"} <= set(smb["Id"]) | set(smb["Email"])
    # A row for someone else's team is refused, even typed in by hand.
    at.session_state["plan_editor_0"] = {"edited_rows": {}, "deleted_rows": [], "added_rows": [
        {"owner": "team:ADR", "metric": "sql", "period": "quarter", "target": 500, "quarter": "FY2026 Q4"}]}
    at.button(key="plan_save").click().run()
    assert "team:ADR is not one of your teams" in at.error[0].value.replace("\\", "")
    assert plans.versions(Path(os.environ["KPI_STORE"])) == []


def test_a_managers_save_keeps_every_row_she_does_not_see(facts):  # noqa: F811
    at = signed_in(SOFIA_MAIL, "pages/plan.py")
    editor = at.dataframe[-1].value
    assert set(editor["owner"]) == {"team:SMB"}  # the quarter's plan: her team's lines only
    row = editor.index.get_loc(editor.index[editor["channel"] == "reseller"][0])
    at.session_state["plan_editor_0"] = {"edited_rows": {row: {"target": 35_000}}, "added_rows": [],
                                         "deleted_rows": []}
    at.button(key="plan_save").click().run()
    assert [s.value for s in at.success] == ["Saved as version 1: it is the plan in force now."]
    store = Path(os.environ["KPI_STORE"])
    assert plans.versions(store)[0].saved_by == SOFIA_MAIL
    # The whole table is saved: the rows naming reps of other teams (which her view of the data leaves out), the
    # other teams' lines, the role and '*' rows; only her one target differs.
    saved, before = plans.read(store, 1), prepare_goals()
    changed = saved.merge(before, how="outer", indicator=True).query("_merge != 'both'")
    assert len(saved) == len(before) and sorted(changed["target"]) == [20_000.0, 35_000.0]
    assert {"0055g000000HCb6AAG", "team:ADR", "team:Mid-Market", "*"} <= set(saved["owner"])
