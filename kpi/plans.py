"""Saved plans: every version of the goals table that the Plan page or `python -m kpi goals import` saved, with
who saved it and when. The newest version is the goals table in force; none saved: the source's goals file.

Layout under the store's root:  plans/v00001.json, v00002.json, ...  each {"number", "saved_at", "saved_by",
"note", "based_on", "rows": [{owner, metric, period, target, channel, quarter}, ...]}. A version file is written
whole under a temporary name, then linked to its number: the link fails when that number exists, so of two
saves made from the same version only the first lands and the second is refused (PlanConflict), never merged.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.channels import CHANNELS
from kpi.goals import team_of_row
from kpi.people import ROLE
from kpi.people import teams as people_teams
from kpi.schema import TABLES, TEAM_OWNER, GoalPeriod, Goals, Metric, Org, Users

G, U = Goals, Users
FOLDER = "plans"
COLUMNS = [G.owner, G.metric, G.period, G.target, G.channel, G.quarter]  # the goals file's columns, in order
_QUARTER = re.compile(r"^FY\d{4} Q[1-4]$")
_USER_ID = re.compile(r"^005\w{12}(\w{3})?$")


class PlanError(ValueError):
    """A plan that cannot be saved: every problem, each naming its row and column."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class PlanConflict(Exception):
    """Someone saved a newer version since the one an edit started from: nothing was saved."""


@dataclass(frozen=True)
class Version:
    """One saved plan: its number, when (UTC) and by whom, the version it was edited from, and a note."""

    number: int
    saved_at: str
    saved_by: str
    based_on: int
    note: str
    rows: int


def _folder(root: Path) -> Path:
    return Path(root) / FOLDER


def _path(root: Path, number: int) -> Path:
    return _folder(root) / f"v{number:05d}.json"


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise PlanError([f"{path}: unreadable saved plan ({error})"]) from None


def versions(root: Path) -> list[Version]:
    """Every saved version, oldest first."""
    docs = [_read(path) for path in sorted(_folder(root).glob("v*.json"))]
    return [Version(d["number"], d["saved_at"], d["saved_by"], d.get("based_on", 0), d.get("note", ""),
                    len(d["rows"])) for d in docs]


def latest(root: Path) -> int:
    """The newest version's number (0: none saved)."""
    numbers = [int(path.stem[1:]) for path in _folder(root).glob("v*.json") if path.stem[1:].isdigit()]
    return max(numbers, default=0)


def read(root: Path, number: int) -> pd.DataFrame:
    """A saved version as the canonical goals table."""
    return _table(pd.DataFrame(_read(_path(root, number))["rows"], columns=COLUMNS))


def _table(rows: pd.DataFrame) -> pd.DataFrame:
    """Checked rows typed as the goals table (empty channel and quarter: NaN)."""
    blank = rows[[G.channel, G.quarter]].astype("str").apply(lambda c: c.str.strip()).replace("", pd.NA)
    frame = rows.assign(**{G.target: pd.to_numeric(rows[G.target]), G.channel: blank[G.channel],
                           G.quarter: blank[G.quarter]})
    empty = TABLES["goals"].empty()
    return frame[COLUMNS].astype({name: empty[name].dtype for name in COLUMNS}).reset_index(drop=True)


def in_force(org: Org, root: Path) -> tuple[Org, int]:
    """`org` with the newest saved plan as its goals, and that version's number (0: none saved, `org` as is)."""
    number = latest(root)
    return (replace(org, goals=read(root, number)) if number else org), number


