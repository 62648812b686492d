"""Demo data for promo codes, landing pages and leads: on the demo campaign, one
collaboration far along the pipeline gets a code, a landing page and a few leads —
submitted through tracking.services.lead_submit, as the public page would.

Demo tracking links: one per published (or paid) collaboration of the demo campaign,
with clicks pushed through the real buffer and flush, so a new user sees counts."""

from __future__ import annotations

import datetime
import random
import uuid
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

from django.test import RequestFactory
from django.utils import timezone

from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage
from kolhub.models import Membership, Organization, Role
from kolhub.tenancy.context import tenant_context
from tracking import services
from tracking.clicks import flush_clicks, record_click, resolve_code, visitor_hash
from tracking.models import (
    Click,
    ClickFallback,
    Conversion,
    DiscountKind,
    LandingPage,
    PromoCode,
    TrackingLink,
)
from tracking.services import LeadInput
from tracking.services.conversions import ConversionInput, RefundInput, conversion_record
from tracking.services.rollups import rollups_refresh

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
            # On the creator's own main platform, so the link's UTMs name their handle.
            account = collaboration.creator.accounts.order_by("-followers", "id").first()
            made.append(services.tracking_link_create(
                organization=organization, collaboration=collaboration,
                platform=account.platform if account else "instagram",
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


# --- three weeks of results -----------------------------------------------------------
#
# History cannot come through a live redirect, so the demo's past clicks enter through the
# queue the flush drains when Redis was down (ClickFallback), with their past times; the
# flush decides their 30-minute repeats in SQL as it would for any fallback click. Orders
# go through conversion_record (the one recording path: validation, the attribution
# ledger, rollup marks), and the rollup worker builds the dashboard's rollups.

DEMO_DAYS = 21
DEMO_STORE = "demo-store"
COUNTRIES = ["US", "US", "US", "CA", "GB", "AU", "DE"]


def demo_results_seed(*, organization: Organization, today=None) -> dict:
    """Runs once per brand: one whose demo campaign has conversions is left alone."""
    rng = random.Random(f"kolhub-demo-results-{organization.slug}")
    now = timezone.now() if today is None else today
    with tenant_context(organization):
        if Conversion.objects.filter(source_label=DEMO_STORE).exists():
            return {}
        campaign = Campaign.objects.order_by("created_at").first()
        if campaign is None:
            return {}
        links = list(TrackingLink.objects.filter(collaboration__campaign=campaign)
                     .select_related("collaboration__creator").order_by("id"))  # fmt: skip
        if not links:
            return {}
        codes = {}
        for link in links:
            code = PromoCode.objects.filter(collaboration=link.collaboration).first()
            codes[link.collaboration_id] = (code or services.promo_code_create(
                organization, collaboration=link.collaboration,
                discount_kind=DiscountKind.PERCENT, discount_value=Decimal("10"),
            )).code  # fmt: skip
        # Clicks: a few a day per link, more for the first creators, some repeat visitors.
        payloads = []
        for day in range(DEMO_DAYS, 0, -1):
            for rank, link in enumerate(links):
                for _ in range(rng.randrange(2, 9) + max(0, 6 - 2 * rank)):
                    at = now - datetime.timedelta(days=day, minutes=rng.randrange(0, 1440))
                    visitor = rng.randrange(0, 400)
                    agent = AGENTS[visitor % len(AGENTS)]
                    payloads.append({
                        "click_id": uuid.UUID(int=rng.getrandbits(128), version=4).hex,
                        "org": organization.pk, "link": link.pk, "at": at.isoformat(),
                        "visitor": visitor_hash(f"203.0.113.{visitor % 250}", agent),
                        "ua": "mobile" if visitor % 3 else "desktop",
                        "ref": "www.instagram.com", "unique": None,
                    })  # fmt: skip
        ClickFallback.objects.bulk_create([ClickFallback(payload=p) for p in payloads])
    flush_clicks()
    recorded = 0
    utms = {link.collaboration_id: {k: v for k, v in parse_qsl(urlsplit(link.tracked_url).query)
                                    if k.startswith("utm_")} for link in links}  # fmt: skip
    with tenant_context(organization):
        clicks = list(Click.objects.filter(link__in=links).order_by("clicked_at")
                      .values_list("click_id", "clicked_at", "link__collaboration_id"))  # fmt: skip
        for n, (click_id, clicked_at, collaboration_id) in enumerate(clicks):
            # About one visit in twelve orders, within two days of the click.
            if rng.random() > 1 / 12:
                continue
            at = min(clicked_at + datetime.timedelta(hours=rng.randrange(0, 48)), now)
            subtotal = Decimal(rng.randrange(2400, 9800)) / 100
            tax = (subtotal * Decimal("0.08")).quantize(Decimal("0.01"))
            how = rng.random()
            data = {
                "source": "postback", "source_label": DEMO_STORE,
                "external_id": f"demo-{n}", "name": f"#{5000 + n}", "occurred_at": at,
                "currency": campaign.currency, "subtotal": subtotal, "tax": tax,
                "total": subtotal + tax, "customer_ref": f"customer-{rng.randrange(0, 150)}",
                "shipping_country": rng.choice(COUNTRIES),
            }  # fmt: skip
            if how < 0.45:  # the click id carried to the store
                data["click_id"] = click_id.hex
            if 0.3 < how < 0.75:  # the creator's code at checkout
                data["discount_codes"] = (codes[collaboration_id],)
            if 0.75 <= how < 0.9:  # only our UTM tags on the landing URL
                data["utms"] = utms[collaboration_id]
            # how >= 0.9: nothing of ours on it; it stays unattributed.
            conversion_record(organization=organization, data=ConversionInput(**data))
            recorded += 1
        # A cancelled order and a refund, as a store would send them later.
        credited = Conversion.objects.filter(source_label=DEMO_STORE,
                                             attribution_entries__isnull=False)  # fmt: skip
        sample = list(credited.distinct().order_by("id")[:2])
        if len(sample) == 2:
            first, second = sample
            later = min(first.occurred_at + datetime.timedelta(days=1), now)
            conversion_record(organization=organization, data=ConversionInput(
                **_input_of(first), cancelled_at=later, source_updated_at=later))  # fmt: skip
            refund = RefundInput(f"{second.external_id}-r1", (second.subtotal / 2).quantize(
                Decimal("0.01")), second.currency, min(second.occurred_at
                + datetime.timedelta(days=2), now))  # fmt: skip
            conversion_record(organization=organization, data=ConversionInput(
                **_input_of(second), refunds=(refund,)))  # fmt: skip
    days = rollups_refresh(organization=organization)
    return {"clicks": len(payloads), "orders": recorded, "rollup_days": days}


def _input_of(conversion) -> dict:
    """A stored conversion's fields as a ConversionInput takes them (for a later update)."""
    return {
        "source": conversion.source, "source_label": conversion.source_label,
        "external_id": conversion.external_id, "name": conversion.name,
        "occurred_at": conversion.occurred_at, "currency": conversion.currency,
        "subtotal": conversion.subtotal, "tax": conversion.tax, "total": conversion.total,
        "discount_codes": tuple(conversion.discount_codes), "click_id": conversion.click_id,
        "utms": {k: getattr(conversion, k) for k in ("utm_source", "utm_medium", "utm_campaign",
                 "utm_content", "utm_term") if getattr(conversion, k)},
        "shipping_country": conversion.shipping_country,
    }  # fmt: skip
