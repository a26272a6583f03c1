"""Owner, manager and role names in report exports, matched to ids.

Reports print people by full name ('Alice Adams'), not id. A name is matched to the users of the same import
and of the store, case- and space-insensitively; a name that matches no user, or several, is reported by
file and row. A lead owner that is no known user (a queue's name, in a leads report or a field-history report)
stands for an owner who is no rep, so the lead counts for nobody then, as a queue-owned lead does. An
opportunity's owner is always a user: an unknown name there (also in its field history) is left empty.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi.ids import to_18
from kpi.lookup import remap
from kpi.schema import TABLES, Problem
from kpi.sources.labels import FIELD_LABELS

NOT_A_USER = "00G000000000000AAA"  # a queue-like id for a history owner no user is named after
_ID = r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$"
_AMBIGUOUS = "\x00ambiguous"
_PEOPLE = {"users": ("ManagerId",), "activities": ("OwnerId",), "leads": ("OwnerId",),
           "opportunities": ("OwnerId",), "quotas": ("QuotaOwnerId",), "accounts": ("OwnerId", "Named_ADR__c"),
           "contacts": ("OwnerId",), "campaigns": ("OwnerId",)}
_LISTED = 10  # unmatched names reported one by one per column
_QUEUE_OWNED = frozenset({"leads", "lead_history"})  # tables whose owner may be a queue, printed by its name


def _normal(names: pd.Index | pd.Series) -> pd.Index | pd.Series:
    return names.str.strip().str.lower().str.replace(r"\s+", " ", regex=True)


def _index(frames: list[pd.DataFrame]) -> dict[str, str]:
    """Normalised name -> 18-character id; a name two different ids share maps to a marker."""
    parts = [pd.DataFrame({"name": _normal(f["Name"].astype("str")), "id": to_18(f["Id"])}) for f in frames
             if f is not None and not f.empty]
    if not parts:
        return {}
    pairs = pd.concat(parts).dropna().drop_duplicates()
    counts = pairs["name"].value_counts()
    return dict(zip(pairs["name"], pairs["id"])) | dict.fromkeys(counts.index[counts > 1], _AMBIGUOUS)


@dataclass
class Names:
    """Who is called what: users and roles by name; roles met only by name get an id of their own."""

    users: dict[str, str]
    roles: dict[str, str]
    created_roles: dict[str, tuple[str, str]] = field(default_factory=dict)  # normalised -> (id, name)

    @classmethod
    def of(cls, user_texts: list[pd.DataFrame], known_users: pd.DataFrame | None,
           role_texts: list[pd.DataFrame], known_roles: pd.DataFrame | None) -> Names:
        return cls(_index([*user_texts, known_users]), _index([*role_texts, known_roles]))

    @property
    def new_roles(self) -> pd.DataFrame | None:
        """UserRole rows for role names a users report gave without a UserRole file."""
        if not self.created_roles:
            return None
        ids, names = zip(*self.created_roles.values())
        return pd.DataFrame({"Id": pd.Series(ids, dtype="str"), "Name": pd.Series(names, dtype="str")})

    def role_ids(self, names: pd.Series) -> pd.Series:
        """Role ids for role names, making a stable id for a role no UserRole row names."""
        normal = _normal(names.dropna().drop_duplicates())
        for key, name in zip(normal, names.dropna().drop_duplicates()):
            if key not in self.roles:
                made = to_18(pd.Series(["00E" + hashlib.sha1(key.encode()).hexdigest()[:12]]))[0]
                self.roles[key] = made
                self.created_roles[key] = (made, name.strip())
        return remap(names, self.roles, _normal)


def _named(values: pd.Series) -> np.ndarray:
    """Cells holding a name rather than an id."""
    return (values.notna() & ~values.str.strip().str.match(_ID).fillna(False)).to_numpy(bool)


def _unmatched(file: str, column: str, names: pd.Series, found: pd.Series, outcome: str) -> list[Problem]:
    """One problem per distinct name that matched no user or several, with its first row and row count."""
    lost = names[found.isna() | (found == _AMBIGUOUS)]
    problems = []
    for name, rows in list(lost.groupby(lost, sort=False).groups.items())[:_LISTED]:
        why = "matches several users" if (found[rows] == _AMBIGUOUS).any() else "matches no user"
        problems.append(Problem(file, f"'{name}' {why} ({len(rows)} row{'s' if len(rows) > 1 else ''}); "
                                      f"{outcome}", int(rows[0]), column))
    more = lost.nunique() - _LISTED
    return problems + ([Problem(file, f"{more} more names match no user", None, column)] if more > 0 else [])


def _people(text: pd.DataFrame, table: str, column: str, file: str, names: Names, missing: str | None,
            rows: np.ndarray | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """`column`'s names (in `rows`, default all) replaced by user ids; unmatched ones by `missing`."""
    where = _named(text[column]) & (rows if rows is not None else True)
    if not where.any():
        return text, []
    cells = text.loc[where, column]
    found = remap(cells, names.users, _normal).astype("str")  # (all NA, with no user known at all)
    needed = not TABLES[table].columns()[column].nullable  # no owner, no row (a quota of nobody)
    outcome = ("row skipped" if needed else "left empty") if missing is None else \
        "taken as an owner who is no rep (a queue?)"
    problems = _unmatched(file, column, cells, found, outcome)
    resolved = found.where(found != _AMBIGUOUS)
    text = text.copy()
    text.loc[where, column] = resolved.fillna(missing) if missing else resolved
    return (text.loc[text[column].notna() | ~where] if needed else text), problems


def link_names(text: pd.DataFrame, table: str, file: str, names: Names) -> tuple[pd.DataFrame, list[Problem]]:
    """A file's person and role names replaced by ids (its columns are already canonical)."""
    problems: list[Problem] = []
    if table in FIELD_LABELS:  # a field history: owner changes name their owners
        field_names = text["Field"].str.strip().str.lower().map(FIELD_LABELS[table], na_action="ignore")
        text = text.assign(Field=field_names.fillna(text["Field"]).astype("str"))
        untyped_owner = ((text["Field"] == "Owner") & text["DataType"].isna()).to_numpy(bool)
        missing = NOT_A_USER if table in _QUEUE_OWNED else None  # an opportunity's owner is always a user
        for column in ("OldValue", "NewValue"):
            text, found = _people(text, table, column, file, names, missing, untyped_owner)
            problems += found
        named = untyped_owner & text["OldValue"].str.match(_ID).fillna(False).to_numpy(bool)
        text.loc[named, "DataType"] = "EntityId"
        return text, problems
    for column in _PEOPLE.get(table, ()):
        text, found = _people(text, table, column, file, names, NOT_A_USER if table in _QUEUE_OWNED else None)
        problems += found
    if table == "users":
        where = _named(text["UserRoleId"])
        if where.any():
            text = text.copy()
            text.loc[where, "UserRoleId"] = names.role_ids(text.loc[where, "UserRoleId"])
    return text, problems
