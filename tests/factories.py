"""Tiny canonical tables for engine tests: a test states only the columns that matter, the rest are empty."""

from __future__ import annotations

import pandas as pd

from kpi.schema import DATE_DTYPE, DATETIME_DTYPE, TABLES, Kind, Org


def uid(prefix: str, n: int) -> str:
    """An 18-character id with the given key prefix, e.g. uid('005', 1) for user 1."""
    return f"{prefix}{n:012d}AAA"


def user(n: int) -> str:
    return uid("005", n)


def table(name: str, *rows: dict) -> pd.DataFrame:
    """A canonical table from row dicts; unnamed columns are empty (booleans False), types as the schema says."""
    spec = TABLES[name]
    frame = pd.DataFrame(list(rows), columns=list(spec.columns()))
    for column, declared in spec.columns().items():
        kind = declared.metadata["kind"]
        if kind is Kind.BOOL:
            frame[column] = frame[column].astype(object).fillna(False).astype(bool)
        elif kind is Kind.DATE:
            frame[column] = pd.to_datetime(frame[column]).astype(DATE_DTYPE)
        elif kind is Kind.DATETIME:
            frame[column] = pd.to_datetime(frame[column], utc=True).astype(DATETIME_DTYPE)
        elif kind in (Kind.NUMBER, Kind.MONEY):
            frame[column] = frame[column].astype(float)
        else:
            frame[column] = frame[column].astype("str")
    return spec.model.validate(frame)


def org(**tables: list[dict]) -> Org:
    """An Org from lists of row dicts per table name (users=[...], activities=[...])."""
    return Org.from_tables({name: table(name, *rows) for name, rows in tables.items()})
