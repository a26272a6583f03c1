"""Plotly figures for the views and exports: built from engine results, legible on a projector, one colour per
metric and per rep everywhere (Okabe-Ito, a colour-blind safe palette)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from kpi import activity, plan, ramp, revenue
from kpi.periods import FiscalCalendar, Period, business_days, business_days_elapsed, last_weeks
from kpi.pipeline import SIGNS
from kpi.registry import KPIS, money_sign
from kpi.review import MONEY, WEEKLY_LABELS, Review
from kpi.summary import Facts, deals_as_of

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# Further colours for teams larger than the palette, still told apart without relying on red/green.
_MORE = ("#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499")
METRIC_COLOURS = {"calls": "#0072B2", "emails": "#E69F00", "meetings": "#009E73", "sal": "#CC79A7",
                  "sql": "#56B4E9", "won": "#0072B2", "quota": "#555555", "pace": "#D55E00", "target": "#000000",
                  "pipeline": "#E69F00", "cost": "#000000", "responders": "#56B4E9", "touched_in_sla": "#009E73",
                  "queue": "#D55E00"}
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


BAR_LABELS = {"start": "Last week", "new": "New", "increased": "Increased", "decreased": "Decreased",
              "pulled_in": "Pulled in", "pushed_out": "Pushed out", "won": "Won", "lost": "Lost", "end": "This week"}


def pipeline_waterfall(totals: dict[str, float], signs: dict[str, int], title: str,
                       currency: str | None = None) -> go.Figure:
    """Last week's open pipeline to this week's: the bars in order, rises and falls labelled with their sign
    and amount (not only colour), the two totals as full bars."""
    keys = list(totals)
    measure = ["absolute" if k in ("start", "end") else "relative" for k in keys]
    values = [totals[k] if k in ("start", "end") else signs[k] * totals[k] for k in keys]
    sign = money_sign(currency)
    text = [f"{sign}{v / 1e3:,.0f}k" if m == "absolute" else f"{'+' if v >= 0 else '−'}{sign}{abs(v) / 1e3:,.0f}k"
            for v, m in zip(values, measure)]
    fig = go.Figure(go.Waterfall(
        x=[BAR_LABELS[k] for k in keys], y=values, measure=measure, text=text, textposition="outside",
        increasing={"marker": {"color": OKABE_ITO[0]}}, decreasing={"marker": {"color": OKABE_ITO[5]}},
        totals={"marker": {"color": METRIC_COLOURS["quota"]}}, connector={"line": {"color": "#999999"}}))
    # The axis starts near the lowest level reached, so the moves are not dwarfed by the two totals.
    levels = pd.Series(values).where(pd.Series(measure) == "relative", 0).cumsum() + values[0]
    low, high = min(levels.min(), totals["end"]), max(levels.max(), totals["start"], totals["end"])
    fig.update_layout(showlegend=False, xaxis={"type": "category"})
    return _layout(fig, title, f"Open pipeline ({currency or '$'})").update_yaxes(
        tickprefix=sign, tickformat="~s", range=[max(0.0, low - 0.6 * (high - low + 1)), high + 0.3 * (high - low + 1)])


def forecast_ranges(reps: pd.DataFrame, colours: dict[str, str], title: str,
                    currency: str | None = None) -> go.Figure:
    """Per rep: the P10-P90 range of the simulated quarter end as a bar, P50 as a marker, quota as a line mark."""
    rows = reps.loc[reps["forecast_p50"].notna()].sort_values("forecast_p50")
    fig = go.Figure()
    fig.add_bar(y=rows["Name"], x=rows["forecast_p90"] - rows["forecast_p10"], base=rows["forecast_p10"],
                orientation="h", name="P10 – P90", marker_color=[colours.get(i, OKABE_ITO[0]) for i in rows.index],
                opacity=0.55)
    fig.add_scatter(y=rows["Name"], x=rows["forecast_p50"], mode="markers", name="P50",
                    marker={"symbol": "diamond", "size": 14, "color": "#000000"})
    quota = rows["quota_quarter"]
    fig.add_scatter(y=rows["Name"], x=quota, mode="markers", name=KPIS["quota_quarter"].label,
                    marker={"symbol": "line-ns", "size": 26, "line": {"width": 4, "color": METRIC_COLOURS["pace"]}})
    fig.update_layout(height=max(300, 44 * len(rows) + 140))
    return _layout(fig, title, "").update_xaxes(tickprefix=money_sign(currency), tickformat="~s").update_layout(
        hovermode="y unified")


def weekly_pipeline_created(weekly: pd.DataFrame, colours: dict[str, str], names: pd.Series, weekly_goal: float | None,
                            title: str, currency: str | None = None) -> go.Figure:
    """Pipeline created per ISO week, stacked by rep in each rep's colour, with the quarter's goal spread evenly
    over its weeks when one is set."""
    fig = go.Figure()
    weeks = weekly.index.strftime("wk of %d %b")
    for owner in weekly.columns:
        fig.add_bar(x=weeks, y=weekly[owner], name=names.get(owner, owner), marker_color=colours.get(owner))
    if weekly_goal is not None and not pd.isna(weekly_goal):
        fig.add_scatter(x=weeks, y=[weekly_goal] * len(weeks), mode="lines", name="Goal per week",
                        line={"color": METRIC_COLOURS["target"], "dash": "dash", "width": 3})
    fig.update_layout(barmode="stack", xaxis={"type": "category"})
    return _layout(fig, title, f"Created ({currency or '$'})").update_yaxes(tickprefix=money_sign(currency),
                                                                           tickformat="~s")


def funnel_steps(steps: pd.Series, title: str) -> go.Figure:
    """The MQL cohort through SAL, SQL, opportunity and won, with each step's share of the MQLs."""
    fig = go.Figure(go.Funnel(y=[s.upper() if len(s) == 3 else s.capitalize() for s in steps.index],
                              x=steps.to_numpy(), textinfo="value+percent initial",
                              marker={"color": [METRIC_COLOURS.get(s, OKABE_ITO[i]) for i, s in enumerate(steps.index)]}))
    return _layout(fig, title, "")


