import re

import pandas as pd
import pytest

from kpi.registry import CUSTOMER_KEYS, ENTRIES, KPIS, Family, PARTNER_KEYS, PLAN_KEYS, RAMP_KEYS, SUMMARY_KEYS, Unit
from kpi.summary import prepare, scorecard
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


@pytest.mark.parametrize("kpi", [k for k in ENTRIES if k.name not in {"elapsed_share", *PARTNER_KEYS, *CUSTOMER_KEYS}
                                 and k.family is not Family.PLAN], ids=lambda k: k.name)
def test_each_entry_is_computed_by_the_scorecard(kpi):
    # elapsed_share is a property of the period, shown in the header, not a per-rep column; the partner,
    # customer and plan figures are sections of their own (summary.partner_view, customer_view, plan_view), and
    # the ramp keys come from summary.ramp_status.
    table, _ = scorecard(prepare(org(users=[])), pd.Timestamp("2026-11-24"))
    assert kpi.name in table.columns


@pytest.mark.parametrize("name, value, text", [
    ("calls_today", 1234, "1,234"), ("revenue_qtd", 1_234_567.0, "$1,234,567"), ("attainment", 0.876, "88%"),
    ("coverage", 2.345, "2.3x"), ("win_rate", None, "—"), ("pace", float("nan"), "—"),
])
def test_values_are_formatted_by_unit(name, value, text):
    assert KPIS[name].format(value) == text


def test_compact_money():
    assert KPIS["revenue_qtd"].format(1_234_567.0, compact=True) == "$1.2M"
    assert KPIS["revenue_qtd"].unit is Unit.CURRENCY
