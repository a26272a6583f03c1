"""The configurable meanings of the KPIs (DESIGN.md "Default meanings"), gathered in one object."""

from __future__ import annotations

from dataclasses import dataclass, field

from kpi.activity import ActivityRules
from kpi.funnel import StageRules


@dataclass(frozen=True)
class Definitions:
    """What counts as an activity of each kind, which lead statuses mean each stage, and the time zone of
    users whose TimeZoneSidKey is missing or unknown."""

    activity: ActivityRules = field(default_factory=ActivityRules)
    stages: StageRules = field(default_factory=StageRules)
    default_time_zone: str = "UTC"