def cohort_conversion(weekly: pd.DataFrame, title: str) -> go.Figure:
    """Per MQL week: the MQLs as bars and the share that reached SAL and SQL by now as lines (right axis)."""
    fig = go.Figure()
    weeks = weekly.index.strftime("wk of %d %b")
    fig.add_bar(x=weeks, y=weekly["mql"], name="MQLs", marker_color=OKABE_ITO[4])
    for step in ("sal", "sql"):
        share = weekly[step] / weekly["mql"].where(weekly["mql"] > 0)
        fig.add_scatter(x=weeks, y=share, name=f"Reached {step.upper()}", yaxis="y2", mode="lines+markers",
                        line={"color": METRIC_COLOURS[step], "width": 3})
    fig.update_layout(xaxis={"type": "category"},
                      yaxis2={"overlaying": "y", "side": "right", "tickformat": ".0%", "range": [0, 1], "dtick": 0.25,
                              "showgrid": False, "title": "Share of the week's MQLs"})
    return _layout(fig, title, "MQLs")


def weekly_changes(weekly: pd.DataFrame, labels: dict[str, str], title: str) -> go.Figure:
    """This week against the same days last week, side by side, for the counted metrics."""
    rows = weekly.rename(index=labels)
    fig = go.Figure()
    fig.add_bar(x=rows.index, y=rows["last_week"], name="Last week", marker_color="#999999",
                text=rows["last_week"].map("{:,.0f}".format), textposition="outside")
    fig.add_bar(x=rows.index, y=rows["this_week"], name="This week", marker_color=OKABE_ITO[0],
                text=rows["this_week"].map("{:,.0f}".format), textposition="outside")
    fig.update_layout(barmode="group", xaxis={"type": "category"})
    return _layout(fig, title, "")


