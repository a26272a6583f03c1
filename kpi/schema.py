"""Canonical tables: each declared once, with Salesforce API names as column names.

Every source adapter returns these tables and validates them here on the way in. A column's `kind`
(metadata) tells the loaders how to read it from text; `required` columns must be present in a file,
the others are added empty when a file lacks them. Engine code names columns through these classes
(`Opportunities.CloseDate == "CloseDate"`), never through raw strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

DateTimeUTC = Annotated[pd.DatetimeTZDtype, "us", "UTC"]
DATETIME_DTYPE = "datetime64[us, UTC]"
DATE_DTYPE = "datetime64[us]"


class Kind(StrEnum):
    ID = "id"  # 18-character Salesforce id
    TEXT = "text"
    BOOL = "bool"
    DATE = "date"  # a calendar date, stored as naive midnight
    DATETIME = "datetime"  # an instant, stored in UTC
    NUMBER = "number"
    MONEY = "money"  # a number, maybe written with a currency code or symbol ('USD 1,234.00', '1.234,00 €')
    TIME_ZONE = "time zone"  # an IANA name; a report's label '(GMT+01:00) ... (Europe/Berlin)' gives its last part


def _col(kind: Kind, description: str, *, required: bool = False, nullable: bool = True, default: object = None,
         **checks: object):
    """A pandera Field carrying the column's kind, whether files must have it, and the value an empty or absent
    cell takes (booleans: False unless said otherwise)."""
    if kind is Kind.ID:
        checks.setdefault("str_length", 18)
    if kind is Kind.BOOL and default is None:
        default = False
    return pa.Field(nullable=nullable, description=description,
                    metadata={"kind": kind, "required": required, "default": default}, **checks)


class Users(pa.DataFrameModel):
    """User: the people who own records. Reps, managers and teams are derived in `kpi.people`."""

    Id: Series[str] = _col(Kind.ID, "User id", required=True, nullable=False, unique=True)
    Name: Series[str] = _col(Kind.TEXT, "Full name", required=True, nullable=False)
    Email: Series[str] = _col(Kind.TEXT, "Email address (goals may name a user by it)")
    IsActive: Series[bool] = _col(Kind.BOOL, "Active user (absent: true)", nullable=False, default=True)
    UserType: Series[str] = _col(Kind.TEXT, "'Standard' for people; other values are integrations")
    UserRoleId: Series[str] = _col(Kind.ID, "Role in the role hierarchy")
    ManagerId: Series[str] = _col(Kind.ID, "The user's manager")
    Department: Series[str] = _col(Kind.TEXT, "Team name when set")
    Title: Series[str] = _col(Kind.TEXT, "Job title; the role when UserRole is not given")
    TimeZoneSidKey: Series[str] = _col(Kind.TIME_ZONE, "IANA time zone of the user's 'today'")
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the user was created")
    Hire_Date__c: Series[pd.Timestamp] = _col(Kind.DATE, "Day the rep started (when [ramp] hire_date_field names it)")

    class Config:
        strict = True


class UserRoles(pa.DataFrameModel):
    """UserRole: role names for goals set per role."""

    Id: Series[str] = _col(Kind.ID, "Role id", required=True, nullable=False, unique=True)
    Name: Series[str] = _col(Kind.TEXT, "Role name", required=True, nullable=False)

    class Config:
        strict = True


class Activities(pa.DataFrameModel):
    """Task and Event rows in one table; IsEvent tells them apart (every Event is a meeting)."""

    Id: Series[str] = _col(Kind.ID, "Task or Event id", required=True, nullable=False, unique=True)
    OwnerId: Series[str] = _col(Kind.ID, "Assigned user", required=True)
    WhoId: Series[str] = _col(Kind.ID, "Lead or contact the activity is about")
    WhatId: Series[str] = _col(Kind.ID, "Account, opportunity or other record")
    AccountId: Series[str] = _col(Kind.ID, "The account the activity is on (Task.AccountId: set by Salesforce from "
                                           "WhatId or the contact's account)")
    Subject: Series[str] = _col(Kind.TEXT, "Subject line")
    Type: Series[str] = _col(Kind.TEXT, "Type picklist ('Call', 'Email', 'Meeting', ...)")
    TaskSubtype: Series[str] = _col(Kind.TEXT, "Task subtype ('Call', 'Email', 'ListEmail', 'Task', 'Cadence')")
    Status: Series[str] = _col(Kind.TEXT, "Task status ('Completed', ...)")
    IsClosed: Series[bool] = _col(Kind.BOOL, "Task closed", nullable=False)
    IsEvent: Series[bool] = _col(Kind.BOOL, "An Event (meeting), not a Task", nullable=False)
    ActivityDate: Series[pd.Timestamp] = _col(Kind.DATE, "Due date (Task) or date (Event)")
    CompletedDateTime: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the Task was completed")
    StartDateTime: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the Event starts")
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the record was created")

    class Config:
        strict = True


class Leads(pa.DataFrameModel):
    """Lead: the records ADRs qualify. Stage dates come from LeadHistory or the date fields."""

    Id: Series[str] = _col(Kind.ID, "Lead id", required=True, nullable=False, unique=True)
    Name: Series[str] = _col(Kind.TEXT, "Full name (or FirstName + LastName)")
    Company: Series[str] = _col(Kind.TEXT, "Company")
    OwnerId: Series[str] = _col(Kind.ID, "Current owner: a user, or a queue (00G...)", required=True)
    Status: Series[str] = _col(Kind.TEXT, "Lead status", required=True)
    LeadSource: Series[str] = _col(Kind.TEXT, "Lead source")
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the lead was created")
    IsConverted: Series[bool] = _col(Kind.BOOL, "Converted", nullable=False)
    ConvertedDate: Series[pd.Timestamp] = _col(Kind.DATE, "Conversion date")
    ConvertedOpportunityId: Series[str] = _col(Kind.ID, "The opportunity the lead was converted into")
    ConvertedAccountId: Series[str] = _col(Kind.ID, "The account the lead was converted into")
    Disqualified_Reason__c: Series[str] = _col(Kind.TEXT, "Why the lead was qualified out (when [lead_process] "
                                                          "reason_field names it)")
    MQL_Date__c: Series[pd.Timestamp] = _col(Kind.DATE, "Date the lead became an MQL (custom field)")
    SAL_Date__c: Series[pd.Timestamp] = _col(Kind.DATE, "Date the lead became a SAL (custom field)")
    SQL_Date__c: Series[pd.Timestamp] = _col(Kind.DATE, "Date the lead became a SQL (custom field)")

    class Config:
        strict = True


class LeadHistory(pa.DataFrameModel):
    """LeadHistory: field changes. History rows have no id of their own worth keeping."""

    LeadId: Series[str] = _col(Kind.ID, "The lead", required=True, nullable=False)
    Field: Series[str] = _col(Kind.TEXT, "Changed field ('Status', 'Owner')", required=True, nullable=False)
    DataType: Series[str] = _col(Kind.TEXT, "'EntityId' marks the id row of an owner change")
    OldValue: Series[str] = _col(Kind.TEXT, "Value before")
    NewValue: Series[str] = _col(Kind.TEXT, "Value after", required=True)
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When it changed", required=True, nullable=False)

    class Config:
        strict = True


class Opportunities(pa.DataFrameModel):
    """Opportunity: deals, to their OwnerId."""

    Id: Series[str] = _col(Kind.ID, "Opportunity id", required=True, nullable=False, unique=True)
    Name: Series[str] = _col(Kind.TEXT, "Opportunity name")
    AccountId: Series[str] = _col(Kind.ID, "Account")
    OwnerId: Series[str] = _col(Kind.ID, "Owner", required=True)
    StageName: Series[str] = _col(Kind.TEXT, "Stage")
    Amount: Series[float] = _col(Kind.MONEY, "Amount (converted to the corporate currency on loading)",
                                 required=True)
    CurrencyIsoCode: Series[str] = _col(Kind.TEXT, "Currency of Amount (multi-currency orgs)",
                                        str_matches=r"^[A-Z]{3}$")
    CloseDate: Series[pd.Timestamp] = _col(Kind.DATE, "Close date", required=True)
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the deal was created")
    IsClosed: Series[bool] = _col(Kind.BOOL, "Closed (won or lost)", required=True, nullable=False)
    IsWon: Series[bool] = _col(Kind.BOOL, "Closed won", required=True, nullable=False)
    ForecastCategoryName: Series[str] = _col(Kind.TEXT, "Commit, Best Case, Pipeline, Omitted, Closed")
    Type: Series[str] = _col(Kind.TEXT, "New Business, Renewal, ...")
    LeadSource: Series[str] = _col(Kind.TEXT, "Lead source")
    PrimaryPartnerAccountId: Series[str] = _col(Kind.ID, "Primary partner account (partner relationship management)")
    PartnerAccountId: Series[str] = _col(Kind.ID, "Partner account")
    Sales_Channel__c: Series[str] = _col(Kind.TEXT, "Direct, Reseller or Service Provider, when no partner decides")
    CampaignId: Series[str] = _col(Kind.ID, "Primary campaign source")

    class Config:
        strict = True


class OpportunityFieldHistory(pa.DataFrameModel):
    """OpportunityFieldHistory: changes of the tracked opportunity fields. History rows have no id of their own
    worth keeping."""

    OpportunityId: Series[str] = _col(Kind.ID, "The opportunity", required=True, nullable=False)
    Field: Series[str] = _col(Kind.TEXT, "Changed field ('StageName', 'Amount', 'CloseDate', 'Owner', "
                                         "'ForecastCategoryName', ...)", required=True, nullable=False)
    DataType: Series[str] = _col(Kind.TEXT, "'EntityId' marks the id row of an owner change")
    OldValue: Series[str] = _col(Kind.TEXT, "Value before")
    NewValue: Series[str] = _col(Kind.TEXT, "Value after")
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When it changed", required=True, nullable=False)

    class Config:
        strict = True


class Quotas(pa.DataFrameModel):
    """ForecastingQuota: one row per owner and forecast period (month or quarter)."""

    QuotaOwnerId: Series[str] = _col(Kind.ID, "Quota owner", required=True, nullable=False)
    StartDate: Series[pd.Timestamp] = _col(Kind.DATE, "First day of the period", required=True, nullable=False)
    QuotaAmount: Series[float] = _col(Kind.MONEY, "Revenue quota (converted to the corporate currency)")
    CurrencyIsoCode: Series[str] = _col(Kind.TEXT, "Currency of QuotaAmount (multi-currency orgs)",
                                        str_matches=r"^[A-Z]{3}$")
    IsQuantity: Series[bool] = _col(Kind.BOOL, "A quantity quota (not revenue)", nullable=False)

    class Config:
        strict = True


class Accounts(pa.DataFrameModel):
    """Account: customers and partners."""

    Id: Series[str] = _col(Kind.ID, "Account id", required=True, nullable=False, unique=True)
    Name: Series[str] = _col(Kind.TEXT, "Account name")
    OwnerId: Series[str] = _col(Kind.ID, "Owner")
    Type: Series[str] = _col(Kind.TEXT, "Customer, partner type, ...")
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the account was created")
    Partner_Recruited_Date__c: Series[pd.Timestamp] = _col(Kind.DATE, "Day a partner was recruited (else CreatedDate)")
    Certification_Status__c: Series[str] = _col(Kind.TEXT, "A partner's certification status ('Certified', ...)")
    Certified_Date__c: Series[pd.Timestamp] = _col(Kind.DATE, "Day a partner was certified")
    Named_ADR__c: Series[str] = _col(Kind.ID, "The ADR whose named account this is (a User lookup)")

    class Config:
        strict = True


class OpportunityPartners(pa.DataFrameModel):
    """OpportunityPartner: partner accounts on a deal; the primary one sourced it."""

    Id: Series[str] = _col(Kind.ID, "OpportunityPartner id", required=True, nullable=False, unique=True)
    OpportunityId: Series[str] = _col(Kind.ID, "The opportunity", required=True, nullable=False)
    AccountToId: Series[str] = _col(Kind.ID, "The partner account", required=True, nullable=False)
    IsPrimary: Series[bool] = _col(Kind.BOOL, "The primary partner", nullable=False)
    Role: Series[str] = _col(Kind.TEXT, "Reseller, Service Provider, ...")

    class Config:
        strict = True


class Contacts(pa.DataFrameModel):
    """Contact: people at accounts; a call or email to one touches its account."""

    Id: Series[str] = _col(Kind.ID, "Contact id", required=True, nullable=False, unique=True)
    AccountId: Series[str] = _col(Kind.ID, "The contact's account")
    OwnerId: Series[str] = _col(Kind.ID, "Owner")
    Name: Series[str] = _col(Kind.TEXT, "Full name (or FirstName + LastName)")
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the contact was created")

    class Config:
        strict = True


class Campaigns(pa.DataFrameModel):
    """Campaign: marketing campaigns and the events the team attends."""

    Id: Series[str] = _col(Kind.ID, "Campaign id", required=True, nullable=False, unique=True)
    Name: Series[str] = _col(Kind.TEXT, "Campaign name")
    Type: Series[str] = _col(Kind.TEXT, "Email, Webinar, Trade Show, Conference, Event, ...")
    Status: Series[str] = _col(Kind.TEXT, "Planned, In Progress, Completed, Aborted")
    StartDate: Series[pd.Timestamp] = _col(Kind.DATE, "First day")
    EndDate: Series[pd.Timestamp] = _col(Kind.DATE, "Last day")
    ActualCost: Series[float] = _col(Kind.MONEY, "What the campaign cost (converted to the corporate currency)")
    CurrencyIsoCode: Series[str] = _col(Kind.TEXT, "Currency of ActualCost (multi-currency orgs)",
                                        str_matches=r"^[A-Z]{3}$")
    OwnerId: Series[str] = _col(Kind.ID, "Owner")
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the campaign was created")

    class Config:
        strict = True


class CampaignMembers(pa.DataFrameModel):
    """CampaignMember: a lead or contact in a campaign; HasResponded marks a responder."""

    Id: Series[str] = _col(Kind.ID, "CampaignMember id", required=True, nullable=False, unique=True)
    CampaignId: Series[str] = _col(Kind.ID, "The campaign", required=True, nullable=False)
    LeadId: Series[str] = _col(Kind.ID, "The lead (or empty: a contact)")
    ContactId: Series[str] = _col(Kind.ID, "The contact (or empty: a lead)")
    Status: Series[str] = _col(Kind.TEXT, "Member status ('Sent', 'Responded', 'Attended', ...)")
    HasResponded: Series[bool] = _col(Kind.BOOL, "A responder", nullable=False)
    FirstRespondedDate: Series[pd.Timestamp] = _col(Kind.DATE, "Day the member first responded")
    CreatedDate: Series[DateTimeUTC] = _col(Kind.DATETIME, "When the member was added", required=True)

    class Config:
        strict = True


class NamedAccounts(pa.DataFrameModel):
    """named_accounts.csv: the accounts each ADR prospects (owner, account). Nothing is dropped on loading, so
    `kpi.named_accounts` can name the file's row of an unknown owner or account."""

    owner: Series[str] = _col(Kind.TEXT, "User Id (15 or 18 characters), email or full name", required=True)
    account: Series[str] = _col(Kind.TEXT, "Account Id (15 or 18 characters)", required=True)

    class Config:
        strict = True


