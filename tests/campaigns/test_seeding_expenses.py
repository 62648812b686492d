"""The demo campaign records expenses: a paid amplification boost of a published
creator's post and a committed campaign-wide cost, so the budget's amplification and
other lines show figures. The admin shows them read-only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from campaigns import budget
from campaigns.models import CampaignExpense, ExpenseStatus
from campaigns.pipeline import Stage
from campaigns.seeding import SPREAD, demo_campaign_seed
from kolhub.models import User
from tests.conftest import make_tenant
from tests.creators.factories import make_creator

pytestmark = pytest.mark.django_db


def test_demo_campaign_has_a_paid_boost_and_a_committed_other_cost(db):
    tenant = make_tenant("Glow Lab Skincare", "glow-lab")
    org = tenant.organization
    with tenant.context():
        for _ in range(sum(n for _, n in SPREAD)):
            make_creator(org)
    campaign = demo_campaign_seed(organization=org)
    with tenant.context():
        boost = CampaignExpense.objects.select_related("collaboration").get(
            category="amplification"
        )
        other = CampaignExpense.objects.get(category="other")
        lines = budget.cost_lines(organization=org, campaign_ids=[campaign.pk])
    assert boost.status == ExpenseStatus.PAID and boost.paid_reference
    assert boost.collaboration.stage == Stage.PUBLISHED
    assert other.status == ExpenseStatus.COMMITTED and other.collaboration is None
    ours = {(line.category, line.collaboration_id): (line.committed, line.spent)
            for line in lines if line.category in ("amplification", "other")}  # fmt: skip
    assert ours == {
        ("amplification", boost.collaboration_id): (boost.amount, boost.amount),
        ("other", None): (other.amount, Decimal("0.00")),
    }
    staff = User.objects.create_superuser("staff@platform.test", "pw-for-tests-1")
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admin/campaigns/campaignexpense/{boost.pk}/change/")
    assert page.status_code == 200 and boost.paid_reference in page.content.decode()
    assert 'name="amount"' not in page.content.decode()
    listing = client.get("/admin/campaigns/campaignexpense/")
    assert listing.status_code == 200 and "Photographer" in listing.content.decode()
