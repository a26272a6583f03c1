"""Oracle check: the real `python -m kpi summary` against the naive reference in reference.py.

For the bundled sample org and several (as-of, fiscal start) pairs, the command line's JSON and
the reference's document must list the same reps (same ids and names, ordered by name) and agree on
every foundation key of every rep and of the team: counts and targets exactly, amounts and rates with
pytest.approx(rel=1e-9), null where the other side is null.
"""
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import reference as ref  # tests/oracle/reference.py (same folder; pytest rootdir-relative import)

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample"

PAIRS = [
    ("2026-11-24", 1),  # anchor, a Tuesday
    ("2026-11-20", 1),  # a Friday
    ("2026-10-01", 1),  # first day of a quarter
    ("2026-09-30", 1),  # last day of a quarter
    ("2026-11-24", 2),  # fiscal year starting in February
    ("2026-08-15", 1),  # a Saturday
]
IDS = [f"{d}-fs{m}" for d, m in PAIRS]


class Results(dict):
    """{(as_of, fiscal_start): summary document}; short repr keeps failure reports readable."""

    def __repr__(self):
        return f"<{len(self)} summary documents>"


def run_cli(as_of, fiscal_start):
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "summary", "--source", "sample",
         "--as-of", as_of, "--fiscal-start", str(fiscal_start), "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, f"kpi summary failed ({as_of}, {fiscal_start}):\n{proc.stderr}"
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def engine():
    """Real command-line output for every pair (run first: the CLI may (re)write the sample)."""
    if not (SAMPLE / "User.csv").exists():
        subprocess.run([sys.executable, "-m", "kpi", "sample"], cwd=ROOT, check=True)
    return Results({(d, m): run_cli(d, m) for d, m in PAIRS})


@pytest.fixture(scope="module")
def org(engine):
    return ref.load_org(str(SAMPLE))


@pytest.fixture(scope="module")
def oracle(org):
    return Results({(d, m): ref.summary(org, date.fromisoformat(d), m) for d, m in PAIRS})


def differences(eng_row, ref_row, who):
    """List of human-readable disagreements between one engine row and one reference row."""
    out = []
    for key in ref.KEYS:
        if key not in eng_row:
            out.append(f"{who}: {key} missing from engine output")
            continue
        e, r = eng_row[key], ref_row[key]
        if r is None or e is None:
            if not (r is None and e is None):
                out.append(f"{who}: {key} engine={e!r} reference={r!r}")
            continue
        is_int = isinstance(e, int) and not isinstance(e, bool)
        if key in ref.COUNT_KEYS or (key in ref.TARGET_KEYS and isinstance(r, int)):
            if not is_int:
                out.append(f"{who}: {key} engine={e!r} is not an int (reference={r!r})")
            elif e != r:
                out.append(f"{who}: {key} engine={e!r} reference={r!r}")
        elif key in ref.TARGET_KEYS:  # a fractional target
            if e != pytest.approx(r, rel=1e-9):
                out.append(f"{who}: {key} engine={e!r} reference={r!r}")
        else:  # amounts and rates: floats
            if not isinstance(e, float):
                out.append(f"{who}: {key} engine={e!r} is not a float (reference={r!r})")
            elif e != pytest.approx(r, rel=1e-9):
                out.append(f"{who}: {key} engine={e!r} reference={r!r}")
    return out


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_header(pair, engine, oracle):
    e, r = engine[pair], oracle[pair]
    assert e["as_of"] == r["as_of"] == pair[0]
    assert e["fiscal_quarter"] == r["fiscal_quarter"]


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_rep_list(pair, engine, oracle):
    eng_reps = [(x["id"], x["name"]) for x in engine[pair]["reps"]]
    ref_reps = [(x["id"], x["name"]) for x in oracle[pair]["reps"]]
    assert eng_reps == sorted(eng_reps, key=lambda t: (t[1], t[0])), "engine reps not ordered by name"
    only_eng = [x for x in eng_reps if x not in ref_reps]
    only_ref = [x for x in ref_reps if x not in eng_reps]
    assert eng_reps == ref_reps, f"only in engine: {only_eng}; only in reference: {only_ref}"


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_rep_values(pair, engine, oracle):
    """Every key of every rep that both sides list (rep-list differences: test_rep_list)."""
    eng_by_id = {x["id"]: x for x in engine[pair]["reps"]}
    diffs = []
    for r in oracle[pair]["reps"]:
        e = eng_by_id.get(r["id"])
        if e is not None:
            diffs += differences(e, r, f"{r['name']} ({r['id']})")
    assert not diffs, "\n".join(diffs)


@pytest.mark.parametrize("pair", PAIRS, ids=IDS)
def test_team_values(pair, engine, oracle):
    diffs = differences(engine[pair]["team"], oracle[pair]["team"], "team")
    assert not diffs, "\n".join(diffs)
