"""Tables leaving the dashboard as files people open in Excel: Salesforce text must stay text.

A cell that starts with '=', '+', '-', '@', a tab or a carriage return is a formula to a spreadsheet (CSV
injection): such text gets a leading apostrophe, which Excel and LibreOffice show as plain text. Numbers,
including negative ones, are left as numbers.
"""

from __future__ import annotations

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell that a spreadsheet would read as a formula made plain text."""
    text = {c: frame[c].astype("str") if isinstance(frame[c].dtype, pd.CategoricalDtype) else frame[c]
            for c in frame.columns
            if frame[c].dtype == object or isinstance(frame[c].dtype, (pd.StringDtype, pd.CategoricalDtype))}
    # (.str on an object column gives NaN for what is not text: numbers, dates and the like stay as they are)
    risky = {c: col.str.startswith(FORMULA_STARTS).fillna(False).astype(bool) for c, col in text.items()}
    return frame.assign(**{c: col.mask(risky[c], "'" + col.astype("str")) for c, col in text.items()})


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """The rows as a UTF-8 CSV with a byte-order mark (so Excel reads accents), formula-safe; a named index
    (e.g. LeadSource) becomes the first column."""
    out = frame.reset_index() if any(name is not None for name in frame.index.names) else frame
    return neutralised(out).to_csv(index=False).encode("utf-8-sig")
