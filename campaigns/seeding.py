"""Demo data: a campaign per demo brand, with products, KPI targets, a budget and a living
pipeline (collaborations in every stage). Everything goes through campaigns.services,
and every collaboration reaches its stage by real transitions, so its history reads like
one a team made: negotiating and later collaborations have offers with counter-offers
(the accepted one is their terms), agreed ones a payment ledger whose past-due rows are
paid except one left late, and every contacted creator a portal link (one is printed).
The brief, drafts, reviews and live posts come from campaigns.seeding_content."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from campaigns import pipeline, selectors, services
from campaigns.models import Campaign, CampaignStatus, Objective, Offer, PaymentItem, Side
from campaigns.pipeline import FORWARD, Stage
from campaigns.seeding_content import acknowledge, brief_seed, content_step
from campaigns.seeding_expenses import demo_expenses_seed
from campaigns.seeding_outreach import demo_outreach_seed
from creators.models import Creator, CreatorStatus
from kolhub.models import Membership, Organization, Role
from kolhub.tenancy.context import tenant_context

# How many collaborations end in each stage: every stage has at least one.
SPREAD = [
    (Stage.SHORTLISTED, 3), (Stage.INVITED, 3), (Stage.NEGOTIATING, 2), (Stage.AGREED, 2),
    (Stage.CONTRACTED, 2), (Stage.PRODUCT_SHIPPED, 2), (Stage.CONTENT_IN_REVIEW, 2),
    (Stage.APPROVED, 1), (Stage.PUBLISHED, 1), (Stage.PAID, 1), (Stage.DECLINED, 2),
    (Stage.CANCELLED, 1),
]  # fmt: skip

REASONS = {
    Stage.INVITED: "Personalised pitch sent with the portal link.",
    Stage.NEGOTIATING: "Replied; asked about usage rights.",
    Stage.AGREED: "Fee and deliverables agreed.",
    Stage.CONTRACTED: "Contract signed by both sides.",
    Stage.PRODUCT_SHIPPED: "Starter kit shipped.",
    Stage.CONTENT_IN_REVIEW: "Draft submitted.",
    Stage.APPROVED: "Disclosure present; approved.",
    Stage.PUBLISHED: "Live on Instagram.",
    Stage.PAID: "Final installment paid.",
    Stage.DECLINED: "Not taking sponsorships this quarter.",
    Stage.CANCELLED: "Timing no longer works for the launch.",
}

PLANS = {
    "glow-lab": {
        "data": {
            "name": "Barrier Repair Serum launch",
            "description": "Launch the ceramide serum with dermatologists and skincare "
            "educators: expert explainers first, then creators with engaged audiences.",
            "status": CampaignStatus.ACTIVE,
            "objective": Objective.SALES,
            "target_countries": ["US", "CA"],
            "target_ages": ["25-34", "35-44"],
            "target_gender": "female",
            "target_interests": ["skincare"],
            "competitors": ["DermaPure"],
        },
        "products": [
            {
                "name": "Barrier Repair Serum 30 ml",
                "sku": "GL-BRS-30",
                "unit_cost": "6.40",
                "price": "38.00",
            },
            {
                "name": "Starter kit (serum + cleanser)",
                "sku": "GL-KIT-01",
                "unit_cost": "11.20",
                "price": "59.00",
            },
        ],
        "kpi_targets": [
            ("revenue", "60000"),
            ("conversions", "1500"),
            ("cpa", "18"),
            ("roas", "3.5"),
        ],
        "budget_lines": [
            ("kol_fees", "24000"),
            ("product_cost", "1800"),
            ("shipping", "900"),
            ("amplification", "6000"),
        ],
    },  # fmt: skip
    "peakform": {
        "data": {
            "name": "Recovery Protein — run club season",
            "description": "Sports scientists and running coaches explain recovery; "
            "awareness first, ahead of the autumn marathon season.",
            "status": CampaignStatus.ACTIVE,
            "objective": Objective.AWARENESS,
            "target_countries": ["GB"],
            "target_ages": ["25-34"],
            "target_interests": ["fitness"],
        },
        "products": [
            {
                "name": "Recovery Protein 1 kg",
                "sku": "PF-REC-1KG",
                "unit_cost": "9.10",
                "price": "34.99",
            },
        ],
        "kpi_targets": [
            ("reach", "750000"),
            ("engagement_rate", "4.5"),
            ("ctr", "1.2"),
            ("saves", "5000"),
        ],
        "budget_lines": [("kol_fees", "12000"), ("product_cost", "600"), ("shipping", "400")],
    },  # fmt: skip
}


def path_to(stage: str) -> list[str]:
    """The moves that take a new (shortlisted) collaboration to `stage`."""
    if stage == Stage.DECLINED:
        return [Stage.INVITED, Stage.DECLINED]
    if stage == Stage.CANCELLED:
        return [Stage.INVITED, Stage.NEGOTIATING, Stage.AGREED, Stage.CANCELLED]
    return list(FORWARD[1 : FORWARD.index(stage) + 1])


# The demo's history starts this long ago and each event of a collaboration takes a
# couple of days, so offers, signatures and payments have real dates (and one payment is
# late) while nothing is dated in the future.
HISTORY_DAYS = 30
STEP = timedelta(days=2)

SCHEDULES = [
    [("50", "on_signature", 14), ("50", "on_publication", 30)],
    [("30", "on_signature", 14), ("40", "on_delivery", 14), ("30", "on_approval", 30)],
    [("100", "on_publication", 30)],
]
PLATFORMS = ["instagram", "tiktok", "youtube"]
# Another currency, with its rate to the campaign's, on one offer per campaign.
FOREIGN = {"USD": ("EUR", "1.08"), "GBP": ("USD", "0.79")}


class _Clock:
    """Hands out increasing past times for one collaboration's events."""

    def __init__(self, start: datetime):
        self.now = start

    def tick(self) -> datetime:
        self.now += STEP
        return self.now


