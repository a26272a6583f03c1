import numpy as np
import pandas as pd

from kpi.ids import make_ids, to_18


def test_15_character_ids_get_their_case_safe_suffix():
    # Salesforce's documented example: 001A000001HRNSj -> chunks 001A0 (A at position 3: 8 -> I),
    # 00001 (none: A), HRNSj (H, R, N, S at 0-3: 15 -> P).
    ids = pd.Series(["001A000001HRNSj", "001a000001hrnsj", "001A000001HRNSjIAP"], dtype="str")
    assert to_18(ids).tolist() == ["001A000001HRNSjIAP", "001a000001hrnsjAAA", "001A000001HRNSjIAP"]


def test_blanks_and_the_null_id_are_missing():
    assert to_18(pd.Series(["", None, "000000000000000AAA", " 000000000000000 "], dtype="str")).isna().all()


def test_made_ids_are_valid_and_distinct():
    ids = make_ids("005", np.arange(70))
    assert len(set(ids)) == 70 and all(len(i) == 18 for i in ids)
    assert to_18(pd.Series([i[:15] for i in ids], dtype="str")).tolist() == list(ids)
