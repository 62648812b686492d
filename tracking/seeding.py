"""Demo data for promo codes, landing pages and leads: on the demo campaign, one
collaboration far along the pipeline gets a code, a landing page and a few leads —
submitted through tracking.services.lead_submit, as the public page would."""

from __future__ import annotations

from decimal import Decimal

from campaigns.models import Campaign, Collaboration
from kolhub.models import Organization
from kolhub.tenancy.context import tenant_context
from tracking import services
from tracking.models import DiscountKind, LandingPage
from tracking.services import LeadInput

DEMO_LEADS = [
    ("Maya Chen", "maya.chen@example.com", "instagram", "instagram"),
    ("Tom Becker", "tom.becker@example.com", "youtube", "youtube"),
    ("Priya Nair", "priya.nair@example.com", "instagram", "instagram"),
    # The same person again, from another platform: refreshes her lead, not a second one.
    ("Maya Chen", "maya.chen@example.com", "tiktok", "tiktok"),
]


def demo_tracking_seed(*, organization: Organization, stdout=None) -> LandingPage | None:
    """Runs once per brand: a brand whose demo campaign has a landing page is left alone."""
    with tenant_context(organization):
        campaign = Campaign.objects.order_by("id").first()
        if (
            campaign is None
            or LandingPage.objects.filter(collaboration__campaign=campaign).exists()
        ):
            return None
        collaboration = (
            Collaboration.objects.filter(campaign=campaign)
            .select_related("creator", "campaign")
            .order_by("-stage_changed_at", "id")
            .exclude(stage__in=["shortlisted", "declined", "cancelled"])
            .first()
        ) or Collaboration.objects.filter(campaign=campaign).select_related("creator").first()
        if collaboration is None:
            return None
        code = services.promo_code_create(
            organization,
            collaboration=collaboration,
            discount_kind=DiscountKind.PERCENT,
            discount_value=Decimal("15"),
        )
        page = services.landing_page_create(
            organization,
            collaboration=collaboration,
            headline=f"{collaboration.creator.name} recommends {campaign.name}",
            quote=collaboration.creator.bio[:400] or "I use it every day and I can say why.",
            product=campaign.products.first(),
            promo_code=code,
        )
        for name, email, platform, source in DEMO_LEADS:
            services.lead_submit(
                organization,
                landing_page=page,
                data=LeadInput(
                    name=name,
                    email=email,
                    consent=True,
                    platform=platform,
                    utms={
                        "utm_source": source,
                        "utm_medium": "influencer",
                        "utm_campaign": campaign.slug,
                    },
                ),
            )
    if stdout is not None:
        stdout.write(f"{organization.name}: promo code {code.code}, landing page /l/{page.slug}/")
    return page
