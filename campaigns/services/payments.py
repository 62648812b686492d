"""The payment ledger's writes: generating it from an accepted offer, making installments
due when their trigger happens in the pipeline, and recording payments.

Triggers are pipeline stages (TRIGGER_STAGES). collaboration_transition calls
`payments_trigger` in its own transaction, so a stage and the payments it makes due
commit together or not at all; there is no signal to forget or to run twice."""

from __future__ import annotations

import datetime
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.models import (
    Collaboration,
    Offer,
    PaymentItem,
    PaymentKind,
    PaymentStatus,
    PaymentTrigger,
    StageChange,
)
from campaigns.pipeline import Stage
from campaigns.selectors.payments import organization_today
from campaigns.services.guards import same_org
from kolhub.models import Organization

#: What makes each kind of installment due: the collaboration reaching this stage.
TRIGGER_STAGES: dict[str, str] = {
    PaymentTrigger.ON_SIGNATURE: Stage.CONTRACTED,
    PaymentTrigger.ON_DELIVERY: Stage.PRODUCT_SHIPPED,
    PaymentTrigger.ON_APPROVAL: Stage.APPROVED,
    PaymentTrigger.ON_PUBLICATION: Stage.PUBLISHED,
}
STAGE_TRIGGERS: dict[str, str] = {stage: trigger for trigger, stage in TRIGGER_STAGES.items()}
CENT = Decimal("0.01")


def split_fee(fee: Decimal, percents: list[Decimal]) -> list[Decimal]:
    """Each installment's amount, rounded down to the cent, the last one taking what
    rounding left over, so the installments always add up to the fee exactly."""
    amounts = [(fee * p / 100).quantize(CENT, rounding=ROUND_DOWN) for p in percents]
    if amounts:
        amounts[-1] = fee - sum(amounts[:-1], Decimal("0"))
    return amounts


@transaction.atomic
def ledger_generate(
    *, organization: Organization, collaboration: Collaboration, offer: Offer
) -> list[PaymentItem]:
    """The ledger of an accepted offer: one row per schedule row, and one commission row
    if it has a commission. Idempotent: an offer whose rows exist gets them back, and
    the unique constraint on (offer, kind, position) holds that under concurrency too.
    Triggers the collaboration already passed fire at once (with the time they happened)."""
    same_org(organization, collaboration, offer)
    existing = list(PaymentItem.objects.for_org(organization).filter(offer=offer))
    if existing:
        return existing
    installments = list(offer.installments.order_by("position"))
    amounts = split_fee(offer.fee, [i.percent for i in installments])
    items = [
        PaymentItem(
            organization=organization,
            collaboration=collaboration,
            offer=offer,
            kind=PaymentKind.INSTALLMENT,
            position=row.position,
            trigger=row.trigger,
            net_days=row.net_days,
            percent=row.percent,
            amount=amount,
            currency=offer.currency,
        )  # fmt: skip
        for row, amount in zip(installments, amounts, strict=True)
    ]
    if offer.commission_percent > 0:
        # The amount is unknown until tracking attributes sales to this collaboration.
        items.append(PaymentItem(
            organization=organization, collaboration=collaboration, offer=offer,
            kind=PaymentKind.COMMISSION, position=0, percent=offer.commission_percent,
            amount=Decimal("0.00"), currency=offer.currency,
        ))  # fmt: skip
    PaymentItem.objects.bulk_create(items)
    # Stages reached before the ledger existed (terms recorded late) still count.
    reached = (
        StageChange.objects.for_org(organization)
        .filter(collaboration=collaboration, to_stage__in=list(STAGE_TRIGGERS))
        .order_by("at")
        .values_list("to_stage", "at")
    )
    for stage, at in reached:
        _fire(organization, collaboration, offer.pk, STAGE_TRIGGERS[stage], at)
    return list(PaymentItem.objects.for_org(organization).filter(offer=offer))


def _fire(
    organization: Organization, collaboration: Collaboration, offer_id: int, trigger: str,
    at: datetime.datetime,
) -> int:  # fmt: skip
    pending = PaymentItem.objects.for_org(organization).filter(
        collaboration=collaboration, offer_id=offer_id, kind=PaymentKind.INSTALLMENT,
        trigger=trigger, status=PaymentStatus.PENDING,
    )  # fmt: skip
    day = organization_today(organization, at)
    fired = 0
    for item in pending.select_for_update():
        item.triggered_at = at
        item.due_date = day + datetime.timedelta(days=item.net_days)
        item.status = PaymentStatus.DUE
        item.save(update_fields=["triggered_at", "due_date", "status", "updated_at"])
        fired += 1
    return fired


@transaction.atomic
def payments_trigger(
    *, organization: Organization, collaboration: Collaboration, stage: str,
    at: datetime.datetime,
) -> int:  # fmt: skip
    """The collaboration reached `stage`: installments waiting for the trigger that stage
    stands for become due, net-N days from the day it happened. Returns how many."""
    same_org(organization, collaboration)
    trigger = STAGE_TRIGGERS.get(stage)
    if trigger is None or collaboration.terms_id is None:
        return 0
    return _fire(organization, collaboration, collaboration.terms_id, trigger, at)


@transaction.atomic
def payment_mark_paid(
    *, organization: Organization, item: PaymentItem, reference: str,
    by: AbstractBaseUser | None, paid_on: datetime.date | None = None,
) -> PaymentItem:  # fmt: skip
    """Record that the brand paid this row. A pending row may be paid ahead of its
    trigger (a prepayment). Marking a paid row again with the same reference changes
    nothing (a retried request); with another reference it is refused."""
    same_org(organization, item)
    locked = PaymentItem.objects.for_org(organization).select_for_update().get(pk=item.pk)
    reference = " ".join((reference or "").split())
    if not reference:
        raise ValidationError(
            {"reference": "Give the payment reference (transfer id, invoice number), so the "
             "payment can be traced."}
        )  # fmt: skip
    if len(reference) > 120:
        raise ValidationError({"reference": "Keep the reference under 120 characters."})
    if locked.status == PaymentStatus.PAID:
        if locked.paid_reference == reference:
            return locked
        raise ValidationError(
            f"This payment was already recorded as paid on {locked.paid_at:%b %-d, %Y} "
            f"(reference {locked.paid_reference})."
        )
    if locked.kind == PaymentKind.COMMISSION and locked.amount == 0:
        raise ValidationError(
            "The commission's amount is not known yet: it is computed from the sales "
            "tracking attributes to this creator."
        )
    today = organization_today(organization)
    if paid_on is not None and paid_on > today:
        raise ValidationError({"paid_on": "A payment cannot be recorded in the future."})
    now = timezone.now()
    if paid_on is None or paid_on == today:
        paid_at = now
    else:
        zone = ZoneInfo(organization.timezone)
        paid_at = datetime.datetime.combine(paid_on, datetime.time(12), tzinfo=zone)
    locked.status = PaymentStatus.PAID
    locked.paid_at = paid_at
    locked.paid_reference = reference
    locked.paid_by = by
    locked.save(update_fields=["status", "paid_at", "paid_reference", "paid_by", "updated_at"])
    return locked
