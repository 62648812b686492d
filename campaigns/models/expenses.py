"""Campaign expenses: money a campaign spends outside the creators' fees, product and
shipping, typed in by the brand. Two budget categories have no other source: paid
amplification of a creator's post (boosting it as an ad: Spark Ads, Partnership ads) and
anything else (an event venue, a photographer).

An expense is *committed* from the moment it is recorded and *spent* once it is marked
paid (campaigns.budget reads both). Its amount is in the campaign's currency, so the
budget adds it as it is. A paid expense is history: it can no longer be edited or
deleted (campaigns.services.expenses)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from campaigns.models.campaigns import BudgetCategory
from kolhub.models import TenantModel

#: The budget categories an expense may be recorded under: the others have their own
#: source (offers and the ledger, shipments).
EXPENSE_CATEGORIES = (BudgetCategory.AMPLIFICATION, BudgetCategory.OTHER)
EXPENSE_CATEGORY_CHOICES = [(c.value, c.label) for c in EXPENSE_CATEGORIES]


class ExpenseStatus(models.TextChoices):
    COMMITTED = "committed", "Committed"
    PAID = "paid", "Paid"


class CampaignExpense(TenantModel):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="expenses"
    )
    # Optional: the creator whose post was boosted. Empty = the campaign as a whole.
    # SET_NULL: removing a creator from the campaign keeps the money it spent.
    collaboration = models.ForeignKey(
        "campaigns.Collaboration", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="expenses",
    )  # fmt: skip
    category = models.CharField(max_length=16, choices=EXPENSE_CATEGORY_CHOICES)
    description = models.CharField(max_length=300)
    amount = models.DecimalField(
        max_digits=14, decimal_places=2, help_text="In the campaign's currency"
    )
    incurred_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ExpenseStatus.choices, default=ExpenseStatus.COMMITTED
    )
    paid_on = models.DateField(null=True, blank=True)
    paid_reference = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-incurred_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            models.CheckConstraint(
                condition=Q(category__in=[c.value for c in EXPENSE_CATEGORIES]),
                name="expense_category_allowed",
            ),
            models.CheckConstraint(
                condition=Q(status="committed")
                | (Q(status="paid") & Q(paid_on__isnull=False) & ~Q(paid_reference="")),
                name="expense_paid_has_date_and_reference",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "campaign"], name="expense_org_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.description} ({self.amount})"

    @property
    def is_paid(self) -> bool:
        return self.status == ExpenseStatus.PAID
