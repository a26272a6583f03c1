"""Sign-in and who sees what, through the pages (AppTest with a signed-in user, as st.login leaves it)."""

import io
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard_app import AUTH, ENTRY, open_dashboard, signed_in
from kpi import exports
from kpi.sources import load
from kpi.summary import default_as_of, prepare, scorecard

MAIL = "@brightpathsoftware.com"
KAMALA, LEILA = "0055g000000HCbFAAW", "0055g000000HCbGAAW"  # two SMB account managers of the sample org
PAGE_NAMES = {"rep.py", "team.py", "pipeline.py", "funnel.py", "partners.py", "customers.py", "campaigns.py",
              "review.py", "glossary.py", "data.py"}


@pytest.fixture(scope="module")
def sample():
    facts = prepare(load("sample"))
    reps, _ = scorecard(facts, default_as_of(facts))
    return facts, reps


@pytest.fixture
def csvs(monkeypatch):
    """Every CSV a download button would hand out in a run (kpi.exports.csv_bytes, really called)."""
    made: list[pd.DataFrame] = []
    real = exports.csv_bytes

    def recording(frame: pd.DataFrame) -> bytes:
        content = real(frame)
        made.append(pd.read_csv(io.BytesIO(content), dtype=str))
        return content
    monkeypatch.setattr(exports, "csv_bytes", recording)
    return made


def pages_of(at: AppTest) -> set[str]:
    """The pages the navigation lets this person open (AppTest refuses any other)."""
    reachable = set()
    for name in PAGE_NAMES:
        try:
            at.switch_page(f"pages/{name}")
            reachable.add(name)
        except ValueError:
            pass
    return reachable


def texts(at: AppTest) -> str:
    """Everything written on the page, as read (markdown escapes removed)."""
    return "\n".join(str(e.value).replace("\\", "") for kind in ("title", "markdown", "caption", "error", "warning",
                                                                  "info", "metric")
                     for e in getattr(at, kind))


def test_nobody_signed_in_sees_the_sign_in_button_and_no_data(sample):
    _, reps = sample
    at = signed_in(None)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric and not at.dataframe and not at.sidebar.selectbox
    assert not [name for name in reps["Name"] if name in texts(at)]


def test_a_rep_sees_her_own_view_even_with_another_reps_id_in_the_link(sample, csvs):
    facts, reps = sample
    at = signed_in(f"kamala.perez{MAIL}", rep=LEILA)
    assert at.title[0].value == "Kamala Perez"
    assert at.sidebar.selectbox(key="rep").options == ["Kamala Perez"]
    assert "The rep in the link is not one you can see here." in [c.value for c in at.sidebar.caption]
    assert at.query_params["rep"] == KAMALA  # the URL is rewritten to what is shown
    owners = {v for frame in csvs for column in frame if column.endswith("OwnerId") for v in frame[column].dropna()}
    assert owners == {KAMALA}  # every record list (and its CSV) holds her rows only
    written = "".join(frame.to_csv() for frame in csvs)
    assert csvs and not [n for n in reps["Name"] if n != "Kamala Perez" and n in written]
    assert pages_of(at) == {"rep.py", "pipeline.py", "funnel.py", "partners.py", "customers.py", "campaigns.py",
                            "glossary.py"}  # no Team, review or Data


def test_a_reps_pipeline_is_her_own(sample):
    _, reps = sample
    at = signed_in(f"kamala.perez{MAIL}", "pages/pipeline.py")
    assert at.title[0].value == "Pipeline · Kamala Perez"
    rollup = at.dataframe[0].value
    assert rollup["Name"].tolist() == ["Kamala Perez"]
    assert rollup["revenue_qtd"].tolist() == [reps.loc[KAMALA, "revenue_qtd"]]


def test_a_rep_allowed_the_leaderboard_sees_her_team_there_and_only_there(sample, tmp_path, monkeypatch, csvs):
    _, reps = sample
    (tmp_path / "access.toml").write_text("reps_see_leaderboard = true\n")
    monkeypatch.setenv("KPI_ACCESS", str(tmp_path / "access.toml"))
    at = signed_in(f"kamala.perez{MAIL}")
    assert "team.py" in pages_of(at) and at.title[0].value == "Team · Kamala Perez"
    smb = reps.loc[reps["team"] == "SMB"]
    board = at.dataframe[0].value
    assert sorted(board["Name"]) == sorted(smb["Name"])  # her team's leaderboard
    assert at.dataframe[1].value["revenue_qtd"].tolist() == [smb["revenue_qtd"].sum()]  # and its totals
    at.switch_page("pages/rep.py").run()
    assert at.sidebar.selectbox(key="rep").options == ["Kamala Perez"]  # drill-downs stay hers


