"""Offers: every version of the terms proposed for a collaboration, by the brand or by the
creator, with deliverables, product gifts and a payment schedule.

A version is never edited: a change of mind is a new version (a counter-offer), so the
history, and the differences between versions (campaigns.terms.diff), stay true. The
rules about who may do what, and when, live in campaigns.services.offers; the rows here
hold the invariants that belong to one row, and the database holds the two that span
rows: at most one open and at most one accepted version per collaboration.

Money: `fee` is in the offer's `currency`. When that is not the campaign's currency,
`exchange_rate` says what one unit of it is worth in the campaign's currency (1 EUR =
1.08 USD), so the budget can add it up; it is required then and empty otherwise.

A fee of 0 is allowed only when the creator gets something else for the work: a product
gift (gifted / seeding deals) or a commission (affiliate deals). Then the payment
schedule is empty, since there is no fee to split."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from creators.models import Deliverable, Platform
from kolhub.models import CURRENCIES, TenantModel


class Side(models.TextChoices):
    BRAND = "brand", "Brand"
    CREATOR = "creator", "Creator"


class OfferStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    SUPERSEDED = "superseded", "Superseded"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PaymentTrigger(models.TextChoices):
    """What makes an installment due, and the pipeline stage that means it happened
    (campaigns.services.payments.TRIGGER_STAGES)."""

    ON_SIGNATURE = "on_signature", "On signature"
    ON_DELIVERY = "on_delivery", "On delivery"
    ON_APPROVAL = "on_approval", "On approval"
    ON_PUBLICATION = "on_publication", "On publication"


class Offer(TenantModel):
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="offers"
    )
    version = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    proposed_by = models.CharField(max_length=8, choices=Side.choices)
    # The person on the brand side who proposed it (None for the creator, or an API key).
    proposed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    # When it stopped being open, who ended it and how (accepted, declined, superseded…).
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=8, choices=Side.choices, blank=True)
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    fee = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    exchange_rate = models.DecimalField(
        max_digits=18, decimal_places=8, null=True, blank=True,
        help_text="What 1 unit of the offer's currency is worth in the campaign's currency; "
        "required when they differ.",
    )  # fmt: skip
    commission_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Of attributed revenue; the amount is computed from tracked sales.",
    )  # fmt: skip
    gift_note = models.TextField(
        blank=True, help_text="Product gift in words, besides (or instead of) campaign products"
    )
    usage_rights_days = models.PositiveIntegerField(
        default=0, help_text="How long the brand may reuse the content; 0: no reuse"
    )
    usage_channels = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    paid_amplification = models.BooleanField(
        default=False, help_text="The brand may boost the content with paid ads"
    )
    exclusivity_categories = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    exclusivity_days = models.PositiveIntegerField(default=0)
    note = models.TextField(blank=True, help_text="Why this version: shown to the other side")

    class Meta:
        ordering = ["collaboration_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "collaboration", "version"], name="offer_unique_version"
            ),
            # Negotiation is one thread: a new version supersedes the open one.
            models.UniqueConstraint(
                fields=["organization", "collaboration"],
                condition=Q(status="open"),
                name="offer_one_open",
            ),  # fmt: skip
            # A collaboration has one set of terms; a second accept must not make another.
            models.UniqueConstraint(
                fields=["organization", "collaboration"],
                condition=Q(status="accepted"),
                name="offer_one_accepted",
            ),  # fmt: skip
            models.CheckConstraint(condition=Q(fee__gte=0), name="offer_fee_not_negative"),
            models.CheckConstraint(
                condition=Q(commission_percent__gte=0) & Q(commission_percent__lte=100),
                name="offer_commission_percent",
            ),
            models.CheckConstraint(
                condition=Q(exchange_rate__isnull=True) | Q(exchange_rate__gt=0),
                name="offer_rate_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"Offer v{self.version} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == OfferStatus.OPEN


class OfferDeliverable(TenantModel):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="deliverables")
    position = models.PositiveSmallIntegerField()
    platform = models.CharField(max_length=12, choices=Platform.choices)
    kind = models.CharField(max_length=10, choices=Deliverable.choices)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    due_date = models.DateField()

    class Meta:
        ordering = ["offer_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "offer", "position"], name="deliverable_unique_position"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="deliverable_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.get_platform_display()} {self.get_kind_display()}"


class OfferGift(TenantModel):
    """A campaign product given to the creator. Name and SKU are copied: the terms must
    read the same after the campaign's product list changes (the link then goes null)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="gifts")
    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(
        "campaigns.CampaignProduct", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    product_name = models.CharField(max_length=200)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["offer_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "offer", "position"], name="gift_unique_position"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="gift_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


class OfferInstallment(TenantModel):
    """One row of the payment schedule: `percent` of the fee, due `net_days` after
    `trigger` happens. An accepted offer's rows become the payment ledger."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="installments")
    position = models.PositiveSmallIntegerField()
    percent = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    trigger = models.CharField(max_length=16, choices=PaymentTrigger.choices)
    net_days = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["offer_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "offer", "position"], name="installment_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(percent__gt=0) & Q(percent__lte=100), name="installment_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent}% {self.get_trigger_display().lower()}, net {self.net_days}"
