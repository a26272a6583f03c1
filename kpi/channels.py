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


RULE = ("A deal's channel: the partner on it (the primary OpportunityPartner's account, else "
        "PrimaryPartnerAccountId, else PartnerAccountId) decides by its Account Type: Channel Partner / Reseller, "
        "Reseller or Partner → reseller; Service Provider or Installation Partner → service provider. Without "
        "such a partner, the deal's Sales_Channel__c (map your org's channel field to it in mapping.toml "
        "[opportunities]) when it reads direct, reseller or service provider; else direct.")


def _named(text: pd.Series) -> pd.Series:
    """A channel field's value as a channel ('Service Provider' → service_provider), NaN when it names none."""
    key = text.str.strip().str.casefold().str.replace(r"[\s-]+", "_", regex=True)
    return key.where(key.isin(CHANNELS))


def channel_of(deals: pd.DataFrame, opportunity_partners: pd.DataFrame, accounts: pd.DataFrame,
               rules: ChannelRules = ChannelRules(), partner_rules: PartnerRules = PartnerRules()) -> pd.DataFrame:
    """The deals with `channel` (RULE): the selling partner's type, else the channel field, else direct."""
    partner = sourcing(deals, opportunity_partners, partner_rules)[PARTNER]
    kind = remap(partner, accounts.set_index(A.Id)[A.Type]).str.strip()
    by_partner = pd.Series(np.select([kind.isin(rules.reseller_types), kind.isin(rules.service_provider_types)],
                                     [Channel.RESELLER.value, Channel.SERVICE_PROVIDER.value], None), deals.index)
    chosen = by_partner.fillna(_named(deals[O.Sales_Channel__c])).fillna(Channel.DIRECT.value)
    return deals.assign(**{CHANNEL: chosen.astype("str")})