def save(root: Path, goals: pd.DataFrame, by: str, based_on: int, note: str = "") -> Version:
    """Save `goals` (checked: `check`) as the version after `based_on`. PlanConflict when that number is taken
    (someone saved since): nothing is written."""
    number = based_on + 1
    doc = {"number": number, "saved_at": pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ"),
           "saved_by": by, "based_on": based_on, "note": note,
           "rows": goals[COLUMNS].astype(object).where(goals[COLUMNS].notna(), None).to_dict("records")}
    folder = _folder(root)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tmp", delete=False, encoding="utf-8") as out:
        json.dump(doc, out, indent=1)
    try:
        os.link(out.name, _path(root, number))
    except FileExistsError:
        newer = versions(root)[-1]
        raise PlanConflict(f"{newer.saved_by} saved version {newer.number} at {newer.saved_at} while you were "
                           f"editing version {based_on}: your changes were not saved. Reload to see theirs, then "
                           "make your changes again.") from None
    finally:
        os.unlink(out.name)
    return Version(number, doc["saved_at"], by, based_on, note, len(goals))


def check(rows: pd.DataFrame, people: pd.DataFrame, first_row: int = 1) -> pd.DataFrame:
    """`rows` (texts, as typed in the editor or read from a goals file; `first_row` numbers the first) as
    the goals table, or PlanError listing every problem by row and column: an owner that is no user (Id or
    email), role, team ('team:<team>') nor '*'; an unknown metric or period; a target that is empty, not a
    number or negative; a channel other than direct, reseller, service_provider, or on another metric than
    revenue; a quarter not written like 'FY2026 Q4'; a team line for another period than a quarter; two rows
    setting the same thing."""
    missing = [c for c in (G.owner, G.metric, G.period, G.target) if c not in rows.columns]
    if missing:
        raise PlanError([f"the columns {', '.join(missing)} are missing: a plan has the columns "
                         f"{', '.join(COLUMNS)} (channel and quarter may be left out)"])
    text = rows.reindex(columns=COLUMNS).astype("str").apply(lambda c: c.str.strip()).fillna("")
    text = text.replace({"nan": "", "None": "", "<NA>": ""})
    # Names are forgiven their case (and a channel its spaces: 'Service Provider'); numbers and owners are not.
    text[[G.metric, G.period]] = text[[G.metric, G.period]].apply(lambda c: c.str.casefold())
    text[G.channel] = text[G.channel].str.casefold().str.replace(r"[\s-]+", "_", regex=True)
    numbers = pd.Series([str(i) for i in range(first_row, first_row + len(text))], index=text.index)
    where = "row " + numbers
    problems = pd.concat([_owner_problems(text, people, where), _value_problems(text, where)]).sort_index(
        kind="stable")
    # Two rows set the same target when they name the same user (by id, 15 or 18 characters, or by email) or the
    # same role, team or '*', for the same metric, period, channel and quarter.
    key = [G.metric, G.period, G.channel, G.quarter]
    who = _user_of(text[G.owner], people).fillna(text[G.owner].str.casefold())
    twice = text.assign(_key=who.str.cat(text[key].apply(lambda c: c.str.casefold()), sep="|"))
    repeated = twice.loc[twice["_key"].duplicated(keep=False)]
    again = repeated.groupby("_key", sort=False).apply(
        lambda g: f"rows {' and '.join(numbers[g.index])} set the same target ({g[G.owner].iloc[0]}, "
                  f"{g[G.metric].iloc[0]}, {g[G.period].iloc[0]}{', ' + g[G.channel].iloc[0] if g[G.channel].iloc[0] else ''}"
                  f"{', ' + g[G.quarter].iloc[0] if g[G.quarter].iloc[0] else ''}): keep one",
        include_groups=False) if len(repeated) else pd.Series(dtype=str)
    found = [*problems.tolist(), *again.tolist()]
    if found:
        raise PlanError(found)
    return _table(text)


def editable(goals: pd.DataFrame, people: pd.DataFrame, sees: frozenset[str] | None) -> pd.Series:
    """The rows a viewer may change: all for one who sees everyone (None); for a manager, the team lines of the
    teams of the reps they see and the rows naming one of those reps (Id or email). Role and '*' rows set goals
    for people they do not see: only an admin changes those."""
    if sees is None:
        return pd.Series(True, index=goals.index)
    mine = people.loc[people[U.Id].isin(sees)]
    owner = goals[G.owner].astype("str").str.strip()
    by_id = owner.str.match(_USER_ID) & owner.str[:15].isin(set(mine[U.Id].str[:15]))
    by_email = owner.str.casefold().isin(set(mine[U.Email].dropna().str.casefold()))
    return (team_of_row(goals).isin(people_teams(mine)) | by_id | by_email).astype(bool)


