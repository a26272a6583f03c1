"""Who sees what: a signed-in person's role, the users whose figures and records they may see, and the facts cut
down to exactly that. Every page, export and command that serves a viewer computes from `restrict`ed facts."""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd
import tomli_w

from kpi import activity, funnel, goals, people, pipeline
from kpi.funnel import StageRules, owner_change_rows
from kpi.ids import to_18
from kpi.lookup import among
from kpi.periods import FiscalCalendar
from kpi.schema import (Accounts, Activities, CampaignMembers, Contacts, Goals, LeadHistory, Leads, NamedAccounts,
                        OpportunityFieldHistory, OpportunityPartners, Opportunities, Quotas, Users)
from kpi.summary import Facts, Simulation, summary

U, O, L = Users, Opportunities, Leads

ROLE_RULE = ("A signed-in person is matched to the active Salesforce User with their email (case ignored; "
             "`[emails]` in the access file maps a sign-in email to another). An **admin** (named in the access "
             "file) sees everything and the Data page. A **manager** — a user whom others report to (ManagerId), "
             "or one the access file makes a manager — sees everyone below them in the hierarchy, however many "
             "levels down, plus any teams the file gives them. A **rep** sees their own figures and records, and "
             "their team's leaderboard and totals only when the admin allows it. An inactive or unknown user "
             "sees nothing.")
SCOPE_RULE = ("A viewer's data holds the records that someone they may see owns or once owned (lead and "
              "opportunity owner history), with those records' history, the activities logged on them and the "
              "opportunities converted from those leads; the accounts of their deals and those named for them "
              "(Named ADR field or named-accounts file), with those accounts' contacts and the activities on them; "
              "the campaign members among their leads and contacts; every campaign and named-accounts row. "
              "Figures are attributed exactly as for everyone "
              "(owner at the time), so a rep's own figures are the same whoever looks. What each stage means and "
              "the forecast's win rates are read off the whole org (statistics; no record of it is shown); the "
              "forecast's random draws follow the deals simulated together, so a simulated figure can differ by "
              "a fraction of a percent between a rep's own view and a team's.")


ACCESS_FILE = "access.toml"


def policy_file(store: Path) -> Path:
    """The access file: KPI_ACCESS, else access.toml in the local store's folder."""
    return Path(os.environ.get("KPI_ACCESS") or store / ACCESS_FILE)


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    REP = "rep"


class AccessDenied(Exception):
    """The person may not see this data (unknown, inactive, ambiguous): the message says why."""


class AccessFileError(ValueError):
    """The access file cannot be read: the message names the file and the key."""


@dataclass(frozen=True)
class Policy:
    """The access file (`access.toml`): overrides on top of what Salesforce's hierarchy says. Emails in lower case."""

    reps_see_leaderboard: bool = False
    roles: dict[str, Role] = field(default_factory=dict)  # email -> role, over the hierarchy's
    teams: dict[str, tuple[str, ...]] = field(default_factory=dict)  # manager email -> extra teams they see
    emails: dict[str, str] = field(default_factory=dict)  # sign-in email -> Salesforce User email

    @classmethod
    def read(cls, path: Path) -> Policy:
        """The policy in `path`; the defaults when there is no such file."""
        if not path.is_file():
            return cls()
        try:
            doc = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise AccessFileError(f"{path}: not TOML ({error})") from None
        return cls.from_document(doc, str(path))

    @classmethod
    def from_document(cls, doc: dict, where: str) -> Policy:
        unknown = set(doc) - {"reps_see_leaderboard", "roles", "teams", "emails"}
        if unknown:
            raise AccessFileError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; the keys are "
                                  "reps_see_leaderboard, [roles], [teams] and [emails]")
        if not isinstance(doc.get("reps_see_leaderboard", False), bool):
            raise AccessFileError(f"{where}: reps_see_leaderboard must be true or false")
        roles = {}
        for email, role in doc.get("roles", {}).items():
            if role not in set(Role):
                raise AccessFileError(f"{where}: [roles] {email!r} = {role!r}; a role is admin, manager or rep")
            roles[email.casefold()] = Role(role)
        teams = {}
        for email, names in doc.get("teams", {}).items():
            if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
                raise AccessFileError(f"{where}: [teams] {email!r} must be a list of team names")
            teams[email.casefold()] = tuple(names)
        emails = {key.casefold(): str(value).casefold() for key, value in doc.get("emails", {}).items()}
        return cls(doc.get("reps_see_leaderboard", False), roles, teams, emails)

    def write(self, path: Path) -> None:
        """Save to `path` whole or not at all (a new file renamed over the old one)."""
        doc = {"reps_see_leaderboard": self.reps_see_leaderboard,
               "roles": {email: str(role) for email, role in self.roles.items()},
               "teams": {email: list(names) for email, names in self.teams.items()}, "emails": dict(self.emails)}
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, suffix=".tmp", delete=False) as out:
            tomli_w.dump(doc, out)
        os.replace(out.name, path)

    def is_admin(self, email: str) -> bool:
        """Whether the file makes this sign-in email an admin (decidable without any data)."""
        return self.roles.get(self.emails.get(email.casefold(), email.casefold())) is Role.ADMIN


