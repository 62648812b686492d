"""Reads of the payment ledger: a campaign's rows (filtered), a collaboration's, a
creator's (for the portal), and how many are late or due. Lateness is decided against
the organization's today, in the database and on each row (`.late`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from campaigns.models import Campaign, Collaboration, PaymentItem, PaymentStatus
from creators.models import Creator
from kolhub.models import Organization

#: The payments page's filters: name -> label.
PAYMENT_FILTERS = {
    "": "All",
    "late": "Late",
    "due": "Due",
    "pending": "Pending",
    "paid": "Paid",
}


def organization_today(
    organization: Organization, at: datetime.datetime | None = None
) -> datetime.date:
    """The date in the organization's timezone: due dates and lateness are its days."""
    return timezone.localdate(at or timezone.now(), timezone=ZoneInfo(organization.timezone))


def _late(organization: Organization) -> Q:
    return Q(due_date__lt=organization_today(organization)) & ~Q(status=PaymentStatus.PAID)


def payment_queryset(*, organization: Organization) -> QuerySet[PaymentItem]:
    """Ledger rows with their collaboration, creator and campaign, and `is_late`."""
    return (
        PaymentItem.objects.for_org(organization)
        .select_related("collaboration__creator", "collaboration__campaign", "offer", "paid_by")
        .annotate(
            is_late=Case(
                When(_late(organization), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )  # fmt: skip
        )
        .order_by("due_date", "collaboration_id", "kind", "position")
    )


def payment_filter(
    queryset: QuerySet[PaymentItem], organization: Organization, status: str
) -> QuerySet[PaymentItem]:
    if status == "late":
        return queryset.filter(_late(organization))
    if status in PaymentStatus.values:
        return queryset.filter(status=status)
    return queryset


def payment_list(
    *, organization: Organization, campaign: Campaign, status: str = ""
) -> QuerySet[PaymentItem]:
    queryset = payment_queryset(organization=organization).filter(collaboration__campaign=campaign)
    return payment_filter(queryset, organization, status)


def payment_get(
    *, organization: Organization, payment_id: int, campaign: Campaign | None = None
) -> PaymentItem:
    queryset = payment_queryset(organization=organization)
    if campaign is not None:
        queryset = queryset.filter(collaboration__campaign=campaign)
    return queryset.get(pk=payment_id)


def collaboration_payments(
    *, organization: Organization, collaboration: Collaboration
) -> QuerySet[PaymentItem]:
    return payment_queryset(organization=organization).filter(collaboration=collaboration)


def creator_payments(*, organization: Organization, creator: Creator) -> QuerySet[PaymentItem]:
    """The creator's rows in this organization, for the portal."""
    return payment_queryset(organization=organization).filter(collaboration__creator=creator)


@dataclass(frozen=True)
class PaymentSummary:
    late: int = 0
    due: int = 0
    pending: int = 0
    paid: int = 0

    @property
    def total(self) -> int:
        return self.due + self.pending + self.paid


def payment_summary(*, organization: Organization, campaign: Campaign) -> PaymentSummary:
    counts = PaymentItem.objects.for_org(organization).filter(
        collaboration__campaign=campaign
    ).aggregate(
        late=Count("id", filter=_late(organization)),
        due=Count("id", filter=Q(status=PaymentStatus.DUE)),
        pending=Count("id", filter=Q(status=PaymentStatus.PENDING)),
        paid=Count("id", filter=Q(status=PaymentStatus.PAID)),
    )  # fmt: skip
    return PaymentSummary(**counts)
