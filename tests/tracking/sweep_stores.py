"""Organization A's store order error line and synced discount (the connection itself is
in sweep_conversions.py, which returns it as `store_connection_id`), for the cross-tenant
sweep and the RLS test. Written with the ORM: the services are tested elsewhere."""

from __future__ import annotations

from django.utils import timezone

from tracking.models import PromoCode, StoreConnection, StoreDiscount, StoreOrderError


def values(tenant) -> dict:
    org = tenant.organization
    with tenant.context():
        connection = StoreConnection.objects.get(
            shop_domain=f"zebracorn-secret-{org.slug}.myshopify.com"
        )
        StoreOrderError.objects.create(
            organization=org, connection=connection, external_id="gid://shopify/Order/7778",
            name="#ZEBRA-BAD-ORDER", field="total", reason="must not be negative",
            origin="pull", seen_at=timezone.now(),
        )  # fmt: skip
        promo = PromoCode.objects.earliest("id")
        discount = StoreDiscount.objects.create(
            organization=org, connection=connection, promo_code=promo, status="failed",
            store_discount_id="gid://shopify/DiscountCodeNode/zebrasecretdiscount",
        )  # fmt: skip
    # Failed, so that retrying it from another organization would have something to do.
    return {"secrets": ["#ZEBRA-BAD-ORDER", "zebrasecretdiscount"],
            "store_discount_id": discount.pk}  # fmt: skip