def _terms(campaign: Campaign, n: int, fee: Decimal, usage_days: int, note: str) -> dict:
    today = timezone.localdate()
    platform = PLATFORMS[n % len(PLATFORMS)]
    kind = {"instagram": "reel", "tiktok": "short", "youtube": "video"}[platform]
    currency, rate = campaign.currency, None
    if n == 8:  # an agreed collaboration: its budget line shows the conversion
        currency, rate = FOREIGN.get(campaign.currency, (campaign.currency, None))
    product = campaign.products.order_by("id").last()
    schedule = SCHEDULES[n % len(SCHEDULES)]
    return {
        "fee": fee, "currency": currency, "exchange_rate": rate,
        "commission_percent": Decimal("10") if schedule is SCHEDULES[2] else Decimal("0"),
        "gifts": [{"product_id": product.pk, "quantity": 1}] if product else [],
        "deliverables": [
            {"platform": platform, "kind": kind, "quantity": 1,
             "due_date": today + timedelta(days=21 + n)},
            {"platform": "instagram", "kind": "story", "quantity": 3,
             "due_date": today + timedelta(days=28 + n)},
        ],
        "usage_rights_days": usage_days, "usage_channels": ["brand Instagram", "website"],
        "paid_amplification": usage_days >= 60,
        "exclusivity_categories": ["skincare"] if n % 4 == 0 else [],
        "exclusivity_days": 30 if n % 4 == 0 else 0,
        "installments": [{"percent": Decimal(p), "trigger": t, "net_days": d}
                         for p, t, d in schedule],
        "note": note,
    }  # fmt: skip


def _negotiate(organization, campaign, collaboration, n: int, owner, clock: _Clock, *,
               rounds: int, accept: bool) -> Offer:  # fmt: skip
    """The brand's offer, the creator's counter, sometimes the brand's counter back; the
    last version accepted by the other side when `accept`."""
    fee = Decimal(800 + 150 * (n % 7))
    offer = services.offer_propose(
        organization=organization, collaboration=collaboration, by=owner, at=clock.tick(),
        terms=_terms(campaign, n, fee, 90, "Starter kit included; happy to adjust the mix."),
    )  # fmt: skip
    if rounds >= 2:
        offer = services.offer_counter(
            organization=organization, offer=offer, side=Side.CREATOR, at=clock.tick(),
            terms=_terms(campaign, n, (fee * Decimal("1.3")).quantize(Decimal("1")), 30,
                         "My rate for a reel is higher, and 30 days of usage is my standard."),
        )  # fmt: skip
    if rounds >= 3:
        offer = services.offer_counter(
            organization=organization, offer=offer, side=Side.BRAND, by=owner, at=clock.tick(),
            terms=_terms(campaign, n, (fee * Decimal("1.15")).quantize(Decimal("1")), 60,
                         "Meet in the middle: a higher fee, 60 days of usage."),
        )  # fmt: skip
    if accept:
        side = Side.CREATOR if offer.proposed_by == Side.BRAND else Side.BRAND
        offer = services.offer_accept(
            organization=organization, offer=offer, side=side,
            by=owner if side == Side.BRAND else None, at=clock.tick(),
        )  # fmt: skip
    return offer


def _settle(organization, collaboration, owner, *, everything: bool, keep_late: bool) -> bool:
    """Pay what fell due before today (or everything, for a collaboration that ends
    paid). With `keep_late`, past-due rows are left unpaid, so the demo shows a late
    payment; returns whether it left one."""
    today = selectors.organization_today(organization)
    left_late = False
    for item in PaymentItem.objects.filter(collaboration=collaboration, kind="installment"):
        past_due = item.due_date is not None and item.due_date < today
        if keep_late and past_due:
            left_late = True
            continue
        if everything or past_due:
            services.payment_mark_paid(
                organization=organization, item=item, by=owner,
                reference=f"DEMO-{collaboration.pk:04d}-{item.position}",
                paid_on=min(item.due_date or today, today),
            )  # fmt: skip
    return left_late