def _user_of(owner: pd.Series, people: pd.DataFrame) -> pd.Series:
    """The user id an owner names by id (15 or 18 characters) or email, NaN for a role, team or '*'."""
    by_id = people.assign(_short=people[U.Id].str[:15]).set_index("_short")[U.Id]
    by_email = people.dropna(subset=[U.Email]).assign(_email=lambda p: p[U.Email].str.casefold()).drop_duplicates(
        "_email").set_index("_email")[U.Id]
    named = owner.str[:15].map(by_id).where(owner.str.match(_USER_ID))
    return named.fillna(owner.str.casefold().map(by_email).where(owner.str.contains("@")))


def _owner_problems(text: pd.DataFrame, people: pd.DataFrame, where: pd.Series) -> pd.Series:
    owner = text[G.owner]
    team = owner.str[len(TEAM_OWNER):].str.strip().where(owner.str.casefold().str.startswith(TEAM_OWNER))
    teams = people_teams(people)
    roles = set(people[ROLE].dropna().str.strip().str.casefold())
    ids = set(people[U.Id].str[:15])
    emails = set(people[U.Email].dropna().str.casefold())
    is_id, is_email = owner.str.match(_USER_ID), owner.str.contains("@")
    known = ((owner == "*") | (is_id & owner.str[:15].isin(ids)) | (is_email & owner.str.casefold().isin(emails))
             | (~is_id & ~is_email & team.isna() & owner.str.casefold().isin(roles)) | team.isin(teams))
    said = pd.Series("", index=text.index)
    said[owner.eq("")] = "owner is empty"
    said[is_id & ~known] = "no user has the id " + owner
    said[is_email & ~known] = "no user has the email " + owner
    said[team.notna() & ~known] = "no team " + team.fillna("") + " (teams: " + ", ".join(teams) + ")"
    plain = owner.ne("") & ~is_id & ~is_email & team.isna() & ~known
    said[plain] = (owner + " is neither a role (" + ", ".join(sorted(people[ROLE].dropna().unique()))
                   + "), a user's id or email, a team (team:<team>) nor *")
    said[team.notna() & known & text[G.period].ne("quarter")] = "a team line (team:...) is a quarter's plan: period quarter"
    return (where + ", owner: " + said)[said.ne("")]


def _value_problems(text: pd.DataFrame, where: pd.Series) -> pd.Series:
    metrics, periods = [m.value for m in Metric], [p.value for p in GoalPeriod]
    number = pd.to_numeric(text[G.target], errors="coerce")
    number = number.where(np.isfinite(number))  # 'inf' is no target
    checks = [
        (G.metric, ~text[G.metric].isin(metrics), "'" + text[G.metric] + "' is not one of " + ", ".join(metrics)),
        (G.period, ~text[G.period].isin(periods), "'" + text[G.period] + "' is not one of " + ", ".join(periods)),
        (G.target, text[G.target].eq(""), pd.Series("empty: write a number", index=text.index)),
        (G.target, text[G.target].ne("") & number.isna(), "'" + text[G.target] + "' is not a number"),
        (G.target, number.lt(0), text[G.target] + " is negative"),
        (G.channel, text[G.channel].ne("") & ~text[G.channel].isin(CHANNELS),
         "'" + text[G.channel] + "' is not one of " + ", ".join(CHANNELS)),
        (G.channel, text[G.channel].ne("") & text[G.metric].ne("revenue"), "only revenue is planned by channel"),
        (G.quarter, text[G.quarter].ne("") & ~text[G.quarter].str.match(_QUARTER),
         "'" + text[G.quarter] + "' is not a fiscal quarter like FY2026 Q4"),
    ]
    found = [(where + f", {column}: " + message)[bad] for column, bad, message in checks]
    return pd.concat(found)
