"""Vectorised helpers shared by the parts of the sample org: text from arrays, weighted draws, look-ups of
random partners, and record ids issued in creation order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.ids import make_ids


def ascii_names(names) -> np.ndarray:
    """Lower-case ASCII forms of names for e-mail addresses ('Zoë O'Brien' -> 'zoe', 'obrien')."""
    s = pd.Series(np.asarray(names, dtype=object), dtype=object)
    s = s.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii").str.lower()
    return s.str.replace(r"[^a-z0-9]", "", regex=True).to_numpy(dtype=object)


def cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars (object arrays)."""
    out = np.asarray(parts[0], dtype=object)
    for part in parts[1:]:
        out = out + np.asarray(part, dtype=object)
    return out


def bool_text(values: np.ndarray) -> np.ndarray:
    """'true' / 'false', as Salesforce exports booleans."""
    return np.where(np.asarray(values, bool), "true", "false").astype(object)


def round100(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, float) / 100.0) * 100.0


def lognormal(rng, median, sigma, n, low, high) -> np.ndarray:
    return np.clip(np.exp(rng.normal(np.log(median), sigma, n)), low, high)


def choose_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column per row of a non-negative weight matrix, drawn in proportion to the weights."""
    if weights.shape[0] == 0:
        return np.zeros(0, np.int64)
    cum = np.cumsum(weights, axis=1)
    u = rng.random(weights.shape[0]) * cum[:, -1]
    return np.minimum((cum <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def expand_days(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, day) pairs for every day from first through last of each row."""
    count = np.maximum(last - first + 1, 0).astype(np.int64)
    rows = np.repeat(np.arange(len(count)), count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return rows, first[rows] + offsets


def assign(rng, slot_key, pair_key, pair_value) -> np.ndarray:
    """For each slot, a random value among the pairs with the same key (-1 when there is none)."""
    out = np.full(len(slot_key), -1, np.int64)
    if len(pair_key) == 0 or len(slot_key) == 0:
        rng.random(len(slot_key))
        return out
    order = np.argsort(pair_key, kind="stable")
    keys, values = pair_key[order], pair_value[order]
    lo = np.searchsorted(keys, slot_key, "left")
    count = np.searchsorted(keys, slot_key, "right") - lo
    pick = lo + np.floor(rng.random(len(slot_key)) * count).astype(np.int64)
    ok = count > 0
    out[ok] = values[np.minimum(pick[ok], len(values) - 1)]
    return out


def ids_in_order(prefix, times, base, *tiebreak) -> tuple[np.ndarray, np.ndarray]:
    """Ids issued in creation order (ties by the tiebreak arrays, then position), and that order."""
    order = np.lexsort(tuple(reversed((times,) + tiebreak))) if tiebreak else np.argsort(times, kind="stable")
    rank = np.empty(len(times), np.int64)
    rank[order] = np.arange(len(times))
    return make_ids(prefix, base + rank), order
