"""Loading at the UI edge: the source comes from the environment, loads and results are cached."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from kpi.periods import FiscalCalendar
from kpi.sources import load, sample
from kpi.summary import Facts, prepare, rep_table, team_row


@dataclass(frozen=True)
class Source:
    """Where the data comes from: KPI_SOURCE ('sample' or a folder of exports), KPI_GOALS, KPI_EXPORT_TZ."""

    name: str
    goals: str | None
    export_zone: str

    @classmethod
    def from_environment(cls) -> Source:
        return cls(os.environ.get("KPI_SOURCE", "sample"), os.environ.get("KPI_GOALS") or None,
                   os.environ.get("KPI_EXPORT_TZ", "UTC"))

    def label(self) -> str:
        return "bundled sample org" if self.name == "sample" else f"exports in {self.name}"

    def version(self) -> str:
        """Changes when the files change, so edited exports are read again."""
        if self.name == "sample" and not self.goals:
            return sample.fingerprint()
        folder = sample.FOLDER if self.name == "sample" else Path(self.name)
        files = sorted(folder.glob("*.csv")) + ([Path(self.goals)] if self.goals else [])
        return ";".join(f"{f.name}:{f.stat().st_mtime_ns}" for f in files if f.is_file())


@st.cache_resource(show_spinner="Loading Salesforce data…", max_entries=4)
def _facts(source: Source, version: str) -> Facts:
    return prepare(load(source.name, Path(source.goals) if source.goals else None, source.export_zone))


def facts() -> Facts:
    """The prepared facts of the configured source, loaded once per version of its files."""
    source = Source.from_environment()
    return _facts(source, source.version())


@st.cache_data(show_spinner=False, max_entries=256)
def _scorecard(source: Source, version: str, as_of: str, fiscal_start: int,
               team: str | None) -> tuple[pd.DataFrame, pd.Series]:
    found = _facts(source, version)
    when, calendar = pd.Timestamp(as_of), FiscalCalendar(fiscal_start)
    reps = rep_table(found, when, calendar, team)
    return reps, team_row(reps, when, calendar)


def scorecard(as_of: pd.Timestamp, fiscal_start: int, team: str | None) -> tuple[pd.DataFrame, pd.Series]:
    """Rep rows and the team row for these filters, cached by their plain values."""
    source = Source.from_environment()
    return _scorecard(source, source.version(), f"{as_of:%Y-%m-%d}", fiscal_start, team)
