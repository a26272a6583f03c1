"""Likelihood to hit quota: a Monte Carlo of the quarter's end from rates measured on past quarters.

Three steps, each a pure function:

- `measured_rates`: from the deals of past (ended) quarters, the win rate of each stage, the close-date slip
  rate and the run-rate of deals created and won inside one quarter.
- `simulate`: per owner and for the team, P10 / P50 / P90 of the quarter's end revenue (closed-won QTD plus
  simulated wins) and the chance of reaching quota.
- `backtest`: replays past quarters as they stood at a point inside them and says how well the P50 and the
  chance were calibrated against what actually happened.

The glossary quotes `METHOD`, `WIN_RATE_RULE`, `SLIP_RULE` and `RUN_RATE_RULE`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.lookup import positions, remap
from kpi.periods import FiscalCalendar, Period
from kpi.revenue import coverage_window, open_deals, won_deals
from kpi.schema import DATE_DTYPE, OpportunityFieldHistory, Opportunities

O, H = Opportunities, OpportunityFieldHistory

LOOKBACK_QUARTERS = 4  # rates are measured over the last four ended quarters
MIN_CLOSED = 5  # a stage passed by fewer closed deals takes the overall win rate
TRIALS = 10_000
TEAM = "team"  # the index label of the team row of `simulate`
DAYS_TO_END = "days_to_quarter_end"  # Rates.run_rate_deals: days from the created day to its quarter's last day
STAGE_FIELD, CLOSE_DATE_FIELD = "StageName", "CloseDate"  # OpportunityFieldHistory.Field values (API names)
P10, P50, P90, P_QUOTA = "forecast_p10", "forecast_p50", "forecast_p90", "forecast_p_quota"
FORECAST_COLUMNS = [P10, P50, P90, P_QUOTA]
BACKTEST_COLUMNS = [O.OwnerId, "is_team", *FORECAST_COLUMNS, "quarter", "as_of", "quota", "actual",
                    "at_or_below_p50", "inside_p10_p90", "hit", "brier"]
_CELLS_PER_CHUNK = 1 << 20  # deals x trials drawn at once: 4 MB of float32 uniforms
_DRAWS_PER_CHUNK = 1 << 21  # run-rate amounts drawn at once
# (opportunities, opportunity_history, moment) -> the opportunities as they stood at that moment
StateAt = Callable[[pd.DataFrame, pd.DataFrame, pd.Timestamp], pd.DataFrame]

WIN_RATE_RULE = (
    "Win rate of a stage: among the deals closed (won or lost) with a CloseDate in the measured quarters that "
    "passed through the stage, the share won. The stages a deal passed are its first stage (the OldValue of its "
    "first StageName history row; without any, its current stage) and every stage a StageName history row moved "
    f"it into. A stage passed by fewer than {MIN_CLOSED} closed deals takes the overall win rate (won / closed "
    "over all those deals).")
SLIP_RULE = (
    "Slip rate: of the cases (deal, quarter) in which an open deal had a CloseDate inside one of the measured "
    "quarters, the share that did not close in that quarter: a CloseDate history row moved the date from inside "
    "the quarter to after its end, or the deal is still open with its CloseDate in that (ended) quarter. A "
    "deal's CloseDate values are its first one (the OldValue of its first CloseDate history row; without any, "
    "its current CloseDate) and each NewValue; a value counts when it was set while the deal was open: before "
    "its closing moment (the last StageName history row of a closed deal), at any time for an open deal or one "
    "without stage history.")
RUN_RATE_RULE = (
    "Run-rate: deals created and won in the same measured quarter (CreatedDate's UTC day and CloseDate in it). "
    "With d days left in the quarter, a rep expects as many new wins as, per measured quarter in which the rep "
    "closed a deal, such deals of theirs were created fewer than d days before their quarter's end (so a deal "
    "created late, with little time to close, counts only when as little time is left). A rep who closed no "
    "deal in the measured quarters expects the team's number per rep-quarter. New wins' amounts are drawn from "
    "the amounts of all the rep's such deals, else from the team's.")
METHOD = (
    "Simulated: in each of 10,000 trials (seed 0, repeatable), every open deal closing from the as-of date "
    "through quarter end is won with probability (its stage's win rate) x (1 - slip rate), and a run-rate adds "
    "deals not yet created: their number is Poisson (the new wins past quarters had in as many days left), "
    "their amounts drawn from past such deals. Each trial's revenue is closed-won QTD plus the amounts won; "
    "P10 / P50 / P90 are its percentiles (linear interpolation), the chance to hit quota the share of trials "
    "reaching quota. The team row is computed from the same trials summed over reps, against the sum of the "
    f"quotas that are set. Rates are measured over the last {LOOKBACK_QUARTERS} ended quarters.")


@dataclass(frozen=True, eq=False)
class Rates:
    """What the simulation draws from, measured on past quarters by `measured_rates`."""

    stage_win_rate: pd.Series  # StageName -> win rate, for stages passed by at least `min_closed` closed deals
    stage_closed: pd.Series  # StageName -> closed deals that passed it (every stage seen)
    overall_win_rate: float  # won / closed over all measured closed deals; NaN when none closed
    closed_count: int
    slip_rate: float  # slipped cases / cases; NaN when no case
    slip_cases: int
    run_rate_deals: pd.DataFrame  # [Id, OwnerId, Amount, days_to_quarter_end]: deals created and won inside one
    #                               measured quarter, with the days from their created day to that quarter's end
    owner_quarters: pd.Series  # OwnerId -> measured quarters in which the owner closed a deal (won or lost)

    def win_probability(self, stages: pd.Series) -> np.ndarray:
        """Per deal: its stage's win rate (else the overall one) x (1 - slip rate); an unmeasured slip is 0."""
        win = remap(stages, self.stage_win_rate).astype(float).fillna(self.overall_win_rate).to_numpy()
        slip = 0.0 if np.isnan(self.slip_rate) else self.slip_rate
        return win * (1.0 - slip)

    def new_wins_expected(self, owners: pd.Index, days_left: int) -> np.ndarray:
        """Per owner: the mean number of deals, not yet created with `days_left` days left in the quarter, that
        will be created and won by its end: the owner's run-rate deals created fewer than `days_left` days before
        their quarter's end, per quarter in which the owner closed a deal; an owner who closed none takes the
        team's number per rep-quarter."""
        rep_quarters = self.owner_quarters.sum()
        if not rep_quarters:
            return np.zeros(len(owners))
        late = self.run_rate_deals.loc[self.run_rate_deals[DAYS_TO_END] < days_left]
        counts = late.groupby(O.OwnerId).size().reindex(owners, fill_value=0).to_numpy()
        quarters = self.owner_quarters.reindex(owners).fillna(0).to_numpy(float)
        return np.where(quarters > 0, counts / np.maximum(quarters, 1.0), len(late) / rep_quarters)


