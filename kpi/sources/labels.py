"""The names a column goes by: its API name, the labels Salesforce reports print, and a mapping file's entries.

Report "Export Details" files are headed with field labels ('Opportunity Owner', 'Close Date'), Data Loader and
Data Export files with API names (any case). Both, and a user's mapping file for custom fields and labels in
other languages, resolve here to the canonical column names of `kpi.schema`.

Mapping file (TOML), one section per canonical table, `"column in the file" = "canonical column"`:

    [opportunities]
    "Verkaufschance-ID" = "Id"
    "Abschlussdatum" = "CloseDate"
    [leads]
    "MQL_Date_New__c" = "MQL_Date__c"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from kpi.schema import TABLES

# English report labels of each canonical column (API names are always accepted as well).
REPORT_LABELS: dict[str, dict[str, tuple[str, ...]]] = {
    "users": {
        "Id": ("User ID",), "Name": ("Full Name", "User: Full Name"), "Email": ("Email",),
        "IsActive": ("Active",), "UserType": ("User Type",), "UserRoleId": ("Role", "Role ID"),
        "ManagerId": ("Manager", "Manager ID"), "Department": ("Department",), "Title": ("Title",),
        "TimeZoneSidKey": ("Time Zone",), "CreatedDate": ("Created Date", "Create Date"), "Hire_Date__c": ("Hire Date",),
    },
    "user_roles": {"Id": ("Role ID",), "Name": ("Role Name", "Role")},
    "activities": {
        "Id": ("Activity ID", "Task ID", "Event ID"), "OwnerId": ("Assigned", "Assigned To", "Assigned ID"),
        "WhoId": ("Lead ID", "Contact ID", "Name ID"), "WhatId": ("Related To ID",), "AccountId": ("Account ID",),
        "Subject": ("Subject",), "Type": ("Type", "Activity Type"), "TaskSubtype": ("Task Subtype",),
        "Status": ("Status",), "IsClosed": ("Closed",), "ActivityDate": ("Date", "Due Date"),
        "CompletedDateTime": ("Completed Date/Time", "Completed Date Time"),
        "StartDateTime": ("Start", "Start Date Time", "Start Date/Time"),
        "CreatedDate": ("Created Date", "Create Date"),
    },
    "leads": {
        "Id": ("Lead ID",), "Name": ("Name", "Full Name"), "Company": ("Company / Account", "Company"),
        "OwnerId": ("Lead Owner", "Owner", "Lead Owner ID"), "Status": ("Lead Status", "Status"),
        "LeadSource": ("Lead Source",), "CreatedDate": ("Create Date", "Created Date"),
        "IsConverted": ("Converted",), "ConvertedDate": ("Converted Date",),
        "ConvertedOpportunityId": ("Converted Opportunity ID",), "ConvertedAccountId": ("Converted Account ID",),
        "Disqualified_Reason__c": ("Disqualified Reason",),
        "MQL_Date__c": ("MQL Date",), "SAL_Date__c": ("SAL Date",), "SQL_Date__c": ("SQL Date",),
    },
    "lead_history": {
        "LeadId": ("Lead ID",), "Field": ("Field / Event", "Field/Event"), "DataType": ("Data Type",),
        "OldValue": ("Old Value",), "NewValue": ("New Value",), "CreatedDate": ("Edit Date",),
    },
    "opportunities": {
        "Id": ("Opportunity ID",), "Name": ("Opportunity Name",), "AccountId": ("Account ID",),
        "OwnerId": ("Opportunity Owner", "Owner", "Opportunity Owner ID"), "StageName": ("Stage",),
        "Amount": ("Amount",), "CurrencyIsoCode": ("Opportunity Currency", "Amount Currency", "Currency"),
        "CloseDate": ("Close Date",), "CreatedDate": ("Created Date", "Create Date"),
        "IsClosed": ("Closed",), "IsWon": ("Won",), "ForecastCategoryName": ("Forecast Category",),
        "Type": ("Type", "Opportunity Type"), "LeadSource": ("Lead Source",),
        "PrimaryPartnerAccountId": ("Primary Partner Account ID",), "PartnerAccountId": ("Partner Account ID",),
        "Sales_Channel__c": ("Sales Channel",), "CampaignId": ("Primary Campaign Source ID", "Campaign ID"),
    },
    "opportunity_history": {
        "OpportunityId": ("Opportunity ID",), "Field": ("Field / Event", "Field/Event"), "DataType": ("Data Type",),
        "OldValue": ("Old Value",), "NewValue": ("New Value",), "CreatedDate": ("Edit Date",),
    },
    "quotas": {
        "QuotaOwnerId": ("Quota Owner", "Quota Owner ID", "Owner"), "StartDate": ("Start Date",),
        "QuotaAmount": ("Quota Amount", "Amount"), "IsQuantity": ("Is Quantity", "Quantity Quota"),
        "CurrencyIsoCode": ("Currency",),
    },
    "accounts": {
        "Id": ("Account ID",), "Name": ("Account Name",), "OwnerId": ("Account Owner", "Owner"),
        "Type": ("Type", "Account Type"), "CreatedDate": ("Created Date", "Create Date"),
        "Partner_Recruited_Date__c": ("Partner Recruited Date",),
        "Certification_Status__c": ("Certification Status",), "Certified_Date__c": ("Certified Date",),
        "Named_ADR__c": ("Named ADR", "Named ADR ID"),
    },
    "contacts": {
        "Id": ("Contact ID",), "AccountId": ("Account ID",), "OwnerId": ("Contact Owner", "Owner"),
        "Name": ("Full Name", "Name", "Contact Name"), "CreatedDate": ("Created Date", "Create Date"),
    },
    "campaigns": {
        "Id": ("Campaign ID",), "Name": ("Campaign Name",), "Type": ("Type", "Campaign Type"),
        "Status": ("Status",), "StartDate": ("Start Date",), "EndDate": ("End Date",),
        "ActualCost": ("Actual Cost", "Actual Cost in Campaign"), "CurrencyIsoCode": ("Campaign Currency", "Currency"),
        "OwnerId": ("Campaign Owner", "Owner"), "CreatedDate": ("Created Date", "Create Date"),
    },
    "campaign_members": {
        "Id": ("Campaign Member ID",), "CampaignId": ("Campaign ID",), "LeadId": ("Lead ID",),
        "ContactId": ("Contact ID",), "Status": ("Member Status", "Status"), "HasResponded": ("Responded",),
        "FirstRespondedDate": ("First Responded Date", "First Responded"),
        "CreatedDate": ("Created Date", "Member First Associated Date", "Create Date"),
    },
    "opportunity_partners": {
        "Id": ("Opportunity Partner ID",), "OpportunityId": ("Opportunity ID",),
        "AccountToId": ("Partner Account ID",), "IsPrimary": ("Primary",),
        "Role": ("Role", "Partner Role"),
    },
    "currency_rates": {
        "IsoCode": ("Currency ISO Code", "ISO Code", "Currency"), "ConversionRate": ("Conversion Rate", "Rate"),
        "IsCorporate": ("Corporate", "Corporate Currency"), "StartDate": ("Start Date",),
        "NextStartDate": ("Next Start Date",),
    },
}

# A field-history report names the changed field by its label (lowered here): per history table, the API name.
FIELD_LABELS: dict[str, dict[str, str]] = {
    "lead_history": {"lead status": "Status", "lead owner": "Owner", "owner": "Owner", "status": "Status",
                     "created.": "created", "lead created.": "created"},
    "opportunity_history": {"stage": "StageName", "amount": "Amount", "close date": "CloseDate",
                            "opportunity owner": "Owner", "owner": "Owner", "forecast category": "ForecastCategoryName",
                            "probability (%)": "Probability", "created.": "created"},
}


@dataclass(frozen=True)
class Mapping:
    """A mapping file's entries: per canonical table, file column (lowered) -> canonical column."""

    columns: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path | None) -> Mapping:
        """The mapping in `path` (none: an empty mapping). Raises ValueError naming the file and the entry
        that does not make sense."""
        if path is None or not path.is_file():
            return cls()
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ValueError(f"{path.name} is not a valid TOML mapping file: {error}") from None
        columns: dict[str, dict[str, str]] = {}
        for table, entries in raw.items():
            if table not in TABLES or not isinstance(entries, dict):
                raise ValueError(f"{path.name}: [{table}] is not a table ({', '.join(TABLES)})")
            known = TABLES[table].columns()
            for source, target in entries.items():
                if not isinstance(target, str) or target not in known:
                    raise ValueError(f"{path.name}: [{table}] {source!r} maps to {target!r}, "
                                     f"which is not a column of {table} ({', '.join(known)})")
            columns[table] = {source.strip().lower(): target for source, target in entries.items()}
        return cls(columns)

    def with_columns(self, table: str, matches: dict[str, str]) -> Mapping:
        """This mapping plus `matches` (file column -> canonical column) for `table`."""
        merged = {name: dict(entries) for name, entries in self.columns.items()}
        merged.setdefault(table, {}).update({source.strip().lower(): target for source, target in matches.items()})
        return Mapping(merged)

    def save(self, path: Path) -> None:
        path.write_text(tomli_w.dumps(self.columns), encoding="utf-8")

    def aliases(self, table: str) -> dict[str, str]:
        """Every name (lowered) a column of `table` goes by -> the canonical column. API names first, then
        report labels, then the mapping file, which wins."""
        names = {column.lower(): column for column in TABLES[table].columns()}
        names |= {label.lower(): column for column, labels in REPORT_LABELS.get(table, {}).items()
                  for label in labels}
        return names | self.columns.get(table, {})