def test_a_manager_sees_her_teams_and_nobody_elses(sample, csvs):
    _, reps = sample
    at = signed_in(f"sofia.jackson{MAIL}")
    smb = reps.loc[reps["team"] == "SMB"]
    assert at.title[0].value == "Team · Sofia Jackson's reps"
    assert sorted(at.dataframe[0].value["Name"]) == sorted(smb["Name"])
    assert at.dataframe[1].value["revenue_qtd"].tolist() == [smb["revenue_qtd"].sum()]
    assert at.sidebar.selectbox(key="team").options == ["All teams", "SMB"]
    assert sorted(csvs[0]["Name"]) == sorted(smb["Name"])  # the leaderboard's CSV
    assert pages_of(at) == PAGE_NAMES - {"data.py"}
    at.switch_page("pages/review.py").run()
    sections = at.selectbox(key="review_section").options
    assert sections[5:] == sorted(smb["Name"]) and at.title[0].value.startswith("Weekly review · Sofia Jackson's")


def test_the_vp_two_levels_up_sees_the_whole_floor(sample):
    _, reps = sample
    at = signed_in(f"kwame.nguyen{MAIL}")
    assert sorted(at.dataframe[0].value["Name"]) == sorted(reps["Name"])


@pytest.mark.parametrize(("email", "reason"), [
    (f"fernanda.lee{MAIL}", "belongs to an inactive Salesforce user (Fernanda Lee)"),
    ("someone@gmail.com", "someone@gmail.com is not the email of any Salesforce user in this data"),
])
def test_inactive_and_unknown_people_are_refused_with_the_reason(email, reason):
    at = signed_in(email)
    assert at.title[0].value == "No access" and reason in at.error[0].value.replace("\\", "")  # names escaped
    assert not at.sidebar.selectbox and not at.dataframe and [b.label for b in at.button] == ["Sign out"]


def test_single_user_mode_says_so_and_shows_everything(sample):
    _, reps = sample
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert "Single-user mode" in " ".join(c.value for c in at.sidebar.caption).replace("\\", "")
    assert len(at.dataframe[0].value) == len(reps) and pages_of(at) == PAGE_NAMES


def test_the_admin_sets_the_leaderboard_on_the_data_page_and_sees_no_credential(tmp_path, monkeypatch):
    rules = tmp_path / "access.toml"
    rules.write_text(f'[roles]\n"marketing.ops{MAIL}" = "admin"\n')
    monkeypatch.setenv("KPI_ACCESS", str(rules))
    secrets = {"SALESFORCE_USERNAME": "api@acme.com", "SALESFORCE_PASSWORD": "hunter2-password",
               "SALESFORCE_SECURITY_TOKEN": "tok3n-value", "SALESFORCE_CONSUMER_KEY": "3MVG9-consumer-key",
               "SALESFORCE_CONSUMER_SECRET": "consumer-s3cret"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    at = signed_in(f"marketing.ops{MAIL}", "pages/data.py")
    roles = at.dataframe[0].value.set_index("Name")
    assert roles.loc["Sofia Jackson", "sees"] == "8 people below them"
    assert roles.loc["Marketing Ops", "role"] == "admin"
    shown = texts(at) + json.dumps([frame.value.astype(str).values.tolist() for frame in at.dataframe])
    assert not [v for k, v in secrets.items() if k != "SALESFORCE_USERNAME" and v in shown]
    at.toggle(key="reps_see_leaderboard").set_value(True).run()
    assert "reps_see_leaderboard = true" in rules.read_text()
    assert "team.py" in pages_of(signed_in(f"kamala.perez{MAIL}"))  # the next time a rep looks


def test_a_rep_whose_manager_changed_is_seen_by_the_new_manager_only(kamala_moved, monkeypatch):
    monkeypatch.setenv("KPI_SOURCE", str(kamala_moved))
    sofia = signed_in(f"sofia.jackson{MAIL}")
    assert "Kamala Perez" not in sofia.sidebar.selectbox(key="rep").options
    assert "Kamala Perez" not in sofia.dataframe[0].value["Name"].tolist()
    arjun = signed_in(f"arjun.osei{MAIL}")
    assert "Kamala Perez" in arjun.sidebar.selectbox(key="rep").options
    assert arjun.sidebar.selectbox(key="team").options == ["All teams", "Mid-Market", "SMB"]  # her team stays SMB


def test_an_unreadable_secrets_file_lets_nobody_in(tmp_path, monkeypatch):
    from streamlit import config
    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nclient_id = "dashboard\n')  # an edit half done: not TOML
    monkeypatch.setattr(config, "get_option", lambda key, real=config.get_option:
                        [str(broken)] if key == "secrets.files" else real(key))
    at = AppTest.from_file(ENTRY, default_timeout=60).run()
    assert at.title[0].value == "No access" and "secrets file cannot be read" in at.error[0].value.replace("\\", "")
    assert not at.dataframe and not at.sidebar.selectbox


def test_an_email_the_provider_has_not_verified_is_refused():
    at = open_dashboard(secrets={"auth": AUTH}, user={"is_logged_in": True, "email": f"sofia.jackson{MAIL}",
                                                      "email_verified": False})
    assert at.title[0].value == "No access" and not at.dataframe
