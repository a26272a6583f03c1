"""Saved plan versions, the checks a plan passes before it is saved, and who may edit which rows."""

import concurrent.futures
import multiprocessing
import threading

import numpy as np
import pandas as pd
import pytest

from factories import org, table, user
from kpi import plans
from kpi.plans import COLUMNS, PlanConflict, PlanError, check, editable
from kpi.summary import prepare

BOSS, A, B, W = user(9), user(1), user(2), user(3)
METRICS = ("calls, emails, meetings, activities, mql, sal, sql, revenue, pipeline_created, partners_recruited, "
           "partners_certified, new_customers")


@pytest.fixture(scope="module")
def people() -> pd.DataFrame:
    """Team East: Ann (A) and Bea (B), AEs under Eve (a manager); team West: Wes (W), an ADR."""
    def person(n, name, team, title, manager=None):
        return {"Id": n, "Name": name, "Email": f"{name.split()[0].lower()}@example.com", "IsActive": True,
                "Department": team, "Title": title, "ManagerId": manager}
    return prepare(org(
        users=[person(BOSS, "Eve Boss", "East", "Manager"), person(A, "Ann East", "East", "AE", BOSS),
               person(B, "Bea East", "East", "AE", BOSS), person(W, "Wes West", "West", "ADR")],
        goals=[{"owner": n, "metric": "revenue", "period": "quarter", "target": 1} for n in (A, B, W)])).people


def rows(*values: tuple) -> pd.DataFrame:
    """Plan rows as typed in the editor: every cell a text."""
    return pd.DataFrame([[str(v) for v in row] for row in values], columns=COLUMNS)


def problems(table: pd.DataFrame, people: pd.DataFrame, first_row: int = 1) -> list[str]:
    with pytest.raises(PlanError) as raised:
        check(table, people, first_row)
    assert str(raised.value) == "; ".join(raised.value.problems)
    return raised.value.problems


# --- check: one problem per bad input, each naming its row and column --------------------------------------


def test_owners_that_do_not_exist(people):
    bad = rows(("team:North", "revenue", "quarter", "1", "", ""),  # no such team
               (user(7), "sal", "week", "2", "", ""),  # no such user
               ("zed@example.com", "sal", "week", "2", "", ""),
               ("Director", "sal", "week", "2", "", ""),  # no such role
               ("", "sal", "week", "2", "", ""))
    # Rows numbered from 2: the first line of a goals file is its header.
    assert problems(bad, people, first_row=2) == [
        "row 2, owner: no team North (teams: East, West)",
        f"row 3, owner: no user has the id {user(7)}",
        "row 4, owner: no user has the email zed@example.com",
        "row 5, owner: Director is neither a role (ADR, AE, Manager), a user's id or email, a team (team:<team>) nor *",
        "row 6, owner: owner is empty"]


def test_metrics_periods_and_channels_that_do_not_exist(people):
    bad = rows(("AE", "bookings", "quarter", "1", "", ""),
               ("AE", "sal", "year", "1", "", ""),
               ("AE", "revenue", "quarter", "1", "online", ""))
    assert problems(bad, people) == [
        f"row 1, metric: 'bookings' is not one of {METRICS}",
        "row 2, period: 'year' is not one of day, week, month, quarter",
        "row 3, channel: 'online' is not one of direct, reseller, service_provider"]


def test_targets_that_are_negative_not_numbers_or_empty(people):
    bad = rows(("AE", "sal", "week", "-5", "", ""), ("AE", "sql", "week", "ten", "", ""),
               ("AE", "calls", "day", "", "", ""), ("AE", "emails", "day", "1,000", "", ""))
    assert problems(bad, people) == [
        "row 1, target: -5 is negative",
        "row 2, target: 'ten' is not a number",
        "row 3, target: empty: write a number",
        "row 4, target: '1,000' is not a number"]


def test_an_infinite_target_is_not_a_number(people):
    assert problems(rows((A, "revenue", "quarter", "inf", "", "")), people) == [
        "row 1, target: 'inf' is not a number"]