def measured_rates(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, quarters: Sequence[Period],
                   *, min_closed: int = MIN_CLOSED) -> Rates:
    """Win rate by stage, slip rate and run-rate, measured on `quarters` (which must have ended).

    The rules are `WIN_RATE_RULE`, `SLIP_RULE` and `RUN_RATE_RULE`; history rows of deals not in
    `opportunities` are ignored.
    """
    quarters = sorted(quarters, key=lambda q: q.start)
    in_quarter = _quarter_of(opportunities[O.CloseDate], quarters) >= 0
    closed = opportunities.loc[opportunities[O.IsClosed].to_numpy() & in_quarter]
    passed = _stages_passed(closed, opportunity_history)
    won = closed[O.IsWon].to_numpy()[passed["deal"].to_numpy()]
    by_stage = pd.DataFrame({"stage": passed["stage"].to_numpy(), "won": won}).groupby("stage")["won"]
    stage_closed = by_stage.size().rename("closed").rename_axis(O.StageName)
    stage_won = by_stage.sum().rename_axis(O.StageName)
    enough = stage_closed >= min_closed
    overall = float(closed[O.IsWon].mean()) if len(closed) else np.nan
    cases, slipped = _slip_cases(opportunities, opportunity_history, quarters)
    return Rates(
        stage_win_rate=(stage_won[enough] / stage_closed[enough]).astype(float).rename("win_rate"),
        stage_closed=stage_closed,
        overall_win_rate=overall,
        closed_count=len(closed),
        slip_rate=slipped / cases if cases else np.nan,
        slip_cases=cases,
        run_rate_deals=_created_and_won_inside(closed, quarters),
        owner_quarters=_quarters_active(closed, quarters),
    )


