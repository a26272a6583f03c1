import csv
import io

import pandas as pd

from kpi.exports import csv_bytes, neutralised


NAMES = ["=HYPERLINK(\"http://evil\",\"x\")", "+1 555", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", "Ann Lee", None]


def test_text_a_spreadsheet_would_run_as_a_formula_becomes_plain_text():
    frame = pd.DataFrame({"Name": pd.Series(NAMES, dtype="str"), "Amount": [-5.0, 1, 2, 3, 4, 5, 6, 7]})
    safe = neutralised(frame)
    assert safe["Name"].tolist()[:6] == ["'" + n for n in NAMES[:6]]
    assert safe["Name"].tolist()[6] == "Ann Lee" and pd.isna(safe["Name"].tolist()[7])
    assert safe["Amount"].tolist()[0] == -5.0  # a negative number stays a number


def test_the_csv_keeps_a_named_index_and_reads_back_safe():
    frame = pd.DataFrame({"mql": [3, 1]}, index=pd.Index(["=cmd|' /C calc'!A0", "Web"], name="LeadSource"))
    text = csv_bytes(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["LeadSource", "mql"], ["'=cmd|' /C calc'!A0", "3"], ["Web", "1"]]
    assert csv_bytes(frame).startswith(b"\xef\xbb\xbf")  # Excel reads the file as UTF-8


def test_categories_and_mixed_columns_are_made_safe_too():
    frame = pd.DataFrame({"kind": pd.Categorical(["call", "=1+1"]), "mixed": pd.Series([-3, "-3"], dtype=object)})
    safe = neutralised(frame)
    assert safe["kind"].tolist() == ["call", "'=1+1"]
    assert safe["mixed"].tolist() == [-3, "'-3"]  # the number stays a number; the text does not become one
