import re

import pandas as pd
import pytest

from kpi.periods import FiscalCalendar
from kpi.registry import (CAMPAIGN_FIGURES, CAMPAIGN_KEYS, CUSTOMER_KEYS, ENTRIES, EVENT_KEYS, KPIS, NAMED_KEYS,
                          PARTNER_KEYS, PLAN_KEYS, RAMP_KEYS, SUMMARY_KEYS, Family, Unit)
from kpi.summary import campaign_view, lead_process_view, named_view, prepare, scorecard
from factories import org

NAMES = [k.name for k in ENTRIES]


def test_names_are_unique():
    assert len(NAMES) == len(set(NAMES))


@pytest.mark.parametrize("kpi", ENTRIES, ids=NAMES)
def test_each_entry_is_complete(kpi):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", kpi.name)
    assert kpi.label and kpi.formula and len(kpi.help) > 20
    for ref in (kpi.numerator, kpi.denominator, kpi.target_of):
        assert ref is None or ref in KPIS, f"{kpi.name} refers to unknown KPI {ref}"


def test_every_summary_key_is_defined_once():
    assert set(SUMMARY_KEYS) <= set(KPIS)


def test_every_section_key_is_defined_once():
    assert set(PARTNER_KEYS) | set(CUSTOMER_KEYS) | set(PLAN_KEYS) | set(RAMP_KEYS) <= set(KPIS)
    assert set(CAMPAIGN_KEYS) <= set(CAMPAIGN_FIGURES) and set(CAMPAIGN_FIGURES) | set(EVENT_KEYS) <= set(KPIS)
    assert set(NAMED_KEYS) <= set(KPIS)


# Figures of the views, not of the scorecard: per campaign, event and ADR queue (summary.campaign_view), per ADR's
# named accounts beyond the summary's keys (summary.named_view) and the logging gaps (summary.lead_process_view).
_VIEW_ONLY = {*CAMPAIGN_FIGURES, *EVENT_KEYS, "queue", *(k for k in NAMED_KEYS if k not in SUMMARY_KEYS),
              "logging_gaps_qtd", "qualified_out_qtd"}


@pytest.mark.parametrize("kpi", [k for k in ENTRIES if k.name not in {"elapsed_share", *PARTNER_KEYS, *CUSTOMER_KEYS,
                                                                      *_VIEW_ONLY}
                                 and k.family is not Family.PLAN], ids=lambda k: k.name)
def test_each_entry_is_computed_by_the_scorecard(kpi):
    # elapsed_share is a property of the period, shown in the header, not a per-rep column; the partner,
    # customer and plan figures are sections of their own (summary.partner_view, customer_view, plan_view), and
    # the ramp keys come from summary.ramp_status.
    table, _ = scorecard(prepare(org(users=[])), pd.Timestamp("2026-11-24"))
    assert kpi.name in table.columns


def test_the_campaign_and_lead_process_families_are_computed_by_their_views():
    facts, as_of, nobody = prepare(org(users=[])), pd.Timestamp("2026-11-24"), pd.Index([], dtype="str")
    campaigns = campaign_view(facts, as_of, FiscalCalendar())
    shown = {*campaigns.campaigns.columns, *campaigns.events.columns, *campaigns.adrs.columns,
             *named_view(facts, as_of, nobody).reps.columns,
             *lead_process_view(facts, as_of, FiscalCalendar(), nobody).reps.columns}
    assert {k.name for k in ENTRIES if k.name in _VIEW_ONLY} <= shown
    assert all(KPIS[k].family in (Family.CAMPAIGNS, Family.LEAD_PROCESS) for k in _VIEW_ONLY)


@pytest.mark.parametrize("name, value, text", [
    ("calls_today", 1234, "1,234"), ("revenue_qtd", 1_234_567.0, "$1,234,567"), ("attainment", 0.876, "88%"),
    ("coverage", 2.345, "2.3x"), ("win_rate", None, "—"), ("pace", float("nan"), "—"),
])
def test_values_are_formatted_by_unit(name, value, text):
    assert KPIS[name].format(value) == text


def test_compact_money():
    assert KPIS["revenue_qtd"].format(1_234_567.0, compact=True) == "$1.2M"
    assert KPIS["revenue_qtd"].unit is Unit.CURRENCY
