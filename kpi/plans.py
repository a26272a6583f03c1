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
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.channels import CHANNELS, channel_key
from kpi.goals import USER_ID_PATTERN, team_of_row
from kpi.people import ROLE
from kpi.people import teams as people_teams
from kpi.schema import QUARTER_NAME, TABLES, GoalPeriod, Goals, Metric, Org, Problem, Users

G, U = Goals, Users
FOLDER = "plans"
COLUMNS = [G.owner, G.metric, G.period, G.target, G.channel, G.quarter]  # the goals file's columns, in order
PLANNED = ("revenue", "pipeline_created", "partners_recruited", "partners_certified", "new_customers", "activities",
           "sal", "sql")  # the metrics a team line may plan (kpi.plan.LINES)


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
    """Every readable saved version, oldest first (`in_force` says which could not be read)."""
    found = []
    for path in sorted(_folder(root).glob("v*.json")):
        try:
            d = _read(path)
            found.append(Version(int(d["number"]), str(d["saved_at"]), str(d["saved_by"]), int(d.get("based_on", 0)),
                                 str(d.get("note", "")), len(d["rows"])))
        except (PlanError, KeyError, TypeError, ValueError):
            continue
    return found


def latest(root: Path) -> int:
    """The newest version's number (0: none saved)."""
    numbers = [int(path.stem[1:]) for path in _folder(root).glob("v*.json") if path.stem[1:].isdigit()]
    return max(numbers, default=0)


def read(root: Path, number: int) -> pd.DataFrame:
    """A saved version as the canonical goals table (PlanError when its file cannot be read as one)."""
    path = _path(root, number)
    doc = _read(path)
    try:
        return _table(pd.DataFrame(doc["rows"], columns=COLUMNS))
    except (KeyError, TypeError, ValueError) as error:
        raise PlanError([f"{path}: not a saved plan ({error})"]) from None


def _table(rows: pd.DataFrame) -> pd.DataFrame:
    """Checked rows typed as the goals table (empty channel and quarter: NaN)."""
    blank = rows[[G.channel, G.quarter]].astype("str").apply(lambda c: c.str.strip()).replace("", pd.NA)
    frame = rows.assign(**{G.target: pd.to_numeric(rows[G.target]), G.channel: blank[G.channel],
                           G.quarter: blank[G.quarter]})
    empty = TABLES["goals"].empty()
    return frame[COLUMNS].astype({name: empty[name].dtype for name in COLUMNS}).reset_index(drop=True)


def in_force(org: Org, root: Path) -> tuple[Org, int]:
    """`org` with the newest readable saved plan as its goals, and that version's number (0: none saved, `org`
    as is). A newer version that cannot be read is passed over, and said among the org's problems."""
    unreadable = []
    for number in range(latest(root), 0, -1):
        try:
            goals = read(root, number)
        except PlanError as error:
            unreadable.append(Problem(FOLDER, f"{error}; the version before it is used"))
            continue
        return replace(org, goals=goals, problems=(*org.problems, *unreadable)), number
    return (replace(org, problems=(*org.problems, *unreadable)) if unreadable else org), 0


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


def check(rows: pd.DataFrame, people: pd.DataFrame, first_row: int | None = 1) -> pd.DataFrame:
    """`rows` (texts, as typed in the editor or read from a goals file; `first_row` numbers the first, None: the
    index labels number them) as the goals table, or PlanError listing every problem by row and column: an owner
    that is no user (Id or email), role, team ('team:<team>') nor '*'; an unknown metric or period; a target that
    is empty, not a number or negative; a channel other than direct, reseller, service_provider, or on another
    metric than revenue; a quarter not written like 'FY2026 Q4'; a team line for another period than a quarter
    or another metric than the plan's; two rows setting the same thing."""
    missing = [c for c in (G.owner, G.metric, G.period, G.target) if c not in rows.columns]
    if missing:
        raise PlanError([f"the columns {', '.join(missing)} are missing: a plan has the columns "
                         f"{', '.join(COLUMNS)} (channel and quarter may be left out)"])
    text = rows.reindex(columns=COLUMNS).astype("str").apply(lambda c: c.str.strip()).fillna("")
    text = text.replace({"nan": "", "None": "", "<NA>": ""})
    # Names are forgiven their case (and a channel its spaces: 'Service Provider'); numbers and owners are not.
    text[[G.metric, G.period]] = text[[G.metric, G.period]].apply(lambda c: c.str.casefold())
    text[G.channel] = channel_key(text[G.channel])
    labels = text.index if first_row is None else range(first_row, first_row + len(text))
    numbers = pd.Series([str(i) for i in labels], index=text.index)
    where = "row " + numbers
    problems = pd.concat([_owner_problems(text, people, where), _value_problems(text, where)]).sort_index(
        kind="stable")
    again = _repeats(text, _target_keys(text, people), numbers)
    found = [*problems.tolist(), *again]
    if found:
        raise PlanError(found)
    return _table(text)


def _target_keys(rows: pd.DataFrame, people: pd.DataFrame) -> pd.Series:
    """What each row sets a target for: two rows set the same one when they name the same user (by id, 15 or 18
    characters, or by email) or the same role, team or '*', for the same metric, period, channel and quarter."""
    who = _user_of(rows[G.owner].astype("str"), people).fillna(rows[G.owner].astype("str").str.casefold())
    what = rows[[G.metric, G.period, G.channel, G.quarter]].astype("str").fillna("").apply(lambda c: c.str.casefold())
    return who.str.cat([what[c] for c in what.columns], sep="|")


