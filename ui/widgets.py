"""Drawing helpers for pages: metric cards, tables and notes that read their labels and help from the registry."""

from __future__ import annotations

import os
import re

import pandas as pd
import streamlit as st

from kpi import exports
from kpi.periods import elapsed_share
from kpi.registry import KPIS, Unit
from kpi.summary import Facts, unknown
from ui import data
from ui.data import Source
from ui.state import Filters

_NUMBER_FORMATS = {Unit.COUNT: "%d", Unit.PERCENT: "percent", Unit.MULTIPLE: "%.1fx", Unit.HOURS: "%.1f h"}
_MONEY_FORMATS = {"USD": "dollar", "EUR": "euro", "JPY": "yen"}  # others: plain grouped digits


def plain(text: str) -> str:
    """Text from a file (a name, a file name) shown literally where Streamlit reads markdown."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|~$:])", r"\\\1", text)


def _missing(value: object) -> bool:
    return value is None or pd.isna(value)


def _shown(name: str, value: float | None) -> str:
    """A value as a card shows it, money in the data's corporate currency."""
    return KPIS[name].format(value, compact=True, currency=data.facts().org.currency)


def _signed(name: str, change: float) -> str:
    """A change with its sign first (Streamlit reads the arrow from it): '-$66.6k', '+12'."""
    return ("-" if change < 0 else "+") + _shown(name, abs(change))


def metric(name: str, value: float | None, target: float | None = None) -> None:
    """A metric card: registry label, formatted value, help on hover, and the gap to its target when it has
    one (pace: to being on pace)."""
    kpi = KPIS[name]
    delta = None
    if not _missing(target) and not _missing(value):
        delta = f"{_signed(name, value - target)} vs {_shown(name, target)}"
    elif name == "pace" and not _missing(value):
        delta = f"{_signed(name, value - 1)} vs 100%"
    st.metric(kpi.label, _shown(name, value), delta, help=kpi.tooltip(), border=True)


def cards(row: pd.Series, specs: list[tuple[str, str | None]], per_row: int = 3) -> None:
    """Metric cards for a scorecard row, `per_row` to a line (legible at 1280 pixels): (KPI, its target KPI)."""
    for start in range(0, len(specs), per_row):
        for col, (name, target) in zip(st.columns(per_row), specs[start:start + per_row]):
            with col:
                metric(name, row[name], row[target] if target else None)


def column_config(names: list[str]) -> dict[str, st.column_config.Column]:
    """Table columns labelled, formatted and explained by the registry."""
    currency = data.facts().org.currency
    money = _MONEY_FORMATS.get(currency or "USD", "localized")
    return {name: st.column_config.NumberColumn(
                KPIS[name].label + (f" ({currency})" if KPIS[name].unit is Unit.CURRENCY and currency else ""),
                help=KPIS[name].tooltip(), format=_NUMBER_FORMATS.get(KPIS[name].unit, money))
            for name in names}


def table(frame: pd.DataFrame, key: str, shown: object | None = None, **options: object) -> None:
    """A table (`shown`, e.g. a Styler, else the frame itself) and under it a download of its rows as a CSV
    that opens safely in Excel (kpi.exports.csv_bytes)."""
    st.dataframe(frame if shown is None else shown, key=key, **options)
    st.download_button("Download CSV", exports.csv_bytes(frame), file_name=f"{key}.csv", mime="text/csv",
                       key=f"{key}_csv", icon=":material/download:", type="tertiary")


def records(frame: pd.DataFrame, key: str) -> None:
    """The records behind a number; with SALESFORCE_INSTANCE_URL set, every id column (Id, LeadId, WhoId,
    OwnerId...) links to the record in Salesforce."""
    if frame.empty:
        st.caption("No records.")
        return
    instance = os.environ.get("SALESFORCE_INSTANCE_URL", "").rstrip("/")
    ids = [c for c in frame.columns if instance and (c == "Id" or c.endswith("Id"))]
    linked = frame.assign(**{c: instance + "/" + frame[c].astype("str") for c in ids})
    config = {c: st.column_config.LinkColumn(c, display_text=rf"{instance}/(.*)") for c in ids}
    table(frame, key, linked, hide_index=True, column_config=config, width="stretch")  # the CSV keeps plain ids


def header(title: str, filters: Filters) -> None:
    """Page title and the line that says what the figures stand on."""
    quarter = filters.calendar.quarter(filters.as_of)
    share = elapsed_share(quarter, filters.as_of)
    st.title(title)
    st.caption(f"Data as of **{filters.as_of:%a %d %b %Y}** · {quarter.name} "
               f"({quarter.start:%d %b} – {quarter.end:%d %b %Y}), "
               f"{KPIS['elapsed_share'].format(share)} of its business days gone")


def needs(facts: Facts, objects: tuple[str, ...], what: str) -> bool:
    """True when the source has all these objects; otherwise say which exports to add and return False."""
    absent = [obj for obj in objects if not facts.org.has(obj)]
    if absent:
        st.info(f"Add {' and '.join(f'{obj}.csv' for obj in absent)} to the exports to see {what}.")
    return not absent


def exports_for(facts: Facts, names: list[str]) -> bool:
    """True when the source has what these KPIs need (the registry's `needs`); otherwise say, per missing
    export, which of them it would give, and return False."""
    gaps: dict[str, list[str]] = {}
    for name in unknown(facts.org, names):
        for obj in (obj for obj in KPIS[name].needs if not facts.org.has(obj)):
            gaps.setdefault(obj, []).append(KPIS[name].label)
    for obj, labels in sorted(gaps.items()):
        st.info(f"Add {obj}.csv to the exports to see {', '.join(labels)}.")
    return not gaps


def data_status(facts: Facts, notice: str | None) -> None:
    """Sidebar footnote: the source, and a warning when its files had problems or older data is in use."""
    if notice:
        st.warning(notice, icon="⚠️")
    source = Source.from_environment()
    fresh = source.freshness()
    with st.sidebar:
        st.caption(f"Data: {source.label()}" + (f", {fresh}" if fresh else ""))
        if facts.org.problems:
            st.warning(f"{len(facts.org.problems)} problems in the input files: see the Data page.", icon="⚠️")