def review_figures(review: Review, facts: Facts, calendar: FiscalCalendar) -> dict[str, go.Figure]:
    """The charts of the weekly review, by section ("headline", "weekly", "risks", then one per rep id): the
    same figures, colours and titles on the page and in the deck."""
    quarter = calendar.quarter(review.as_of)
    currency = facts.org.currency
    deals = deals_as_of(facts, review.as_of)
    counted = [m for m in review.weekly.index if m not in MONEY]
    figures = {
        "headline": burn_up(revenue.burn_up(deals, quarter, review.as_of, review.reps.index), quarter,
                            review.team["quota_quarter"], review.team["projection"],
                            f"{quarter.name} closed-won vs quota", currency),
        "weekly": weekly_changes(review.weekly.loc[counted], WEEKLY_LABELS, "This week vs the same days last week"),
        "risks": pipeline_waterfall(review.waterfall, SIGNS, "Open pipeline: end of last week → now", currency),
    }
    window = last_weeks(review.as_of, 4)
    for rep in review.reps.index:
        daily = activity.daily_activity(facts.activities, window, review.as_of, pd.Index([rep]))
        figures[rep] = activity_trend(daily, {"Activity target": review.reps.loc[rep, "activities_target_day"]},
                                      f"{review.reps.loc[rep, 'Name']}: activity per business day, last 4 weeks")
    return figures


def partners_recruited(counts: pd.DataFrame, colours: dict[str, str], names: pd.Series, goal: float | None,
                       title: str) -> go.Figure:
    """Partners recruited per fiscal quarter (`partners.recruited_by_quarter`: quarters x owners), stacked by
    owner in each rep's colour, with the quarter's recruiting goal as a line when one is set."""
    fig = go.Figure()
    quarters = list(counts.index)
    for owner in counts.columns:
        fig.add_bar(x=quarters, y=counts[owner], name=names.get(owner, owner), marker_color=colours.get(owner))
    totals = counts.sum(axis=1)
    fig.add_scatter(x=quarters, y=totals, mode="text", text=[f"{v:,.0f}" for v in totals], textposition="top center",
                    textfont={"size": 18}, showlegend=False, hoverinfo="skip", name="Total")
    if goal is not None and not pd.isna(goal):
        fig.add_scatter(x=quarters, y=[goal] * len(quarters), mode="lines", name="Goal per quarter",
                        line={"color": METRIC_COLOURS["target"], "dash": "dash", "width": 3})
    top = max(float(totals.max()) if len(totals) else 0.0, goal if goal is not None and not pd.isna(goal) else 0.0)
    fig.update_layout(barmode="stack", xaxis={"type": "category"})
    return _layout(fig, title, "Partners recruited").update_yaxes(
        range=[0, top * 1.2 + 1], dtick=1 if top <= 10 else None, tickformat=",d")


def partner_sourced_by_quarter(per_quarter: pd.DataFrame, title: str, currency: str | None = None) -> go.Figure:
    """Per fiscal quarter (rows): partner-sourced pipeline created (`created`) and partner-sourced closed-won
    (`won`), side by side, each bar labelled with its amount (none on an empty bar)."""
    fig = go.Figure()
    quarters = list(per_quarter.index)
    sign = money_sign(currency)
    for column, name, colour in (("created", "Sourced pipeline created", OKABE_ITO[1]),
                                 ("won", "Sourced closed-won", METRIC_COLOURS["won"])):
        fig.add_bar(x=quarters, y=per_quarter[column], name=name, marker_color=colour,
                    text=[KPIS["sourced_won_qtd"].format(v, compact=True, currency=currency) if v else ""
                          for v in per_quarter[column]], textposition="outside", textfont={"size": 16})
    fig.update_layout(barmode="group", xaxis={"type": "category"})
    return _layout(fig, title, f"Amount ({currency or '$'})").update_yaxes(tickprefix=sign, tickformat="~s")


def customer_cohorts(cohorts: pd.DataFrame, ramp: pd.Series, title: str, currency: str | None = None) -> go.Figure:
    """One line per monthly cohort of new customers (`customers.cohort_paths`: the average bookings to date per
    customer by month since the first deal), oldest cohort lightest, and the expected ramp as a dashed line."""
    fig = go.Figure()
    # A sequential palette (dark blue, newest, to green; no pale yellow end) tells the cohorts' order at a glance.
    shades = sample_colorscale("Viridis", [0.8 - 0.8 * i / max(len(cohorts) - 1, 1) for i in range(len(cohorts))])
    for (cohort, path), colour in zip(cohorts.iterrows(), shades):
        path = path.dropna()
        fig.add_scatter(x=list(path.index), y=path.to_numpy(), name=f"{cohort:%b %Y}", mode="lines+markers",
                        line={"color": colour, "width": 3}, marker={"size": 8})
    ramp = ramp.dropna()
    if len(ramp):
        fig.add_scatter(x=list(ramp.index), y=ramp.to_numpy(), name="Expected ramp", mode="lines",
                        line={"color": METRIC_COLOURS["target"], "dash": "dash", "width": 4})
    fig.update_xaxes(title="Months since the first deal", dtick=1)
    return _layout(fig, title, f"Bookings to date per customer ({currency or '$'})").update_yaxes(
        tickprefix=money_sign(currency), tickformat="~s", rangemode="tozero")


