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


@pytest.mark.parametrize(("text", "said"), [
    ("[ramp]\nshares = [\"half\"]\n", "[ramp]: shares must be a list of numbers, like [0.2, 0.4"),
    ("[ramp]\nmonths = \"six\"\n", "[ramp]: months must be like 6, not 'six'"),
    ("[ramp]\nmonths = 0\n", "[ramp]: months must be 1 or more and shares 0 or more, not 0 and [0.2, 0.4"),
    ("[partners]\ntypes = \"VAR\"\n", "[partners]: types must be a list of texts"),
    ("[partners]\ndeadline_days = 4.5\n", "[partners]: deadline_days must be like 60, not 4.5"),
    ("[customers]\nnew_month = 6\n", "[customers]: unknown key 'new_month'"),
    ("[plan]\nx = 1\n", "unknown section(s) plan; the sections are [partners], [customers], [channels], [ramp]"),
    ("[partners\n", "not TOML"),
])
def test_a_bad_setting_is_named(tmp_path, text, said):
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=re.escape(said)):
        with_settings(Definitions(), path)