def _quarter_of(days: pd.Series | np.ndarray, quarters: Sequence[Period]) -> np.ndarray:
    """For each day, the position in `quarters` (sorted, not overlapping) of the one containing it, else -1."""
    if not quarters:
        return np.full(len(days), -1)
    values = np.asarray(days, dtype="datetime64[us]")
    starts = np.array([q.start for q in quarters], dtype="datetime64[us]")
    ends = np.array([q.end for q in quarters], dtype="datetime64[us]")
    at = np.searchsorted(starts, values, side="right") - 1
    inside = (at >= 0) & ~np.isnat(values) & (values <= ends[np.maximum(at, 0)])
    return np.where(inside, at, -1)


def _history_rows(opportunity_history: pd.DataFrame, field: str, deal_ids: pd.Series) -> pd.DataFrame:
    """One field's history rows of these deals, in time order, with `deal` = the deal's position in deal_ids."""
    rows = opportunity_history.loc[opportunity_history[H.Field].to_numpy() == field]
    where = positions(rows[H.OpportunityId], deal_ids)
    rows = rows.loc[where >= 0].assign(deal=where[where >= 0])
    return rows.sort_values(["deal", H.CreatedDate], kind="stable")


def _stages_passed(closed: pd.DataFrame, opportunity_history: pd.DataFrame) -> pd.DataFrame:
    """Distinct (deal position, stage) pairs: each deal's first stage and every stage history moved it into."""
    rows = _history_rows(opportunity_history, STAGE_FIELD, closed[O.Id])
    first = rows.drop_duplicates("deal")
    without = np.setdiff1d(np.arange(len(closed)), first["deal"].to_numpy())
    pairs = pd.DataFrame({
        "deal": np.concatenate([first["deal"].to_numpy(), rows["deal"].to_numpy(), without]),
        "stage": np.concatenate([first[H.OldValue].to_numpy(dtype=object), rows[H.NewValue].to_numpy(dtype=object),
                                 closed[O.StageName].to_numpy(dtype=object)[without]]),
    })
    return pairs.dropna().drop_duplicates()


def _history_days(values: pd.Series) -> np.ndarray:
    """CloseDate history values as days: 'YYYY-MM-DD' (API, Data Loader), else 'M/D/YYYY' (en_US reports)."""
    iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    us = pd.to_datetime(values.where(iso.isna()), format="%m/%d/%Y", errors="coerce")
    return iso.fillna(us).to_numpy(dtype="datetime64[us]")


def _slip_cases(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame,
                quarters: Sequence[Period]) -> tuple[int, int]:
    """(cases, slipped cases) of `SLIP_RULE`."""
    n, n_quarters = len(opportunities), max(len(quarters), 1)
    rows = _history_rows(opportunity_history, CLOSE_DATE_FIELD, opportunities[O.Id])
    old, new = _history_days(rows[H.OldValue]), _history_days(rows[H.NewValue])
    row_deal = rows["deal"].to_numpy()
    first_row = np.unique(row_deal, return_index=True)[1]
    initial = opportunities[O.CloseDate].to_numpy(dtype="datetime64[us]").copy()
    initial[row_deal[first_row]] = old[first_row]
    created = opportunities[O.CreatedDate].dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    set_at = np.concatenate([created, rows[H.CreatedDate].dt.tz_localize(None).to_numpy(dtype="datetime64[us]")])
    deal = np.concatenate([np.arange(n), row_deal])
    value = np.concatenate([initial, new])

    is_open = ~opportunities[O.IsClosed].to_numpy()
    closing = _closing_moments(opportunities, opportunity_history)[deal]
    while_open = is_open[deal] | np.isnat(closing) | np.isnat(set_at) | (set_at < closing)
    held_q = _quarter_of(value, quarters)
    held = while_open & (held_q >= 0)
    cases = np.unique(deal[held] * n_quarters + held_q[held])

    ends = np.array([q.end for q in quarters], dtype="datetime64[us]")
    old_q = _quarter_of(old, quarters)
    moved_out = (old_q >= 0) & (new > ends[np.maximum(old_q, 0)])
    stale_q = _quarter_of(opportunities[O.CloseDate], quarters)
    stale = is_open & (stale_q >= 0)
    slipped = np.union1d(row_deal[moved_out] * n_quarters + old_q[moved_out],
                         np.flatnonzero(stale) * n_quarters + stale_q[stale])
    return len(cases), len(np.intersect1d(cases, slipped))