def demo_campaign_seed(*, organization: Organization, stdout=None) -> Campaign | None:
    """Runs once per brand: an organization that has any campaign is left alone."""
    plan = PLANS.get(organization.slug)
    if plan is None:
        return None
    with tenant_context(organization):
        if Campaign.objects.exists():
            return None
        membership = (
            Membership.objects.filter(role=Role.OWNER).select_related("user")
            .order_by("created_at").first()
        )  # fmt: skip
        owner = membership.user if membership else None
        today = timezone.localdate()
        begin = timezone.now() - timedelta(days=HISTORY_DAYS)
        campaign = services.campaign_create(
            organization=organization,
            data={**plan["data"], "owner": owner, "start_date": today - timedelta(days=30),
                  "end_date": today + timedelta(days=60)},
            products=plan["products"],
            kpi_targets=[{"metric": m, "target_value": Decimal(v)} for m, v in plan["kpi_targets"]],
            budget_lines=[{"category": c, "planned_amount": Decimal(v)}
                          for c, v in plan["budget_lines"]],
        )  # fmt: skip
        brief_seed(organization=organization, campaign=campaign, owner=owner)
        needed = sum(n for _, n in SPREAD)
        creators = list(
            Creator.objects.exclude(status=CreatorStatus.DO_NOT_CONTACT)
            .order_by("-base_score", "id").values_list("id", flat=True)[:needed]
        )  # fmt: skip
        services.collaborations_add(organization=organization, campaign=campaign,
                                    creator_ids=creators, added_by=owner, at=begin)  # fmt: skip
        collaborations = list(campaign.collaborations.select_related("creator")
                              .order_by("creator_id"))  # fmt: skip
        targets = [stage for stage, n in SPREAD for _ in range(n)]
        seen: dict[str, int] = {}
        link_for = None
        late_left = False
        for n, (collaboration, stage) in enumerate(zip(collaborations, targets, strict=False)):
            nth = seen[stage] = seen.get(stage, 0) + 1
            clock = _Clock(begin + timedelta(hours=3 * n))
            for step in path_to(stage):
                if step == Stage.NEGOTIATING:
                    # The offer itself moves the collaboration to negotiating.
                    agreed = pipeline.reached({stage}, Stage.AGREED) or stage == Stage.CANCELLED
                    rounds = 1 if stage == Stage.NEGOTIATING and nth == 1 else 2 + n % 2
                    _negotiate(organization, campaign, collaboration, n, owner, clock,
                               rounds=rounds, accept=agreed)  # fmt: skip
                    if stage == Stage.NEGOTIATING and nth == 1:
                        link_for = collaboration
                    continue
                if step == Stage.AGREED:
                    continue  # accepting the offer made it agreed
                if step == Stage.DECLINED and nth == 2:
                    offer = services.offer_propose(
                        organization=organization, collaboration=collaboration, by=owner,
                        at=clock.tick(), terms=_terms(campaign, n, Decimal("600"), 30, ""),
                    )  # fmt: skip
                    services.offer_decline(
                        organization=organization, offer=offer, side=Side.CREATOR,
                        reason=REASONS[Stage.DECLINED], at=clock.tick(),
                    )  # fmt: skip
                    continue
                if content_step(organization=organization, collaboration=collaboration,
                                step=step, owner=owner, clock=clock, nth=nth):  # fmt: skip
                    continue  # drafts, approvals and live posts moved it (seeding_content)
                if step == Stage.PAID:
                    _settle(organization, collaboration, owner, everything=True, keep_late=False)
                actor = "creator via portal" if step == Stage.DECLINED else ""
                services.collaboration_transition(
                    organization=organization, collaboration=collaboration, to_stage=step,
                    by=None if actor else owner, reason=REASONS.get(step, ""), actor=actor,
                    at=clock.tick(),
                )  # fmt: skip
            if stage != Stage.PAID:
                # One collaboration in review keeps its past-due payment: the late one.
                late_left = _settle(
                    organization, collaboration, owner, everything=False,
                    keep_late=stage == Stage.CONTENT_IN_REVIEW and not late_left,
                ) or late_left  # fmt: skip
        links = {}
        for collaboration in collaborations:
            if collaboration.stage != Stage.SHORTLISTED:
                _token, raw = services.portal_token_issue(
                    organization=organization, creator=collaboration.creator, issued_by=owner
                )
                links[collaboration.pk] = raw
        for collaboration in collaborations:
            collaboration.refresh_from_db()
            acknowledge(organization=organization, collaboration=collaboration)
        from campaigns.shipping.seeding import demo_shipments_seed

        demo_shipments_seed(organization=organization, campaign=campaign,
                            collaborations=collaborations, owner=owner)  # fmt: skip
        demo_outreach_seed(organization=organization, campaign=campaign, owner=owner)
        demo_expenses_seed(organization=organization, campaign=campaign, owner=owner)
    if stdout is not None:
        stdout.write(
            f"{organization.name}: demo campaign “{campaign.name}” with "
            f"{len(collaborations)} collaborations"
        )
        if link_for is not None and link_for.pk in links:
            url = services.portal_link(raw_token=links[link_for.pk])
            stdout.write(
                f"  creator portal of {link_for.creator.name} (an offer waits for them): {url}"
            )
    return campaign
