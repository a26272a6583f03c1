from kpi import bench
from kpi.sources import sample_org


def test_bench_reports_each_figure_against_its_budget(tmp_path, monkeypatch, capsys):
    # The real benchmark org has a million activities; the default sample org keeps this test quick.
    monkeypatch.setattr(sample_org.OrgShape, "large", classmethod(lambda cls: cls()))
    monkeypatch.setattr(bench, "FORECAST_SHAPE", (20, 500, 1_000))  # reps, open deals, trials
    assert bench.main(tmp_path, runs=1) == 0
    out = capsys.readouterr().out
    assert "rows: User.csv 29," in out and "22 reps" in out
    for figure in ("load CSV folder", "import folder into a new store", "load from the store", "full summary (facts + summary)", "one-team recompute", "one manager signed in",
                   "forecast simulation", "peak memory"):
        assert figure in out
    assert "(20 reps, 500 open deals, 1,000 trials)" in out
    assert out.rstrip().endswith("within budget")
    assert (tmp_path / ".bench-org").is_file()  # the org is written once per folder, then reused
