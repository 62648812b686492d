"""Campaign expenses' writes: recording one, correcting it, marking it paid, deleting it.

An expense stays editable while it is only committed; once paid it is the record of a
payment (its reference traces it) and is left alone, like a paid ledger row. Each
service is one transaction and takes the organization first; the campaign, the
collaboration and the expense must all be the organization's, and the collaboration
the campaign's."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.models import (
    EXPENSE_CATEGORIES,
    Campaign,
    CampaignExpense,
    Collaboration,
    ExpenseStatus,
)
from campaigns.selectors.payments import organization_today
from campaigns.services.guards import check_member, same_org
from kolhub.models import Organization

CENT = Decimal("0.01")
#: max_digits=14, decimal_places=2 on the column.
MAX_AMOUNT = Decimal("999999999999.99")
DESCRIPTION_MAX = 300


def _clean(
    organization: Organization, *, campaign: Campaign, collaboration: Collaboration | None,
    category: str, description: str, amount, incurred_on,
) -> dict:  # fmt: skip
    """The fields, checked together so a form shows every mistake at once."""
    same_org(organization, campaign, *([collaboration] if collaboration is not None else []))
    errors: dict[str, str] = {}
    if collaboration is not None and collaboration.campaign_id != campaign.pk:
        errors["collaboration"] = f"{collaboration.creator} is not in {campaign.name}."
    if category not in {c.value for c in EXPENSE_CATEGORIES}:
        errors["category"] = (
            "An expense is amplification spend or other; fees, product and shipping are "
            "counted from offers, payments and shipments."
        )
    # Plain text on one line: the budget card lists it as a row.
    description = " ".join((description or "").split())
    if not description:
        errors["description"] = "Say what the money is for (e.g. “Spark Ads on Mia's reel”)."
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description under {DESCRIPTION_MAX} characters."
    value = None
    if amount is None or str(amount).strip() == "":
        errors["amount"] = f"Give the amount in {campaign.currency}."
    else:
        try:
            value = Decimal(str(amount).strip().replace(",", ""))
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            errors["amount"] = f"{amount!r} is not an amount."
        elif value <= 0:
            errors["amount"] = "The amount must be more than 0."
        elif value > MAX_AMOUNT:
            errors["amount"] = "That amount is too large."
        elif value != value.quantize(CENT):
            errors["amount"] = "Give the amount to the cent (at most 2 decimals)."
    if not isinstance(incurred_on, datetime.date):
        errors["incurred_on"] = "Give the date the cost was incurred."
    if errors:
        raise ValidationError(errors)
    return {
        "collaboration": collaboration, "category": category, "description": description,
        "amount": value, "incurred_on": incurred_on,
    }  # fmt: skip


def _locked(organization: Organization, expense: CampaignExpense) -> CampaignExpense:
    same_org(organization, expense)
    return (
        CampaignExpense.objects.for_org(organization)
        .select_for_update()
        .select_related("campaign")
        .get(pk=expense.pk)
    )


def _still_committed(expense: CampaignExpense, verb: str) -> None:
    if expense.status == ExpenseStatus.PAID:
        raise ValidationError(
            f"This expense was paid on {expense.paid_on:%b %-d, %Y} (reference "
            f"{expense.paid_reference}); a paid expense cannot be {verb}."
        )


@transaction.atomic
def expense_create(
    *, organization: Organization, campaign: Campaign, category: str, description: str,
    amount, incurred_on: datetime.date, collaboration: Collaboration | None = None,
    by: AbstractBaseUser | None = None,
) -> CampaignExpense:  # fmt: skip
    """Record a cost of the campaign, committed until it is marked paid."""
    check_member(organization, by, "created_by")
    fields = _clean(organization, campaign=campaign, collaboration=collaboration,
                    category=category, description=description, amount=amount,
                    incurred_on=incurred_on)  # fmt: skip
    return CampaignExpense.objects.create(
        organization=organization, campaign=campaign, created_by=by, **fields
    )


@transaction.atomic
def expense_update(
    *, organization: Organization, expense: CampaignExpense, category: str, description: str,
    amount, incurred_on: datetime.date, collaboration: Collaboration | None = None,
) -> CampaignExpense:  # fmt: skip
    """Correct an expense while it is committed (the campaign it belongs to stays)."""
    locked = _locked(organization, expense)
    _still_committed(locked, "changed")
    fields = _clean(organization, campaign=locked.campaign, collaboration=collaboration,
                    category=category, description=description, amount=amount,
                    incurred_on=incurred_on)  # fmt: skip
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    return locked


@transaction.atomic
def expense_mark_paid(
    *, organization: Organization, expense: CampaignExpense, reference: str,
    paid_on: datetime.date | None = None,
) -> CampaignExpense:  # fmt: skip
    """Record that the expense was paid. Repeating it with the same reference changes
    nothing (a retried request); with another reference it is refused."""
    locked = _locked(organization, expense)
    reference = " ".join((reference or "").split())
    if not reference:
        raise ValidationError(
            {"reference": "Give the payment reference (invoice number, transfer id, ad "
             "account receipt), so the payment can be traced."}
        )  # fmt: skip
    if len(reference) > 120:
        raise ValidationError({"reference": "Keep the reference under 120 characters."})
    if locked.status == ExpenseStatus.PAID:
        if locked.paid_reference == reference:
            return locked
        raise ValidationError(
            {"reference": f"This expense was already recorded as paid on "
             f"{locked.paid_on:%b %-d, %Y} (reference {locked.paid_reference})."}
        )  # fmt: skip
    today = organization_today(organization)
    if paid_on is not None and paid_on > today:
        raise ValidationError({"paid_on": "A payment cannot be recorded in the future."})
    locked.status = ExpenseStatus.PAID
    locked.paid_on = paid_on or today
    locked.paid_reference = reference
    locked.save(update_fields=["status", "paid_on", "paid_reference", "updated_at"])
    return locked


@transaction.atomic
def expense_delete(*, organization: Organization, expense: CampaignExpense) -> None:
    """Remove an expense recorded by mistake, while it is committed."""
    locked = _locked(organization, expense)
    _still_committed(locked, "deleted")
    locked.delete()