PLAN_COLOURS = {"revenue": "#0072B2", "pipeline_created": "#E69F00", "partners_recruited": "#009E73",
                "partners_certified": "#44AA99", "new_customers": "#882255", "activities": "#56B4E9",
                "sal": METRIC_COLOURS["sal"], "sql": METRIC_COLOURS["sql"]}  # one colour per plan metric


def plan_attainment(lines: pd.DataFrame, elapsed: float | None, title: str) -> go.Figure:
    """Attainment of each plan line with a plan (`plan.lines` with a `label`), one bar per line in its metric's
    colour, with the share of the quarter gone as a dashed line: a bar short of it is behind pace. Each line's
    'actual of plan' and attainment (`text`) stand in a column right of the plot, where the line never runs
    through them."""
    shown = lines.dropna(subset=[plan.ATTAINMENT]).iloc[::-1]  # the first line on top
    fig = go.Figure(go.Bar(
        y=shown["label"], x=shown[plan.ATTAINMENT], orientation="h",
        marker_color=[PLAN_COLOURS[m] for m in shown[plan.METRIC]],
        customdata=shown["text"], hovertemplate="%{y}: %{customdata}<extra></extra>", name="Attainment"))
    # The text column: the tick labels of a second y axis on the right, one per bar (an invisible trace holds the
    # same lines there), so the margin grows to fit them whatever their length.
    fig.add_scatter(y=shown["label"], x=[0] * len(shown), yaxis="y2", mode="markers", marker={"opacity": 0},
                    hoverinfo="skip", showlegend=False, name="Actual of plan")
    if elapsed is not None:  # the line a bar must pass to be on pace (named in the title)
        fig.add_vline(x=elapsed, line={"color": METRIC_COLOURS["pace"], "dash": "dash", "width": 3})
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(tickfont={"size": 16}, ticklabelstandoff=8)
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "matches": "y", "tickmode": "array",
                              "tickvals": list(shown["label"]), "ticktext": list(shown["text"]),
                              "tickfont": {"size": 16}, "ticklabelstandoff": 8, "showgrid": False,
                              "automargin": True})
    return _layout(fig, title, "").update_layout(height=max(300, 60 + 44 * len(shown)), hovermode="closest",
                                                 showlegend=False)


