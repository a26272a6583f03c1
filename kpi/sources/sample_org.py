"""A seeded, deterministic sample Salesforce org: an inside-sales floor written as Data Loader-style CSV files.

`write_sample_org(folder, OrgShape(), seed)` writes User, UserRole, Account, Lead, LeadHistory, Task, Event,
Opportunity, OpportunityFieldHistory and ForecastingQuota CSV files (API-name headers) and a goals.csv.
Same shape and seed give byte-identical files. Everything is vectorised with numpy / pandas; the only
Python loops run over people, quarters, event kinds or id digits, never over records.

How the org behaves (the facts the KPI engine is exercised with):

- People, in this order (User ids depend only on the position, never on the seed): VP Inside Sales; the ADR,
  SMB and Mid-Market managers; the active ADRs; one ADR who left on `OrgShape.departure` (IsActive false,
  still owns old leads and tasks); the SMB account managers (the last one hired `new_hire_weeks` before the
  anchor); the mid-market AEs (the last one has no ForecastingQuota: a goals.csv `revenue` row instead);
  'Automated Process' (UserType AutomatedProcess); 'Marketing Ops' (writes the marketing-automation status
  changes: MQL, re-MQL and the recycling of untouched MQLs).
- Performance by design, in the anchor's quarter (pace = attainment / elapsed share): SMB rep 1 and
  mid-market AE 1 well ahead (~1.45 / ~1.35), SMB rep 2 and mid-market AE 2 well behind (~0.45 / ~0.40),
  the others between 0.85 and 1.15, the new hire ~0.6 of a ramped quota; ADR 1 is the busiest ADR, the
  last active ADR the quietest (and the one whose calls/day goal is set by email).
- Leads: statuses 'Open - Not Contacted', 'MQL' / 'Marketing Qualified', 'Working - Contacted',
  'SAL' / 'Sales Accepted', 'SQL', 'Closed - Converted', 'Closed - Not Converted', 'Recycled'.
  Queues 'Inbound Lead Queue' and 'Partner Lead Queue'. LeadHistory starts at `history_start` (midnight
  America/Los_Angeles): leads created before it have no history rows at all.
- Times: activities run through the end of the anchor day in the owner's time zone; every other record and
  history row is created no later than the anchor day 23:59:59 UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.ids import make_ids

__all__ = ["OrgShape", "write_sample_org"]

DAY = 86_400
HOUR = 3_600
BH = 8 * HOUR  # business hours in one business day (09:00-17:00)
TZ_NAMES = ("America/New_York", "America/Los_Angeles")
ET, PT = 0, 1
ADR, SMB, MM = 0, 1, 2
TEAM_NAMES = ("ADR", "SMB", "Mid-Market")
DOMAIN = "brightpathsoftware.com"

# ---------------------------------------------------------------------------------------------- vocabularies
FIRST_NAMES = (
    "Aaliyah", "Adebayo", "Aiko", "Alejandro", "Amara", "Ananya", "Andre", "Anh", "Arjun", "Aroha", "Ashley",
    "Beatriz", "Bilal", "Brandon", "Brianna", "Camila", "Carlos", "Chidi", "Chloe", "Daniel", "Darius",
    "David", "Deepa", "Diego", "Dmitri", "Elena", "Emeka", "Emily", "Esther", "Fatima", "Femi", "Fernanda",
    "Gabriel", "Grace", "Hana", "Hannah", "Hassan", "Hiroshi", "Imani", "Isabel", "Jamal", "Javier",
    "Jessica", "Jia", "Jin", "José", "Kai", "Kamala", "Keanu", "Kenji", "Kevin", "Kwame", "Lakshmi", "Lauren",
    "Layla", "Leila", "Liam", "Lucía", "Malik", "Maria", "Marcus", "Mateo", "Megan", "Mei", "Michael",
    "Mohammed", "Nadia", "Naomi", "Nia", "Nikhil", "Olivia", "Omar", "Oluwaseun", "Pablo", "Priya", "Quinn",
    "Rafael", "Rahul", "Ravi", "Rosa", "Ryan", "Sakura", "Samir", "Santiago", "Sara", "Sean", "Siddharth",
    "Sofia", "Tariq", "Thandiwe", "Tomás", "Trinh", "Tyler", "Valentina", "Vikram", "Wei", "Xavier", "Yara",
    "Yusuf", "Zainab", "Zoë",
)
LAST_NAMES = (
    "Abernathy", "Adeyemi", "Agarwal", "Alvarez", "Anderson", "Baker", "Banerjee", "Bautista", "Bennett",
    "Brooks", "Castillo", "Chen", "Cho", "Clarke", "Cohen", "Costa", "Cruz", "Dang", "Davis", "Delgado",
    "Diallo", "Dubois", "Edwards", "Eze", "Fernández", "Fischer", "Flores", "Gallagher", "García", "Gonzalez",
    "Gupta", "Haddad", "Hall", "Hernández", "Hoang", "Hughes", "Ibrahim", "Ito", "Jackson", "Jensen",
    "Johnson", "Kapoor", "Kaur", "Kim", "Kowalski", "Kumar", "Lee", "Lewis", "Li", "Lopez", "Mahmoud",
    "Martin", "Mendoza", "Mensah", "Miller", "Mitchell", "Moreno", "Murphy", "Nakamura", "Nguyen", "Novak",
    "Nwosu", "O'Brien", "O'Connor", "Okafor", "Okonkwo", "Ortiz", "Osei", "Park", "Patel", "Perez", "Petrov",
    "Phillips", "Quispe", "Ramirez", "Rao", "Reyes", "Rivera", "Robinson", "Rossi", "Sánchez", "Santos",
    "Schmidt", "Shah", "Silva", "Singh", "Sullivan", "Suzuki", "Tanaka", "Taylor", "Thompson", "Tran",
    "Turner", "Vargas", "Walker", "Wang", "Washington", "Williams", "Wong", "Yamamoto", "Yilmaz", "Young",
    "Zhang", "Zhou",
)
COMPANY_PREFIXES = (
    "Blue Harbor", "Northwind", "Summit", "Cedar & Pine", "Ironwood", "Bright Falls", "Silver Lake", "Redwood",
    "Granite", "Pioneer", "Atlas", "Lakeside", "Evergreen", "Meridian", "Harborview", "Keystone", "Sterling",
    "Cascade", "Prairie", "Coastal", "Vertex", "Orchid", "Juniper", "Falcon", "Beacon", "Horizon", "Maple",
    "Copper", "Aspen", "Crescent", "Golden Gate", "Liberty", "Magnolia", "Sunrise", "Tidewater", "Oak Street",
    "Riverbend", "Lighthouse", "Bluebird", "Frontier", "Saguaro", "Bayou", "Kona", "Appalachian", "Great Plains",
)
COMPANY_CORES = (
    "Logistics", "Dental", "Analytics", "Manufacturing", "Health", "Software", "Foods", "Energy", "Financial",
    "Realty", "Robotics", "Labs", "Freight", "Clinics", "Media", "Pharma", "Retail", "Outfitters",
    "Engineering", "Insurance", "Biotech", "Hospitality", "Construction", "Legal", "Marketing", "Networks",
    "Solar", "Apparel", "Education", "Veterinary",
)
COMPANY_SUFFIXES = ("Inc.", ", Inc.", "LLC", "Group", "Co.", "Partners", "Corp.", "Holdings", "", "", "", "")
INDUSTRIES = ("Technology", "Healthcare", "Manufacturing", "Retail", "Financial Services", "Education",
              "Logistics", "Media", "Construction", "Hospitality", "Professional Services", "Energy")
LEAD_SOURCES = ("Web", "Webinar", "Trade Show", "Content Download", "Partner Referral", "Outbound Prospecting")
LEAD_SOURCE_P = (0.30, 0.14, 0.10, 0.22, 0.09, 0.15)
SRC_PARTNER, SRC_OUTBOUND = 4, 5
QUEUES = ("Inbound Lead Queue", "Partner Lead Queue")  # owner codes -1 and -2

STATUSES = ("Open - Not Contacted", "Working - Contacted", "MQL", "Marketing Qualified", "SAL", "Sales Accepted",
            "SQL", "Closed - Converted", "Closed - Not Converted", "Recycled")
S_OPEN, S_WORKING, S_MQL, S_MQL_ALT, S_SAL, S_SAL_ALT, S_SQL, S_CONVERTED, S_CNC, S_RECYCLED = range(10)
TERMINAL = (S_CONVERTED, S_CNC, S_RECYCLED)

STAGES = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Price Quote", "Negotiation/Review",
          "Closed Won", "Closed Lost")
PROBABILITY = np.array([10, 10, 20, 75, 90, 100, 0])
FORECAST = np.array(["Pipeline", "Pipeline", "Best Case", "Best Case", "Commit", "Closed", "Omitted"], dtype=object)
WON, LOST = 5, 6
# Stage paths after Prospecting (-1 pads): two won paths, then lost after reaching stage 0..4.
PATHS = np.array([[1, 2, 3, 4, 5], [1, 3, 4, 5, -1], [6, -1, -1, -1, -1], [1, 6, -1, -1, -1],
                  [1, 2, 6, -1, -1], [1, 2, 3, 6, -1], [1, 2, 3, 4, 6]])
PATH_LEN = (PATHS >= 0).sum(axis=1)
OPP_TYPES = ("New Business", "Existing Business - Upgrade", "Existing Business - Renewal")
NB, UPG, REN = 0, 1, 2
ACCOUNT_PARTNER_TYPES = ("Channel Partner / Reseller", "Technology Partner", "Installation Partner")

LEAD_HOURS = np.array([0.5, 0.3, 0.2, 0.2, 0.2, 0.3, 0.6, 1.2, 2.5, 3.5, 4.0, 4.0, 3.6, 3.8, 3.8, 3.5, 3.0, 2.4,
                       1.8, 1.5, 1.3, 1.1, 0.9, 0.7])
WORK_HOURS = np.array([0.06, 0.12, 0.13, 0.12, 0.07, 0.10, 0.12, 0.11, 0.10, 0.07])  # 08:00 .. 17:59

CALL_SUBJECTS = ("Call", "Outbound call", "Left voicemail", "Connected - discovery", "No answer", "Call")
EMAIL_SUBJECTS = ("Email: Intro", "Email: Following up", "Email: Re: pricing question", "Email: Case study",
                  "Email: Quick question")
LIST_EMAIL_SUBJECTS = ("List Email: Webinar invite", "List Email: Product update", "List Email: Customer story")
GENERIC_SUBJECTS = ("Follow-up", "Check in", "Intro", "Touch base", "Re: next steps")
CALL_TEXT_SUBJECTS = ("Call back re: pricing", "call - left voicemail", "CALL: follow-up", "Called, no answer",
                      "Call w/ IT lead")
EMAIL_TEXT_SUBJECTS = ("email follow-up", "Email sent: proposal", "EMAIL - intro", "emailed case study",
                       "Email recap")
CADENCE_CALL_SUBJECTS = ("Cadence step 2: call", "Cadence step 4: call")
CADENCE_EMAIL_SUBJECTS = ("Cadence step 1: email", "Cadence step 3: email")
OTHER_SUBJECTS = ("Prep for QBR", "Update opportunity notes", "Internal: pipeline review", "Research account",
                  "Send contract to legal", "Prep demo environment", "Follow up on contract")
MEETING_TASK_SUBJECTS = ("Meeting: product demo", "Onsite visit", "Lunch with champion", "Meeting - pricing review")
OPEN_SUBJECTS = ("Follow-up call", "Call back - pricing question", "Send proposal", "Follow up on demo",
                 "Email recap", "Check in re: contract")
EVENT_SUBJECTS = ("Discovery call", "Product demo", "Proposal review", "QBR", "Intro meeting",
                  "Pricing discussion", "Technical deep dive", "Kickoff")


@dataclass(frozen=True)
class OrgShape:
    """Size and behaviour of the sample org. Every knob has a default; `large()` is the benchmark org."""

    anchor: date = date(2026, 11, 24)  # "today" of the sample: data runs through the end of this day (Tuesday)
    start: date = date(2026, 4, 1)  # first day of data: two full fiscal quarters before the anchor's quarter
    adrs: int = 8  # active ADRs (team "ADR"); the departed ADR comes on top
    smb_reps: int = 8  # SMB account managers (team "SMB"), the new hire included
    mm_reps: int = 6  # mid-market AEs (team "Mid-Market")
    leads_per_business_day: float = 40.0
    weekend_lead_factor: float = 0.2  # a weekend day's leads relative to a business day's
    history_start: date = date(2026, 5, 1)  # LeadHistory tracking switched on (midnight America/Los_Angeles)
    departure: date | None = date(2026, 8, 14)  # last day of the ADR who left (None: nobody left)
    new_hire_weeks: int | None = 6  # the last SMB rep was hired this many weeks before the anchor (None: no hire)
    holidays: tuple[date, ...] = (date(2026, 5, 25), date(2026, 7, 3), date(2026, 9, 7))  # quiet weekdays
    mql_rate: float = 0.70  # share of leads that become MQLs
    sal_rate: float = 0.62  # share of MQLs accepted (SAL)
    sql_rate: float = 0.42  # share of SALs qualified (SQL)
    convert_rate: float = 0.58  # share of SQLs converted to an account and an opportunity
    untouched_share: float = 0.08  # MQLs never called or emailed
    queue_share: float = 0.10  # leads that arrive in a queue
    mm_lead_share: float = 0.30  # converted leads big enough for a mid-market AE
    evening_share: float = 0.045  # activities between 18:00 and 23:30 local
    open_task_share: float = 0.05  # open tasks among all tasks
    customers_per_rep: int = 10  # existing customers (renewals, upsells) per SMB rep; mid-market 60% of it
    self_sourced_per_rep_month: float = 0.5  # AE self-sourced new business per month
    upsells_per_rep_month: float = 0.4
    deal_scale: float = 1.0  # multiplies self-sourced deals; existing customers and upsells grow with its root
    quota_scale: float = 1.0  # multiplies quotas and revenue goals (keep near deal volume)
    warm_pipeline_days: int = 90  # AE-sourced deals may be created this long before `start` (open at start)

    @classmethod
    def large(cls) -> OrgShape:
        """Benchmark org: 200 reps, ~1,000,000 Task+Event rows, ~200,000 leads, ~100,000 opportunities."""
        return cls(adrs=30, smb_reps=96, mm_reps=74, leads_per_business_day=1090.0,
                   deal_scale=70.0, quota_scale=7.0)


def write_sample_org(folder: Path, shape: OrgShape = OrgShape(), seed: int = 0) -> dict[str, int]:
    """Write the org's CSV files into `folder` (created if missing); return rows written per file name."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = _Org(shape, seed).build()
    written = {}
    for name, frame in tables.items():
        frame.to_csv(folder / name, index=False, lineterminator="\n", encoding="utf-8")
        written[name] = len(frame)
    return written


