"""The payment ledger: what the brand owes a creator under the accepted offer, row by row.

Rows are generated once, when an offer is accepted (campaigns.services.payments), one per
schedule row plus one for a commission. An installment is *pending* until its trigger
happens in the pipeline, then *due* (with due_date = trigger day + net days), then *paid*
when the brand records the payment. Late is computed, never stored: due_date before
today (in the organization's timezone) and not paid.

A commission row records that the creator earns `percent` of attributed revenue; its
amount stays 0 and its due date empty until tracking computes the sales it is owed on."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.models.offers import PaymentTrigger
from kolhub.models import CURRENCIES, TenantModel


class PaymentKind(models.TextChoices):
    INSTALLMENT = "installment", "Installment"
    COMMISSION = "commission", "Commission"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DUE = "due", "Due"
    PAID = "paid", "Paid"


class PaymentItem(TenantModel):
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", on_delete=models.CASCADE, related_name="payment_items"
    )
    # RESTRICT: the terms a payment was owed under cannot vanish while it exists (a
    # collaboration's deletion still takes both).
    offer = models.ForeignKey(
        "campaigns.Offer", on_delete=models.RESTRICT, related_name="payment_items"
    )
    kind = models.CharField(max_length=12, choices=PaymentKind.choices)
    # The schedule row's position (installments), 0 for the commission row.
    position = models.PositiveSmallIntegerField()
    trigger = models.CharField(max_length=16, choices=PaymentTrigger.choices, blank=True)
    net_days = models.PositiveIntegerField(default=0)
    percent = models.DecimalField(
        max_digits=5, decimal_places=2,
        help_text="Share of the fee (installment) or of attributed revenue (commission)",
    )  # fmt: skip
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    triggered_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_reference = models.CharField(max_length=120, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["collaboration_id", "kind", "position"]
        constraints = [
            # Generating the ledger twice cannot make a second row for the same line.
            models.UniqueConstraint(
                fields=["organization", "offer", "kind", "position"], name="payment_unique_line"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False), name="payment_paid_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="due") | Q(due_date__isnull=False), name="payment_due_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "due_date"], name="payment_org_due"),
            models.Index(fields=["organization", "collaboration"], name="payment_org_collab"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.position}: {self.amount} {self.currency}"

    def late_on(self, today: datetime.date) -> bool:
        return (
            self.status != PaymentStatus.PAID
            and self.due_date is not None
            and self.due_date < today
        )
