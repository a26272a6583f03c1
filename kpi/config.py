"""The configurable meanings of the KPIs (DESIGN.md "Default meanings"), gathered in one object."""

from __future__ import annotations

from dataclasses import dataclass, field

from kpi.activity import ActivityRules
from kpi.funnel import StageRules
from kpi.pipeline import HygieneRules
from kpi.speed import SpeedRules


@dataclass(frozen=True)
class Definitions:
    """What counts as an activity of each kind, which lead statuses mean each stage, the business hours and
    SLA of speed to lead, when an open deal needs attention, and the time zone of users whose TimeZoneSidKey is missing or unknown."""

    activity: ActivityRules = field(default_factory=ActivityRules)
    stages: StageRules = field(default_factory=StageRules)
    speed: SpeedRules = field(default_factory=SpeedRules)
    hygiene: HygieneRules = field(default_factory=HygieneRules)
    default_time_zone: str = "UTC"