# ------------------------------------------------------------------------------------------------ helpers
def _epoch_day(d: date) -> int:
    return (d - date(1970, 1, 1)).days


def _ascii(names) -> np.ndarray:
    """Lower-case ASCII forms of names for e-mail addresses ('Zoë O'Brien' -> 'zoe', 'obrien')."""
    s = pd.Series(np.asarray(names, dtype=object), dtype=object)
    s = s.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii").str.lower()
    return s.str.replace(r"[^a-z0-9]", "", regex=True).to_numpy(dtype=object)


def _cat(*parts) -> np.ndarray:
    """Element-wise string concatenation of arrays and scalars (object arrays)."""
    out = np.asarray(parts[0], dtype=object)
    for part in parts[1:]:
        out = out + np.asarray(part, dtype=object)
    return out


def _choose_rows(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One column per row of a non-negative weight matrix, drawn in proportion to the weights."""
    if weights.shape[0] == 0:
        return np.zeros(0, np.int64)
    cum = np.cumsum(weights, axis=1)
    u = rng.random(weights.shape[0]) * cum[:, -1]
    return np.minimum((cum <= u[:, None]).sum(axis=1), weights.shape[1] - 1)


def _expand_days(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row, day) pairs for every day from first through last of each row."""
    count = np.maximum(last - first + 1, 0).astype(np.int64)
    rows = np.repeat(np.arange(len(count)), count)
    offsets = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return rows, first[rows] + offsets


def _assign(rng, slot_key, pair_key, pair_value) -> np.ndarray:
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


def _fmt_datetime(t: np.ndarray) -> np.ndarray:
    """'2026-11-24T14:03:11.000Z' for UTC seconds; '' for NaN."""
    out = np.full(len(t), "", dtype=object)
    ok = np.isfinite(t)
    if ok.any():
        text = np.datetime_as_string(t[ok].astype(np.int64).astype("datetime64[s]"), unit="s")
        out[ok] = np.char.add(text, ".000Z")
    return out


def _fmt_date(days: np.ndarray) -> np.ndarray:
    """'2026-11-24' for epoch days; '' for NaN."""
    days = np.asarray(days, dtype=float)
    out = np.full(len(days), "", dtype=object)
    ok = np.isfinite(days)
    if ok.any():
        out[ok] = np.datetime_as_string(days[ok].astype(np.int64).astype("datetime64[D]"), unit="D")
    return out


def _bool(values: np.ndarray) -> np.ndarray:
    return np.where(np.asarray(values, bool), "true", "false").astype(object)


def _round100(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, float) / 100.0) * 100.0


def _lognormal(rng, median, sigma, n, low, high) -> np.ndarray:
    return np.clip(np.exp(rng.normal(np.log(median), sigma, n)), low, high)


class _Calendar:
    """Business days (Monday-Friday) and business hours (09:00-17:00 local) as a continuous clock."""

    def __init__(self, first_day: int, last_day: int):
        self.first = first_day
        days = np.arange(first_day, last_day + 1)
        self.is_bd = (days + 3) % 7 < 5
        self.before = np.concatenate([[0], np.cumsum(self.is_bd)])  # business days before each day
        self.bd_days = days[self.is_bd]

    def bh(self, local: np.ndarray) -> np.ndarray:
        """Business-hour clock reading (seconds) at local times; NaN stays NaN."""
        ok = np.isfinite(local)
        value = np.where(ok, local, self.first * DAY)
        d = np.floor(value / DAY)
        i = np.clip(d - self.first, 0, len(self.is_bd) - 1).astype(np.int64)
        within = np.where(self.is_bd[i], np.clip(value - d * DAY - 9 * HOUR, 0, BH), 0)
        return np.where(ok, self.before[i] * BH + within, np.nan)

    def local(self, clock: np.ndarray) -> np.ndarray:
        """Local time at a business-hour clock reading (inverse of `bh`); NaN beyond the calendar."""
        ok = np.isfinite(clock)
        value = np.where(ok, clock, 0)
        k = np.floor(value / BH).astype(np.int64)
        ok &= (k >= 0) & (k < len(self.bd_days))
        k = np.clip(k, 0, len(self.bd_days) - 1)
        return np.where(ok, self.bd_days[k] * DAY + 9 * HOUR + (value - k * BH), np.nan)


