"""The demo campaign: products, KPI targets, budget, and a pipeline with every stage,
reached through the real transition service; run twice, it adds nothing."""

from __future__ import annotations

import pytest

from campaigns.models import Campaign, Collaboration, StageChange
from campaigns.pipeline import ORDER
from campaigns.seeding import SPREAD, demo_campaign_seed
from kolhub import services as platform_services
from tests.conftest import make_tenant
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def test_demo_campaign_has_every_stage_with_history(db):
    tenant = make_tenant("Glow Lab Skincare", "glow-lab")
    org = tenant.organization
    with tenant.context():
        for _ in range(sum(n for _, n in SPREAD)):
            make_creator(org)
    campaign = demo_campaign_seed(organization=org)
    assert demo_campaign_seed(organization=org) is None  # once
    with tenant.context():
        assert Campaign.objects.count() == 1
        stages = set(
            Collaboration.objects.filter(campaign=campaign).values_list("stage", flat=True)
        )
        assert stages == set(ORDER)
        assert campaign.products.exists() and campaign.kpi_targets.count() == 4
        assert campaign.budget_lines.exists()
        paid = Collaboration.objects.get(campaign=campaign, stage="paid")
        assert StageChange.objects.filter(collaboration=paid).count() == 10
        declined = Collaboration.objects.filter(campaign=campaign, stage="declined").first()
        assert StageChange.objects.get(collaboration=declined, to_stage="declined").actor == (
            "creator via portal"
        )


def test_brands_without_a_plan_get_nothing(db):
    tenant = make_tenant("Some Brand", "some-brand")
    assert demo_campaign_seed(organization=tenant.organization) is None
    assert platform_services  # the platform seeds brands; campaigns only adds to them
