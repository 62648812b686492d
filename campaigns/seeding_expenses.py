"""Demo data for campaign expenses (called by campaigns.seeding): the brand paid to boost
a published creator's post as an ad (amplification, paid, counted against that
creator), and a photographer for the launch event is booked but not paid yet (other,
committed, campaign-wide). Both go through the services, so the budget's amplification
and other lines show committed and spent figures the way they do for real."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from campaigns import services
from campaigns.models import Campaign, Collaboration
from campaigns.pipeline import Stage
from campaigns.selectors import organization_today


def demo_expenses_seed(*, organization, campaign: Campaign, owner) -> None:
    today = organization_today(organization)
    published = (
        Collaboration.objects.filter(campaign=campaign, stage=Stage.PUBLISHED)
        .select_related("creator").order_by("id").first()
    )  # fmt: skip
    if published is not None:
        boost = services.expense_create(
            organization=organization, campaign=campaign, collaboration=published, by=owner,
            category="amplification", amount=Decimal("450.00"),
            description=f"Spark Ads boosting {published.creator.name}'s published post",
            incurred_on=today - timedelta(days=3),
        )  # fmt: skip
        services.expense_mark_paid(
            organization=organization, expense=boost, reference="ADS-INV-0001",
            paid_on=today - timedelta(days=1),
        )  # fmt: skip
    services.expense_create(
        organization=organization, campaign=campaign, by=owner, category="other",
        amount=Decimal("800.00"), description="Photographer for the launch event",
        incurred_on=today + timedelta(days=10),
    )  # fmt: skip
