import re

import pytest

from kpi.config import Definitions, SettingsError, with_settings


def test_no_settings_file_keeps_the_defaults(tmp_path):
    assert with_settings(Definitions(), tmp_path / "settings.toml") == Definitions()


def test_settings_override_the_partner_and_customer_rules(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[partners]\ntypes = ["VAR", "MSP"]\ndeadline_days = 45\n'
                    '[customers]\nbelow_share = 1\nrenewal_word = "Verlängerung"\n')
    rules = with_settings(Definitions(), path)
    assert (rules.partners.types, rules.partners.deadline_days) == (("VAR", "MSP"), 45)
    assert (rules.customers.below_share, rules.customers.renewal_word) == (1.0, "Verlängerung")
    assert rules.partners.quiet_days == 90  # what the file does not name keeps its default


def test_settings_override_the_channel_and_ramp_rules(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[channels]\nreseller_types = ["VAR"]\n'
                    '[ramp]\nhire_date_field = "Hire_Date__c"\nmonths = 3\nshares = [0.5, 1, 1]\n')
    rules = with_settings(Definitions(), path)
    assert rules.channels.reseller_types == ("VAR",)
    assert rules.channels.service_provider_types == ("Service Provider", "Installation Partner")  # the default
    # Whole numbers among the shares are read as the shares they are: 1 is 100%.
    assert (rules.ramp.hire_date_field, rules.ramp.months, rules.ramp.shares) == ("Hire_Date__c", 3, (0.5, 1.0, 1.0))


def test_settings_override_the_campaign_named_account_and_lead_process_rules(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[campaigns]\nevent_types = ["Roadshow"]\nfollow_up_days = 60\n'
                    '[named_accounts]\nwindow_days = 14\n'
                    '[lead_process]\nmin_touches = 8\nclosed_statuses = ["Nurture"]\nreason_field = "Status"\n')
    rules = with_settings(Definitions(), path)
    assert (rules.campaigns.event_types, rules.campaigns.follow_up_days) == (("Roadshow",), 60)
    assert rules.named_accounts.window_days == 14
    assert (rules.lead_process.min_touches, rules.lead_process.closed_statuses, rules.lead_process.reason_field) == (
        8, ("Nurture",), "Status")
    assert (rules.lead_process.min_business_days, rules.lead_process.logging_days) == (10, 5)  # the defaults


@pytest.mark.parametrize(("text", "said"), [
    ("[ramp]\nshares = [\"half\"]\n", "[ramp]: shares must be a list of numbers, like [0.2, 0.4"),
    ("[ramp]\nmonths = \"six\"\n", "[ramp]: months must be like 6, not 'six'"),
    ("[ramp]\nmonths = 0\n", "[ramp]: months must be 1 or more and shares 0 or more, not 0 and [0.2, 0.4"),
    ("[partners]\ntypes = \"VAR\"\n", "[partners]: types must be a list of texts"),
    ("[partners]\ndeadline_days = 4.5\n", "[partners]: deadline_days must be like 60, not 4.5"),
    ("[customers]\nnew_month = 6\n", "[customers]: unknown key 'new_month'"),
    ("[named_accounts]\nwindow_days = 0\n", "[named_accounts]: window_days must be 1 or more, not 0"),
    ("[lead_process]\nmin_touches = \"six\"\n", "[lead_process]: min_touches must be like 6, not 'six'"),
    ("[campaigns]\nevent_types = \"Event\"\n", "[campaigns]: event_types must be a list of texts"),
    ("[plan]\nx = 1\n", "unknown section(s) plan; the sections are [partners], [customers], [channels], [ramp], "
                        "[campaigns], [named_accounts], [lead_process]"),
    ("[partners\n", "not TOML"),
])
def test_a_bad_setting_is_named(tmp_path, text, said):
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=re.escape(said)):
        with_settings(Definitions(), path)
