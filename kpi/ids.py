"""Salesforce record ids: 15-character ids made 18-character (the case-safe suffix rule)."""

from __future__ import annotations

import numpy as np
import pandas as pd

_SUFFIX_CHARS = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", dtype=np.uint8)
_BIT_WEIGHTS = 1 << np.arange(5)
NULL_IDS = frozenset({"000000000000000", "000000000000000AAA"})
QUEUE_PREFIX = "00G"
EVENT_PREFIX = "00U"


def suffixes(ids15: np.ndarray) -> np.ndarray:
    """The 3-character case-safe suffix of each 15-character id (numpy array of str)."""
    chars = np.frombuffer("".join(ids15).encode("ascii", "replace"), dtype=np.uint8).reshape(-1, 3, 5)
    # Each 5-character chunk gives one suffix letter: bit i is set when character i is upper case.
    index = (((chars >= ord("A")) & (chars <= ord("Z"))) * _BIT_WEIGHTS).sum(axis=2)
    return _SUFFIX_CHARS[index].view("S3").ravel().astype(str)


def to_18(ids: pd.Series) -> pd.Series:
    """Ids as 18-character strings: 15-character ids get their suffix; blanks and the null id become NA.

    Other lengths are returned as they are, for validation to report.
    """
    out = ids.astype("str").str.strip()
    out = out.mask(out.isin(NULL_IDS) | (out == ""))
    short = (out.str.len() == 15).fillna(False).to_numpy(bool)
    if short.any():
        values = out.to_numpy(dtype=object)
        values[short] = values[short] + suffixes(values[short].astype(str))
        out = pd.Series(values, index=ids.index, dtype="str")
    return out


def make_ids(prefix: str, numbers: np.ndarray, pod: str = "5g0") -> np.ndarray:
    """18-character ids `prefix + pod + base-62 counter + suffix`, like those of a real org (for sample data)."""
    alphabet = np.array(list("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    width = 15 - len(prefix) - len(pod)
    rest = np.asarray(numbers, dtype=np.int64).copy()
    digits = np.empty((len(rest), width), dtype="<U1")
    for position in range(width - 1, -1, -1):  # loops over digit positions, not rows
        digits[:, position] = alphabet[rest % 62]
        rest //= 62
    ids15 = np.char.add(prefix + pod, digits.view(f"<U{width}").ravel())
    return np.char.add(ids15, suffixes(ids15)) if len(ids15) else ids15


def without_queues(owners: pd.Series | np.ndarray) -> pd.Series:
    """Owner ids with a queue (00G...) or a blank made NA: a queue counts for nobody."""
    owners = pd.Series(owners, dtype="str")
    return owners.mask(owners.str.startswith(QUEUE_PREFIX).fillna(True))
