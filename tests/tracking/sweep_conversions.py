"""Organization A's store connection, webhook delivery, conversion, refund, ledger
entries, metric snapshot, share-of-voice keyword and rollup rows, for the cross-tenant
sweep and the RLS test (see tests/tenant_world.py). Written with the ORM: the rows only
have to exist here; the services that write them are tested in their own modules."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from campaigns.models import Campaign, Collaboration, LivePost
from tracking.models import (
    AttributionEntry,
    ContentMetricSnapshot,
    Conversion,
    DailyRollup,
    Refund,
    RollupCostWatermark,
    RollupDirtyDay,
    StoreConnection,
    VoiceKeyword,
    WebhookDelivery,
)
from tracking.services.rollups import rollups_derive


def values(tenant) -> dict:
    org = tenant.organization
    now = timezone.now()
    with tenant.context():
        campaign = Campaign.objects.get(name="Zebracorn secret campaign")
        collaboration = Collaboration.objects.filter(campaign=campaign).earliest("id")
        post = LivePost.objects.filter(deliverable__collaboration=collaboration).first() or (
            LivePost.objects.earliest("id")
        )
        connection = StoreConnection.objects.create(
            organization=org, shop_domain=f"zebracorn-secret-{org.slug}.myshopify.com",
            access_token_encrypted="x", public_id=f"zebrapub{org.pk}",
        )  # fmt: skip
        delivery = WebhookDelivery.objects.create(
            organization=org, connection=connection, webhook_id="zebracorn-secret-webhook",
            topic="orders/create", received_at=now, body={"name": "#ZEBRA-SECRET-ORDER"},
        )  # fmt: skip
        conversion = Conversion.objects.create(
            organization=org, source="shopify", external_id="gid://shopify/Order/7777",
            kind="sale", name="#ZEBRA-SECRET-ORDER", occurred_at=now, currency="USD",
            total=Decimal("77.70"), subtotal=Decimal("70.00"), discount_codes=["ZEBRASECRET77"],
            connection=connection,
        )  # fmt: skip
        refund = Refund.objects.create(
            organization=org, conversion=conversion, external_id="gid://shopify/Refund/7",
            amount=Decimal("7.00"), currency="USD", refunded_at=now,
        )  # fmt: skip
        credit = AttributionEntry.objects.create(
            organization=org, conversion=conversion, collaboration=collaboration,
            campaign=campaign, kind="credit", rule="code", conversions=1,
            revenue=Decimal("70.00"), currency="USD", effective_at=now,
            evidence={"code": "ZEBRASECRET77"},
        )  # fmt: skip
        AttributionEntry.objects.create(
            organization=org, conversion=conversion, collaboration=collaboration,
            campaign=campaign, kind="refund", rule="code", conversions=0, refund=refund,
            reverses=credit, revenue=Decimal("-7.00"), currency="USD", effective_at=now,
        )  # fmt: skip
        snapshot = ContentMetricSnapshot.objects.create(
            organization=org, live_post=post, collaboration=post.deliverable.collaboration,
            source="api", observed_at=now, reach=777, likes=77,
        )  # fmt: skip
        keyword = VoiceKeyword.objects.create(
            organization=org, campaign=campaign, keyword="zebracornsecretbrand", is_brand=True,
            label="Zebracorn",
        )  # fmt: skip
        day = now.date() - datetime.timedelta(days=1)
        DailyRollup.objects.create(
            organization=org, campaign=campaign, collaboration=collaboration, day=day,
            currency="USD", clicks=7, revenue=Decimal("70.00"),
        )  # fmt: skip
        # Its campaign day and running totals too: the dashboard reads those.
        rollups_derive(organization=org, collaboration_days=[(collaboration.pk, day)])
        RollupDirtyDay.objects.create(organization=org, collaboration=collaboration, day=day)
        RollupCostWatermark.objects.create(organization=org, through=now)
    return {
        "store_connection_id": connection.pk,
        "connection_id": connection.pk,
        "webhook_delivery_id": delivery.pk,
        "conversion_id": conversion.pk,
        "refund_id": refund.pk,
        "entry_id": credit.pk,
        "credit_id": credit.pk,
        "snapshot_id": snapshot.pk,
        "keyword_id": keyword.pk,
        "secrets": [
            "zebracorn-secret-webhook", "#ZEBRA-SECRET-ORDER", "zebracornsecretbrand",
            f"zebracorn-secret-{org.slug}.myshopify.com",
        ],
    }  # fmt: skip
