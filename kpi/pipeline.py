"""Pipeline and forecast roll-up: the deals as they stood at a moment, the forecast categories, pipeline
created, deal hygiene and the week's pipeline waterfall.

Every figure here reads the opportunities as they stood at the end of the as-of date in the owner's time zone
(`state_on`), rebuilt from OpportunityFieldHistory: the value of a tracked field then is the OldValue of its
first history row written at or after that moment, else the current value. Without history rows, the deals
are taken as they are now (DESIGN.md, "As of").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.currency import to_corporate
from kpi.funnel import StageRules, owner_change_rows
from kpi.lookup import isin, positions, remap
from kpi.people import zone_of
from kpi.periods import Period, end_of_local_day, iso_week, local_day
from kpi.revenue import CREATED_DAY, coverage_window, open_deals
from kpi.schema import DATE_DTYPE, TABLES, Opportunities, OpportunityFieldHistory

O, H = Opportunities, OpportunityFieldHistory

# OpportunityFieldHistory.Field values (API names; the loaders turn report labels into them).
STAGE_FIELD, AMOUNT_FIELD, CLOSE_DATE_FIELD, CATEGORY_FIELD = "StageName", "Amount", "CloseDate", "ForecastCategoryName"
OWNER_FIELDS = ("Owner", "OwnerId")
_OWNER_RULES = StageRules(owner_fields=OWNER_FIELDS)

# Forecast categories: summary key -> ForecastCategoryName ('Omitted' and 'Closed' are not open pipeline).
CATEGORIES = {"pipeline_commit": "Commit", "pipeline_best_case": "Best Case", "pipeline_pipeline": "Pipeline"}
PIPELINE_OPEN = "pipeline_open"
PIPELINE_CREATED = "pipeline_created"
HYGIENE_OPEN_FLAGGED = "hygiene_open_flagged"
# The per-owner keys `pipeline_totals` returns (DESIGN.md, "Pipeline and forecast").
PIPELINE_KEYS = (*CATEGORIES, PIPELINE_OPEN, "pipeline_created_qtd", HYGIENE_OPEN_FLAGGED)

STATE_RULE = (
    "As they stood: a deal created after the moment is left out; each tracked field (Stage, Amount, Close Date, "
    "Forecast Category, Owner) takes the OldValue of its first OpportunityFieldHistory row written at or after "
    "the moment, else its current value. Closed and won follow the stage then, as the org's current deals pair "
    "stages with closed/won; without Forecast Category history, a deal whose stage differs takes the category "
    "most current deals in that stage have. Amounts in history are converted to the corporate currency like "
    "the deal's Amount (its currency, rate by its current close date).")


# ---------------------------------------------------------------------------------------------------------------
# The deals as they stood


def state_at(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, moment: pd.Timestamp | pd.Series,
             *, rates: pd.DataFrame | None = None, meanings: StageMeanings | None = None) -> pd.DataFrame:
    """The opportunities as they stood just before `moment` (a UTC instant, or one per deal: a Series on the
    opportunities' index), same columns and types as the Opportunity table.

    Deals created at or after their moment are dropped. StageName, Amount, CloseDate, ForecastCategoryName and
    OwnerId (the id rows of owner changes) take the OldValue of their first history row at or after the moment,
    else their current value. IsClosed and IsWon follow the stage then, by the (closed, won) pair most current
    deals in that stage have (a stage no current deal is in: named 'Closed ...' is closed, won when the name
    says 'won'). ForecastCategoryName: without any such history row in the table (field not tracked), a deal
    whose stage differs takes its stage's most common category. Amounts written in history are in the deal's
    currency: `rates` (the currency_rates table) converts them as loading converted Amount; without rates,
    single-currency data is taken as it is. What stages mean is read off these deals unless `meanings` (the
    whole org's, `stage_meanings`) is given.
    """
    moments = _moments(opportunities, moment)
    after = _changes_after(opportunities, opportunity_history, moments)
    stage = _text_then(opportunities[O.StageName], _first_rows(after, (STAGE_FIELD,)))
    changed = _differs(stage, opportunities[O.StageName])
    meanings = meanings or stage_meanings(opportunities, opportunity_history)
    closed, won = _outcomes(stage, changed, opportunities, meanings.by_stage)
    out = opportunities.assign(**{
        O.StageName: stage,
        O.IsClosed: closed,
        O.IsWon: won,
        O.Amount: _amounts_then(opportunities, _first_rows(after, (AMOUNT_FIELD,)), rates),
        O.CloseDate: _close_dates_then(opportunities[O.CloseDate], _first_rows(after, (CLOSE_DATE_FIELD,))),
        O.ForecastCategoryName: _categories_then(opportunities, after, stage, changed, closed, won, meanings),
        O.OwnerId: _text_then(opportunities[O.OwnerId], _first_rows(owner_change_rows(after, _OWNER_RULES))),
    })
    created = _instants(opportunities[O.CreatedDate])
    return out.loc[~(created >= moments)]


def as_of_moments(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, day: pd.Timestamp,
                  owner_zones: pd.Series) -> pd.Series:
    """Per deal, the UTC instant at which `day` ends in its owner's time zone (the owner it had then: first
    found at the end of the day in the current owner's zone; owners without a zone: UTC)."""
    days = pd.Series(pd.Timestamp(day), index=opportunities.index).astype(DATE_DTYPE)
    guess = end_of_local_day(days, zone_of(opportunities[O.OwnerId], owner_zones))
    owners = _owners_at(opportunities, opportunity_history, _instants(guess))
    return end_of_local_day(days, zone_of(owners, owner_zones))


def state_on(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, day: pd.Timestamp,
             owner_zones: pd.Series, *, rates: pd.DataFrame | None = None,
             meanings: StageMeanings | None = None) -> pd.DataFrame:
    """The opportunities as they stood at the end of `day` in each owner's time zone (`state_at`)."""
    return state_at(opportunities, opportunity_history,
                    as_of_moments(opportunities, opportunity_history, day, owner_zones), rates=rates,
                    meanings=meanings)


def _instants(values: pd.Series) -> np.ndarray:
    """UTC instants as naive datetime64[us] (NaT stays NaT), for comparisons in numpy."""
    return values.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")


def _moments(opportunities: pd.DataFrame, moment: pd.Timestamp | pd.Series) -> np.ndarray:
    if isinstance(moment, pd.Series):
        stamps = moment if moment.index.equals(opportunities.index) else moment.reindex(opportunities.index)
        stamps = pd.to_datetime(stamps, utc=True)
        return _instants(stamps)
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return np.full(len(opportunities), stamp.tz_localize(None).to_datetime64(), dtype="datetime64[us]")



_DEAL = "_deal"  # a history row's deal: its position in the Opportunity table


def _changes_after(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame,
                   moments: np.ndarray) -> pd.DataFrame:
    """The history rows written at or after their deal's moment, in order of deal, then time (file order for
    rows of the same instant), with `_deal`."""
    deal = positions(opportunity_history[H.OpportunityId], opportunities[O.Id])
    at = _instants(opportunity_history[H.CreatedDate])
    known = deal >= 0
    after = known.copy()
    after[known] = at[known] >= moments[deal[known]]
    order = np.lexsort((at[after], deal[after]))  # stable: ties keep file order
    rows = opportunity_history.loc[after].iloc[order]
    return rows.assign(**{_DEAL: deal[after][order]})


def _first_rows(rows: pd.DataFrame, fields: Collection[str] | None = None) -> pd.DataFrame:
    """Each deal's first row (of these fields) among rows already in deal/time order."""
    if fields is not None:
        rows = rows.loc[isin(rows[H.Field], fields)]
    return rows.loc[~rows[_DEAL].duplicated().to_numpy()]


def _owners_at(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, moments: np.ndarray) -> pd.Series:
    owner_rows = owner_change_rows(opportunity_history, _OWNER_RULES)
    after = _changes_after(opportunities, owner_rows, moments)
    return _text_then(opportunities[O.OwnerId], _first_rows(after))


def _text_then(current: pd.Series, first: pd.DataFrame) -> pd.Series:
    """A text column with each deal's value replaced by the OldValue of its first row after the moment."""
    values = current.to_numpy(dtype=object, copy=True)
    values[first[_DEAL].to_numpy()] = first[H.OldValue].to_numpy(dtype=object)
    return pd.Series(values, index=current.index, dtype=current.dtype)


def _differs(left: pd.Series, right: pd.Series) -> np.ndarray:
    a, b = left.isna().to_numpy(), right.isna().to_numpy()
    return (a != b) | (~a & ~b & (left.fillna("").to_numpy(dtype=object) != right.fillna("").to_numpy(dtype=object)))


@dataclass(frozen=True)
class StageMeanings:
    """What the org's stages mean, read off all its current deals (STATE_RULE): per StageName the (IsClosed,
    IsWon) pair and ForecastCategoryName most deals in it have (columns closed, won, category), and whether the
    org's field history tracks the forecast category. Read once per org, so that a subset of its deals (one
    viewer's) stands as the whole org's would."""

    by_stage: pd.DataFrame
    categories_tracked: bool


def stage_meanings(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame) -> StageMeanings:
    pair = opportunities[O.IsClosed].astype(int) * 2 + opportunities[O.IsWon].astype(int)
    pairs = _most_common(opportunities[O.StageName], pair)
    by_stage = pd.DataFrame({"closed": pairs >= 2, "won": pairs == 3,
                             "category": _most_common(opportunities[O.StageName],
                                                      opportunities[O.ForecastCategoryName]).reindex(pairs.index)})
    return StageMeanings(by_stage, bool(isin(opportunity_history[H.Field], (CATEGORY_FIELD,)).any()))


def _most_common(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Per key, its most frequent value (ties: the first seen)."""
    counts = pd.DataFrame({"key": keys, "value": values}).groupby(["key", "value"], sort=False).size()
    top = counts.sort_values(ascending=False, kind="stable").reset_index().drop_duplicates("key")
    return top.set_index("key")["value"]


def _outcomes(stage: pd.Series, changed: np.ndarray, opportunities: pd.DataFrame,
              meanings: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """IsClosed, IsWon as the stage then says (current flags where the stage is the current one)."""
    closed = opportunities[O.IsClosed].to_numpy(dtype=bool, copy=True)
    won = opportunities[O.IsWon].to_numpy(dtype=bool, copy=True)
    if not changed.any():
        return closed, won
    then = stage[changed]
    lowered = then.str.strip().str.lower()
    by_name_closed = lowered.str.startswith("closed").fillna(False).to_numpy(bool)
    by_name_won = by_name_closed & lowered.str.contains("won").fillna(False).to_numpy(bool)
    seen_closed = remap(then, meanings["closed"])
    seen = seen_closed.notna().to_numpy()
    closed[changed] = np.where(seen, seen_closed.eq(True).to_numpy(bool), by_name_closed)
    won[changed] = np.where(seen, remap(then, meanings["won"]).eq(True).to_numpy(bool), by_name_won)
    return closed, won


def _categories_then(opportunities: pd.DataFrame, after: pd.DataFrame, stage: pd.Series, changed: np.ndarray,
                     closed: np.ndarray, won: np.ndarray, meanings: StageMeanings) -> pd.Series:
    """ForecastCategoryName then: from its history when the org tracks it, else derived from a changed stage."""
    current = opportunities[O.ForecastCategoryName]
    if meanings.categories_tracked:
        return _text_then(current, _first_rows(after, (CATEGORY_FIELD,)))
    values = current.to_numpy(dtype=object, copy=True)
    if changed.any():
        by_outcome = np.where(closed[changed], np.where(won[changed], "Closed", "Omitted"), "Pipeline")
        seen = remap(stage[changed], meanings.by_stage["category"])
        values[changed] = np.where(seen.notna().to_numpy(), seen.to_numpy(dtype=object), by_outcome)
    return pd.Series(values, index=current.index, dtype=current.dtype)


_AMOUNT_TEXT = (r"^\s*(?P<before>[A-Z]{3})?\s*[$€£¥]?\s*(?P<number>[-+]?(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?"
                r"(?:[eE][-+]?\d+)?)\s*(?P<after>[A-Z]{3})?\s*$")


def _amounts_then(opportunities: pd.DataFrame, first: pd.DataFrame, rates: pd.DataFrame | None) -> np.ndarray:
    """Amount then, in the corporate currency: history text ('12500', '12500.5', 'USD 12,500.00') read as a number
    in the deal's currency (or the code the cell names) and converted like the deal's Amount on loading."""
    amounts = opportunities[O.Amount].to_numpy(dtype=float, copy=True)
    if first.empty:
        return amounts
    deal = first[_DEAL].to_numpy()
    parts = first[H.OldValue].astype("str").str.extract(_AMOUNT_TEXT)
    values = pd.to_numeric(parts["number"].str.replace(",", "", regex=False), errors="coerce").to_numpy(float)
    written = parts["before"].fillna(parts["after"]).to_numpy(dtype=object)
    codes = pd.Series(np.where(pd.isna(written), opportunities[O.CurrencyIsoCode].to_numpy(dtype=object)[deal],
                               written), dtype="str")
    all_codes = pd.concat([opportunities[O.CurrencyIsoCode], codes], ignore_index=True).dropna().unique()
    if len(all_codes) > 1 or (rates is not None and not rates.empty):
        values = _to_corporate(values, codes, opportunities, deal, rates)
    amounts[deal] = values
    return amounts


def _to_corporate(values: np.ndarray, codes: pd.Series, opportunities: pd.DataFrame, deal: np.ndarray,
                  rates: pd.DataFrame | None) -> np.ndarray:
    """History amounts through `kpi.currency.to_corporate`, behind every current deal (amounts empty) so the
    corporate currency is decided from the same codes as on loading; the rate is picked by the deal's CloseDate."""
    n = len(opportunities)
    frame = pd.DataFrame({
        O.Amount: np.concatenate([np.full(n, np.nan), values]),
        O.CurrencyIsoCode: pd.concat([opportunities[O.CurrencyIsoCode], codes], ignore_index=True),
        O.CloseDate: np.concatenate([opportunities[O.CloseDate].to_numpy(dtype="datetime64[us]"),
                                     opportunities[O.CloseDate].to_numpy(dtype="datetime64[us]")[deal]]),
    })
    rates = TABLES["currency_rates"].empty() if rates is None else rates
    converted, _, _ = to_corporate({"opportunities": frame}, rates)
    return converted["opportunities"][O.Amount].to_numpy(dtype=float)[n:]


def _history_days(values: pd.Series) -> np.ndarray:
    """CloseDate history text as days: 'YYYY-MM-DD' (API, Data Loader; a time part is ignored), else 'M/D/YYYY'
    (en_US reports)."""
    text = values.astype("str").str.strip().str.slice(0, 10)
    iso = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    us = pd.to_datetime(values.astype("str").str.strip().where(iso.isna()), format="%m/%d/%Y", errors="coerce")
    return iso.fillna(us).to_numpy(dtype="datetime64[us]")


def _close_dates_then(current: pd.Series, first: pd.DataFrame) -> pd.Series:
    days = current.to_numpy(dtype="datetime64[us]", copy=True)
    days[first[_DEAL].to_numpy()] = _history_days(first[H.OldValue])
    return pd.Series(days, index=current.index).astype(DATE_DTYPE)


# ---------------------------------------------------------------------------------------------------------------
# Forecast categories and pipeline created


def pipeline_by_category(deals: pd.DataFrame, quarter: Period, as_of: pd.Timestamp) -> pd.DataFrame:
    """Per owner: Amount of open deals with CloseDate from `as_of` through the quarter's last day, by
    ForecastCategoryName (pipeline_commit, pipeline_best_case, pipeline_pipeline) and their sum pipeline_open
    ('Omitted' is left out). `deals`: the opportunities as they stood (`state_on`)."""
    rows = open_deals(deals, coverage_window(quarter, as_of))
    sums = rows.groupby([O.OwnerId, O.ForecastCategoryName])[O.Amount].sum().unstack()
    out = pd.DataFrame({key: sums[name] if name in sums else 0.0 for key, name in CATEGORIES.items()},
                       index=sums.index).fillna(0.0)
    return out.assign(**{PIPELINE_OPEN: out.sum(axis=1)}).rename_axis(O.OwnerId)


def pipeline_created(deals: pd.DataFrame, period: Period) -> pd.Series:
    """Per owner: Amount of the opportunities created on a day of the period (CREATED_DAY of
    `revenue.with_created_day`: the owner's day), whatever their stage."""
    rows = deals.loc[period.contains(deals[CREATED_DAY])]
    return rows.groupby(O.OwnerId)[O.Amount].sum().rename(PIPELINE_CREATED)


def pipeline_created_by_week(deals: pd.DataFrame, weeks: Period, owners: pd.Index | None = None) -> pd.DataFrame:
    """Amount of opportunities created per ISO week (rows: the weeks' Mondays, from the week holding
    `weeks.start` through `weeks.end`, index 'week_start') and owner (columns: `owners`, else every owner with
    one); 0 where none. Deals need CREATED_DAY (`revenue.with_created_day`)."""
    first = iso_week(weeks.start).start
    mondays = pd.DatetimeIndex(pd.date_range(first, weeks.end, freq="7D").astype(DATE_DTYPE), name="week_start")
    rows = deals.loc[Period(first, weeks.end, weeks.name).contains(deals[CREATED_DAY])]
    created = rows[CREATED_DAY]
    week = (created - pd.to_timedelta(created.dt.day_of_week, unit="D")).astype(DATE_DTYPE).rename("week_start")
    table = rows.groupby([week, rows[O.OwnerId]])[O.Amount].sum().unstack(fill_value=0.0)
    columns = owners if owners is not None else table.columns
    return table.reindex(index=mondays, columns=columns, fill_value=0.0).rename_axis(columns=O.OwnerId)


# ---------------------------------------------------------------------------------------------------------------
# Hygiene


@dataclass(frozen=True)
class HygieneRules:
    """When an open deal needs attention: its stage unchanged for `stale_stage_days` days or more, or its close
    date moved `close_date_moves` times or more (besides a past close date and a missing amount)."""

    stale_stage_days: int = 30
    close_date_moves: int = 3


HYGIENE_FLAGS = ("past_close_date", "no_amount", "stale_stage", "close_date_slipping")
HYGIENE_COLUMNS = [O.Id, O.Name, O.OwnerId, O.StageName, O.Amount, O.CloseDate, *HYGIENE_FLAGS, "stage_days",
                   "close_date_moves", "reasons"]


def hygiene_flags(deals: pd.DataFrame, opportunity_history: pd.DataFrame, as_of: pd.Timestamp,
                  owner_zones: pd.Series, rules: HygieneRules = HygieneRules()) -> pd.DataFrame:
    """The open deals (as they stood: `state_on`) that need attention, one row each with every flag and a
    readable `reasons` text: CloseDate before the as-of date; Amount empty or 0; stage unchanged for
    `rules.stale_stage_days` or more (days from the day of its last StageName history row up to the end of the
    as-of date, else from its CreatedDate, in the owner's zone, to the as-of date); CloseDate moved
    `rules.close_date_moves` times or more (CloseDate history rows up to the end of the as-of date)."""
    deals = deals.loc[~deals[O.IsClosed]]
    zones = zone_of(deals[O.OwnerId], owner_zones)
    day = pd.Timestamp(as_of)
    moments = _instants(end_of_local_day(pd.Series(day, index=deals.index).astype(DATE_DTYPE), zones))
    deal = positions(opportunity_history[H.OpportunityId], deals[O.Id])
    at = _instants(opportunity_history[H.CreatedDate])
    before = deal >= 0
    before[before] = at[before] < moments[deal[before]]
    field = opportunity_history[H.Field]
    stage_rows = before & isin(field, (STAGE_FIELD,))
    moved = np.bincount(deal[before & isin(field, (CLOSE_DATE_FIELD,))], minlength=len(deals))
    last_change = _instants(deals[O.CreatedDate]).copy()
    last_stage = pd.Series(at[stage_rows]).groupby(deal[stage_rows]).max()
    last_change[last_stage.index.to_numpy()] = last_stage.to_numpy()
    changed_day = local_day(pd.Series(last_change, index=deals.index).dt.tz_localize("UTC"), zones)
    stage_days = (day - changed_day).dt.days
    flags = pd.DataFrame({
        "past_close_date": (deals[O.CloseDate] < day).to_numpy(),
        "no_amount": (deals[O.Amount].isna() | (deals[O.Amount] == 0)).to_numpy(),
        "stale_stage": (stage_days >= rules.stale_stage_days).fillna(False).to_numpy(bool),
        "close_date_slipping": moved >= rules.close_date_moves,
    }, index=deals.index)
    out = deals[HYGIENE_COLUMNS[:6]].join(flags).assign(stage_days=stage_days.astype("Int64"),
                                                        close_date_moves=moved)
    out = out.loc[flags.any(axis=1).to_numpy()]
    return out.assign(reasons=_reasons(out)).sort_values([O.OwnerId, O.CloseDate], kind="stable")[HYGIENE_COLUMNS]


def _reasons(flagged: pd.DataFrame) -> pd.Series:
    """'Close date 20 Nov 2026 has passed; No amount; Stage 'Prospecting' unchanged for 45 days; Close date moved
    4 times' (the flags a deal has, in that order; every row has at least one)."""
    def part(flag: str, text: pd.Series | str) -> pd.Series:
        return (pd.Series(text, index=flagged.index, dtype="str") + "; ").where(flagged[flag], "")
    joined = (part("past_close_date", "Close date " + _day_text(flagged[O.CloseDate]) + " has passed")
              + part("no_amount", "No amount")
              + part("stale_stage", "Stage '" + flagged[O.StageName].fillna("?") + "' unchanged for "
                     + flagged["stage_days"].astype("str") + " days")
              + part("close_date_slipping", "Close date moved " + flagged["close_date_moves"].astype("str") + " times"))
    return joined.str.slice(0, -2)


def hygiene_open_flagged(flags: pd.DataFrame) -> pd.Series:
    """Per owner: open deals with at least one hygiene flag (a deal with several counts once)."""
    return flags.groupby(O.OwnerId).size().rename(HYGIENE_OPEN_FLAGGED)


def pipeline_totals(deals: pd.DataFrame, opportunity_history: pd.DataFrame, quarter: Period, as_of: pd.Timestamp,
                    owner_zones: pd.Series, rules: HygieneRules = HygieneRules()) -> pd.DataFrame:
    """Per owner, the pipeline keys of `summary` (PIPELINE_KEYS) from the deals as they stood at the end of the
    as-of date (`state_on`, with CREATED_DAY): forecast categories, pipeline created in the quarter to date,
    hygiene-flagged open deals."""
    return pd.concat([
        pipeline_by_category(deals, quarter, as_of),
        pipeline_created(deals, quarter.through(as_of)).rename("pipeline_created_qtd"),
        hygiene_open_flagged(hygiene_flags(deals, opportunity_history, as_of, owner_zones, rules)),
    ], axis=1).reindex(columns=list(PIPELINE_KEYS)).fillna(0.0).rename_axis(O.OwnerId)


# ---------------------------------------------------------------------------------------------------------------
# Waterfall

BARS = ("new", "increased", "decreased", "pulled_in", "pushed_out", "won", "lost")
SIGNS = {"new": 1, "increased": 1, "decreased": -1, "pulled_in": 1, "pushed_out": -1, "won": -1, "lost": -1}
WATERFALL_KEYS = ("start", *BARS, "end")
WATERFALL_COLUMNS = [O.Id, O.Name, O.OwnerId, "bar", "amount", "reason", "owner_before", "owner_after",
                     "amount_before", "amount_after", "close_date_before", "close_date_after", "stage_before",
                     "stage_after"]
WATERFALL_RULE = (
    "Start: open opportunities of the owners with a CloseDate inside the quarter, as they stood at the end of the "
    "Sunday before the as-of date's ISO week; end: the same at the end of the as-of date (each in the owner's "
    "time zone). Each deal that differs goes to one bar. In both: increased or decreased by the change in "
    "Amount. At the start only, its whole start Amount: won or lost when it closed; pushed out when its close "
    "date left the quarter, or it moved to an owner outside the set. At the end only, its whole end Amount: new "
    "when created after the start; else pulled in (close date moved into the quarter, reopened, or moved in "
    "from an owner outside the set). Amounts are counted in cents, so start + new + increased - decreased + "
    "pulled in - pushed out - won - lost = end exactly. A deal created and closed inside the week is in neither "
    "snapshot and in no bar.")


def previous_week_end(as_of: pd.Timestamp) -> pd.Timestamp:
    """The Sunday that ends the ISO week before the one containing `as_of`: the waterfall's start day."""
    return iso_week(pd.Timestamp(as_of)).start - pd.Timedelta(days=1)


def waterfall(opportunities: pd.DataFrame, opportunity_history: pd.DataFrame, quarter: Period, as_of: pd.Timestamp,
              owner_zones: pd.Series, owners: Collection[str] | None = None, *,
              rates: pd.DataFrame | None = None,
              meanings: StageMeanings | None = None) -> tuple[dict[str, float], pd.DataFrame]:
    """The team's pipeline waterfall from the end of the previous ISO week to the end of the as-of date
    (WATERFALL_RULE), over the deals of `owners` (all owners when None): the totals {start, new, increased,
    decreased, pulled_in, pushed_out, won, lost, end} and the deals behind each bar (WATERFALL_COLUMNS)."""
    before = state_on(opportunities, opportunity_history, previous_week_end(as_of), owner_zones, rates=rates,
                      meanings=meanings)
    after = state_on(opportunities, opportunity_history, as_of, owner_zones, rates=rates, meanings=meanings)
    return waterfall_between(before, after, quarter, owners)


def waterfall_between(before: pd.DataFrame, after: pd.DataFrame, quarter: Period,
                      owners: Collection[str] | None = None) -> tuple[dict[str, float], pd.DataFrame]:
    """The waterfall between two states of the deals (`state_at` / `state_on`): see `waterfall`."""
    keep = [O.Id, O.Name, O.OwnerId, O.Amount, O.CloseDate, O.StageName, O.IsClosed, O.IsWon]
    both = before[keep].merge(after[keep], on=O.Id, how="outer", suffixes=("_before", "_after"), indicator=True)
    existed = (both["_merge"] != "right_only").to_numpy()
    exists = (both["_merge"] != "left_only").to_numpy()
    owner_b, owner_a = both[O.OwnerId + "_before"], both[O.OwnerId + "_after"]
    in_set_b = _in_owners(owner_b, owners)
    in_set_a = _in_owners(owner_a, owners)
    counted_b = existed & _counted(both, "_before", quarter) & in_set_b
    counted_a = exists & _counted(both, "_after", quarter) & in_set_a
    cents_b = np.where(counted_b, _cents(both[O.Amount + "_before"]), 0)
    cents_a = np.where(counted_a, _cents(both[O.Amount + "_after"]), 0)
    closed_a = both[O.IsClosed + "_after"].fillna(False).to_numpy(bool)
    won_a = both[O.IsWon + "_after"].fillna(False).to_numpy(bool)
    closed_b = both[O.IsClosed + "_before"].fillna(False).to_numpy(bool)
    close_b, close_a = both[O.CloseDate + "_before"], both[O.CloseDate + "_after"]
    stay, leave, enter = counted_b & counted_a, counted_b & ~counted_a, ~counted_b & counted_a
    diff = cents_a - cents_b

    leave_cases = [~exists, ~in_set_a, closed_a & won_a, closed_a]
    enter_cases = [~existed, ~in_set_b, closed_b]
    bar = np.select(
        [stay & (diff > 0), stay & (diff < 0),
         *[leave & c for c in leave_cases], leave,
         *[enter & c for c in enter_cases], enter],
        ["increased", "decreased",
         "pushed_out", "pushed_out", "won", "lost", "pushed_out",
         "new", "pulled_in", "pulled_in", "pulled_in"], "")
    amount = np.select([stay, leave, enter], [np.abs(diff), cents_b, cents_a], 0)
    reason = np.select(
        [stay & (diff != 0),
         *[leave & c for c in leave_cases], leave,
         *[enter & c for c in enter_cases], enter],
        ["amount changed",
         "no longer in the data", "moved to an owner outside the set", "closed won", "closed lost",
         "close date moved out of the quarter to ",
         "created", "moved from an owner outside the set", "reopened",
         "close date moved into the quarter from "], "").astype(object)
    moved_out, moved_in = leave & (bar == "pushed_out"), enter & (bar == "pulled_in")
    moved_out &= reason == "close date moved out of the quarter to "
    moved_in &= reason == "close date moved into the quarter from "
    reason[moved_out] += _day_text(close_a[moved_out]).to_numpy(dtype=object)
    reason[moved_in] += _day_text(close_b[moved_in]).to_numpy(dtype=object)
    rows = pd.DataFrame({
        O.Id: both[O.Id], O.Name: both[O.Name + "_after"].fillna(both[O.Name + "_before"]),
        O.OwnerId: owner_a.where(counted_a, owner_b), "bar": bar, "amount": amount / 100, "reason": reason,
        "owner_before": owner_b, "owner_after": owner_a,
        "amount_before": both[O.Amount + "_before"], "amount_after": both[O.Amount + "_after"],
        "close_date_before": close_b, "close_date_after": close_a,
        "stage_before": both[O.StageName + "_before"], "stage_after": both[O.StageName + "_after"],
    }).loc[bar != ""]
    rows = rows.assign(_order=rows["bar"].map({b: i for i, b in enumerate(BARS)}))
    rows = rows.sort_values(["_order", "amount"], ascending=[True, False], kind="stable")
    totals = {"start": int(cents_b.sum()),
              **{b: int(amount[bar == b].sum()) for b in BARS},
              "end": int(cents_a.sum())}
    return {key: totals[key] / 100 for key in WATERFALL_KEYS}, rows[WATERFALL_COLUMNS].reset_index(drop=True)


def _in_owners(owner_ids: pd.Series, owners: Collection[str] | None) -> np.ndarray:
    if owners is None:
        return np.ones(len(owner_ids), bool)
    return isin(owner_ids, list(owners))


def _counted(both: pd.DataFrame, side: str, quarter: Period) -> np.ndarray:
    """Open with a CloseDate inside the quarter (on one side of the merged states)."""
    is_open = ~both[O.IsClosed + side].fillna(True).astype(bool)
    return (is_open & quarter.contains(both[O.CloseDate + side])).fillna(False).to_numpy(bool)


def _day_text(days: pd.Series) -> pd.Series:
    """Days as '15 Jan 2027' ('no date' when empty), formatted once per distinct day."""
    codes, uniques = pd.factorize(days)
    texts = np.append(pd.DatetimeIndex(uniques).strftime("%d %b %Y").to_numpy(dtype=object), "no date")
    return pd.Series(texts[codes], index=days.index, dtype="str")


def _cents(amounts: pd.Series) -> np.ndarray:
    """Amounts as whole cents (empty: 0), so sums are exact."""
    return np.round(amounts.fillna(0.0).to_numpy(dtype=float) * 100).astype(np.int64)
