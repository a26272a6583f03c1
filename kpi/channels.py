"""Sales channel: whether each deal was sold direct, through a reseller or through a service provider."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi.lookup import remap
from kpi.partners import PARTNER, PartnerRules, sourcing
from kpi.schema import Accounts, Channel, Opportunities

O, A = Opportunities, Accounts
CHANNEL = "channel"  # column `channel_of` adds
CHANNELS = [c.value for c in Channel]


@dataclass(frozen=True)
class ChannelRules:
    """Which partner account types sell as a reseller and which as a service provider (settings [channels])."""

    reseller_types: tuple[str, ...] = ("Channel Partner / Reseller", "Reseller", "Partner")
    service_provider_types: tuple[str, ...] = ("Service Provider", "Installation Partner")


def rule(rules: ChannelRules = ChannelRules()) -> str:
    """The channel rule in words, with the type lists `rules` set (the glossary shows the settings in force)."""
    return ("A deal's channel: the partner on it (the primary OpportunityPartner's account, else "
            "PrimaryPartnerAccountId, else PartnerAccountId) decides by its Account Type: "
            f"{' or '.join(rules.reseller_types)} → reseller; {' or '.join(rules.service_provider_types)} → service "
            "provider. Without such a partner, the deal's Sales_Channel__c (map your org's channel field to it in "
            "mapping.toml [opportunities]) when it reads direct, reseller or service provider; else direct.")


RULE = rule()


def channel_key(text: pd.Series) -> pd.Series:
    """Texts as a channel would be written ('Service Provider', 'service-provider' → service_provider)."""
    return text.astype("str").str.strip().str.casefold().str.replace(r"[\s-]+", "_", regex=True)


def _named(text: pd.Series) -> pd.Series:
    """A channel field's value as a channel, NaN when it names none."""
    key = channel_key(text)
    return key.where(key.isin(CHANNELS))


def channel_of(deals: pd.DataFrame, opportunity_partners: pd.DataFrame, accounts: pd.DataFrame,
               rules: ChannelRules = ChannelRules(), partner_rules: PartnerRules = PartnerRules()) -> pd.DataFrame:
    """The deals with `channel` (RULE): the selling partner's type, else the channel field, else direct."""
    return by_partner(sourcing(deals, opportunity_partners, partner_rules), accounts, rules)


def by_partner(sourced: pd.DataFrame, accounts: pd.DataFrame, rules: ChannelRules = ChannelRules()) -> pd.DataFrame:
    """`channel_of` for deals that partners.sourcing has read already (its `partner` column)."""
    kind = remap(sourced[PARTNER], accounts.set_index(A.Id)[A.Type]).astype("str").str.strip()  # (no Accounts: NaN)
    typed = pd.Series(np.select([kind.isin(rules.reseller_types), kind.isin(rules.service_provider_types)],
                                [Channel.RESELLER.value, Channel.SERVICE_PROVIDER.value], None), sourced.index)
    chosen = typed.fillna(_named(sourced[O.Sales_Channel__c])).fillna(Channel.DIRECT.value)
    return sourced.assign(**{CHANNEL: chosen.astype("str")})
