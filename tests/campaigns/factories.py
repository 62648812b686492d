"""Campaigns and collaborations built through the services, so every row is one a user
could have made (collaborations reach their stage by real transitions)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from campaigns import services
from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage
from campaigns.seeding import path_to
from tests.creators.factories import make_creator

_n = itertools.count(1)


def make_campaign(
    organization, *, products=(), kpi_targets=(), budget_lines=(), **data
) -> Campaign:
    data.setdefault("name", f"Campaign {next(_n)}")
    return services.campaign_create(
        organization=organization, data=data, products=products,
        kpi_targets=kpi_targets, budget_lines=budget_lines,
    )  # fmt: skip


def make_collaboration(
    organization, campaign, *, creator=None, stage: str = Stage.SHORTLISTED, by=None
) -> Collaboration:
    creator = creator or make_creator(organization)
    services.collaborations_add(
        organization=organization, campaign=campaign, creator_ids=[creator.pk], added_by=by
    )
    collaboration = Collaboration.objects.get(campaign=campaign, creator=creator)
    if stage != Stage.SHORTLISTED:
        for step in path_to(stage):
            services.collaboration_transition(
                organization=organization, collaboration=collaboration, to_stage=step, by=by
            )
    return collaboration


def full_campaign(organization, **data) -> Campaign:
    """A campaign with a product, two KPI targets and two budget lines."""
    return make_campaign(
        organization,
        products=[{"name": "Serum", "sku": "SER-1", "unit_cost": "5.00", "price": "30.00"}],
        kpi_targets=[{"metric": "revenue", "target_value": Decimal("10000")},
                     {"metric": "roas", "target_value": Decimal("3")}],
        budget_lines=[{"category": "kol_fees", "planned_amount": Decimal("5000")},
                      {"category": "shipping", "planned_amount": Decimal("300")}],
        **data,
    )  # fmt: skip


def terms(campaign, **overrides) -> dict:
    """Valid offer terms for the campaign: one reel due in 20 days, half the fee on
    signature (net 14), half on publication (net 30)."""
    from datetime import timedelta

    from campaigns.selectors import organization_today

    today = organization_today(campaign.organization)
    data = {
        "fee": Decimal("1000.00"),
        "currency": campaign.currency,
        "deliverables": [{"platform": "instagram", "kind": "reel", "quantity": 1,
                          "due_date": today + timedelta(days=20)}],
        "installments": [{"percent": "50", "trigger": "on_signature", "net_days": 14},
                         {"percent": "50", "trigger": "on_publication", "net_days": 30}],
        "usage_rights_days": 90,
        "usage_channels": ["brand Instagram"],
    }  # fmt: skip
    data.update(overrides)
    return data


def make_offer(organization, collaboration, *, by=None, **overrides):
    """The brand's offer on the collaboration (moving it to negotiating)."""
    return services.offer_propose(
        organization=organization, collaboration=collaboration,
        terms=terms(collaboration.campaign, **overrides), by=by,
    )  # fmt: skip


def agreed_collaboration(organization, campaign=None, *, creator=None, by=None, **overrides):
    """A collaboration whose brand offer the creator accepted: agreed, with a ledger."""
    from campaigns.models import Side

    campaign = campaign or make_campaign(organization)
    collaboration = make_collaboration(organization, campaign, creator=creator,
                                       stage=Stage.INVITED, by=by)  # fmt: skip
    offer = make_offer(organization, collaboration, by=by, **overrides)
    services.offer_accept(organization=organization, offer=offer, side=Side.CREATOR)
    collaboration.refresh_from_db()
    return collaboration
