import io
import shutil
from dataclasses import replace

import plotly.graph_objects as go
import pytest
from pptx import Presentation
from pptx.util import Inches, Pt

from kpi import charts, plan
from kpi.deck import change_text, deck_bytes
from kpi.periods import FiscalCalendar
from kpi.pipeline import SIGNS
from kpi.registry import KPIS
from kpi.review import WEEKLY_LABELS, weekly_review
from kpi.schema import Users
from kpi.sources import load
from kpi.summary import default_as_of, prepare, summary

TEAM = "SMB"
FRESH = "pulled 12 minutes ago"
FIXED = ["Team headline: SMB, FY2026 Q4", "This week vs last week", "Who hit their goals", "Wins of the week", "Risks",
         "Quarterly plan: FY2026 Q4"]


@pytest.fixture(scope="module")
def sample():
    facts = prepare(load("sample"))
    as_of = default_as_of(facts)
    return facts, as_of, weekly_review(facts, as_of, FiscalCalendar(), TEAM)


@pytest.fixture(scope="module")
def deck(sample):
    return Presentation(io.BytesIO(deck_bytes(sample[2], FRESH)))


def titles(deck):
    return [s.shapes.title.text_frame.text for s in deck.slides]


def footer(slide):
    return next(s for s in slide.shapes if s.name == "Footer").text_frame.text


def tile(slide, label):
    """The big number under `label` on a headline tile."""
    box = next(s for s in slide.shapes if s.name == f"Tile: {label}")
    return box.text_frame.paragraphs[1].text


def table_rows(slide):
    table = next(s for s in slide.shapes if s.has_table).table
    return [[c.text_frame.text for c in row.cells] for row in table.rows]


