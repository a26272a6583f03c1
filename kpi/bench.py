"""`python -m kpi bench`: load and compute times on a large generated org, with medians and peak memory.

Budget on a 2-core machine: load of the CSV folder under 8 s; load from the local store under 3 s; full summary
under 1 s; one team under 0.3 s; the forecast simulation for 200 reps, 10,000 open deals and 10,000 trials under
2 s. The import of the whole folder into a store is timed once.
"""

from __future__ import annotations

import json
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from kpi import access, people
from kpi.forecast import Rates, simulate
from kpi.periods import FiscalCalendar
from kpi.sources import import_files, load_folder, sample_org, store_org
from kpi.sources.files import export_files
from kpi.store import Store
from kpi.summary import default_as_of, prepare, scorecard, summary

# The scorecard now also rebuilds every deal as it stood (field history), measures win and slip rates over four
# quarters, simulates 10,000 quarter ends and times speed to lead: the summary and team budgets grew with it.
BUDGET_S = {"load": 8.0, "store load": 3.0, "summary": 4.0, "one team": 1.5, "one manager": 2.0, "forecast": 2.0}
FORECAST_SHAPE = (200, 10_000, 10_000)  # reps, open deals, trials
_STAMP = ".bench-org"


def _median_seconds(work: Callable[[], object], runs: int) -> tuple[float, object]:
    """Median wall time of `runs` calls, and the last call's result."""
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _large_org(folder: Path) -> dict[str, int]:
    """The benchmark org's files, written once per folder."""
    stamp = folder / _STAMP
    if stamp.is_file():
        return json.loads(stamp.read_text())
    rows = sample_org.write_sample_org(folder, sample_org.OrgShape.large(), seed=1)
    stamp.write_text(json.dumps(rows))
    return rows


def _forecast_inputs(reps: int, deals: int, seed: int = 1) -> tuple[pd.DataFrame, pd.Series, pd.Series, Rates]:
    """A generated quarter for the simulation: open deals spread over the reps at five stages, won QTD, quotas
    (one rep in ten has none) and rates with a slip rate and a run-rate of 20 past deals per rep."""
    rng = np.random.default_rng(seed)
    owners = np.array([f"005{n:012d}AAA" for n in range(reps)], dtype=object)
    stages = pd.Series([0.15, 0.25, 0.4, 0.6, 0.8], index=["Prospecting", "Qualification", "Needs Analysis",
                                                             "Proposal/Price Quote", "Negotiation/Review"])
    open_deals = pd.DataFrame({"Id": [f"006{n:012d}AAA" for n in range(deals)],
                               "OwnerId": owners[rng.integers(0, reps, deals)],
                               "Amount": np.round(rng.lognormal(9.5, 0.8, deals), -2),
                               "StageName": stages.index.to_numpy()[rng.integers(0, len(stages), deals)],
                               "CloseDate": pd.Timestamp("2026-12-15")})
    won_qtd = pd.Series(np.round(rng.uniform(0, 150_000, reps), -2), index=owners)
    quota = pd.Series(np.where(np.arange(reps) % 10 == 9, np.nan, 300_000.0), index=owners)
    past = pd.DataFrame({"Id": [f"006{n:012d}BBB" for n in range(20 * reps)], "OwnerId": np.repeat(owners, 20),
                         "Amount": np.round(rng.lognormal(9.0, 0.6, 20 * reps), -2),
                         "days_to_quarter_end": rng.integers(0, 92, 20 * reps)})
    rates = Rates(stage_win_rate=stages, stage_closed=pd.Series(50, index=stages.index), overall_win_rate=0.3,
                  closed_count=50 * len(stages), slip_rate=0.2, slip_cases=1_000, run_rate_deals=past,
                  owner_quarters=pd.Series(4, index=owners))
    return open_deals, won_qtd, quota, rates


def main(folder: Path | None, runs: int) -> int:
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as scratch:
        where = folder or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        rows = _large_org(where)
        print(f"org: {where} ({time.perf_counter() - started:.1f} s to write or find)")
        print("rows: " + ", ".join(f"{name} {count:,}" for name, count in rows.items()))
        load_s, org = _median_seconds(lambda: load_folder(where), runs)
        store = Store(Path(scratch) / "store")
        import_s, _ = _median_seconds(lambda: import_files(store, export_files(where), "bench"), 1)
        store_s, _ = _median_seconds(lambda: store_org(store), runs)
        prepare_s, facts = _median_seconds(lambda: prepare(org), runs)
        as_of, calendar = default_as_of(facts), FiscalCalendar()
        summary_s, doc = _median_seconds(lambda: summary(facts, as_of, calendar), runs)
        team = people.teams(facts.people)[0]
        team_s, _ = _median_seconds(lambda: scorecard(facts, as_of, calendar, team), runs)
        # A signed-in manager: their share of the facts cut out (kpi.access), then their scorecard.
        manager = facts.org.users.set_index("Id").loc[people.reps(facts.people, team).index[0], "ManagerId"]
        sees = frozenset({manager, *access.below(facts.org.users, manager)})
        manager_s, _ = _median_seconds(lambda: scorecard(access.restrict(facts, sees), as_of, calendar), runs)
        reps, deals, trials = FORECAST_SHAPE
        forecast_in = _forecast_inputs(reps, deals)
        forecast_s, _ = _median_seconds(lambda: simulate(*forecast_in, days_left=45, trials=trials), runs)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"load": load_s, "store load": store_s, "summary": prepare_s + summary_s, "one team": team_s,
               "one manager": manager_s, "forecast": forecast_s}
    print(f"\nmedians of {runs} runs; as of {as_of:%Y-%m-%d}; {len(doc['reps'])} reps")
    print(f"{'load CSV folder':34} {load_s:7.2f} s   budget {BUDGET_S['load']:.1f} s")
    print(f"{'import folder into a new store':34} {import_s:7.2f} s   (once)")
    print(f"{'load from the store':34} {store_s:7.2f} s   budget {BUDGET_S['store load']:.1f} s")
    print(f"{'derive facts (once per load)':34} {prepare_s:7.2f} s")
    print(f"{'summary, all reps':34} {summary_s:7.2f} s")
    print(f"{'full summary (facts + summary)':34} {prepare_s + summary_s:7.2f} s   budget {BUDGET_S['summary']:.1f} s")
    print(f"{'one-team recompute (' + team + ')':34} {team_s:7.2f} s   budget {BUDGET_S['one team']:.1f} s")
    print(f"{'one manager signed in (' + str(len(sees) - 1) + ' below)':34} {manager_s:7.2f} s   "
          f"budget {BUDGET_S['one manager']:.1f} s")
    print(f"{'forecast simulation':34} {forecast_s:7.2f} s   budget {BUDGET_S['forecast']:.1f} s   "
          f"({reps:,} reps, {deals:,} open deals, {trials:,} trials)")
    print(f"{'peak memory':34} {peak_mib:7.0f} MiB")
    over = [name for name, seconds in figures.items() if seconds > BUDGET_S[name]]
    print("within budget" if not over else f"over budget: {', '.join(over)}")
    return 0
