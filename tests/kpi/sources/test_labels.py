"""The names a column goes by: API names (any case), report labels, and a mapping file that wins over both."""

import pytest

from kpi.schema import TABLES
from kpi.sources.labels import FIELD_LABELS, REPORT_LABELS, Mapping


def test_every_report_label_names_a_column_of_its_table():
    for table, labels in REPORT_LABELS.items():
        assert set(labels) <= set(TABLES[table].columns()), table


@pytest.mark.parametrize("table", list(REPORT_LABELS))
def test_no_label_names_two_columns_of_one_table(table):
    seen: dict[str, str] = {}
    for column, labels in REPORT_LABELS[table].items():
        for label in labels:
            assert seen.setdefault(label.lower(), column) == column, f"{table}: {label!r}"


def test_api_names_labels_and_the_stage_date_labels_resolve():
    aliases = Mapping().aliases("leads")
    assert aliases["status"] == aliases["lead status"] == "Status"
    assert aliases["ownerid"] == aliases["lead owner"] == "OwnerId"
    # The default stage-date fields need no mapping file, by API name or by label.
    assert aliases["mql_date__c"] == aliases["mql date"] == "MQL_Date__c"
    assert aliases["sql date"] == "SQL_Date__c" and aliases["sal date"] == "SAL_Date__c"
    assert Mapping().aliases("opportunities")["opportunity owner"] == "OwnerId"
    assert Mapping().aliases("lead_history")["edit date"] == "CreatedDate"
    lead_fields = FIELD_LABELS["lead_history"]
    assert lead_fields["lead status"] == "Status" and lead_fields["lead owner"] == "Owner"
    history = Mapping().aliases("opportunity_history")
    assert history["opportunity id"] == "OpportunityId" and history["field/event"] == "Field"
    assert history["edit date"] == "CreatedDate"
    # A field-history report names the field by its label; each history table has its own.
    assert FIELD_LABELS["opportunity_history"]["stage"] == "StageName" and "stage" not in FIELD_LABELS["lead_history"]
    assert FIELD_LABELS["opportunity_history"]["opportunity owner"] == "Owner"


def test_partner_fields_resolve_by_api_name_and_report_label():
    accounts = Mapping().aliases("accounts")
    assert accounts["partner recruited date"] == accounts["partner_recruited_date__c"] == "Partner_Recruited_Date__c"
    assert accounts["certification status"] == "Certification_Status__c"
    assert accounts["certified date"] == "Certified_Date__c"
    deals = Mapping().aliases("opportunities")
    assert deals["partner account id"] == deals["partneraccountid"] == "PartnerAccountId"
    assert deals["primary partner account id"] == "PrimaryPartnerAccountId"
    # On an OpportunityPartner row the partner's account is AccountToId.
    assert Mapping().aliases("opportunity_partners")["partner account id"] == "AccountToId"


def test_field_labels_are_lowered_as_they_are_looked_up_and_belong_to_history_tables():
    for table, labels in FIELD_LABELS.items():
        assert "Field" in TABLES[table].columns(), table
        assert all(label == label.strip().lower() for label in labels), table


def test_a_mapping_file_wins_over_a_label(tmp_path):
    path = tmp_path / "mapping.toml"
    # A custom field for the amount, and an org whose 'Stage' column is its forecast category (a relabelled field).
    path.write_text('[opportunities]\n"  Net Amount__c " = "Amount"\n"Stage" = "ForecastCategoryName"\n',
                    encoding="utf-8")
    aliases = Mapping.load(path).aliases("opportunities")
    assert aliases["net amount__c"] == "Amount"  # trimmed and lowered, as file columns are compared
    assert aliases["stage"] == "ForecastCategoryName"  # not StageName, the label's default
    assert aliases["close date"] == "CloseDate"  # the rest of the labels still apply


def test_no_mapping_file_is_an_empty_mapping(tmp_path):
    assert Mapping.load(None) == Mapping() and Mapping.load(tmp_path / "absent.toml") == Mapping()


def test_matches_made_by_hand_are_saved_and_read_back(tmp_path):
    mapping = Mapping().with_columns("opportunities", {"Betrag": "Amount"})
    mapping = mapping.with_columns("leads", {"Besitzer": "OwnerId"})
    path = tmp_path / "mapping.toml"
    mapping.save(path)
    assert Mapping.load(path) == mapping
    assert Mapping.load(path).aliases("leads")["besitzer"] == "OwnerId"
    assert Mapping().columns == {}  # with_columns made a new mapping, the empty one is untouched


@pytest.mark.parametrize("text, message", [
    ('[opportunities]\n"Betrag" = "Amout"\n', "m.toml: [opportunities] 'Betrag' maps to 'Amout', which is not a "
                                             "column of opportunities (Id, Name, AccountId, OwnerId, "),
    ('[deals]\n"Betrag" = "Amount"\n', "m.toml: [deals] is not a table (users, user_roles, activities, "),
    ("[opportunities\n", "m.toml is not a valid TOML mapping file: "),
    (b"[opportunities]\n\"Betrag\xe4\" = \"Amount\"\n", "m.toml is not a valid TOML mapping file: "),
])
def test_a_bad_mapping_file_is_a_clear_error_naming_the_entry(tmp_path, text, message):
    path = tmp_path / "m.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ValueError) as raised:
        Mapping.load(path)
    assert str(raised.value).startswith(message)


def test_a_mapping_entry_that_is_not_a_column_name_is_a_clear_error(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text('[opportunities]\n"Betrag" = ["Amount"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"m\.toml: \[opportunities\] 'Betrag' maps to \['Amount'\]"):
        Mapping.load(path)
