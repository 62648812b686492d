"""The demo campaign ships product: addresses, labels, parcels in transit and delivered,
so the funnel, the budget's product and shipping lines and the pages show real rows."""

from __future__ import annotations

import pytest

from campaigns import budget, selectors
from campaigns.models import Shipment, ShipmentStatus, ShippingAddress
from campaigns.seeding import SPREAD, demo_campaign_seed
from tests.conftest import make_tenant
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def test_demo_campaign_has_shipments_in_every_status_but_exception(db):
    tenant = make_tenant("Glow Lab Skincare", "glow-lab")
    org = tenant.organization
    with tenant.context():
        for _ in range(sum(n for _, n in SPREAD)):
            make_creator(org)
    campaign = demo_campaign_seed(organization=org)
    with tenant.context():
        statuses = set(Shipment.objects.values_list("status", flat=True))
        assert statuses == {ShipmentStatus.LABEL_CREATED, ShipmentStatus.IN_TRANSIT,
                            ShipmentStatus.DELIVERED}  # fmt: skip
        assert ShippingAddress.objects.count() == Shipment.objects.count()
        funnel = selectors.seeding_funnel(organization=org, campaign=campaign)
        assert funnel.shipped > funnel.delivered >= funnel.posted >= 1
        lines = budget.cost_lines(organization=org, campaign_ids=[campaign.pk])
        assert any(line.category == "product_cost" and line.spent for line in lines)
        assert any(line.category == "shipping" and line.committed for line in lines)
