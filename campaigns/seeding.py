"""Demo data: a campaign per demo brand, with products, KPI targets, a budget and a living
pipeline (collaborations in every stage). Everything goes through campaigns.services,
and every collaboration reaches its stage by real transitions, so its history reads like
one a team made."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from campaigns import services
from campaigns.models import Campaign, CampaignStatus, Objective
from campaigns.pipeline import FORWARD, Stage
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
        campaign = services.campaign_create(
            organization=organization,
            data={**plan["data"], "owner": owner, "start_date": today,
                  "end_date": today + timezone.timedelta(days=90)},
            products=plan["products"],
            kpi_targets=[{"metric": m, "target_value": Decimal(v)} for m, v in plan["kpi_targets"]],
            budget_lines=[{"category": c, "planned_amount": Decimal(v)}
                          for c, v in plan["budget_lines"]],
        )  # fmt: skip
        needed = sum(n for _, n in SPREAD)
        creators = list(
            Creator.objects.exclude(status=CreatorStatus.DO_NOT_CONTACT)
            .order_by("-base_score", "id").values_list("id", flat=True)[:needed]
        )  # fmt: skip
        services.collaborations_add(organization=organization, campaign=campaign,
                                    creator_ids=creators, added_by=owner)  # fmt: skip
        collaborations = list(campaign.collaborations.order_by("creator_id"))
        targets = [stage for stage, n in SPREAD for _ in range(n)]
        for collaboration, stage in zip(collaborations, targets, strict=False):
            for step in path_to(stage):
                actor = "creator via portal" if step == Stage.DECLINED else ""
                services.collaboration_transition(
                    organization=organization, collaboration=collaboration, to_stage=step,
                    by=None if actor else owner, reason=REASONS.get(step, ""), actor=actor,
                )  # fmt: skip
        services.checklist_tick(organization=organization, campaign=campaign, step="brief",
                                by=owner)  # fmt: skip
    if stdout is not None:
        stdout.write(
            f"{organization.name}: demo campaign “{campaign.name}” with "
            f"{len(collaborations)} collaborations"
        )
    return campaign
