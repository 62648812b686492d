"""The demo campaign gets a promo code, a landing page and leads submitted through the
real service (one person twice: deduplicated), once; the page renders publicly."""

from __future__ import annotations

import pytest
from django.test import Client

from campaigns.seeding import SPREAD, demo_campaign_seed
from tests.conftest import make_tenant
from tests.creators.factories import make_creator
from tracking.models import LandingPage, Lead, PromoCode
from tracking.seeding import DEMO_LEADS, demo_tracking_seed

pytestmark = pytest.mark.django_db


def test_demo_tracking_seed(db):
    tenant = make_tenant("Glow Lab Skincare", "glow-lab")
    org = tenant.organization
    with tenant.context():
        for _ in range(sum(n for _, n in SPREAD)):
            make_creator(org)
    demo_campaign_seed(organization=org)
    page = demo_tracking_seed(organization=org)
    assert demo_tracking_seed(organization=org) is None  # once
    with tenant.context():
        code = PromoCode.objects.get()
        leads = list(Lead.objects.all())
        assert LandingPage.objects.count() == 1
    assert code.code.endswith("15") and page.promo_code_id == code.pk
    assert len(leads) == len({email for _, email, _, _ in DEMO_LEADS}) == 3
    assert max(lead.submissions for lead in leads) == 2
    body = Client().get(f"/l/{page.slug}/").content.decode()
    assert code.code in body
