"""The configurable meanings of the KPIs (DESIGN.md "Default meanings"), gathered in one object."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from kpi.activity import ActivityRules
from kpi.cadence import LeadProcessRules
from kpi.campaigns import CampaignRules
from kpi.channels import ChannelRules
from kpi.customers import CustomerRules
from kpi.funnel import StageRules
from kpi.named_accounts import NamedAccountRules
from kpi.partners import PartnerRules
from kpi.pipeline import HygieneRules
from kpi.ramp import RampRules
from kpi.speed import SpeedRules


@dataclass(frozen=True)
class Definitions:
    """What counts as an activity of each kind, which lead statuses mean each stage, the business hours and
    SLA of speed to lead, when an open deal needs attention, the partner, customer, channel and ramp rules, which
    campaigns are events, how far back a named account's touch counts, the lead-process cadence, and the time zone
    of users whose TimeZoneSidKey is missing or unknown."""

    activity: ActivityRules = field(default_factory=ActivityRules)
    stages: StageRules = field(default_factory=StageRules)
    speed: SpeedRules = field(default_factory=SpeedRules)
    hygiene: HygieneRules = field(default_factory=HygieneRules)
    partners: PartnerRules = field(default_factory=PartnerRules)
    customers: CustomerRules = field(default_factory=CustomerRules)
    channels: ChannelRules = field(default_factory=ChannelRules)
    ramp: RampRules = field(default_factory=RampRules)
    campaigns: CampaignRules = field(default_factory=CampaignRules)
    named_accounts: NamedAccountRules = field(default_factory=NamedAccountRules)
    lead_process: LeadProcessRules = field(default_factory=LeadProcessRules)
    default_time_zone: str = "UTC"


SETTINGS_FILE = "settings.toml"


class SettingsError(ValueError):
    """The settings file cannot be used: the message names the file, the section and the key."""


def settings_file(store: Path) -> Path:
    """The settings file: KPI_SETTINGS, else settings.toml in the local store's folder."""
    return Path(os.environ.get("KPI_SETTINGS") or store / SETTINGS_FILE)


# settings.toml sections: fields of Definitions
SECTIONS = ("partners", "customers", "channels", "ramp", "campaigns", "named_accounts", "lead_process")


def with_settings(definitions: Definitions, path: Path) -> Definitions:
    """`definitions` with the SECTIONS of the settings file at `path` (none: as they are). Each key is a field
    of that section's rules (PartnerRules, CustomerRules, ChannelRules, RampRules, CampaignRules, NamedAccountRules,
    LeadProcessRules), typed as its default
    (README "Settings")."""
    if not path.is_file():
        return definitions
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: not TOML ({error})") from None
    unknown = set(doc) - set(SECTIONS)
    if unknown:
        raise SettingsError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; the sections are "
                            + ", ".join(f"[{name}]" for name in SECTIONS))
    return replace(definitions, **{section: _rules(getattr(definitions, section), doc[section], f"{path} [{section}]")
                                   for section in SECTIONS if section in doc})


def _rules(rules, values: dict, where: str):
    """`rules` (a frozen dataclass) with `values` for some of its fields, each of its default's type."""
    known = {f.name: getattr(rules, f.name) for f in fields(rules)}
    changes = {}
    for key, value in values.items():
        if key not in known:
            raise SettingsError(f"{where}: unknown key {key!r}; the keys are {', '.join(known)}")
        default = known[key]
        if isinstance(default, tuple):
            numbers = all(isinstance(v, float) for v in default)
            kinds = (int, float) if numbers else (str,)
            if not isinstance(value, list) or not all(isinstance(v, kinds) and not isinstance(v, bool) for v in value):
                raise SettingsError(f"{where}: {key} must be a list of {'numbers' if numbers else 'texts'}, like "
                                    f"{list(default)!r}")
            value = tuple(float(v) for v in value) if numbers else tuple(value)
        elif isinstance(default, bool) or not isinstance(value, type(default)) and not (
                isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool)):
            raise SettingsError(f"{where}: {key} must be like {default!r}, not {value!r}")
        changes[key] = float(value) if isinstance(default, float) else value
    try:
        return replace(rules, **changes)
    except ValueError as error:  # a value its rules refuse (e.g. [ramp] months = 0)
        raise SettingsError(f"{where}: {error}") from None