class CurrencyRates(pa.DataFrameModel):
    """CurrencyType (one rate per currency) and DatedConversionRate (rates by date range), or a rates file.
    ConversionRate is how many units of the currency make one unit of the corporate currency."""

    IsoCode: Series[str] = _col(Kind.TEXT, "Currency code ('EUR')", required=True, nullable=False,
                                str_matches=r"^[A-Z]{3}$")
    ConversionRate: Series[float] = _col(Kind.NUMBER, "Units per corporate unit", required=True, nullable=False,
                                         gt=0)
    IsCorporate: Series[bool] = _col(Kind.BOOL, "The corporate currency", nullable=False)
    StartDate: Series[pd.Timestamp] = _col(Kind.DATE, "First day a dated rate applies")
    NextStartDate: Series[pd.Timestamp] = _col(Kind.DATE, "First day it no longer applies")

    class Config:
        strict = True


class Metric(StrEnum):
    """Metrics a goals file may set."""

    CALLS = "calls"
    EMAILS = "emails"
    MEETINGS = "meetings"
    ACTIVITIES = "activities"
    MQL = "mql"
    SAL = "sal"
    SQL = "sql"
    REVENUE = "revenue"
    PIPELINE_CREATED = "pipeline_created"
    PARTNERS_RECRUITED = "partners_recruited"
    PARTNERS_CERTIFIED = "partners_certified"
    NEW_CUSTOMERS = "new_customers"


