"""Loading at the UI edge: the source comes from the environment, loads and results are cached."""

from __future__ import annotations

import os
from zoneinfo import available_timezones
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kpi import access, charts, people, plans, summary
from kpi.access import Viewer
from kpi.config import Definitions, SettingsError, settings_file, with_settings
from kpi.periods import FiscalCalendar
from kpi.review import Review, weekly_review
from kpi.sources import DATE_ORDERS, SourceError, freshness, load, sample, store_root
from kpi.sources.files import export_files
from kpi.speed import SpeedRules
from kpi.store import Store, StoreError
from kpi.summary import Facts, prepare


_PLAN = ";plan:"  # in a source's version: the saved plan version in force


@dataclass(frozen=True)
class Source:
    """Where the data comes from: KPI_SOURCE ('sample', 'store' or a folder of exports, 'salesforce' meaning the
    store; default: the local store once something was imported into it, else the sample), KPI_GOALS,
    KPI_EXPORT_TZ, KPI_DATE_ORDER ('auto', 'day-first' or 'month-first'); and KPI_SLA_HOURS, the speed-to-lead
    SLA in business hours (default 1)."""

    name: str
    goals: str | None
    export_zone: str
    date_order: str = "auto"
    sla_hours: str = "1"

    @classmethod
    def from_environment(cls) -> Source:
        try:
            default = "sample" if Store(store_root()).is_empty() else "store"
        except StoreError:
            default = "store"  # loading it says what is wrong with it
        name = os.environ.get("KPI_SOURCE") or default
        # The app reads what pulls put in the store (cron, or Refresh on the Data page); it never pulls per view.
        return cls("store" if name == "salesforce" else name, os.environ.get("KPI_GOALS") or None,
                   os.environ.get("KPI_EXPORT_TZ") or "UTC", os.environ.get("KPI_DATE_ORDER") or "auto",
                   os.environ.get("KPI_SLA_HOURS") or "1")

    def label(self) -> str:
        return {"sample": "bundled sample org", "store": "imported data (local store)"}.get(
            self.name, f"exports in {self.name}")

    def freshness(self) -> str | None:
        """'pulled 12 minutes ago' for the store; None for a source that says nothing of its age."""
        return freshness(Store(store_root()).imports(), pd.Timestamp.now(tz="UTC")) if self.name == "store" else None

    def version(self) -> str:
        """Changes when the data, the settings or the saved plan change (files edited, an import committed, a
        plan saved), so it is read again."""
        settings = settings_file(store_root())
        return (self._data_version() + (f";settings:{settings.stat().st_mtime_ns}" if settings.is_file() else "")
                + ("" if self.goals else f"{_PLAN}{plans.latest(store_root())}"))

    def _data_version(self) -> str:
        if self.name == "store":
            return f"store:{Store(store_root()).version()}:{self.goals}"
        if self.name == "sample" and not self.goals:
            return sample.fingerprint()
        folder = sample.FOLDER if self.name == "sample" else Path(self.name)
        files = (export_files(folder) if folder.is_dir() else []) + ([Path(self.goals)] if self.goals else [])
        return ";".join(f"{f.name}:{f.stat().st_mtime_ns}" for f in files if f.is_file())


@st.cache_resource(show_spinner=False, max_entries=4)
def _facts(source: Source, version: str) -> Facts:
    bar = st.progress(0.0, text=f"Loading the {source.label()}…")
    if source.date_order not in DATE_ORDERS or source.export_zone not in available_timezones():
        raise SourceError(f"KPI_DATE_ORDER must be one of {', '.join(DATE_ORDERS)} and KPI_EXPORT_TZ an IANA time "
                          f"zone (e.g. Europe/Berlin); they are {source.date_order!r} and {source.export_zone!r}")
    org = load(source.name, Path(source.goals) if source.goals else None, source.export_zone,
               progress=lambda done, step: bar.progress(0.9 * done, text=f"{step}…"),
               day_first=DATE_ORDERS[source.date_order])
    if not source.goals:  # a goals file named in KPI_GOALS wins over the plan saved in the app
        org, _ = plans.in_force(org, store_root())
    bar.progress(0.9, text="Working out each record's day, stage and owner…")
    try:
        speed = SpeedRules.with_sla(source.sla_hours)
    except ValueError as error:
        raise SourceError(f"KPI_SLA_HOURS: {error}") from None
    try:
        definitions = with_settings(Definitions(speed=speed), settings_file(store_root()))
    except SettingsError as error:
        raise SourceError(str(error)) from None
    facts = prepare(org, definitions)
    bar.empty()
    return facts