def _repeats(text: pd.DataFrame, keys: pd.Series, numbers: pd.Series) -> list[str]:
    """'rows 3 and 7 set the same target (...)': one line per key that more than one row has."""
    repeated = keys.duplicated(keep=False)
    if not repeated.any():
        return []
    rows = numbers[repeated].groupby(keys[repeated], sort=False).agg(" and ".join)
    first = text.loc[repeated].groupby(keys[repeated], sort=False).first()
    said = first[[G.owner, G.metric, G.period, G.channel, G.quarter]].agg(
        lambda r: ", ".join(v for v in r if v), axis=1)
    return ("rows " + rows + " set the same target (" + said.reindex(rows.index) + "): keep one").tolist()


def editable(goals: pd.DataFrame, people: pd.DataFrame, sees: frozenset[str] | None,
             whole_teams: frozenset[str] | None = None) -> pd.Series:
    """The rows a viewer may change: all for one who sees everyone (None); for a manager, the team lines of the
    teams of the reps they see (only those all of whose reps they see, when `whole_teams` says which) and the
    rows naming one of the reps they see (Id or email). Role and '*' rows set goals for people they do not see:
    only an admin changes those."""
    if sees is None:
        return pd.Series(True, index=goals.index)
    owner = goals[G.owner].astype("str").str.strip()
    theirs = _user_of(owner, people).isin(sees)
    team = team_of_row(goals).str.casefold()
    teams = [t.casefold() for t in people_teams(people.loc[people[U.Id].isin(sees)])
             if whole_teams is None or t in whole_teams]
    return (team.isin(teams) | theirs).astype(bool)


def edit(goals: pd.DataFrame, edited: pd.DataFrame, shown: pd.Series, people: pd.DataFrame,
         sees: frozenset[str] | None, whole_teams: frozenset[str] | None = None) -> pd.DataFrame:
    """The whole goals table after an edit of its `shown` rows: `edited` (as typed, its index numbering its rows)
    checked, refused when a row names an owner the viewer may not plan for (`editable`), then put back among
    the rows that were not shown, which stay as they were; PlanError also when an edited row sets the same
    target as one of those."""
    outside = ~editable(edited.reindex(columns=COLUMNS).astype({G.owner: "str"}), people, sees, whole_teams)
    if outside.any():
        raise PlanError([f"row {i}, owner: {o} is not one of your teams (team:<team>) or reps: an admin sets it"
                         for i, o in edited.loc[outside, G.owner].items()])
    table = check(edited, people, first_row=None).set_axis(edited.index)
    kept = goals.loc[~shown, COLUMNS]
    keys = _target_keys(pd.concat([table, kept], ignore_index=True), people)
    clash = keys.iloc[:len(table)].isin(keys.iloc[len(table):])
    if clash.any():
        raise PlanError([f"row {i}: sets the same target as a row not shown here (choose 'Every goal row' to see "
                         "it): keep one" for i in table.index[clash.to_numpy()]])
    return pd.concat([kept, table], ignore_index=True)


def _user_of(owner: pd.Series, people: pd.DataFrame) -> pd.Series:
    """The user id an owner names by id (15 or 18 characters) or email, NaN for a role, team or '*'."""
    by_id = people.assign(_short=people[U.Id].str[:15]).set_index("_short")[U.Id]
    by_email = people.dropna(subset=[U.Email]).assign(_email=lambda p: p[U.Email].str.casefold()).drop_duplicates(
        "_email").set_index("_email")[U.Id]
    named = owner.str[:15].map(by_id).where(owner.str.match(USER_ID_PATTERN))
    return named.fillna(owner.str.casefold().map(by_email).where(owner.str.contains("@")))


def _owner_problems(text: pd.DataFrame, people: pd.DataFrame, where: pd.Series) -> pd.Series:
    owner = text[G.owner]
    team = team_of_row(text)
    teams = people_teams(people)
    roles = set(people[ROLE].dropna().str.strip().str.casefold())
    is_id, is_email = owner.str.match(USER_ID_PATTERN), owner.str.contains("@")
    known = ((owner == "*") | _user_of(owner, people).notna()
             | (~is_id & ~is_email & team.isna() & owner.str.casefold().isin(roles))
             | team.str.casefold().isin([t.casefold() for t in teams]))
    said = pd.Series("", index=text.index)
    said[owner.eq("")] = "owner is empty"
    said[is_id & ~known] = "no user has the id " + owner
    said[is_email & ~known] = "no user has the email " + owner
    said[team.notna() & ~known] = "no team " + team.fillna("") + " (teams: " + ", ".join(teams) + ")"
    plain = owner.ne("") & ~is_id & ~is_email & team.isna() & ~known
    said[plain] = (owner + " is neither a role (" + ", ".join(sorted(people[ROLE].dropna().unique()))
                   + "), a user's id or email, a team (team:<team>) nor *")
    said[team.notna() & known & text[G.period].ne("quarter")] = "a team line (team:...) is a quarter's plan: period quarter"
    said[team.notna() & known & ~text[G.metric].isin(PLANNED)] = ("a team line plans one of " + ", ".join(PLANNED)
                                                                 + ", not " + text[G.metric])
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
        (G.quarter, text[G.quarter].ne("") & ~text[G.quarter].str.match(QUARTER_NAME),
         "'" + text[G.quarter] + "' is not a fiscal quarter like FY2026 Q4"),
    ]
    found = [(where + f", {column}: " + message)[bad] for column, bad, message in checks]
    return pd.concat(found)