@dataclass(frozen=True)
class Viewer:
    """Who is looking, and the users whose figures they may see."""

    email: str
    role: Role
    name: str
    user_id: str | None  # None: an admin the access file names who is no Salesforce user, or single-user mode
    sees: frozenset[str] | None  # users whose figures and records they see; None: everyone
    board: frozenset[str] | None  # reps on the leaderboard and in the team totals they see; None: everyone
    signed_in: bool = True

    @property
    def sees_everyone(self) -> bool:
        return self.sees is None

    @property
    def sees_team(self) -> bool:
        """Whether the viewer sees a team view (leaderboard and totals) at all."""
        return self.board is None or bool(self.board)

    @property
    def scope_name(self) -> str:
        """What 'all teams' means for this viewer, for page titles."""
        if self.sees is None:
            return "whole sales floor"
        return f"{self.name}'s reps" if self.role is Role.MANAGER else self.name

    def describe(self) -> str:
        """'Sofia Jackson · manager of 8 reps' for the sidebar."""
        if not self.signed_in:
            return "Single-user mode: sign-in is off, so whoever opens this sees everything"
        if self.role is Role.ADMIN:
            return f"{self.name} · admin: sees everyone"
        if self.role is Role.MANAGER:
            below = len(self.sees) - 1
            return f"{self.name} · manager: sees {below} {'person' if below == 1 else 'people'} below them"
        return f"{self.name} · rep: own figures" + (", team leaderboard" if self.board else "")


SINGLE_USER = Viewer("", Role.ADMIN, "Single user", None, None, None, signed_in=False)


def viewer(facts: Facts, email: str, policy: Policy = Policy()) -> Viewer:
    """The viewer signed in as `email` (ROLE_RULE). Raises AccessDenied for an unknown, inactive or ambiguous one."""
    wanted = policy.emails.get(email.casefold(), email.casefold())
    users = facts.org.users
    matched = users.loc[users[U.Email].str.casefold().eq(wanted).fillna(False).to_numpy()]
    override = policy.roles.get(wanted)
    active = matched.loc[matched[U.IsActive]]
    if override is Role.ADMIN:
        name = active[U.Name].iloc[0] if len(active) == 1 else email
        return Viewer(email, Role.ADMIN, name, active[U.Id].iloc[0] if len(active) == 1 else None, None, None)
    if matched.empty:
        raise AccessDenied(f"{email} is not the email of any Salesforce user in this data; an admin can map it "
                           "to one under [emails] in the access file")
    if active.empty:
        raise AccessDenied(f"{email} belongs to an inactive Salesforce user ({matched[U.Name].iloc[0]})")
    if len(active) > 1:
        raise AccessDenied(f"{email} is the email of {len(active)} active Salesforce users "
                           f"({', '.join(active[U.Name])}); an admin can name one under [emails] in the access file")
    user_id, name = active[U.Id].iloc[0], active[U.Name].iloc[0]
    role = override or (Role.MANAGER if users[U.ManagerId].eq(user_id).any() else Role.REP)
    if role is Role.MANAGER:
        roster = facts.people
        in_teams = roster.loc[roster[people.TEAM].isin(policy.teams.get(wanted, ())), U.Id]
        sees = frozenset({user_id, *below(users, user_id), *in_teams})
        return Viewer(email, role, name, user_id, sees, sees)
    team = facts.people.set_index(U.Id).loc[user_id, people.TEAM]
    board = people.reps(facts.people, team).index if policy.reps_see_leaderboard else []
    return Viewer(email, role, name, user_id, frozenset({user_id}), frozenset(board))


