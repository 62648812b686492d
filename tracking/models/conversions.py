"""Conversions in, and the attribution ledger (issue #6).

- StoreConnection: an organization's store (Shopify), its Admin API token and webhook
  secret encrypted at rest (campaigns.shipping.secrets), the pull's high-water mark and
  the state of its retries. Webhooks arrive at /hooks/shopify/<public_id>/.
- WebhookDelivery: every webhook the store sent, unique per X-Shopify-Webhook-Id, so a
  replay is recorded once and processed once.
- Conversion: one order (sale) or lead from any source (store pull or webhook, postback,
  CSV import, landing page), unique per (organization, source, external id). It keeps
  what attribution reads: the click id carried to the order, the discount codes, the
  landing URL's UTM tags, the customer's order index.
- Refund: money returned on a conversion, unique per (conversion, external id).
- AttributionEntry: the ledger. Append-only: a credit names the rule that gave it and
  its evidence; a cancellation, a refund or a re-attribution adds an entry that undoes
  what it undoes (a reversal points at the credit it reverses). Summing a
  collaboration's entries gives its conversions and revenue on any day, and every
  figure on the dashboard can be traced to the entries behind it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from kolhub.models import TenantModel


class StoreKind(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", "Connected"
    RETRYING = "retrying", "Retrying after an error"
    # Stopped after its backoff ran out, or at once for a revoked or invalid token: a
    # person has to reconnect it. Beat leaves it alone.
    FAILED = "failed", "Stopped: needs attention"
    DISCONNECTED = "disconnected", "Disconnected"


class StoreConnection(TenantModel):
    kind = models.CharField(max_length=12, choices=StoreKind.choices, default=StoreKind.SHOPIFY)
    shop_domain = models.CharField(max_length=255, help_text="e.g. my-brand.myshopify.com")
    access_token_encrypted = models.TextField()
    webhook_secret_encrypted = models.TextField(blank=True)
    # Not a secret: the webhook's signature is what authenticates a delivery.
    public_id = models.CharField(max_length=32)
    api_version = models.CharField(max_length=10, default="2025-10")
    status = models.CharField(
        max_length=12, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE
    )
    last_error = models.TextField(blank=True)
    failures = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The largest order updated_at read so far: the next pull asks for updated_at >= it.
    orders_high_water = models.DateTimeField(null=True, blank=True)
    last_pulled_at = models.DateTimeField(null=True, blank=True)
    sync_discount_codes = models.BooleanField(
        default=False, help_text="Create the creators' promo codes in the store as discount codes"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shop_domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "shop_domain"], name="store_connection_unique_shop"
            ),
            models.UniqueConstraint(
                fields=["organization", "public_id"], name="store_connection_public_id"
            ),
        ]
        indexes = [
            # The webhook finds its connection before it knows the organization.
            models.Index(fields=["public_id"], name="store_connection_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.shop_domain}"


class WebhookDelivery(TenantModel):
    connection = models.ForeignKey(
        StoreConnection, on_delete=models.CASCADE, related_name="deliveries"
    )
    webhook_id = models.CharField(max_length=100)
    topic = models.CharField(max_length=60)
    received_at = models.DateTimeField()
    body = models.JSONField()
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    error = models.TextField(blank=True)
    # Times the same webhook id arrived again (answered 200, not processed again).
    replays = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "webhook_id"], name="webhook_delivery_unique_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} {self.webhook_id}"


class ConversionSource(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    POSTBACK = "postback", "Server postback"
    CSV = "csv", "CSV import"
    LANDING = "landing", "Landing page lead"


class ConversionKind(models.TextChoices):
    SALE = "sale", "Sale"
    LEAD = "lead", "Lead"


class Conversion(TenantModel):
    source = models.CharField(max_length=12, choices=ConversionSource.choices)
    # A postback names its own source label too (e.g. "app"), so two systems posting
    # the same external id do not collide: (organization, source, source_label,
    # external_id) is the idempotency key.
    source_label = models.CharField(max_length=60, blank=True)
    external_id = models.CharField(max_length=120)
    connection = models.ForeignKey(
        StoreConnection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=8, choices=ConversionKind.choices)
    name = models.CharField(max_length=60, blank=True, help_text="The store's order name, #1001")
    occurred_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # The source's own updated_at: an older version arriving late never overwrites a newer.
    source_updated_at = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    # The order's total after discounts and edits but before refunds (each refund is a
    # Refund row), the subtotal without tax and shipping, and the tax, in `currency`.
    total = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    subtotal = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    tax = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    refunded = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    discount_codes = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    click_id = models.CharField(max_length=64, blank=True)
    landing_url = models.TextField(blank=True)
    referral_code = models.CharField(max_length=200, blank=True)
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    # A salted hash of the store's customer id (or email), never the raw value.
    customer_key = models.CharField(max_length=64, blank=True)
    # The store's count of this customer's orders including this one; 1 = new customer.
    customer_order_index = models.PositiveIntegerField(null=True, blank=True)
    shipping_country = models.CharField(max_length=2, blank=True)
    lead = models.ForeignKey(
        "tracking.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "source", "source_label", "external_id"],
                name="conversion_unique_external_id",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="conversion_total_gte_0"),
            models.CheckConstraint(condition=Q(refunded__gte=0), name="conversion_refunded_gte_0"),
        ]
        indexes = [
            models.Index(fields=["organization", "occurred_at"], name="conversion_org_time"),
            models.Index(fields=["organization", "click_id"], name="conversion_org_click"),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.source}:{self.external_id}"

    @property
    def is_new_customer(self) -> bool | None:
        if self.customer_order_index is None:
            return None
        return self.customer_order_index <= 1


class Refund(TenantModel):
    conversion = models.ForeignKey(Conversion, on_delete=models.CASCADE, related_name="refunds")
    external_id = models.CharField(max_length=120)
    # The money returned to the customer.
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    refunded_at = models.DateTimeField()
    # The attributed revenue it undoes (refunded items without tax; shipping and tax are
    # not revenue), when the source tells it apart from the money; null: the amount.
    revenue = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["refunded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "conversion", "external_id"], name="refund_unique_id"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_gt_0"),
            models.CheckConstraint(
                condition=Q(revenue__isnull=True) | Q(revenue__gte=0, revenue__lte=F("amount")),
                name="refund_revenue_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.conversion_id}"


class CreditRule(models.TextChoices):
    CLICK = "click", "Click id carried to the order"
    CODE = "code", "Creator's promo code on the order"
    UTM = "utm", "Creator's UTM tags on the landing URL"
    LEAD = "lead", "Lead left on the creator's landing page"


class EntryKind(models.TextChoices):
    CREDIT = "credit", "Credit"
    # Withdraws a credit whole: the order was cancelled, or late data moved the credit.
    REVERSAL = "reversal", "Reversal"
    # Takes back part of a credit's revenue: the revenue a refund on a credited order undoes.
    REFUND = "refund", "Refund"


class AttributionEntry(TenantModel):
    conversion = models.ForeignKey(
        Conversion, on_delete=models.CASCADE, related_name="attribution_entries"
    )
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="+"
    )
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    # The credited conversion's kind when the entry was written (reversals and refunds
    # copy their credit's): a lead counts as a lead and an order as an order
    # (METRICS.md), and the append-only ledger keeps what each entry counted as.
    conversion_kind = models.CharField(
        max_length=8, choices=ConversionKind.choices, default=ConversionKind.SALE
    )
    # For a credit: the rule that gave it. Reversals and refunds copy their credit's.
    rule = models.CharField(max_length=8, choices=CreditRule.choices)
    # What the rule saw: {"click": {...}, "code": "...", "utm": {...}, "candidates": [...]}.
    evidence = models.JSONField(default=dict)
    reason = models.CharField(max_length=300, blank=True)
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="reversed_by"
    )
    refund = models.ForeignKey(
        Refund, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Signed: +1 for a credit, -1 for a reversal, 0 for a refund.
    conversions = models.SmallIntegerField()
    # Signed revenue in `currency` (net of discounts and tax, see METRICS.md).
    revenue = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, blank=True)
    new_customer = models.BooleanField(null=True)
    # The link's platform when a click gave the credit, the UTM source for a UTM credit,
    # the collaboration's only platform for a code credit; "" otherwise.
    platform = models.CharField(max_length=12, blank=True)
    # When the entry counts on the dashboard: the order's time for credits and their
    # reversals, the refund's time for refunds.
    effective_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "attribution entries"
        constraints = [
            # One standing reversal per credit and one entry per refund: a rerun of the
            # attribution finds them and adds nothing.
            models.UniqueConstraint(
                fields=["organization", "reverses"],
                condition=Q(kind="reversal"),
                name="attribution_one_reversal_per_credit",
            ),
            models.UniqueConstraint(
                fields=["organization", "refund", "reverses"],
                condition=Q(kind="refund"),
                name="attribution_one_entry_per_refund",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "conversion"], name="attribution_org_conversion"),
            models.Index(
                fields=["organization", "collaboration", "effective_at"],
                name="attribution_org_collab_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.rule} {self.revenue} {self.currency} → {self.collaboration_id}"
