"""The weekly review as a PowerPoint deck: the review's sections in their fixed order, numbers as text, charts
(plotly figures the caller passes) as PNG pictures, and the as-of date and data freshness on every slide."""

from __future__ import annotations

import io
import math
import os
import shutil
import threading
import warnings

import pandas as pd
import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.util import Emu, Inches, Pt

from kpi import plan
from kpi.channels import CHANNEL
from kpi.registry import KPIS, money_sign
from kpi.review import MONEY, WEEKLY_LABELS, Review
from kpi.schema import Users

# The fixed order: these sections, then one slide per rep (figures keyed by rep id).
TITLES = {"headline": "Team headline", "weekly": "This week vs last week", "goals": "Who hit their goals",
          "wins": "Wins of the week", "risks": "Risks", "plan": "Quarterly plan"}
HEADLINE = ("attainment", "pace", "projection", "revenue_qtd", "forecast_p50", "forecast_p_quota")
ROWS_PER_SLIDE = 12  # longer tables continue on the next slide, so the text stays legible
RISK_ROWS = 6

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP, BODY_BOTTOM = Inches(1.35), Inches(6.8)
TITLE_PT, NUMBER_PT, LABEL_PT, TABLE_PT, FOOTER_PT = 32, 32, 16, 16, 12
GREY = RGBColor(0x55, 0x55, 0x55)
PNG_DPI = 150  # pixels per inch of slide at scale 1; exported at scale 2 for sharp projection

_kaleido_lock = threading.Lock()
_kaleido_started = False


def deck_bytes(review: Review, freshness: str, currency: str | None = None,
               figures: dict[str, go.Figure] | None = None) -> bytes:
    """The review as a 16:9 .pptx: team headline, this week vs last, goals hit, wins, risks, the quarter's plan
    against actual, one slide per rep.
    `freshness` (e.g. "pulled 12 minutes ago") goes in every slide's footer with the as-of date; `figures`
    maps a section name ("headline", "weekly", ...) or a rep id to a plotly figure placed beside its text."""
    figures = figures or {}
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    footer = (f"{review.team_name} · {review.quarter} · as of {review.as_of:%Y-%m-%d} ({review.as_of:%a})"
              f" · data {freshness}")

    def slide(title: str, figure: go.Figure | None) -> tuple:
        """A new slide with its title and footer; returns it and the body box (left, top, width, height)
        beside the picture of `figure`, if any."""
        page = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only": the title stays a real title
        head = page.shapes.title
        head.left, head.top, head.width, head.height = MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.9)
        _text(head.text_frame, title, TITLE_PT, bold=True)
        box = page.shapes.add_textbox(MARGIN, Inches(6.95), WIDTH - 2 * MARGIN, Inches(0.4))
        box.name = "Footer"
        _text(box.text_frame, footer, FOOTER_PT, colour=GREY)
        body = (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, BODY_BOTTOM - BODY_TOP)
        if figure is not None:
            half = (WIDTH - 2 * MARGIN - Inches(0.3)) // 2
            left = MARGIN + half + Inches(0.3)
            page.shapes.add_picture(io.BytesIO(_png(figure, half, body[3])), left, BODY_TOP, half, body[3])
            body = (MARGIN, BODY_TOP, half, body[3])
        return page, body

    def table_slides(key: str, title: str, header: list[str], rows: list[list[str]], empty: str) -> None:
        chunks = [rows[i:i + ROWS_PER_SLIDE] for i in range(0, len(rows), ROWS_PER_SLIDE)] or [[]]
        for n, chunk in enumerate(chunks):
            page, body = slide(title if len(chunks) == 1 else f"{title} ({n + 1}/{len(chunks)})",
                               figures.get(key) if n == 0 else None)
            if chunk:
                _table(page, body, header, chunk)
            else:
                _text(page.shapes.add_textbox(*body[:3], Inches(1)).text_frame, empty, 24)

    page, body = slide(f"{TITLES['headline']}: {review.team_name}, {review.quarter}", figures.get("headline"))
    _tiles(page, body, _headline(review.team, currency))

    table_slides("weekly", TITLES["weekly"], ["Metric", "This week", "Last week", "Change"],
                 _weekly_rows(review.weekly, currency), "No figures this week")

    names = review.reps[Users.Name]
    table_slides("goals", TITLES["goals"], ["Rep", "Goal", "Figure", "Goal value", "Hit"],
                 [[str(names.get(rep, rep)), KPIS[goal].label, _count(g["figure"]), _count(g["target"]),
                   "✓" if g["hit"] else "✗"]
                  for (rep, goal), g in review.goals_hit.iterrows()], "No goals set for this week")

    sign = money_sign(currency)
    table_slides("wins", TITLES["wins"], ["Rep", "Deal", "Amount", "Close date"],
                 [[str(w["rep"]), str(w["Name"]), _money(w["Amount"], sign), f"{w['CloseDate']:%Y-%m-%d}"]
                  for _, w in review.wins.iterrows()], "No wins this week")

    page, body = slide(TITLES["risks"], figures.get("risks"))
    _risks(page, body, review, currency)

    lines = review.plan.loc[review.plan["quarter"].eq(review.quarter) & review.plan[plan.PLAN].notna()]
    table_slides("plan", f"{TITLES['plan']}: {review.quarter}", ["Team", "Line", "Plan", "Actual", "Attain.", "Pace"],
                 [[str(r[plan.TEAM]), plan.label(r[plan.METRIC], r[CHANNEL]), _line(r[plan.METRIC], r[plan.PLAN], sign),
                   _line(r[plan.METRIC], r[plan.ACTUAL], sign), KPIS["attainment"].format(r[plan.ATTAINMENT]),
                   KPIS["pace"].format(r[plan.PACE])] for _, r in lines.iterrows()],
                 f"No plan is set for {review.quarter}")

    for rep, row in review.reps.iterrows():
        page, body = slide(str(row[Users.Name]), figures.get(str(rep)))
        left, top, width, height = body
        tiles_height = Inches(2.6)
        _tiles(page, (left, top, width, tiles_height), _headline(row, currency), number_pt=24)
        weekly = review.rep_weekly.xs(rep, level="rep") if rep in review.rep_weekly.index.get_level_values("rep") \
            else review.weekly.iloc[0:0]
        _table(page, (left, top + tiles_height + Inches(0.1), width, height - tiles_height - Inches(0.1)),
               ["This week vs last", "This week", "Last week", "Change"], _weekly_rows(weekly, currency))

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _headline(figures: pd.Series, currency: str | None) -> list[tuple[str, str, str]]:
    """(label, value, note) for each headline number, labels and formats from the registry."""
    tiles = []
    for name in HEADLINE:
        note = ""
        if name == "revenue_qtd":
            quota = KPIS["quota_quarter"]
            note = f"vs {quota.label.lower()} {quota.format(figures.get('quota_quarter'), currency=currency)}"
        tiles.append((KPIS[name].label, KPIS[name].format(figures.get(name), currency=currency), note))
    return tiles