def _closing_moments(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame) -> np.ndarray:
    """Per deal: when a closed deal closed (its last StageName history row, UTC, naive); NaT if unknown or open."""
    rows = _history_rows(opportunity_history, STAGE_FIELD, opportunities[O.Id])
    last = rows.drop_duplicates("deal", keep="last")
    out = np.full(len(opportunities), np.datetime64("NaT"), dtype="datetime64[us]")
    out[last["deal"].to_numpy()] = last[H.CreatedDate].dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    out[~opportunities[O.IsClosed].to_numpy()] = np.datetime64("NaT")
    return out


def _quarters_active(closed: pd.DataFrame, quarters: Sequence[Period]) -> pd.Series:
    """Owner -> measured quarters in which the owner closed a deal (won or lost), so quarters before the data
    begins or before a rep started do not dilute the rep's run-rate."""
    active = pd.DataFrame({O.OwnerId: closed[O.OwnerId].to_numpy(dtype=object),
                           "quarter": _quarter_of(closed[O.CloseDate], quarters)}).dropna().drop_duplicates()
    return active.groupby(O.OwnerId).size()


def _created_and_won_inside(closed: pd.DataFrame, quarters: Sequence[Period]) -> pd.DataFrame:
    """The won deals whose CreatedDate (UTC day) and CloseDate lie in the same measured quarter, with the days
    from the created day to that quarter's last day (an empty Amount counts as 0)."""
    created_day = closed[O.CreatedDate].dt.tz_localize(None).dt.normalize().to_numpy(dtype="datetime64[us]")
    close_q = _quarter_of(closed[O.CloseDate], quarters)
    inside = closed[O.IsWon].to_numpy() & (close_q >= 0) & (_quarter_of(created_day, quarters) == close_q)
    ends = np.array([q.end for q in quarters], dtype="datetime64[us]")[close_q[inside]]
    return pd.DataFrame({O.Id: closed[O.Id].to_numpy(dtype=object)[inside],
                         O.OwnerId: closed[O.OwnerId].to_numpy(dtype=object)[inside],
                         O.Amount: closed[O.Amount].fillna(0.0).to_numpy(float)[inside],
                         DAYS_TO_END: (ends - created_day[inside]).astype("timedelta64[D]").astype(np.int64)})


def simulate(open_deals: pd.DataFrame, won_qtd: pd.Series, quota: pd.Series, rates: Rates, days_left: int,
             trials: int = TRIALS, seed: int = 0) -> pd.DataFrame:
    """P10 / P50 / P90 of end-of-quarter revenue and the chance to reach quota, per owner and for the team.

    `open_deals` [Id, OwnerId, Amount, StageName, CloseDate] are the open deals closing from the as-of date
    through quarter end (`deals_to_forecast`); `won_qtd` and `quota` are by owner (a NaN or absent quota: none).
    The owners (the index, in order of first appearance) are those of the open deals, `won_qtd` and `quota`;
    each trial's revenue is `simulated_revenue`. The team row (index `TEAM`) takes the percentiles of each
    trial's sum over the owners, and the chance that this sum reaches the sum of the quotas that are set (NaN
    when none is). Percentiles interpolate linearly (numpy's default); forecast_p_quota is the share of trials
    with revenue >= quota, NaN without a quota. With no closed deal measured the forecast is unknown: all NaN.
    """
    open_deals = open_deals.loc[open_deals[O.OwnerId].notna()]
    owners = _owners_of(open_deals[O.OwnerId], won_qtd, quota)
    quotas = quota.reindex(owners).astype(float).to_numpy()
    goals = np.append(quotas, np.nansum(quotas) if np.isfinite(quotas).any() else np.nan)
    index = owners.append(pd.Index([TEAM], name=O.OwnerId))
    if np.isnan(rates.overall_win_rate):
        return pd.DataFrame(np.nan, index=index, columns=FORECAST_COLUMNS)
    revenue = simulated_revenue(open_deals, won_qtd, rates, days_left, owners, trials, seed).to_numpy()
    totals = np.vstack([revenue, revenue.sum(axis=0)])
    percentiles = np.percentile(totals, [10, 50, 90], axis=1).T
    reached = np.where(np.isnan(goals), np.nan, (totals >= goals[:, None]).mean(axis=1))
    return pd.DataFrame(np.column_stack([percentiles, reached]), index=index, columns=FORECAST_COLUMNS)