@dataclass(frozen=True)
class Loaded:
    source: Source
    version: str  # the version in use: the newest, unless it lost a file the one before had
    facts: Facts
    notice: str | None = None  # why an older version is in use

    @property
    def plan(self) -> int:
        """The saved plan version this data was loaded with (0: none; the source's or KPI_GOALS' goals file)."""
        return int(self.version.rsplit(_PLAN, 1)[1]) if _PLAN in self.version else 0


@st.cache_resource
def _last_good() -> dict[Source, Loaded]:
    """Per source, the last load in which no file that loaded before stopped loading (shared by sessions)."""
    return {}


def loaded() -> Loaded:
    """The data to show. When new files lose an object the previous load had (a file that no longer reads),
    the last good data stays in use and `notice` says which file and why."""
    source = Source.from_environment()
    version = source.version()
    found = _facts(source, version)  # SourceError when the source cannot be read at all
    good = _last_good().get(source)
    if good is not None and good.version != version:
        lost = sorted(set(found.org.missing) - set(good.facts.org.missing))
        if lost:
            reasons = [str(p) for p in found.org.problems[:3]]
            return Loaded(source, good.version, good.facts,
                          f"The {', '.join(lost)} export{'s' if len(lost) > 1 else ''} could not be read: "
                          f"{'; '.join(reasons) or 'the file is gone'}. Showing the data loaded before.")
    _last_good()[source] = Loaded(source, version, found)
    return _last_good()[source]


_VIEWER = "viewer"


def serve(viewer: Viewer) -> None:
    """Who this run serves: dashboard.py sets it on every run, before any page draws."""
    st.session_state[_VIEWER] = viewer


def viewer() -> Viewer:
    """The person this run serves; a page run without the frame's say-so shows nothing."""
    who = st.session_state.get(_VIEWER)
    if who is None:
        st.stop()
    return who


@st.cache_resource(show_spinner=False, max_entries=16, ttl="1h")  # a manager's share can be most of the org
def _restricted(_facts: Facts, source: Source, version: str, sees: frozenset[str] | None) -> Facts:
    """One viewer's share of a version's facts (kpi.access.restrict), shared by everyone who sees the same."""
    return access.restrict(_facts, sees)


def _scope(team_view: bool) -> frozenset[str] | None:
    who = viewer()
    return who.board if team_view else who.sees


def facts(team_view: bool = False) -> Facts:
    """The facts this viewer may see: their own share, or with `team_view` the share behind their team view
    (leaderboard and team totals: wider than their own for a rep whom the admin lets see the leaderboard)."""
    use = loaded()
    return _restricted(use.facts, use.source, use.version, _scope(team_view))


@st.cache_data(show_spinner=False, max_entries=256)
def _scorecard(_facts: Facts, source: Source, version: str, scope: frozenset[str] | None, as_of: str,
               fiscal_start: int, team: str | None) -> tuple[pd.DataFrame, pd.Series]:
    """Cached by source, version, the viewer's scope and the filters; `_facts` (not hashed) is that share."""
    when, calendar = pd.Timestamp(as_of), FiscalCalendar(fiscal_start)
    return summary.scorecard(_facts, when, calendar, team)


def scorecard(as_of: pd.Timestamp, fiscal_start: int, team: str | None,
              team_view: bool = False) -> tuple[pd.DataFrame, pd.Series]:
    """Rep rows and the team row for these filters, over what this viewer may see, cached by plain values."""
    use = loaded()
    return _scorecard(facts(team_view), use.source, use.version, _scope(team_view), f"{as_of:%Y-%m-%d}",
                      fiscal_start, team)


@st.cache_data(show_spinner=False, max_entries=64)
def _accounts(_facts: Facts, source: Source, version: str, scope: frozenset[str] | None, as_of: str,
              fiscal_start: int, team: str | None) -> tuple[summary.PartnerView, summary.CustomerView]:
    when, calendar = pd.Timestamp(as_of), FiscalCalendar(fiscal_start)
    owners = people.reps(_facts.people, team, when).index  # the scorecard's reps
    deals = summary.deals_as_of(_facts, when)
    everyone = summary.whole_org_deals(_facts, when, deals)
    return (summary.partner_view(_facts, when, calendar, owners, deals, everyone),
            summary.customer_view(_facts, when, calendar, owners, deals, everyone))


