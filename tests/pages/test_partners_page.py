"""The Partners page on the sample org, in AppTest: what it shows is what the engine computed (expectations come
from kpi.summary, so they hold whatever partners the sample holds)."""

import base64
import json

import numpy as np
import pandas as pd
from test_team import expected as labelled, facts, scorecard, shown  # noqa: F401 - `facts` is a fixture

from dashboard_app import signed_in
from kpi import access, partners
from kpi.periods import FiscalCalendar
from kpi.registry import KPIS, PARTNER_KEYS
from kpi.sources.sample import ANCHOR
from kpi.summary import deals_as_of, partner_view

CARDS = [k for k in PARTNER_KEYS if k != "recruited_goal_quarter"]  # the goal is the recruited card's target
KAMALA, KAMALA_MAIL = "0055g000000HCbFAAW", "kamala.perez@brightpathsoftware.com"  # an SMB rep of the sample org
SAMIR, SAMIR_MAIL = "0055g000000HCbLAAW", "samir.murphy@brightpathsoftware.com"  # an SMB rep owning partners


def view_of(facts, team=None):  # noqa: F811
    reps, _ = scorecard(facts, team)
    return partner_view(facts, ANCHOR, FiscalCalendar(), reps.index, deals_as_of(facts, ANCHOR))


def expected(figures: dict) -> dict[str, str]:
    return labelled(pd.Series(figures), *CARDS)


def table_with(at, *columns: str) -> pd.DataFrame:
    """The page's table that has these columns (tables come and go with the data, so not by position)."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def traces(at, key: str) -> dict[str, list]:
    """A chart's traces by name: their y values (plotly sends numeric arrays base64-encoded)."""
    chart = next(c for c in at.get("plotly_chart") if key in c.proto.id)
    out = {}
    for trace in json.loads(chart.proto.spec)["data"]:
        y = trace.get("y", [])
        if isinstance(y, dict):
            y = np.frombuffer(base64.b64decode(y["bdata"]), y["dtype"]).tolist()
        out[trace.get("name")] = list(y)
    return out


def test_the_cards_and_tables_are_the_engines(app, facts):  # noqa: F811
    view = view_of(facts)
    at = app("pages/partners.py")
    assert at.title[0].value == "Partners · whole sales floor"
    assert shown(at) == expected(view.figures)
    helps = {m.label: m.proto.help for m in at.metric}
    assert helps[KPIS["overdue_certification"].label] == KPIS["overdue_certification"].tooltip()
    goal = view.figures["recruited_goal_quarter"]
    recruited = next(m for m in at.metric if m.label == KPIS["recruited_qtd"].label)
    assert (f"vs {KPIS['recruited_goal_quarter'].format(goal, compact=True)}" in recruited.proto.delta) \
        if goal is not None else not recruited.proto.delta
    # Partners to certify: those not certified on the as-of date, the overdue ones first.
    table = view.partners
    waiting = table_with(at, "overdue", "age_days")
    assert sorted(waiting["Id"]) == sorted(table.loc[table[partners.CERTIFIED].isna(), "Id"])
    assert sorted(waiting.loc[waiting["overdue"], "Id"]) == sorted(table.loc[table[partners.OVERDUE], "Id"])
    assert len(waiting.loc[waiting["overdue"]]) == view.figures["overdue_certification"]
    assert waiting["overdue"].tolist() == sorted(waiting["overdue"], reverse=True)
    # Sourced business per partner: every partner, with the engine's amounts.
    sourcing = table_with(at, "sourced_pipeline", "sourced_won_qtd", "quiet")
    assert sorted(zip(sourcing["Name"], sourcing["sourced_pipeline"], sourcing["sourced_won_qtd"])) == \
        sorted(zip(table["Name"], table["sourced_pipeline"], table["sourced_won_qtd"]))
    assert sorted(table_with(at, "certified", "last_deal")["Id"]) == sorted(table.loc[table["quiet"], "Id"])
    # Owner ids are shown as names.
    names = facts.people.set_index("Id")["Name"]
    assert sorted(waiting["Owner"]) == sorted(table.loc[table[partners.CERTIFIED].isna(), "OwnerId"].map(names))
    assert not at.exception


def test_the_charts_hold_the_engines_counts_and_amounts(app, facts):  # noqa: F811
    view = view_of(facts)
    at = app("pages/partners.py")
    recruited = traces(at, "partners_recruited")
    bars = {name: y for name, y in recruited.items() if name not in ("Total", "Goal per quarter")}
    assert sum(y[-1] for y in bars.values()) == view.figures["recruited_qtd"]  # the current quarter, to date
    assert len(recruited["Total"]) == 5  # this quarter and the four before it
    sourced = traces(at, "partner_sourced_quarters")
    assert round(sourced["Sourced closed-won"][-1], 2) == round(view.figures["sourced_won_qtd"], 2)


def test_a_team_change_changes_the_figures(app, facts):  # noqa: F811
    at = app("pages/partners.py")
    everyone = shown(at)
    at.selectbox(key="team").set_value("SMB").run()
    assert not at.exception
    assert at.title[0].value == "Partners · SMB"
    assert shown(at) == expected(view_of(facts, "SMB").figures) != everyone
    reps, _ = scorecard(facts, "SMB")
    assert set(table_with(at, "sourced_pipeline")["Owner"]) <= set(reps["Name"])


def test_a_rep_sees_only_her_own_partners(app, facts):  # noqa: F811
    mine = access.restrict(facts, frozenset({SAMIR}))
    at = signed_in(SAMIR_MAIL, "pages/partners.py")
    assert at.title[0].value == "Partners · Samir Murphy"
    assert shown(at) == expected(partner_view(mine, ANCHOR, FiscalCalendar(), pd.Index([SAMIR]),
                                              deals_as_of(mine, ANCHOR)).figures)
    owners = {v for d in at.dataframe if "Owner" in d.value for v in d.value["Owner"]}
    assert owners <= {"Samir Murphy"}
    everyone = view_of(facts).partners
    assert sorted(table_with(at, "sourced_pipeline")["Name"]) == sorted(everyone.loc[everyone["OwnerId"] == SAMIR,
                                                                                     "Name"])
