import pandas as pd
import pytest

from factories import table, uid, user
from kpi.channels import CHANNEL, ChannelRules, channel_of

R1 = user(1)
SP, INSTALL, RESELLER, TECH, CUSTOMER = (uid("001", n) for n in range(1, 6))
D1, D2, D3, D4, D5, D6, D7, D8 = (uid("006", n) for n in range(1, 9))


def accounts() -> pd.DataFrame:
    """One account of each kind a deal may name as its partner (and a plain customer)."""
    return table("accounts", *[{"Id": n, "Name": f"Account {n[-4:]}", "OwnerId": R1, "Type": typ}
                               for n, typ in ((SP, "Service Provider"), (INSTALL, "Installation Partner"),
                                              (RESELLER, "Reseller"), (TECH, "Technology Partner"),
                                              (CUSTOMER, "Customer - Direct"))])


def deals() -> pd.DataFrame:
    """D1: primary OpportunityPartner SP, but PartnerAccountId the reseller; D2: PrimaryPartnerAccountId an
    installer; D3: PartnerAccountId the reseller; D4: a technology partner and Sales_Channel__c 'Service
    Provider'; D5: nothing at all; D6: a reseller partner whose field says 'Direct'; D7: a technology partner,
    no field; D8: only a non-primary OpportunityPartner row (a service provider) and a field saying 'Online'."""
    return table("opportunities",
                 {"Id": D1, "OwnerId": R1, "Amount": 100, "PartnerAccountId": RESELLER},
                 {"Id": D2, "OwnerId": R1, "Amount": 200, "PrimaryPartnerAccountId": INSTALL},
                 {"Id": D3, "OwnerId": R1, "Amount": 300, "PartnerAccountId": RESELLER},
                 {"Id": D4, "OwnerId": R1, "Amount": 400, "PartnerAccountId": TECH,
                  "Sales_Channel__c": "Service Provider"},
                 {"Id": D5, "OwnerId": R1, "Amount": 500},
                 {"Id": D6, "OwnerId": R1, "Amount": 600, "PartnerAccountId": RESELLER, "Sales_Channel__c": "Direct"},
                 {"Id": D7, "OwnerId": R1, "Amount": 700, "PrimaryPartnerAccountId": TECH},
                 {"Id": D8, "OwnerId": R1, "Amount": 800, "Sales_Channel__c": "Online"})


def opportunity_partners() -> pd.DataFrame:
    return table("opportunity_partners",
                 {"Id": uid("00I", 1), "OpportunityId": D1, "AccountToId": SP, "IsPrimary": True},
                 {"Id": uid("00I", 2), "OpportunityId": D8, "AccountToId": SP, "IsPrimary": False})


def channels(rules: ChannelRules = ChannelRules(), frame: pd.DataFrame | None = None) -> dict[str, str]:
    out = channel_of(deals() if frame is None else frame, opportunity_partners(), accounts(), rules)
    return dict(zip(out["Id"], out[CHANNEL]))


def test_the_partner_on_the_deal_decides_by_its_account_type():
    got = channels()
    # D1: the primary OpportunityPartner row (Service Provider) outranks PartnerAccountId (Reseller).
    assert got[D1] == "service_provider"
    assert got[D2] == "service_provider"  # an Installation Partner sells as a service provider
    assert got[D3] == "reseller"
    # D6: a reseller partner decides even though the deal's field says Direct.
    assert got[D6] == "reseller"


def test_the_channel_field_decides_when_the_partner_type_names_no_channel():
    got = channels()
    # D4: a Technology Partner is a partner but no channel type: the field 'Service Provider' decides.
    assert got[D4] == "service_provider"
    # D7: the same partner type and no field: direct.
    assert got[D7] == "direct"


def test_no_partner_and_no_channel_named_is_direct():
    got = channels()
    assert got[D5] == "direct"  # no partner, blank field
    # D8: a non-primary OpportunityPartner row sources nothing; 'Online' names no channel.
    assert got[D8] == "direct"


@pytest.mark.parametrize("field, expected", [
    ("Reseller", "reseller"), (" RESELLER ", "reseller"), ("service provider", "service_provider"),
    ("Service-Provider", "service_provider"), ("service_provider", "service_provider"), ("DIRECT", "direct"),
    ("Resell", "direct"), ("", "direct")])
def test_the_channel_field_is_read_in_any_case_with_spaces_or_hyphens(field, expected):
    frame = table("opportunities", {"Id": D5, "OwnerId": R1, "Amount": 1, "Sales_Channel__c": field})
    assert channels(frame=frame) == {D5: expected}


def test_configured_partner_types_change_the_answer():
    # Technology partners resell here; 'Reseller' is no longer a reseller type, and installers are not
    # service providers any more.
    rules = ChannelRules(reseller_types=("Technology Partner",), service_provider_types=("Service Provider",))
    got = channels(rules)
    assert got[D4] == "reseller"  # the partner's type now decides, ahead of the field's 'Service Provider'
    assert got[D7] == "reseller"
    assert got[D3] == "direct"  # a 'Reseller' account names no configured channel; no field: direct
    assert got[D6] == "direct"  # ... and here the field's 'Direct' decides
    assert got[D2] == "direct"  # Installation Partner: no channel now
    assert got[D1] == "service_provider"


def test_the_deals_come_back_whole_and_the_input_is_untouched():
    frame = deals()
    out = channel_of(frame, opportunity_partners(), accounts())
    assert CHANNEL not in frame.columns
    assert list(out["Id"]) == list(frame["Id"]) and out["Amount"].sum() == 3_600  # 100 + 200 + ... + 800