def reporting_lines(users: pd.DataFrame) -> pd.DataFrame:
    """Every (manager, report) pair of the current ManagerId hierarchy, at any number of levels down."""
    direct = pd.DataFrame({"manager": users[U.ManagerId], "report": users[U.Id]}).dropna()
    lines = step = direct
    while not step.empty:  # one pass per level; a ManagerId loop stops once it comes round
        step = step.merge(direct, left_on="report", right_on="manager", suffixes=("", "_next"))[
            ["manager", "report_next"]].set_axis(["manager", "report"], axis=1)
        step = step.loc[step["manager"].ne(step["report"])].merge(lines, how="left", indicator=True)
        step = step.loc[step["_merge"].eq("left_only"), ["manager", "report"]].drop_duplicates()
        lines = pd.concat([lines, step], ignore_index=True)
    return lines


def below(users: pd.DataFrame, top: str) -> frozenset[str]:
    """Everyone who reports to `top`, directly or through others."""
    lines = reporting_lines(users)
    return frozenset(lines.loc[lines["manager"].eq(top), "report"])


def roles(facts: Facts, policy: Policy) -> pd.DataFrame:
    """Each active user with an email: the role they would sign in with and whose figures they would see."""
    users = facts.org.users
    active = users.loc[users[U.IsActive] & users[U.Email].notna()]
    wanted = active[U.Email].str.casefold()
    reports = reporting_lines(users).groupby("manager").size().reindex(active[U.Id]).fillna(0).astype(int)
    derived = np.where(reports.to_numpy() > 0, str(Role.MANAGER), str(Role.REP))
    role = wanted.map({email: str(r) for email, r in policy.roles.items()}).fillna(
        pd.Series(derived, index=active.index))
    extra = wanted.map({email: ", ".join(names) for email, names in policy.teams.items()}).astype("str").fillna("")
    sees = np.select([role.eq(Role.ADMIN), role.eq(Role.MANAGER)],
                     ["everyone", reports.astype(str).to_numpy() + np.where(reports.to_numpy() == 1, " person",
                                                                            " people") + " below them"],
                     "own figures")
    sees = pd.Series(sees, index=active.index).where(extra.eq("") | role.ne(Role.MANAGER),
                                                     lambda s: s + " and teams " + extra)
    board = role.eq(Role.REP) & policy.reps_see_leaderboard
    return pd.DataFrame({"Name": active[U.Name], "Email": active[U.Email], "role": role, "sees": sees,
                         "team leaderboard": board | role.ne(Role.REP)}).sort_values(["role", "Name"])


def restrict(facts: Facts, sees: frozenset[str] | None) -> Facts:
    """The facts as a viewer who sees `sees` (None: everyone) may have them (SCOPE_RULE): nobody outside is a rep,
    and only their records (with their history and the activities on them) are left in."""
    if sees is None:
        return facts
    org = facts.org
    ids = pd.Index(sorted(sees), dtype="str")
    once = _once_owned(org.lead_history, LeadHistory.LeadId, facts.definitions.stages, ids)
    leads = org.leads.loc[among(org.leads[L.OwnerId], ids) | among(org.leads[L.Id], once)]
    converted = leads[L.ConvertedOpportunityId].dropna()
    deals = org.opportunities.loc[
        among(org.opportunities[O.OwnerId], ids)
        | among(org.opportunities[O.Id], _once_owned(org.opportunity_history, OpportunityFieldHistory.OpportunityId,
                                                      StageRules(owner_fields=pipeline.OWNER_FIELDS), ids))
        | among(org.opportunities[O.Id], converted)]
    accounts = org.accounts.loc[among(org.accounts[Accounts.OwnerId], ids)
                                | among(org.accounts[Accounts.Id], deals[O.AccountId])
                                | among(org.accounts[Accounts.Named_ADR__c], ids)
                                | among(org.accounts[Accounts.Id], _named_for(org.named_accounts, org.users, ids))]
    contacts = org.contacts.loc[among(org.contacts[Contacts.AccountId], accounts[Accounts.Id])
                                | among(org.contacts[Contacts.OwnerId], ids)]
    done = org.activities
    # Anyone's call on an account counts as touching it (named-account coverage): activities on the share's
    # accounts and contacts come along.
    on_theirs = (among(done[Activities.OwnerId], ids) | among(done[Activities.WhoId], leads[L.Id])
                 | among(done[Activities.WhatId], deals[O.Id]) | among(done[Activities.WhoId], contacts[Contacts.Id])
                 | among(done[Activities.WhatId], accounts[Accounts.Id])
                 | among(done[Activities.AccountId], accounts[Accounts.Id]))
    counted = facts.activities.loc[on_theirs[facts.activities[activity.ROW].to_numpy()]]
    # Counted activities point at their record by position: renumber them for the shorter table.
    counted = counted.assign(**{activity.ROW: (np.cumsum(on_theirs) - 1)[counted[activity.ROW].to_numpy()]})
    restricted = replace(
        org, leads=leads,
        lead_history=org.lead_history.loc[among(org.lead_history[LeadHistory.LeadId], leads[L.Id])],
        opportunities=deals,
        opportunity_history=org.opportunity_history.loc[
            among(org.opportunity_history[OpportunityFieldHistory.OpportunityId], deals[O.Id])],
        activities=done.loc[on_theirs], quotas=org.quotas.loc[among(org.quotas[Quotas.QuotaOwnerId], ids)],
        accounts=accounts, contacts=contacts,
        opportunity_partners=org.opportunity_partners.loc[
            among(org.opportunity_partners[OpportunityPartners.OpportunityId], deals[O.Id])],
        campaign_members=org.campaign_members.loc[
            among(org.campaign_members[CampaignMembers.LeadId], leads[L.Id])
            | among(org.campaign_members[CampaignMembers.ContactId], contacts[Contacts.Id])],
        goals=_goals_of(org.goals, org.users, ids))
    return replace(
        facts, org=restricted,
        people=facts.people.assign(**{people.IS_REP: facts.people[people.IS_REP] & among(facts.people[U.Id], ids)}),
        activities=counted,
        stages=facts.stages.loc[among(facts.stages[funnel.LEAD_ID], leads[L.Id])],
        conversions=facts.conversions.loc[among(facts.conversions[funnel.LEAD_ID], leads[L.Id])],
        targets=facts.targets.loc[among(facts.targets[goals.USER_ID], ids)],
        population=facts.whole_org, whole_teams=_whole_teams(facts, ids))


