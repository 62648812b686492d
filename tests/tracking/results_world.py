"""A campaign with two creators and results, for the results tests. Collaborations,
offers (with a commission), links and codes go through the services; rollups, orders and
ledger entries are written with the ORM (the rollup worker and attribution are another
module's; these tests read them)."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Campaign, Collaboration
from tests.campaigns.factories import agreed_collaboration, make_campaign
from tests.creators.factories import make_creator
from tracking import services
from tracking.models import AttributionEntry, Conversion, DailyRollup
from tracking.services.rollups import rollups_derive

_n = itertools.count(1)


@dataclass
class World:
    campaign: Campaign
    alice: Collaboration
    bob: Collaboration
    day: datetime.date


def rollup(org, collaboration, day, **figures) -> DailyRollup:
    figures.setdefault("currency", collaboration.campaign.currency if (
        "revenue" in figures or "cost" in figures) else "")  # fmt: skip
    row = DailyRollup.objects.create(organization=org, campaign=collaboration.campaign,
                                     collaboration=collaboration, day=day, **figures)  # fmt: skip
    # What the rollup worker does after writing the row: the campaign day, running totals.
    rollups_derive(organization=org, collaboration_days=[(collaboration.pk, day)])
    return row


def order(org, name, *, at=None, codes=(), country="", referral="", utm_source="",
          total="50.00", **extra) -> Conversion:  # fmt: skip
    return Conversion.objects.create(
        organization=org, source="shopify", external_id=f"gid://shopify/Order/{name}",
        kind="sale", name=name, occurred_at=at or timezone.now(), currency="USD",
        total=Decimal(total), subtotal=Decimal(total), discount_codes=list(codes),
        shipping_country=country, referral_code=referral, utm_source=utm_source, **extra,
    )  # fmt: skip


def credit(org, conversion, collaboration, *, rule="code", revenue="50.00", candidates=None,
           kind="credit", reverses=None) -> AttributionEntry:  # fmt: skip
    evidence = {"candidates": candidates} if candidates is not None else {}
    sign = -1 if kind == "reversal" else 1
    return AttributionEntry.objects.create(
        organization=org, conversion=conversion, collaboration=collaboration,
        campaign=collaboration.campaign, kind=kind, rule=rule, evidence=evidence,
        conversions=sign, revenue=Decimal(revenue) * sign, currency="USD",
        effective_at=conversion.occurred_at, reverses=reverses,
    )  # fmt: skip


def results_world(org, *, name="Glow launch", objective="sales", suffix="") -> World:
    campaign = make_campaign(org, name=name, objective=objective, currency="USD",
                             start_date=datetime.date(2026, 1, 1))  # fmt: skip
    alice = agreed_collaboration(
        org, campaign, creator=make_creator(org, name="Alice Derm", accounts=[{
            "platform": "instagram", "handle": f"alicederm{next(_n)}", "followers": 50_000,
            "audience_countries": {"US": 60, "GB": 20, "CA": 10, "DE": 5}}]),
        commission_percent="10",
    )  # fmt: skip
    bob = agreed_collaboration(org, campaign, creator=make_creator(org, name="Bob Coach"))
    for collaboration, platform in ((alice, "instagram"), (bob, "youtube")):
        services.tracking_link_create(organization=org, collaboration=collaboration,
                                      platform=platform,
                                      destination_url="https://shop.example/serum", by=None)  # fmt: skip
    services.promo_code_create(org, collaboration=alice, code=f"ALICE10{suffix}")
    services.promo_code_create(org, collaboration=bob, code=f"BOB10{suffix}")
    day = datetime.date(2026, 1, 10)
    rollup(org, alice, day, clicks=100, unique_clicks=90, conversions=4,
           revenue=Decimal("400.00"), cost=Decimal("200.00"), impressions=1000)  # fmt: skip
    rollup(org, alice, day + datetime.timedelta(days=1), clicks=20, conversions=1,
           revenue=Decimal("100.00"))  # fmt: skip
    rollup(org, bob, day, clicks=30, conversions=0, cost=Decimal("300.00"))
    return World(campaign=campaign, alice=alice, bob=bob, day=day)
