import os

from kpi.registry import ENTRIES, KPIS


def test_the_glossary_lists_every_kpi_of_the_registry(app):
    at = app("pages/glossary.py")
    text = "\n".join(m.value for m in at.markdown)
    for kpi in ENTRIES:
        assert f"#### {kpi.label}" in text and kpi.formula in text


def test_the_glossary_search_narrows_the_list(app):
    at = app("pages/glossary.py")
    at.text_input[0].input("coverage").run()
    kpi_headings = [m.value.split("  \n")[0] for m in at.markdown if m.value.startswith("####") and "  \n`" in m.value]
    matching = [k for k in ENTRIES if "coverage" in f"{k.name} {k.label} {k.help} {k.formula}".lower()]
    assert kpi_headings == [f"#### {k.label}" for k in matching]
    # The methods that mention it are found too (named-account coverage), the others are not.
    methods = [m.value for m in at.markdown if m.value.startswith("####") and "  \n`" not in m.value]
    assert "#### Named accounts" in methods and "#### Forecast simulation" not in methods
    assert KPIS["coverage"] in matching and len(matching) < len(ENTRIES) / 3


def test_the_glossary_says_the_channel_and_ramp_rules_as_the_settings_set_them(app, tmp_path, monkeypatch):
    settings = tmp_path / "settings.toml"
    settings.write_text('[channels]\nreseller_types = ["VAR", "Distributor"]\n[ramp]\nmonths = 3\nshares = [0.5, 0.75]\n')
    monkeypatch.setenv("KPI_SETTINGS", str(settings))
    text = "\n".join(m.value for m in app("pages/glossary.py").markdown)
    assert "Account Type: VAR or Distributor → reseller; Service Provider or Installation Partner → service " in text
    assert "ramping in tenure months 0 to 2. While ramping, the target is a share of the full target: 50%, 75% in " \
           "months 0 to 2 (100% for a month the list does not reach)" in text


def test_the_data_page_counts_rows_per_table(app):
    at = app("pages/data.py")
    tables = at.dataframe[0].value.set_index("table")["rows"]
    assert tables["users"] > 20 and tables["activities"] > 10_000


def test_bad_input_is_listed_and_the_rest_still_shows(app, tmp_path, monkeypatch):
    (tmp_path / "User.csv").write_text("Id,Name,IsActive,Department\n0055g00000AnnAAAAA,Ann Lee,true,ADR\n")
    (tmp_path / "Task.csv").write_text(
        "Id,OwnerId,TaskSubtype,Status,CompletedDateTime\n"
        "00T5g00000AAAAAAAA,0055g00000AnnAAAAA,Call,Completed,2026-11-24T15:00:00Z\n"
        "00T5g00000AAAAAAAB,0055g00000AnnAAAAA,Call,Completed,someday\n")
    monkeypatch.setenv("KPI_SOURCE", str(tmp_path))
    at = app("pages/data.py")
    problems = at.dataframe[1].value
    assert problems.iloc[0].to_dict() == {"file": "Task.csv", "row": 3, "column": "CompletedDateTime",
                                          "problem": "'someday' is not a date-time; row skipped"}
    team = app(team="ADR")
    assert {m.label: m.value for m in team.metric}["Calls today"] == "1"
    # Each missing export is named with the figures it would give; none of them shows a made-up 0.
    assert [i.value for i in team.info] == [
        "Add Opportunity.csv to the exports to see closed-won revenue, attainment, pace, coverage and win rate.",
        "Add Event.csv to the exports to see Activities today, Meetings today, Activities this week."]
    assert {m.label: m.value for m in team.metric}["Meetings today"] == "—"


def test_a_file_that_stops_reading_keeps_the_last_good_data(app, tmp_path, monkeypatch):
    users = "Id,Name,IsActive,Department\n0055g00000AnnAAAAA,Ann Lee,true,ADR\n"
    (tmp_path / "User.csv").write_text(users)
    (tmp_path / "Task.csv").write_text("Id,OwnerId,TaskSubtype,Status,CompletedDateTime\n"
                                       "00T5g00000AAAAAAAA,0055g00000AnnAAAAA,Call,Completed,2026-11-24T15:00:00Z\n")
    monkeypatch.setenv("KPI_SOURCE", str(tmp_path))
    assert {m.label: m.value for m in app(team="ADR").metric}["Calls today"] == "1"
    # Someone overwrites User.csv with a file that lacks the Id column.
    (tmp_path / "User.csv").write_text("Name,IsActive\nAnn Lee,true\n")
    os.utime(tmp_path / "User.csv", ns=(1, 2))  # a new version even within the file system's time resolution
    from ui import data
    data._facts.clear()  # even once the loads themselves are evicted from the cache
    at = app(team="ADR")
    assert {m.label: m.value for m in at.metric}["Calls today"] == "1"  # the last good data, still in use
    assert at.warning[0].value.startswith("The User export could not be read: User.csv: lacks the column Id")
    assert "Showing the data loaded before" in at.warning[0].value


def test_missing_exports_are_named_where_they_are_needed(app, tmp_path, monkeypatch):
    (tmp_path / "Opportunity.csv").write_text("Id,OwnerId,Amount,CloseDate,IsClosed,IsWon\n")
    monkeypatch.setenv("KPI_SOURCE", str(tmp_path))
    at = app()
    assert [i.value for i in at.info] == ["Add User.csv to the exports to see the reps."]


def test_an_unreadable_source_says_what_to_do(app, monkeypatch):
    monkeypatch.setenv("KPI_SOURCE", "/no/such/folder")
    at = app()
    assert "The data source cannot be read: /no/such/folder is not 'sample', 'store', a folder" in at.error[0].value


def test_a_deep_link_into_a_cold_server_runs_inside_the_frame(app, monkeypatch):
    import streamlit.testing.v1.app_test as app_test
    from streamlit.runtime.pages_manager import PagesManager
    at = app()
    monkeypatch.setattr(app_test, "PagesManager", PagesManager)  # back to pages-directory mode on every run
    at.switch_page("pages/glossary.py").run()
    assert not at.exception and at.title[0].value == "Glossary"
    assert [w.key for w in at.sidebar.selectbox] == ["fy_start", "team", "rep"]  # the frame's filters are there


def test_an_unreadable_sla_setting_says_what_it_must_be(app, monkeypatch):
    monkeypatch.setenv("KPI_SOURCE", "sample")
    monkeypatch.setenv("KPI_SLA_HOURS", "soon")
    at = app()
    assert "KPI_SLA_HOURS: 'soon' is not a number of business hours, 0 or more" in at.error[0].value


def test_the_glossary_explains_the_methods_behind_the_pipeline_figures(app):
    at = app("pages/glossary.py")
    headers = [h.value for h in at.header]
    assert headers[-1] == "Methods" and "Pipeline and forecast" in headers and "Lead funnel" in headers
    assert any("P10 / P50 / P90" in m.value for m in at.markdown)