def _weekly_rows(weekly: pd.DataFrame, currency: str | None) -> list[list[str]]:
    """Metric, this week, last week and the change with an arrow and its sign (money as money)."""
    sign = money_sign(currency)
    rows = []
    for metric, r in weekly.iterrows():
        show = (lambda v: _money(v, sign)) if metric in MONEY else _count
        rows.append([WEEKLY_LABELS.get(metric, metric), show(r["this_week"]), show(r["last_week"]),
                     change_text(r["change"], sign if metric in MONEY else "")])
    return rows


def change_text(change: float, sign: str = "") -> str:
    """A week-over-week change readable without colour: '▲ +12', '▼ −63', '■ 0' (money: '▲ +$1,200')."""
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return "—"
    if change == 0:
        return f"■ {sign}0"
    return f"{'▲ +' if change > 0 else '▼ −'}{sign}{abs(change):,.0f}"


def _count(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:,.0f}"


def _line(metric: str, value: float, sign: str) -> str:
    """A plan line's plan or actual: money for revenue and pipeline, else a count."""
    return "—" if pd.isna(value) else _money(value, sign) if metric in plan.AMOUNTS else _count(value)


def _money(value: float, sign: str) -> str:
    return "—" if pd.isna(value) else f"{sign}{value:,.0f}"


def _risks(page, body: tuple, review: Review, currency: str | None) -> None:
    """Three blocks: reps behind pace, deals slipping, MQLs breaching the SLA, each a count and its top rows;
    side by side on a full-width slide, stacked beside a chart."""
    left, top, width, height = body
    gap = Inches(0.2)
    wide = width > Inches(9)
    cell_w = (width - 2 * gap) // 3 if wide else width
    cell_h = height if wide else (height - 2 * gap) // 3
    shown_rows = RISK_ROWS if wide else 3
    sign = money_sign(currency)
    behind = [[str(r[Users.Name]), KPIS["pace"].format(r["pace"]), KPIS["attainment"].format(r["attainment"])]
              for _, r in review.behind_pace.iterrows()]
    slips = review.slipping.sort_values("amount", ascending=False)
    slipping = [[str(r["rep"]), str(r["Name"]), _money(r["amount"], sign)] for _, r in slips.iterrows()]
    breaches = review.sla_breaches.sort_values("hours", ascending=False, na_position="first")
    sla = [[str(r["rep"]), str(r["LeadId"]), "waiting" if pd.isna(r["hours"]) else f"{r['hours']:,.1f} h"]
           for _, r in breaches.iterrows()]
    blocks = [(f"Behind pace: {len(behind)}", ["Rep", "Pace", "Attain."], behind),
              (f"Deals slipping: {len(slipping)} ({_money(slips['amount'].sum(), sign)})",
               ["Rep", "Deal", "Amount"], slipping),
              (f"MQLs breaching SLA: {len(sla)}", ["Rep", "Lead", "Worked after"], sla)]
    head_h, more_h = Inches(0.45), Inches(0.35)
    for i, (heading, header, rows) in enumerate(blocks):
        x = left + (i * (cell_w + gap) if wide else 0)
        y = top + (0 if wide else i * (cell_h + gap))
        _text(page.shapes.add_textbox(x, y, cell_w, head_h).text_frame, heading, 20, bold=True)
        shown = rows[:shown_rows]
        if not shown:
            _text(page.shapes.add_textbox(x, y + head_h, cell_w, Inches(0.5)).text_frame, "None", 18)
            continue
        _table(page, (x, y + head_h, cell_w, cell_h - head_h - more_h), header, shown, font_pt=14)
        if len(rows) > len(shown):
            _text(page.shapes.add_textbox(x, y + cell_h - more_h, cell_w, more_h).text_frame,
                  f"and {len(rows) - len(shown)} more", 14, colour=GREY)


