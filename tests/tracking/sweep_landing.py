"""Organization A's promo code, landing page and lead, in the sweep's campaign, for the
cross-tenant sweep and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Campaign, Collaboration
from tracking import services
from tracking.services import LeadInput


def values(tenant) -> dict:
    org = tenant.organization
    # The public slug is unique across the deployment, and both A and B get a world.
    with tenant.context():
        # sweep_campaigns (a module run earlier, in name order) made the campaign.
        campaign = Campaign.objects.get(name="Zebracorn secret campaign")
        collaboration = Collaboration.objects.filter(campaign=campaign).earliest("id")
        code = services.promo_code_create(
            org, collaboration=collaboration, code="ZEBRASECRET77",
            discount_kind="percent", discount_value=Decimal("15"),
        )  # fmt: skip
        page = services.landing_page_create(
            org, collaboration=collaboration, headline="Zebracorn secret landing headline",
            quote="Zebracorn secret quote", promo_code=code, slug=f"zebracorn-secret-page-{org.slug}",
            consent_text="Zebracorn secret consent",
        )  # fmt: skip
        lead = services.lead_submit(
            org, landing_page=page,
            data=LeadInput(name="Zebracorn Secret Lead", email="secret-lead@zebra.test",
                           consent=True, click_id="ZEBRACLICK99",
                           utms={"utm_campaign": "zebracorn-secret-utm"}),
        )  # fmt: skip
    return {
        "promo_code_id": code.pk,
        "landing_page_id": page.pk,
        "lead_id": lead.pk,
        "secrets": [
            "ZEBRASECRET77", "Zebracorn secret landing headline", "zebracorn-secret-page",
            "Zebracorn Secret Lead", "secret-lead@zebra.test", "ZEBRACLICK99",
            "zebracorn-secret-utm",
        ],
    }  # fmt: skip