def test_channel_on_another_metric_a_bad_quarter_and_a_team_line_not_quarterly(people):
    bad = rows(("AE", "sal", "quarter", "3", "reseller", ""),
               ("AE", "revenue", "quarter", "3", "", "Q4 2026"),
               ("team:East", "sal", "week", "3", "", ""))
    assert problems(bad, people) == [
        "row 1, channel: only revenue is planned by channel",
        "row 2, quarter: 'Q4 2026' is not a fiscal quarter like FY2026 Q4",
        "row 3, owner: a team line (team:...) is a quarter's plan: period quarter"]


def test_every_problem_of_a_row_is_listed_owner_first(people):
    assert problems(rows(("Nobody", "SAL", "week", "-1", "direct", "FY26 Q4")), people) == [
        "row 1, owner: Nobody is neither a role (ADR, AE, Manager), a user's id or email, a team (team:<team>) nor *",
        "row 1, target: -1 is negative",
        "row 1, channel: only revenue is planned by channel",
        "row 1, quarter: 'FY26 Q4' is not a fiscal quarter like FY2026 Q4"]


def test_two_rows_setting_the_same_thing(people):
    bad = rows(("AE", "sal", "week", "3", "", ""),
               ("team:East", "revenue", "quarter", "9", "Service Provider", "FY2026 Q4"),
               ("ae", "SAL", "week", "4", "", ""),  # the same as row 1: names are read without case
               ("team:East", "revenue", "quarter", "8", "service_provider", "FY2026 Q4"),
               ("team:East", "revenue", "quarter", "7", "service_provider", ""))  # every quarter: another line
    assert problems(bad, people, first_row=2) == [
        "rows 2 and 4 set the same target (AE, sal, week): keep one",
        "rows 3 and 5 set the same target (team:East, revenue, quarter, service_provider, FY2026 Q4): keep one"]


def test_one_rep_named_by_id_and_by_email_is_the_same_target_twice(people):
    bad = rows((A, "sal", "week", "3", "", ""), ("ann@example.com", "sal", "week", "4", "", ""))
    assert problems(bad, people) == [f"rows 1 and 2 set the same target ({A}, sal, week): keep one"]


def test_missing_columns_are_named(people):
    with pytest.raises(PlanError) as raised:
        check(pd.DataFrame({"owner": ["AE"], "metric": ["sal"]}), people)
    assert raised.value.problems == [
        "the columns period, target are missing: a plan has the columns owner, metric, period, target, channel, "
        "quarter (channel and quarter may be left out)"]


def test_a_good_table_comes_back_typed(people):
    good = rows(("team:East", "Revenue", "quarter", "50000", "Service Provider", "FY2026 Q4"),
                (A, "revenue", "quarter", "25000.5", "", ""),
                ("bea@example.com", "sal", "week", "3", "", "FY2026 Q4"),
                ("*", "calls", "day", " 40 ", "", ""))
    got = check(good, people)
    assert got.columns.tolist() == COLUMNS
    assert got["target"].dtype == np.float64 and got["target"].tolist() == [50_000.0, 25_000.5, 3.0, 40.0]
    assert got["metric"].tolist() == ["revenue", "revenue", "sal", "calls"]  # read without case
    assert got["channel"].iloc[0] == "service_provider"  # 'Service Provider' as the channel it names
    assert got["channel"].iloc[1:].isna().all() and got[["quarter"]].iloc[[1, 3]].isna().all().all()
    assert got["quarter"].iloc[[0, 2]].tolist() == ["FY2026 Q4", "FY2026 Q4"]
    # The typed table passes the goals schema (what prepare() validates).
    table("goals", *got.astype(object).where(got.notna(), None).to_dict("records"))


def test_channel_and_quarter_may_be_left_out(people):
    got = check(pd.DataFrame({"owner": ["AE"], "metric": ["sal"], "period": ["week"], "target": [3]}), people)
    assert got.iloc[0][["owner", "metric", "period", "target"]].tolist() == ["AE", "sal", "week", 3.0]
    assert got[["channel", "quarter"]].isna().all().all()


# --- saved versions ------------------------------------------------------------------------------------------


def goals(target: float) -> pd.DataFrame:
    return table("goals", {"owner": "team:East", "metric": "revenue", "period": "quarter", "target": target,
                           "channel": "reseller", "quarter": "FY2026 Q4"},
                 {"owner": A, "metric": "sal", "period": "week", "target": 3})