# -------------------------------------------------------------------------------------------------- the org
class _Org:
    """Builds every table of one sample org (all times are float seconds since the epoch, NaN = never)."""

    SECTIONS = {"users": 1, "leads": 2, "opps": 3, "calibrate": 4, "slots": 5, "tasks": 6, "events": 7,
                "quotas": 8, "accounts": 9}

    def __init__(self, shape: OrgShape, seed: int):
        self.s = shape
        self.seed = int(seed)
        self.start_day = _epoch_day(shape.start)
        self.anchor_day = _epoch_day(shape.anchor)
        self.warm_day = self.start_day - shape.warm_pipeline_days
        self.cal = _Calendar(self.warm_day - 40, self.anchor_day + 900)
        self.holidays = np.array(sorted(_epoch_day(h) for h in shape.holidays), dtype=np.int64)
        self.end = float((self.anchor_day + 1) * DAY - 1)  # last second for records other than activities
        self.start_utc = float(self.start_day * DAY)
        self.history_cutoff = self.to_utc(np.array([_epoch_day(shape.history_start) * DAY], float),
                                          np.array([PT]))[0]
        self.quarters = self._quarters()

    def rng(self, section: str) -> np.random.Generator:
        return np.random.default_rng([self.SECTIONS[section], self.seed])

    # time zones ---------------------------------------------------------------------------------------------
    @staticmethod
    def _convert(values: np.ndarray, tz: np.ndarray, to_utc: bool) -> np.ndarray:
        values = np.asarray(values, float)
        tz = np.broadcast_to(np.asarray(tz), values.shape)
        out = np.full(values.shape, np.nan)
        ok = np.isfinite(values)
        for code, name in enumerate(TZ_NAMES):
            m = ok & (tz == code)
            if not m.any():
                continue
            index = pd.DatetimeIndex(values[m].astype(np.int64).astype("datetime64[s]"))
            if to_utc:
                index = index.tz_localize(name, ambiguous=np.zeros(len(index), bool),
                                          nonexistent="shift_forward").tz_convert("UTC")
            else:
                index = index.tz_localize("UTC").tz_convert(name)
            out[m] = index.tz_localize(None).as_unit("s").asi8
        return out

    def to_utc(self, local, tz):
        return self._convert(local, tz, True)

    def to_local(self, utc, tz):
        return self._convert(utc, tz, False)

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

    def _quarters(self) -> list[tuple[int, int]]:
        """(first day, last day) of each fiscal quarter (January fiscal start) from `start` through the anchor."""
        out = []
        year, month = self.s.start.year, 3 * ((self.s.start.month - 1) // 3) + 1
        while date(year, month, 1) <= self.s.anchor:
            nxt = (year + (month + 3 > 12), (month + 2) % 12 + 1)
            out.append((_epoch_day(date(year, month, 1)), _epoch_day(date(*nxt, 1)) - 1))
            year, month = nxt
        return out

    def is_workday(self, days: np.ndarray) -> np.ndarray:
        return ((days + 3) % 7 < 5) & ~np.isin(days, self.holidays)

    # ---------------------------------------------------------------------------------------------- build all
    def build(self) -> dict[str, pd.DataFrame]:
        self._users()
        self._leads()
        self._accounts_and_deals()
        self._calibrate()
        self._deal_histories()
        self._activities()
        tables = {
            "User.csv": self._user_table(),
            "UserRole.csv": self._role_table(),
            "Account.csv": self._account_table(),
            "Lead.csv": self._lead_table(),
            "LeadHistory.csv": self._lead_history_table(),
            "Task.csv": self.task_table,
            "Event.csv": self.event_table,
            "Opportunity.csv": self._opportunity_table(),
            "OpportunityFieldHistory.csv": self._opportunity_history_table(),
            "ForecastingQuota.csv": self._quota_table(),
            "goals.csv": self._goals_table(),
        }
        return tables

    # ------------------------------------------------------------------------------------------------- people
    def _users(self) -> None:
        s, rng = self.s, self.rng("users")
        people = []  # in id order; kind: vp, manager, rep, auto (Automated Process), mops (Marketing Ops)

        def add(kind, team, role, **extra):
            people.append(dict(kind=kind, team=team, role=role, **extra))

        add("vp", -1, "VP Inside Sales")
        for team, role in ((ADR, "ADR Manager"), (SMB, "SMB Manager"), (MM, "Mid-Market Manager")):
            add("manager", team, role)
        for i in range(s.adrs):
            add("rep", ADR, "ADR", pos=i)
        if s.departure is not None:
            add("rep", ADR, "ADR", pos=s.adrs, departed=True)
        for i in range(s.smb_reps):
            add("rep", SMB, "SMB Account Manager", pos=i,
                new_hire=(s.new_hire_weeks is not None and i == s.smb_reps - 1 and s.smb_reps > 1))
        for i in range(s.mm_reps):
            add("rep", MM, "Mid-Market AE", pos=i, no_quota=(i == s.mm_reps - 1 and s.mm_reps > 1))
        add("auto", -1, None)
        add("mops", -1, None)
        n = len(people)
        self.n_users = n
        self.user_id = make_ids("005", 4_100_000 + np.arange(n))
        kind = np.array([p["kind"] for p in people], dtype=object)
        team = np.array([p["team"] for p in people])
        self.kind, self.team = kind, team
        self.role = np.array([p["role"] for p in people], dtype=object)
        self.pos = np.array([p.get("pos", -1) for p in people])
        self.departed = np.array([p.get("departed", False) for p in people])
        self.new_hire = np.array([p.get("new_hire", False) for p in people])
        self.no_quota = np.array([p.get("no_quota", False) for p in people])
        self.is_rep = kind == "rep"
        self.vp = 0
        self.manager_of = {t: 1 + t for t in (ADR, SMB, MM)}
        self.auto_user = n - 2
        self.mops_user = n - 1

        # Names: unique first/last combinations drawn per seed; the two system users are fixed.
        named = n - 2
        combo = rng.choice(len(FIRST_NAMES) * len(LAST_NAMES), size=named, replace=False)
        first = np.array(FIRST_NAMES, dtype=object)[combo // len(LAST_NAMES)]
        last = np.array(LAST_NAMES, dtype=object)[combo % len(LAST_NAMES)]
        self.first_name = np.concatenate([first, ["", "Marketing"]]).astype(object)
        self.last_name = np.concatenate([last, ["Automated Process", "Ops"]]).astype(object)
        self.full_name = np.where(self.first_name == "", self.last_name,
                                  _cat(self.first_name, " ", self.last_name)).astype(object)
        email = _cat(_ascii(self.first_name), ".", _ascii(self.last_name), "@", DOMAIN)
        email[self.auto_user] = ""
        self.email = email
        self.username = np.where(email == "", "autoproc@00d5g000004brightpath.org", email).astype(object)

        # Time zones: each team mixes New York and Los Angeles.
        tz = np.zeros(n, np.int8)
        tz[[1, 3]] = ET
        tz[2] = PT
        tz[self.auto_user] = PT
        for t in (ADR, SMB, MM):
            members = np.flatnonzero(self.is_rep & (team == t))
            n_pt = max(1, int(round(0.4 * len(members)))) if len(members) > 1 else 0
            zones = np.zeros(len(members), np.int8)
            zones[:n_pt] = PT
            tz[members] = rng.permutation(zones)
        self.tz = tz

        # Employment: first and last working day.
        self.first_day = np.full(n, self.warm_day - 400)
        self.last_day = np.full(n, self.anchor_day)
        created_day = rng.integers(_epoch_day(date(2023, 6, 1)), _epoch_day(date(2026, 2, 20)), n)
        created_day[: 4] = rng.integers(_epoch_day(date(2022, 3, 1)), _epoch_day(date(2023, 5, 1)), 4)
        created_day[[self.auto_user, self.mops_user]] = _epoch_day(date(2022, 1, 10))
        if self.new_hire.any():
            hire = self.anchor_day - 7 * s.new_hire_weeks
            self.first_day[self.new_hire] = hire
            created_day[self.new_hire] = hire - 1
        self.hire_day = self.first_day.copy()
        if self.departed.any():
            self.last_day[self.departed] = _epoch_day(s.departure)
        self.active = ~self.departed
        created = created_day * DAY + rng.integers(14 * HOUR, 23 * HOUR, n)
        self.user_created = created.astype(float)

        # Per-person behaviour. ADR busy-ness (calls+emails per business day), call share and speed to lead.
        adr_mu = np.array([74, 68, 64, 61, 57, 54, 51, 48], float)
        adr_call = np.array([0.58, 0.57, 0.56, 0.54, 0.55, 0.52, 0.55, 0.50])
        adr_speed = np.array([0.6, 0.9, 0.8, 1.2, 1.0, 1.5, 2.2, 1.1])
        smb_mu = np.array([24, 20, 22, 18, 26, 16, 21, 19], float)
        mm_mu = np.array([18, 15, 20, 14, 17, 16], float)
        smb_meet = np.array([2.6, 1.8, 2.2, 2.0, 3.0, 1.6, 2.4, 1.5])
        mm_meet = np.array([3.2, 2.0, 2.8, 2.4, 3.0, 2.2])
        pace_cycle = np.array([1.1, 0.95, 1.0, 0.85, 1.15, 0.9, 1.05])
        self.mu = np.zeros(n)
        self.call_share = np.full(n, 0.5)
        self.speed = np.ones(n)
        self.meet_mu = np.zeros(n)
        self.pace = np.ones(n)
        jitter = rng.uniform(-1, 1, n)
        for u in np.flatnonzero(self.is_rep):
            p = self.pos[u]
            if team[u] == ADR:
                self.mu[u] = adr_mu[p % 8] + jitter[u] * (1.5 if p < 8 else 3.0)
                self.call_share[u] = adr_call[p % 8]
                self.speed[u] = adr_speed[p % 8]
                self.meet_mu[u] = 0.15
                if self.departed[u]:
                    self.mu[u], self.speed[u] = 56.0, 1.3
            else:
                mus, meets = (smb_mu, smb_meet) if team[u] == SMB else (mm_mu, mm_meet)
                self.mu[u] = mus[p % len(mus)] + jitter[u] * (0.5 if p < len(mus) else 2.0)
                self.meet_mu[u] = meets[p % len(meets)]
                self.call_share[u] = 0.5 + 0.05 * jitter[u]
                ahead, behind = (1.45, 0.45) if team[u] == SMB else (1.35, 0.40)
                self.pace[u] = (ahead if p == 0 else behind if p == 1
                                else pace_cycle[(p - 2) % len(pace_cycle)] + (0.05 * jitter[u] if p >= 9 else 0))
                if self.new_hire[u]:
                    self.pace[u] = 0.6
        self.adrs = np.flatnonzero(self.is_rep & (team == ADR))
        self.aes = np.flatnonzero(self.is_rep & (team != ADR))

        # Quotas per AE and quarter (None-quota AE: the goals file's revenue row carries the same figure).
        self.quota = np.full((n, len(self.quarters)), np.nan)
        base = np.where(team == SMB, _round100(rng.uniform(125_000, 150_000, n) / 50) * 50,
                        _round100(rng.uniform(310_000, 390_000, n) / 100) * 100) * s.quota_scale
        growth = 1.0 + 0.03 * np.arange(len(self.quarters))
        for u in self.aes:
            self.quota[u] = np.round(base[u] * growth / 1000) * 1000
            if self.new_hire[u]:  # ramped: two thirds of the last quarter's months, at half and three quarters
                self.quota[u, :-1] = np.nan
                self.quota[u, -1] = np.round(self.quota[u, -1] / 3 * 1.25 / 100) * 100
        # Attainment targets in the earlier quarters (whole quarter), loosely following the rep's form.
        self.attain = np.clip(0.4 + 0.6 * self.pace[:, None] + rng.normal(0, 0.1, (n, len(self.quarters))),
                              0.55, 1.6)
        # Time of a departure (17:30 local on the last day).
        self.leave_utc = np.full(n, np.inf)
        if self.departed.any():
            u = np.flatnonzero(self.departed)
            self.leave_utc[u] = self.to_utc(self.last_day[u] * DAY + 17.5 * HOUR, self.tz[u])
        # Leads stop being routed to a leaving ADR two weeks before the last day.
        self.route_until = np.where(self.departed, (self.last_day - 14) * DAY, np.inf)

    def elapsed_share(self) -> float:
        first, last = self.quarters[-1]
        days = np.arange(first, last + 1)
        bd = (days + 3) % 7 < 5
        return bd[days <= self.anchor_day].sum() / bd.sum()

    # -------------------------------------------------------------------------------------------------- leads
    def _owner_at(self, t, rows=None):
        """Owner code (user index, or -1/-2 for the queues) of leads `rows` (default: all) at times t."""
        rows = slice(None) if rows is None else rows
        t = np.asarray(t, float)
        return np.where(t < self.ch1[rows], self.o0[rows],
                        np.where(t < self.ch2[rows], self.o1[rows], self.o2[rows]))

    def _tz_of(self, owner):
        return np.where(owner >= 0, self.tz[np.maximum(owner, 0)], ET)

    def _pick_adr(self, rng, t, exclude=None):
        """An ADR taking leads at time t (equal odds); -1 when none is available."""
        a = self.adrs
        start = self.first_day[a] * DAY
        w = ((t[:, None] >= start[None, :]) & (t[:, None] <= self.route_until[a][None, :])).astype(float)
        if exclude is not None:
            w[exclude[:, None] == a[None, :]] = 0.0
        has = w.sum(axis=1) > 0
        k = _choose_rows(rng, np.where(has[:, None], w, 1.0))
        return np.where(has, a[k], -1)

    def _leads(self) -> None:
        s, rng = self.s, self.rng("leads")
        days = np.arange(self.start_day, self.anchor_day + 1)
        factor = np.where((days + 3) % 7 < 5, 1.0, s.weekend_lead_factor)
        factor[np.isin(days, self.holidays)] = 0.3
        day = np.repeat(days, rng.poisson(s.leads_per_business_day * factor))
        local = day * DAY + rng.choice(24, size=len(day), p=LEAD_HOURS / LEAD_HOURS.sum()) * HOUR
        local = local + rng.integers(0, HOUR, len(day))
        created = self.to_utc(local.astype(float), ET)
        order = np.argsort(created, kind="stable")
        created = created[order]
        keep = created <= self.end
        created = created[keep]
        n = len(created)
        self.n_leads = n
        self.lead_created = created

        src = rng.choice(len(LEAD_SOURCES), size=n, p=LEAD_SOURCE_P)
        self.lead_source = src
        first = rng.integers(0, len(FIRST_NAMES), n)
        last = rng.integers(0, len(LAST_NAMES), n)
        self.lead_first = np.array(FIRST_NAMES, dtype=object)[first]
        self.lead_last = np.array(LAST_NAMES, dtype=object)[last]
        company, domain = self._companies(rng, n)
        self.lead_company = company
        self.lead_email = _cat(_ascii(FIRST_NAMES)[first], ".", _ascii(LAST_NAMES)[last], "@", domain)
        self.lead_mm = rng.random(n) < s.mm_lead_share
        self.lead_employees = np.where(self.lead_mm, _lognormal(rng, 450, 0.6, n, 200, 4000),
                                       _lognormal(rng, 45, 0.8, n, 5, 199)).astype(np.int64)
        self.lead_industry = rng.integers(0, len(INDUSTRIES), n)

        # Owners: queue or ADR at creation; queued leads are picked up later; a few are rebalanced.
        outbound = src == SRC_OUTBOUND
        p_out = LEAD_SOURCE_P[SRC_OUTBOUND]
        queued = ~outbound & (rng.random(n) < s.queue_share / (1 - p_out))
        queue_code = np.where(src == SRC_PARTNER, -2, -1)
        wait = np.exp(rng.normal(np.log(3 * HOUR), 1.2, n))
        wait += (rng.random(n) < 0.04) * rng.uniform(5, 40, n) * BH
        taken = self.bh_after(created, ET, wait)
        taken = np.where(queued & (taken <= self.end), taken, np.inf)
        pick_at_create = self._pick_adr(rng, created)
        pick_at_take = self._pick_adr(rng, np.where(np.isfinite(taken), taken, created))
        rebalance = ~queued & (rng.random(n) < 0.04)
        moved = self.bh_after(created, ET, rng.uniform(8, 160, n) * HOUR)
        new_owner = self._pick_adr(rng, np.where(np.isfinite(moved), moved, created), exclude=pick_at_create)
        rebalance &= (moved <= self.end) & (new_owner >= 0)
        self.o0 = np.where(queued, queue_code, pick_at_create)
        self.ch1 = np.where(queued, taken, np.where(rebalance, moved, np.inf))
        self.o1 = np.where(queued, pick_at_take, np.where(rebalance, new_owner, -9))
        self.ch2 = np.full(n, np.inf)
        self.o2 = np.full(n, -9)
        self.ch1_by_manager = rebalance.copy()
        self.ch2_by_manager = np.zeros(n, bool)

        # Marketing qualification (marketing automation, any hour).
        will_mql = ~outbound & (rng.random(n) < min(0.99, s.mql_rate / (1 - p_out)))
        instant = rng.random(n) < 0.55
        delay = np.where(instant, rng.integers(30, 900, n), np.round(_lognormal(rng, 5 * DAY, 0.9, n, HOUR, 90 * DAY)))
        tM = np.where(will_mql, created + delay, np.nan)
        tM[tM > self.end] = np.nan
        mql_label = np.where(rng.random(n) < 0.15, S_MQL_ALT, S_MQL)
        sal_label = np.where(rng.random(n) < 0.2, S_SAL_ALT, S_SAL)

        # Work starts when both the lead is an MQL (or worked without MQL) and an ADR owns it.
        assigned = np.where(queued, self.ch1, created)
        ws = np.full(n, np.nan)
        is_mql = np.isfinite(tM)
        ws[is_mql] = np.maximum(tM, assigned)[is_mql]
        ws[outbound] = created[outbound]
        worked_plain = ~will_mql & ~outbound & (rng.random(n) < 0.3)
        ws[worked_plain] = (np.maximum(created, assigned) + rng.uniform(0.5, 3, n) * DAY)[worked_plain]
        ws[~np.isfinite(ws) | (ws > self.end)] = np.nan
        worker = self._owner_at(np.where(np.isfinite(ws), ws, 0))
        worker = np.where(np.isfinite(ws), worker, -9)
        tzw = self._tz_of(worker)

        # First touch: business hours after work starts (rep's own speed), or never.
        untouched = is_mql & (rng.random(n) < s.untouched_share)
        speed = self.speed[np.maximum(worker, 0)]
        touch_delay = np.where(outbound, rng.uniform(0.05, 2, n) * HOUR,
                               np.where(worked_plain, rng.uniform(0.5, 16, n) * HOUR,
                                        _lognormal(rng, 1.6 * HOUR, 1.1, n, 60, 30 * BH) * speed))
        t1_local = self.cal.local(self.cal.bh(self.to_local(ws, tzw)) + np.round(touch_delay))
        t1_local[untouched | ~np.isfinite(ws) | (t1_local >= (self.anchor_day + 1) * DAY)] = np.nan
        T1 = self.to_utc(t1_local, tzw)
        touched = np.isfinite(T1)
        self.first_touch = T1

        # Outcomes after the first touch.
        p_sal = np.where(is_mql, s.sal_rate / (1 - s.untouched_share), np.where(outbound, 0.3, 0.0))
        sal = touched & (rng.random(n) < p_sal)
        work_step = touched & (~sal | (rng.random(n) < 0.4))
        tW = np.where(work_step, T1 + rng.integers(120, 900, n), np.nan)
        sal_wait = np.where(rng.random(n) < 0.4, rng.uniform(0.3, 4, n), rng.uniform(8, 32, n)) * HOUR
        tS = np.where(sal, self.bh_after(T1, tzw, sal_wait), np.nan)
        sql = sal & (rng.random(n) < s.sql_rate)
        direct = sal & ~sql & (rng.random(n) < 0.04)
        tQ = np.where(sql, self.bh_after(tS, tzw, rng.uniform(2, 12, n) * 5 / 7 * BH), np.nan)
        converted = sql & (rng.random(n) < s.convert_rate)
        tC = np.where(converted, self.bh_after(tQ, tzw, rng.uniform(1, 4, n) * BH),
                      np.where(direct, self.bh_after(tS, tzw, rng.uniform(2, 8, n) * BH), np.nan))
        r = rng.random(n)
        tX = np.full(n, np.nan)
        labX = np.full(n, S_CNC)
        autoX = np.zeros(n, bool)
        m = sql & ~converted & (r < 0.6)
        tX[m] = self.bh_after(tQ, tzw, rng.uniform(5, 20, n) * BH)[m]
        sal_only = sal & ~sql & ~direct
        m = sal_only & (r < 0.85)
        tX[m] = self.bh_after(tS, tzw, np.where(r < 0.4, rng.uniform(3, 20, n), rng.uniform(5, 25, n)) * BH)[m]
        labX[sal_only & (r >= 0.4)] = S_RECYCLED
        m = touched & ~sal & (r < 0.85)
        tX[m] = self.bh_after(T1, tzw, np.where(r < 0.45, rng.uniform(3, 15, n), rng.uniform(5, 20, n)) * BH)[m]
        labX[touched & ~sal & (r >= 0.45)] = S_RECYCLED
        m = untouched & (r < 0.7)
        tX[m] = (tM + 21 * DAY)[m]
        labX[m] = S_RECYCLED
        autoX[m] = True
        # Some recycled SALs come back: marketing re-qualifies them, an ADR accepts them again.
        comeback = sal_only & is_mql & np.isfinite(tX) & (labX == S_RECYCLED) & (rng.random(n) < 0.3)
        tM2 = np.where(comeback, tX + np.round(rng.uniform(15, 60, n) * DAY), np.nan)
        tS2 = self.bh_after(tM2, tzw, rng.uniform(2, 24, n) * HOUR)
        tX2 = np.where(rng.random(n) < 0.5, self.bh_after(tS2, tzw, rng.uniform(5, 15, n) * BH), np.nan)

        times = [tM, tW, tS, tQ, tC, tX, tM2, tS2, tX2]
        labels = [mql_label, np.full(n, S_WORKING), sal_label, np.full(n, S_SQL), np.full(n, S_CONVERTED), labX,
                  mql_label, sal_label, np.full(n, S_CNC)]
        autos = [np.ones(n, bool), np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool),
                 autoX, np.ones(n, bool), np.zeros(n, bool), np.zeros(n, bool)]

        # The departed ADR's unfinished leads go to other ADRs on the last day.
        for u in np.flatnonzero(self.departed):
            leave = self.leave_utc[u]
            status = np.full(n, S_OPEN)
            for t, lab in zip(times, labels):
                status = np.where(t <= leave, lab, status)
            hit = (self._owner_at(np.full(n, leave)) == u) & (created <= leave) & ~np.isin(status, TERMINAL)
            heir = self._pick_adr(rng, np.full(n, leave), exclude=np.full(n, u))
            hit &= heir >= 0
            first_change = hit & (self.o0 == u) & (self.ch1 > leave)
            second_change = hit & ~first_change
            self.ch1 = np.where(first_change, leave, self.ch1)
            self.o1 = np.where(first_change, heir, self.o1)
            self.ch1_by_manager |= first_change
            self.ch2 = np.where(first_change, np.inf, np.where(second_change, leave, self.ch2))
            self.o2 = np.where(second_change, heir, self.o2)
            self.ch2_by_manager |= second_change
            # Recycled leads the leaver kept do not come back to them.
            gone = np.isfinite(tM2) & (self._owner_at(np.where(np.isfinite(tM2), tM2, 0)) == u)
            for t in (tM2, tS2, tX2):
                t[gone] = np.nan

        # Status events that happened (by the end of the anchor day), in order per lead.
        ev_lead = np.concatenate([np.arange(n)] * len(times))
        ev_t = np.concatenate(times)
        ev_label = np.concatenate(labels)
        ev_auto = np.concatenate(autos)
        ok = np.isfinite(ev_t) & (ev_t <= self.end)
        ev_lead, ev_t, ev_label, ev_auto = ev_lead[ok], ev_t[ok], ev_label[ok], ev_auto[ok]
        order = np.lexsort((ev_t, ev_lead))
        ev_lead, ev_t, ev_label, ev_auto = ev_lead[order], ev_t[order], ev_label[order], ev_auto[order]
        new_lead = np.concatenate([[True], ev_lead[1:] != ev_lead[:-1]]) if len(ev_lead) else np.zeros(0, bool)
        ev_old = np.where(new_lead, S_OPEN, np.concatenate([[S_OPEN], ev_label[:-1]]))
        self.ev = dict(lead=ev_lead, t=ev_t, new=ev_label, old=ev_old, auto=ev_auto)
        status = np.full(n, S_OPEN)
        status[ev_lead] = ev_label  # the last event of each lead wins (sorted by time)
        self.lead_status = status

        def happened(t):
            return np.where(np.isfinite(t) & (t <= self.end), t, np.nan)

        self.tM, self.tS, self.tQ, self.tC = happened(tM), happened(tS), happened(tQ), happened(tC)
        self.tX = happened(tX)

        # Activity windows: the days an ADR keeps working a lead after the first touch (and after a comeback).
        stop = np.fmin(self.tC, self.tX)
        stop = np.where(np.isfinite(stop), stop, self.end + DAY)
        w1_end = np.fmin(stop, T1 + 21 * DAY)
        m2 = happened(tM2)
        stop2 = np.where(np.isfinite(happened(tX2)), tX2, self.end + DAY)
        w2_end = np.fmin(stop2, np.where(np.isfinite(tS2), tS2, m2) + 10 * DAY)
        w_lead = np.concatenate([np.arange(n), np.arange(n)])
        w_start = np.concatenate([T1, m2])
        w_end = np.concatenate([w1_end, w2_end])
        w_tz = np.concatenate([tzw, tzw])
        okw = np.isfinite(w_start)
        w_lead, w_start, w_end, w_tz = w_lead[okw], w_start[okw], w_end[okw], w_tz[okw]
        first_day = self.local_day(w_start, w_tz).astype(np.int64) + 1
        last_day = np.minimum(self.local_day(np.minimum(w_end, self.end + DAY), w_tz), self.anchor_day)
        rows, pday = _expand_days(first_day, last_day.astype(np.int64))
        plead = w_lead[rows]
        powner = np.where(pday * DAY + 17 * HOUR < self.ch1[plead], self.o0[plead],
                          np.where(pday * DAY + 17 * HOUR < self.ch2[plead], self.o1[plead], self.o2[plead]))
        change_day1 = np.floor(self.to_local(np.where(np.isfinite(self.ch1), self.ch1, np.nan), ET) / DAY)
        change_day2 = np.floor(self.to_local(np.where(np.isfinite(self.ch2), self.ch2, np.nan), ET) / DAY)
        okp = (powner >= 0) & (change_day1[plead] != pday) & (change_day2[plead] != pday)
        okp &= pday <= self.last_day[np.maximum(powner, 0)]
        self.lead_pairs = (powner[okp], pday[okp], plead[okp])

        # Designated first touches (one completed call or email at T1, by the owner then).
        f = np.flatnonzero(touched)
        self.first_touch_leads = f
        self.first_touch_owner = self._owner_at(T1[f], f)

        # Stage date fields: the owner's local date of the first time each stage was reached.
        def stage_day(t):
            ok = np.isfinite(t)
            owner = self._owner_at(np.where(ok, t, 0))
            return np.where(ok, self.local_day(t, self._tz_of(owner)), np.nan)

        self.mql_day = stage_day(np.fmin(self.tM, happened(tM2)))
        self.sal_day = stage_day(np.fmin(self.tS, happened(tS2)))
        self.sql_day = stage_day(self.tQ)
        self.converted = np.isfinite(self.tC)
        self.converted_day = stage_day(self.tC)
        self.lead_owner = np.where(np.isfinite(self.ch2), self.o2, np.where(np.isfinite(self.ch1), self.o1, self.o0))
        self.lead_history_on = created >= self.history_cutoff

    def _companies(self, rng, n) -> tuple[np.ndarray, np.ndarray]:
        """Company names ('Summit Dental, Inc.', 'Okafor & Reyes Legal') and their web domains."""
        pre = rng.integers(0, len(COMPANY_PREFIXES), n)
        core = rng.integers(0, len(COMPANY_CORES), n)
        suf = rng.integers(0, len(COMPANY_SUFFIXES), n)
        fam1 = rng.integers(0, len(LAST_NAMES), n)
        fam2 = rng.integers(0, len(LAST_NAMES), n)
        family = rng.random(n) < 0.15
        prefixes = np.array(COMPANY_PREFIXES, dtype=object)
        lasts = np.array(LAST_NAMES, dtype=object)
        head = np.where(family, _cat(lasts[fam1], " & ", lasts[fam2]), prefixes[pre])
        suffix = np.array(COMPANY_SUFFIXES, dtype=object)[suf]
        glue = np.where(suffix == "", "", np.where(np.char.startswith(suffix.astype(str), ","), "", " "))
        name = _cat(head, " ", np.array(COMPANY_CORES, dtype=object)[core], glue, suffix)
        head_ascii = np.where(family, _cat(_ascii(LAST_NAMES)[fam1], _ascii(LAST_NAMES)[fam2]),
                              _ascii(COMPANY_PREFIXES)[pre])
        domain = _cat(head_ascii, _ascii(COMPANY_CORES)[core], np.where(rng.random(n) < 0.8, ".com", ".io"))
        return name, domain

    # ----------------------------------------------------------------------------------- accounts and deals
    def _accounts_and_deals(self) -> None:
        s, rng = self.s, self.rng("opps")
        aes = self.aes
        acc = {k: [] for k in ("name", "owner", "type", "industry", "employees", "created")}

        def add_accounts(name, owner, typ, industry, employees, created):
            start = sum(len(x) for x in acc["name"])
            for key, value in zip(acc, (name, owner, typ, industry, employees, created)):
                acc[key].append(np.asarray(value))
            return start + np.arange(len(name))

        # Existing customers (renewals and upsells come from them); the new hire starts without any.
        old = np.array([u for u in aes if not self.new_hire[u]], dtype=np.int64)
        per = np.where(self.team[old] == SMB, s.customers_per_rep, max(1, round(0.6 * s.customers_per_rep)))
        per = np.maximum(1, np.round(per * np.sqrt(s.deal_scale))).astype(np.int64)
        c_owner = np.repeat(old, per)
        nc = len(c_owner)
        c_name, _ = self._companies(rng, nc)
        c_mm = self.team[c_owner] == MM
        c_created_day = rng.integers(_epoch_day(date(2023, 1, 5)), self.start_day - 20, nc)
        c_created = self.business_time(rng, c_created_day, self.tz[c_owner])
        c_arr = _round100(np.where(c_mm, _lognormal(rng, 60_000, 0.45, nc, 25_000, 180_000),
                                   _lognormal(rng, 13_000, 0.45, nc, 5_000, 35_000)))
        cust = add_accounts(c_name, c_owner,
                            np.where(rng.random(nc) < 0.85, "Customer - Direct", "Customer - Channel"),
                            rng.integers(0, len(INDUSTRIES), nc),
                            np.where(c_mm, _lognormal(rng, 500, 0.6, nc, 200, 4000),
                                     _lognormal(rng, 60, 0.7, nc, 5, 199)).astype(np.int64), c_created)

        # Partner accounts recruited over the period.
        n_partners = max(4, int(round(0.8 * len(aes))))
        p_owner = rng.choice(old, n_partners)
        p_name, _ = self._companies(rng, n_partners)
        p_day = rng.integers(self.start_day, self.anchor_day, n_partners)
        add_accounts(p_name, p_owner, rng.choice(np.array(ACCOUNT_PARTNER_TYPES, dtype=object), n_partners),
                     np.full(n_partners, 0), rng.integers(10, 150, n_partners),
                     self.business_time(rng, p_day, self.tz[p_owner]))

        deals = []  # dicts of arrays per source

        # A. Converted leads: the opportunity goes to an SMB or mid-market rep (by company size).
        conv = np.flatnonzero(self.converted)
        tC = self.tC[conv]
        owner = np.full(len(conv), -1)
        for t in (SMB, MM):
            members = aes[self.team[aes] == t]
            sel = np.flatnonzero((self.lead_mm[conv] == (t == MM)))
            if len(members) == 0 or len(sel) == 0:
                continue
            weight = (0.7 + 0.3 * self.pace[members]) * np.where(self.new_hire[members], 0.6, 1.0)
            ready = tC[sel][:, None] >= (self.first_day[members] + 7)[None, :] * DAY
            owner[sel] = members[_choose_rows(rng, ready * weight[None, :] + 1e-12)]
        if (owner < 0).any():  # a team with nobody: the other team takes the deal
            owner[owner < 0] = aes[_choose_rows(rng, np.ones((int((owner < 0).sum()), len(aes))))]
        conv_acc = add_accounts(self.lead_company[conv], owner, np.full(len(conv), "Prospect"),
                                self.lead_industry[conv], self.lead_employees[conv], tC)
        self.lead_account = np.full(self.n_leads, -1)
        self.lead_account[conv] = conv_acc
        deals.append(dict(owner=owner, typ=np.full(len(conv), NB), account=conv_acc, created=tC,
                          source=np.array(LEAD_SOURCES, dtype=object)[self.lead_source[conv]], lead=conv,
                          renewal_day=np.full(len(conv), np.nan)))

        # B, C. AE-sourced new business and upsells, spread over each AE's working days. Before `start` (fading
        # out over its first month) new business also arrives at the rate converted leads bring it later: that
        # pipeline stands in for deals converted from leads older than the data.
        cust_owner = c_owner
        data_days = np.arange(self.start_day, self.anchor_day + 1)
        n_workdays = max(1, int(self.is_workday(data_days).sum()))
        inflow = {}
        for t in (SMB, MM):
            members = aes[(self.team[aes] == t) & ~self.new_hire[aes]]
            inflow[t] = (owner[np.isin(owner, members)].size / max(1, len(members)) / n_workdays)
        for u in aes:
            lo = max(self.warm_day, int(self.first_day[u]))
            days = np.arange(lo, self.anchor_day + 1)
            days = days[self.is_workday(days)]
            months = len(days) / 21.0
            form = 0.6 + 0.4 * self.pace[u]
            own_rate = s.self_sourced_per_rep_month * s.deal_scale * form / 21.0 * (1.6 if self.new_hire[u] else 1)
            weight = own_rate + inflow[self.team[u]] * np.clip((self.start_day + 30 - days) / 30.0, 0.0, 1.0)
            n_ss = rng.poisson(weight.sum())
            mine = cust[cust_owner == u]
            n_up = rng.poisson(s.upsells_per_rep_month * np.sqrt(s.deal_scale) * form * months) if len(mine) else 0
            for count, typ in ((n_ss, NB), (n_up, UPG)):
                if count == 0:
                    continue
                chosen = rng.choice(days, count, p=weight / weight.sum() if typ == NB else None)
                created = self.business_time(rng, chosen, np.full(count, self.tz[u]))
                if typ == NB:
                    name, _ = self._companies(rng, count)
                    mm = self.team[u] == MM
                    account = add_accounts(name, np.full(count, u), np.full(count, "Prospect"),
                                           rng.integers(0, len(INDUSTRIES), count),
                                           (_lognormal(rng, 450, 0.6, count, 200, 4000) if mm
                                            else _lognormal(rng, 45, 0.8, count, 5, 199)).astype(np.int64),
                                           created - rng.uniform(0, 20, count) * DAY)
                    source = rng.choice(np.array(["Outbound Prospecting", "Partner Referral", "Trade Show",
                                                  "Webinar", ""], dtype=object), count,
                                        p=[0.55, 0.2, 0.1, 0.05, 0.1])
                    inbound = rng.choice(np.array(LEAD_SOURCES[:5], dtype=object), count)
                    warm = rng.random(count) * weight[np.searchsorted(days, chosen)] >= own_rate
                    source = np.where(warm, inbound, source)
                else:
                    account = rng.choice(mine, count)
                    source = np.full(count, "", dtype=object)
                deals.append(dict(owner=np.full(count, u), typ=np.full(count, typ), account=account,
                                  created=created, source=source, lead=np.full(count, -1),
                                  renewal_day=np.full(count, np.nan)))

        # D. Renewals of existing customers falling due in the period (opened 45-75 days ahead).
        anniversary = (c_created_day - _epoch_day(date(2023, 1, 1))) % 365 + _epoch_day(date(2026, 1, 1))
        due = (anniversary >= self.warm_day + 60) & (anniversary <= self.anchor_day + 75)
        opened_day = anniversary - rng.integers(45, 76, nc)
        opened_day += np.select([(opened_day + 3) % 7 == 5, (opened_day + 3) % 7 == 6], [2, 1], 0)  # to Monday
        due &= opened_day <= self.anchor_day
        ren = np.flatnonzero(due)
        deals.append(dict(owner=c_owner[ren], typ=np.full(len(ren), REN), account=cust[ren],
                          created=self.business_time(rng, opened_day[ren], self.tz[c_owner[ren]]),
                          source=np.full(len(ren), "", dtype=object), lead=np.full(len(ren), -1),
                          renewal_day=anniversary[ren].astype(float)))
        arr_of_account = np.zeros(sum(len(x) for x in acc["name"]))
        arr_of_account[cust] = c_arr

        d = {k: np.concatenate([x[k] for x in deals]) for k in deals[0]}
        d["created"] = np.minimum(d["created"], self.end)
        n = len(d["owner"])
        team = self.team[d["owner"]]
        mm = team == MM
        typ = d["typ"]
        amount = np.where(mm, _lognormal(rng, 62_000, 0.5, n, 25_000, 180_000),
                          _lognormal(rng, 13_500, 0.45, n, 5_000, 35_000))
        amount = np.where(typ == UPG, np.where(mm, _lognormal(rng, 35_000, 0.4, n, 25_000, 120_000),
                                               _lognormal(rng, 8_000, 0.4, n, 5_000, 25_000)), amount)
        amount = np.where(typ == REN, arr_of_account[d["account"]] * rng.uniform(0.95, 1.15, n), amount)
        amount = _round100(np.where(mm, np.clip(amount, 25_000, 180_000), np.clip(amount, 5_000, 35_000)))

        # Schedule: planned close date, slips (pushes of 14-40 days), early losses, pulled-in wins.
        tz = self.tz[d["owner"]]
        c = d["created"]
        c_day = self.local_day(c, tz).astype(np.int64)
        cycle = np.where(mm, _lognormal(rng, 62, 0.4, n, 30, 150), _lognormal(rng, 24, 0.35, n, 10, 60))
        cycle = np.where(typ == UPG, np.where(mm, _lognormal(rng, 35, 0.35, n, 15, 90),
                                              _lognormal(rng, 18, 0.35, n, 7, 45)), cycle)
        d0 = np.where(typ == REN, d["renewal_day"], c_day + np.round(cycle)).astype(np.int64)
        d0 = np.maximum(d0, c_day + 3)
        k = np.where(rng.random(n) < 0.38, rng.choice([1, 2, 3, 4], n, p=[0.45, 0.3, 0.15, 0.1]), 0)
        push = rng.integers(14, 41, (n, 4))
        D = np.zeros((n, 5), np.int64)
        D[:, 0] = d0
        slip_day = np.full((n, 4), np.iinfo(np.int64).max // 2)
        prev = c_day.copy()
        for j in range(1, 5):
            active = j <= k
            D[:, j] = D[:, j - 1] + np.where(active, push[:, j - 1], 0)
            sd = np.maximum(D[:, j - 1] + rng.integers(-6, 4, n), np.maximum(prev + 1, c_day + 1))
            slip_day[:, j - 1] = np.where(active, sd, slip_day[:, j - 1])
            prev = np.where(active, sd, prev)
        dk = D[np.arange(n), k]
        zombie = (typ != REN) & (rng.random(n) < 0.06) & (dk <= self.anchor_day - 10)
        p_win = np.where(typ == REN, 0.8, np.where(typ == UPG, 0.45, 0.27)) * (0.75 + 0.25 * self.pace[d["owner"]])
        won = rng.random(n) < p_win
        last_slip = np.where(k > 0, slip_day[np.arange(n), np.maximum(k - 1, 0)], c_day)
        pulled = won & (rng.random(n) < 0.12)
        actual = np.where(pulled, np.minimum(dk, np.maximum(dk - rng.integers(3, 16, n),
                                                             np.maximum(c_day + 3, last_slip + 1))), dk)
        early = ~won & (rng.random(n) < 0.85)
        early_day = c_day + np.ceil(rng.uniform(0.2, 0.95, n) * (dk - c_day)).astype(np.int64)
        actual = np.where(early, np.maximum(early_day, c_day + 1), actual)
        close_time = self.business_time(rng, actual, tz, 9, 18)
        closed = ~zombie & (close_time <= self.end)
        slip_time = np.stack([self.business_time(rng, np.minimum(slip_day[:, j], self.anchor_day + 900), tz)
                              for j in range(4)], axis=1)
        jj = np.arange(4)[None, :]
        slip_ok = (jj < k[:, None]) & ((slip_day < actual[:, None]) | zombie[:, None]) & (slip_time <= self.end)
        slips_done = slip_ok.sum(axis=1)
        # Deals closed before the data starts are not part of the org's data.
        keep = ~(closed & (close_time < self.start_utc))
        self.deal = dict(owner=d["owner"], typ=typ, account=d["account"], created=c, source=d["source"],
                         lead=d["lead"], amount=amount, tz=tz, c_day=c_day, D=D, k=k, slip_time=slip_time,
                         slip_ok=slip_ok, slips_done=slips_done, zombie=zombie, won=won, actual=actual,
                         close_time=close_time, closed=closed, team=team)
        self.deal = {key: value[keep] for key, value in self.deal.items()}
        self.acc = {key: np.concatenate(value) for key, value in acc.items()}

    def _calibrate(self) -> None:
        """Set which closed deals were won so each AE's won amount per quarter lands on the intended attainment
        (the anchor's quarter: pace x elapsed share); the best of many random orders is kept."""
        rng = self.rng("calibrate")
        d = self.deal
        won = d["won"].copy()
        elapsed = self.elapsed_share()
        for u in self.aes:
            for q, (first, last) in enumerate(self.quarters):
                quota = self.quota[u, q] if not self.no_quota[u] else self._no_quota_revenue()
                if not np.isfinite(quota):
                    continue
                target = quota * (self.pace[u] * elapsed if q == len(self.quarters) - 1 else self.attain[u, q])
                pool = np.flatnonzero((d["owner"] == u) & d["closed"] & (d["actual"] >= first) &
                                      (d["actual"] <= min(last, self.anchor_day)))
                if len(pool) == 0:
                    continue
                amounts = d["amount"][pool]
                keys = rng.random((64, len(pool))) - 0.9 * (d["typ"][pool] == REN)[None, :]
                orders = np.argsort(keys, axis=1, kind="stable")
                sums = np.concatenate([np.zeros((64, 1)), np.cumsum(amounts[orders], axis=1)], axis=1)
                miss = np.abs(sums - target)
                best_len = miss.argmin(axis=1)
                best = miss[np.arange(64), best_len].argmin()
                chosen = np.zeros(len(pool), bool)
                chosen[orders[best, : best_len[best]]] = True
                won[pool] = chosen
        d["won"] = won

    def _no_quota_revenue(self) -> float:
        """The goals-file quarterly revenue target of the mid-market AE without ForecastingQuota."""
        return 360_000.0 * self.s.quota_scale

    def _deal_histories(self) -> None:
        rng = np.random.default_rng([self.SECTIONS["opps"], self.seed, 2])
        d = self.deal
        n = len(d["owner"])
        closed, won, zombie = d["closed"], d["won"], d["zombie"]
        c, close_time = d["created"], d["close_time"]

        # Amount changes (chains of 1-2 earlier amounts); a few open deals have no or a zero amount.
        n_changes = rng.choice([0, 1, 2], n, p=[0.8, 0.15, 0.05])
        amounts = np.zeros((n, 3))
        amounts[:, 2] = d["amount"]
        amounts[:, 1] = _round100(d["amount"] * rng.uniform(0.6, 1.4, n))
        amounts[:, 0] = _round100(amounts[:, 1] * rng.uniform(0.7, 1.3, n))
        high = np.where(d["team"] == MM, 180_000, 35_000)
        amounts[:, :2] = np.clip(amounts[:, :2], np.where(d["team"] == MM, 25_000, 5_000)[:, None], high[:, None])
        for j in (1, 0):  # every change changes something: nudge by 500 inside the team's range
            later = amounts[:, j + 1]
            amounts[:, j] = np.where(amounts[:, j] == later, np.where(later + 500 <= high, later + 500, later - 500),
                                     amounts[:, j])
        span = np.where(zombie, 0.4, 0.9) * (close_time - c)
        amount_t = c[:, None] + np.sort(rng.uniform(0.05, 1.0, (n, 2)), axis=1) * span[:, None]
        amount_ok = (np.arange(2)[None, :] >= 2 - n_changes[:, None]) & (amount_t <= self.end)
        # Current amount: the value after the last change that happened, else the chain's first value.
        first_idx = 2 - n_changes
        done = amount_ok.sum(axis=1)
        current = amounts[np.arange(n), first_idx + done]
        hygiene = ~closed & (rng.random(n) < 0.03)
        blank = hygiene & (rng.random(n) < 0.67)
        current = np.where(blank, np.nan, np.where(hygiene, 0.0, current))
        amount_ok &= ~hygiene[:, None]
        d["current_amount"] = current
        rows = np.nonzero(amount_ok)
        self.amount_history = dict(deal=rows[0], t=amount_t[rows], old=amounts[rows[0], rows[1]],
                                   new=amounts[rows[0], rows[1] + 1])

        # Stage paths.
        final_won = won
        tmpl = np.where(final_won, np.where((rng.random(n) < 0.3) & (d["typ"] != REN), 1, 0),
                        2 + rng.choice(5, n, p=[0.2, 0.3, 0.25, 0.15, 0.1]))
        tmpl = np.where(zombie, 0, tmpl)
        n_trans = PATH_LEN[tmpl] - zombie.astype(int)
        n_inter = PATH_LEN[tmpl] - 1
        frac = rng.uniform(0.05, 0.9, (n, 4))
        frac[np.arange(4)[None, :] >= n_inter[:, None]] = 2.0  # unused columns sort last
        frac = np.sort(frac, axis=1) * np.where(zombie, 0.4, 1.0)[:, None]
        inter_t = c[:, None] + frac * (close_time - c)[:, None]
        times = np.concatenate([inter_t, np.full((n, 1), np.nan)], axis=1)
        times[np.arange(n), n_inter] = close_time
        stage = PATHS[tmpl]
        idx = np.arange(5)[None, :]
        exists = idx < n_trans[:, None]
        happened = exists & (times <= self.end)
        prev_stage = np.concatenate([np.zeros((n, 1), np.int64), stage[:, :-1]], axis=1)
        done = happened.sum(axis=1)
        current = np.where(done > 0, stage[np.arange(n), np.maximum(done - 1, 0)], 0)
        d["stage"] = current
        rows = np.nonzero(happened)
        self.stage_history = dict(deal=rows[0], t=times[rows], old=prev_stage[rows], new=stage[rows])

        # Close dates: slips that happened, then the day the deal actually closed.
        D = d["D"]
        slips = np.nonzero(d["slip_ok"])
        close_hist = [dict(deal=slips[0], t=d["slip_time"][slips], old=D[slips[0], slips[1]],
                           new=D[slips[0], slips[1] + 1])]
        scheduled = D[np.arange(n), d["slips_done"]]
        moved = closed & (d["actual"] != scheduled)
        m = np.flatnonzero(moved)
        close_hist.append(dict(deal=m, t=close_time[m], old=scheduled[m], new=d["actual"][m]))
        self.close_history = {key: np.concatenate([h[key] for h in close_hist]) for key in close_hist[0]}
        d["close_date"] = np.where(closed, d["actual"], scheduled)

        # Accounts whose deals were won are customers now.
        won_accounts = d["account"][closed & won]
        acc_type = self.acc["type"].astype(object)
        acc_type[np.intersect1d(won_accounts, np.flatnonzero(acc_type == "Prospect"))] = "Customer - Direct"
        self.acc["type"] = acc_type

    # --------------------------------------------------------------------------------------------- activities
    def _activities(self) -> None:
        s = self.s
        rng = self.rng("slots")
        reps = np.flatnonzero(self.is_rep)
        # Per rep and day: calls+emails, meetings, other tasks, meeting tasks.
        per = {k: [] for k in ("rep", "day", "ce", "meet", "other", "mtask")}
        for u in reps:
            days = np.arange(max(self.start_day, int(self.first_day[u])), min(self.anchor_day, int(self.last_day[u])) + 1)
            work = self.is_workday(days)
            wd_idx = np.flatnonzero(work)
            pto = np.zeros(len(days), bool)
            if len(wd_idx) > 40:
                pto[rng.choice(wd_idx, rng.integers(3, 9), replace=False)] = True
            on = work & ~pto
            noise = rng.gamma(30, 1 / 30, len(days))
            ramp = np.clip((days - self.hire_day[u]) / 21 + 0.3, 0.3, 1.0) if self.new_hire[u] else 1.0
            ce = np.where(on, rng.poisson(self.mu[u] * noise * ramp),
                          np.where(pto, 0, rng.choice([0, 0, 0, 1, 1, 2, 3], len(days))))
            adr = self.team[u] == ADR
            meet = np.where(on, rng.poisson(self.meet_mu[u] * noise * ramp), 0)
            other = np.where(on, rng.poisson(0.3 if adr else 0.8, len(days)), 0)
            mtask = np.where(on, rng.poisson(0.02 if adr else 0.15, len(days)), 0)
            for key, value in zip(per, (np.full(len(days), u), days, ce, meet, other, mtask)):
                per[key].append(value)
        per = {k: np.concatenate(v).astype(np.int64) for k, v in per.items()}
        nd = self.anchor_day + 1 - self.start_day + 1
        key = per["rep"] * nd + (per["day"] - self.start_day)

        # First touches are part of the ADR's calls and emails that day.
        f = self.first_touch_leads
        ft_t = self.first_touch[f]
        ft_owner = self.first_touch_owner
        ft_day = self.local_day(ft_t, self.tz[ft_owner]).astype(np.int64)
        ft_key = ft_owner * nd + (ft_day - self.start_day)
        order = np.argsort(key, kind="stable")
        pos = np.searchsorted(key[order], ft_key)
        pos = np.minimum(pos, len(key) - 1)
        hit = key[order][pos] == ft_key
        designated = np.bincount(order[pos[hit]], minlength=len(key))
        ce_random = np.maximum(per["ce"] - designated, 0)

        # Calls and emails at their times of day.
        def expand(counts):
            idx = np.repeat(np.arange(len(counts)), counts)
            return per["rep"][idx], per["day"][idx]

        owner, day = expand(ce_random)
        weekday = self.is_workday(day)
        secs = 8 * HOUR + rng.choice(10, len(day), p=WORK_HOURS / WORK_HOURS.sum()) * HOUR
        secs = secs + rng.integers(0, HOUR, len(day))
        evening = rng.random(len(day)) < s.evening_share
        secs = np.where(evening, rng.integers(18 * HOUR, 23 * HOUR + 1800, len(day)), secs)
        secs = np.where(weekday, secs, rng.integers(10 * HOUR, 20 * HOUR, len(day)))
        t = self.to_utc(day * DAY + secs.astype(float), self.tz[owner])
        is_call = rng.random(len(day)) < self.call_share[owner]

        # Other tasks and meeting tasks.
        o_owner, o_day = expand(per["other"])
        m_owner, m_day = expand(per["mtask"])
        om_day = np.concatenate([o_day, m_day])
        om_owner = np.concatenate([o_owner, m_owner])
        om_t = self.business_time(rng, om_day, self.tz[om_owner], 8, 18)

        # Everything completed, one table: kind 0 call, 1 email, 2 other, 3 meeting task.
        c_owner = np.concatenate([owner, ft_owner, om_owner])
        c_day = np.concatenate([day, ft_day, om_day])
        c_t = np.concatenate([t, ft_t, om_t])
        ft_call = rng.random(len(f)) < 0.6
        kind = np.concatenate([np.where(is_call, 0, 1), np.where(ft_call, 0, 1),
                               np.full(len(o_day), 2), np.full(len(m_day), 3)])
        who_lead = np.concatenate([np.full(len(day), -1), f, np.full(len(om_day), -1)])

        # Open tasks (some overdue, some due within ten days of the anchor).
        rng_t = self.rng("tasks")
        n_open = int(round(s.open_task_share / (1 - s.open_task_share) * len(c_t)))
        counts = np.bincount(c_owner, minlength=self.n_users).astype(float)
        busy = np.flatnonzero(counts)
        op_owner = rng_t.choice(busy, n_open, p=counts[busy] / counts[busy].sum())
        back = np.minimum(np.floor(rng_t.exponential(8, n_open)), 150).astype(np.int64)
        op_day = np.clip(np.minimum(self.anchor_day, self.last_day[op_owner]) - back,
                         np.maximum(self.start_day, self.first_day[op_owner]), None)
        op_t = self.business_time(rng_t, op_day, self.tz[op_owner], 8, 18)
        op_due = np.minimum(op_day + rng_t.integers(0, 15, n_open), self.anchor_day + 10)

        # Lead (WhoId) for ADR work; opportunity or account (WhatId) for AE work.
        p_owner, p_day, p_lead = self.lead_pairs
        all_owner = np.concatenate([c_owner, op_owner])
        all_day = np.concatenate([c_day, op_day]).astype(np.int64)
        all_lead = np.concatenate([who_lead, np.full(n_open, -1)])
        is_adr = self.team[all_owner] == ADR
        need = (all_lead < 0) & is_adr
        nk = self.anchor_day + 2 - self.start_day + 1
        all_lead[need] = _assign(rng_t, all_owner[need] * nk + (all_day[need] - self.start_day),
                                 p_owner * nk + (p_day - self.start_day), p_lead)
        # A few ADR calls and emails are to people not in the CRM (no WhoId) even when leads are available.
        what_deal, what_account = self._what(rng_t, all_owner, all_day, ~is_adr)

        n_done = len(c_t)
        self.task_table = self._tasks(rng_t, kind, c_owner, c_t, all_lead, what_deal, what_account,
                                      op_owner, op_t, op_due, n_done)

        # Events: meetings (AEs mostly, a few ADR meetings with leads).
        rng_e = self.rng("events")
        # At most seven a day, each in its own hour (08:00-19:59, evenings rare), so meetings never overlap.
        meets = np.minimum(per["meet"], 7)
        e_owner, e_day = expand(meets)
        n_ev = len(e_day)
        group = np.repeat(np.arange(len(meets)), meets)
        rank = np.arange(n_ev) - np.repeat(np.cumsum(meets) - meets, meets)
        slot_weight = np.array([0.5, 1, 1, 1, 0.5, 1, 1, 1, 0.8, 0.5, 0.06, 0.04])
        race = -np.log(rng_e.random((len(meets), len(slot_weight)))) / slot_weight  # weighted, no replacement
        hour = 8 + np.argsort(race, axis=1, kind="stable")[group, rank]
        minutes = rng_e.choice([30, 45, 60], n_ev, p=[0.5, 0.2, 0.3])
        offset = np.where(minutes == 60, 0, np.where(minutes == 45, rng_e.choice([0, 15], n_ev),
                                                     rng_e.choice([0, 15, 30], n_ev)))
        start_secs = hour * HOUR + offset * 60
        e_start = self.to_utc(e_day * DAY + start_secs.astype(float), self.tz[e_owner])
        e_adr = self.team[e_owner] == ADR
        e_lead = np.full(n_ev, -1)
        e_lead[e_adr] = _assign(rng_e, e_owner[e_adr] * nk + (e_day[e_adr] - self.start_day),
                                p_owner * nk + (p_day - self.start_day), p_lead)
        e_deal, e_account = self._what(rng_e, e_owner, e_day, ~e_adr)
        created = e_start - np.round(rng_e.uniform(0.02, 10, n_ev) * DAY)  # booked up to ten days ahead
        self.event_table = self._events(rng_e, e_owner, e_start, minutes, e_day, e_lead, e_deal, e_account, created)

    def _what(self, rng, owner, day, mask):
        """An open deal of the owner on that day (else one of their accounts) for the rows in mask."""
        d = self.deal
        n = len(owner)
        deal = np.full(n, -1)
        account = np.full(n, -1)
        if not mask.any():
            return deal, account
        end = np.where(d["closed"], d["close_time"], self.end)
        end = np.minimum(end, d["created"] + 150 * DAY)
        first = self.local_day(d["created"], d["tz"]).astype(np.int64) + 1
        last = np.minimum(self.local_day(end, d["tz"]), self.anchor_day).astype(np.int64)
        first = np.maximum(first, self.start_day)
        rows, pday = _expand_days(first, last)
        nk = self.anchor_day + 2 - self.start_day + 1
        pkey = d["owner"][rows] * nk + (pday - self.start_day)
        m = np.flatnonzero(mask)
        deal[m] = _assign(rng, owner[m] * nk + (day[m] - self.start_day), pkey, rows)
        # Fallback: one of the owner's accounts.
        acc_owner = self.acc["owner"].astype(np.int64)
        none = m[deal[m] < 0]
        account[none] = _assign(rng, owner[none], acc_owner, np.arange(len(acc_owner)))
        return deal, account

    # ------------------------------------------------------------------------------------------------- tables
    def _ids_in_order(self, prefix, times, base, *tiebreak):
        """Ids issued in creation order (ties by the tiebreak arrays, then position)."""
        order = np.lexsort(tuple(reversed((times,) + tiebreak))) if tiebreak else np.argsort(times, kind="stable")
        rank = np.empty(len(times), np.int64)
        rank[order] = np.arange(len(times))
        return make_ids(prefix, base + rank), order

    def _tasks(self, rng, kind, owner, t, lead, deal, account, op_owner, op_t, op_due, n_done):
        n_open = len(op_owner)
        n = n_done + n_open
        subtype = np.full(n, "Task", dtype=object)
        typ = np.full(n, "", dtype=object)
        subject = np.full(n, "", dtype=object)
        u = rng.random(n)

        def pick(options, size):
            return np.array(options, dtype=object)[rng.integers(0, len(options), size)]

        k = np.concatenate([kind, np.full(n_open, 9)])
        generic = pick(GENERIC_SUBJECTS, n)
        # Calls: Call subtype (Type blank or 'Call'), Task+Type Call, Task+subject 'Call...', Cadence+Type Call.
        call = k == 0
        style = np.select([u < 0.55, u < 0.75, u < 0.85, u < 0.95], [0, 1, 2, 3], 4)
        subtype[call] = np.select([style[call] <= 1, style[call] == 4], ["Call", "Cadence"], "Task")
        typ[call] = np.where(np.isin(style[call], (1, 2, 4)), "Call", "")
        subject[call] = np.select([style[call] <= 1, style[call] == 2, style[call] == 3],
                                  [pick(CALL_SUBJECTS, n)[call], generic[call], pick(CALL_TEXT_SUBJECTS, n)[call]],
                                  pick(CADENCE_CALL_SUBJECTS, n)[call])
        # Emails: Email subtype (Type blank or 'Email'), ListEmail, Task+Type Email, Task+subject, Cadence.
        email = k == 1
        es = np.select([u < 0.45, u < 0.60, u < 0.75, u < 0.85, u < 0.95], [0, 1, 2, 3, 4], 5)[email]
        subtype[email] = np.select([es <= 1, es == 2, es == 5], ["Email", "ListEmail", "Cadence"], "Task")
        typ[email] = np.where(np.isin(es, (1, 3, 5)), "Email", "")
        subject[email] = np.select([es <= 1, es == 2, es == 3, es == 4],
                                   [pick(EMAIL_SUBJECTS, n)[email], pick(LIST_EMAIL_SUBJECTS, n)[email],
                                    generic[email], pick(EMAIL_TEXT_SUBJECTS, n)[email]],
                                   pick(CADENCE_EMAIL_SUBJECTS, n)[email])
        other = k == 2
        typ[other] = np.where(u[other] < 0.8, "Other", "")
        subject[other] = pick(OTHER_SUBJECTS, n)[other]
        meeting = k == 3
        typ[meeting] = "Meeting"
        subject[meeting] = pick(MEETING_TASK_SUBJECTS, n)[meeting]
        opened = k == 9
        subtype[opened] = np.select([u[opened] < 0.6, u[opened] < 0.85], ["Task", "Call"], "Email")
        typ[opened] = np.where(subtype[opened] == "Task",
                               np.select([u[opened] < 0.25, u[opened] < 0.5], ["Call", "Email"], ""), "")
        subject[opened] = pick(OPEN_SUBJECTS, n)[opened]

        all_owner = np.concatenate([owner, op_owner])
        done_t = np.concatenate([t, np.full(n_open, np.nan)])
        has_completed = ~opened & (rng.random(n) < 0.9)
        completed = np.where(has_completed, done_t, np.nan)
        created = np.where(opened, np.concatenate([np.zeros(n_done), op_t]), done_t + rng.integers(3, 600, n))
        tz = self.tz[all_owner]
        activity_day = np.where(opened, np.concatenate([np.zeros(n_done), op_due]), self.local_day(done_t, tz))
        status = np.where(opened, np.where(rng.random(n) < 0.65, "Not Started", "In Progress"), "Completed")
        ids, order = self._ids_in_order("00T", created, 90_000_000, all_owner)
        who = np.where(lead >= 0, self.lead_ids[np.maximum(lead, 0)], "")
        what = np.where(deal >= 0, self.deal_ids[np.maximum(deal, 0)],
                        np.where(account >= 0, self.account_ids[np.maximum(account, 0)], ""))
        frame = pd.DataFrame({
            "Id": ids, "OwnerId": self.user_id[all_owner], "WhoId": who, "WhatId": what, "Subject": subject,
            "Type": typ, "TaskSubtype": subtype, "Status": status, "IsClosed": _bool(~opened),
            "ActivityDate": _fmt_date(activity_day), "CompletedDateTime": _fmt_datetime(completed),
            "CreatedDate": _fmt_datetime(created)})
        return frame.iloc[order].reset_index(drop=True)

    def _events(self, rng, owner, start, minutes, day, lead, deal, account, created):
        n = len(owner)
        ids, order = self._ids_in_order("00U", created, 20_000_000, owner)
        who = np.where(lead >= 0, self.lead_ids[np.maximum(lead, 0)], "")
        what = np.where(deal >= 0, self.deal_ids[np.maximum(deal, 0)],
                        np.where(account >= 0, self.account_ids[np.maximum(account, 0)], ""))
        subject = np.array(EVENT_SUBJECTS, dtype=object)[rng.integers(0, len(EVENT_SUBJECTS), n)]
        subject = np.where(self.team[owner] == ADR, "Discovery call", subject)
        frame = pd.DataFrame({
            "Id": ids, "OwnerId": self.user_id[owner], "WhoId": who, "WhatId": what, "Subject": subject,
            "Type": np.where(rng.random(n) < 0.7, "Meeting", ""),
            "StartDateTime": _fmt_datetime(start), "EndDateTime": _fmt_datetime(start + minutes * 60.0),
            "DurationInMinutes": minutes, "ActivityDate": _fmt_date(day), "CreatedDate": _fmt_datetime(created)})
        return frame.iloc[order].reset_index(drop=True)

    @property
    def lead_ids(self):
        if not hasattr(self, "_lead_ids"):
            self._lead_ids = make_ids("00Q", 150_000_000 + np.arange(self.n_leads))  # leads are sorted by time
        return self._lead_ids

    @property
    def account_ids(self):
        if not hasattr(self, "_account_ids"):
            self._account_ids, _ = self._ids_in_order("001", self.acc["created"].astype(float), 60_000_000)
        return self._account_ids

    @property
    def deal_ids(self):
        if not hasattr(self, "_deal_ids"):
            self._deal_ids, _ = self._ids_in_order("006", self.deal["created"], 30_000_000)
        return self._deal_ids

    def _user_table(self) -> pd.DataFrame:
        n = self.n_users
        role_of = {name: i for i, name in enumerate(self._roles()[0])}
        role_idx = np.array([role_of.get(r, -1) if r is not None else -1 for r in self.role])
        role_ids = self._roles()[1]
        manager = np.full(n, -1)
        for t in (ADR, SMB, MM):
            manager[self.manager_of[t]] = self.vp
            manager[self.is_rep & (self.team == t)] = self.manager_of[t]
        dept = np.array([TEAM_NAMES[t] if t >= 0 else "" for t in self.team], dtype=object)
        dept[self.vp] = "Sales"
        dept[self.mops_user] = "Marketing"
        title = np.array([r if r is not None else "" for r in self.role], dtype=object)
        title[self.mops_user] = "Marketing Operations"
        user_type = np.full(n, "Standard", dtype=object)
        user_type[self.auto_user] = "AutomatedProcess"
        return pd.DataFrame({
            "Id": self.user_id, "Username": self.username, "FirstName": self.first_name,
            "LastName": self.last_name, "Name": self.full_name, "Email": self.email,
            "IsActive": _bool(self.active), "UserType": user_type,
            "UserRoleId": np.where(role_idx >= 0, role_ids[np.maximum(role_idx, 0)], ""),
            "ManagerId": np.where(manager >= 0, self.user_id[np.maximum(manager, 0)], ""),
            "Department": dept, "Title": title, "TimeZoneSidKey": np.array(TZ_NAMES, dtype=object)[self.tz],
            "CreatedDate": _fmt_datetime(self.user_created)})

    @staticmethod
    def _roles():
        names = ("VP Inside Sales", "ADR Manager", "SMB Manager", "Mid-Market Manager", "ADR",
                 "SMB Account Manager", "Mid-Market AE")
        parents = (-1, 0, 0, 0, 1, 2, 3)
        return names, make_ids("00E", 5_200 + np.arange(len(names))), parents

    def _role_table(self) -> pd.DataFrame:
        names, ids, parents = self._roles()
        parents = np.array(parents)
        return pd.DataFrame({"Id": ids, "Name": names,
                             "ParentRoleId": np.where(parents >= 0, ids[np.maximum(parents, 0)], "")})

    def _account_table(self) -> pd.DataFrame:
        a = self.acc
        _, order = self._ids_in_order("001", a["created"].astype(float), 60_000_000)
        frame = pd.DataFrame({
            "Id": self.account_ids, "Name": a["name"], "OwnerId": self.user_id[a["owner"].astype(np.int64)],
            "Type": a["type"], "Industry": np.array(INDUSTRIES, dtype=object)[a["industry"].astype(np.int64)],
            "NumberOfEmployees": a["employees"].astype(np.int64), "CreatedDate": _fmt_datetime(a["created"].astype(float))})
        return frame.iloc[order].reset_index(drop=True)

    def _queue_ids(self):
        return make_ids("00G", 7_700 + np.arange(len(QUEUES)))

    def _owner_ids(self, owner):
        queue_ids = self._queue_ids()
        return np.where(owner >= 0, self.user_id[np.maximum(owner, 0)], queue_ids[np.clip(-owner - 1, 0, 1)])

    def _owner_names(self, owner):
        queues = np.array(QUEUES, dtype=object)
        return np.where(owner >= 0, self.full_name[np.maximum(owner, 0)], queues[np.clip(-owner - 1, 0, 1)])

    def _lead_table(self) -> pd.DataFrame:
        conv = self.converted
        acc = self.lead_account
        deal_of_lead = np.full(self.n_leads, -1)
        d = self.deal
        has_lead = d["lead"] >= 0
        deal_of_lead[d["lead"][has_lead]] = np.flatnonzero(has_lead)
        return pd.DataFrame({
            "Id": self.lead_ids, "FirstName": self.lead_first, "LastName": self.lead_last,
            "Company": self.lead_company, "Email": self.lead_email, "OwnerId": self._owner_ids(self.lead_owner),
            "Status": np.array(STATUSES, dtype=object)[self.lead_status],
            "LeadSource": np.array(LEAD_SOURCES, dtype=object)[self.lead_source],
            "CreatedDate": _fmt_datetime(self.lead_created), "IsConverted": _bool(conv),
            "ConvertedDate": _fmt_date(np.where(conv, self.converted_day, np.nan)),
            "ConvertedAccountId": np.where(conv & (acc >= 0), self.account_ids[np.maximum(acc, 0)], ""),
            "ConvertedOpportunityId": np.where(conv & (deal_of_lead >= 0),
                                               self.deal_ids[np.maximum(deal_of_lead, 0)], ""),
            "MQL_Date__c": _fmt_date(self.mql_day), "SAL_Date__c": _fmt_date(self.sal_day),
            "SQL_Date__c": _fmt_date(self.sql_day)})

    def _lead_history_table(self) -> pd.DataFrame:
        ev = self.ev
        on = self.lead_history_on
        keep = on[ev["lead"]]
        lead, t = ev["lead"][keep], ev["t"][keep]
        actor = np.where(ev["auto"][keep], self.mops_user, self._owner_at(t, lead))
        actor = np.where(actor >= 0, actor, self.mops_user)
        statuses = np.array(STATUSES, dtype=object)
        parts = [dict(lead=lead, t=t, field=np.full(len(lead), "Status", dtype=object),
                      dtype=np.full(len(lead), "Picklist", dtype=object), old=statuses[ev["old"][keep]],
                      new=statuses[ev["new"][keep]], by=actor, seq=np.zeros(len(lead), np.int64))]
        # Owner changes: a name row and an id row at the same moment.
        changes = [(self.ch1, self.o0, self.o1, self.ch1_by_manager),
                   (self.ch2, np.where(np.isfinite(self.ch1), self.o1, self.o0), self.o2, self.ch2_by_manager)]
        for when, old, new, by_manager in changes:
            m = np.flatnonzero(np.isfinite(when) & (when <= self.end) & on)
            by = np.where(by_manager[m], self.manager_of[ADR], new[m])
            for seq, (dtype, old_v, new_v) in enumerate(
                    (("Text", self._owner_names(old[m]), self._owner_names(new[m])),
                     ("EntityId", self._owner_ids(old[m]), self._owner_ids(new[m]))), start=1):
                parts.append(dict(lead=m, t=when[m], field=np.full(len(m), "Owner", dtype=object),
                                  dtype=np.full(len(m), dtype, dtype=object), old=old_v, new=new_v, by=by,
                                  seq=np.full(len(m), seq, np.int64)))
        h = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
        order = np.lexsort((h["seq"], h["lead"], h["t"]))
        h = {key: value[order] for key, value in h.items()}
        return pd.DataFrame({
            "Id": make_ids("017", 300_000_000 + np.arange(len(order))), "LeadId": self.lead_ids[h["lead"]],
            "Field": h["field"], "DataType": h["dtype"], "OldValue": h["old"], "NewValue": h["new"],
            "CreatedDate": _fmt_datetime(h["t"]), "CreatedById": self.user_id[h["by"]]})

    def _opportunity_table(self) -> pd.DataFrame:
        d = self.deal
        n = len(d["owner"])
        acc_names = self.acc["name"]
        suffix = np.select([d["typ"] == NB, d["typ"] == UPG],
                           ["New Business", _cat("Upgrade (", (d["amount"] // 1000).astype(np.int64).astype(str),
                                                 "k)")],
                           _cat("Renewal ", (1970 + d["close_date"] // 365.2425).astype(np.int64).astype(str)))
        stage = d["stage"]
        order = np.argsort(d["created"], kind="stable")
        frame = pd.DataFrame({
            "Id": self.deal_ids, "Name": _cat(acc_names[d["account"]], " - ", suffix),
            "AccountId": self.account_ids[d["account"]], "OwnerId": self.user_id[d["owner"]],
            "StageName": np.array(STAGES, dtype=object)[stage], "Amount": d["current_amount"],
            "Probability": PROBABILITY[stage], "CloseDate": _fmt_date(d["close_date"]),
            "CreatedDate": _fmt_datetime(d["created"]), "IsClosed": _bool(d["closed"]),
            "IsWon": _bool(d["closed"] & d["won"]), "ForecastCategoryName": FORECAST[stage],
            "Type": np.array(OPP_TYPES, dtype=object)[d["typ"]], "LeadSource": d["source"]})
        assert len(frame) == n
        return frame.iloc[order].reset_index(drop=True)

    def _opportunity_history_table(self) -> pd.DataFrame:
        stages = np.array(STAGES, dtype=object)
        parts = [
            (self.stage_history, "StageName", "Picklist", lambda v: stages[v]),
            (self.close_history, "CloseDate", "Date", _fmt_date),
            (self.amount_history, "Amount", "Currency", lambda v: v.astype(np.int64).astype(str).astype(object)),
        ]
        frames = []
        for seq, (h, field, dtype, fmt) in enumerate(parts):
            frames.append(dict(deal=h["deal"], t=h["t"], field=np.full(len(h["deal"]), field, dtype=object),
                               dtype=np.full(len(h["deal"]), dtype, dtype=object), old=fmt(h["old"]),
                               new=fmt(h["new"]), seq=np.full(len(h["deal"]), seq)))
        h = {key: np.concatenate([f[key] for f in frames]) for key in frames[0]}
        order = np.lexsort((h["seq"], h["deal"], h["t"]))
        h = {key: value[order] for key, value in h.items()}
        return pd.DataFrame({
            "Id": make_ids("017", 700_000_000 + np.arange(len(order))), "OpportunityId": self.deal_ids[h["deal"]],
            "Field": h["field"], "DataType": h["dtype"], "OldValue": h["old"], "NewValue": h["new"],
            "CreatedDate": _fmt_datetime(h["t"])})

    def _quota_table(self) -> pd.DataFrame:
        rng = self.rng("quotas")
        month_starts = []
        for first, _ in self.quarters:
            d0 = pd.Timestamp(first * DAY, unit="s")
            month_starts.append([_epoch_day((d0 + pd.DateOffset(months=i)).date()) for i in range(3)])
        n_q = len(self.quarters)
        month_ids = make_ids("026", 3_300 + np.arange(3 * n_q)).reshape(n_q, 3)
        quarter_ids = make_ids("026", 3_400 + np.arange(n_q))
        rows = {k: [] for k in ("owner", "start", "amount", "quantity", "is_qty", "period")}

        def add(owner, start, amount, quantity, is_qty, period):
            for key, value in zip(rows, (owner, start, amount, quantity, is_qty, period)):
                rows[key].append(value)

        smb = [u for u in self.aes if self.team[u] == SMB and not self.new_hire[u]]
        mm = [u for u in self.aes if self.team[u] == MM and not self.no_quota[u]]
        quarterly = {smb[2] if len(smb) > 2 else -1, mm[2] if len(mm) > 2 else -1}
        quantity_reps = {smb[3] if len(smb) > 3 else -1, mm[3] if len(mm) > 3 else -1}
        for u in self.aes:
            if self.no_quota[u]:
                continue
            for q in range(n_q):
                quota = self.quota[u, q]
                if not np.isfinite(quota):
                    continue
                if self.new_hire[u]:  # ramped: months after the hire month only, at 50% and 75% of full
                    months = [i for i in range(3) if month_starts[q][i] > self.hire_day[u]]
                    share = np.array([0.5, 0.75, 1.0])[: len(months)]
                    amounts = np.round(quota * share / share.sum() / 100) * 100
                    for i, amount in zip(months, amounts):
                        add(u, month_starts[q][i], amount, np.nan, False, month_ids[q, i])
                    continue
                if u in quarterly:
                    add(u, month_starts[q][0], quota, np.nan, False, quarter_ids[q])
                else:
                    thirds = np.round(quota / 3 / 100) * 100
                    for i, amount in enumerate((thirds, thirds, quota - 2 * thirds)):
                        add(u, month_starts[q][i], amount, np.nan, False, month_ids[q, i])
                if u in quantity_reps:  # deal-count quotas: to be ignored by revenue maths
                    count = float(rng.integers(8, 16) if self.team[u] == SMB else rng.integers(4, 8))
                    add(u, month_starts[q][0], np.nan, count, True, quarter_ids[q])
        starts = np.array(rows["start"], dtype=float)
        owner = np.array(rows["owner"], dtype=np.int64)
        order = np.lexsort((starts, owner))
        ids = make_ids("0J9", 880_000 + np.arange(len(order)))
        frame = pd.DataFrame({
            "Id": ids, "QuotaOwnerId": self.user_id[owner[order]], "StartDate": _fmt_date(starts[order]),
            "QuotaAmount": np.array(rows["amount"], float)[order],
            "QuotaQuantity": pd.array(np.array(rows["quantity"], float)[order], dtype="Int64"),
            "IsQuantity": _bool(np.array(rows["is_qty"], bool)[order]),
            "PeriodId": np.array(rows["period"], dtype=object)[order]})
        return frame

    def _goals_table(self) -> pd.DataFrame:
        """Targets set from the generated volumes so they are plausible for any shape."""
        adrs = [u for u in self.adrs if self.active[u]]
        n_adr = max(1, len(adrs))
        first, _ = self.quarters[-1]
        weeks = max(1.0, (self.anchor_day - first + 1) / 7)
        months = weeks / (52 / 12)

        def per_adr(day_values, owner_fn):
            ok = np.isfinite(day_values) & (day_values >= first)
            owners = owner_fn(ok)
            return (np.isin(owners, adrs)).sum() / n_adr

        def owners_at(t):
            return lambda ok: self._owner_at(np.where(ok, t, 0))[ok]

        sal = per_adr(self.sal_day, owners_at(self.tS))
        sql = per_adr(self.sql_day, owners_at(self.tQ))
        mql = per_adr(self.mql_day, owners_at(self.tM))
        d = self.deal
        rows = [("*", "calls", "day", 20), ("*", "activities", "day", 30),
                ("ADR", "calls", "day", 28), ("ADR", "emails", "day", 22), ("ADR", "activities", "day", 52),
                ("ADR", "sal", "week", max(1, round(sal / weeks))), ("ADR", "sql", "week", max(1, round(sql / weeks))),
                ("ADR", "sal", "month", max(1, round(sal / months))),
                ("ADR", "sql", "month", max(1, round(sql / months))),
                ("ADR", "mql", "month", max(1, round(mql / months)))]
        if len(adrs):
            rows.append((self.user_id[adrs[0]], "sal", "week", max(1, round(sal / weeks)) + 2))
        if len(adrs) > 1:
            rows.append((self.email[adrs[-1]], "calls", "day", 22))
        elapsed = self.elapsed_share()
        for t, role, calls, meetings in ((SMB, "SMB Account Manager", 10, 10), (MM, "Mid-Market AE", 8, 8)):
            members = [u for u in self.aes if self.team[u] == t and not self.new_hire[u]]
            rows += [(role, "calls", "day", calls), (role, "meetings", "week", meetings)]
            if members:
                created = (np.isin(d["owner"], members) & (d["created"] >= first * DAY)).astype(float)
                per_rep = (created * d["amount"]).sum() / len(members) / elapsed
                rows.append((role, "pipeline_created", "quarter", float(np.round(per_rep / 10_000) * 10_000)))
        for u in self.aes:
            if self.no_quota[u]:
                rows.append((self.user_id[u], "revenue", "quarter", self._no_quota_revenue()))
        return pd.DataFrame(rows, columns=["owner", "metric", "period", "target"])