def _text(frame, text: str, size: int, bold: bool = False, colour: RGBColor | None = None) -> None:
    """Replace the frame's text with one run of `text` (set literally: never a formula, never markup)."""
    frame.word_wrap = True
    frame.text = ""
    run = frame.paragraphs[0].add_run()
    run.text = text
    run.font.size, run.font.bold = Pt(size), bold
    if colour is not None:
        run.font.color.rgb = colour


def _tiles(page, body: tuple, tiles: list[tuple[str, str, str]], number_pt: int = NUMBER_PT) -> None:
    """Big numbers in a grid: label above, value, an optional note below; three columns when there is room."""
    left, top, width, height = body
    columns = 3 if width > Inches(9) else 2
    rows = math.ceil(len(tiles) / columns)
    w, h = width // columns, height // rows
    for i, (label, value, note) in enumerate(tiles):
        box = page.shapes.add_textbox(left + (i % columns) * w, top + (i // columns) * h, w, h)
        box.name = f"Tile: {label}"
        frame = box.text_frame
        _text(frame, label, LABEL_PT, colour=GREY)
        # A long amount ('$1,048,215') in a smaller size rather than wrapped over two lines.
        fitted = number_pt if len(value) <= 8 else round(number_pt * 0.7)
        for text, size, bold in ((value, fitted, True), (note, LABEL_PT, False)):
            if text:
                run = frame.add_paragraph().add_run()
                run.text, run.font.size, run.font.bold = text, Pt(size), bold


def _table(page, body: tuple, header: list[str], rows: list[list[str]], font_pt: int = TABLE_PT) -> None:
    """A real table shape: a bold header row, then the rows as text."""
    left, top, width, height = body
    row_height = Emu(min(Inches(0.42), height // (len(rows) + 1)))
    shape = page.shapes.add_table(len(rows) + 1, len(header), left, top, width, row_height * (len(rows) + 1))
    table = shape.table
    for r, values in enumerate([header, *rows]):
        table.rows[r].height = row_height
        for c, value in enumerate(values):
            frame = table.cell(r, c).text_frame
            _text(frame, value, font_pt, bold=r == 0)


def _browser() -> str | None:
    """The Chrome/Chromium kaleido would drive: BROWSER_PATH, else one on PATH."""
    names = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
    return os.environ.get("BROWSER_PATH") or next(filter(None, map(shutil.which, names)), None)


def _png(figure: go.Figure, width: int, height: int) -> bytes:
    """The figure as a PNG the size of its box on the slide (at twice the pixels, for projectors)."""
    global _kaleido_started
    try:
        import kaleido
        from kaleido.errors import ChromeNotFoundError
    except ImportError as e:
        raise RuntimeError("charts in the deck need kaleido: pip install kaleido==1.5.0") from e
    if _browser() is None:
        raise RuntimeError("charts in the deck need Chromium for kaleido: apt-get install chromium "
                           "(or set BROWSER_PATH to a Chrome/Chromium binary)")
    with _kaleido_lock:
        if not _kaleido_started:
            kaleido.start_sync_server(silence_warnings=True)  # one browser for the process: ~0.13 s a figure
            _kaleido_started = True
    try:
        with warnings.catch_warnings():  # plotly always passes kopts, which the shared server does not need
            warnings.filterwarnings("ignore", "The kopts argument is ignored", UserWarning)
            return figure.to_image(format="png", width=round(width / Inches(1) * PNG_DPI),
                                   height=round(height / Inches(1) * PNG_DPI), scale=2)
    except ChromeNotFoundError as e:
        raise RuntimeError("kaleido could not start Chromium: apt-get install chromium") from e
