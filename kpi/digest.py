"""The week's headline and exceptions as a short text for a chat channel (markdown) or an email (HTML).
Names come from Salesforce: they are escaped, so a name holding HTML or markdown is shown, never run."""

from __future__ import annotations

import html
import re

import pandas as pd

from kpi.registry import KPIS
from kpi.review import MONEY, WEEKLY_LABELS, Review
from kpi.summary import sells

_MARKDOWN = re.compile(r"([\\`*_\[\]~|])")  # what would format a name mid-line
_SHOWN = 5  # rows listed per exception


def _arrow(change: float) -> str:
    return "▲" if change > 0 else "▼" if change < 0 else "■"


def _amount(value: float, currency: str | None) -> str:
    return KPIS["revenue_qtd"].format(value, compact=True, currency=currency)


def _lines(review: Review, currency: str | None, text) -> tuple[str, list[str], dict[str, list[str]]]:
    """The title, the headline lines and the exception lists, each name passed through `text` (escaping)."""
    team = review.team
    title = f"Weekly review · {text(review.team_name)} · {review.as_of:%a %d %b %Y} ({review.quarter})"
    fmt = lambda k: KPIS[k].format(team[k], compact=True, currency=currency)  # noqa: E731
    headline = [f"Closed-won {fmt('revenue_qtd')} of {fmt('quota_quarter')} quota: attainment {fmt('attainment')}, "
                f"pace {fmt('pace')}, projection {fmt('projection')}; forecast P50 {fmt('forecast_p50')}, "
                f"chance to hit quota {fmt('forecast_p_quota')}" if sells(team) else
                f"SALs this month {fmt('sal_month')} of {fmt('sal_goal_month')}, SQLs {fmt('sql_month')} of "
                f"{fmt('sql_goal_month')}; speed to lead {fmt('speed_to_lead_median_h')} (median), "
                f"{fmt('untouched_mql')} MQLs untouched"]
    for metric, row in review.weekly.iterrows():
        show = (lambda v: _amount(v, currency)) if metric in MONEY else (lambda v: f"{v:,.0f}")
        sign = "+" if row["change"] >= 0 else "−"
        headline.append(f"{WEEKLY_LABELS[metric]}: {show(row['this_week'])} this week "
                        f"{_arrow(row['change'])} {sign}{show(abs(row['change']))} vs {show(row['last_week'])}")
    exceptions = {
        "Behind pace": [f"{text(r['Name'])}: pace {KPIS['pace'].format(r['pace'])}, "
                        f"{_amount(r['revenue_qtd'], currency)} of {_amount(r['quota_quarter'], currency)}"
                        for _, r in review.behind_pace.head(_SHOWN).iterrows()],
        "Deals slipping out of the quarter": [f"{text(r['Name'])} ({text(r['rep'])}): "
                                              f"{_amount(r['amount'], currency)}"
                                              for _, r in review.slipping.head(_SHOWN).iterrows()],
        "MQLs past the SLA this week": [f"{len(review.sla_breaches)} MQLs"] if len(review.sla_breaches) else [],
        "Wins of the week": [f"{text(r['Name'])} ({text(r['rep'])}): {_amount(r['Amount'], currency)}"
                             for _, r in review.wins.head(_SHOWN).iterrows()],
    }
    return title, headline, {k: v for k, v in exceptions.items() if v}


def _markdown_text(value: object) -> str:
    return _MARKDOWN.sub(r"\\\1", html.escape(str(value) if pd.notna(value) else "—", quote=False))


def markdown(review: Review, freshness: str, currency: str | None = None) -> str:
    """The digest for a chat channel: a bold title, the headline, the exceptions as short lists."""
    title, headline, exceptions = _lines(review, currency, _markdown_text)
    parts = [f"**{title}**", *(f"- {line}" for line in headline)]
    for heading, rows in exceptions.items():
        parts += ["", f"**{heading}**", *(f"- {row}" for row in rows)]
    return "\n".join([*parts, "", f"_Data {_markdown_text(freshness)}._"]) + "\n"


def _html_text(value: object) -> str:
    return html.escape(str(value) if pd.notna(value) else "—")


def as_html(review: Review, freshness: str, currency: str | None = None) -> str:
    """The digest for an email: the same content as HTML, every value escaped."""
    title, headline, exceptions = _lines(review, currency, _html_text)
    items = lambda rows: "".join(f"<li>{row}</li>" for row in rows)  # noqa: E731
    body = [f"<h2>{title}</h2>", f"<ul>{items(headline)}</ul>"]
    body += [f"<h3>{heading}</h3><ul>{items(rows)}</ul>" for heading, rows in exceptions.items()]
    body.append(f"<p><em>Data {_html_text(freshness)}.</em></p>")
    return "<!doctype html><html><body>" + "".join(body) + "</body></html>\n"
