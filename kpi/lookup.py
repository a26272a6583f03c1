"""Membership, mapping and position look-ups on text columns, through their distinct values.

pandas' pyarrow-backed `isin` and `map` hash every row; these factorize once and decide per distinct value,
which is what makes a million-row org fast (ids, statuses and picklists repeat a lot).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

import numpy as np
import pandas as pd


def isin(values: pd.Series, allowed: Collection[str],
         normalize: Callable[[pd.Index], pd.Index] | None = None) -> np.ndarray:
    """Which values are in `allowed` (after `normalize`, applied to the distinct values); NA is not."""
    codes, uniques = pd.factorize(values)
    hits = (normalize(uniques) if normalize else uniques).isin(list(allowed))
    return np.append(np.asarray(hits, bool), False)[codes]  # code -1 (NA) takes the appended False


def among(values: pd.Series | pd.Index, others: pd.Series | pd.Index) -> np.ndarray:
    """Which values occur among `others`, both text columns of any size (ids against ids): one factorize of
    the two together, where `isin` would turn the other column into Python strings. NA is never among them."""
    codes, _ = pd.factorize(pd.concat([pd.Series(values, dtype="str"), pd.Series(others, dtype="str")],
                                      ignore_index=True))
    present = np.zeros(codes.max(initial=-1) + 2, bool)  # shifted by one: code -1 (NA) stays False
    present[codes[len(values):] + 1] = True
    present[0] = False
    return present[codes[:len(values)] + 1]


def remap(values: pd.Series, mapping: Mapping | pd.Series,
          normalize: Callable[[pd.Index], pd.Index] | None = None) -> pd.Series:
    """`values.map(mapping)` (unmapped and NA give NA), computed once per distinct value."""
    codes, uniques = pd.factorize(values)
    mapped = pd.Series((normalize(uniques) if normalize else uniques).map(mapping))
    with_missing = mapped.reindex(range(len(uniques) + 1))  # the added last entry (NA) is what code -1 takes
    return with_missing.take(codes).set_axis(values.index)


def positions(ids: pd.Series, universe: pd.Series) -> np.ndarray:
    """Where each id sits in `universe` (whose values are unique); -1 when absent or NA."""
    codes, _ = pd.factorize(pd.concat([universe, ids], ignore_index=True))
    found = codes[len(universe):]
    return np.where(found < len(universe), found, -1)


def lowered(uniques: pd.Index) -> pd.Index:
    """Text trimmed and in lower case: how picklist values are compared."""
    return uniques.str.strip().str.lower()