def accounts(as_of: pd.Timestamp, fiscal_start: int, team: str | None) -> tuple[summary.PartnerView,
                                                                              summary.CustomerView]:
    """The partners and the customers of the reps of these filters, over what this viewer may see, computed once
    per filter set (the Partners and Customers pages)."""
    use = loaded()
    return _accounts(facts(), use.source, use.version, _scope(False), f"{as_of:%Y-%m-%d}", fiscal_start, team)


@st.cache_data(show_spinner="Counting campaign members and responders…", max_entries=32)
def _campaigns(_facts: Facts, source: Source, version: str, scope: frozenset[str] | None, as_of: str,
               fiscal_start: int, team: str | None) -> summary.CampaignView:
    when = pd.Timestamp(as_of)
    listed = None if team is None and _facts.population is None else people.reps(_facts.people, team, when).index
    return summary.campaign_view(_facts, when, FiscalCalendar(fiscal_start), listed)


def campaigns(as_of: pd.Timestamp, fiscal_start: int, team: str | None) -> summary.CampaignView:
    """The campaigns and events as the ADRs of these filters worked them (all members when nobody is filtered
    out, as `summary` counts them), computed once per filter set (the Campaigns page)."""
    use = loaded()
    return _campaigns(facts(), use.source, use.version, _scope(False), f"{as_of:%Y-%m-%d}", fiscal_start, team)


@st.cache_data(show_spinner=False, max_entries=32)
def _lead_process(_facts: Facts, source: Source, version: str, scope: frozenset[str] | None, as_of: str,
                  fiscal_start: int, team: str | None) -> tuple[summary.NamedView, summary.LeadProcessView]:
    when = pd.Timestamp(as_of)
    owners = people.reps(_facts.people, team, when).index
    return (summary.named_view(_facts, when, owners),
            summary.lead_process_view(_facts, when, FiscalCalendar(fiscal_start), owners))


def lead_process(as_of: pd.Timestamp, fiscal_start: int,
                 team: str | None) -> tuple[summary.NamedView, summary.LeadProcessView]:
    """The named accounts and the lead process of the reps of these filters, computed once per filter set (the
    Lead funnel page)."""
    use = loaded()
    return _lead_process(facts(), use.source, use.version, _scope(False), f"{as_of:%Y-%m-%d}", fiscal_start, team)


@st.cache_data(show_spinner=False, max_entries=32)
def _plan(_facts: Facts, source: Source, version: str, scope: frozenset[str] | None, as_of: str, fiscal_start: int,
          team: str | None) -> tuple[list[summary.PlanView], summary.RampView]:
    when = pd.Timestamp(as_of)
    owners = people.reps(_facts.people, team, when).index
    deals = summary.deals_as_of(_facts, when)
    return (summary.plan_views(_facts, when, FiscalCalendar(fiscal_start), owners, deals),
            summary.ramp_view(_facts, when, owners, deals))


def plan(as_of: pd.Timestamp, fiscal_start: int, team: str | None) -> tuple[list[summary.PlanView], summary.RampView]:
    """The plan against actuals of the last summary.PLAN_QUARTERS quarters (oldest first) and the new reps' ramp,
    for the reps of these filters that this viewer may see, computed once per filter set (the Plan page)."""
    use = loaded()
    return _plan(facts(), use.source, use.version, _scope(False), f"{as_of:%Y-%m-%d}", fiscal_start, team)


def plan_versions() -> list[plans.Version]:
    """Every saved version of the plan, oldest first."""
    return plans.versions(store_root())


def save_plan(goals: pd.DataFrame, by: str, based_on: int, note: str) -> plans.Version:
    """Save the whole goals table as the plan version after `based_on` (PlanConflict: someone saved first)."""
    return plans.save(store_root(), goals, by, based_on, note)


@st.cache_data(show_spinner="Putting the weekly review together…", max_entries=32)
def _review(_facts: Facts, source: Source, version: str, scope: frozenset[str] | None, as_of: str,
            fiscal_start: int, team: str | None, floor: str) -> tuple[Review, dict[str, go.Figure]]:
    calendar = FiscalCalendar(fiscal_start)
    review = weekly_review(_facts, pd.Timestamp(as_of), calendar, team, floor)
    return review, charts.review_figures(review, _facts, calendar)


def review(as_of: pd.Timestamp, fiscal_start: int, team: str | None) -> tuple[Review, dict[str, go.Figure]]:
    """The weekly review and its charts for these filters, computed once (moving between sections is instant)."""
    use = loaded()
    return _review(facts(), use.source, use.version, _scope(False), f"{as_of:%Y-%m-%d}", fiscal_start, team,
                   viewer().scope_name)
