"""Checks every campaigns service makes: rows of the organization at hand, members of it,
amounts that are amounts. Foreign keys between tenant rows are not covered by row-level
security, so the services check them here."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from kolhub.models import CURRENCIES, Membership, Organization

CURRENCY_CODES = {code for code, _ in CURRENCIES}


def same_org(organization: Organization, *objects) -> None:
    # Foreign keys between tenant rows are not checked by RLS; check them here.
    for obj in objects:
        if obj.organization_id != organization.pk:
            raise ValidationError("That record belongs to another organization.")


def check_member(organization: Organization, user, field: str) -> None:
    if user is None:
        return
    if not Membership.objects.for_org(organization).filter(user=user).exists():
        raise ValidationError({field: f"{user} is not a member of {organization.name}."})


def amount(value, field: str, *, positive: bool = False, where: str = "") -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: f"{where}{value!r} is not an amount."}) from None
    if not number.is_finite():
        raise ValidationError({field: f"{where}{value!r} is not an amount."})
    if positive and number <= 0:
        raise ValidationError({field: f"{where}it must be more than 0."})
    if number < 0:
        raise ValidationError({field: f"{where}it cannot be negative."})
    return number