def test_versions_are_numbered_and_read_back(tmp_path):
    assert (plans.latest(tmp_path), plans.versions(tmp_path)) == (0, [])
    first = plans.save(tmp_path, goals(50_000), by="eve@example.com", based_on=0, note="Q4")
    assert (first.number, first.based_on, first.saved_by, first.rows) == (1, 0, "eve@example.com", 2)
    back = plans.read(tmp_path, 1)
    pd.testing.assert_frame_equal(back, goals(50_000))
    assert pd.isna(back.loc[1, "channel"]) and pd.isna(back.loc[1, "quarter"])  # saved as null, read as NaN


def test_two_saves_from_the_same_version_the_second_is_refused(tmp_path):
    plans.save(tmp_path, goals(50_000), by="eve@example.com", based_on=0)
    saved = (tmp_path / "plans" / "v00001.json").read_bytes()
    with pytest.raises(PlanConflict) as raised:
        plans.save(tmp_path, goals(70_000), by="walt@example.com", based_on=0)
    message = str(raised.value)
    assert message.startswith("eve@example.com saved version 1 at ")
    assert message.endswith(" while you were editing version 0: your changes were not saved. Reload to see "
                            "theirs, then make your changes again.")
    # Nothing was written: version 1 is byte for byte Eve's, no version 2, no temporary file left behind.
    assert (tmp_path / "plans" / "v00001.json").read_bytes() == saved
    assert plans.latest(tmp_path) == 1 and plans.read(tmp_path, 1)["target"].iloc[0] == 50_000
    assert sorted(p.name for p in (tmp_path / "plans").iterdir()) == ["v00001.json"]
    # Walt, having reloaded version 1, saves version 2.
    assert plans.save(tmp_path, goals(70_000), by="walt@example.com", based_on=1).number == 2


def _save_in_process(args: tuple) -> str:
    """Save from another process (module level, so a process pool can run it): 'saved' or 'conflict'."""
    root, by, target, start = args
    start.wait()
    try:
        plans.save(root, goals(target), by=by, based_on=0)
        return "saved"
    except PlanConflict:
        return "conflict"


@pytest.mark.parametrize("attempt", range(5))
def test_two_saves_at_the_same_moment_in_threads_exactly_one_lands(tmp_path, attempt):
    start = threading.Barrier(2)

    def save(by: str, target: float):
        start.wait()  # both threads call save at once
        try:
            return plans.save(tmp_path, goals(target), by=by, based_on=0)
        except PlanConflict as conflict:
            return conflict

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(save, ["eve@example.com", "walt@example.com"], [50_000, 70_000]))
    landed = [o for o in outcomes if isinstance(o, plans.Version)]
    refused = [o for o in outcomes if isinstance(o, PlanConflict)]
    assert len(landed) == 1 and len(refused) == 1
    # The version on disk is the one that landed, and the refusal names its saver.
    assert plans.latest(tmp_path) == 1 and plans.versions(tmp_path)[0].saved_by == landed[0].saved_by
    assert str(refused[0]).startswith(f"{landed[0].saved_by} saved version 1 at ")
    assert plans.read(tmp_path, 1)["target"].iloc[0] == {"eve@example.com": 50_000,
                                                          "walt@example.com": 70_000}[landed[0].saved_by]


def test_two_saves_at_the_same_moment_in_processes_exactly_one_lands(tmp_path):
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        start = manager.Barrier(2)
        with context.Pool(2) as pool:
            outcomes = pool.map(_save_in_process, [(tmp_path, "eve@example.com", 50_000, start),
                                                   (tmp_path, "walt@example.com", 70_000, start)])
    assert sorted(outcomes) == ["conflict", "saved"]
    assert plans.latest(tmp_path) == 1 and len(plans.versions(tmp_path)) == 1


# --- who may edit which rows ---------------------------------------------------------------------------------


