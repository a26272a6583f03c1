"""The state every part of the sample org shares: its shape, seeded random streams, key days and clock."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from kpi.sources.sample_org.clock import (DAY, HOUR, PT, Calendar, convert_zone, epoch_day, fiscal_quarters,
                                          is_weekday)

if TYPE_CHECKING:
    from kpi.sources.sample_org import OrgShape


class OrgState:
    """One org being built (all times are float seconds since the epoch, NaN = never).

    Holds the shape, the seed's random streams, the key days and the clock. The parts add their arrays as
    attributes, in this order: `people.add_people` (one row per user), `leads.add_leads` (one row per lead;
    owners from `lead_owners`), `deals.add_deals` (`acc` and `deal`, dicts of arrays) and
    `deal_history.add_deal_history`, `activities.activity_tables` (`completed_activities`) and
    `partners.add_partner_programme`; the tables and goals modules only read them."""

    # One random stream per part, so a change in one part leaves the others' draws alone.
    SECTIONS = {"users": 1, "leads": 2, "opps": 3, "calibrate": 4, "slots": 5, "tasks": 6, "events": 7,
                "quotas": 8, "partners": 9, "plan": 10, "prospects": 11, "campaigns": 12}

    def __init__(self, shape: OrgShape, seed: int):
        self.shape = shape
        self.seed = int(seed)
        self.start_day = epoch_day(shape.start)
        self.anchor_day = epoch_day(shape.anchor)
        self.warm_day = self.start_day - shape.warm_pipeline_days
        self.cal = Calendar(self.warm_day - 40, self.anchor_day + 900)
        self.holidays = np.array(sorted(epoch_day(h) for h in shape.holidays), dtype=np.int64)
        self.end = float((self.anchor_day + 1) * DAY - 1)  # last second for records other than activities
        self.start_utc = float(self.start_day * DAY)
        self.history_cutoff = self.to_utc(np.array([epoch_day(shape.history_start) * DAY], float),
                                          np.array([PT]))[0]
        self.quarters = fiscal_quarters(shape.start, shape.anchor)

    def rng(self, section: str, *substream: int) -> np.random.Generator:
        return np.random.default_rng([self.SECTIONS[section], self.seed, *substream])

    # time zones and business hours ---------------------------------------------------------------------------
    def to_utc(self, local, tz):
        return convert_zone(local, tz, True)

    def to_local(self, utc, tz):
        return convert_zone(utc, tz, False)

    def local_day(self, utc, tz) -> np.ndarray:
        return np.floor(self.to_local(utc, tz) / DAY)

    def bh_after(self, utc, tz, seconds) -> np.ndarray:
        """The UTC time `seconds` business hours (owner's zone) after `utc`."""
        clock = self.cal.bh(self.to_local(utc, tz)) + np.round(seconds)
        return self.to_utc(self.cal.local(clock), tz)

    def business_time(self, rng, days, tz, first_hour=9, last_hour=18) -> np.ndarray:
        """A UTC time inside business hours on each local day."""
        secs = rng.integers(first_hour * HOUR, last_hour * HOUR, len(days))
        return self.to_utc(np.asarray(days, float) * DAY + secs, tz)

    def is_workday(self, days: np.ndarray) -> np.ndarray:
        return is_weekday(days) & ~np.isin(days, self.holidays)

    def elapsed_share(self) -> float:
        """Share of the anchor quarter's business days that have passed by the end of the anchor day."""
        first, last = self.quarters[-1]
        days = np.arange(first, last + 1)
        bd = is_weekday(days)
        return bd[days <= self.anchor_day].sum() / bd.sum()
