"""Organization A's offers (with deliverables, a product gift and a schedule, countered
and accepted), its payment ledger (one row paid), a portal link and a claimed portal, for
the cross-tenant sweep and the RLS test (see tests/tenant_world.py)."""

from __future__ import annotations

from campaigns import services
from campaigns.models import PaymentItem, PaymentKind, Side
from campaigns.pipeline import Stage
from tests.campaigns.factories import make_campaign, make_collaboration, terms
from tests.creators.factories import make_creator
from tests.kolhub.factories import UserFactory


def values(tenant) -> dict:
    org, owner = tenant.organization, tenant.owner
    with tenant.context():
        campaign = make_campaign(
            org, name="Zebracorn offers campaign",
            products=[{"name": "Zebracorn gift serum", "sku": "ZEBRA-GIFT", "unit_cost": "3",
                       "price": "30"}],
        )  # fmt: skip
        creator = make_creator(org, name="Zebracorn Offer Creator")
        collaboration = make_collaboration(org, campaign, creator=creator, stage=Stage.INVITED)
        product = campaign.products.get()
        offer = services.offer_propose(
            organization=org, collaboration=collaboration, by=owner,
            terms=terms(campaign, fee="4321.00", commission_percent="7",
                        gifts=[{"product_id": product.pk, "quantity": 2}],
                        gift_note="Zebracorn secret gift note",
                        note="Zebracorn secret offer note"),
        )  # fmt: skip
        counter = services.offer_counter(
            organization=org, offer=offer, side=Side.CREATOR,
            terms=terms(campaign, fee="5432.00", note="Zebracorn secret counter note",
                        gifts=[{"product_id": product.pk, "quantity": 2}]),
        )  # fmt: skip
        services.offer_accept(organization=org, offer=counter, side=Side.BRAND, by=owner)
        services.collaboration_transition(organization=org, collaboration=collaboration,
                                          to_stage=Stage.CONTRACTED, by=owner)  # fmt: skip
        item = PaymentItem.objects.get(collaboration=collaboration, kind=PaymentKind.INSTALLMENT,
                                       trigger="on_signature")  # fmt: skip
        services.payment_mark_paid(organization=org, item=item, reference="ZEBRA-PAID-REF",
                                   by=owner)  # fmt: skip
        token, raw = services.portal_token_issue(organization=org, creator=creator,
                                                 issued_by=owner)  # fmt: skip
        # Per organization: the RLS test builds this world for two of them.
        creator_account = UserFactory(email=f"portal-{org.slug}@creator.test")
        services.portal_claim(organization=org, creator=creator, user=creator_account,
                              token=token)  # fmt: skip
    return {
        "offer_id": counter.pk,
        "payment_id": item.pk,
        "portal_token_id": token.pk,
        "secrets": [
            raw, "Zebracorn offers campaign", "Zebracorn Offer Creator", "Zebracorn gift serum",
            "ZEBRA-GIFT", "Zebracorn secret gift note", "Zebracorn secret offer note",
            "Zebracorn secret counter note", "ZEBRA-PAID-REF", "5,432.00", "4,321.00",
            creator_account.email,
        ],
    }  # fmt: skip
