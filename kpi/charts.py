"""Plotly figures for the views and exports: built from engine results, legible on a projector, one colour per
metric and per rep everywhere (Okabe-Ito, a colour-blind safe palette)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from kpi.periods import Period, business_days, business_days_elapsed
from kpi.registry import KPIS, money_sign

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Further colours for teams larger than the palette, still told apart without relying on red/green.
_MORE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
METRIC_COLOURS = {"calls": "#0072B2", "emails": "#E69F00", "meetings": "#009E73", "sal": "#CC79A7",
                  "sql": "#56B4E9", "won": "#0072B2", "quota": "#555555", "pace": "#D55E00", "target": "#000000"}
_FONT = {"size": 16}


def rep_colours(rep_ids: pd.Index | list[str]) -> dict[str, str]:
    """A stable colour per rep: reps ordered by id, so a rep keeps its colour on every page and export."""
    palette = OKABE_ITO + _MORE
    return {rep: palette[i % len(palette)] for i, rep in enumerate(sorted(rep_ids))}


def _layout(fig: go.Figure, title: str, y_title: str) -> go.Figure:
    # The legend sits under the plot: above it, a long legend wraps into the title on narrow screens.
    return fig.update_layout(
        title={"text": title, "font": {"size": 20}}, template="plotly_white", font=_FONT, height=460,
        legend={"orientation": "h", "yanchor": "top", "y": -0.25, "x": 0}, margin={"l": 10, "r": 10, "t": 60, "b": 10},
        yaxis_title=y_title, hovermode="x unified")


def activity_trend(daily: pd.DataFrame, targets: dict[str, float | None], title: str) -> go.Figure:
    """Stacked calls, emails and meetings per business day, with the daily target lines that are set."""
    fig = go.Figure()
    days = daily.index.strftime("%a %d %b")
    for column in ("calls", "emails", "meetings"):
        fig.add_bar(x=days, y=daily[column], name=column.capitalize(), marker_color=METRIC_COLOURS[column])
    for (name, value), dash in zip(targets.items(), ("dash", "dot")):
        if value is not None and not pd.isna(value):
            fig.add_scatter(x=days, y=[value] * len(days), mode="lines", name=name,
                            line={"color": METRIC_COLOURS["target"], "dash": dash, "width": 3})
    fig.update_layout(barmode="stack", xaxis={"type": "category", "tickangle": -45})
    return _layout(fig, title, "Activities per day")


def burn_up(won: pd.DataFrame, quarter: Period, quota: float | None, projection: float | None,
            title: str, currency: str | None = None) -> go.Figure:
    """Cumulative closed-won through the as-of date against the quota and the pace line (quota spread
    evenly over the quarter's business days), in the data's corporate `currency`."""
    fig = go.Figure()
    fig.add_scatter(x=won["day"], y=won["won"], name=KPIS["revenue_qtd"].label, mode="lines",
                    line={"color": METRIC_COLOURS["won"], "width": 4, "shape": "hv"}, fill="tozeroy")
    if quota is not None and not pd.isna(quota):
        days = quarter.days()
        pace = quota * business_days_elapsed(quarter, days) / business_days(quarter.start, quarter.end)
        fig.add_scatter(x=days, y=pace, name="Pace line", mode="lines",
                        line={"color": METRIC_COLOURS["pace"], "dash": "dash", "width": 3})
        fig.add_scatter(x=[quarter.start, quarter.end], y=[quota, quota], name=KPIS["quota_quarter"].label,
                        mode="lines", line={"color": METRIC_COLOURS["quota"], "width": 3})
    if projection is not None and not pd.isna(projection) and len(won):
        fig.add_scatter(x=[won["day"].iloc[-1], quarter.end], y=[won["won"].iloc[-1], projection],
                        name=KPIS["projection"].label, mode="lines+markers",
                        line={"color": METRIC_COLOURS["won"], "dash": "dot", "width": 2})
    fig.update_xaxes(range=[quarter.start, quarter.end])
    return _layout(fig, title, f"Closed-won ({currency or '$'})").update_yaxes(tickprefix=money_sign(currency),
                                                                              tickformat="~s")


def weekly_stages(weekly: pd.DataFrame, goals: dict[str, float | None], title: str) -> go.Figure:
    """SALs and SQLs per ISO week, side by side, with the weekly goals that are set."""
    fig = go.Figure()
    weeks = weekly.index.strftime("wk of %d %b")
    for stage in ("sal", "sql"):
        fig.add_bar(x=weeks, y=weekly[stage], name=f"{stage.upper()}s", marker_color=METRIC_COLOURS[stage])
        goal = goals.get(stage)
        if goal is not None and not pd.isna(goal):
            fig.add_scatter(x=weeks, y=[goal] * len(weeks), mode="lines", name=f"{stage.upper()} goal",
                            line={"color": METRIC_COLOURS[stage], "dash": "dash", "width": 3})
    fig.update_layout(barmode="group", xaxis={"type": "category"})
    return _layout(fig, title, "Leads per week")


def today_vs_target(reps: pd.DataFrame, colours: dict[str, str], title: str) -> go.Figure:
    """Each rep's activities today as a bar in the rep's colour, the daily activity target as a marker."""
    ordered = reps.sort_values("activities_today")
    fig = go.Figure()
    fig.add_bar(y=ordered["Name"], x=ordered["activities_today"], orientation="h", name="Activities today",
                marker_color=[colours[i] for i in ordered.index], text=ordered["activities_today"],
                textposition="outside")
    target = ordered["activities_target_day"]
    if target.notna().any():
        fig.add_scatter(y=ordered["Name"], x=target, mode="markers", name="Daily target",
                        marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": METRIC_COLOURS["target"]}})
    fig.update_layout(height=max(300, 44 * len(ordered) + 120), hovermode="y unified")
    return _layout(fig, title, "").update_layout(hovermode="y unified")