def simulated_revenue(open_deals: pd.DataFrame, won_qtd: pd.Series, rates: Rates, days_left: int,
                      owners: pd.Index, trials: int = TRIALS, seed: int = 0) -> pd.DataFrame:
    """Owner x trial: the quarter's end revenue in each trial (rows `owners`, columns 0..trials-1).

    An owner's revenue in a trial is won_qtd, plus the Amount (empty: 0) of each of the owner's open deals
    that the trial wins (independently, with probability `Rates.win_probability`: stage win rate x (1 - slip
    rate)), plus the run-rate of deals not yet created: their number Poisson with the mean
    `Rates.new_wins_expected(owners, days_left)`, each amount drawn uniformly from the owner's pool (the team's
    pool when the owner has none). Open deals of other owners are ignored. The same seed gives the same numbers.
    """
    rng = np.random.default_rng(seed)
    owner = owners.get_indexer(open_deals[O.OwnerId])
    mine = owner >= 0
    revenue = _open_deal_wins(owner[mine], open_deals[O.Amount].fillna(0.0).to_numpy(float)[mine],
                              rates.win_probability(open_deals[O.StageName])[mine], len(owners), trials, rng)
    revenue += _new_deal_wins(owners, rates, days_left, trials, rng)
    revenue += won_qtd.reindex(owners).fillna(0.0).to_numpy(float)[:, None]
    return pd.DataFrame(revenue, index=owners)