def _whole_teams(facts: Facts, ids: pd.Index) -> frozenset[str]:
    """The teams all of whose reps are among `ids`."""
    reps = facts.people.loc[facts.people[people.IS_REP]]
    partly = reps.loc[~among(reps[U.Id], ids), people.TEAM]
    whole = set(reps[people.TEAM]) - set(partly)
    return frozenset(whole if facts.whole_teams is None else whole & facts.whole_teams)


def summary_for(facts: Facts, viewer: Viewer, as_of: pd.Timestamp, calendar: FiscalCalendar,
                team: str | None = None, simulation: Simulation = Simulation()) -> dict:
    """The `summary` document as this viewer may see it: the rows of the reps they see, the totals and plan of
    their team view (for a rep not allowed the leaderboard: every team figure null, no plan), and who asked."""
    doc = summary(restrict(facts, viewer.sees), as_of, calendar, team, simulation)
    if viewer.board != viewer.sees:  # the team figures (totals and plan) of the team view, or none at all
        board = summary(restrict(facts, viewer.board), as_of, calendar, team, simulation) if viewer.board else {
            "team": dict.fromkeys(doc["team"]), "plan": []}
        doc["team"], doc["plan"] = board["team"], board["plan"]
    if viewer.signed_in:
        doc["viewer"] = {"email": viewer.email, "role": str(viewer.role), "name": viewer.name,
                         "team_totals": viewer.sees_team}
    return doc


def _once_owned(history: pd.DataFrame, record: str, rules: StageRules, ids: pd.Index) -> pd.Series:
    """Records whose owner changes name one of `ids`, before or after the change (ids read as attribution
    reads them: the id rows, 15-character ids made 18)."""
    changes = owner_change_rows(history, rules)
    return changes.loc[among(changes["OldValue"], ids) | among(to_18(changes["NewValue"]), ids), record]


def _named_for(named: pd.DataFrame, users: pd.DataFrame, ids: pd.Index) -> pd.Series:
    """The accounts (18-character ids) that named-accounts rows give someone in `ids`, named by User Id, email or
    full name (case aside)."""
    theirs = users.loc[among(users[U.Id], ids)]
    owner = named[NamedAccounts.owner].str.strip()
    mine = (among(to_18(owner), theirs[U.Id]) | among(owner.str.casefold(), theirs[U.Email].str.casefold())
            | among(owner.str.casefold(), theirs[U.Name].str.casefold()))
    return to_18(named.loc[mine, NamedAccounts.account])


def _goals_of(goals: pd.DataFrame, users: pd.DataFrame, ids: pd.Index) -> pd.DataFrame:
    """Goal rows for '*', a role, or a user in `ids`: rows naming anyone else (by id or email) are left out."""
    others = users.loc[~among(users[U.Id], ids)]
    owner = goals[Goals.owner].str.strip()
    named_other = (owner.str.casefold().isin(others[U.Email].dropna().str.casefold())
                   | owner.str[:15].isin(others[U.Id].str[:15]))
    return goals.loc[~np.asarray(named_other, bool)]