class GoalPeriod(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


class Channel(StrEnum):
    """How a deal was sold (kpi.channels decides each deal's)."""

    DIRECT = "direct"
    RESELLER = "reseller"
    SERVICE_PROVIDER = "service_provider"


TEAM_OWNER = "team:"  # a goals row whose owner is 'team:<team name>' sets that team's own plan line
QUARTER_NAME = r"^FY\d{4} Q[1-4]$"  # a fiscal quarter's name, as a goals row's quarter column writes it


class Goals(pa.DataFrameModel):
    """goals.csv: targets Salesforce has no object for. owner = a User Id, an email, a role name, '*', or
    'team:<team>' (a team's quarterly plan line); channel (revenue only) and quarter ('FY2026 Q4') are optional:
    without a quarter a row holds in every quarter."""

    owner: Series[str] = _col(Kind.TEXT, "User Id, email, role name or *", required=True, nullable=False)
    metric: Series[str] = _col(Kind.TEXT, "What is counted", required=True, nullable=False,
                               isin=[m.value for m in Metric])
    period: Series[str] = _col(Kind.TEXT, "day, week, month or quarter", required=True, nullable=False,
                               isin=[p.value for p in GoalPeriod])
    target: Series[float] = _col(Kind.NUMBER, "Target for one period", required=True, nullable=False, ge=0)
    channel: Series[str] = _col(Kind.TEXT, "direct, reseller or service_provider (revenue rows only)",
                                isin=[c.value for c in Channel])
    quarter: Series[str] = _col(Kind.TEXT, "Fiscal quarter the row holds in ('FY2026 Q4'); empty: every quarter",
                                str_matches=QUARTER_NAME)

    class Config:
        strict = True


@dataclass(frozen=True)
class Table:
    """One canonical table: its name, the model that validates it and the Salesforce objects it comes from."""

    name: str
    model: type[pa.DataFrameModel]
    objects: tuple[str, ...]

    def columns(self) -> dict[str, pa.Column]:
        return self.model.to_schema().columns

    def required(self) -> list[str]:
        return [name for name, col in self.columns().items() if col.metadata["required"]]

    def empty(self) -> pd.DataFrame:
        """A frame with no rows and every column typed as declared."""
        return pd.DataFrame({name: pd.Series(dtype=_DTYPES[col.metadata["kind"]])
                             for name, col in self.columns().items()})


_DTYPES = {Kind.ID: "str", Kind.TEXT: "str", Kind.TIME_ZONE: "str", Kind.BOOL: "bool", Kind.DATE: DATE_DTYPE,
           Kind.DATETIME: DATETIME_DTYPE, Kind.NUMBER: "float64", Kind.MONEY: "float64"}

TABLES: dict[str, Table] = {t.name: t for t in (
    Table("users", Users, ("User",)),
    Table("user_roles", UserRoles, ("UserRole",)),
    Table("activities", Activities, ("Task", "Event")),
    Table("leads", Leads, ("Lead",)),
    Table("lead_history", LeadHistory, ("LeadHistory",)),
    Table("opportunities", Opportunities, ("Opportunity",)),
    Table("opportunity_history", OpportunityFieldHistory, ("OpportunityFieldHistory",)),
    Table("quotas", Quotas, ("ForecastingQuota",)),
    Table("accounts", Accounts, ("Account",)),
    Table("opportunity_partners", OpportunityPartners, ("OpportunityPartner",)),
    Table("currency_rates", CurrencyRates, ("CurrencyType", "DatedConversionRate")),
    Table("goals", Goals, ("goals",)),
    Table("contacts", Contacts, ("Contact",)),
    Table("campaigns", Campaigns, ("Campaign",)),
    Table("campaign_members", CampaignMembers, ("CampaignMember",)),
    Table("named_accounts", NamedAccounts, ("named_accounts",)),
)}


@dataclass(frozen=True)
class Problem:
    """Something wrong in the input, said so a user can find it: file, spreadsheet row, column."""

    file: str
    message: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file + (f" row {self.row}" if self.row is not None else "")
        where += f", column {self.column}" if self.column else ""
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Org:
    """The canonical tables of one Salesforce org, as a source delivered them."""

    users: pd.DataFrame
    user_roles: pd.DataFrame
    activities: pd.DataFrame
    leads: pd.DataFrame
    lead_history: pd.DataFrame
    opportunities: pd.DataFrame
    opportunity_history: pd.DataFrame
    quotas: pd.DataFrame
    accounts: pd.DataFrame
    opportunity_partners: pd.DataFrame
    currency_rates: pd.DataFrame
    goals: pd.DataFrame
    contacts: pd.DataFrame
    campaigns: pd.DataFrame
    campaign_members: pd.DataFrame
    named_accounts: pd.DataFrame
    missing: tuple[str, ...] = ()  # objects (files) the source did not have
    problems: tuple[Problem, ...] = field(default=())
    default_as_of: pd.Timestamp | None = None  # the day the data stands at (sample anchor, newest activity)
    currency: str | None = None  # the corporate currency amounts are in, when the data says

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame], **extra: object) -> Org:
        """An Org from whatever tables are given; absent ones are empty."""
        return cls(**{name: tables.get(name, table.empty()) for name, table in TABLES.items()}, **extra)

    def has(self, obj: str) -> bool:
        """Whether the source delivered this Salesforce object (e.g. 'Opportunity')."""
        return obj not in self.missing