def _open_deal_wins(owner: np.ndarray, amount: np.ndarray, probability: np.ndarray, n_owners: int, trials: int,
                    rng: np.random.Generator) -> np.ndarray:
    """(owners x trials) sums of the amounts of the open deals won. Deals are taken in owner order, a chunk at
    a time (float32 uniforms, a won mask times the amount, np.add.reduceat over each owner's run of deals, summed
    in float64), in two buffers reused for every chunk, so memory stays small however many deals there are."""
    sums = np.zeros((n_owners, trials))
    order = np.argsort(owner, kind="stable")
    owner, amount = owner[order], amount[order].astype(np.float32)
    threshold = probability[order].astype(np.float32)
    step = max(1, _CELLS_PER_CHUNK // max(trials, 1))
    draws = np.empty((min(step, len(owner)), trials), np.float32)  # reused: uniforms, then amounts won
    won = np.empty(draws.shape, bool)
    for start in range(0, len(owner), step):
        chunk = slice(start, start + step)
        rows = len(owner[chunk])
        rng.random(out=draws[:rows], dtype=np.float32)
        np.less(draws[:rows], threshold[chunk, None], out=won[:rows])
        np.multiply(won[:rows], amount[chunk, None], out=draws[:rows])
        runs = np.flatnonzero(np.diff(owner[chunk], prepend=-1))  # where each owner's deals begin
        sums[owner[chunk][runs]] += np.add.reduceat(draws[:rows], runs, axis=0, dtype=np.float64)
    return sums


def _new_deal_wins(owners: pd.Index, rates: Rates, days_left: int, trials: int,
                   rng: np.random.Generator) -> np.ndarray:
    """(owners x trials) sums of compound-Poisson new wins: counts ~ Poisson(`Rates.new_wins_expected`) per
    owner and trial, each amount drawn uniformly from the owner's pool (the team's pool when the owner has none)."""
    sums = np.zeros((len(owners), trials))
    expected = rates.new_wins_expected(owners, days_left)
    deals = rates.run_rate_deals
    if not len(deals) or not expected.any():
        return sums
    counts = rng.poisson(expected[:, None], size=(len(owners), trials))
    own = deals.groupby(O.OwnerId)[O.Amount].apply(lambda amounts: amounts.to_numpy(float))
    team_pool = deals[O.Amount].to_numpy(float)
    pools = [own.get(o, team_pool) for o in owners]
    pool_values = np.concatenate(pools)
    pool_size = np.array([len(p) for p in pools])
    pool_start = np.concatenate([[0], np.cumsum(pool_size)[:-1]])
    per_owner = counts.sum(axis=1)
    block_start = 0
    while block_start < len(owners):  # blocks of owners whose draws fit in one chunk
        fits = np.cumsum(per_owner[block_start:]) <= _DRAWS_PER_CHUNK
        block_end = block_start + max(1, int(fits.sum()))
        block_counts = counts[block_start:block_end].ravel()
        cell = np.repeat(np.arange(len(block_counts)), block_counts)
        row = block_start + cell // trials
        picks = pool_start[row] + rng.integers(0, pool_size[row])
        sums[block_start:block_end] += np.bincount(cell, weights=pool_values[picks],
                                                   minlength=len(block_counts)).reshape(-1, trials)
        block_start = block_end
    return sums


def measured_quarters(calendar: FiscalCalendar, quarter: Period, lookback: int = LOOKBACK_QUARTERS) -> list[Period]:
    """The `lookback` fiscal quarters before `quarter`, oldest first."""
    found: list[Period] = []
    for _ in range(lookback):
        found.insert(0, calendar.quarter((found[0] if found else quarter).start - pd.Timedelta(days=1)))
    return found


def deals_to_forecast(opportunities: pd.DataFrame, quarter: Period,
                      as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.Series]:
    """What `simulate` starts from on `as_of`: the open deals closing from the as-of date through quarter end
    (as for coverage) and, by owner, the Amount won with CloseDate in the quarter to date."""
    deals = open_deals(opportunities, coverage_window(quarter, as_of))
    won = won_deals(opportunities, quarter.through(as_of)).groupby(O.OwnerId)[O.Amount].sum()
    return deals[[O.Id, O.OwnerId, O.Amount, O.StageName, O.CloseDate]], won


def check_days(quarter: Period, every_weeks: int | None = None) -> list[pd.Timestamp]:
    """The as-of days a backtest checks a quarter on: its midpoint, or every `every_weeks` weeks from its start
    (start + 7k·every_weeks days, k = 1, 2, ..., before its last day)."""
    if every_weeks is None:
        return [quarter.start + pd.Timedelta(days=(quarter.end - quarter.start).days // 2)]
    step = pd.Timedelta(weeks=every_weeks)
    return list(pd.date_range(quarter.start + step, quarter.end - pd.Timedelta(days=1), freq=step))


def backtest(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, quarters: Sequence[Period],
             state_at: StateAt, calendar: FiscalCalendar, quota_of: Callable[[Period], pd.Series] | None = None,
             *, owners: pd.Index | None = None, every_weeks: int | None = None,
             lookback: int = LOOKBACK_QUARTERS, min_closed: int = MIN_CLOSED, trials: int = TRIALS,
             seed: int = 0) -> tuple[pd.DataFrame, dict]:
    """Replay past quarters: how well did the forecast made inside each one match how it ended?

    For each quarter and check day D (`check_days`), at the moment D ends (UTC): the deals as they stood
    (`state_at(opportunities, opportunity_history, moment)`, e.g. kpi.pipeline.state_at; records created later
    dropped) give the open deals and won QTD (`deals_to_forecast`); rates are measured from that state and the
    history written by then over the `lookback` quarters before the quarter; `simulate` runs with D's days
    left. The actual is the Amount won with CloseDate in the quarter as the deals are now, by current owner.
    A quarter with no closed deal to measure rates on is skipped.

    Returns one row per (quarter, day, owner) — the team row too, owner `TEAM`, `is_team` true — with the
    forecast, quota, actual, `at_or_below_p50` (actual <= P50), `inside_p10_p90` (P10 <= actual <= P90),
    `hit` (actual >= quota) and `brier` ((forecast_p_quota - hit)^2, NaN without quota); and a summary over the
    owner rows (not team rows), overall and per quarter: cases, share_at_or_below_p50 (ideal 0.5),
    share_inside_p10_p90 (ideal 0.8), brier (mean, over cases with a quota; 0 is perfect, 0.25 is a coin
    flip's), brier_cases; and `skipped`, the quarters without rates. `owners` restricts the cases to those
    owners (the listed reps); without it they are the owners with open deals, won QTD or a quota on D, or
    revenue in the quarter.
    """
    final_won = won_deals(opportunities, _span(quarters)) if quarters else opportunities.iloc[:0]
    rows, skipped = [], []
    for quarter in sorted(quarters, key=lambda q: q.start):
        actual = final_won.loc[quarter.contains(final_won[O.CloseDate])].groupby(O.OwnerId)[O.Amount].sum()
        quota = quota_of(quarter) if quota_of else pd.Series(dtype=float)
        for as_of in check_days(quarter, every_weeks):
            deals, won, rates = _as_it_stood(opportunities, opportunity_history, state_at, calendar, quarter, as_of,
                                             lookback, min_closed)
            if not rates.closed_count:
                skipped.append(quarter.name)
                continue
            cases = owners if owners is not None else _owners_of(deals[O.OwnerId], won, quota, actual)
            forecast = simulate(deals.loc[deals[O.OwnerId].isin(cases)], won.reindex(cases).fillna(0.0),
                                quota.reindex(cases), rates, (quarter.end - as_of).days, trials, seed)
            rows.append(_scored(forecast, quota.reindex(cases), actual.reindex(cases).fillna(0.0), quarter, as_of))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=BACKTEST_COLUMNS)
    reps = frame.loc[~frame["is_team"].astype(bool)]
    by_quarter = {name: _calibration(group) for name, group in reps.groupby("quarter", sort=False)}
    return frame, {**_calibration(reps), "quarters": by_quarter, "skipped": list(dict.fromkeys(skipped))}


def _as_it_stood(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, state_at: StateAt,
                 calendar: FiscalCalendar, quarter: Period, as_of: pd.Timestamp, lookback: int,
                 min_closed: int) -> tuple[pd.DataFrame, pd.Series, Rates]:
    """Open deals, won QTD and rates as known at the end of `as_of` (UTC): the deals as they stood then (records
    created later dropped) and the history written by then; rates over the `lookback` quarters before."""
    moment = pd.Timestamp(as_of + pd.Timedelta(days=1), tz="UTC")
    history = opportunity_history.loc[opportunity_history[H.CreatedDate] < moment]
    then = state_at(opportunities, opportunity_history, moment)
    then = then.loc[~(then[O.CreatedDate] >= moment)]
    rates = measured_rates(then, history, measured_quarters(calendar, quarter, lookback), min_closed=min_closed)
    return *deals_to_forecast(then, quarter, as_of), rates


def _owners_of(*owned: pd.Series) -> pd.Index:
    """The owners named in these Series' values (the first) and indexes (the others), in order of appearance."""
    names = [owned[0], *(pd.Series(s.index, dtype=object) for s in owned[1:])]
    return pd.Index(pd.concat([n.astype(object) for n in names]).dropna().unique(), name=O.OwnerId)


def _span(quarters: Sequence[Period]) -> Period:
    return Period(min(q.start for q in quarters), max(q.end for q in quarters), "backtest")


def _scored(forecast: pd.DataFrame, quota: pd.Series, actual: pd.Series, quarter: Period,
            as_of: pd.Timestamp) -> pd.DataFrame:
    """The forecast rows beside quota and actual (team: sums), with the calibration checks of each."""
    quotas = quota.astype(float).reindex(forecast.index)
    actuals = actual.astype(float).reindex(forecast.index)
    if TEAM in forecast.index:
        quotas[TEAM] = quota.sum() if quota.notna().any() else np.nan
        actuals[TEAM] = actual.sum()
    hit = (actuals >= quotas).astype(float).where(quotas.notna())
    frame = forecast.assign(quarter=quarter.name, as_of=as_of, quota=quotas, actual=actuals,
                            at_or_below_p50=actuals <= forecast[P50],
                            inside_p10_p90=(forecast[P10] <= actuals) & (actuals <= forecast[P90]),
                            hit=hit, brier=(forecast[P_QUOTA].astype(float) - hit) ** 2)
    frame = frame.rename_axis(O.OwnerId).reset_index()
    frame.insert(1, "is_team", frame[O.OwnerId] == TEAM)
    return frame.astype({"as_of": DATE_DTYPE})[BACKTEST_COLUMNS]


def _calibration(cases: pd.DataFrame) -> dict:
    """Shares at or below P50 and inside P10-P90, and the mean Brier score, over these cases (None when none)."""
    scored = cases["brier"].dropna()
    return {"cases": len(cases),
            "share_at_or_below_p50": float(cases["at_or_below_p50"].mean()) if len(cases) else None,
            "share_inside_p10_p90": float(cases["inside_p10_p90"].mean()) if len(cases) else None,
            "brier": float(scored.mean()) if len(scored) else None, "brier_cases": len(scored)}
