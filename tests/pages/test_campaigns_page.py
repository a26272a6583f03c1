"""The Campaigns page on the sample org, in AppTest: what it shows is what the engine computed (expectations come
from kpi.summary.campaign_view, so they hold whatever campaigns the sample holds)."""

import base64
import json
import shutil

import numpy as np
from test_partners_page import table_with
from test_team import facts, scorecard  # noqa: F401 - `facts` is a fixture

from kpi.periods import FiscalCalendar
from kpi.sources import sample
from kpi.sources.sample import ANCHOR
from kpi.summary import campaign_view, summary

SAAS_CONNECT, REVOPS_SUMMIT = "SaaS Connect 2026", "RevOps Summit 2026"  # the sample's two events


def bars(at, key: str) -> dict[str, dict[str, float]]:
    """A horizontal bar chart's traces by name: category -> value (plotly sends numbers base64-encoded)."""
    chart = next(c for c in at.get("plotly_chart") if key in c.proto.id)
    out = {}
    for trace in json.loads(chart.proto.spec)["data"]:
        x = trace["x"]
        if isinstance(x, dict):
            x = np.frombuffer(base64.b64decode(x["bdata"]), x["dtype"]).tolist()
        out[trace["name"]] = dict(zip(trace["y"], x))
    return out


def test_the_campaigns_events_and_queue_are_the_engines(app, facts):  # noqa: F811
    view = campaign_view(facts, ANCHOR, FiscalCalendar())
    at = app("pages/campaigns.py")
    assert at.title[0].value == "Campaigns · whole sales floor"
    # Every campaign, with the engine's figures (and the summary's for those active this quarter).
    every = table_with(at, "Name", "cost_per_sql", "pipeline_per_cost", "Id").set_index("Id")
    assert sorted(every.index) == sorted(view.campaigns.index)
    assert every["pipeline"].to_dict() == view.campaigns["pipeline"].to_dict()
    active = {c["id"]: c for c in summary(facts, ANCHOR)["campaigns"]}
    assert {i: every.loc[i, "members"] for i in active} == {i: c["members"] for i, c in active.items()}
    # The chart draws the quarter's campaigns: their pipeline, largest on top.
    drawn = bars(at, "campaign_results")
    assert drawn["Campaign pipeline"] == {c["name"]: c["pipeline"] for c in active.values()}
    assert list(drawn["Campaign pipeline"].values()) == sorted(c["pipeline"] for c in active.values())
    # The queue: every waiting responder, oldest first.
    queue = table_with(at, "responded_at", "age_hours")
    assert len(queue) == len(view.queue) and queue["age_hours"].is_monotonic_decreasing
    # Events: the trade show and the conference (and the webinars) with their recruits.
    events = table_with(at, "prospects", "partners_recruited").set_index("Name")
    assert {SAAS_CONNECT, REVOPS_SUMMIT} <= set(events.index)
    assert events["partners_recruited"].sum() == len(view.recruited) > 0
    # Reasons for qualifying out add up to the members qualified out.
    reasons = table_with(at, "reason", "leads")
    assert reasons["leads"].sum() == len(view.qualified_out) == view.campaigns["qualified_out"].sum()
    assert not at.exception


def test_a_team_sees_its_adrs_members_only(app, facts):  # noqa: F811
    reps, _ = scorecard(facts, "ADR")
    view = campaign_view(facts, ANCHOR, FiscalCalendar(), reps.index)
    at = app("pages/campaigns.py", team="ADR")
    per_adr = table_with(at, "ADR", "members", "queue")
    assert set(per_adr["ADR"]) <= set(reps["Name"])
    # The ADRs' members and responders are the campaigns' members, counted for this team.
    assert per_adr["members"].sum() == view.campaigns["members"].sum() == view.adrs["members"].sum()
    assert per_adr["queue"].sum() == len(view.queue)


def test_without_the_campaign_exports_the_page_says_which_to_add(app, tmp_path, monkeypatch):
    for path in sample.ensure().glob("*.csv"):
        if not path.name.startswith("Campaign"):
            shutil.copyfile(path, tmp_path / path.name)
    monkeypatch.setenv("KPI_SOURCE", str(tmp_path))
    at = app("pages/campaigns.py")
    assert [i.value for i in at.info] == [
        "Add Campaign.csv and CampaignMember.csv to the exports to see campaigns, events and the responders' queue."]
    assert not at.dataframe and not at.exception
