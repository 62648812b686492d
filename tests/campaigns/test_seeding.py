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


def test_demo_has_negotiations_a_ledger_and_portal_links(db):
    import io

    from campaigns.models import Offer, PaymentItem, PortalToken
    from campaigns.selectors import organization_today, payment_summary

    tenant = make_tenant("Glow Lab Skincare", "glow-lab")
    org = tenant.organization
    with tenant.context():
        for _ in range(sum(n for _, n in SPREAD)):
            make_creator(org)
    out = io.StringIO()
    campaign = demo_campaign_seed(organization=org, stdout=out)
    printed = out.getvalue()
    assert "creator portal of" in printed and "/p/" in printed
    link = printed.split("): ", 1)[1].split()[0]
    with tenant.context():
        for collaboration in Collaboration.objects.filter(campaign=campaign):
            offers = Offer.objects.filter(collaboration=collaboration)
            if collaboration.stage in ("shortlisted", "invited"):
                assert not offers.exists()
            elif collaboration.stage not in ("declined",):
                assert offers.exists(), collaboration.stage
            if collaboration.terms_id:
                assert PaymentItem.objects.filter(collaboration=collaboration).exists()
        # Counter-offers in the history, one offer in another currency with its rate.
        assert Offer.objects.filter(proposed_by="creator").exists()
        assert Offer.objects.filter(version=3).exists()
        assert Offer.objects.exclude(exchange_rate=None).exists()
        paid = Collaboration.objects.get(campaign=campaign, stage="paid")
        assert (
            not PaymentItem.objects.filter(collaboration=paid, kind="installment")
            .exclude(status="paid")
            .exists()
        )
        summary = payment_summary(organization=org, campaign=campaign)
        assert summary.late == 1 and summary.paid > 1
        late = (
            PaymentItem.objects.exclude(status="paid")
            .filter(due_date__lt=organization_today(org))
            .get()
        )
        assert late.collaboration.stage == "content_in_review"
        assert (
            PortalToken.objects.count()
            == Collaboration.objects.exclude(stage="shortlisted").count()
        )
        # Nothing is dated in the future.
        from django.utils import timezone

        assert not StageChange.objects.filter(at__gt=timezone.now()).exists()
    from django.test import Client

    page = Client().get(link.replace("http://localhost:8000", ""))
    assert page.status_code == 200 and "is waiting for you" in page.content.decode()