def plan_history(pace: pd.DataFrame, text: pd.DataFrame, title: str) -> go.Figure:
    """Each plan line (rows) per quarter (columns) as a grid of cells coloured by `pace`, blue ahead and orange
    behind (white on pace), each saying its `text`; an empty cell: no plan or no data."""
    fig = go.Figure(go.Heatmap(
        z=pace.to_numpy(dtype=float), x=list(pace.columns), y=list(pace.index), zmin=0, zmax=2,
        colorscale=[[0, OKABE_ITO[5]], [0.5, "#F7F7F7"], [1, OKABE_ITO[0]]], text=text.to_numpy(),
        texttemplate="%{text}", textfont={"size": 16}, xgap=3, ygap=3, hoverongaps=False,
        colorbar={"title": "pace", "tickformat": ".0%"}, hovertemplate="%{y}, %{x}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", tickfont={"size": 16})
    fig.update_xaxes(side="top", tickfont={"size": 16})
    return _layout(fig, title, "").update_layout(height=120 + 48 * len(pace), hovermode="closest")


def ramp_curves(curve: pd.DataFrame, reps: pd.DataFrame, figure: str, colours: dict[str, str], names: pd.Series,
                title: str, y_title: str, months: int, currency: str | None = None) -> go.Figure:
    """One role's ramp curve (`ramp.curve` rows of the role: the median per tenure month) as a dashed black line,
    and each new rep's own months (`ramp.monthly` rows) in the rep's colour, for one figure, over the `months` of
    the ramp."""
    fig = go.Figure()
    for owner, own in reps.groupby(ramp.OWNER):
        fig.add_scatter(x=own[ramp.TENURE_MONTH], y=own[figure], name=str(names.get(owner, owner)),
                        mode="lines+markers", line={"color": colours.get(owner), "width": 4}, marker={"size": 10})
    fig.add_scatter(x=curve[ramp.TENURE_MONTH], y=curve[figure], name="Team curve (median)", mode="lines+markers",
                    line={"color": METRIC_COLOURS["target"], "dash": "dash", "width": 3},
                    customdata=curve[ramp.REPS], hovertemplate="%{y:,.0f} (median of %{customdata} reps)")
    fig.update_xaxes(title="Tenure month (0: the first month)", dtick=1, range=[-0.3, months - 0.7])
    money = figure in ("pipeline_created", "won")
    return _layout(fig, title, y_title).update_yaxes(rangemode="tozero", tickformat="~s" if money else ",d",
                                                     tickprefix=money_sign(currency) if money else "")


def campaign_results(table: pd.DataFrame, title: str, currency: str | None = None) -> go.Figure:
    """Per campaign (`campaigns.campaign_table` rows, biggest pipeline on top): the pipeline and the closed-won it
    sourced as bars, and its cost as a marker, so a campaign that cost more than it brought shows at a glance."""
    rows = table.sort_values("pipeline")
    names = rows["Name"].tolist()
    fig = go.Figure()
    for column in ("pipeline", "won"):
        fig.add_bar(y=names, x=rows[column], name=KPIS[column].label, orientation="h",
                    marker_color=METRIC_COLOURS[column],
                    text=[KPIS[column].format(v, compact=True, currency=currency) if v else "" for v in rows[column]],
                    textposition="outside", textfont={"size": 15})
    fig.add_scatter(y=names, x=rows["cost"], name=KPIS["cost"].label, mode="markers",
                    marker={"symbol": "diamond", "size": 16, "color": METRIC_COLOURS["cost"]})
    fig.update_layout(barmode="group", hovermode="y unified", height=max(460, 70 * len(names) + 160))
    return _layout(fig, title, "").update_layout(hovermode="y unified").update_xaxes(
        tickprefix=money_sign(currency), tickformat="~s", title=f"Amount ({currency or '$'})")


def responder_work(adrs: pd.DataFrame, names: pd.Series, title: str) -> go.Figure:
    """Per ADR (`CampaignView.adrs` rows): responders, those touched within the SLA, and those still waiting in
    the ADR's queue, side by side."""
    fig = go.Figure()
    shown = [names.get(adr, adr) for adr in adrs.index]
    for column in ("responders", "touched_in_sla", "queue"):
        fig.add_bar(x=shown, y=adrs[column], name=KPIS[column].label, marker_color=METRIC_COLOURS[column],
                    text=[f"{v:,.0f}" for v in adrs[column]], textposition="outside", textfont={"size": 16})
    fig.update_layout(barmode="group", xaxis={"type": "category"})
    return _layout(fig, title, "Members").update_yaxes(tickformat=",d")


def named_coverage(reps: pd.DataFrame, colours: dict[str, str], names: pd.Series, title: str) -> go.Figure:
    """Per ADR with named accounts (`NamedView.reps` rows): the share touched in the window, each bar in the rep's
    colour and labelled 'touched of named'."""
    rows = reps.loc[reps["named_accounts"] > 0]
    fig = go.Figure()
    fig.add_bar(x=[names.get(r, r) for r in rows.index], y=rows["named_coverage"],
                marker_color=[colours.get(r) for r in rows.index], showlegend=False,
                text=[f"{t:,.0f} of {n:,.0f}" for t, n in zip(rows["named_touched_30d"], rows["named_accounts"])],
                textposition="outside", textfont={"size": 16}, name=KPIS["named_coverage"].label)
    fig.update_layout(xaxis={"type": "category"})
    return _layout(fig, title, KPIS["named_coverage"].label).update_yaxes(tickformat=".0%", range=[0, 1.15])