def test_a_manager_edits_their_teams_lines_and_their_reps_rows(people):
    plan = table("goals", *[{"owner": owner, "metric": "sal", "period": "quarter", "target": 1} for owner in (
        "team:East", "team:West", A, B[:15], "BEA@example.com", W, "wes@example.com", "AE", "*", "TEAM:East")])
    allowed = editable(plan, people, frozenset({A, B}))
    assert dict(zip(plan["owner"], allowed)) == {
        "team:East": True, "team:West": False,
        A: True, B[:15]: True, "BEA@example.com": True,  # Ann and Bea by id (18 or 15 characters) or email
        W: False, "wes@example.com": False,  # Wes is not theirs
        "AE": False, "*": False,  # role and '*' rows set goals for people they do not see
        "TEAM:East": True}
    assert allowed.index.equals(plan.index) and allowed.dtype == bool


def test_one_who_sees_everyone_edits_every_row(people):
    plan = goals(1)
    assert editable(plan, people, None).tolist() == [True, True]
    assert editable(plan, people, frozenset()).tolist() == [False, False]  # sees nobody: edits nothing


# --- an edit of some rows, put back among the others -----------------------------------------------------------


def test_an_edit_keeps_the_rows_not_shown_and_refuses_what_the_editor_may_not_set(people):
    goals = table("goals", *[{"owner": o, "metric": m, "period": "quarter", "target": t, "quarter": q}
                             for o, m, t, q in (("team:East", "sal", 40, "FY2026 Q4"), (A, "sal", 25, "FY2026 Q4"),
                                                ("team:West", "sal", 30, "FY2026 Q4"), (W, "sal", 30, None),
                                                ("*", "calls", 9, None))])
    # Eve sees Ann and Bea (all of East): she is shown East's line and Ann's row, numbered 1 and 2 as on screen.
    shown = editable(goals, people, frozenset({BOSS, A, B}), frozenset({"East"}))
    assert shown.tolist() == [True, True, False, False, False]
    edited = goals.loc[shown, COLUMNS].set_axis([1, 2]).assign(target=[45.0, 25.0])
    saved = plans.edit(goals, edited, shown, people, frozenset({BOSS, A, B}), frozenset({"East"}))
    # Her two rows (one changed) and the three she cannot see, as they were: five rows, one target different.
    assert len(saved) == 5 and sorted(saved["target"]) == [9.0, 25.0, 30.0, 30.0, 45.0]
    # A row for West, typed in by hand, is refused by its number; so is a second row for East's SAL line.
    west = pd.concat([edited, goals.loc[[2], COLUMNS].set_axis([3])])
    with pytest.raises(PlanError) as refused:
        plans.edit(goals, west, shown, people, frozenset({BOSS, A, B}), frozenset({"East"}))
    assert refused.value.problems == ["row 3, owner: team:West is not one of your teams (team:<team>) or reps: an "
                                      "admin sets it"]
    # An admin editing the quarter's plan (rows 1-3) adds a row 4 for what the '*' row not shown already sets.
    admin_view = goals["quarter"].eq("FY2026 Q4").fillna(False)
    added = pd.concat([goals.loc[admin_view, COLUMNS].set_axis([1, 2, 3]),
                       pd.DataFrame([{"owner": "*", "metric": "calls", "period": "quarter", "target": 7}], index=[4])])
    with pytest.raises(PlanError) as twice:
        plans.edit(goals, added, admin_view, people, None)
    assert plans.edit(goals, added.assign(metric=["sal"] * 3 + ["emails"]), admin_view, people, None).shape == (6, 6)
    assert twice.value.problems == ["row 4: sets the same target as a row not shown here (choose 'Every goal row' "
                                    "to see it): keep one"]


def test_an_unreadable_newest_version_is_passed_over_and_said(tmp_path, people):
    good = check(rows(("*", "calls", "day", "5", "", "")), people)
    plans.save(tmp_path, good, "eve", 0)
    (tmp_path / "plans" / "v00002.json").write_text("{not json")
    org_in_force, number = plans.in_force(org(), tmp_path)
    assert number == 1 and org_in_force.goals["target"].tolist() == [5.0]
    assert [str(p) for p in org_in_force.problems] == [
        f"plans: {tmp_path / 'plans' / 'v00002.json'}: unreadable saved plan (Expecting property name enclosed in "
        "double quotes: line 1 column 2 (char 1)); the version before it is used"]
    assert [v.number for v in plans.versions(tmp_path)] == [1]
