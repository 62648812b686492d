"""What the store connector keeps besides the connection itself (issue #6):

- StoreOrderError: an order the store sent that could not be recorded (a bad currency,
  a negative amount, a time in the future...), one line per order and connection, kept
  until a later version of the order records cleanly. A pull or a webhook never stops
  for one bad order; this is where it shows.
- StoreDiscount: a creator's promo code created in the store as a discount code
  (Shopify `discountCodeBasicCreate`): the store's discount id, or the errors it gave.
  The promo code keeps only what the brand decided; the sync state lives here."""

from __future__ import annotations

from django.db import models

from kolhub.models import TenantModel
from tracking.models.conversions import StoreConnection
from tracking.models.touchpoints import PromoCode


class StoreOrderError(TenantModel):
    connection = models.ForeignKey(
        StoreConnection, on_delete=models.CASCADE, related_name="order_errors"
    )
    external_id = models.CharField(max_length=120)
    name = models.CharField(max_length=60, blank=True)
    field = models.CharField(max_length=60)
    reason = models.CharField(max_length=300)
    # "pull" or a webhook topic: where the bad version came from.
    origin = models.CharField(max_length=40)
    seen_at = models.DateTimeField()

    class Meta:
        ordering = ["-seen_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "connection", "external_id"],
                name="store_order_error_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name or self.external_id}: {self.field} {self.reason}"


class StoreDiscountStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the store"
    CREATED = "created", "Created in the store"
    # The promo code is off here, so it is off in the store (switched off there, or never
    # created).
    DEACTIVATED = "deactivated", "Deactivated in the store"
    FAILED = "failed", "The store refused it"


class StoreDiscount(TenantModel):
    connection = models.ForeignKey(
        StoreConnection, on_delete=models.CASCADE, related_name="discounts"
    )
    promo_code = models.ForeignKey(
        PromoCode, on_delete=models.CASCADE, related_name="store_discounts"
    )
    status = models.CharField(
        max_length=12, choices=StoreDiscountStatus.choices, default=StoreDiscountStatus.PENDING
    )
    # The store's DiscountCodeNode gid once created.
    store_discount_id = models.CharField(max_length=120, blank=True)
    errors = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "connection", "promo_code"],
                name="store_discount_unique_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.promo_code_id} → {self.connection_id}: {self.status}"
