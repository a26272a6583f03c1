"""`python -m kpi bench`: load and compute times on a large generated org, with medians and peak memory.

Budget on a 2-core machine: load of the CSV folder under 8 s; load from the local store under 3 s; full summary
under 1 s; one team under 0.3 s. The import of the whole folder into a store is timed once.
"""

from __future__ import annotations

import json
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kpi import people
from kpi.periods import FiscalCalendar
from kpi.sources import import_files, load_folder, sample_org, store_org
from kpi.sources.files import export_files
from kpi.store import Store
from kpi.summary import default_as_of, prepare, rep_table, summary, team_row

BUDGET_S = {"load": 8.0, "store load": 3.0, "summary": 1.0, "one team": 0.3}
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
        team_s, _ = _median_seconds(lambda: team_row(rep_table(facts, as_of, calendar, team), as_of, calendar), runs)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {"load": load_s, "store load": store_s, "summary": prepare_s + summary_s, "one team": team_s}
    print(f"\nmedians of {runs} runs; as of {as_of:%Y-%m-%d}; {len(doc['reps'])} reps")
    print(f"{'load CSV folder':34} {load_s:7.2f} s   budget {BUDGET_S['load']:.1f} s")
    print(f"{'import folder into a new store':34} {import_s:7.2f} s   (once)")
    print(f"{'load from the store':34} {store_s:7.2f} s   budget {BUDGET_S['store load']:.1f} s")
    print(f"{'derive facts (once per load)':34} {prepare_s:7.2f} s")
    print(f"{'summary, all reps':34} {summary_s:7.2f} s")
    print(f"{'full summary (facts + summary)':34} {prepare_s + summary_s:7.2f} s   budget {BUDGET_S['summary']:.1f} s")
    print(f"{'one-team recompute (' + team + ')':34} {team_s:7.2f} s   budget {BUDGET_S['one team']:.1f} s")
    print(f"{'peak memory':34} {peak_mib:7.0f} MiB")
    over = [name for name, seconds in figures.items() if seconds > BUDGET_S[name]]
    print("within budget" if not over else f"over budget: {', '.join(over)}")
    return 0
