"""Demo data for promo codes, landing pages and leads: on the demo campaign, one
collaboration far along the pipeline gets a code, a landing page and a few leads —
submitted through tracking.services.lead_submit, as the public page would.

Demo tracking links: one per published (or paid) collaboration of the demo campaign,
with clicks pushed through the real buffer and flush, so a new user sees counts."""

from __future__ import annotations

from decimal import Decimal

from django.test import RequestFactory

from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage
from kolhub.models import Membership, Organization, Role
from kolhub.tenancy.context import tenant_context
from tracking import services
from tracking.clicks import flush_clicks, record_click, resolve_code
from tracking.models import DiscountKind, LandingPage, TrackingLink
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


AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36",
]


def demo_links_seed(*, organization: Organization) -> int:
    made: list[TrackingLink] = []
    with tenant_context(organization):
        if TrackingLink.objects.exists():
            return 0
        campaign = Campaign.objects.order_by("created_at").first()
        owner = Membership.objects.filter(role=Role.OWNER).order_by("created_at").first()
        if campaign is None:
            return 0
        for collaboration in campaign.collaborations.filter(
            stage__in=[Stage.PUBLISHED, Stage.PAID]
        ).order_by("id"):
            made.append(services.tracking_link_create(
                organization=organization, collaboration=collaboration, platform="instagram",
                destination_url=f"https://{organization.slug}.example/shop?ref=demo",
                by=owner.user if owner else None,
            ))  # fmt: skip
    factory = RequestFactory()
    for n, link in enumerate(made):
        target = resolve_code(link.code)
        # Three visitors, several visits each: recorded and unique counts differ.
        for visitor in range(6 + 5 * n):
            request = factory.get(
                f"/r/{link.code}", REMOTE_ADDR=f"198.51.100.{visitor % 3}",
                HTTP_USER_AGENT=AGENTS[visitor % 3], HTTP_REFERER="https://www.instagram.com/",
            )  # fmt: skip
            record_click(request, target)
    flush_clicks()
    return len(made)
