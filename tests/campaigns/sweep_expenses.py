"""Organization A's campaign expenses, in the sweep's campaign: a paid amplification
expense naming its creator and a committed campaign-wide one, for the cross-tenant sweep
and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from campaigns import services
from campaigns.models import Campaign, Collaboration


def values(tenant) -> dict:
    org, owner = tenant.organization, tenant.owner
    with tenant.context():
        # The sweep fills <campaign_id> from sweep_campaigns (modules run in name order,
        # so it exists): the expense routes are nested in it, so the expense must be too.
        campaign = Campaign.objects.get(name="Zebracorn secret campaign")
        collaboration = Collaboration.objects.filter(campaign=campaign).earliest("id")
        boost = services.expense_create(
            organization=org, campaign=campaign, collaboration=collaboration, by=owner,
            category="amplification", description="Zebracorn secret boost",
            amount=Decimal("4321.09"), incurred_on=date(2026, 1, 5),
        )  # fmt: skip
        services.expense_mark_paid(organization=org, expense=boost,
                                   reference="ZEBRA-EXP-REF-77", paid_on=date(2026, 1, 6))  # fmt: skip
        services.expense_create(
            organization=org, campaign=campaign, by=owner, category="other",
            description="Zebracorn secret photographer", amount=Decimal("8765.43"),
            incurred_on=date(2026, 1, 7),
        )  # fmt: skip
    return {
        "expense_id": boost.pk,
        "secrets": [
            "Zebracorn secret boost", "ZEBRA-EXP-REF-77", "Zebracorn secret photographer",
            "4321.09", "8765.43",
        ],
    }  # fmt: skip
