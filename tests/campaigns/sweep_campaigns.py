"""Organization A's campaign, product, KPI target, budget line, checklist tick,
collaboration and stage history for the cross-tenant sweep and the RLS test (see
tests/tenant_world.py)."""

from __future__ import annotations

from decimal import Decimal

from campaigns import services
from campaigns.models import Collaboration
from creators import services as creator_services


def values(tenant) -> dict:
    org, owner = tenant.organization, tenant.owner
    with tenant.context():
        creator = creator_services.creator_create(
            organization=org, data={"name": "Zebracorn Pipeline Creator", "role": "kol"}
        )
        campaign = services.campaign_create(
            organization=org,
            data={"name": "Zebracorn secret campaign", "owner": owner,
                  "description": "Zebracorn secret launch plan",
                  "learnings": "Zebracorn secret learnings",
                  "competitors": ["Zebracorn Rival Brand"]},
            products=[{"name": "Zebracorn secret serum", "sku": "ZEBRA-SECRET-SKU",
                       "unit_cost": "4.00", "price": "40.00"}],
            kpi_targets=[{"metric": "revenue", "target_value": Decimal("123456")}],
            budget_lines=[{"category": "kol_fees", "planned_amount": Decimal("98765")}],
        )  # fmt: skip
        services.collaborations_add(
            organization=org, campaign=campaign, creator_ids=[creator.pk], added_by=owner
        )
        collaboration = Collaboration.objects.get(campaign=campaign, creator=creator)
        services.collaboration_transition(
            organization=org, collaboration=collaboration, to_stage="invited", by=owner,
            reason="Zebracorn secret pitch note",
        )  # fmt: skip
        services.checklist_tick(organization=org, campaign=campaign, step="analyse", by=owner)
    return {
        "campaign_id": campaign.pk,
        "collaboration_id": collaboration.pk,
        "step": "analyse",
        "secrets": [
            "Zebracorn secret campaign", "Zebracorn secret launch plan",
            "Zebracorn secret learnings", "Zebracorn Rival Brand", "Zebracorn secret serum",
            "ZEBRA-SECRET-SKU", "Zebracorn Pipeline Creator", "Zebracorn secret pitch note",
            "123456", "98765",
        ],
    }  # fmt: skip