def test_the_deck_is_16_by_9_with_the_sections_in_order_and_one_slide_per_rep(deck, sample):
    review = sample[2]
    assert (deck.slide_width, deck.slide_height) == (Inches(13.333), Inches(7.5))
    goals_pages = -(-len(review.goals_hit) // 12)
    goals = ["Who hit their goals"] if goals_pages == 1 else \
        [f"Who hit their goals ({i}/{goals_pages})" for i in range(1, goals_pages + 1)]
    assert titles(deck) == [*FIXED[:2], *goals, *FIXED[3:], *review.reps[Users.Name]]


def test_the_plan_slide_lists_the_quarters_plan_lines_as_the_review_has_them(deck, sample):
    review = sample[2]
    rows = table_rows(next(s for s in deck.slides if s.shapes.title.text_frame.text == FIXED[-1]))
    lines = review.plan.loc[review.plan["quarter"].eq("FY2026 Q4") & review.plan["plan_quarter"].notna()]
    assert rows[0] == ["Team", "Line", "Plan", "Actual", "Attain.", "Pace"]
    assert [r[:2] for r in rows[1:]] == [["SMB", plan.label(m, c)] for m, c in zip(lines["metric"], lines["channel"])]
    revenue = lines.loc[lines["metric"].eq("revenue") & lines["channel"].isna()].iloc[0]
    # The quota line: plan and actual in dollars, attainment and pace as the registry writes them.
    assert rows[1][2:] == [f"${revenue['plan_quarter']:,.0f}", f"${revenue['actual_qtd']:,.0f}",
                           KPIS["attainment"].format(revenue["attainment"]), KPIS["pace"].format(revenue["pace"])]
    assert review.team["quota_quarter"] == revenue["plan_quarter"]  # the same quota as the headline's
    assert len(review.reps) > 1


def test_every_slide_shows_the_as_of_date_and_the_freshness(deck, sample):
    as_of = sample[1]
    assert f"{as_of:%Y-%m-%d}" == "2026-11-24"
    for slide in deck.slides:
        assert "as of 2026-11-24" in footer(slide)
        assert FRESH in footer(slide)


def test_every_shape_sits_on_the_slide_and_titles_are_large(deck):
    for slide in deck.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, shape.name
            assert shape.left + shape.width <= deck.slide_width and shape.top + shape.height <= deck.slide_height
        assert slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size >= Pt(28)


def test_the_headline_numbers_are_text_equal_to_the_summary(deck, sample):
    facts, as_of, _ = sample
    team = summary(facts, as_of, FiscalCalendar(), TEAM)["team"]  # what `python -m kpi summary --team SMB` says
    slide = deck.slides[0]
    for name in ("attainment", "pace", "projection", "revenue_qtd", "forecast_p50", "forecast_p_quota"):
        assert tile(slide, KPIS[name].label) == KPIS[name].format(team[name])
    box = next(s for s in slide.shapes if s.name == "Tile: Attainment")
    assert box.text_frame.paragraphs[1].runs[0].font.size >= Pt(24)
    assert tile(slide, "Attainment") == "57%" and tile(slide, "Projection") == "$1,042,631"


def test_the_headline_uses_the_currency_given(sample):
    deck = Presentation(io.BytesIO(deck_bytes(sample[2], FRESH, currency="EUR")))
    assert tile(deck.slides[0], "Projection") == KPIS["projection"].format(sample[2].team["projection"],
                                                                          currency="EUR")


def test_the_weekly_table_equals_the_review(deck, sample):
    weekly = sample[2].weekly
    rows = table_rows(deck.slides[1])
    assert rows[0] == ["Metric", "This week", "Last week", "Change"]
    assert [r[0] for r in rows[1:]] == [WEEKLY_LABELS[m] for m in weekly.index]
    a = dict(zip(weekly.index, rows[1:]))
    assert a["activities_week"][1:] == ["302", "365", "▼ −63"]
    assert a["pipeline_created_week"][1:] == ["$80,300", "$116,500", "▼ −$36,200"]
    assert a["sal_week"][3] == "■ 0"
    for metric, row in a.items():
        money = "$" if metric in ("pipeline_created_week", "won_week") else ""
        figures = weekly.loc[metric]
        assert row[1:] == [f"{money}{figures['this_week']:,.0f}", f"{money}{figures['last_week']:,.0f}",
                           change_text(figures["change"], money)]


@pytest.mark.parametrize("change, money, text", [(12, "", "▲ +12"), (-63, "", "▼ −63"), (0, "", "■ 0"),
                                                 (1200.0, "$", "▲ +$1,200"), (float("nan"), "", "—")])
def test_a_change_reads_without_colour(change, money, text):
    assert change_text(change, money) == text


def test_the_goals_table_says_hit_or_not_as_text(deck, sample):
    review = sample[2]
    rows = table_rows(deck.slides[2])
    assert rows[0] == ["Rep", "Goal", "Figure", "Goal value", "Hit"]
    (rep, goal), first = next(review.goals_hit.iterrows())
    assert rows[1] == [review.reps.loc[rep, Users.Name], KPIS[goal].label, f"{first['figure']:,.0f}",
                       f"{first['target']:,.0f}", "✓" if first["hit"] else "✗"]
    assert {r[4] for r in rows[1:]} <= {"✓", "✗"}


def test_wins_and_an_empty_week(deck, sample):
    review = sample[2]
    wins = next(s for s in deck.slides if s.shapes.title.text_frame.text == "Wins of the week")
    assert table_rows(wins)[1] == ["Elena Clarke", "Frontier Media Co. - New Business", "$11,800", "2026-11-23"]
    none = Presentation(io.BytesIO(deck_bytes(replace(review, wins=review.wins.iloc[0:0]), FRESH)))
    slide = next(s for s in none.slides if s.shapes.title.text_frame.text == "Wins of the week")
    assert not any(s.has_table for s in slide.shapes)
    assert any(s.has_text_frame and s.text_frame.text == "No wins this week" for s in slide.shapes)


def test_the_risks_slide_lists_reps_behind_deals_slipping_and_sla_breaches(deck):
    slide = next(s for s in deck.slides if s.shapes.title.text_frame.text == "Risks")
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert "Behind pace: 3" in texts and "Deals slipping: 2 ($23,300)" in texts and "MQLs breaching SLA: 0" in texts
    cells = [c for s in slide.shapes if s.has_table for row in s.table.rows for c in
             (cell.text_frame.text for cell in row.cells)]
    assert "Leila Lewis" in cells and "Appalachian Engineering Holdings - New Business" in cells


def test_a_rep_slide_has_their_numbers_and_weekly_changes(deck, sample):
    review = sample[2]
    rep = review.reps.index[0]
    slide = deck.slides[len(deck.slides) - len(review.reps)]
    assert slide.shapes.title.text_frame.text == review.reps.loc[rep, Users.Name]
    assert tile(slide, "Pace") == KPIS["pace"].format(review.reps.loc[rep, "pace"])
    weekly = review.rep_weekly.xs(rep, level="rep")
    rows = table_rows(slide)
    assert [r[0] for r in rows[1:]] == [WEEKLY_LABELS[m] for m in weekly.index]
    assert rows[1][3] == change_text(weekly.loc["activities_week", "change"])


@pytest.mark.parametrize("name", ['=HYPERLINK("x")', "<b>Ann</b>"])
def test_names_from_salesforce_stay_literal_text(sample, name):
    review = sample[2]
    rep = review.reps.index[0]
    reps = review.reps.copy()
    reps.loc[rep, Users.Name] = name
    deck = Presentation(io.BytesIO(deck_bytes(replace(review, reps=reps), FRESH)))
    slide = deck.slides[len(deck.slides) - len(reps)]
    assert slide.shapes.title.text_frame.text == name
    goals = [r[0] for s in deck.slides if s.shapes.title.text_frame.text.startswith("Who hit")
             for r in table_rows(s)]
    assert name in goals


def test_charts_become_pictures_beside_the_text(sample):
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    review = sample[2]
    rep = review.reps.index[0]
    figures = {"weekly": charts.pipeline_waterfall(review.waterfall, SIGNS, "Open pipeline"),
               rep: go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))}
    deck = Presentation(io.BytesIO(deck_bytes(review, FRESH, figures=figures)))
    pictures = {s.shapes.title.text_frame.text: [p for p in s.shapes if p.shape_type == 13] for s in deck.slides}
    assert len(pictures["This week vs last week"]) == 1 and len(pictures[review.reps.loc[rep, Users.Name]]) == 1
    assert sum(map(len, pictures.values())) == 2
    picture = pictures["This week vs last week"][0]
    table = next(s for s in deck.slides[1].shapes if s.has_table)
    assert picture.image.content_type == "image/png"
    assert table.left + table.width <= picture.left  # beside the table, not over it


def test_without_chromium_charts_fail_with_what_to_install(sample, monkeypatch):
    from kpi import deck
    monkeypatch.setattr(deck, "_browser", lambda: None)
    with pytest.raises(RuntimeError, match="apt-get install chromium"):
        deck_bytes(sample[2], FRESH, figures={"headline": go.Figure(go.Bar(x=["a"], y=[1]))})
    assert len(Presentation(io.BytesIO(deck_bytes(sample[2], FRESH))).slides) > 5  # no charts: no browser needed
