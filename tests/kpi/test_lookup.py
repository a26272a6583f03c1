import numpy as np
import pandas as pd

from kpi.lookup import among, isin, lowered, positions, remap


def test_isin_and_remap_decide_per_distinct_value():
    values = pd.Series(["Call", " email ", None, "Task", "call"], dtype="str")
    assert isin(values, {"call"}, lowered).tolist() == [True, False, False, False, True]
    assert remap(values, {"call": 1, "email": 2}, lowered).tolist()[:2] == [1, 2]
    assert remap(values, {"call": 1, "email": 2}, lowered).isna().tolist() == [False, False, True, True, False]


def test_positions_of_ids_in_a_table():
    universe = pd.Series(["a", "b", "c"], dtype="str")
    assert positions(pd.Series(["b", "x", None, "a"], dtype="str"), universe).tolist() == [1, -1, -1, 0]


def test_empty_columns():
    empty = pd.Series([], dtype="str")
    assert isin(empty, {"a"}).tolist() == [] and remap(empty, {"a": 1}).tolist() == []
    assert np.array_equal(positions(empty, pd.Series(["a"], dtype="str")), np.array([], int))


def test_among_says_which_ids_occur_in_another_column_and_na_never_does():
    values = pd.Series(["005A", None, "005C", "005A", "005D"], dtype="str")
    others = pd.Series(["005C", "005A", "005A", None], dtype="str")
    assert among(values, others).tolist() == [True, False, True, True, False]
    assert among(values, pd.Series([], dtype="str")).tolist() == [False] * 5
    assert among(pd.Index(["005C"]), others).tolist() == [True]
